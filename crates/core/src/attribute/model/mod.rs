//! The trained attribution model: two greedy averaged-perceptron taggers over segment tokens
//! and a linker.
//!
//! Pass 1 tags cue tokens (`O`, `B-CUE`, `I-CUE`). Pass 2 tags sources and contents (`O`,
//! `B/I-SOURCE`, `B/I-CONTENT`, cue tokens fixed) with features relative to the predicted
//! cues. The linker then anchors one attribution on each cue span and attaches each source
//! and content span to the nearest cue (same sentence for sources; the content's sentences
//! or a neighbouring one for contents).

mod features;
mod train;

use crate::learn::{format, hash, perceptron};
use crate::pos;

pub use train::{evaluate, train, DevScores, TrainConfig};

use super::{Attribution, Attributor};
use crate::error::{Error, Result};
use crate::parse::{Parse, Syntax};
use crate::segment::Segmentation;
use crate::span::Span;
use features::{base_features, cue_features, CueContext, Doc, Feats, Mark, Near};
use perceptron::{Scorer, Weights};
use serde::{Deserialize, Serialize};

pub(crate) static EMBEDDED: &[u8] = include_bytes!("../../../../../models/attribution.bin");

/// Settings stored with the weights.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Settings {
    /// Keep cue spans that got no content.
    keep_contentless: bool,
    /// Added to the `B-CUE` score of pass 1: above 0 trades cue precision for recall.
    cue_bias: f32,
    /// Pass 2 re-decides the cues ([`Pass::Joint`]) instead of keeping those of pass 1.
    joint: bool,
    /// The file holds a POS tagger (a third weight table) whose tags are features.
    #[serde(default)]
    pos: bool,
    /// Added to each label's score when decoding pass 2 (`O`, `B/I-SOURCE`, `B/I-CONTENT`,
    /// `B/I-CUE`; empty: none): above 0 trades a role's precision for recall. Chosen on dev.
    #[serde(default)]
    role_bias: Vec<f32>,
    /// A cue the linker left without a source has its sentence decoded again with this
    /// added to the source labels' scores (0: never), and takes the source run nearest it.
    #[serde(default)]
    source_retry: f32,
    /// The features read the dependency parse (labels, heads, how a token hangs off a cue).
    #[serde(default)]
    syntax: bool,
}

impl Settings {
    fn role_pass(&self) -> Pass {
        if self.joint {
            Pass::Joint
        } else {
            Pass::Role
        }
    }
}

/// Label set of a tagging pass.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Pass {
    Cue,
    Role,
    /// Pass 2 re-deciding the cues too: the role labels plus `B/I-CUE` as 5 and 6.
    Joint,
}

pub(crate) const O: u8 = 0;
pub(crate) const B_CUE: u8 = 1;
pub(crate) const I_CUE: u8 = 2;
pub(crate) const B_SRC: u8 = 1;
pub(crate) const I_SRC: u8 = 2;
pub(crate) const B_CON: u8 = 3;
pub(crate) const I_CON: u8 = 4;
/// Pass-2 label of a token the first pass made a cue; never predicted. In [`Pass::Joint`] it
/// is `B-CUE`, and [`I_JCUE`] is `I-CUE`.
pub(crate) const CUE: u8 = 5;
pub(crate) const I_JCUE: u8 = 6;

impl Pass {
    pub(crate) fn n_labels(self) -> usize {
        match self {
            Pass::Cue => 3,
            Pass::Role => 6,
            Pass::Joint => 7,
        }
    }

    /// Whether `label` may follow `prev`.
    pub(crate) fn allowed(self, prev: u8, label: u8) -> bool {
        match (self, label) {
            (Pass::Cue, I_CUE) => prev == B_CUE || prev == I_CUE,
            (Pass::Role, I_SRC) => prev == B_SRC || prev == I_SRC,
            (Pass::Role, I_CON) => prev == B_CON || prev == I_CON,
            (Pass::Role, CUE) => false,
            (Pass::Joint, I_SRC | I_CON | I_JCUE) => prev == label - 1 || prev == label,
            _ => true,
        }
    }

    /// The label to learn when `gold` cannot follow `prev`: an inside label becomes a begin.
    pub(crate) fn repair(self, prev: u8, gold: u8) -> u8 {
        if self.allowed(prev, gold) {
            gold
        } else {
            gold - 1
        }
    }
}

/// Features that depend on the labels already chosen.
pub(crate) fn dynamic_features(d: &Doc, t: usize, p1: u8, f: &mut Feats) {
    fixed_dynamic_features(p1, d.inq[t], f);
    word_dynamic_features(d, t, p1, f);
}

/// The part of [`dynamic_features`] that depends on the previous label and quote state only.
fn fixed_dynamic_features(p1: u8, inq: bool, f: &mut Feats) {
    f.add(100, u64::from(p1));
    f.add2(103, u64::from(p1), u64::from(inq));
}

fn word_dynamic_features(d: &Doc, t: usize, p1: u8, f: &mut Feats) {
    f.add2(102, u64::from(p1), d.word[t]);
}

/// Static features of every token of a document for one pass, flattened.
pub(crate) struct StaticFeats {
    pub feats: Vec<u32>,
    pub offsets: Vec<u32>,
}

impl StaticFeats {
    /// The cue-independent features of every token.
    pub(crate) fn base(d: &Doc) -> StaticFeats {
        let mut feats = Vec::with_capacity(d.len() * 28);
        let mut offsets = Vec::with_capacity(d.len() + 1);
        offsets.push(0);
        for t in 0..d.len() {
            base_features(d, t, &mut Feats { out: &mut feats });
            offsets.push(feats.len() as u32);
        }
        StaticFeats { feats, offsets }
    }

