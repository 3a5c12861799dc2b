//! The part-of-speech stage: a greedy averaged perceptron over the segment tokens, trained on
//! the CoreNLP silver Penn tags of the corpus (projected onto our tokens). The pipeline tags
//! once; the parser, the attribution model and the resolver read the tags.

use crate::corpus::GoldDoc;
use crate::error::{Error, Result};
use crate::learn::format;
use crate::learn::hash::{combine, feature_id, Fnv, Rng};
use crate::learn::perceptron::{Scorer, Trainer, Weights};
use crate::span::Span;

pub(crate) static EMBEDDED: &[u8] = include_bytes!("../../../../models/pos.bin");

/// The Penn Treebank tags CoreNLP uses; a tag's id is its index. [`NO_TAG`] is "unknown".
pub const TAGS: [&str; 45] = [
    "NN", "NNP", "IN", "DT", "JJ", "NNS", ".", ",", "RB", "PRP", "VBD", "VB", "VBZ", "CC", "TO",
    "VBG", "VBN", "VBP", "CD", "``", "''", "PRP$", "MD", "POS", ":", "WP", "WDT", "NNPS", "WRB",
    "RP", "-LRB-", "-RRB-", "JJR", "JJS", "RBR", "EX", "$", "RBS", "PDT", "UH", "WP$", "FW", "LS",
    "SYM", "#",
];

/// The tag id of tokens outside the text (before the first, after the last) and of unknown
/// tags.
pub const NO_TAG: u8 = TAGS.len() as u8;

/// The id of a Penn tag.
pub fn tag_id(tag: &str) -> Option<u8> {
    TAGS.iter().position(|&t| t == tag).map(|i| i as u8)
}

/// A coarse class of a tag: 0 other, 1 noun-phrase word, 2 verb, 3 preposition, 4
/// punctuation, 5 wh-word, 6 conjunction.
pub fn coarse(tag: u8) -> u8 {
    match TAGS.get(usize::from(tag)).copied().unwrap_or("") {
        "NN" | "NNP" | "NNS" | "NNPS" | "PRP" | "DT" | "JJ" | "JJR" | "JJS" | "CD" | "POS"
        | "PRP$" | "PDT" => 1,
        "VB" | "VBD" | "VBG" | "VBN" | "VBP" | "VBZ" | "MD" => 2,
        "IN" | "TO" => 3,
        "." | "," | ":" | "``" | "''" | "-LRB-" | "-RRB-" => 4,
        "WP" | "WDT" | "WRB" | "WP$" => 5,
        "CC" => 6,
        _ => 0,
    }
}

const NONE_HASH: u64 = 0x7a7a_7a7a;

/// Per-token hashes the tagger's features use.
#[derive(Clone, Copy, Default)]
struct Tok {
    word: u64,
    suf1: u64,
    suf2: u64,
    suf3: u64,
    pre1: u64,
    pre3: u64,
    shape: u64,
}

fn tok(s: &str) -> Tok {
    let mut word = Fnv::default();
    let mut shape = Fnv::default();
    let mut pre1 = Fnv::default();
    let mut pre3 = Fnv::default();
    let mut last = 0u8;
    let mut n = 0usize;
    for (k, c) in s.chars().enumerate() {
        let class = crate::learn::char_class(c);
        if class == 0 {
            shape.char(c);
            last = 0;
        } else if class != last {
            shape.byte(class);
            last = class;
        }
        for l in c.to_lowercase() {
            word.char(l);
            if k < 1 {
                pre1.char(l);
            }
            if k < 3 {
                pre3.char(l);
            }
        }
        n += 1;
    }
    let suffix = |len: usize| {
        let mut h = Fnv::default();
        h.byte(len as u8);
        for c in s.chars().skip(n.saturating_sub(len)) {
            for l in c.to_lowercase() {
                h.char(l);
            }
        }
        h.finish()
    };
    Tok {
        word: word.finish(),
        suf1: suffix(1),
        suf2: suffix(2),
        suf3: suffix(3),
        pre1: pre1.finish(),
        pre3: pre3.finish(),
        shape: shape.finish(),
    }
}

fn toks(text: &str, spans: &[Span]) -> Vec<Tok> {
    spans
        .iter()
        .map(|s| tok(text.get(s.range()).unwrap_or("")))
        .collect()
}

fn add(out: &mut Vec<u32>, template: u64, value: u64) {
    out.push(feature_id(combine(template ^ 0x9000, value)));
}

