//! Scoring the tagger against the CoreNLP silver NER: entity-level exact-span matches.

use super::train::silver_entities;
use super::{EntityType, Tagger};
use crate::corpus::GoldDoc;
use crate::segment::Segmenter;
use crate::span::{CharOffsets, Span};
use std::collections::BTreeSet;
use std::fmt;

/// Counts of one entity type (or of all types, micro-averaged).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TypeScores {
    pub gold: usize,
    pub predicted: usize,
    pub correct: usize,
}

impl TypeScores {
    pub fn precision(&self) -> f64 {
        ratio(self.correct, self.predicted)
    }

    pub fn recall(&self) -> f64 {
        ratio(self.correct, self.gold)
    }

    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }

    fn add(&mut self, other: &TypeScores) {
        self.gold += other.gold;
        self.predicted += other.predicted;
        self.correct += other.correct;
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Entity-level scores: per type, and micro-averaged over the types that have silver
/// mentions in the documents (so rule-made titles do not count against a corpus without
/// CoreNLP TITLE labels).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NerScores {
    pub per_type: Vec<(EntityType, TypeScores)>,
    pub overall: TypeScores,
    /// Documents scored (those with CoreNLP annotations) and their tokens (ours).
    pub docs: usize,
    pub tokens: usize,
}

impl fmt::Display for NerScores {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<14} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7}",
            "type", "gold", "pred", "correct", "P", "R", "F1"
        )?;
        let row = |f: &mut fmt::Formatter<'_>, name: &str, s: &TypeScores| {
            writeln!(
                f,
                "{:<14} {:>7} {:>7} {:>7} {:>7.2} {:>7.2} {:>7.2}",
                name,
                s.gold,
                s.predicted,
                s.correct,
                100.0 * s.precision(),
                100.0 * s.recall(),
                100.0 * s.f1()
            )
        };
        for (t, s) in &self.per_type {
            row(f, t.as_str(), s)?;
        }
        row(f, "overall", &self.overall)?;
        write!(f, "({} documents, {} tokens)", self.docs, self.tokens)
    }
}

/// Tags every document that has CoreNLP annotations and scores exact entity spans against
/// the silver labels (mapped as [`EntityType::from_corenlp`] does).
pub fn evaluate_ner(tagger: &Tagger, docs: &[GoldDoc]) -> NerScores {
    let segmenter = Segmenter::new();
    let mut per: Vec<TypeScores> = vec![TypeScores::default(); EntityType::ALL.len()];
    let mut scores = NerScores::default();
    for doc in docs {
        let Some(cn) = &doc.corenlp else { continue };
        let offsets = CharOffsets::new(&doc.text);
        let gold: BTreeSet<(Span, EntityType)> = silver_entities(&doc.text, cn, &offsets)
            .into_iter()
            .collect();
        let seg = segmenter.segment(&doc.text);
        let pred: BTreeSet<(Span, EntityType)> = tagger
            .tag(&doc.text, &seg)
            .into_iter()
            .map(|m| (m.span, m.kind))
            .collect();
        for &(_, t) in &gold {
            per[t as usize].gold += 1;
        }
        for p in &pred {
            per[p.1 as usize].predicted += 1;
            if gold.contains(p) {
                per[p.1 as usize].correct += 1;
            }
        }
        scores.docs += 1;
        scores.tokens += seg.tokens.len();
    }
    for (t, s) in EntityType::ALL.into_iter().zip(per) {
        if s.gold + s.predicted == 0 {
            continue;
        }
        if s.gold > 0 {
            scores.overall.add(&s);
        }
        scores.per_type.push((t, s));
    }
    scores
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(gold: usize, pred: usize, correct: usize, p: f64, r: f64, f: f64) {
        let s = TypeScores {
            gold,
            predicted: pred,
            correct,
        };
        assert!((s.precision() - p).abs() < 1e-9);
        assert!((s.recall() - r).abs() < 1e-9);
        assert!((s.f1() - f).abs() < 1e-9, "{s:?}");
    }

    #[test]
    fn ratios() {
        check(0, 0, 0, 0.0, 0.0, 0.0);
        check(10, 0, 0, 0.0, 0.0, 0.0);
        check(10, 10, 10, 1.0, 1.0, 1.0);
        check(10, 5, 5, 1.0, 0.5, 2.0 / 3.0);
        check(4, 8, 2, 0.25, 0.5, 1.0 / 3.0);
    }

    #[test]
    fn display_has_rows() {
        let s = NerScores {
            per_type: vec![(
                EntityType::Person,
                TypeScores {
                    gold: 2,
                    predicted: 2,
                    correct: 1,
                },
            )],
            overall: TypeScores {
                gold: 2,
                predicted: 2,
                correct: 1,
            },
            docs: 1,
            tokens: 9,
        };
        let shown = s.to_string();
        assert!(shown.contains("person"));
        assert!(shown.contains("overall"));
        assert!(shown.contains("50.00"));
    }
}
