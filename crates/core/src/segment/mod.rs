//! Segmentation: paragraphs, sentences and tokens, each with byte spans into the text.
//!
//! [`Segmenter::segment`] runs one pass of the tokenizer ([`tokenize`]) over the bytes of the
//! text and one pass of the sentence splitter over the tokens. Tokens follow the Penn
//! Treebank / CoreNLP conventions (`don't` → `do` `n't`, `U.S.` one token, every quote mark
//! a token of its own); sentences end at `.` `!` `?` (with any closing quote marks or
//! brackets that follow), at a line break, and sometimes at an ellipsis; paragraphs end at
//! blank lines. [`evaluate`] scores a segmenter against the CoreNLP annotations of PolNeAR.

mod abbrev;
mod eval;
pub mod quotes;
mod sentences;
mod tokenize;

#[cfg(test)]
mod tests;

pub use eval::{evaluate, evaluate_with, naive_segment, Prf, SegmentEval};
pub use quotes::{Quotation, QuoteMark};
pub use sentences::Segmenter;

use crate::span::Span;
use std::ops::Range;

/// What a token is, as far as the segmenter can tell from its characters and context.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TokenKind {
    /// Letters (maybe with digits, inner hyphens, dots or apostrophes): `state-designated`,
    /// `O'Brien`, a clitic such as `'s` or `n't`, a handle such as `@jeff_poor`.
    #[default]
    Word,
    /// Starts with a digit (or a sign and a digit): `1,000`, `3.5`, `11th`, `9/11`, `-7`.
    Number,
    /// A word with its final period: `U.S.`, `Sen.`, `a.m.`, `J.`, `D-Minn.`.
    Abbrev,
    /// A URL, an email address or a markup tag such as `<tweet id="1">`.
    Url,
    /// `...`, `…` or `. . .`.
    Ellipsis,
    /// An opening quote mark: `“`, `‘`, `«`, `„`, ` `` `, or a straight mark judged opening.
    OpenQuote,
    /// A closing quote mark: `”`, `’`, `»`, `''`, or a straight mark judged closing.
    CloseQuote,
    /// `(`, `[`, `{`.
    OpenBracket,
    /// `)`, `]`, `}`.
    CloseBracket,
    /// Other punctuation: `.`, `,`, `!?`, `--`, `—`, `:`, `;`, `-`.
    Punct,
    /// Anything else: `$`, `%`, `&`, emoji and other symbols.
    Symbol,
}

impl TokenKind {
    /// Quote marks of either direction.
    pub fn is_quote(self) -> bool {
        matches!(self, TokenKind::OpenQuote | TokenKind::CloseQuote)
    }

    /// Words, numbers, abbreviations and URLs: tokens made of letters or digits.
    pub fn is_wordlike(self) -> bool {
        matches!(
            self,
            TokenKind::Word | TokenKind::Number | TokenKind::Abbrev | TokenKind::Url
        )
    }
}

/// A token: a word, a number, an abbreviation such as `U.S.`, or one punctuation mark.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub span: Span,
    pub kind: TokenKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sentence {
    pub span: Span,
    /// Indices into [`Segmentation::tokens`].
    pub tokens: Range<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paragraph {
    pub span: Span,
    /// Indices into [`Segmentation::sentences`].
    pub sentences: Range<usize>,
}

/// The segmentation of one text.
///
/// **Invariant:** tokens are non-empty, ascending and non-overlapping; every token lies in
/// exactly one sentence and every sentence in exactly one paragraph; no token covers
/// whitespace only.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Segmentation {
    pub paragraphs: Vec<Paragraph>,
    pub sentences: Vec<Sentence>,
    pub tokens: Vec<Token>,
    /// The quote marks of the text's outer style ([`quotes`]), in text order.
    pub quote_marks: Vec<QuoteMark>,
    /// The quotations they delimit, in text order, disjoint.
    pub quotations: Vec<Quotation>,
    /// The wire-story dateline opening the text (`New York [USA], Mar. 3 (ANI): `), a
    /// sentence of its own: never part of an attribution.
    pub dateline: Option<Span>,
}

impl Segmentation {
    /// Cuts the sentence holding token `tok` in two before it (nothing if `tok` starts a
    /// sentence or is out of range); paragraphs keep their sentences.
    fn split_sentence_before(&mut self, tok: usize) {
        if tok >= self.tokens.len() {
            return;
        }
        let si = self.sentence_of(tok);
        let range = self.sentences[si].tokens.clone();
        if range.start == tok {
            return;
        }
        let span_of = |r: &Range<usize>, tokens: &[Token]| {
            Span::new(tokens[r.start].span.start, tokens[r.end - 1].span.end)
        };
        let (left, right) = (range.start..tok, tok..range.end);
        self.sentences[si] = Sentence {
            span: span_of(&left, &self.tokens),
            tokens: left,
        };
        self.sentences.insert(
            si + 1,
            Sentence {
                span: span_of(&right, &self.tokens),
                tokens: right,
            },
        );
        for p in &mut self.paragraphs {
            if p.sentences.start > si {
                p.sentences.start += 1;
            }
            if p.sentences.end > si {
                p.sentences.end += 1;
            }
        }
    }

    /// Makes `dateline` (a byte span opening the text) a sentence of its own.
    pub(crate) fn set_dateline(&mut self, dateline: Span) {
        let tok = self.tokens.partition_point(|t| t.span.start < dateline.end);
        if tok == 0 {
            return;
        }
        self.split_sentence_before(tok);
        self.dateline = Some(Span::new(dateline.start, self.tokens[tok - 1].span.end));
    }

    /// The byte span of every token, in order.
    pub fn token_spans(&self) -> Vec<Span> {
        self.tokens.iter().map(|t| t.span).collect()
    }

    /// Index of the sentence holding token `tok`.
    pub fn sentence_of(&self, tok: usize) -> usize {
        self.sentences.partition_point(|s| s.tokens.end <= tok)
    }

    /// Index of the paragraph holding sentence `sent`.
    pub fn paragraph_of(&self, sent: usize) -> usize {
        self.paragraphs.partition_point(|p| p.sentences.end <= sent)
    }

    /// The tokens lying wholly inside `span`, as an index range.
    pub fn tokens_within(&self, span: Span) -> Range<usize> {
        let first = self.tokens.partition_point(|t| t.span.start < span.start);
        let last = self.tokens.partition_point(|t| t.span.end <= span.end);
        first..last.max(first)
    }

    /// Index of the first token that ends after byte `pos` (the token holding `pos`, or the
    /// next one); `tokens.len()` if none.
    pub fn token_at(&self, pos: usize) -> usize {
        self.tokens.partition_point(|t| t.span.end <= pos)
    }
}