/// The features of token `t` given the tags of the two tokens before it.
fn features(ts: &[Tok], t: usize, p1: u8, p2: u8, out: &mut Vec<u32>) {
    let at = |k: isize| -> Option<&Tok> { (k >= 0).then(|| ts.get(k as usize)).flatten() };
    let w = |k: isize| at(k).map_or(NONE_HASH, |x| x.word);
    let x = &ts[t];
    let ti = t as isize;
    out.clear();
    add(out, 1, 0);
    add(out, 2, x.word);
    add(out, 3, x.suf1);
    add(out, 4, x.suf2);
    add(out, 5, x.suf3);
    add(out, 6, x.pre1);
    add(out, 7, x.pre3);
    add(out, 8, x.shape);
    add(out, 9, w(ti - 1));
    add(out, 10, w(ti + 1));
    add(out, 11, w(ti - 2));
    add(out, 12, w(ti + 2));
    add(out, 13, at(ti + 1).map_or(NONE_HASH, |x| x.suf3));
    add(out, 14, at(ti - 1).map_or(NONE_HASH, |x| x.suf3));
    add(out, 15, u64::from(p1));
    add(out, 16, combine(u64::from(p1), u64::from(p2)));
    add(out, 17, combine(u64::from(p1), x.word));
    add(out, 18, combine(x.word, w(ti + 1)));
    add(out, 19, combine(w(ti - 1), x.word));
    add(
        out,
        20,
        combine(x.shape, at(ti + 1).map_or(NONE_HASH, |x| x.shape)),
    );
    add(out, 21, u64::from(t == 0));
}

/// The trained tagger.
#[derive(Clone, Debug, PartialEq)]
pub struct PosTagger {
    pub(crate) weights: Weights,
}

fn argmax(scores: &[f32]) -> u8 {
    let mut best = 0usize;
    for (i, &s) in scores.iter().enumerate() {
        if s > scores[best] {
            best = i;
        }
    }
    best as u8
}

impl PosTagger {
    /// The tagger committed in `models/pos.bin`, built into the binary.
    pub fn embedded() -> PosTagger {
        PosTagger::from_bytes(EMBEDDED)
            .expect("the embedded POS model is valid (checked by the unit tests)")
    }

    /// Loads a file written by [`PosTagger::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<PosTagger> {
        let (_, mut tables) = format::read("pos", bytes)?;
        if tables.len() != 1 || tables[0].n_labels != TAGS.len() {
            return Err(Error::Model {
                name: "pos".into(),
                message: "unexpected weight tables".into(),
            });
        }
        Ok(PosTagger {
            weights: tables.pop().unwrap(),
        })
    }

    /// The model file bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        format::write("{}", &[&self.weights])
    }

    /// Tags the tokens `spans` of `text`, greedily left to right.
    pub fn tag(&self, text: &str, spans: &[Span]) -> Vec<u8> {
        let ts = toks(text, spans);
        let mut tags = Vec::with_capacity(ts.len());
        let mut buf = Vec::with_capacity(24);
        let mut scores = [0f32; TAGS.len()];
        let (mut p1, mut p2) = (NO_TAG, NO_TAG);
        for t in 0..ts.len() {
            features(&ts, t, p1, p2, &mut buf);
            self.weights.score(&buf, &mut scores);
            let tag = argmax(&scores);
            tags.push(tag);
            (p2, p1) = (p1, tag);
        }
        tags
    }
}

/// A training document: the text, its tokens and per token the gold tag ([`NO_TAG`]: not
/// known, not learnt from).
pub struct PosDoc<'a> {
    pub text: &'a str,
    pub spans: &'a [Span],
    pub gold: Vec<u8>,
}

/// Pruning of the tagger's averaged weights: smallest magnitude kept, fewest occurrences.
pub const PRUNE: (f32, u32) = (1.0, 3);

/// Trains the tagger for `epochs` greedy passes (gold previous tags while training, so the
/// features match at test time only as well as the tagger is accurate: the usual choice for a
/// 97% tagger), then prunes with `(min_weight, min_count)`.
pub fn train_pos(docs: &[PosDoc], epochs: usize, seed: u64, prune: (f32, u32)) -> PosTagger {
    let mut trainer = Trainer::new(TAGS.len());
    let toks: Vec<Vec<Tok>> = docs.iter().map(|d| toks(d.text, d.spans)).collect();
    let mut buf = Vec::with_capacity(24);
    for (d, ts) in docs.iter().zip(&toks) {
        let (mut p1, mut p2) = (NO_TAG, NO_TAG);
        for t in 0..ts.len() {
            features(ts, t, p1, p2, &mut buf);
            trainer.count(&buf);
            (p2, p1) = (p1, d.gold[t]);
        }
    }
    let mut order: Vec<usize> = (0..docs.len()).collect();
    let mut rng = Rng::new(seed ^ 0x9050);
    let mut scores = [0f32; TAGS.len()];
    for _ in 0..epochs {
        rng.shuffle(&mut order);
        for &i in &order {
            let (d, ts) = (&docs[i], &toks[i]);
            let (mut p1, mut p2) = (NO_TAG, NO_TAG);
            for t in 0..ts.len() {
                let gold = d.gold[t];
                features(ts, t, p1, p2, &mut buf);
                let pred = if gold == NO_TAG {
                    NO_TAG
                } else {
                    trainer.score(&buf, &mut scores);
                    argmax(&scores)
                };
                if gold != NO_TAG && pred != gold {
                    trainer.add(&buf, usize::from(gold), 1.0);
                    trainer.add(&buf, usize::from(pred), -1.0);
                }
                trainer.tick();
                // Unknown gold: continue with the prediction.
                let next = if gold == NO_TAG { pred } else { gold };
                (p2, p1) = (p1, next);
            }
        }
    }
    PosTagger {
        weights: trainer.finish(prune.0, prune.1),
    }
}

