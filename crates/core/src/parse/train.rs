//! Reproducible training of the parser on the CoreNLP silver dependencies of the corpus.
//!
//! Training sentences are CoreNLP sentences whose tokens our segmenter reproduces exactly
//! (same spans), with projective silver trees; their tags are jackknifed POS tags (as
//! accurate as on unseen text). The move classifier learns from the dynamic oracle of
//! Goldberg & Nivre (2012): after `explore_from` epochs the parser follows its own
//! (possibly wrong) moves with probability `explore`, and is taught the best zero-cost move
//! from wherever it is. The label classifier learns on arcs that are in the silver tree.

use super::features::{label_features, move_features, punct_prefix, word_hash, Sent};
use super::punct;
use super::system::{Move, State, MOVES};
use super::{arc, best_label, span_index, Label, Parser, LABELS};
use crate::corpus::GoldDoc;
use crate::error::{Error, Result};
use crate::learn::hash::Rng;
use crate::learn::perceptron::{Scorer, Trainer};
use crate::pos::{self, PosTagger};
use crate::segment::Segmenter;
use crate::span::{CharOffsets, Span};
use serde::{Deserialize, Serialize};

/// Training settings (`verbatim train --task parse --config FILE` reads them as JSON).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ParseTrainConfig {
    pub epochs: usize,
    pub seed: u64,
    /// The first epoch in which the parser follows its own moves.
    pub explore_from: usize,
    /// The probability of following the parser's own move once exploring.
    pub explore: f64,
    /// Pruning of the averaged weights: smallest magnitude kept, fewest occurrences.
    pub min_weight: f32,
    pub min_count: u32,
    /// Folds of the jackknifed POS tags, and the tagger's epochs (as in the POS model).
    pub pos_folds: usize,
    pub pos_epochs: usize,
    pub pos_seed: u64,
    /// Epochs of the punctuation re-attachment ranker (0: no re-attachment).
    pub punct_epochs: usize,
    /// Train the ranker on the silver trees rather than on the parser's own.
    pub punct_on_silver: bool,
}

impl Trainers {
    pub(super) fn new() -> Trainers {
        Trainers {
            moves: Trainer::new(MOVES.len()),
            labels: Trainer::new(LABELS.len()),
            punct: Trainer::new(1),
        }
    }
}

impl Default for ParseTrainConfig {
    fn default() -> Self {
        ParseTrainConfig {
            epochs: 8,
            seed: 1,
            explore_from: 2,
            explore: 0.9,
            min_weight: 0.5,
            min_count: 10,
            pos_folds: 4,
            pos_epochs: 5,
            pos_seed: 1,
            punct_epochs: 8,
            punct_on_silver: false,
        }
    }
}

/// One training sentence.
pub(super) struct TrainSent {
    pub w: Vec<u64>,
    pub p: Vec<u8>,
    /// Gold heads, local; the root is `n`.
    pub gold: Vec<u32>,
    pub labels: Vec<Label>,
    pub punct: Vec<u16>,
}

/// What preparing the corpus found.
#[derive(Debug, Default)]
pub struct PrepStats {
    pub sentences: usize,
    pub kept: usize,
    pub token_mismatch: usize,
    pub non_projective: usize,
    pub unknown_labels: usize,
}

fn projective(gold: &[u32]) -> bool {
    let n = gold.len() as u32;
    let arcs: Vec<(u32, u32)> = gold
        .iter()
        .enumerate()
        .filter(|&(_, &h)| h != n)
        .map(|(d, &h)| (h.min(d as u32), h.max(d as u32)))
        .collect();
    // Sorted by start, an arc crossing another starts inside it and ends outside.
    !arcs.iter().any(|&(a, b)| {
        arcs.iter()
            .any(|&(c, d)| (a < c && c < b && b < d) || (c < a && a < d && d < b))
    })
}

