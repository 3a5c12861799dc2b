//! Per-token observations and the feature templates of both tagging passes.

pub(crate) use super::hash::Fnv;
use super::hash::{combine, feature_id};
use super::pos::{coarse, NO_TAG};
use crate::learn::char_class;
use crate::parse::{Label, Parse};
use crate::segment::Segmentation;
use crate::span::Span;

/// Quote-mark role of a token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    None,
    Open,
    Close,
}

/// What the taggers know about each token of one text, computed once.
#[derive(Clone, Debug, Default)]
pub struct Doc {
    pub spans: Vec<Span>,
    /// Hash of the lowercased word.
    pub word: Vec<u64>,
    pub shape: Vec<u64>,
    pub prefix: Vec<u64>,
    pub suffix: Vec<u64>,
    /// Hash of a crude stem: the lowercased word without -s, -es, -ed, -d, -ing.
    pub stem: Vec<u64>,
    pub cap: Vec<bool>,
    /// Punctuation only (no letter or digit).
    pub punct: Vec<bool>,
    pub mark: Vec<Mark>,
    /// Inside a quotation (marks included).
    pub inq: Vec<bool>,
    pub sent: Vec<usize>,
    /// Token range of each sentence.
    pub sents: Vec<(usize, usize)>,
    pub para: Vec<usize>,
    /// For each sentence: does it hold a quote mark.
    pub sent_has_quote: Vec<bool>,
    /// For each token inside a quotation: token index of the opening mark and one past the
    /// closing mark (or paragraph end).
    pub quote_of: Vec<Option<(usize, usize)>>,
    /// For each token: the nearest quote mark before it in its sentence.
    pub mark_before: Vec<Option<usize>>,
    /// For each token: the nearest quote mark after it in its sentence.
    pub mark_after: Vec<Option<usize>>,
    /// `commas_before[t]`: the number of comma tokens in `0..t` (length `n + 1`), so that a
    /// count over any range is one subtraction (a per-token scan is quadratic in a long
    /// sentence).
    pub commas_before: Vec<u32>,
    /// Part-of-speech tag ids ([`super::pos::TAGS`]), when the model has a tagger; empty
    /// otherwise (and then no POS features fire).
    pub pos: Vec<u8>,
    /// Dependency label ids ([`crate::parse::LABELS`]) of each token, when the model reads
    /// syntax ([`Doc::set_parse`]); empty otherwise (and then no syntax features fire).
    pub dep: Vec<u8>,
    /// Head of each token ([`NO_HEAD`]: a sentence root).
    pub head: Vec<u32>,
    /// Per token: which relations its dependents hold ([`KID_BITS`]).
    pub kids: Vec<u8>,
}

/// [`Doc::head`] of a sentence root.
pub const NO_HEAD: u32 = u32::MAX;

/// The dependent relations [`Doc::kids`] records, one bit each: what a verb of saying
/// governs (a subject, a clausal complement or parataxis, an object, an open complement).
const KID_BITS: [(Label, u8); 6] = [
    (Label::NSUBJ, 1),
    (Label::NSUBJPASS, 1),
    (Label::CCOMP, 2),
    (Label::PARATAXIS, 4),
    (Label::DOBJ, 8),
    (Label::XCOMP, 16),
];

const NONE_HASH: u64 = 0x5151_5151;

fn word_hashes(s: &str) -> (u64, u64, u64, u64, bool) {
    let mut lower = Fnv::default();
    let mut shape = Fnv::default();
    let mut prefix = Fnv::default();
    let mut last_class = 0u8;
    let mut n_chars = 0usize;
    let mut cap = false;
    for (k, c) in s.chars().enumerate() {
        let class = char_class(c);
        if k == 0 {
            cap = class == b'X';
        }
        if class == 0 {
            shape.char(c);
            last_class = 0;
        } else if class != last_class {
            shape.byte(class);
            last_class = class;
        }
        for l in c.to_lowercase() {
            lower.char(l);
            if k < 3 {
                prefix.char(l);
            }
        }
        n_chars += 1;
    }
    // Suffix: the last three chars, lowercased.
    let mut suffix = Fnv::default();
    let skip = n_chars.saturating_sub(3);
    for c in s.chars().skip(skip) {
        for l in c.to_lowercase() {
            suffix.char(l);
        }
    }
    (
        lower.finish(),
        shape.finish(),
        prefix.finish(),
        suffix.finish(),
        cap,
    )
}

