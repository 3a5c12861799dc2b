//! The dependency parser: a greedy arc-eager transition parser with averaged-perceptron move
//! and label classifiers, over the segment tokens and their part-of-speech tags, trained on
//! the CoreNLP silver (basic Universal Dependencies) of the corpus.
//!
//! [`Parser::parse`] gives a [`Parse`]: head, label, dependents and subtree of every token,
//! and the grammatical relations the later stages ask for (subject, clausal complement,
//! object, apposition). [`conllu`] writes CoNLL-U; [`evaluate`] scores UAS/LAS.

pub mod conllu;
mod features;
mod punct;
mod score;
mod system;
mod train;

pub use score::{evaluate, ParseScores};
pub use train::{train_parser, ParseTrainConfig};

use crate::error::{Error, Result};
use crate::learn::format;
use crate::learn::perceptron::{Scorer, Weights};
use crate::segment::Segmentation;
use crate::span::Span;
use features::{label_features, move_features, word_hash, Sent};
use std::ops::Range;
use system::{Move, State, MOVES, NONE};

pub(crate) static EMBEDDED: &[u8] = include_bytes!("../../../../models/parse.bin");

/// The dependency labels: the basic Universal Dependencies (v1) relations CoreNLP assigns in
/// the corpus, most frequent first after `root`. A silver label outside this set is read as
/// `dep` (training reports how many).
pub const LABELS: [&str; 39] = [
    "root",
    "punct",
    "case",
    "nmod",
    "nsubj",
    "det",
    "compound",
    "amod",
    "dobj",
    "advmod",
    "mark",
    "aux",
    "cc",
    "conj",
    "nmod:poss",
    "ccomp",
    "xcomp",
    "advcl",
    "cop",
    "dep",
    "acl:relcl",
    "nummod",
    "acl",
    "neg",
    "appos",
    "auxpass",
    "nsubjpass",
    "nmod:tmod",
    "compound:prt",
    "parataxis",
    "mwe",
    "expl",
    "nmod:npmod",
    "csubj",
    "iobj",
    "det:predet",
    "cc:preconj",
    "discourse",
    "csubjpass",
];

/// A dependency label: an index into [`LABELS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Label(pub u8);

impl Label {
    pub const ROOT: Label = Label(0);
    pub const PUNCT: Label = Label(1);
    pub const COMPOUND: Label = Label(6);
    pub const NMOD: Label = Label(3);
    pub const NSUBJ: Label = Label(4);
    pub const DOBJ: Label = Label(8);
    pub const NMOD_POSS: Label = Label(14);
    pub const CCOMP: Label = Label(15);
    pub const XCOMP: Label = Label(16);
    pub const DEP: Label = Label(19);
    pub const ACL_RELCL: Label = Label(20);
    pub const APPOS: Label = Label(24);
    pub const NSUBJPASS: Label = Label(26);
    pub const PARATAXIS: Label = Label(29);
    pub const CSUBJ: Label = Label(33);
    pub const IOBJ: Label = Label(34);
    pub const CSUBJPASS: Label = Label(38);

    /// The label called `name`, if it is one of [`LABELS`].
    pub fn from_name(name: &str) -> Option<Label> {
        LABELS
            .iter()
            .position(|&l| l == name)
            .map(|i| Label(i as u8))
    }

    pub fn name(self) -> &'static str {
        LABELS.get(usize::from(self.0)).copied().unwrap_or("dep")
    }

    /// A subject relation (`nsubj`, `nsubjpass`, `csubj`, `csubjpass`).
    pub fn is_subject(self) -> bool {
        matches!(
            self,
            Label::NSUBJ | Label::NSUBJPASS | Label::CSUBJ | Label::CSUBJPASS
        )
    }
}

/// The parse of an article: one head per token (token indices of the whole segmentation),
/// one tree per sentence.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Parse {
    heads: Vec<u32>,
    labels: Vec<Label>,
    /// Subtree extents: the tokens `lo[t]..hi[t]`.
    lo: Vec<u32>,
    hi: Vec<u32>,
    /// Dependents in text order: `kids[kid_at[t]..kid_at[t + 1]]`.
    kid_at: Vec<u32>,
    kids: Vec<u32>,
}

