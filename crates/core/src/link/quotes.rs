//! Quote clusters across articles: the same statement reported by several articles, found even
//! when outlets trim it, change its punctuation or quote marks, or report only part of it.
//!
//! Three steps, all pure text logic (the store keeps the results):
//!
//! 1. **Normalise** ([`QuoteText::new`]): words in lower case; curly and straight quote marks,
//!    apostrophes and dashes unified; punctuation dropped; acronym dots dropped ("U.S." =
//!    "US"), thousands separators dropped ("1,000" = "1000"); contractions in `n't`, `'re`,
//!    `'ve`, `'ll`, `'m` and "cannot" expanded, so "don't" and "do not" are the same words
//!    (outlets transcribe speech both ways; `'s` and `'d` are ambiguous and kept as written).
//!    Elisions ("…", "...", ". . .", and the " … " that joins content pieces) are recorded
//!    as breaks between words.
//! 2. **Candidates** ([`QuoteText::bands`]): MinHash over word *bigrams* (not across a break),
//!    [`BANDS`] bands of [`ROWS`] rows, each band hashed to one `i64` key for an indexed
//!    table. Bigrams, not trigrams: a trim loses one boundary shingle, a changed word two
//!    (three with trigrams), and bigrams keep the Jaccard similarity of a partial quote near
//!    its length ratio. Bigrams made only of function words ("of the", "we will") are left
//!    out of the sketch when the quote has other bigrams, so that quotes sharing only
//!    "it is" rarely meet.
//! 3. **Verify** ([`same_statement`]): bigram containment of the shorter quote in the longer
//!    one at least [`CONTAINMENT`], for all bigrams and for those with a content word;
//!    [`compare`] then picks a cluster's reference wording and flags altered members; [`diff`]
//!    shows what changed.
//!
//! ## The S-curve
//!
//! Two quotes share at least one band key with probability `1 - (1 - J^ROWS)^BANDS`, `J` the
//! Jaccard similarity of their sketched bigram sets. With `BANDS = 32`, `ROWS = 2`:
//!
//! | J | 0.02 | 0.05 | 0.10 | 0.20 | 0.25 | 0.30 | 0.33 | 0.50 | 0.70 |
//! |---|------|------|------|------|------|------|------|------|------|
//! | P | 0.013| 0.077| 0.28 | 0.73 | 0.87 | 0.95 | 0.98 | 1.00 | 1.00 |
//!
//! A quote trimmed to half its length has `J` about 0.5 (P > 0.999); a partial third about
//! 0.3 (P ≈ 0.95); re-punctuated, re-quoted or contracted copies have `J = 1`; one changed
//! word in a 20-word quote leaves `J` ≈ 0.8. Unrelated quotes share no informative bigram
//! (`J = 0`, never a candidate) or a few (`J` ≤ 0.05: P ≤ 0.08, and verification rejects
//! them). Partials shorter than about a fifth of the full quote are found with P < 0.75:
//! the price of a fixed, small number of keys per quote (32 rows in `quote_bands`). Three
//! rows per band (64 bands) would cut the candidates at `J` = 0.05 tenfold but find a
//! partial third with P ≈ 0.9 and a fifth with P ≈ 0.4 at twice the rows; 24 bands of two
//! rows gave P ≈ 0.9 at `J` = 0.3 and missed the middle-third test case.
//!
//! ## Too short to link
//!
//! A quote needs [`MIN_WORDS`] (4) words and [`MIN_CONTENT_WORDS`] (2) words that are not
//! function words: "Make America great again" and "Lock her up now" link, "he said yes", "I
//! don't think so" and "we will win this" do not: such phrases are said by everyone, and
//! identical wording would chain unrelated statements into one cluster.
//!
//! A quote shorter than [`MIN_PARTIAL_WORDS`] (6) words links only to the same words: on
//! PolNeAR, partial matching of 4- and 5-word phrases ("the former secretary of state")
//! chained dozens of different statements into one cluster.
//!
//! ## Stability
//!
//! Band keys are stored in the database: the hash (FNV-1a over the normalised word's UTF-8
//! bytes, splitmix64 mixing, fixed seeds) and the normalisation must not change, or stored
//! keys stop matching new ones. A test pins the keys of one input. (Lower-casing follows the
//! Unicode tables of the Rust standard library; a new Unicode version may change it for
//! characters it newly assigns.)

use serde::{Deserialize, Serialize};
use std::borrow::Borrow;
use std::collections::BTreeMap;

/// Number of LSH bands (band keys per quote).
pub const BANDS: usize = 32;
/// MinHash values per band.
pub const ROWS: usize = 2;
/// Fewest words a quote needs to be linked at all.
pub const MIN_WORDS: usize = 4;
/// Fewest words, other than function words, a quote needs to be linked at all.
pub const MIN_CONTENT_WORDS: usize = 2;
/// Fewest words the shorter of two quotes needs to match the longer as a trim or part of it;
/// shorter quotes match only identical words. Measured on PolNeAR: with partial matching
/// from 4 words, titles such as "Republican front-runner Donald Trump" chained dozens of
/// unrelated statements into one cluster.
pub const MIN_PARTIAL_WORDS: usize = 6;
/// Fraction of the shorter quote's bigrams that must occur in the longer quote for
/// [`same_statement`]. 0.7 accepts one changed word in a quote of 8 words and two in a quote
/// of 15, and rejects "We will build the wall" / "We will not pay for the wall" (0.5).
pub const CONTAINMENT: f64 = 0.7;

/// Largest alignment table (words × words) [`compare`] fills for one pair; beyond it a
/// linear check (pieces of the shorter found in order in the longer) decides.
const MAX_COMPARE_CELLS: usize = 250_000;
/// Largest alignment table [`diff`] fills; beyond it only the common prefix and suffix are
/// reported as the same.
const MAX_DIFF_CELLS: usize = 1_000_000;
/// Most distinct wordings [`compare`] tries as the reference (the most frequent ones).
const MAX_REFERENCE_CANDIDATES: usize = 64;

