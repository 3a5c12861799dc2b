//! Scores a segmentation against the CoreNLP sentences and tokens of PolNeAR (silver).

use super::{Paragraph, Segmentation, Segmenter, Sentence, Token, TokenKind};
use crate::corpus::GoldDoc;
use crate::span::{CharOffsets, Span};
use std::collections::BTreeSet;
use std::fmt;

/// Counts for precision / recall / F1.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Prf {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Prf {
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    fn add<T: Ord>(&mut self, ours: &BTreeSet<T>, gold: &BTreeSet<T>) {
        let tp = ours.intersection(gold).count();
        self.tp += tp;
        self.fp += ours.len() - tp;
        self.fn_ += gold.len() - tp;
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Segmentation scores against CoreNLP, micro-averaged over the documents.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SegmentEval {
    /// Documents with CoreNLP annotations, i.e. scored.
    pub docs: usize,
    /// Sentence boundaries: the code-point end of each sentence, but the last.
    pub boundary: Prf,
    /// Sentences whose start and end both match.
    pub sentence: Prf,
    /// Tokens whose start and end both match.
    pub token: Prf,
}

impl fmt::Display for SegmentEval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "segmentation vs CoreNLP on {} docs", self.docs)?;
        writeln!(
            f,
            "{:<10} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}",
            "level", "P", "R", "F1", "tp", "fp", "fn"
        )?;
        for (name, s) in [
            ("boundary", &self.boundary),
            ("sentence", &self.sentence),
            ("token", &self.token),
        ] {
            writeln!(
                f,
                "{:<10} {:>8.4} {:>8.4} {:>8.4} {:>8} {:>8} {:>8}",
                name,
                s.precision(),
                s.recall(),
                s.f1(),
                s.tp,
                s.fp,
                s.fn_
            )?;
        }
        Ok(())
    }
}

/// Scores [`Segmenter::new`] on the documents that have CoreNLP annotations.
pub fn evaluate(docs: &[GoldDoc]) -> SegmentEval {
    let segmenter = Segmenter::new();
    evaluate_with(docs, |text| segmenter.segment(text))
}

/// Scores any segmentation function on the documents that have CoreNLP annotations.
pub fn evaluate_with(docs: &[GoldDoc], segment: impl Fn(&str) -> Segmentation) -> SegmentEval {
    let mut ev = SegmentEval::default();
    for doc in docs {
        let Some(nlp) = &doc.corenlp else { continue };
        ev.docs += 1;
        let text = &doc.text;
        let map = CharOffsets::new(text);
        let seg = segment(text);
        // Boundaries at or past the end of the last non-space char end the text: not scored.
        let text_end = map.to_char(text.trim_end().len());
        let ours_sent: BTreeSet<[usize; 2]> = seg
            .sentences
            .iter()
            .map(|s| map.span_to_chars(s.span))
            .collect();
        let gold_sent: BTreeSet<[usize; 2]> = nlp.sentences.iter().copied().collect();
        let bounds = |set: &BTreeSet<[usize; 2]>| -> BTreeSet<usize> {
            set.iter().map(|s| s[1]).filter(|&e| e < text_end).collect()
        };
        ev.boundary.add(&bounds(&ours_sent), &bounds(&gold_sent));
        ev.sentence.add(&ours_sent, &gold_sent);
        let ours_tok: BTreeSet<[usize; 2]> = seg
            .tokens
            .iter()
            .map(|t| map.span_to_chars(t.span))
            .collect();
        let gold_tok: BTreeSet<[usize; 2]> = nlp.tokens.iter().copied().collect();
        ev.token.add(&ours_tok, &gold_tok);
    }
    ev
}