/// The training sentences of `docs`, tagged with `tags` (one vector per document, over our
/// tokens).
pub(super) fn prepare(
    docs: &[GoldDoc],
    spans: &[Vec<Span>],
    tags: &[Vec<u8>],
    stats: &mut PrepStats,
) -> Vec<TrainSent> {
    let mut out = Vec::new();
    for ((g, ours), tags) in docs.iter().zip(spans).zip(tags) {
        let Some(c) = &g.corenlp else { continue };
        if c.head.len() != c.tokens.len() || c.dep.len() != c.tokens.len() {
            continue;
        }
        let map = CharOffsets::new(&g.text);
        let theirs = c.token_spans(&g.text);
        let index = span_index(ours);
        let mut j = 0usize;
        for &[a, b] in &c.sentences {
            let sent = map.span_from_chars(a, b);
            let start = j;
            while j < theirs.len() && theirs[j].start < sent.end {
                j += 1;
            }
            if start == j {
                continue;
            }
            stats.sentences += 1;
            let mine: Option<Vec<usize>> = (start..j)
                .map(|k| index.get(&(theirs[k].start, theirs[k].end)).copied())
                .collect();
            let Some(mine) = mine else {
                stats.token_mismatch += 1;
                continue;
            };
            // Our tokens inside the sentence must be exactly these.
            let contiguous = mine.windows(2).all(|w| w[1] == w[0] + 1);
            if !contiguous {
                stats.token_mismatch += 1;
                continue;
            }
            let n = j - start;
            let mut gold = Vec::with_capacity(n);
            let mut labels = Vec::with_capacity(n);
            let mut ok = true;
            for k in start..j {
                let h = c.head[k];
                let local = if h < 0 {
                    n as u32
                } else if (h as usize) >= start && (h as usize) < j {
                    (h as usize - start) as u32
                } else {
                    ok = false;
                    break;
                };
                gold.push(local);
                let label = if h < 0 {
                    Label::ROOT
                } else {
                    Label::from_name(&c.dep[k]).unwrap_or_else(|| {
                        stats.unknown_labels += 1;
                        Label::DEP
                    })
                };
                labels.push(label);
            }
            if !ok || gold.iter().filter(|&&h| h == n as u32).count() != 1 {
                stats.token_mismatch += 1;
                continue;
            }
            if !projective(&gold) {
                stats.non_projective += 1;
                continue;
            }
            let w = mine
                .iter()
                .map(|&i| word_hash(g.text.get(ours[i].range()).unwrap_or("")))
                .collect();
            let p: Vec<u8> = mine
                .iter()
                .map(|&i| tags.get(i).copied().unwrap_or(pos::NO_TAG))
                .collect();
            stats.kept += 1;
            let mut punct = Vec::new();
            punct_prefix(&p, &mut punct);
            out.push(TrainSent {
                w,
                p,
                gold,
                labels,
                punct,
            });
        }
    }
    out
}

fn argmax_valid(st: &State, scores: &[f32], allowed: impl Fn(Move) -> bool) -> Option<Move> {
    let mut best: Option<Move> = None;
    for m in MOVES {
        if st.valid(m) && allowed(m) && best.is_none_or(|b| scores[m as usize] > scores[b as usize])
        {
            best = Some(m);
        }
    }
    best
}

/// The trainers of both classifiers.
pub(super) struct Trainers {
    moves: Trainer,
    labels: Trainer,
    punct: Trainer,
}