/// Function words: left out of the LSH sketch when paired with each other, and not counted as
/// content words. Sorted, for binary search.
const STOPWORDS: &[&str] = &[
    "'s", "a", "about", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as",
    "at", "be", "because", "been", "before", "being", "but", "by", "can", "could", "did", "do",
    "does", "doing", "done", "for", "from", "get", "go", "going", "got", "had", "has", "have",
    "he", "he's", "her", "here", "him", "his", "how", "i", "i'd", "if", "in", "into", "is", "it",
    "it's", "its", "just", "me", "more", "most", "much", "my", "no", "not", "now", "of", "oh",
    "ok", "okay", "on", "one", "or", "our", "out", "over", "really", "said", "say", "says", "she",
    "she's", "should", "so", "some", "than", "that", "that's", "the", "their", "them", "then",
    "there", "there's", "these", "they", "this", "those", "to", "too", "up", "us", "very", "was",
    "we", "well", "were", "what", "what's", "when", "where", "which", "who", "why", "will", "with",
    "would", "yeah", "yes", "you", "your",
];

fn is_stopword(w: &str) -> bool {
    STOPWORDS.binary_search(&w).is_ok()
}

/// A quote's content prepared for linking: normalised words (lower case, Unicode quote marks,
/// apostrophes and dashes unified, punctuation dropped, "…"/"..." and piece breaks recorded).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuoteText {
    words: Vec<String>,
    /// FNV-1a hash of each word.
    hashes: Vec<u64>,
    /// Byte range of each word in the text it was made from ("do" and "not" of "don't"
    /// share one range).
    spans: Vec<(usize, usize)>,
    /// Word indices (0 < i < len) before which an elision stands, ascending.
    breaks: Vec<usize>,
    /// Bigram hashes (not across breaks), sorted and deduplicated.
    shingles: Vec<u64>,
    /// The bigrams that go into the MinHash sketch, sorted and deduplicated.
    sketched: Vec<u64>,
    linkable: bool,
}

impl QuoteText {
    /// Normalises `text`: a quote's content pieces joined by `" … "`.
    pub fn new(text: &str) -> QuoteText {
        let (tokens, raw_breaks) = tokenize(text);
        let mut words = Vec::new();
        let mut spans = Vec::new();
        let mut breaks = Vec::new();
        for (k, (word, span)) in tokens.into_iter().enumerate() {
            if raw_breaks.binary_search(&k).is_ok() && !words.is_empty() {
                breaks.push(words.len());
            }
            if word.contains('\'') || word == "cannot" {
                for w in expand_contraction(&word) {
                    words.push(w);
                    spans.push(span);
                }
            } else {
                words.push(word);
                spans.push(span);
            }
        }
        let hashes: Vec<u64> = words.iter().map(|w| fnv1a(w.as_bytes())).collect();
        let mut shingles = Vec::new();
        let mut sketched = Vec::new();
        for i in 1..words.len() {
            if breaks.binary_search(&i).is_ok() {
                continue;
            }
            let h = shingle_hash(hashes[i - 1], hashes[i]);
            shingles.push(h);
            if !(is_stopword(&words[i - 1]) && is_stopword(&words[i])) {
                sketched.push(h);
            }
        }
        shingles.sort_unstable();
        shingles.dedup();
        sketched.sort_unstable();
        sketched.dedup();
        if sketched.is_empty() {
            sketched = shingles.clone();
        }
        let content = words.iter().filter(|w| !is_stopword(w)).count();
        let linkable =
            words.len() >= MIN_WORDS && content >= MIN_CONTENT_WORDS && !shingles.is_empty();
        QuoteText {
            words,
            hashes,
            spans,
            breaks,
            shingles,
            sketched,
            linkable,
        }
    }

    /// The normalised words, in order.
    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// Word indices before which the text marks an elision ("…", "...", a piece break).
    pub fn breaks(&self) -> &[usize] {
        &self.breaks
    }

    /// Whether the quote is long enough to be linked ([`MIN_WORDS`], [`MIN_CONTENT_WORDS`]).
    pub fn is_linkable(&self) -> bool {
        self.linkable
    }

    /// Band keys for LSH ([`BANDS`] of them, band `i` at index `i`), or `None` when the quote
    /// is too short to cluster reliably (fewer than [`MIN_WORDS`] words or fewer than
    /// [`MIN_CONTENT_WORDS`] content words: "he said yes" must not cluster everything).
    /// Deterministic across runs and platforms: the keys are stored in a database.
    pub fn bands(&self) -> Option<Vec<i64>> {
        if !self.linkable {
            return None;
        }
        let mut mins = [u64::MAX; BANDS * ROWS];
        for &s in &self.sketched {
            // h_k(s) = a_k * s + b_k (mod 2^64), a_k odd: s is already well mixed.
            for ((m, &a), &b) in mins.iter_mut().zip(&MULTIPLIERS).zip(&SEEDS) {
                *m = (*m).min(a.wrapping_mul(s).wrapping_add(b));
            }
        }
        let keys = mins
            .chunks(ROWS)
            .enumerate()
            .map(|(band, rows)| {
                let mut h = splitmix64(0x5155_4f54_4542_414e ^ band as u64);
                for &r in rows {
                    h = splitmix64(h ^ r);
                }
                h as i64
            })
            .collect();
        Some(keys)
    }

    fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether words may be missing from this quote at position `i` (before word `i`) without
    /// that being an alteration: its ends and its marked elisions.
    fn gap_ok(&self, i: usize) -> bool {
        i == 0 || i == self.words.len() || self.breaks.binary_search(&i).is_ok()
    }

    fn same_word(&self, i: usize, other: &QuoteText, j: usize) -> bool {
        self.hashes[i] == other.hashes[j] && self.words[i] == other.words[j]
    }
}

/// Whether two quotes report the same statement: word-bigram containment of the shorter in the
/// longer at least [`CONTAINMENT`], both over all bigrams and over those with a content word
/// (so a trimmed or partial quote matches its full version), robust to punctuation and
/// quote-mark changes, and to one or two changed words in a long quote. Quotes too short to link never match; a quote shorter than [`MIN_PARTIAL_WORDS`]
/// matches only the same words (a short phrase such as "Make America great again" or "the
/// former secretary of state" is part of too many different statements).
pub fn same_statement(a: &QuoteText, b: &QuoteText) -> bool {
    if !a.linkable || !b.linkable {
        return false;
    }
    if a.len().min(b.len()) < MIN_PARTIAL_WORDS {
        return a.words == b.words;
    }
    let (short, long) = if a.shingles.len() <= b.shingles.len() {
        (a, b)
    } else {
        (b, a)
    };
    // Both all word pairs and the pairs with a content word must be contained: short quotes
    // built on the same function-word run ("we've got to be able to win" / "... to adapt")
    // share most pairs but not their content.
    let contained = |s: &[u64], l: &[u64]| {
        crate::sorted::intersection_len(s, l) as f64 >= CONTAINMENT * s.len() as f64
    };
    contained(&short.shingles, &long.shingles) && contained(&short.sketched, &long.sketched)
}