/// Strips one inflectional ending off an ASCII-lowercased word and hashes the rest.
fn stem_hash(s: &str) -> u64 {
    let mut buf = [0u8; 32];
    let bytes = s.as_bytes();
    if bytes.len() > buf.len() || !s.is_ascii() {
        let mut h = Fnv::default();
        h.byte(b'~');
        for c in s.chars().flat_map(char::to_lowercase) {
            h.char(c);
        }
        return h.finish();
    }
    let w = &mut buf[..bytes.len()];
    w.copy_from_slice(bytes);
    w.make_ascii_lowercase();
    let mut end = w.len();
    for suffix in [&b"ing"[..], b"ies", b"es", b"ed", b"s", b"d"] {
        if end > suffix.len() + 2 && w[..end].ends_with(suffix) {
            end -= suffix.len();
            break;
        }
    }
    let mut h = Fnv::default();
    h.byte(b'~');
    for &b in &w[..end] {
        h.byte(b);
    }
    h.finish()
}

impl Doc {
    pub fn new(text: &str, seg: &Segmentation) -> Doc {
        let n = seg.tokens.len();
        let mut d = Doc {
            spans: Vec::with_capacity(n),
            word: Vec::with_capacity(n),
            shape: Vec::with_capacity(n),
            prefix: Vec::with_capacity(n),
            suffix: Vec::with_capacity(n),
            stem: Vec::with_capacity(n),
            cap: Vec::with_capacity(n),
            punct: Vec::with_capacity(n),
            mark: vec![Mark::None; n],
            inq: vec![false; n],
            sent: vec![0; n],
            sents: Vec::with_capacity(seg.sentences.len()),
            para: vec![0; n],
            sent_has_quote: Vec::with_capacity(seg.sentences.len()),
            quote_of: vec![None; n],
            mark_before: vec![None; n],
            mark_after: vec![None; n],
            commas_before: Vec::with_capacity(n + 1),
            pos: Vec::new(),
            dep: Vec::new(),
            head: Vec::new(),
            kids: Vec::new(),
        };
        for tok in &seg.tokens {
            // Defensive: never slice outside the text or off a char boundary.
            let span = tok.span;
            let s = text.get(span.range()).unwrap_or("");
            let (w, sh, p, su, cap) = word_hashes(s);
            d.spans.push(span);
            d.word.push(w);
            d.shape.push(sh);
            d.prefix.push(p);
            d.suffix.push(su);
            d.stem.push(stem_hash(s));
            d.cap.push(cap);
            d.punct.push(!s.chars().any(char::is_alphanumeric));
        }
        // Sentences: trust the segmentation but clamp.
        let mut next = 0usize;
        for s in &seg.sentences {
            let a = s.tokens.start.clamp(next, n);
            let b = s.tokens.end.clamp(a, n);
            if b > a {
                d.sents.push((a, b));
                next = b;
            }
        }
        if next < n {
            d.sents.push((next, n));
        }
        for (si, &(a, b)) in d.sents.iter().enumerate() {
            for t in a..b {
                d.sent[t] = si;
            }
        }
        // Paragraphs: segmentation paragraphs plus blank lines between tokens.
        let mut para_starts = vec![false; n];
        for p in &seg.paragraphs {
            if let Some(s) = seg.sentences.get(p.sentences.start) {
                if s.tokens.start < n {
                    para_starts[s.tokens.start] = true;
                }
            }
        }
        for (t, start) in para_starts.iter_mut().enumerate().skip(1) {
            let gap = text.get(d.spans[t - 1].end..d.spans[t].start).unwrap_or("");
            if gap.matches('\n').count() >= 2 {
                *start = true;
            }
        }
        let mut p = 0;
        for (t, &start) in para_starts.iter().enumerate() {
            if t > 0 && start {
                p += 1;
            }
            d.para[t] = p;
        }
        // Quote marks and quotations, as the segmenter found them.
        for m in &seg.quote_marks {
            if let Some(mark) = d.mark.get_mut(m.token) {
                *mark = if m.open { Mark::Open } else { Mark::Close };
            }
        }
        for q in &seg.quotations {
            let (a, b) = (q.tokens.start.min(n), q.tokens.end.min(n));
            for t in a..b {
                d.inq[t] = true;
                d.quote_of[t] = Some((a, b));
            }
        }
        for &(a, b) in &d.sents {
            d.sent_has_quote
                .push((a..b).any(|t| d.mark[t] != Mark::None));
            let mut last = None;
            for t in a..b {
                d.mark_before[t] = last;
                if d.mark[t] != Mark::None {
                    last = Some(t);
                }
            }
            let mut next = None;
            for t in (a..b).rev() {
                d.mark_after[t] = next;
                if d.mark[t] != Mark::None {
                    next = Some(t);
                }
            }
        }
        let comma = d.comma_shape();
        let mut commas = 0u32;
        d.commas_before.push(0);
        for &shape in &d.shape {
            commas += u32::from(shape == comma);
            d.commas_before.push(commas);
        }
        d
    }

