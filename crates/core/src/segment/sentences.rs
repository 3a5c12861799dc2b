//! The sentence and paragraph splitter, over the tokens of [`super::tokenize`].

use super::abbrev::is_starter;
use super::tokenize::{lex, Lexed};
use super::{Paragraph, Segmentation, Sentence, Token, TokenKind};
use crate::span::Span;

/// The most tokens a sentence holds: text without sentence ends (a list, a run-on page, an
/// attack) is cut into sentences of this many tokens, so that every per-sentence step of the
/// later stages (features, decoding, linking) stays bounded. News sentences are far shorter
/// (the longest CoreNLP sentence of PolNeAR train and dev has 1,094 characters).
pub const MAX_SENTENCE_TOKENS: usize = 1000;

/// Splits text into paragraphs (blank lines), sentences and tokens.
#[derive(Clone, Debug, Default)]
pub struct Segmenter {}

/// What kind of sentence end a token may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Term {
    None,
    Period,
    Bang,
    Ellipsis,
    Abbrev,
    Title,
}

impl Segmenter {
    pub fn new() -> Segmenter {
        Segmenter {}
    }

    /// Segments `text`. Never panics; every span lies on char boundaries of `text`.
    pub fn segment(&self, text: &str) -> Segmentation {
        split(text, &lex(text))
    }

    /// The tokens of `text` alone, without sentence splitting. (Sentence-final abbreviations
    /// keep their period here; [`Segmenter::segment`] splits it off.)
    pub fn tokenize(&self, text: &str) -> Vec<Token> {
        lex(text).into_iter().map(|l| l.token).collect()
    }
}

fn starts_lower(text: &str, l: &Lexed) -> bool {
    l.token
        .span
        .slice(text)
        .chars()
        .next()
        .is_some_and(|c| c.is_lowercase())
}

fn starts_upper(text: &str, l: &Lexed) -> bool {
    l.token
        .span
        .slice(text)
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase())
}

/// If a sentence ends with or shortly after token `k`: the index of its last token, and
/// whether token `k` (a sentence-final abbreviation) gives its period to a token of its own.
fn boundary_after(text: &str, lx: &[Lexed], k: usize) -> Option<(usize, bool)> {
    let n = lx.len();
    let t = &lx[k];
    let s = t.token.span.slice(text);
    let term = match t.token.kind {
        TokenKind::Punct if s == "." => Term::Period,
        TokenKind::Punct if s.bytes().all(|c| c == b'!' || c == b'?') => Term::Bang,
        TokenKind::Ellipsis => Term::Ellipsis,
        TokenKind::Abbrev if t.title => Term::Title,
        TokenKind::Abbrev => Term::Abbrev,
        _ => Term::None,
    };
    let line_break =
        |next: &Lexed| next.newlines >= 2 || (next.newlines == 1 && !starts_lower(text, next));
    if term == Term::None {
        return (k + 1 == n || line_break(&lx[k + 1])).then_some((k, false));
    }
    // Closing quote marks and brackets right after the end belong to the sentence.
    let mut j = k + 1;
    if term != Term::Title {
        while j < n
            && lx[j].newlines == 0
            && matches!(
                lx[j].token.kind,
                TokenKind::CloseQuote | TokenKind::CloseBracket
            )
        {
            j += 1;
        }
    }
    // An abbreviation that ends a sentence gives its period to a token of its own, as
    // CoreNLP does: `in the U.S.` → `U.S` `.`.
    let split_dot = matches!(term, Term::Abbrev | Term::Title) && j == k + 1;
    if j == n || line_break(&lx[j]) {
        return Some((j - 1, split_dot));
    }
    let next = &lx[j];
    let next_text = next.token.span.slice(text);
    let ends = match term {
        Term::Period | Term::Bang => {
            // A lower-case word or a comma continues the sentence: `“Why?” he asked.`
            let continues = (next.token.kind == TokenKind::Word && starts_lower(text, next))
                || matches!(next_text, "," | ";" | ":" | "." | "-")
                || next.token.kind == TokenKind::CloseBracket;
            !continues
        }
        Term::Ellipsis => {
            (next.token.kind == TokenKind::Word && is_starter(next_text))
                || (next.token.kind == TokenKind::OpenQuote
                    && lx.get(j + 1).is_some_and(|a| starts_upper(text, a)))
        }
        Term::Abbrev => next.token.kind == TokenKind::Word && is_starter(next_text),
        Term::Title | Term::None => false,
    };
    ends.then_some((j - 1, split_dot))
}

fn split(text: &str, lx: &[Lexed]) -> Segmentation {
    let n = lx.len();
    let mut seg = Segmentation {
        paragraphs: Vec::with_capacity(n / 100 + 1),
        sentences: Vec::with_capacity(n / 16 + 1),
        tokens: Vec::with_capacity(n + n / 64 + 1),
        ..Segmentation::default()
    };
    let mut sent_start = 0;
    let mut para_start = 0;
    let mut k = 0;
    // The first lexed token of the open sentence: a sentence is cut after
    // `MAX_SENTENCE_TOKENS` of them even without a boundary.
    let mut lx_start = 0;
    while k < n {
        let cut = k + 1 - lx_start >= MAX_SENTENCE_TOKENS;
        let boundary = boundary_after(text, lx, k).or(cut.then_some((k, false)));
        let Some((last, split_dot)) = boundary else {
            seg.tokens.push(lx[k].token);
            k += 1;
            continue;
        };
        for (m, l) in lx.iter().enumerate().take(last + 1).skip(k) {
            let sp = l.token.span;
            if m == k && split_dot && sp.len() > 1 {
                seg.tokens.push(Token {
                    span: Span::new(sp.start, sp.end - 1),
                    kind: TokenKind::Word,
                });
                seg.tokens.push(Token {
                    span: Span::new(sp.end - 1, sp.end),
                    kind: TokenKind::Punct,
                });
            } else {
                seg.tokens.push(l.token);
            }
        }
        let end = seg.tokens.len();
        seg.sentences.push(Sentence {
            span: Span::new(
                seg.tokens[sent_start].span.start,
                seg.tokens[end - 1].span.end,
            ),
            tokens: sent_start..end,
        });
        sent_start = end;
        if last + 1 == n || lx[last + 1].newlines >= 2 {
            let ns = seg.sentences.len();
            seg.paragraphs.push(Paragraph {
                span: Span::new(
                    seg.sentences[para_start].span.start,
                    seg.sentences[ns - 1].span.end,
                ),
                sentences: para_start..ns,
            });
            para_start = ns;
        }
        k = last + 1;
        lx_start = k;
    }
    if let Some(dateline) = crate::ingest::dateline_span(text) {
        seg.set_dateline(dateline);
    }
    (seg.quote_marks, seg.quotations) = super::quotes::find(text, &seg);
    seg
}