impl Parse {
    /// A parse from heads ([`None`]: a sentence root) and labels, one per token. Heads must
    /// form trees (no cycles); they are not required to stay within a sentence.
    pub fn from_heads(heads: &[Option<usize>], labels: &[Label]) -> Parse {
        let n = heads.len();
        let heads: Vec<u32> = heads
            .iter()
            .map(|h| h.filter(|&h| h < n).map_or(NONE, |h| h as u32))
            .collect();
        let mut count = vec![0u32; n + 1];
        for &h in &heads {
            if h != NONE {
                count[h as usize + 1] += 1;
            }
        }
        for i in 0..n {
            count[i + 1] += count[i];
        }
        let kid_at = count.clone();
        let mut fill = count;
        let mut kids = vec![0u32; kid_at[n] as usize];
        for (t, &h) in heads.iter().enumerate() {
            if h != NONE {
                kids[fill[h as usize] as usize] = t as u32;
                fill[h as usize] += 1;
            }
        }
        // Subtree extents bottom-up: children before parents in an explicit post-order.
        let mut lo: Vec<u32> = (0..n as u32).collect();
        let mut hi: Vec<u32> = (1..=n as u32).collect();
        let mut order = Vec::with_capacity(n);
        let mut stack: Vec<u32> = (0..n as u32)
            .filter(|&t| heads[t as usize] == NONE)
            .collect();
        while let Some(t) = stack.pop() {
            order.push(t);
            let (a, b) = (kid_at[t as usize] as usize, kid_at[t as usize + 1] as usize);
            stack.extend_from_slice(&kids[a..b]);
        }
        for &t in order.iter().rev() {
            let h = heads[t as usize];
            if h != NONE {
                let (l, r) = (lo[t as usize], hi[t as usize]);
                lo[h as usize] = lo[h as usize].min(l);
                hi[h as usize] = hi[h as usize].max(r);
            }
        }
        let mut labels = labels.to_vec();
        labels.resize(n, Label::DEP);
        Parse {
            heads,
            labels,
            lo,
            hi,
            kid_at,
            kids,
        }
    }

    /// The number of tokens.
    pub fn len(&self) -> usize {
        self.heads.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heads.is_empty()
    }

    /// The head of token `t`; `None` for a sentence root (or a token out of range).
    pub fn head(&self, t: usize) -> Option<usize> {
        self.heads
            .get(t)
            .filter(|&&h| h != NONE)
            .map(|&h| h as usize)
    }

    /// The label of the arc into `t` (`root` for a sentence root).
    pub fn label(&self, t: usize) -> Label {
        self.labels.get(t).copied().unwrap_or(Label::DEP)
    }

    /// The dependents of `t`, in text order.
    pub fn children(&self, t: usize) -> impl Iterator<Item = usize> + '_ {
        let r = match (self.kid_at.get(t), self.kid_at.get(t + 1)) {
            (Some(&a), Some(&b)) => a as usize..b as usize,
            _ => 0..0,
        };
        self.kids[r].iter().map(|&k| k as usize)
    }

    /// The first dependent of `t` whose label satisfies `pred`.
    pub fn child(&self, t: usize, pred: impl Fn(Label) -> bool) -> Option<usize> {
        self.children(t).find(|&k| pred(self.label(k)))
    }

    /// The tokens of the subtree of `t` (`t` and everything below it), as a token range: the
    /// hull of the subtree (subtrees of a projective parse are contiguous).
    pub fn subtree(&self, t: usize) -> Range<usize> {
        match (self.lo.get(t), self.hi.get(t)) {
            (Some(&a), Some(&b)) => a as usize..b as usize,
            _ => t..t,
        }
    }

    /// The subject of `t` (`nsubj`, `nsubjpass`, `csubj`, `csubjpass`). For a token in an
    /// `xcomp` or `conj` without its own subject, the subject of the governing verb ("Trump
    /// said and repeated", "expected to say").
    pub fn subject(&self, t: usize) -> Option<usize> {
        let mut at = t;
        for _ in 0..4 {
            if let Some(s) = self.child(at, Label::is_subject) {
                return Some(s);
            }
            match (self.label(at), self.head(at)) {
                (l, Some(h)) if l == Label::XCOMP || l.name() == "conj" => at = h,
                _ => return None,
            }
        }
        None
    }

    /// The clausal complement of `t` (`ccomp`, else `xcomp`, else `parataxis`): the content
    /// of a reporting verb.
    pub fn complement(&self, t: usize) -> Option<usize> {
        self.child(t, |l| l == Label::CCOMP)
            .or_else(|| self.child(t, |l| l == Label::XCOMP))
            .or_else(|| self.child(t, |l| l == Label::PARATAXIS))
    }

    /// The object of `t` (`dobj`, else `iobj`).
    pub fn object(&self, t: usize) -> Option<usize> {
        self.child(t, |l| l == Label::DOBJ)
            .or_else(|| self.child(t, |l| l == Label::IOBJ))
    }

    /// The appositions of `t` ("Tapper, the CNN host,": host is an apposition of Tapper).
    pub fn appositions(&self, t: usize) -> impl Iterator<Item = usize> + '_ {
        self.children(t).filter(|&k| self.label(k) == Label::APPOS)
    }

    /// For a possessor, the noun it modifies: "son" for "Trump" in "Donald Trump's son".
    pub fn possessed(&self, t: usize) -> Option<usize> {
        (self.label(t) == Label::NMOD_POSS)
            .then(|| self.head(t))
            .flatten()
    }
}