/// A cluster's reference wording and each member's altered flag (see [`compare`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Comparison {
    /// Index of the reference member (0 for an empty cluster).
    pub reference: usize,
    /// One flag per member: its wording differs materially from the reference.
    pub altered: Vec<bool>,
}

/// The cluster's reference wording and each member's altered flag.
///
/// A member is NOT altered when its words are the reference's words with only trimming (words
/// dropped at either end) or elisions marked in the text ("…", "...", piece breaks), or when
/// it is the longer version of which the reference is such a trim (or the two overlap that
/// way). It IS altered when words were substituted, inserted or silently dropped in the middle
/// ("I do not think so" -> "I think so"), or when it shares no word with the reference.
///
/// A member that does not overlap the reference at all (another part of a long statement,
/// linked through a longer member) is judged against the unaltered members it overlaps.
///
/// The reference is the member consistent with the most members (counting duplicates), ties
/// broken by the most words, then the lowest index, so that one altered member does not make
/// everyone else altered. Identical wordings are compared once; at most 64 distinct wordings
/// (the most frequent) are tried as the reference. Deterministic.
pub fn compare<Q: std::borrow::Borrow<QuoteText>>(members: &[Q]) -> Comparison {
    let members: Vec<&QuoteText> = members.iter().map(Borrow::borrow).collect();
    if members.is_empty() {
        return Comparison {
            reference: 0,
            altered: Vec::new(),
        };
    }
    // Distinct wordings, in order of first occurrence.
    let mut index: BTreeMap<(&[String], &[usize]), usize> = BTreeMap::new();
    let mut variant_of = Vec::with_capacity(members.len());
    let mut variants: Vec<(usize, usize)> = Vec::new(); // (first member, count)
    for (m, q) in members.iter().enumerate() {
        let v = *index
            .entry((q.words.as_slice(), q.breaks.as_slice()))
            .or_insert_with(|| {
                variants.push((m, 0));
                variants.len() - 1
            });
        variants[v].1 += 1;
        variant_of.push(v);
    }
    let mut candidates: Vec<usize> = (0..variants.len()).collect();
    candidates.sort_by_key(|&v| {
        let (first, count) = variants[v];
        (
            std::cmp::Reverse(count),
            std::cmp::Reverse(members[first].len()),
            first,
        )
    });
    candidates.truncate(MAX_REFERENCE_CANDIDATES);
    // (score, words, lowest index first), candidate, consistency with each wording.
    type Rank = (usize, usize, std::cmp::Reverse<usize>);
    let mut best: Option<(Rank, usize, Vec<bool>)> = None;
    for &c in &candidates {
        let reference = &members[variants[c].0];
        let fits: Vec<bool> = variants
            .iter()
            .enumerate()
            .map(|(v, &(first, _))| v == c || consistent(reference, members[first]))
            .collect();
        let score: usize = variants
            .iter()
            .zip(&fits)
            .filter(|(_, &f)| f)
            .map(|(&(_, count), _)| count)
            .sum();
        let key = (score, reference.len(), std::cmp::Reverse(variants[c].0));
        if best.as_ref().is_none_or(|(k, _, _)| key > *k) {
            best = Some((key, c, fits));
        }
    }
    let (_, c, fits) = best.expect("at least one candidate");
    let altered = variant_flags(&members, &variants, c, &fits);
    Comparison {
        reference: variants[c].0,
        altered: variant_of.iter().map(|&v| altered[v]).collect(),
    }
}

/// Altered flags per distinct wording, given the reference `c` and which wordings are
/// consistent with it. A wording that overlaps the reference ([`same_statement`]) or is
/// consistent with it is judged against it. One that does not (another part of a long
/// statement, linked through a longer member) is judged, round by round, against the members
/// already found unaltered that it overlaps (at most 16): unaltered if consistent with all of
/// them. What stays undecided is altered.
fn variant_flags(
    members: &[&QuoteText],
    variants: &[(usize, usize)],
    c: usize,
    fits: &[bool],
) -> Vec<bool> {
    let q = |v: usize| &members[variants[v].0];
    let mut decided: Vec<Option<bool>> = (0..variants.len())
        .map(|v| {
            if fits[v] {
                Some(false)
            } else if same_statement(q(c), q(v)) {
                Some(true)
            } else {
                None
            }
        })
        .collect();
    loop {
        let mut round = Vec::new();
        for v in (0..variants.len()).filter(|&v| decided[v].is_none()) {
            let judges: Vec<usize> = (0..variants.len())
                .filter(|&u| decided[u] == Some(false) && same_statement(q(u), q(v)))
                .take(16)
                .collect();
            if !judges.is_empty() {
                let ok = judges.iter().all(|&u| consistent(q(u), q(v)));
                round.push((v, !ok));
            }
        }
        if round.is_empty() {
            break;
        }
        for (v, a) in round {
            decided[v] = Some(a);
        }
    }
    decided.into_iter().map(|d| d.unwrap_or(true)).collect()
}

// Alignment. Member `x` against `y`, word by word: a match costs nothing; a word of one side
// missing from the other is *free* where the other side may have lost words (its ends and
// marked elisions) and *unexplained* elsewhere. Between two consecutive matches (a gap, also
// before the first and after the last match), if both sides have unmatched words, those words
// were substituted: every skip after the first side's is unexplained. An alignment must match
// at least one word. States per cell: matched-anything (bit 2) and the gap flags (bit 0: x
// skipped a word in this gap, bit 1: y did).

const INF: u64 = u64::MAX / 4;
const STATES: usize = 8;
/// Weights for consistency: unexplained words in the high half, free skips in the low half.
const STRICT: (u64, u64) = (1 << 32, 1);
/// Weights for display: one unexplained word costs two free skips, so "I do not think" vs "I
/// think" shows "do not" removed rather than "I do not" trimmed plus "I" added.
const DISPLAY: (u64, u64) = (2, 1);

const MOVE_DIAG: u8 = 1 << 3;
const MOVE_UP: u8 = 2 << 3;
const MOVE_LEFT: u8 = 3 << 3;