    /// The base features plus the cue-relative ones.
    pub(crate) fn with_cues(d: &Doc, base: &StaticFeats, cues: &CueContext) -> StaticFeats {
        let mut feats = Vec::with_capacity(d.len() * 44);
        let mut offsets = Vec::with_capacity(d.len() + 1);
        offsets.push(0);
        let near = Near::new(d, cues);
        for t in 0..d.len() {
            feats.extend_from_slice(base.of(t));
            cue_features(d, cues, t, &mut Feats { out: &mut feats }, &near);
            offsets.push(feats.len() as u32);
        }
        StaticFeats { feats, offsets }
    }

    pub(crate) fn of(&self, t: usize) -> &[u32] {
        &self.feats[self.offsets[t] as usize..self.offsets[t + 1] as usize]
    }
}

/// Buffers of [`viterbi`]; `margins` collects pass 1's static `B-CUE` minus `O` score of
/// each token decoded (before any bias).
#[derive(Default)]
pub(crate) struct Scratch {
    pub buf: Vec<u32>,
    pub margins: Vec<f32>,
}

/// Viterbi decoding of tokens `range` (first-order: the features see the previous label),
/// starting after label `start`. `forced[t]` makes token `t` a [`CUE`].
#[allow(clippy::too_many_arguments)]
pub(crate) fn viterbi<S: Scorer>(
    scorer: &S,
    pass: Pass,
    d: &Doc,
    sf: &StaticFeats,
    forced: Option<&[bool]>,
    bias: &[f32],
    range: std::ops::Range<usize>,
    start: u8,
    scratch: &mut Scratch,
) -> Vec<u8> {
    let Scratch { buf, margins } = scratch;
    let l = pass.n_labels();
    let n = range.len();
    if n == 0 {
        return Vec::new();
    }
    let neg = f32::NEG_INFINITY;
    let mut delta = vec![[neg; 8]; n];
    let mut back = vec![[0u8; 8]; n];
    let mut stat = [0f32; 8];
    let mut dynsc = [0f32; 8];
    // Scores of the features that see only the previous label and the quote state.
    let mut fixed = [[[0f32; 8]; 8]; 2];
    for (q, table) in fixed.iter_mut().enumerate() {
        for (p, row) in table.iter_mut().enumerate().take(l) {
            buf.clear();
            fixed_dynamic_features(p as u8, q == 1, &mut Feats { out: buf });
            scorer.score(buf, &mut row[..l]);
        }
    }
    for (k, t) in range.clone().enumerate() {
        let is_forced = forced.is_some_and(|f| f[t]);
        scorer.score(sf.of(t), &mut stat[..l]);
        if matches!(pass, Pass::Cue) {
            margins.push(stat[B_CUE as usize] - stat[O as usize]);
        }
        for (s, b) in stat.iter_mut().zip(bias) {
            *s += b;
        }
        for p in 0..l as u8 {
            let base = if k == 0 {
                if p != start {
                    continue;
                }
                0.0
            } else {
                delta[k - 1][p as usize]
            };
            if base == neg {
                continue;
            }
            buf.clear();
            word_dynamic_features(d, t, p, &mut Feats { out: buf });
            scorer.score(buf, &mut dynsc[..l]);
            let fx = &fixed[usize::from(d.inq[t])][p as usize];
            for lab in 0..l as u8 {
                let ok = if is_forced {
                    lab == CUE
                } else {
                    pass.allowed(p, lab)
                };
                if !ok {
                    continue;
                }
                let v = base + stat[lab as usize] + dynsc[lab as usize] + fx[lab as usize];
                if v > delta[k][lab as usize] {
                    delta[k][lab as usize] = v;
                    back[k][lab as usize] = p;
                }
            }
        }
    }
    let mut labels = vec![O; n];
    let mut cur = 0u8;
    for lab in 1..l as u8 {
        if delta[n - 1][lab as usize] > delta[n - 1][cur as usize] {
            cur = lab;
        }
    }
    for k in (0..n).rev() {
        labels[k] = cur;
        cur = back[k][cur as usize];
    }
    labels
}

/// The label a sentence starts after, given the last label of the previous sentence: only a
/// content (a quotation) runs on across sentences.
pub(crate) fn carry(pass: Pass, last: u8) -> u8 {
    match pass {
        Pass::Role | Pass::Joint if last == B_CON || last == I_CON => last,
        _ => O,
    }
}

/// Decodes a document sentence by sentence.
pub(crate) fn decode<S: Scorer>(
    scorer: &S,
    pass: Pass,
    d: &Doc,
    sf: &StaticFeats,
    forced: Option<&[bool]>,
    bias: &[f32],
) -> Vec<u8> {
    decode_with(scorer, pass, d, sf, forced, bias, &mut Scratch::default())
}

/// Pass-1 decoding: the cue labels and each token's cue margin.
pub(crate) fn decode_cues<S: Scorer>(
    scorer: &S,
    d: &Doc,
    sf: &StaticFeats,
    bias: &[f32],
) -> (Vec<u8>, Vec<f32>) {
    let mut scratch = Scratch::default();
    let labels = decode_with(scorer, Pass::Cue, d, sf, None, bias, &mut scratch);
    (labels, scratch.margins)
}