/// The first, naive segmenter this module replaced (runs of alphanumerics, every other char a
/// token, a sentence after each `.` `!` `?`, one paragraph): the baseline of the report.
pub fn naive_segment(text: &str) -> Segmentation {
    let mut seg = Segmentation::default();
    let mut tokens = Vec::new();
    let mut it = text.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c.is_whitespace() {
            continue;
        }
        let mut end = i + c.len_utf8();
        if c.is_alphanumeric() || c == '_' {
            while let Some(&(j, d)) = it.peek() {
                if d.is_alphanumeric() || d == '_' {
                    end = j + d.len_utf8();
                    it.next();
                } else {
                    break;
                }
            }
        }
        tokens.push(Token {
            span: Span::new(i, end),
            kind: TokenKind::Word,
        });
    }
    let mut sent_start = 0;
    for (k, tok) in tokens.iter().enumerate() {
        let t = tok.span.slice(text);
        if matches!(t, "." | "!" | "?") || k + 1 == tokens.len() {
            let span = Span::new(tokens[sent_start].span.start, tok.span.end);
            seg.sentences.push(Sentence {
                span,
                tokens: sent_start..k + 1,
            });
            sent_start = k + 1;
        }
    }
    if let (Some(first), Some(last)) = (seg.sentences.first(), seg.sentences.last()) {
        seg.paragraphs.push(Paragraph {
            span: Span::new(first.span.start, last.span.end),
            sentences: 0..seg.sentences.len(),
        });
    }
    seg.tokens = tokens;
    seg
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{find_shared, read_jsonl, CoreNlp};

    fn doc(text: &str, sentences: Vec<[usize; 2]>, tokens: Vec<[usize; 2]>) -> GoldDoc {
        GoldDoc {
            id: "t".into(),
            text: text.into(),
            attributions: Vec::new(),
            corenlp: Some(CoreNlp {
                sentences,
                tokens,
                ..Default::default()
            }),
            publisher: None,
            date: None,
            title: None,
            author: None,
        }
    }

    #[test]
    fn scores_a_tiny_document() {
        // "Hi. Yes." : two sentences, four tokens; perfect agreement.
        let d = doc(
            "Hi. Yes.",
            vec![[0, 3], [4, 8]],
            vec![[0, 2], [2, 3], [4, 7], [7, 8]],
        );
        let ev = evaluate(std::slice::from_ref(&d));
        assert_eq!(ev.docs, 1);
        assert_eq!(
            ev.boundary,
            Prf {
                tp: 1,
                fp: 0,
                fn_: 0
            }
        );
        assert_eq!(
            ev.sentence,
            Prf {
                tp: 2,
                fp: 0,
                fn_: 0
            }
        );
        assert_eq!(
            ev.token,
            Prf {
                tp: 4,
                fp: 0,
                fn_: 0
            }
        );
        assert!((ev.token.f1() - 1.0).abs() < 1e-9);
        // Gold with one sentence only: our boundary is a false positive.
        let d = doc(
            "Hi. Yes.",
            vec![[0, 8]],
            vec![[0, 2], [2, 3], [4, 7], [7, 8]],
        );
        let ev = evaluate(std::slice::from_ref(&d));
        assert_eq!(
            ev.boundary,
            Prf {
                tp: 0,
                fp: 1,
                fn_: 0
            }
        );
        assert_eq!(
            ev.sentence,
            Prf {
                tp: 0,
                fp: 2,
                fn_: 1
            }
        );
        assert!(ev.to_string().contains("boundary"));
        // Documents without CoreNLP are skipped.
        let mut d = d;
        d.corenlp = None;
        assert_eq!(evaluate(&[d]).docs, 0);
    }

    #[test]
    fn dev_scores_against_corenlp() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let Some(shared) = find_shared(root) else {
            eprintln!("skipped: no shared/data/polnear (set VERBATIM_SHARED)");
            return;
        };
        let docs = match read_jsonl(&shared.join("data/polnear/dev.jsonl")) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("skipped: {e}");
                return;
            }
        };
        let naive = evaluate_with(&docs, naive_segment);
        eprintln!("naive:\n{naive}");
        let ours = evaluate(&docs);
        eprintln!("ours:\n{ours}");
        // Speed, whole dev split (meaningful in release builds).
        let words: usize = docs.iter().map(|d| d.text.split_whitespace().count()).sum();
        let segmenter = Segmenter::new();
        let t0 = std::time::Instant::now();
        let mut n = 0;
        for _ in 0..5 {
            for d in &docs {
                n += segmenter.segment(&d.text).tokens.len();
            }
        }
        let secs = t0.elapsed().as_secs_f64();
        eprintln!(
            "speed: {:.2}M words/s ({n} tokens)",
            5.0 * words as f64 / secs / 1e6
        );
        assert!(
            ours.boundary.f1() > 0.95,
            "boundary F1 {}",
            ours.boundary.f1()
        );
        assert!(ours.token.f1() > 0.995, "token F1 {}", ours.token.f1());
        assert!(ours.boundary.f1() > naive.boundary.f1());
    }
}