type Cell = [u64; STATES];

/// Costs of cell (i, j) from its neighbours, with back pointers (move | previous state).
#[allow(clippy::too_many_arguments)]
fn relax(
    x: &QuoteText,
    y: &QuoteText,
    i: usize,
    j: usize,
    diag: Option<&Cell>,
    up: Option<&Cell>,
    left: Option<&Cell>,
    (unexplained, free): (u64, u64),
) -> (Cell, [u8; STATES]) {
    let mut cost = [INF; STATES];
    let mut back = [0u8; STATES];
    let mut offer = |state: usize, c: u64, how: u8| {
        if c < cost[state] {
            cost[state] = c.min(INF);
            back[state] = how;
        }
    };
    if let Some(d) = diag {
        if x.same_word(i - 1, y, j - 1) {
            for (from, &c) in d.iter().enumerate() {
                offer(4, c, MOVE_DIAG | from as u8);
            }
        }
    }
    if let Some(u) = up {
        // x[i - 1] has no counterpart in y, at y position j.
        for (from, &c) in u.iter().enumerate() {
            let to = from | 1;
            let step = if to & 3 == 1 && y.gap_ok(j) {
                free
            } else {
                unexplained
            };
            offer(to, c.saturating_add(step), MOVE_UP | from as u8);
        }
    }
    if let Some(l) = left {
        // y[j - 1] has no counterpart in x, at x position i.
        for (from, &c) in l.iter().enumerate() {
            let to = from | 2;
            let step = if to & 3 == 2 && x.gap_ok(i) {
                free
            } else {
                unexplained
            };
            offer(to, c.saturating_add(step), MOVE_LEFT | from as u8);
        }
    }
    (cost, back)
}

fn origin() -> Cell {
    let mut c = [INF; STATES];
    c[0] = 0;
    c
}

/// Best cost with at least one match, over the end states, and its state; None when nothing
/// matches.
fn best_end(cell: &Cell) -> Option<(u64, usize)> {
    (4..STATES)
        .map(|s| (cell[s], s))
        .filter(|&(c, _)| c < INF)
        .min()
}

/// Rolling-row alignment: the cost of the best alignment with at least one match.
fn align_cost(x: &QuoteText, y: &QuoteText, weights: (u64, u64)) -> Option<u64> {
    let m = y.len();
    let mut prev: Vec<Cell> = Vec::with_capacity(m + 1);
    prev.push(origin());
    for j in 1..=m {
        let c = relax(x, y, 0, j, None, None, Some(&prev[j - 1]), weights).0;
        prev.push(c);
    }
    let mut cur: Vec<Cell> = vec![[INF; STATES]; m + 1];
    for i in 1..=x.len() {
        cur[0] = relax(x, y, i, 0, None, Some(&prev[0]), None, weights).0;
        for j in 1..=m {
            let (d, u) = (&prev[j - 1], &prev[j]);
            cur[j] = relax(x, y, i, j, Some(d), Some(u), Some(&cur[j - 1]), weights).0;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    best_end(&prev[m]).map(|(c, _)| c)
}

/// Whether `a` and `b` are the same words up to trims and marked elisions on either side, with
/// at least one word in common (the test behind [`compare`]'s altered flags).
pub fn consistent(a: &QuoteText, b: &QuoteText) -> bool {
    if a.words == b.words {
        return !a.words.is_empty();
    }
    if a.len().saturating_mul(b.len()) > MAX_COMPARE_CELLS {
        return pieces_within(a, b) || pieces_within(b, a);
    }
    align_cost(a, b, STRICT).is_some_and(|c| c >> 32 == 0)
}

/// Whether every piece of `a` (words between its breaks) occurs contiguously in `b`, in order
/// and without overlap, and `a` has words. A cheap stand-in for the alignment on huge quotes.
fn pieces_within(a: &QuoteText, b: &QuoteText) -> bool {
    if a.words.is_empty() {
        return false;
    }
    let mut bounds = vec![0];
    bounds.extend(a.breaks.iter().copied());
    bounds.push(a.len());
    let mut from = 0;
    for w in bounds.windows(2) {
        let piece = &a.hashes[w[0]..w[1]];
        if piece.is_empty() {
            continue;
        }
        match b.hashes[from.min(b.len())..]
            .windows(piece.len())
            .position(|win| win == piece)
        {
            Some(p) => from += p + piece.len(),
            None => return false,
        }
    }
    true
}

/// What a [`DiffOp`] piece is, relative to the reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DiffOp {
    /// Words both have (text from the member).
    Same,
    /// Member words the reference lacks, where that is a change (text from the member).
    Added,
    /// Reference words the member dropped silently, in the middle (text from the reference).
    Removed,
    /// Reference words the member lacks at its ends or at a marked elision: a trim, not a
    /// change (text from the reference).
    Trimmed,
    /// Member words beyond the reference's ends or elisions: the member is the longer
    /// version, not a change (text from the member).
    Extra,
}

/// One piece of a [`diff`]: consecutive words with the same [`DiffOp`], as written in the
/// original text (punctuation between those words included).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffPiece {
    pub op: DiffOp,
    pub text: String,
}

/// Word-level differences of `member` against `reference` for display: pieces in order. Text
/// pieces are the original member/reference words (not the normalised ones), so a UI can
/// highlight what changed. Same, Added and Extra come from the member; Removed and Trimmed
/// from the reference.
pub fn diff(reference: &str, member: &str) -> Vec<DiffPiece> {
    let r = QuoteText::new(reference);
    let m = QuoteText::new(member);
    // Each step: (op, word index in its side).
    let steps = diff_steps(&m, &r);
    let mut pieces: Vec<(DiffOp, usize, usize)> = Vec::new(); // op, start byte, end byte
    for (op, w) in steps {
        let (start, end) = match op {
            DiffOp::Same | DiffOp::Added | DiffOp::Extra => m.spans[w],
            DiffOp::Removed | DiffOp::Trimmed => r.spans[w],
        };
        match pieces.last_mut() {
            Some(last) if last.0 == op && start >= last.1 => last.2 = last.2.max(end),
            _ => pieces.push((op, start, end)),
        }
    }
    pieces
        .into_iter()
        .map(|(op, s, e)| {
            let source = match op {
                DiffOp::Same | DiffOp::Added | DiffOp::Extra => member,
                DiffOp::Removed | DiffOp::Trimmed => reference,
            };
            DiffPiece {
                op,
                text: source[s..e].to_string(),
            }
        })
        .collect()
}