/// Part-of-speech tags and the dependency parse of an article: what the syntax stages
/// computed, read by every later stage.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Syntax {
    /// One tag id per token ([`crate::pos::TAGS`]).
    pub tags: Vec<u8>,
    pub parse: Parse,
}

/// The trained parser.
#[derive(Clone, Debug, PartialEq)]
pub struct Parser {
    moves: Weights,
    labels: Weights,
    /// The punctuation re-attachment ranker (one score per candidate; empty: not used).
    punct: Weights,
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    labels: Vec<String>,
}

/// Reusable buffers of one parse.
#[derive(Default)]
struct Scratch {
    w: Vec<u64>,
    p: Vec<u8>,
    punct: Vec<u16>,
    feats: Vec<u32>,
    marks: punct::PunctScratch,
}

impl Parser {
    /// The model committed in `models/parse.bin`, built into the binary.
    pub fn embedded() -> Parser {
        Parser::from_bytes(EMBEDDED)
            .expect("the embedded parse model is valid (checked by the unit tests)")
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Parser> {
        let bad = |message: &str| Error::Model {
            name: "parse".into(),
            message: message.into(),
        };
        let (json, mut tables) = format::read("parse", bytes)?;
        let settings: Settings =
            serde_json::from_str(&json).map_err(|e| bad(&format!("bad settings: {e}")))?;
        if settings.labels != LABELS {
            return Err(bad("the model's label set differs from this build's"));
        }
        if tables.len() != 3
            || tables[0].n_labels != MOVES.len()
            || tables[1].n_labels != LABELS.len()
            || tables[2].n_labels != 1
        {
            return Err(bad("unexpected weight tables"));
        }
        let punct = tables.pop().unwrap();
        let labels = tables.pop().unwrap();
        let moves = tables.pop().unwrap();
        Ok(Parser {
            moves,
            labels,
            punct,
        })
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let settings = Settings {
            labels: LABELS.iter().map(|s| s.to_string()).collect(),
        };
        let json = serde_json::to_string(&settings).expect("settings serialise");
        format::write(&json, &[&self.moves, &self.labels, &self.punct])
    }

    /// The features' sizes: (move features, label features, punctuation features).
    pub fn sizes(&self) -> (usize, usize, usize) {
        (
            self.moves.keys.len(),
            self.labels.keys.len(),
            self.punct.keys.len(),
        )
    }

    /// Parses every sentence of `seg` with the tags `tags` (one per token; a length
    /// mismatch gives flat parses: every token a root's dependent).
    pub fn parse(&self, text: &str, seg: &Segmentation, tags: &[u8]) -> Parse {
        let n = seg.tokens.len();
        let mut heads: Vec<Option<usize>> = vec![None; n];
        let mut labels = vec![Label::DEP; n];
        let mut scratch = Scratch::default();
        let mut local_h = Vec::new();
        let mut local_l = Vec::new();
        for s in &seg.sentences {
            let r = s.tokens.clone();
            if r.is_empty() || r.end > n {
                continue;
            }
            let spans: Vec<Span> = seg.tokens[r.clone()].iter().map(|t| t.span).collect();
            let sent_tags: &[u8] = if tags.len() == n {
                &tags[r.clone()]
            } else {
                &[]
            };
            self.parse_sentence(
                text,
                &spans,
                sent_tags,
                &mut scratch,
                &mut local_h,
                &mut local_l,
            );
            for (i, t) in r.clone().enumerate() {
                heads[t] = local_h[i].map(|h| h + r.start);
                labels[t] = local_l[i];
            }
        }
        Parse::from_heads(&heads, &labels)
    }

    /// The greedy transition parse of a sentence, before punctuation re-attachment.
    pub(super) fn greedy(&self, sent: &Sent, feats: &mut Vec<u32>) -> State {
        let n = sent.w.len();
        let mut st = State::new(n);
        let mut scores = [0f32; 4];
        let mut lscores = [0f32; LABELS.len()];
        while !st.done() {
            move_features(&st, sent, feats);
            self.moves.score(feats, &mut scores);
            let m = best_move(&st, &scores);
            let label = if matches!(m, Move::Left | Move::Right) && !st.root_arc(m) {
                let (h, d, right) = arc(&st, m);
                label_features(&st, sent, h, d, right, feats);
                self.labels.score(feats, &mut lscores);
                best_label(&lscores)
            } else {
                Label::ROOT
            };
            st.apply(m, label);
        }
        st.finish(|t| crate::pos::coarse(sent.p[t]) == 4);
        st
    }

    /// Parses one sentence given its token spans and tags (empty: unknown), writing local
    /// heads (`None`: the root) and labels.
    fn parse_sentence(
        &self,
        text: &str,
        spans: &[Span],
        tags: &[u8],
        sc: &mut Scratch,
        heads: &mut Vec<Option<usize>>,
        labels: &mut Vec<Label>,
    ) {
        let n = spans.len();
        sc.w.clear();
        sc.w.extend(
            spans
                .iter()
                .map(|s| word_hash(text.get(s.range()).unwrap_or(""))),
        );
        sc.p.clear();
        if tags.len() == n {
            sc.p.extend_from_slice(tags);
        } else {
            sc.p.resize(n, crate::pos::NO_TAG);
        }
        features::punct_prefix(&sc.p, &mut sc.punct);
        let sent = Sent {
            w: &sc.w,
            p: &sc.p,
            punct: &sc.punct,
        };
        let mut st = self.greedy(&sent, &mut sc.feats);
        if !self.punct.keys.is_empty() {
            punct::reattach(
                &self.punct,
                &sent,
                &mut st.head[..n],
                &st.label[..n],
                &mut sc.marks,
            );
        }
        heads.clear();
        labels.clear();
        for t in 0..n {
            let h = st.head[t] as usize;
            heads.push((h < n).then_some(h));
            labels.push(st.label[t]);
        }
    }
}

/// Token index by `(start, end)` byte span: how a silver token finds ours.
pub fn span_index(spans: &[Span]) -> std::collections::HashMap<(usize, usize), usize> {
    spans
        .iter()
        .enumerate()
        .map(|(i, s)| ((s.start, s.end), i))
        .collect()
}

/// The highest-scoring valid move (Shift is always valid while the buffer is not empty).
fn best_move(st: &State, scores: &[f32; 4]) -> Move {
    let mut best = Move::Shift;
    let mut best_score = f32::NEG_INFINITY;
    for m in MOVES {
        if st.valid(m) && scores[m as usize] > best_score {
            best = m;
            best_score = scores[m as usize];
        }
    }
    best
}

/// The best label for a non-root arc.
fn best_label(scores: &[f32]) -> Label {
    let mut best = 1usize;
    for i in 2..scores.len() {
        if scores[i] > scores[best] {
            best = i;
        }
    }
    Label(best as u8)
}

/// The head, dependent and direction of the arc a move makes.
fn arc(st: &State, m: Move) -> (u32, u32, bool) {
    let (s0, b) = (st.s0(), st.b as u32);
    if m == Move::Left {
        (b, s0, false)
    } else {
        (s0, b, true)
    }
}

#[cfg(test)]
mod tests;