    /// The number of comma tokens in `range`.
    fn commas_in(&self, range: std::ops::Range<usize>) -> usize {
        if range.is_empty() {
            return 0;
        }
        (self.commas_before[range.end] - self.commas_before[range.start]) as usize
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Takes the labels and heads of `parse` (of this document's tokens; a parse of another
    /// length is ignored).
    pub fn set_parse(&mut self, parse: &Parse) {
        let n = self.len();
        if parse.len() != n {
            return;
        }
        self.dep = (0..n).map(|t| parse.label(t).0).collect();
        self.head = (0..n)
            .map(|t| parse.head(t).map_or(NO_HEAD, |h| h as u32))
            .collect();
        self.kids = vec![0; n];
        for t in 0..n {
            if let Some(h) = parse.head(t) {
                let label = parse.label(t);
                for &(l, bit) in &KID_BITS {
                    if l == label {
                        self.kids[h] |= bit;
                    }
                }
            }
        }
    }

    /// How token `t` hangs off cue span `(a, b)`: inside it (200); in the subtree of a
    /// dependent of the cue (1 + that dependent's label: `nsubj` for a source, `ccomp` for a
    /// content); governing the cue (100 + the label of the cue-side child on the way); else
    /// unrelated (0). Paths longer than 16 arcs count as unrelated.
    pub fn relation(&self, t: usize, (a, b): (usize, usize)) -> u64 {
        if (a..b).contains(&t) {
            return 200;
        }
        let up = |from: usize, stop: &dyn Fn(usize) -> bool| -> Option<usize> {
            let mut x = from;
            for _ in 0..16 {
                let h = self.head[x];
                if h == NO_HEAD {
                    return None;
                }
                if stop(h as usize) {
                    return Some(x);
                }
                x = h as usize;
            }
            None
        };
        if let Some(x) = up(t, &|h| (a..b).contains(&h)) {
            return 1 + u64::from(self.dep[x]);
        }
        // The cue's own head: its first token governed from outside the span.
        let top = (a..b)
            .find(|&k| {
                let h = self.head[k];
                h == NO_HEAD || !(a..b).contains(&(h as usize))
            })
            .unwrap_or(a);
        match up(top, &|h| h == t) {
            Some(y) => 100 + u64::from(self.dep[y]),
            None => 0,
        }
    }
}

/// Distance bucket.
pub fn bucket(d: usize) -> u64 {
    match d {
        0..=4 => d as u64,
        5..=6 => 5,
        7..=9 => 6,
        10..=14 => 7,
        15..=24 => 8,
        _ => 9,
    }
}

/// Collects feature ids for one token.
pub struct Feats<'a> {
    pub out: &'a mut Vec<u32>,
}

impl Feats<'_> {
    pub fn add(&mut self, template: u64, value: u64) {
        self.out.push(feature_id(combine(template, value)));
    }

    pub fn add2(&mut self, template: u64, a: u64, b: u64) {
        self.out.push(feature_id(combine(combine(template, a), b)));
    }

    pub fn add3(&mut self, template: u64, a: u64, b: u64, c: u64) {
        self.out
            .push(feature_id(combine(combine(combine(template, a), b), c)));
    }
}

fn word_at(d: &Doc, t: isize) -> u64 {
    if t < 0 || t as usize >= d.len() {
        NONE_HASH
    } else {
        d.word[t as usize]
    }
}

fn mark_code(m: Mark) -> u64 {
    match m {
        Mark::None => 0,
        Mark::Open => 1,
        Mark::Close => 2,
    }
}