fn decode_with<S: Scorer>(
    scorer: &S,
    pass: Pass,
    d: &Doc,
    sf: &StaticFeats,
    forced: Option<&[bool]>,
    bias: &[f32],
    scratch: &mut Scratch,
) -> Vec<u8> {
    let mut labels = Vec::with_capacity(d.len());
    for &(a, b) in &d.sents {
        let start = carry(pass, labels.last().copied().unwrap_or(O));
        labels.extend(viterbi(
            scorer,
            pass,
            d,
            sf,
            forced,
            bias,
            a..b,
            start,
            scratch,
        ));
    }
    labels
}

/// Token runs `(start, end)` of a role: a begin label or an inside label after another role
/// starts a run.
pub(crate) fn runs(labels: &[u8], begin: u8, inside: u8) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut t = 0;
    while t < labels.len() {
        if labels[t] == begin || labels[t] == inside {
            let a = t;
            t += 1;
            while t < labels.len() && labels[t] == inside {
                t += 1;
            }
            out.push((a, t));
        } else {
            t += 1;
        }
    }
    out
}

/// Token-level attribution before conversion to spans.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Linked {
    pub cue: (usize, usize),
    pub source: Option<(usize, usize)>,
    pub content: Vec<(usize, usize)>,
}

fn gap(a: (usize, usize), b: (usize, usize)) -> usize {
    if a.1 <= b.0 {
        b.0 - a.1
    } else {
        a.0.saturating_sub(b.1)
    }
}

/// Attaches source and content runs to cue runs.
pub(crate) fn link(
    d: &Doc,
    cues: &[(usize, usize)],
    sources: &[(usize, usize)],
    contents: &[(usize, usize)],
) -> Vec<Linked> {
    let mut out: Vec<Linked> = cues
        .iter()
        .map(|&c| Linked {
            cue: c,
            ..Default::default()
        })
        .collect();
    let mut src_gap = vec![usize::MAX; cues.len()];
    for &s in sources {
        let sent = d.sent[s.0];
        // Nearest cue in the same sentence; a cue after the source wins ties. Cues are sorted
        // and disjoint, so the nearest ones are the last ending before the source, those
        // overlapping it and the first starting after it: only those are looked at (a scan of
        // every cue is quadratic in a cue-dense text).
        let lo = cues.partition_point(|c| d.sent[c.1 - 1] < sent);
        let hi = cues.partition_point(|c| d.sent[c.0] <= sent).max(lo);
        let sent_cues = &cues[lo..hi];
        let before = sent_cues.partition_point(|c| c.1 <= s.0);
        let after = before + sent_cues[before..].partition_point(|c| c.0 < s.1);
        let near = before.saturating_sub(1)..(after + 1).min(sent_cues.len());
        let mut bestk: Option<(usize, usize, usize)> = None;
        for (k, &c) in sent_cues[near.clone()]
            .iter()
            .enumerate()
            .map(|(i, c)| (lo + near.start + i, c))
        {
            if d.sent[c.0] != sent && d.sent[c.1 - 1] != sent {
                continue;
            }
            let key = (gap(s, c), usize::from(c.0 < s.0), k);
            if bestk.is_none_or(|b| key < b) {
                bestk = Some(key);
            }
        }
        if let Some((g, _, k)) = bestk {
            if g < src_gap[k] {
                src_gap[k] = g;
                out[k].source = Some(s);
            }
        }
    }
    for &c in contents {
        let first = d.sent[c.0];
        let last = d.sent[c.1 - 1];
        let para = d.para[c.0];
        let mut bestk: Option<(usize, usize, usize, usize)> = None;
        // Only cues starting within one sentence of the content can link (sorted: a range).
        let lo = cues.partition_point(|q| d.sent[q.0] + 1 < first);
        let hi = cues.partition_point(|q| d.sent[q.0] <= last + 1).max(lo);
        for (k, &q) in cues.iter().enumerate().take(hi).skip(lo) {
            let qs = d.sent[q.0];
            if d.para[q.0] != para && d.para[q.1 - 1] != d.para[c.1 - 1] && !introduces(d, q, c) {
                continue;
            }
            // Sentence distance outside the content's sentences.
            let sd = if qs < first {
                first - qs
            } else {
                qs.saturating_sub(last)
            };
            if sd > 1 {
                continue;
            }
            let key = (sd, gap(c, q), usize::from(q.0 > c.0), k);
            if bestk.is_none_or(|b| key < b) {
                bestk = Some(key);
            }
        }
        if let Some((_, _, _, k)) = bestk {
            out[k].content.push(c);
        }
    }
    // A source can serve several cues: `Trump tweeted ... and encouraged ...`,
    // `he said, adding that ...`. A cue left without one takes the nearest source on its
    // left in the same sentence.
    for l in &mut out {
        if l.source.is_none() {
            // Sources are sorted and disjoint: the last one ending before the cue is the only
            // one that can start in its sentence.
            let sent = d.sent[l.cue.0];
            let n_before = sources.partition_point(|s| s.1 <= l.cue.0);
            l.source = n_before
                .checked_sub(1)
                .map(|i| sources[i])
                .filter(|s| d.sent[s.0] == sent);
        }
        keep_contiguous(d, l);
    }
    out
}

