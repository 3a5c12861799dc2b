//! Attachment scores against the CoreNLP silver: UAS and LAS over the tokens whose spans
//! match a silver token, a head counted right when it is the token with the silver head's
//! span (or both are sentence roots).

use super::Parser;
use crate::corpus::GoldDoc;
use crate::pos::PosTagger;
use crate::segment::Segmenter;
use std::fmt;

/// Parse scores over the silver tokens our tokens reproduce.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ParseScores {
    /// Silver tokens in all.
    pub silver_tokens: usize,
    /// Tokens compared (same span in both tokenisations).
    pub tokens: usize,
    pub head_correct: usize,
    pub label_correct: usize,
    /// Punctuation excluded (tokens compared, heads right, labels right).
    pub no_punct: (usize, usize, usize),
    /// Tokens of sentences our segmenter cuts exactly as CoreNLP did (tokens compared,
    /// heads right, labels right): what the parser does when the sentence is right.
    pub same_sentence: (usize, usize, usize),
}

impl ParseScores {
    pub fn uas(&self) -> f64 {
        pct(self.head_correct, self.tokens)
    }
    pub fn las(&self) -> f64 {
        pct(self.label_correct, self.tokens)
    }
}

use crate::eval::percent as pct;

impl fmt::Display for ParseScores {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (n, h, l) = self.no_punct;
        let (sn, sh, sl) = self.same_sentence;
        write!(
            f,
            "UAS {:.2} LAS {:.2} on {} of {} silver tokens (without punctuation: UAS {:.2} LAS {:.2} on {}; in sentences cut as CoreNLP cut them: UAS {:.2} LAS {:.2} on {})",
            self.uas(),
            self.las(),
            self.tokens,
            self.silver_tokens,
            pct(h, n),
            pct(l, n),
            n,
            pct(sh, sn),
            pct(sl, sn),
            sn
        )
    }
}

/// Segments, tags and parses each document with CoreNLP annotations and scores the parse.
pub fn evaluate(parser: &Parser, tagger: &PosTagger, docs: &[GoldDoc]) -> ParseScores {
    let segmenter = Segmenter::new();
    let mut s = ParseScores::default();
    for g in docs {
        let Some(c) = &g.corenlp else { continue };
        if c.head.len() != c.tokens.len() || c.dep.len() != c.tokens.len() {
            continue;
        }
        let seg = segmenter.segment(&g.text);
        let spans = seg.token_spans();
        let tags = tagger.tag(&g.text, &spans);
        let parse = parser.parse(&g.text, &seg, &tags);
        let theirs = c.token_spans(&g.text);
        let ours = super::span_index(&spans);
        let map = crate::span::CharOffsets::new(&g.text);
        let silver_sentences: std::collections::HashSet<(usize, usize)> = c
            .sentences
            .iter()
            .map(|&[a, b]| {
                let sp = map.span_from_chars(a, b);
                (sp.start, sp.end)
            })
            .collect();
        // Per our token: whether its sentence starts and ends where a silver one does.
        let mut same = vec![false; spans.len()];
        for sent in &seg.sentences {
            let (Some(first), Some(last)) = (
                spans.get(sent.tokens.start),
                sent.tokens.end.checked_sub(1).and_then(|e| spans.get(e)),
            ) else {
                continue;
            };
            if silver_sentences.contains(&(first.start, last.end)) {
                same[sent.tokens.clone()].iter_mut().for_each(|x| *x = true);
            }
        }
        s.silver_tokens += theirs.len();
        for (k, sp) in theirs.iter().enumerate() {
            let Some(&i) = ours.get(&(sp.start, sp.end)) else {
                continue;
            };
            let silver_head = usize::try_from(c.head[k]).ok().and_then(|h| theirs.get(h));
            let head_ok = match (parse.head(i), silver_head) {
                (None, None) => true,
                (Some(h), Some(sh)) => spans[h] == *sh,
                _ => false,
            };
            let label_ok = head_ok && parse.label(i).name() == c.dep[k];
            s.tokens += 1;
            s.head_correct += usize::from(head_ok);
            s.label_correct += usize::from(label_ok);
            if same[i] {
                s.same_sentence.0 += 1;
                s.same_sentence.1 += usize::from(head_ok);
                s.same_sentence.2 += usize::from(label_ok);
            }
            if c.dep[k] != "punct" {
                s.no_punct.0 += 1;
                s.no_punct.1 += usize::from(head_ok);
                s.no_punct.2 += usize::from(label_ok);
            }
        }
    }
    s
}