/// The features of token `t` that do not depend on the cues (both passes use them).
pub fn base_features(d: &Doc, t: usize, f: &mut Feats) {
    let ti = t as isize;
    let w0 = d.word[t];
    let (sa, sb) = d.sents[d.sent[t]];
    f.add(1, 0);
    f.add(2, w0);
    f.add(3, word_at(d, ti - 1));
    f.add(4, word_at(d, ti + 1));
    f.add(5, word_at(d, ti - 2));
    f.add(6, word_at(d, ti + 2));
    f.add2(7, word_at(d, ti - 1), w0);
    f.add2(8, w0, word_at(d, ti + 1));
    f.add2(9, word_at(d, ti + 1), word_at(d, ti + 2));
    f.add2(10, word_at(d, ti - 2), word_at(d, ti - 1));
    f.add(11, d.shape[t]);
    f.add(12, d.prefix[t]);
    f.add(13, d.suffix[t]);
    let inq = u64::from(d.inq[t]);
    f.add2(14, inq, mark_code(d.mark[t]));
    f.add2(15, w0, inq);
    f.add(16, u64::from(t == sa) * 2 + u64::from(t + 1 == sb));
    f.add(17, bucket(t - sa) * 16 + bucket(sb - t - 1));
    f.add(18, if t > 0 { d.shape[t - 1] } else { NONE_HASH });
    f.add(
        19,
        if t + 1 < d.len() {
            d.shape[t + 1]
        } else {
            NONE_HASH
        },
    );
    f.add2(20, u64::from(d.sent_has_quote[d.sent[t]]), inq);
    f.add(21, u64::from(t > 0 && d.para[t] != d.para[t - 1]));
    // Nearest quote marks in the sentence.
    let (left, right) = (d.mark_before[t], d.mark_after[t]);
    f.add2(
        22,
        left.map_or(99, |k| bucket(t - k)),
        left.map_or(0, |k| mark_code(d.mark[k])),
    );
    f.add2(
        23,
        right.map_or(99, |k| bucket(k - t)),
        right.map_or(0, |k| mark_code(d.mark[k])),
    );
    f.add2(24, u64::from(d.cap[t]), u64::from(t == sa));
    f.add(25, d.stem[t]);
    f.add2(26, d.stem[t], word_at(d, ti + 1));
    f.add2(27, word_at(d, ti - 1), d.stem[t]);
    if !d.pos.is_empty() {
        pos_features(d, t, f);
    }
    if !d.dep.is_empty() {
        syntax_features(d, t, f);
    }
}

/// The token's dependency relation, its head and what its dependents are.
fn syntax_features(d: &Doc, t: usize, f: &mut Feats) {
    let dep = u64::from(d.dep[t]);
    let h = d.head[t];
    let (head_word, head_dep) = if h == NO_HEAD {
        (NONE_HASH, 99)
    } else {
        (d.word[h as usize], u64::from(d.dep[h as usize]))
    };
    let kids = u64::from(d.kids[t]);
    f.add(230, dep);
    f.add2(231, dep, d.word[t]);
    f.add2(232, dep, head_word);
    f.add2(233, dep, head_dep);
    f.add(234, kids);
    f.add2(235, kids, d.stem[t]);
    f.add2(236, kids, pos_at(d, t as isize));
    f.add3(237, dep, kids, u64::from(d.inq[t]));
}

/// The POS tag of token `t` ([`NO_TAG`] outside the text).
fn pos_at(d: &Doc, t: isize) -> u64 {
    if t < 0 {
        return u64::from(NO_TAG);
    }
    u64::from(d.pos.get(t as usize).copied().unwrap_or(NO_TAG))
}

fn pos_features(d: &Doc, t: usize, f: &mut Feats) {
    let ti = t as isize;
    let p0 = pos_at(d, ti);
    let (pm1, pp1) = (pos_at(d, ti - 1), pos_at(d, ti + 1));
    f.add(200, p0);
    f.add(201, pm1);
    f.add(202, pp1);
    f.add(203, pos_at(d, ti - 2));
    f.add(204, pos_at(d, ti + 2));
    f.add2(205, pm1, p0);
    f.add2(206, p0, pp1);
    f.add3(207, pm1, p0, pp1);
    f.add2(208, p0, word_at(d, ti + 1));
    f.add2(209, p0, u64::from(d.inq[t]));
    // Headlines: `Pence: Gennifer Flowers Won't Be at Debate`.
    f.add2(215, u64::from(d.sent[t] == 0), d.shape[t]);
}