/// A content inside a quotation that runs over several paragraphs (each reopened with a
/// quote mark) takes the rest of that quotation, one piece per paragraph, up to the first
/// token another attribution holds (hand rule from train counts: of 49 such quotations,
/// one attribution's content covers two of their paragraphs 35 times, two attributions
/// share them 8 times).
pub(crate) fn continued_quotations(d: &Doc, linked: &mut [Linked]) {
    let mut owner: Vec<Option<usize>> = vec![None; d.len()];
    for (k, l) in linked.iter().enumerate() {
        let pieces = std::iter::once(l.cue)
            .chain(l.source)
            .chain(l.content.iter().copied());
        for (a, b) in pieces {
            owner[a..b].iter_mut().for_each(|o| *o = Some(k));
        }
    }
    for (k, l) in linked.iter_mut().enumerate() {
        let (Some(&first), Some(&last)) = (l.content.first(), l.content.last()) else {
            continue;
        };
        let mut grown = Vec::new();
        for (from, to) in [(first, first), (last, last)] {
            let Some((qa, qb)) = d.quote_of[from.0] else {
                continue;
            };
            if d.para[qa] == d.para[qb - 1] || (to.1 > qb) {
                continue;
            }
            let free = |t: usize| owner[t].is_none_or(|o| o == k);
            // Left: from the piece back to the quotation's start; right: to its end.
            let mut lo = from.0;
            while lo > qa && free(lo - 1) {
                lo -= 1;
            }
            let mut hi = to.1;
            while hi < qb && free(hi) {
                hi += 1;
            }
            for t in (lo..from.0).chain(to.1..hi) {
                if owner[t].is_none() {
                    grown.push(t);
                }
            }
        }
        if grown.is_empty() {
            continue;
        }
        grown.sort_unstable();
        grown.dedup();
        for &t in &grown {
            owner[t] = Some(k);
        }
        let mut tokens: Vec<usize> = l.content.iter().flat_map(|&(a, b)| a..b).collect();
        tokens.extend(grown);
        tokens.sort_unstable();
        tokens.dedup();
        l.content.clear();
        for t in tokens {
            match l.content.last_mut() {
                Some(p) if p.1 == t && d.para[p.0] == d.para[t] => p.1 = t + 1,
                _ => l.content.push((t, t + 1)),
            }
        }
    }
}

/// Whether cue `q` ends its paragraph with a colon (`He said:`) and content run `c` opens the
/// next one.
fn introduces(d: &Doc, q: (usize, usize), c: (usize, usize)) -> bool {
    let p = d.para[q.1 - 1];
    let mut t = q.1;
    let mut colon = d.is_colon(q.1 - 1);
    while t < d.len() && d.para[t] == p {
        if !d.punct[t] {
            return false;
        }
        colon |= d.is_colon(t);
        t += 1;
    }
    colon && c.0 == t && t < d.len() && d.para[t] == p + 1
}

/// A cue (with its source) ending a sentence the tagger gave no content takes the sentence
/// before it as content (`The plan fails, sources said.`), without the punctuation before the
/// cue; a cue opening a sentence, followed by a noun phrase and a comma, takes the rest of the
/// sentence (`According to CNN, the talks failed.`), the noun phrase becoming its source. The
/// content must hold at least `MIN` tokens. It may cover tokens the tagger gave another cue
/// or its content: in train a content before its cue holds another attribution's cue 4 times
/// in 3,140, so such a cue, when it has no source, is more likely a false one (measured on
/// dev: +0.4 attribution F1).
/// (Filling the rest of the sentence after a contentless cue loses more than it wins.)
pub(crate) fn fill_contentless(d: &Doc, linked: &mut [Linked]) -> Vec<Claim> {
    const MIN: usize = 3;
    let mut claimed: Vec<Claim> = Vec::new();
    for (k, l) in linked.iter_mut().enumerate() {
        if !l.content.is_empty() {
            continue;
        }
        let (sa, sb) = d.sents[d.sent[l.cue.0]];
        // Sentence end without closing punctuation.
        let mut end = sb;
        while end > sa && d.punct[end - 1] && d.mark[end - 1] == Mark::None {
            end -= 1;
        }
        // `According to CNN, the talks failed.`: a cue opening the sentence, a noun phrase
        // (its source) and a comma; the rest of the sentence is the content.
        if l.cue.0 == sa && !d.pos.is_empty() {
            let a = l.source.filter(|s| s.0 == l.cue.1).map_or(l.cue.1, |s| s.1);
            let mut b = a;
            while b < end && b < a + 8 && pos::coarse(d.pos[b]) == 1 {
                b += 1;
            }
            if b > l.cue.1 && b < end && d.is_comma(b) && end >= b + 1 + MIN {
                l.source = Some((l.cue.1, b));
                l.content.push((b + 1, end));
                claimed.push((k, (b + 1, end)));
                continue;
            }
        }
        let last = l.source.map_or(l.cue.1, |s| s.1.max(l.cue.1));
        if last < end {
            continue;
        }
        let mut b = l.source.map_or(l.cue.0, |s| s.0.min(l.cue.0));
        while b > sa && d.punct[b - 1] && d.mark[b - 1] == Mark::None {
            b -= 1;
        }
        if b >= sa + MIN {
            l.content.push((sa, b));
            claimed.push((k, (sa, b)));
        }
    }
    claimed
}

/// The content a cue took in [`fill_contentless`]: the cue's index and the token run.
pub(crate) type Claim = (usize, (usize, usize));

/// A cue still without a source inside a content that [`fill_contentless`] gave another cue
/// loses its own content (and so is dropped): +0.1 on dev. One with a source stays
/// (`Trump said X, according to CNN.`).
pub(crate) fn drop_claimed(linked: &mut [Linked], claimed: &[Claim]) {
    // Only the cues starting inside a claim can lie in it: with the cues sorted by start
    // (once), each claim looks at just those (a scan of every cue per claim is quadratic in
    // a cue-dense text). `linked` need not be in cue order.
    let mut by_start: Vec<usize> = (0..linked.len()).collect();
    by_start.sort_by_key(|&j| linked[j].cue);
    for &(k, (a, b)) in claimed {
        let from = by_start.partition_point(|&j| linked[j].cue.0 < a);
        for &j in &by_start[from..] {
            let l = &mut linked[j];
            if l.cue.0 >= b {
                break;
            }
            if j != k && l.cue.1 <= b && l.source.is_none() {
                l.content.clear();
            }
        }
    }
}