/// Projects CoreNLP tags (one per CoreNLP token, byte spans) onto `spans`: each token takes
/// the tag of the CoreNLP token it overlaps most (the first on ties), or [`NO_TAG`].
pub fn project(spans: &[Span], gold_spans: &[Span], gold_tags: &[u8]) -> Vec<u8> {
    let mut out = vec![NO_TAG; spans.len()];
    let mut j = 0usize;
    for (t, s) in spans.iter().enumerate() {
        while j < gold_spans.len() && gold_spans[j].end <= s.start {
            j += 1;
        }
        let mut best = (0usize, NO_TAG);
        for (k, g) in gold_spans.iter().enumerate().skip(j) {
            if g.start >= s.end {
                break;
            }
            let ov = g.end.min(s.end).saturating_sub(g.start.max(s.start));
            if ov > best.0 {
                best = (ov, gold_tags.get(k).copied().unwrap_or(NO_TAG));
            }
        }
        out[t] = best.1;
    }
    out
}

/// The training view of a corpus document tokenised as `spans`: CoreNLP's tags projected
/// onto them (all unknown when the document has no CoreNLP annotations).
pub fn silver_doc<'a>(g: &'a GoldDoc, spans: &'a [Span]) -> PosDoc<'a> {
    let gold = match &g.corenlp {
        Some(c) => {
            let theirs = c.token_spans(&g.text);
            let tags: Vec<u8> = c.pos.iter().map(|t| tag_id(t).unwrap_or(NO_TAG)).collect();
            project(spans, &theirs, &tags)
        }
        None => vec![NO_TAG; spans.len()],
    };
    PosDoc {
        text: &g.text,
        spans,
        gold,
    }
}

/// Jackknifed tags of `docs`: each fold tagged by a tagger trained on the other folds, so a
/// later stage trains on tags as accurate as on unseen text. `folds < 2` tags with `full`.
pub fn jackknife(
    docs: &[PosDoc],
    full: &PosTagger,
    folds: usize,
    epochs: usize,
    seed: u64,
) -> Vec<Vec<u8>> {
    if folds < 2 {
        return docs.iter().map(|d| full.tag(d.text, d.spans)).collect();
    }
    let mut tags = vec![Vec::new(); docs.len()];
    for fold in 0..folds {
        let rest: Vec<PosDoc> = docs
            .iter()
            .enumerate()
            .filter(|(i, _)| i % folds != fold)
            .map(|(_, d)| PosDoc {
                text: d.text,
                spans: d.spans,
                gold: d.gold.clone(),
            })
            .collect();
        let t = train_pos(&rest, epochs, seed ^ (fold as u64 + 7), PRUNE);
        for (i, d) in docs.iter().enumerate().filter(|(i, _)| i % folds == fold) {
            tags[i] = t.tag(d.text, d.spans);
        }
    }
    tags
}

/// Training settings of the tagger (`verbatim train --task pos`); the attribution model's
/// training uses the same defaults for its jackknifed tags.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PosTrainConfig {
    pub epochs: usize,
    pub seed: u64,
}

impl Default for PosTrainConfig {
    fn default() -> Self {
        PosTrainConfig { epochs: 5, seed: 1 }
    }
}