/// Whether every token of `range` is a noun-phrase word.
fn all_np(d: &Doc, range: std::ops::Range<usize>) -> bool {
    range.len() <= 12 && range.into_iter().all(|j| coarse(d.pos[j]) == 1)
}

/// Cue-relative context of each token, from the cue tags of the first pass.
#[derive(Clone, Debug, Default)]
pub struct CueContext {
    /// Per token: is it a cue token.
    pub is_cue: Vec<bool>,
    /// Per cue span: token range.
    pub spans: Vec<(usize, usize)>,
    /// Per token: bucket of pass 1's `B-CUE` margin (empty: unknown).
    pub margin: Vec<u8>,
}

impl CueContext {
    pub fn from_tags(is_cue: Vec<bool>, starts: &[bool]) -> CueContext {
        let mut spans = Vec::new();
        let mut t = 0;
        while t < is_cue.len() {
            if is_cue[t] {
                let a = t;
                t += 1;
                while t < is_cue.len() && is_cue[t] && !starts[t] {
                    t += 1;
                }
                spans.push((a, t));
            } else {
                t += 1;
            }
        }
        CueContext {
            is_cue,
            spans,
            margin: Vec::new(),
        }
    }
}

/// Hash of a cue span's words.
fn cue_words(d: &Doc, (a, b): (usize, usize)) -> u64 {
    let mut h = 0x77u64;
    for t in a..b.min(a + 4) {
        h = combine(h, d.word[t]);
    }
    h
}

/// The cue-relative features of token `t` for the second pass. `near` gives the index into
/// `cues.spans` of the nearest cue span on the left and right within the sentence.
pub fn cue_features(d: &Doc, cues: &CueContext, t: usize, f: &mut Feats, near: &Near) {
    let inq = u64::from(d.inq[t]);
    let w0 = d.word[t];
    let here = u64::from(cues.is_cue[t]);
    f.add(64, here);
    f.add2(65, here, w0);
    if let Some(&m) = cues.margin.get(t) {
        f.add(66, u64::from(m));
        f.add2(67, u64::from(m), inq);
        let next = cues.margin.get(t + 1).copied().unwrap_or(0);
        f.add2(68, u64::from(m), u64::from(next));
    }
    match near.left[t] {
        Some(k) => {
            let (_, b) = cues.spans[k];
            let dist = bucket(t + 1 - b);
            let cw = cue_words(d, cues.spans[k]);
            f.add(40, dist);
            f.add2(41, cw, dist.min(3));
            f.add2(42, dist, inq);
            f.add2(43, dist, d.shape[t]);
            f.add2(44, cw, w0);
            f.add2(45, dist, w0);
            // Clause structure between the cue and the token.
            let commas = d.commas_in(b..t).min(3) as u64;
            f.add2(46, commas, dist.min(5));
            let after = if b < d.len() { d.word[b] } else { NONE_HASH };
            f.add2(47, after, dist.min(4));
            if !d.dep.is_empty() {
                let r = d.relation(t, cues.spans[k]);
                f.add2(238, r, dist.min(4));
                f.add2(239, r, inq);
                f.add2(242, r, cw);
            }
            if !d.pos.is_empty() {
                let p0 = pos_at(d, t as isize);
                f.add2(210, p0, dist);
                f.add3(212, u64::from(all_np(d, b..t)), p0, dist.min(5));
                f.add2(213, pos_at(d, b as isize), dist.min(4));
            }
        }
        None => f.add(40, 99),
    }
    match near.right[t] {
        Some(k) => {
            let (a, _) = cues.spans[k];
            let dist = bucket(a - t);
            let cw = cue_words(d, cues.spans[k]);
            f.add(50, dist);
            f.add2(51, cw, dist.min(3));
            f.add2(52, dist, inq);
            f.add2(53, dist, d.shape[t]);
            f.add2(54, cw, w0);
            f.add2(55, dist, w0);
            let commas = d.commas_in(t + 1..a).min(3) as u64;
            f.add2(56, commas, dist.min(5));
            let before = if a > 0 { d.word[a - 1] } else { NONE_HASH };
            f.add2(57, before, dist.min(4));
            if !d.dep.is_empty() {
                let r = d.relation(t, cues.spans[k]);
                f.add2(240, r, dist.min(4));
                f.add2(241, r, inq);
                f.add2(243, r, cw);
            }
            if !d.pos.is_empty() {
                let p0 = pos_at(d, t as isize);
                f.add2(211, p0, dist);
                f.add3(214, u64::from(all_np(d, t + 1..a)), p0, dist.min(5));
                f.add2(216, pos_at(d, a as isize), dist.min(4));
            }
        }
        None => f.add(50, 99),
    }
    let s = d.sent[t];
    let has = |si: usize| near.sent_cues.get(si).copied().unwrap_or(0) > 0;
    let prev = s > 0 && has(s - 1);
    let next = has(s + 1);
    f.add3(
        60,
        u64::from(has(s)),
        u64::from(prev) * 2 + u64::from(next),
        inq,
    );
    f.add2(
        61,
        near.left[t].is_some() as u64 * 2 + near.right[t].is_some() as u64,
        inq,
    );
    // The quotation around this token: is a cue right before or after it?
    if let Some((qa, qb)) = d.quote_of[t] {
        let before = qa > 0 && (qa.saturating_sub(4)..qa).any(|k| cues.is_cue[k]);
        let after = (qb..(qb + 5).min(d.len())).any(|k| cues.is_cue[k]);
        let inside = near.cues_before[qb] > near.cues_before[qa];
        f.add(
            62,
            u64::from(before) * 4 + u64::from(after) * 2 + u64::from(inside),
        );
    }
    // A comma or colon between the token and the nearest cue.
    if let Some(k) = near.right[t] {
        let (a, _) = cues.spans[k];
        let punct = d.commas_in(t + 1..a) > 0;
        f.add2(63, u64::from(punct), bucket(a - t).min(4));
    }
}