/// The hash [`Doc::word`] holds for a lowercase word.
fn word_hash(w: &str) -> u64 {
    let mut h = features::Fnv::default();
    w.chars().for_each(|c| h.char(c));
    h.finish()
}

/// Verbs whose subject is what is perceived, not a speaker (`He seems unable to ...`,
/// `it was unclear whether`): PolNeAR leaves the source of a cue holding one empty (train:
/// `seem` 107 empty against 32 with a source, `appear` 87 / 24, `unclear` 9 / 1). Drops the
/// source of such a cue.
pub(crate) fn drop_seeming_subjects(d: &Doc, linked: &mut [Linked]) {
    let words: Vec<u64> = [
        "seem",
        "seems",
        "seemed",
        "seeming",
        "appear",
        "appears",
        "appeared",
        "appearing",
        "unclear",
    ]
    .iter()
    .map(|w| word_hash(w))
    .collect();
    for l in linked.iter_mut() {
        if (l.cue.0..l.cue.1).any(|t| words.contains(&d.word[t])) {
            l.source = None;
        }
    }
}

/// A cue after its content (`"...," said the ruling.`) whose sourceless attribution has a
/// content run starting right after it: the noun phrase (POS tags) opening that run, when a
/// comma or the run's or sentence's end follows it, is the source (train: such a phrase is
/// or overlaps the gold source 707 times, against 10 inside the content). The run is dropped
/// from the content.
pub(crate) fn inverted_sources(d: &Doc, linked: &mut [Linked]) {
    if d.pos.is_empty() {
        return;
    }
    for l in linked.iter_mut() {
        let (a, b) = l.cue;
        if l.source.is_some() || a == 0 || !d.punct[a - 1] {
            continue;
        }
        if !l.content.iter().any(|c| c.1 <= a) {
            continue;
        }
        let Some(i) = l.content.iter().position(|c| c.0 == b) else {
            continue;
        };
        let run = l.content[i];
        let sb = d.sents[d.sent[a]].1;
        let mut e = b;
        while e < run.1 && e < sb && pos::coarse(d.pos[e]) == 1 && !d.inq[e] {
            e += 1;
        }
        let closed = e == run.1 || e == sb || (e < d.len() && d.punct[e]);
        if e > b && closed {
            l.source = Some((b, e));
            l.content.remove(i);
        }
    }
}

/// A sourceless cue opening its sentence with a participle (`Citing the poll, Trump said`)
/// takes the noun phrase (POS tags) after the first comma past its content, which PolNeAR
/// gives it as source even when another cue holds it too (train, `according` aside: that
/// phrase is the gold source 20 times, against 16 other or empty sources).
pub(crate) fn participle_sources(d: &Doc, linked: &mut [Linked]) {
    let (Some(vbg), false) = (pos::tag_id("VBG"), d.pos.is_empty()) else {
        return;
    };
    let according = word_hash("according");
    let held = held_tokens(d, linked, false);
    for l in linked.iter_mut() {
        let (a, b) = l.cue;
        let (sa, sb) = d.sents[d.sent[a]];
        if l.source.is_some() || l.content.is_empty() || a != sa {
            continue;
        }
        if d.pos[a] != vbg || d.word[a] == according {
            continue;
        }
        let end = l.content.iter().map(|c| c.1).fold(b, usize::max);
        let Some(comma) = (end..sb).find(|&t| d.is_comma(t)) else {
            continue;
        };
        let mut e = comma + 1;
        while e < sb && pos::coarse(d.pos[e]) == 1 && !d.inq[e] && !held[e] {
            e += 1;
        }
        if e > comma + 1 {
            l.source = Some((comma + 1, e));
        }
    }
}

/// A relative pronoun right before a cue (`the police, who said`, `a report which found`) is
/// its source in PolNeAR, not the noun it refers to (train: `who` right before a cue is the
/// source 363 times, against 15 other sources and 27 empty; `which` 66 / 16 / 14), and one
/// the tagger put at the start of the cue belongs to the source (no gold cue opens with
/// `who` or `which` in train). Makes the pronoun the source of a cue with content.
pub(crate) fn relative_subjects(d: &Doc, linked: &mut [Linked]) {
    let pronouns = [word_hash("who"), word_hash("which")];
    let held = held_tokens(d, linked, false);
    for l in linked.iter_mut() {
        let (a, b) = l.cue;
        if l.content.is_empty() {
            continue;
        }
        if b > a + 1 && pronouns.contains(&d.word[a]) {
            l.cue = (a + 1, b);
            l.source = Some((a, a + 1));
        } else if a > 0
            && d.sent[a - 1] == d.sent[a]
            && !held[a - 1]
            && pronouns.contains(&d.word[a - 1])
        {
            l.source = Some((a - 1, a));
        }
    }
}