/// Counts feature occurrences along the static-oracle path (for pruning).
fn count(tr: &mut Trainers, s: &TrainSent, buf: &mut Vec<u32>) {
    let sent = Sent {
        w: &s.w,
        p: &s.p,
        punct: &s.punct,
    };
    let mut st = State::new(s.w.len());
    while !st.done() {
        move_features(&st, &sent, buf);
        tr.moves.count(buf);
        let m = [Move::Left, Move::Right, Move::Reduce, Move::Shift]
            .into_iter()
            .find(|&m| st.valid(m) && st.cost(m, &s.gold) == 0)
            .or_else(|| MOVES.into_iter().find(|&m| st.valid(m)))
            .expect("a move is valid until the parse is done");
        let label = arc_label(&st, m, s);
        if let Some(label) = label {
            let (h, d, right) = arc(&st, m);
            label_features(&st, &sent, h, d, right, buf);
            tr.labels.count(buf);
            st.apply(m, label);
        } else {
            st.apply(m, Label::ROOT);
        }
    }
}

/// The gold label of the arc `m` makes, if `m` is a non-root arc in the gold tree.
fn arc_label(st: &State, m: Move, s: &TrainSent) -> Option<Label> {
    if !matches!(m, Move::Left | Move::Right) || st.root_arc(m) {
        return None;
    }
    let (h, d, _) = arc(st, m);
    (s.gold[d as usize] == h).then(|| s.labels[d as usize])
}

/// One epoch; returns (move errors, label errors).
pub(super) fn epoch(
    tr: &mut Trainers,
    sents: &[TrainSent],
    order: &[usize],
    explore: f64,
    rng: &mut Rng,
) -> (usize, usize) {
    let mut buf = Vec::with_capacity(96);
    let mut scores = [0f32; 4];
    let mut lscores = vec![0f32; LABELS.len()];
    let (mut merr, mut lerr) = (0usize, 0usize);
    for &i in order {
        let s = &sents[i];
        let sent = Sent {
            w: &s.w,
            p: &s.p,
            punct: &s.punct,
        };
        let n = s.w.len();
        let mut st = State::new(n);
        while !st.done() {
            move_features(&st, &sent, &mut buf);
            tr.moves.score(&buf, &mut scores);
            let pred = argmax_valid(&st, &scores, |_| true).unwrap_or(Move::Shift);
            let best = argmax_valid(&st, &scores, |m| st.cost(m, &s.gold) == 0).unwrap_or(pred);
            if st.cost(pred, &s.gold) > 0 {
                merr += 1;
                tr.moves.add(&buf, best as usize, 1.0);
                tr.moves.add(&buf, pred as usize, -1.0);
            }
            tr.moves.tick();
            let follow = if pred != best && explore > 0.0 && rng_unit(rng) < explore {
                pred
            } else {
                best
            };
            let mut label = Label::ROOT;
            if matches!(follow, Move::Left | Move::Right) && !st.root_arc(follow) {
                let (h, d, right) = arc(&st, follow);
                label_features(&st, &sent, h, d, right, &mut buf);
                tr.labels.score(&buf, &mut lscores);
                let guess = best_label(&lscores);
                label = guess;
                if let Some(gold) = arc_label(&st, follow, s) {
                    if guess != gold {
                        lerr += 1;
                        tr.labels.add(&buf, usize::from(gold.0), 1.0);
                        tr.labels.add(&buf, usize::from(guess.0), -1.0);
                    }
                    tr.labels.tick();
                    label = gold;
                }
            }
            st.apply(follow, label);
        }
    }
    (merr, lerr)
}