/// Trains the tagger on the CoreNLP tags of `train` projected onto our tokens, reporting
/// train and dev accuracy; returns the model file bytes (same data and seed, same bytes).
pub fn train_tagger(
    train: &[GoldDoc],
    dev: &[GoldDoc],
    config: &PosTrainConfig,
    progress: &mut dyn FnMut(&str),
) -> Vec<u8> {
    let segmenter = crate::segment::Segmenter::new();
    let spans_of = |docs: &[GoldDoc]| -> Vec<Vec<Span>> {
        docs.iter()
            .map(|g| segmenter.segment(&g.text).token_spans())
            .collect()
    };
    let (train_spans, dev_spans) = (spans_of(train), spans_of(dev));
    let docs: Vec<PosDoc> = train
        .iter()
        .zip(&train_spans)
        .map(|(g, s)| silver_doc(g, s))
        .collect();
    let dev_docs: Vec<PosDoc> = dev
        .iter()
        .zip(&dev_spans)
        .map(|(g, s)| silver_doc(g, s))
        .collect();
    let tagger = train_pos(&docs, config.epochs, config.seed, PRUNE);
    progress(&format!(
        "POS tagger: {} features, accuracy train {:.2}% dev {:.2}%",
        tagger.weights.keys.len(),
        accuracy(&tagger, &docs) * 100.0,
        accuracy(&tagger, &dev_docs) * 100.0
    ));
    tagger.to_bytes()
}

/// Accuracy of `tagger` on the known tags of `docs`.
pub fn accuracy(tagger: &PosTagger, docs: &[PosDoc]) -> f64 {
    let (mut ok, mut n) = (0usize, 0usize);
    for d in docs {
        let pred = tagger.tag(d.text, d.spans);
        for (p, g) in pred.iter().zip(&d.gold) {
            if *g != NO_TAG {
                n += 1;
                ok += usize::from(p == g);
            }
        }
    }
    if n == 0 {
        0.0
    } else {
        ok as f64 / n as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sp(v: &[(usize, usize)]) -> Vec<Span> {
        v.iter().map(|&(a, b)| Span::new(a, b)).collect()
    }

    fn check_project(ours: &[(usize, usize)], theirs: &[(usize, usize)], expected: &[u8]) {
        let tags: Vec<u8> = (0..theirs.len() as u8).collect();
        assert_eq!(project(&sp(ours), &sp(theirs), &tags), expected);
    }

    #[test]
    fn projection() {
        check_project(&[(0, 3), (4, 7)], &[(0, 3), (4, 7)], &[0, 1]);
        // Ours joins two of theirs: the longer overlap wins.
        check_project(&[(0, 7)], &[(0, 2), (2, 7)], &[1]);
        // Ours splits one of theirs: both take its tag.
        check_project(&[(0, 2), (2, 5)], &[(0, 5)], &[0, 0]);
        // No overlap.
        check_project(&[(0, 2), (10, 12)], &[(3, 5)], &[NO_TAG, NO_TAG]);
        check_project(&[], &[(3, 5)], &[]);
    }

    fn check_coarse(tag: &str, expected: u8) {
        assert_eq!(coarse(tag_id(tag).unwrap()), expected, "{tag}");
    }

    #[test]
    fn coarse_classes() {
        check_coarse("NNP", 1);
        check_coarse("PRP", 1);
        check_coarse("VBD", 2);
        check_coarse("MD", 2);
        check_coarse("IN", 3);
        check_coarse(",", 4);
        check_coarse("WDT", 5);
        check_coarse("CC", 6);
        check_coarse("RB", 0);
        assert_eq!(coarse(NO_TAG), 0);
        assert_eq!(tag_id("XYZ"), None);
    }

    #[test]
    fn learns_a_toy_tagging() {
        // "the X said" with nouns after "the" and verbs ending in -ed.
        let nouns = ["cat", "dog", "senator", "official", "mayor"];
        let verbs = ["said", "claimed", "added", "warned", "noted"];
        let mut texts = Vec::new();
        for n in nouns {
            for v in verbs {
                texts.push(format!("the {n} {v}"));
            }
        }
        let (dt, nn, vbd) = (
            tag_id("DT").unwrap(),
            tag_id("NN").unwrap(),
            tag_id("VBD").unwrap(),
        );
        let spans: Vec<Vec<Span>> = texts
            .iter()
            .map(|t| {
                let mut at = 0;
                t.split(' ')
                    .map(|w| {
                        let s = Span::new(at, at + w.len());
                        at += w.len() + 1;
                        s
                    })
                    .collect()
            })
            .collect();
        let docs: Vec<PosDoc> = texts
            .iter()
            .zip(&spans)
            .map(|(t, s)| PosDoc {
                text: t,
                spans: s,
                gold: vec![dt, nn, vbd],
            })
            .collect();
        let tagger = train_pos(&docs, 5, 1, (0.0, 0));
        assert_eq!(accuracy(&tagger, &docs), 1.0);
        assert_eq!(train_pos(&docs, 5, 1, (0.0, 0)), tagger, "deterministic");
        let text = "the mayor warned";
        assert_eq!(tagger.tag(text, &spans[0][..0]), Vec::<u8>::new());
        let s = sp(&[(0, 3), (4, 9), (10, 16)]);
        assert_eq!(tagger.tag(text, &s), vec![dt, nn, vbd]);
    }
}