/// A passive cue without `by` (`Mr. Quiros was accused of`) has no speaker before it: PolNeAR
/// leaves its source empty (331 times in train, against 97 sources before the cue). Drops
/// a source before such a cue.
pub(crate) fn drop_passive_subjects(d: &Doc, linked: &mut [Linked]) {
    if d.pos.is_empty() {
        return;
    }
    let hash = |w: &str| {
        let mut h = features::Fnv::default();
        w.chars().for_each(|c| h.char(c));
        h.finish()
    };
    let be: Vec<u64> = ["was", "were", "been", "be", "is", "are", "being"]
        .iter()
        .map(|w| hash(w))
        .collect();
    let (by, vbn) = (hash("by"), pos::tag_id("VBN").unwrap_or(pos::NO_TAG));
    for l in linked.iter_mut() {
        let (a, b) = l.cue;
        let passive = (a..b)
            .any(|t| d.pos[t] == vbn && (a.saturating_sub(1)..t).any(|k| be.contains(&d.word[k])));
        if passive && d.word[b - 1] != by && l.source.is_some_and(|s| s.1 <= a) {
            l.source = None;
        }
    }
}

/// A cue the tagger gave no source takes a noun phrase (by the POS tags) next to it: the
/// phrase ending at most `GAP` tokens before the cue, or, when the content lies before the
/// cue (`..., said John Smith`), the phrase right after it. Nothing another attribution holds.
pub(crate) fn fill_sourceless(d: &Doc, linked: &mut [Linked]) {
    const GAP: usize = 4;
    if d.pos.is_empty() {
        return;
    }
    let mut taken = taken_tokens(d, linked);
    let np = |t: usize| pos::coarse(d.pos[t]) == 1 && !d.inq[t];
    for l in linked.iter_mut() {
        if l.source.is_some() || l.content.is_empty() {
            continue;
        }
        let (sa, sb) = d.sents[d.sent[l.cue.0]];
        let content_left = l.content.iter().all(|c| c.1 <= l.cue.0);
        let right = if content_left && l.cue.1 < sb && np(l.cue.1) && !taken[l.cue.1] {
            let mut b = l.cue.1;
            while b < sb && np(b) && !taken[b] {
                b += 1;
            }
            Some((l.cue.1, b))
        } else {
            None
        };
        // The phrase ending at most GAP tokens before `from`; a phrase after a preposition
        // (`Stumpf in a televised interview appeared`) is skipped, up to twice.
        let left = || {
            let mut from = l.cue.0;
            for round in 0..3 {
                let mut b = from;
                while b > sa && from - b < GAP && !np(b - 1) {
                    if taken[b - 1] || d.punct[b - 1] {
                        return None;
                    }
                    b -= 1;
                }
                let mut a = b;
                while a > sa && np(a - 1) && !taken[a - 1] {
                    a -= 1;
                }
                let object = a > sa && pos::coarse(d.pos[a - 1]) == 3 && !taken[a - 1];
                if a == b || !object || round == 2 {
                    return (a < b).then_some((a, b));
                }
                from = a - 1;
            }
            None
        };
        l.source = right.or_else(left);
        if let Some((a, b)) = l.source {
            taken[a..b].iter_mut().for_each(|x| *x = true);
        }
    }
}

/// PolNeAR's edges of a source (train counts): a source holding a comma (an apposition,
/// `Smith, a lawyer,`) ends with the comma after it (922 times, against 106 without), and one
/// holding none ends before it (798 times, against 5 with); a leading `even` is left out
/// (29 times, against 8 in), a determiner or possessive before it is taken in (`the`: 1,926
/// times in, against 20 before it; `a` 594 / 12, `his` 228 / 2).
pub(crate) fn source_edges(d: &Doc, linked: &mut [Linked]) {
    let even = word_hash("even");
    let determiners: Vec<u64> = [
        "the", "a", "an", "his", "her", "their", "its", "this", "these", "my", "our", "your",
    ]
    .iter()
    .map(|w| word_hash(w))
    .collect();
    let mut held = taken_tokens(d, linked);
    for l in linked.iter_mut() {
        if let Some((a, b)) = l.source {
            if b > a + 1 && d.word[a] == even {
                l.source = Some((a + 1, b));
            } else if a > 0
                && !held[a - 1]
                && d.sent[a - 1] == d.sent[a]
                && determiners.contains(&d.word[a - 1])
            {
                held[a - 1] = true;
                l.source = Some((a - 1, b));
            }
        }
    }
    let taken = held_tokens(d, linked, false);
    for l in linked.iter_mut() {
        let Some((a, b)) = l.source else { continue };
        let inner = (a..b - 1).any(|t| d.is_comma(t));
        if d.is_comma(b - 1) && !inner && b - 1 > a {
            l.source = Some((a, b - 1));
        } else if inner && !d.is_comma(b - 1) && b < d.len() && d.is_comma(b) && !taken[b] {
            l.source = Some((a, b + 1));
        }
    }
}

/// Keeps the content run nearest the cue and only those other runs that join it across
/// nothing but this attribution's own cue and source and punctuation.
fn keep_contiguous(d: &Doc, l: &mut Linked) {
    if l.content.len() < 2 {
        return;
    }
    let near = (0..l.content.len())
        .min_by_key(|&i| (gap(l.content[i], l.cue), i))
        .unwrap_or(0);
    let own = |t: usize| {
        (l.cue.0..l.cue.1).contains(&t)
            || l.source.is_some_and(|s| (s.0..s.1).contains(&t))
            || d.punct[t]
    };
    let mut lo = l.content[near].0;
    let mut hi = l.content[near].1;
    let mut kept = vec![l.content[near]];
    // Grow right, then left.
    let cue_sent = d.sent[l.cue.0];
    for &c in l.content.iter().skip(near + 1) {
        // `"A," he said on Monday. "B."`: a quotation opening the next sentence continues
        // the content across the rest of the cue's sentence.
        let continues = d.mark[c.0] == Mark::Open
            && d.sent[c.0] == cue_sent + 1
            && hi <= l.cue.0
            && (hi..c.0).all(|t| own(t) || d.sent[t] == cue_sent);
        if continues || (hi..c.0).all(own) {
            kept.push(c);
            hi = c.1;
        } else {
            break;
        }
    }
    for &c in l.content[..near].iter().rev() {
        if (c.1..lo).all(own) {
            kept.push(c);
            lo = c.0;
        } else {
            break;
        }
    }
    kept.sort();
    l.content = kept;
}