fn rng_unit(rng: &mut Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// Trains the parser on `train` (with jackknifed tags from POS taggers trained as
/// `config.pos_*` say), reporting progress and, when `dev` is given, its scores with `tagger`
/// after each epoch. Same data, config and seed give the same bytes.
pub fn train_parser(
    train: &[GoldDoc],
    dev: &[GoldDoc],
    tagger: &PosTagger,
    config: &ParseTrainConfig,
    progress: &mut dyn FnMut(&str),
) -> Result<Vec<u8>> {
    let segmenter = Segmenter::new();
    let spans: Vec<Vec<Span>> = train
        .iter()
        .map(|g| segmenter.segment(&g.text).token_spans())
        .collect();
    let pos_docs: Vec<pos::PosDoc> = train
        .iter()
        .zip(&spans)
        .map(|(g, s)| pos::silver_doc(g, s))
        .collect();
    let tags = pos::jackknife(
        &pos_docs,
        tagger,
        config.pos_folds,
        config.pos_epochs,
        config.pos_seed,
    );
    let mut stats = PrepStats::default();
    let sents = prepare(train, &spans, &tags, &mut stats);
    progress(&format!(
        "{} of {} silver sentences kept ({} tokenised differently, {} non-projective; {} unknown labels read as dep)",
        stats.kept, stats.sentences, stats.token_mismatch, stats.non_projective, stats.unknown_labels
    ));
    if sents.is_empty() {
        return Err(Error::Model {
            name: "parse".into(),
            message: "no training sentences: the training file has no CoreNLP dependencies".into(),
        });
    }
    let mut tr = Trainers::new();
    let mut buf = Vec::new();
    for s in &sents {
        count(&mut tr, s, &mut buf);
    }
    let mut order: Vec<usize> = (0..sents.len()).collect();
    let mut rng = Rng::new(config.seed ^ 0xd3e9);
    for e in 0..config.epochs {
        rng.shuffle(&mut order);
        let explore = if e >= config.explore_from {
            config.explore
        } else {
            0.0
        };
        let (merr, lerr) = epoch(&mut tr, &sents, &order, explore, &mut rng);
        let mut line = format!(
            "epoch {}/{}: {merr} move and {lerr} label errors on train",
            e + 1,
            config.epochs
        );
        if !dev.is_empty() {
            let parser = finish(&tr, config);
            line.push_str(&format!("; dev {}", super::evaluate(&parser, tagger, dev)));
        }
        progress(&line);
    }
    // The punctuation ranker learns to move the marks of the trained parser's own trees of
    // the training sentences to their silver heads (or, as configured, of the silver trees).
    let mut examples = Vec::new();
    let parsed = finish(&tr, config);
    let mut feats = Vec::new();
    for s in &sents {
        let sent = Sent {
            w: &s.w,
            p: &s.p,
            punct: &s.punct,
        };
        if config.punct_on_silver {
            punct::examples(&sent, &s.gold, &s.labels, &s.gold, &mut examples);
        } else {
            let n = s.w.len();
            let st = parsed.greedy(&sent, &mut feats);
            punct::examples(&sent, &st.head[..n], &st.label[..n], &s.gold, &mut examples);
        }
    }
    let mut order: Vec<usize> = (0..examples.len()).collect();
    for e in 0..config.punct_epochs {
        rng.shuffle(&mut order);
        let errors = punct::epoch(&mut tr.punct, &examples, &order);
        let mut line = format!(
            "punctuation epoch {}/{}: {errors} of {} marks misplaced on train",
            e + 1,
            config.punct_epochs,
            examples.len()
        );
        if !dev.is_empty() && e + 1 == config.punct_epochs {
            let parser = finish(&tr, config);
            line.push_str(&format!("; dev {}", super::evaluate(&parser, tagger, dev)));
        }
        progress(&line);
    }
    let parser = finish(&tr, config);
    let (m, l, q) = parser.sizes();
    progress(&format!(
        "{m} move features, {l} label features, {q} punctuation features kept"
    ));
    Ok(parser.to_bytes())
}

pub(super) fn finish(tr: &Trainers, config: &ParseTrainConfig) -> Parser {
    Parser {
        moves: tr.moves.finish(config.min_weight, config.min_count),
        labels: tr.labels.finish(config.min_weight, config.min_count),
        punct: tr.punct.finish(0.0, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projectivity() {
        // 0 <- 1 -> 2, root 1 (n = 3).
        assert!(projective(&[1, 3, 1]));
        // Arcs (0,2) and (1,3) cross.
        assert!(!projective(&[2, 3, 4, 2]));
        assert!(projective(&[]));
    }
}