/// The alignment steps of member `x` against reference `y`, in order.
fn diff_steps(x: &QuoteText, y: &QuoteText) -> Vec<(DiffOp, usize)> {
    let (n, m) = (x.len(), y.len());
    let cells = (n + 1).saturating_mul(m + 1);
    let mut steps: Vec<(DiffOp, usize)> = Vec::new();
    if cells > MAX_DIFF_CELLS {
        // Too big to align: the common prefix and suffix are the same, the middle changed.
        let mut pre = 0;
        while pre < n && pre < m && x.same_word(pre, y, pre) {
            pre += 1;
        }
        let mut suf = 0;
        while suf < n - pre && suf < m - pre && x.same_word(n - 1 - suf, y, m - 1 - suf) {
            suf += 1;
        }
        steps.extend((0..pre).map(|i| (DiffOp::Same, i)));
        steps.extend((pre..m - suf).map(|j| (DiffOp::Removed, j)));
        steps.extend((pre..n - suf).map(|i| (DiffOp::Added, i)));
        steps.extend((n - suf..n).map(|i| (DiffOp::Same, i)));
        return steps;
    }
    let w = m + 1;
    let mut cost: Vec<Cell> = vec![[INF; STATES]; cells];
    let mut back: Vec<[u8; STATES]> = vec![[0; STATES]; cells];
    cost[0] = origin();
    for i in 0..=n {
        for j in 0..=m {
            if i == 0 && j == 0 {
                continue;
            }
            let diag = (i > 0 && j > 0).then(|| &cost[(i - 1) * w + j - 1]);
            let up = (i > 0).then(|| &cost[(i - 1) * w + j]);
            let left = (j > 0).then(|| &cost[i * w + j - 1]);
            let (c, b) = relax(x, y, i, j, diag, up, left, DISPLAY);
            cost[i * w + j] = c;
            back[i * w + j] = b;
        }
    }
    let Some((_, mut state)) = best_end(&cost[n * w + m]) else {
        // Nothing in common: all of the reference removed, all of the member added.
        steps.extend((0..m).map(|j| (DiffOp::Removed, j)));
        steps.extend((0..n).map(|i| (DiffOp::Added, i)));
        return steps;
    };
    let (mut i, mut j) = (n, m);
    while i > 0 || j > 0 {
        let b = back[i * w + j][state];
        let from = (b & 7) as usize;
        match b & !7 {
            MOVE_DIAG => {
                steps.push((DiffOp::Same, i - 1));
                i -= 1;
                j -= 1;
            }
            MOVE_UP => {
                let free = state & 3 == 1 && y.gap_ok(j);
                steps.push((if free { DiffOp::Extra } else { DiffOp::Added }, i - 1));
                i -= 1;
            }
            MOVE_LEFT => {
                let free = state & 3 == 2 && x.gap_ok(i);
                let op = if free {
                    DiffOp::Trimmed
                } else {
                    DiffOp::Removed
                };
                steps.push((op, j - 1));
                j -= 1;
            }
            _ => break,
        }
        state = from;
    }
    steps.reverse();
    steps
}

// ---------------------------------------------------------------------------------------------
// Normalisation.

fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2019}' | '\u{2018}' | '\u{02bc}' | '\u{2032}' | '`' | '\u{00b4}'
    )
}

/// Words (lower case, apostrophes unified, with their byte ranges) and the token indices
/// before which an elision stands.
#[allow(clippy::type_complexity)]
fn tokenize(text: &str) -> (Vec<(String, (usize, usize))>, Vec<usize>) {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let end_of = |k: usize| chars.get(k).map_or(text.len(), |&(b, _)| b);
    let mut tokens = Vec::new();
    let mut breaks = Vec::new();
    let mut k = 0;
    while k < chars.len() {
        let c = chars[k].1;
        if c.is_alphanumeric() {
            let start = chars[k].0;
            let mut word = String::new();
            let mut j = k;
            while j < chars.len() {
                let c = chars[j].1;
                let prev = if j > k { Some(chars[j - 1].1) } else { None };
                let next = chars.get(j + 1).map(|&(_, c)| c);
                if c.is_ascii_alphanumeric() {
                    word.push(c.to_ascii_lowercase());
                } else if c.is_alphanumeric() {
                    word.extend(c.to_lowercase());
                } else if is_apostrophe(c)
                    && prev.is_some_and(|p| p.is_alphanumeric())
                    && next.is_some_and(|n| n.is_alphabetic())
                {
                    word.push('\'');
                } else if c == '.'
                    && prev.is_some_and(|p| p.is_alphanumeric())
                    && next.is_some_and(|n| n.is_alphanumeric())
                {
                    // "3.5" keeps its point; "U.S" loses it.
                    if prev.is_some_and(|p| p.is_ascii_digit())
                        && next.is_some_and(|n| n.is_ascii_digit())
                    {
                        word.push('.');
                    }
                } else if c == ','
                    && prev.is_some_and(|p| p.is_ascii_digit())
                    && next.is_some_and(|n| n.is_ascii_digit())
                {
                    // "1,000" = "1000".
                } else {
                    break;
                }
                j += 1;
            }
            tokens.push((word, (start, end_of(j))));
            k = j;
        } else if c == '\u{2026}' {
            breaks.push(tokens.len());
            k += 1;
        } else if c == '.' {
            // A run of dots, possibly spaced (". . ."): two or more is an ellipsis.
            let mut dots = 0;
            let mut j = k;
            while j < chars.len() {
                match chars[j].1 {
                    '.' => {
                        dots += 1;
                        j += 1;
                    }
                    ' ' if chars.get(j + 1).is_some_and(|&(_, c)| c == '.') => j += 1,
                    _ => break,
                }
            }
            if dots >= 2 {
                breaks.push(tokens.len());
            }
            k = j;
        } else {
            k += 1;
        }
    }
    breaks.dedup();
    (tokens, breaks)
}

/// "don't" -> "do not", "can't" -> "can not", "we're" -> "we are", "cannot" -> "can not".
fn expand_contraction(word: &str) -> Vec<String> {
    if word == "cannot" {
        return vec!["can".into(), "not".into()];
    }
    if let Some(base) = word.strip_suffix("n't") {
        let base = match base {
            "" | "ai" => return vec![word.to_string()],
            "ca" => "can",
            "wo" => "will",
            "sha" => "shall",
            b => b,
        };
        return vec![base.to_string(), "not".into()];
    }
    for (suffix, full) in [
        ("'re", "are"),
        ("'ve", "have"),
        ("'ll", "will"),
        ("'m", "am"),
    ] {
        if let Some(base) = word.strip_suffix(suffix) {
            if !base.is_empty() {
                return vec![base.to_string(), full.into()];
            }
        }
    }
    vec![word.to_string()]
}

// ---------------------------------------------------------------------------------------------
// Hashing. Changing any of this changes the stored band keys.

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

const fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn shingle_hash(a: u64, b: u64) -> u64 {
    splitmix64(a.rotate_left(23) ^ splitmix64(b))
}

/// One odd multiplier per MinHash function.
const MULTIPLIERS: [u64; BANDS * ROWS] = {
    let mut m = [0u64; BANDS * ROWS];
    let mut k = 0;
    while k < BANDS * ROWS {
        m[k] = splitmix64(0x6d75_6c74_6970_6c79_u64.wrapping_add(k as u64)) | 1;
        k += 1;
    }
    m
};

/// One additive seed per MinHash function: the splitmix64 sequence from a fixed start.
const SEEDS: [u64; BANDS * ROWS] = {
    let mut seeds = [0u64; BANDS * ROWS];
    let mut k = 0;
    while k < BANDS * ROWS {
        seeds[k] = splitmix64(0x7665_7262_6174_696d_u64.wrapping_add(k as u64));
        k += 1;
    }
    seeds
};

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn q(s: &str) -> QuoteText {
        QuoteText::new(s)
    }

    // ---- normalisation ----

    fn check_words(input: &str, words: &str, breaks: &[usize]) {
        let t = q(input);
        assert_eq!(t.words().join(" "), words, "words of {input:?}");
        assert_eq!(t.breaks(), breaks, "breaks of {input:?}");
        for &(s, e) in &t.spans {
            assert!(input.is_char_boundary(s) && input.is_char_boundary(e) && s <= e);
        }
    }

    #[test]
    fn normalisation() {
        check_words("", "", &[]);
        check_words("\"We will win,\" he said.", "we will win he said", &[]);
        check_words("\u{201c}We will win\u{201d}", "we will win", &[]);
        check_words("\u{00ab}Nous gagnerons\u{00bb}", "nous gagnerons", &[]);
        check_words("I don't know", "i do not know", &[]);
        check_words("I don\u{2019}t know", "i do not know", &[]);
        check_words("I can't, I won't", "i can not i will not", &[]);
        check_words("We cannot", "we can not", &[]);
        check_words(
            "We're here, I'm sure, they've left, we'll see",
            "we are here i am sure they have left we will see",
            &[],
        );
        check_words("Trump's wall, he'd go", "trump's wall he'd go", &[]);
        check_words("'quoted' words", "quoted words", &[]);
        check_words("the U.S. economy", "the us economy", &[]);
        check_words("the US economy", "the us economy", &[]);
        check_words("$1,000 or 3.5 percent", "1000 or 3.5 percent", &[]);
        check_words("well-known \u{2014} really", "well known really", &[]);
        check_words("well\u{2013}known", "well known", &[]);
        check_words("one two \u{2026} three", "one two three", &[2]);
        check_words("one two ... three", "one two three", &[2]);
        check_words("one two. . . three", "one two three", &[2]);
        check_words("one two.. three", "one two three", &[2]);
        check_words("one two. Three", "one two three", &[]);
        check_words("\u{2026} one two \u{2026}", "one two", &[]);
        check_words("a \u{2026} \u{2026} b", "a b", &[1]);
        check_words(
            "\u{00c9}COLE \u{00e9}t\u{00e9}",
            "\u{00e9}cole \u{00e9}t\u{00e9}",
            &[],
        );
        check_words("don't \u{2026} stop", "do not stop", &[2]);
    }

    #[test]
    fn stopwords_are_sorted() {
        assert!(STOPWORDS.windows(2).all(|w| w[0] < w[1]));
        for w in ["the", "it's", "we", "'s"] {
            assert!(is_stopword(w), "{w}");
        }
        for w in ["wall", "america", "think"] {
            assert!(!is_stopword(w), "{w}");
        }
    }

    #[test]
    fn contraction_spans_cover_the_token() {
        let t = q("I don't");
        assert_eq!(t.spans, vec![(0, 1), (2, 7), (2, 7)]);
    }

    // ---- same_statement and bands ----

    const FULL: &str =
        "\"We are going to build a great border wall and Mexico is going to pay for \
        that wall, believe me, because the taxpayers of this country have paid enough,\" he said.";

    /// Both directions of `same_statement`, and the band property the store relies on.
    fn check_same(a: &str, b: &str, expected: bool) {
        let (x, y) = (q(a), q(b));
        assert_eq!(same_statement(&x, &y), expected, "{a:?} vs {b:?}");
        assert_eq!(same_statement(&y, &x), expected, "{b:?} vs {a:?}");
        if expected {
            let (bx, by) = (x.bands().unwrap(), y.bands().unwrap());
            assert!(
                bx.iter().zip(&by).any(|(p, q)| p == q),
                "no shared band key: {a:?} vs {b:?}"
            );
        }
    }

    #[test]
    fn same_statement_variants() {
        let cases: &[&str] = &[
            // straight vs curly quotes
            "\u{201c}We are going to build a great border wall and Mexico is going to pay for \
             that wall, believe me, because the taxpayers of this country have paid enough,\u{201d}",
            // different punctuation
            "We are going to build a great border wall -- and Mexico is going to pay for that \
             wall. Believe me! Because the taxpayers of this country have paid enough.",
            // contractions
            "We're going to build a great border wall and Mexico's going to pay for that wall, \
             believe me, because the taxpayers of this country have paid enough",
            // trimmed at the start
            "a great border wall and Mexico is going to pay for that wall, believe me, because \
             the taxpayers of this country have paid enough",
            // trimmed at the end
            "We are going to build a great border wall and Mexico is going to pay for that wall",
            // half
            "Mexico is going to pay for that wall, believe me, because the taxpayers",
            // partial: a middle third
            "and Mexico is going to pay for that wall, believe",
            // elision
            "We are going to build a great border wall ... because the taxpayers of this \
             country have paid enough",
            "We are going to build a great border wall \u{2026} because the taxpayers",
            // one word changed
            "We are going to build a big border wall and Mexico is going to pay for that wall, \
             believe me, because the taxpayers of this country have paid enough",
            // two words changed
            "We are going to build a big border wall and Mexico will pay for that wall, \
             believe me, because the taxpayers of this country have paid enough",
        ];
        for c in cases {
            check_same(FULL, c, true);
        }
    }

    #[test]
    fn different_statements() {
        check_same(
            "We will build the wall",
            "We will not pay for the wall",
            false,
        );
        check_same(
            FULL,
            "Mexico will never pay for that wall, the president said today",
            false,
        );
        check_same(
            "The economy is growing faster than anyone predicted last year",
            "The economy is shrinking and nobody predicted it last year",
            false,
        );
        check_same(
            "I am proud of the campaign we ran and the people who worked on it",
            "We ran a clean campaign and I thank the people of Ohio",
            false,
        );
        // The same run of function words with a different point (PolNeAR has both pairs).
        check_same(
            "They have got to be able to win.",
            "You\u{2019}ve got to be able to adapt,",
            false,
        );
        check_same(
            "I don\u{2019}t want to have fisticuffs,",
            "I'll tell you what, I don't know one Jewish person that doesn't want to have a \
             deal, a good deal, a proper deal",
            false,
        );
        // Short quotes: only the same words.
        check_same(
            "Make America great again!",
            "\u{201c}make America great again\u{201d}",
            true,
        );
        check_same(
            "Make America great again",
            "We will make America great again, believe me",
            false,
        );
        check_same(
            "the former secretary of state",
            "the former secretary of state Hillary Clinton",
            false,
        );
        check_same(
            "I will make America great again",
            "We will win, and I will make America great again, believe me",
            true,
        );
        // Too short: never the same statement, even when identical.
        check_same("he said yes", "he said yes", false);
        check_same("I don't think so", "I don't think so", false);
    }

    fn check_linkable(text: &str, expected: bool) {
        let t = q(text);
        assert_eq!(t.bands().is_some(), expected, "{text:?}");
        assert_eq!(t.is_linkable(), expected, "{text:?}");
        if let Some(b) = t.bands() {
            assert_eq!(b.len(), BANDS);
        }
    }

    #[test]
    fn short_quotes_have_no_bands() {
        check_linkable("", false);
        check_linkable("no", false);
        check_linkable("he said yes", false);
        check_linkable("I don't think so", false);
        check_linkable("We will win this", false);
        check_linkable("Lock her up", false);
        check_linkable("win \u{2026} lose \u{2026} draw \u{2026} again", false);
        check_linkable("Make America great again", true);
        check_linkable("Lock her up now, crooked Hillary", true);
        check_linkable("We will build the wall", true);
    }

    #[test]
    fn unrelated_quotes_rarely_share_bands() {
        let quotes = [
            FULL,
            "The economy is growing faster than anyone predicted last year",
            "I am proud of the campaign we ran and the people who worked on it",
            "Nobody knows more about trade than me, nobody",
            "Our troops deserve better than this administration has given them",
            "The emails were never classified at the time they were sent",
            "We need to bring the jobs back from China and Mexico",
        ];
        let bands: Vec<Vec<i64>> = quotes.iter().map(|s| q(s).bands().unwrap()).collect();
        for i in 0..bands.len() {
            for j in i + 1..bands.len() {
                let shared = bands[i]
                    .iter()
                    .zip(&bands[j])
                    .filter(|(a, b)| a == b)
                    .count();
                assert_eq!(shared, 0, "{:?} vs {:?}", quotes[i], quotes[j]);
            }
        }
    }

    #[test]
    fn bands_are_deterministic_and_pinned() {
        // These keys are stored in the database (quote_bands): if this test fails, the hash or
        // the normalisation changed and every stored key must be recomputed.
        let t = q("Make America great again");
        assert_eq!(t.bands(), t.bands());
        assert_eq!(
            t.bands(),
            q("\u{201c}make   AMERICA great, again!\u{201d}").bands()
        );
        let b = t.bands().unwrap();
        assert_eq!(&b[..3], &PINNED[..]);
        assert_eq!(fnv1a(b"wall"), 0x5e76_c2f6_2c1e_1615);
        assert_eq!(splitmix64(0), 0xe220_a839_7b1d_cdaf);
    }

    const PINNED: [i64; 3] = [
        -3210034165434234071,
        3542954643951158710,
        -6400004455194319152,
    ];

    #[test]
    fn bands_are_fast() {
        let text = "We are going to build a great border wall and Mexico is going to pay for \
            that wall, believe me, because the taxpayers of this country have paid enough and \
            we are not going to take it anymore, not from them and not from anybody";
        let t = q(text);
        assert!(t.words().len() >= 40);
        let n = 2000;
        let start = std::time::Instant::now();
        let mut acc = 0i64;
        for _ in 0..n {
            acc ^= std::hint::black_box(&t).bands().unwrap()[0];
        }
        let per = start.elapsed() / n;
        let start = std::time::Instant::now();
        for _ in 0..n {
            acc ^= QuoteText::new(std::hint::black_box(text)).words().len() as i64;
        }
        let per_with_new = start.elapsed() / n;
        println!(
            "bands() on {} words: {per:?}; new(): {per_with_new:?} ({acc})",
            t.words().len()
        );
        assert!(per < std::time::Duration::from_millis(1));
    }

    // ---- compare ----

    fn check_compare(members: &[&str], reference: usize, altered: &[bool]) {
        let qs: Vec<QuoteText> = members.iter().map(|s| q(s)).collect();
        let c = compare(&qs);
        assert_eq!(c.altered, altered, "altered flags of {members:?}");
        assert_eq!(c.reference, reference, "reference of {members:?}");
    }

    #[test]
    fn compare_flags_only_the_altered() {
        check_compare(&[], 0, &[]);
        check_compare(&["We will build the wall"], 0, &[false]);
        check_compare(
            &["We will build the wall", "We will build the wall"],
            0,
            &[false, false],
        );
        check_compare(
            &[
                "I do not think we should build the wall at all",
                "we should build the wall at all",
                "\u{201c}I don\u{2019}t think we should build the wall, at all!\u{201d}",
                "I do not think we should build the fence at all",
            ],
            0,
            &[false, false, false, true],
        );
        // The altered member first: the reference is still the consistent majority.
        check_compare(
            &[
                "I think we should build the wall at all",
                "I do not think we should build the wall at all",
                "I do not think we should build",
                "do not think we should build the wall",
            ],
            1,
            &[true, false, false, false],
        );
        // A silently dropped word is altered; a marked elision is not.
        check_compare(
            &[
                "I do not think so, said the senator from Ohio",
                "I think so, said the senator from Ohio",
                "I do not think \u{2026} the senator from Ohio",
                "I do not think so",
            ],
            0,
            &[false, true, false, false],
        );
        // An inserted word is altered; the longer version of a trim is not.
        check_compare(
            &[
                "build the wall and make Mexico pay",
                "build the big wall and make Mexico pay",
                "We will build the wall and make Mexico pay for it",
            ],
            2,
            &[false, true, false],
        );
        // Two overlapping trims are consistent with each other.
        check_compare(&["a b c d e f", "d e f g h i"], 0, &[false, false]);
        // No word in common.
        check_compare(&["a b c d", "e f g h"], 0, &[false, true]);
        // Another part of a long statement, judged against the long member that holds it
        // (the long member repeats words, so the shorter majority wording is the reference).
        check_compare(
            &[
                "By the way, if she gets to pick her judges, nothing you can do, folks",
                "by the way if she gets to pick her judges nothing you can do folks",
                "If she gets to pick her judges, nothing you can do folks",
                "By the way, if she gets to pick, if she gets to pick her judges, nothing you can \
                 do, folks. Though the Second Amendment people, maybe there is, I don't know",
                "Though the Second Amendment people, maybe there is, I don't know",
                "Though the Second Amendment people, maybe there is not, I don't know",
            ],
            2,
            &[false, false, false, false, false, true],
        );
        // Ties: the longest, then the lowest index.
        check_compare(&["x y z w", "x y q w"], 0, &[false, true]);
        check_compare(&["x y z w", "x y z w v u"], 1, &[false, false]);
    }

    #[test]
    fn compare_handles_big_clusters() {
        let base = "the quick brown fox jumps over the lazy dog near the river bank today";
        let words: Vec<&str> = base.split(' ').collect();
        let members: Vec<QuoteText> = (0..300)
            .map(|i| {
                let s = i % words.len();
                let e = (s + 6 + i % 5).min(words.len());
                if i == 3 {
                    q(base)
                } else if i % 50 == 7 {
                    q(&base.replace("lazy", "sleepy"))
                } else {
                    q(&words[s..e].join(" "))
                }
            })
            .collect();
        let c = compare(&members);
        assert_eq!(c.reference, 3);
        for (i, &a) in c.altered.iter().enumerate() {
            assert_eq!(a, i % 50 == 7, "member {i}");
        }
    }

    #[test]
    fn huge_quotes_fall_back() {
        let long: String = (0..2000).map(|i| format!("w{} ", i % 997)).collect();
        let a = q(&long);
        let b = q(&long[..long.len() / 2]);
        assert!(consistent(&a, &b));
        let c = compare(&[a.clone(), b.clone()]);
        assert_eq!(c.altered, vec![false, false]);
        let d = diff(&long, &long[..long.len() / 2]);
        assert!(!d.is_empty());
    }

    // ---- diff ----

    fn check_diff(reference: &str, member: &str, expected: &[(DiffOp, &str)]) {
        let got: Vec<(DiffOp, String)> = diff(reference, member)
            .into_iter()
            .map(|p| (p.op, p.text))
            .collect();
        let expected: Vec<(DiffOp, String)> = expected
            .iter()
            .map(|&(op, t)| (op, t.to_string()))
            .collect();
        assert_eq!(got, expected, "diff({reference:?}, {member:?})");
    }

    #[test]
    fn diffs() {
        use DiffOp::*;
        check_diff("", "", &[]);
        check_diff("We will win", "We will win", &[(Same, "We will win")]);
        check_diff(
            "I do not think so",
            "I do think so",
            &[(Same, "I do"), (Removed, "not"), (Same, "think so")],
        );
        check_diff(
            "We will build a great wall",
            "We will build a big wall",
            &[
                (Same, "We will build a"),
                (Removed, "great"),
                (Added, "big"),
                (Same, "wall"),
            ],
        );
        check_diff(
            "We will build a great wall",
            "\u{201c}build a great wall,\u{201d}",
            &[(Trimmed, "We will"), (Same, "build a great wall")],
        );
        check_diff(
            "We will build a great wall, and Mexico will pay",
            "We will build \u{2026} Mexico will pay",
            &[
                (Same, "We will build"),
                (Trimmed, "a great wall, and"),
                (Same, "Mexico will pay"),
            ],
        );
        check_diff(
            "build a great wall",
            "We will build a great wall today",
            &[
                (Extra, "We will"),
                (Same, "build a great wall"),
                (Extra, "today"),
            ],
        );
        check_diff(
            "We will build a great wall",
            "We will build a really great wall",
            &[
                (Same, "We will build a"),
                (Added, "really"),
                (Same, "great wall"),
            ],
        );
        check_diff("a b", "c d", &[(Removed, "a b"), (Added, "c d")]);
        check_diff(
            "I do not know",
            "I don\u{2019}t know",
            &[(Same, "I don\u{2019}t know")],
        );
    }

    // ---- robustness ----

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn never_panics(a in "\\PC{0,80}", b in "[a-z .\u{2026}'\u{2019}-]{0,60}", c in any::<String>()) {
            for s in [&a, &b, &c] {
                let t = QuoteText::new(s);
                for &(x, y) in &t.spans {
                    prop_assert!(s.is_char_boundary(x) && s.is_char_boundary(y));
                }
                if let Some(bands) = t.bands() {
                    prop_assert_eq!(bands.len(), BANDS);
                }
            }
            let qs = vec![QuoteText::new(&a), QuoteText::new(&b), QuoteText::new(&c), QuoteText::new(&b)];
            let cmp = compare(&qs);
            prop_assert_eq!(cmp.altered.len(), 4);
            prop_assert!(cmp.reference < 4);
            let _ = same_statement(&qs[0], &qs[1]);
            for (r, m) in [(&a, &b), (&b, &c), (&c, &a), (&b, &b)] {
                let d = diff(r, m);
                if r == m && !QuoteText::new(r).words().is_empty() {
                    prop_assert!(d.iter().all(|p| p.op == DiffOp::Same));
                }
            }
        }
    }
}