/// The trained attributor.
#[derive(Clone, Debug)]
pub struct ModelAttributor {
    cue: Weights,
    role: Weights,
    settings: Settings,
}

impl ModelAttributor {
    /// The model committed in `models/attribution.bin`, built into the binary.
    pub fn embedded() -> ModelAttributor {
        ModelAttributor::from_bytes(EMBEDDED)
            .expect("the embedded attribution model is valid (checked by the unit tests)")
    }

    /// Loads a model file written by [`train`].
    pub fn from_bytes(bytes: &[u8]) -> Result<ModelAttributor> {
        let (json, mut tables) = format::read("attribution", bytes)?;
        let settings: Settings = serde_json::from_str(&json).map_err(|e| Error::Model {
            name: "attribution".into(),
            message: format!("bad settings: {e}"),
        })?;
        if tables.len() != 2
            || tables[0].n_labels != Pass::Cue.n_labels()
            || tables[1].n_labels != settings.role_pass().n_labels()
        {
            return Err(Error::Model {
                name: "attribution".into(),
                message: "unexpected weight tables".into(),
            });
        }
        let role = tables.pop().unwrap();
        let cue = tables.pop().unwrap();
        Ok(ModelAttributor {
            cue,
            role,
            settings,
        })
    }

    pub(crate) fn from_parts(cue: Weights, role: Weights, pos: bool, config: &TrainConfig) -> Self {
        ModelAttributor {
            cue,
            role,
            settings: Settings {
                keep_contentless: config.keep_contentless,
                cue_bias: config.cue_bias,
                joint: config.joint,
                pos,
                role_bias: config.role_bias.clone(),
                source_retry: config.source_retry,
                syntax: config.syntax,
            },
        }
    }

    /// The model with some decoding settings replaced by the keys of the JSON object
    /// `overrides` (`cue_bias`, `role_bias`, `source_retry`, `keep_contentless`); for tuning
    /// experiments.
    pub fn with_settings(&self, overrides: &str) -> Result<ModelAttributor> {
        let bad = |message: String| Error::Model {
            name: "attribution".into(),
            message,
        };
        let mut value = serde_json::to_value(&self.settings).map_err(|e| bad(e.to_string()))?;
        let over: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(overrides).map_err(|e| bad(format!("bad overrides: {e}")))?;
        for (k, v) in over {
            if matches!(k.as_str(), "joint" | "pos") {
                return Err(bad(format!("{k} is fixed by the weights")));
            }
            value[k] = v;
        }
        let settings: Settings =
            serde_json::from_value(value).map_err(|e| bad(format!("bad overrides: {e}")))?;
        Ok(ModelAttributor {
            settings,
            ..self.clone()
        })
    }

    /// The model file bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let json = serde_json::to_string(&self.settings).expect("settings serialise");
        format::write(&json, &[&self.cue, &self.role])
    }

    /// The observations of a text, with the POS tags `tags` when the model reads tags.
    pub(crate) fn doc(&self, text: &str, seg: &Segmentation, tags: &[u8], parse: &Parse) -> Doc {
        let mut d = Doc::new(text, seg);
        if self.settings.pos && tags.len() == d.len() {
            d.pos = tags.to_vec();
        }
        if self.settings.syntax {
            d.set_parse(parse);
        }
        d
    }

    /// Whether the model reads the dependency parse.
    pub(crate) fn reads_syntax(&self) -> bool {
        self.settings.syntax
    }

    /// Cue labels and margins of pass 1 for a prepared document.
    pub(crate) fn tag_cues(&self, d: &Doc, sf: &StaticFeats) -> (Vec<u8>, Vec<f32>) {
        decode_cues(&self.cue, d, sf, &cue_bias(self.settings.cue_bias))
    }

    /// Token-level attributions of a prepared document.
    pub(crate) fn link_doc(&self, d: &Doc) -> Vec<Linked> {
        let base = StaticFeats::base(d);
        let (cue_labels, margins) = self.tag_cues(d, &base);
        let ctx = cue_context(&cue_labels, &margins);
        let sf = StaticFeats::with_cues(d, &base, &ctx);
        let pass = self.settings.role_pass();
        let forced = (!self.settings.joint).then_some(ctx.is_cue.as_slice());
        let roles = decode(&self.role, pass, d, &sf, forced, &self.settings.role_bias);
        let sources: Vec<(usize, usize)> = runs(&roles, B_SRC, I_SRC)
            .into_iter()
            .filter_map(|r| trim_punct(d, r))
            .collect();
        let contents = runs(&roles, B_CON, I_CON);
        let cues = if self.settings.joint {
            runs(&roles, CUE, I_JCUE)
        } else {
            ctx.spans
        };
        let mut linked = link(d, &cues, &sources, &contents);
        continued_quotations(d, &mut linked);
        let claimed = fill_contentless(d, &mut linked);
        inverted_sources(d, &mut linked);
        if self.settings.source_retry > 0.0 {
            self.retry_sources(d, &sf, forced, &roles, &mut linked);
        }
        fill_sourceless(d, &mut linked);
        participle_sources(d, &mut linked);
        drop_claimed(&mut linked, &claimed);
        relative_subjects(d, &mut linked);
        drop_passive_subjects(d, &mut linked);
        drop_seeming_subjects(d, &mut linked);
        source_edges(d, &mut linked);
        if !self.settings.keep_contentless {
            linked.retain(|l| !l.content.is_empty());
        }
        linked
    }
}

