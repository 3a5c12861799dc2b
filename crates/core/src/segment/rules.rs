//! A first rule-based segmenter.

use super::{Paragraph, Segmentation, Sentence, Token};
use crate::span::Span;

/// Splits text into paragraphs (blank lines), sentences and tokens.
#[derive(Clone, Debug, Default)]
pub struct Segmenter {}

impl Segmenter {
    pub fn new() -> Segmenter {
        Segmenter {}
    }

    pub fn segment(&self, text: &str) -> Segmentation {
        let mut seg = Segmentation::default();
        let mut tokens = Vec::new();
        let mut it = text.char_indices().peekable();
        while let Some((i, c)) = it.next() {
            if c.is_whitespace() {
                continue;
            }
            if c.is_alphanumeric() || c == '_' {
                let mut end = i + c.len_utf8();
                while let Some(&(j, d)) = it.peek() {
                    if d.is_alphanumeric() || d == '_' {
                        end = j + d.len_utf8();
                        it.next();
                    } else {
                        break;
                    }
                }
                tokens.push(Token {
                    span: Span::new(i, end),
                });
            } else {
                tokens.push(Token {
                    span: Span::new(i, i + c.len_utf8()),
                });
            }
        }
        let mut sent_start = 0;
        for (k, tok) in tokens.iter().enumerate() {
            let t = tok.span.slice(text);
            let last = k + 1 == tokens.len();
            if matches!(t, "." | "!" | "?") || last {
                let span = Span::new(tokens[sent_start].span.start, tok.span.end);
                seg.sentences.push(Sentence {
                    span,
                    tokens: sent_start..k + 1,
                });
                sent_start = k + 1;
            }
        }
        if !seg.sentences.is_empty() {
            let span = Span::new(
                seg.sentences[0].span.start,
                seg.sentences.last().unwrap().span.end,
            );
            seg.paragraphs.push(Paragraph {
                span,
                sentences: 0..seg.sentences.len(),
            });
        }
        seg.tokens = tokens;
        seg
    }
}
