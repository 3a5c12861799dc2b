//! How well sources that are not names get a named speaker: resolution evaluated on gold
//! attributions, so that attribution errors do not blur it.

use crate::article::Article;
use crate::attribute::{Attribution, CueClass, Kind};
use crate::corpus::GoldDoc;
use crate::pipeline::Pipeline;
use crate::resolve::SpeakerType;
use crate::span::{CharOffsets, Span};
use crate::tag::EntityType;
use std::fmt;

/// Which kind of non-name source a gold source is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SourceForm {
    /// "he", "she", "they", "his", "who", ...
    Pronoun,
    /// A common noun phrase with no person name in it: "the President", "a Justice official".
    Nominal,
}

/// One gold source of a pronoun or nominal form, and what the resolver made of it.
#[derive(Clone, Debug)]
pub struct SpeakerCase {
    pub id: String,
    /// Code-point offsets of the whole source (first piece start to last piece end).
    pub source: [usize; 2],
    pub source_text: String,
    pub form: SourceForm,
    /// The resolved name, when the speaker is a person or organisation entity of the article.
    pub named: Option<String>,
    pub kind: SpeakerType,
    /// A few hundred characters of text before the source, for judging by hand.
    pub context: String,
}

/// Counts over the gold sources of a corpus.
#[derive(Clone, Debug, Default)]
pub struct SpeakerEval {
    pub n_sources: usize,
    pub cases: Vec<SpeakerCase>,
}

impl SpeakerEval {
    fn count(&self, form: SourceForm, named: bool) -> usize {
        self.cases
            .iter()
            .filter(|c| c.form == form && (!named || c.named.is_some()))
            .count()
    }
}

impl fmt::Display for SpeakerEval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "gold sources: {}", self.n_sources)?;
        writeln!(
            f,
            "{:<10} {:>7} {:>7} {:>8}",
            "form", "sources", "named", "share"
        )?;
        for (label, form) in [
            ("pronoun", SourceForm::Pronoun),
            ("nominal", SourceForm::Nominal),
        ] {
            let (n, named) = (self.count(form, false), self.count(form, true));
            let share = if n == 0 {
                0.0
            } else {
                100.0 * named as f64 / n as f64
            };
            writeln!(f, "{label:<10} {n:>7} {named:>7} {share:>7.1}%")?;
        }
        Ok(())
    }
}

const PRONOUNS: &[&str] = &[
    "he", "she", "they", "i", "we", "it", "you", "him", "her", "them", "us", "his", "its", "their",
    "who", "which", "that", "whom",
];

/// Resolves the speakers of the gold attributions of `docs` and collects every source that is
/// a pronoun or a nominal.
pub fn evaluate_speakers(pipeline: &Pipeline, docs: &[GoldDoc]) -> SpeakerEval {
    let mut out = SpeakerEval::default();
    for doc in docs {
        let offsets = CharOffsets::new(&doc.text);
        let to_spans = |pieces: &[[usize; 2]]| -> Vec<Span> {
            pieces
                .iter()
                .map(|&[s, e]| offsets.span_from_chars(s, e))
                .filter(|s| !s.is_empty())
                .collect()
        };
        let attributions: Vec<Attribution> = doc
            .attributions
            .iter()
            .map(|g| {
                let (source, cue, content) =
                    (to_spans(&g.source), to_spans(&g.cue), to_spans(&g.content));
                Attribution {
                    // Classified from the quotations and the cue by `analyze_given`.
                    kind: Kind::Other,
                    cue_class: CueClass::Other,
                    source,
                    cue,
                    content,
                    speaker: None,
                }
            })
            .collect();
        let article = Article {
            id: doc.id.clone(),
            text: doc.text.clone(),
            ..Default::default()
        };
        let analysis = pipeline.analyze_given(&article, attributions);
        for att in &analysis.attributions {
            let (Some(first), Some(last)) = (att.source.first(), att.source.last()) else {
                continue;
            };
            out.n_sources += 1;
            let span = first.cover(*last);
            let text = span.slice(&doc.text).trim();
            let lower = text.to_lowercase();
            let has_name = analysis.mentions.iter().any(|m| {
                span.contains(m.span)
                    && matches!(
                        m.kind,
                        EntityType::Person | EntityType::Organization | EntityType::Location
                    )
            });
            let form = if PRONOUNS.contains(&lower.as_str()) {
                SourceForm::Pronoun
            } else if !has_name && text.split_whitespace().count() <= 8 {
                SourceForm::Nominal
            } else {
                continue;
            };
            let Some(speaker) = &att.speaker else {
                continue;
            };
            let named = (speaker.entity.is_some()
                && matches!(
                    speaker.kind,
                    SpeakerType::Person | SpeakerType::Organization
                ))
            .then(|| speaker.name.clone());
            let ctx_start = doc.text[..span.start]
                .char_indices()
                .rev()
                .nth(300)
                .map_or(0, |(i, _)| i);
            out.cases.push(SpeakerCase {
                id: doc.id.clone(),
                source: offsets.span_to_chars(span),
                source_text: text.to_string(),
                form,
                named,
                kind: speaker.kind,
                context: doc.text[ctx_start..span.end].replace(['\n', '\t'], " "),
            });
        }
    }
    out
}

/// A hand-judged case: the article, the source offsets, and the name a reader gives the
/// speaker (`-` when the article does not say who it is).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JudgedCase {
    pub id: String,
    pub source: [usize; 2],
    pub name: String,
}

/// Reads a judged sample: tab-separated `id  start  end  name`, `#` comments.
pub fn read_judged(tsv: &str) -> Result<Vec<JudgedCase>, String> {
    let mut out = Vec::new();
    for (n, line) in tsv.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let parse = |s: &str| {
            s.trim()
                .parse::<usize>()
                .map_err(|e| format!("line {}: {e}", n + 1))
        };
        if cols.len() != 4 {
            return Err(format!(
                "line {}: expected 4 tab-separated columns, found {}",
                n + 1,
                cols.len()
            ));
        }
        out.push(JudgedCase {
            id: cols[0].to_string(),
            source: [parse(cols[1])?, parse(cols[2])?],
            name: cols[3].trim().to_string(),
        });
    }
    Ok(out)
}

/// Accuracy of the resolved names on judged cases: (correct, judged, missing cases).
pub fn judged_accuracy(eval: &SpeakerEval, judged: &[JudgedCase]) -> (usize, usize, Vec<String>) {
    let mut correct = 0;
    let mut missing = Vec::new();
    for j in judged {
        match eval
            .cases
            .iter()
            .find(|c| c.id == j.id && c.source == j.source)
        {
            Some(c) => correct += usize::from(c.named.as_deref().unwrap_or("-") == j.name),
            None => missing.push(format!("{} {:?}", j.id, j.source)),
        }
    }
    (correct, judged.len(), missing)
}