impl ModelAttributor {
    /// Gives each cue without a source (but with content) the nearest free source run of
    /// its sentence decoded again with the source labels favoured by `source_retry`.
    fn retry_sources(
        &self,
        d: &Doc,
        sf: &StaticFeats,
        forced: Option<&[bool]>,
        roles: &[u8],
        linked: &mut [Linked],
    ) {
        let b = self.settings.source_retry;
        let mut bias = vec![0.0; self.settings.role_pass().n_labels()];
        bias[B_SRC as usize] = b;
        bias[I_SRC as usize] = b;
        if let Some(extra) = self.settings.role_bias.get(..bias.len()) {
            bias.iter_mut().zip(extra).for_each(|(x, e)| *x += e);
        }
        let taken = taken_tokens(d, linked);
        let pass = self.settings.role_pass();
        let mut scratch = Scratch::default();
        let mut cache: std::collections::BTreeMap<usize, Vec<(usize, usize)>> =
            std::collections::BTreeMap::new();
        for l in linked.iter_mut() {
            if l.source.is_some() || l.content.is_empty() {
                continue;
            }
            let si = d.sent[l.cue.0];
            let found = cache.entry(si).or_insert_with(|| {
                let (sa, sb) = d.sents[si];
                let start = carry(pass, if sa > 0 { roles[sa - 1] } else { O });
                let labels = viterbi(
                    &self.role,
                    pass,
                    d,
                    sf,
                    forced,
                    &bias,
                    sa..sb,
                    start,
                    &mut scratch,
                );
                runs(&labels, B_SRC, I_SRC)
                    .into_iter()
                    .map(|(a, b)| (a + sa, b + sa))
                    .filter_map(|r| trim_punct(d, r))
                    .filter(|&(a, b)| !taken[a..b].iter().any(|&x| x))
                    .collect()
            });
            l.source = found
                .iter()
                .min_by_key(|&&s| (gap(s, l.cue), usize::from(l.cue.0 < s.0)))
                .copied();
        }
    }
}

/// Tokens held by a cue, source or content of `linked`.
fn taken_tokens(d: &Doc, linked: &[Linked]) -> Vec<bool> {
    held_tokens(d, linked, true)
}

/// Tokens held by a cue or content of `linked`, and by a source when `sources`.
fn held_tokens(d: &Doc, linked: &[Linked], sources: bool) -> Vec<bool> {
    let mut held = vec![false; d.len()];
    for l in linked {
        let mut mark = |(a, b): (usize, usize)| held[a..b].iter_mut().for_each(|x| *x = true);
        mark(l.cue);
        if sources {
            l.source.into_iter().for_each(&mut mark);
        }
        l.content.iter().copied().for_each(&mut mark);
    }
    held
}

/// The pass-1 score bias in the weights' units.
pub(crate) fn cue_bias(bias: f32) -> [f32; 3] {
    [0.0, bias, 0.0]
}

/// A source run without leading punctuation or a trailing full stop, if anything is left.
fn trim_punct(d: &Doc, (mut a, mut b): (usize, usize)) -> Option<(usize, usize)> {
    while a < b && d.punct[a] && d.mark[a] == Mark::None {
        a += 1;
    }
    // Gold sources keep the comma closing an apposition (`Smith, a lawyer,`): trim only a
    // dangling full stop.
    while a < b && d.is_full_stop(b - 1) {
        b -= 1;
    }
    (a < b).then_some((a, b))
}

pub(crate) fn cue_context(labels: &[u8], margins: &[f32]) -> CueContext {
    let is_cue: Vec<bool> = labels.iter().map(|&l| l != O).collect();
    let starts: Vec<bool> = labels.iter().map(|&l| l == B_CUE).collect();
    let mut ctx = CueContext::from_tags(is_cue, &starts);
    ctx.margin = margins.iter().map(|&m| margin_bucket(m)).collect();
    ctx
}

fn margin_bucket(m: f32) -> u8 {
    const EDGES: [f32; 7] = [-20.0, -8.0, -3.0, 0.0, 3.0, 8.0, 20.0];
    EDGES.iter().filter(|&&e| m >= e).count() as u8
}

fn to_span(d: &Doc, (a, b): (usize, usize)) -> Span {
    Span::new(d.spans[a].start, d.spans[b - 1].end)
}

impl Attributor for ModelAttributor {
    /// The id of the file this model would be written as ([`ModelAttributor::to_bytes`]).
    fn model_id(&self) -> String {
        crate::producer::model_id(&self.to_bytes())
    }

    fn attribute(&self, text: &str, seg: &Segmentation, syntax: &Syntax) -> Vec<Attribution> {
        let d = self.doc(text, seg, &syntax.tags, &syntax.parse);
        // Tokens that do not index this text (a segmentation made for another text) would
        // make spans off char boundaries: refuse them.
        if d.spans
            .iter()
            .any(|s| s.start >= s.end || text.get(s.range()).is_none())
            || d.spans.windows(2).any(|w| w[0].end > w[1].start)
        {
            return Vec::new();
        }
        self.link_doc(&d)
            .into_iter()
            .map(|l| {
                let cue = vec![to_span(&d, l.cue)];
                let content: Vec<Span> = l.content.iter().map(|&r| to_span(&d, r)).collect();
                let source: Vec<Span> = l.source.iter().map(|&r| to_span(&d, r)).collect();
                Attribution::new(text, &seg.quotations, source, cue, content)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