impl Doc {
    /// Whether token `t` is a full stop.
    pub fn is_full_stop(&self, t: usize) -> bool {
        self.shape[t] == {
            let mut h = Fnv::default();
            h.char('.');
            h.finish()
        }
    }

    /// Whether token `t` is a colon.
    pub fn is_colon(&self, t: usize) -> bool {
        self.shape[t] == {
            let mut h = Fnv::default();
            h.char(':');
            h.finish()
        }
    }

    /// Whether token `t` is a comma.
    pub fn is_comma(&self, t: usize) -> bool {
        self.shape[t] == self.comma_shape()
    }

    fn comma_shape(&self) -> u64 {
        let mut h = Fnv::default();
        h.char(',');
        h.finish()
    }
}

/// Nearest cue spans left and right of each token, within its sentence.
#[derive(Clone, Debug, Default)]
pub struct Near {
    pub left: Vec<Option<usize>>,
    pub right: Vec<Option<usize>>,
    /// Number of cue spans starting in each sentence.
    pub sent_cues: Vec<usize>,
    /// `cues_before[t]`: the number of cue tokens in `0..t` (length `n + 1`).
    pub cues_before: Vec<u32>,
}

impl Near {
    pub fn new(d: &Doc, cues: &CueContext) -> Near {
        let n = d.len();
        let mut left = vec![None; n];
        let mut right = vec![None; n];
        let mut sent_cues = vec![0; d.sents.len()];
        for &(a, _) in &cues.spans {
            sent_cues[d.sent[a]] += 1;
        }
        // Left: the last cue span ending at or before t, same sentence.
        let mut k = 0usize;
        let mut last: Option<usize> = None;
        for (t, slot) in left.iter_mut().enumerate() {
            while k < cues.spans.len() && cues.spans[k].1 <= t {
                last = Some(k);
                k += 1;
            }
            *slot = last.filter(|&j| d.sent[cues.spans[j].0] == d.sent[t]);
        }
        let mut k = cues.spans.len();
        let mut nxt: Option<usize> = None;
        for t in (0..n).rev() {
            while k > 0 && cues.spans[k - 1].0 > t {
                k -= 1;
                nxt = Some(k);
            }
            right[t] = nxt.filter(|&j| d.sent[cues.spans[j].0] == d.sent[t]);
        }
        let mut cues_before = Vec::with_capacity(n + 1);
        let mut count = 0u32;
        cues_before.push(0);
        for t in 0..n {
            count += u32::from(cues.is_cue.get(t).copied().unwrap_or(false));
            cues_before.push(count);
        }
        Near {
            left,
            right,
            sent_cues,
            cues_before,
        }
    }
}
