//! Segmentation: paragraphs, sentences and tokens, each with byte spans into the text.

mod rules;

pub use rules::Segmenter;

use crate::span::Span;
use std::ops::Range;

/// A token: a word, a number, an abbreviation such as `U.S.`, or one punctuation mark.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub span: Span,
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
}

impl Segmentation {
    /// Index of the sentence holding token `tok`.
    pub fn sentence_of(&self, tok: usize) -> usize {
        self.sentences.partition_point(|s| s.tokens.end <= tok)
    }
}
