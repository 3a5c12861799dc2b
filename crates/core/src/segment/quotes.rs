//! Quotations: which quote-mark tokens delimit quoted speech, and the token ranges between
//! them. Computed once per text by [`super::Segmenter::segment`]; the attribution taggers,
//! the rule attributor and the kind of every attribution read it from the segmentation.
//!
//! Conventions handled (each has a test in `segment/tests.rs`):
//! - double marks, straight `"` and curly `“ ”`, low-9 `„“`, guillemets `« »` (either
//!   direction), and the typewriter pairs ` `` `…`''` and `''`…`''` of NYT text;
//! - single marks `‘ ’` (or straight `'`) as the outer marks of a text that has no double
//!   marks at all (British style); in a text with double marks they are nested quotes;
//! - a quotation running over several paragraphs: a paragraph ending inside an open
//!   quotation whose next paragraph opens with a quote mark continues it (the newswire
//!   convention: each paragraph reopens, only the last one closes);
//! - unbalanced marks: a quotation still open at the end of its paragraph (and not
//!   continued) ends there; a closing mark with no quotation open is a mark of no quotation.
//!
//! Directions come from the tokenizer (`OpenQuote` / `CloseQuote`), which decides them from
//! the characters around each mark.

use super::{Segmentation, Token, TokenKind};
use crate::span::Span;
use std::ops::Range;

/// Which family of marks a quote-mark token belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkStyle {
    Double,
    Single,
}

/// One quote mark of the text's outer style.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuoteMark {
    /// Token index.
    pub token: usize,
    pub open: bool,
}

/// One quotation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quotation {
    /// From the opening mark to the closing one, both included; a quotation left open ends
    /// with the last token of its (last) paragraph.
    pub tokens: Range<usize>,
    /// Byte span of the same tokens.
    pub span: Span,
    /// Whether a closing mark ends it.
    pub closed: bool,
    /// The opening marks of the paragraphs it continues into (empty for a one-paragraph
    /// quotation).
    pub continued: Vec<usize>,
}

/// The style of a quote-mark token from its characters, or `None` for other tokens.
pub fn mark_style(text: &str, tok: &Token) -> Option<MarkStyle> {
    let s = tok.span.slice(text);
    let quote_kind = tok.kind.is_quote();
    match s {
        "\"" | "\u{201c}" | "\u{201d}" | "\u{201e}" | "\u{00ab}" | "\u{00bb}" | "''" | "``"
            if quote_kind =>
        {
            Some(MarkStyle::Double)
        }
        // Marks the tokenizer leaves as symbols: double prime and reversed double comma.
        "\u{2033}" | "\u{201f}" => Some(MarkStyle::Double),
        "'" | "\u{2018}" | "\u{2019}" | "\u{201a}" | "\u{2039}" | "\u{203a}" | "`"
            if quote_kind =>
        {
            Some(MarkStyle::Single)
        }
        _ => None,
    }
}

/// Whether mark token `t` is open, from the tokenizer's kind (marks it left as symbols:
/// `‟` opens, `″` alternates with the quotation state).
fn opens(text: &str, tok: &Token, open_now: bool) -> bool {
    match tok.kind {
        TokenKind::OpenQuote => true,
        TokenKind::CloseQuote => false,
        _ => tok.span.slice(text) == "\u{201f}" || !open_now,
    }
}

/// A single closing mark that is a plural possessive (`the players’ union`): right after a
/// word ending in `s`, before a space and a lowercase word.
fn possessive(text: &str, seg: &Segmentation, t: usize) -> bool {
    let tok = &seg.tokens[t];
    let (Some(prev), Some(next)) = (
        t.checked_sub(1).map(|p| &seg.tokens[p]),
        seg.tokens.get(t + 1),
    ) else {
        return false;
    };
    prev.span.end == tok.span.start
        && prev.span.slice(text).ends_with(['s', 'S'])
        && next.span.start > tok.span.end
        && next.span.slice(text).starts_with(char::is_lowercase)
}

/// The outer quote marks of `seg` and the quotations they delimit, in text order.
pub fn find(text: &str, seg: &Segmentation) -> (Vec<QuoteMark>, Vec<Quotation>) {
    let styles: Vec<Option<MarkStyle>> = seg.tokens.iter().map(|t| mark_style(text, t)).collect();
    let outer = if styles.contains(&Some(MarkStyle::Double)) {
        MarkStyle::Double
    } else {
        MarkStyle::Single
    };
    let mut para_start = vec![false; seg.tokens.len()];
    for p in &seg.paragraphs {
        if let Some(s) = seg.sentences.get(p.sentences.start) {
            if let Some(f) = para_start.get_mut(s.tokens.start) {
                *f = true;
            }
        }
    }
    let mut marks = Vec::new();
    let mut out: Vec<Quotation> = Vec::new();
    // The quotation being read: its first token and the continuation marks so far.
    let mut open: Option<(usize, Vec<usize>)> = None;
    let close = |out: &mut Vec<Quotation>, (start, continued): (usize, Vec<usize>), end, closed| {
        if end > start {
            out.push(Quotation {
                tokens: start..end,
                span: Span::new(seg.tokens[start].span.start, seg.tokens[end - 1].span.end),
                closed,
                continued,
            });
        }
    };
    for (t, tok) in seg.tokens.iter().enumerate() {
        let is_mark = styles[t] == Some(outer)
            && !(outer == MarkStyle::Single
                && tok.kind == TokenKind::CloseQuote
                && possessive(text, seg, t));
        let opening = is_mark && opens(text, tok, open.is_some());
        if t > 0 && para_start[t] {
            if let Some(q) = open.take() {
                if opening {
                    // The paragraph reopens the quotation: it goes on.
                    let (start, mut continued) = q;
                    continued.push(t);
                    marks.push(QuoteMark {
                        token: t,
                        open: true,
                    });
                    open = Some((start, continued));
                    continue;
                }
                close(&mut out, q, t, false);
            }
        }
        if !is_mark {
            continue;
        }
        marks.push(QuoteMark {
            token: t,
            open: opening,
        });
        if opening {
            if let Some(q) = open.take() {
                close(&mut out, q, t, false);
            }
            open = Some((t, Vec::new()));
        } else if let Some(q) = open.take() {
            close(&mut out, q, t + 1, true);
        }
    }
    if let Some(q) = open {
        close(&mut out, q, seg.tokens.len(), false);
    }
    (marks, out)
}

/// How many of the word characters (letters and digits) of `pieces` (sorted, disjoint)
/// lie inside `quotations`, and how many there are: none inside for reported speech, all
/// for a direct quote, some for a mixed one. `None` when the pieces hold no word character.
pub fn quoted_share(
    text: &str,
    quotations: &[Quotation],
    pieces: &[Span],
) -> Option<(usize, usize)> {
    let (mut inside, mut all) = (0usize, 0usize);
    let first = pieces.first().map_or(0, |p| p.start);
    let mut k = quotations.partition_point(|q| q.span.end <= first);
    for span in pieces {
        for (i, c) in span.slice(text).char_indices() {
            if !c.is_alphanumeric() {
                continue;
            }
            let at = span.start + i;
            while k < quotations.len() && quotations[k].span.end <= at {
                k += 1;
            }
            all += 1;
            if quotations.get(k).is_some_and(|q| q.span.start <= at) {
                inside += 1;
            }
        }
    }
    (all > 0).then_some((inside, all))
}
