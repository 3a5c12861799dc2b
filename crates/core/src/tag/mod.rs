//! Tagging: named entities (person, organisation, location, other) and titles/roles over the
//! segment tokens.
//!
//! A [`Tagger`] is an averaged perceptron over hashed token features (greedy left-to-right
//! BIO decoding with the previous labels as features), trained by [`train_ner`] on the
//! CoreNLP silver NER of the PolNeAR corpus projected onto our tokens, plus a rule layer for
//! titles ("President", "Sen.", "D-Minn."). [`evaluate_ner`] scores it against the silver
//! labels. `models/NER.md` at the workspace root tells how the embedded model was made.
//!
//! ```
//! use verbatim_core::tag::{EntityType, Tagger};
//! use verbatim_core::Segmenter;
//! let text = "Sen. Al Franken (D-Minn.) spoke.";
//! let seg = Segmenter::new().segment(text);
//! let mentions = Tagger::embedded().tag(text, &seg);
//! assert!(mentions.iter().any(|m| m.kind == EntityType::Title && m.span.slice(text) == "Sen."));
//! ```

mod features;
mod model;
pub mod name_breaks;
mod score;
pub(crate) mod titles;
mod train;

pub use score::{evaluate_ner, NerScores, TypeScores};
pub use train::{train_ner, NerTrainConfig};

use crate::error::Result;
use crate::segment::Segmentation;
use crate::span::Span;
use features::{tok_attrs, TokAttrs};
use model::{Model, Tag};
use std::sync::{Arc, OnceLock};

/// The kinds of entity the tagger finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntityType {
    Person,
    Organization,
    /// Places: CoreNLP's LOCATION, CITY, STATE_OR_PROVINCE and COUNTRY.
    Location,
    /// Other names: CoreNLP's MISC, NATIONALITY, RELIGION, IDEOLOGY, CAUSE_OF_DEATH and
    /// CRIMINAL_CHARGE ("Republican", "American", "Obamacare").
    Other,
    /// Titles and roles: "President", "Attorney General", "spokesman", "Sen.", "D-Minn.".
    Title,
}

impl EntityType {
    pub const ALL: [EntityType; 5] = [
        EntityType::Person,
        EntityType::Organization,
        EntityType::Location,
        EntityType::Other,
        EntityType::Title,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::Person => "person",
            EntityType::Organization => "organization",
            EntityType::Location => "location",
            EntityType::Other => "other",
            EntityType::Title => "title",
        }
    }

    /// The inverse of [`EntityType::as_str`].
    pub fn parse(s: &str) -> Option<EntityType> {
        EntityType::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The type of a CoreNLP NER class; `None` for `O` and the numeric and date classes.
    pub fn from_corenlp(label: &str) -> Option<EntityType> {
        Some(match label {
            "PERSON" => EntityType::Person,
            "ORGANIZATION" => EntityType::Organization,
            "LOCATION" | "CITY" | "STATE_OR_PROVINCE" | "COUNTRY" => EntityType::Location,
            "MISC" | "NATIONALITY" | "RELIGION" | "IDEOLOGY" | "CAUSE_OF_DEATH"
            | "CRIMINAL_CHARGE" => EntityType::Other,
            "TITLE" => EntityType::Title,
            _ => return None,
        })
    }
}

/// One entity mention: a byte span of the text and its type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntityMention {
    pub span: Span,
    pub kind: EntityType,
}

/// The named-entity tagger. Cheap to clone (the model is shared).
#[derive(Clone, Debug)]
pub struct Tagger {
    /// `None` only when the embedded model is unusable: then only the title rules run.
    model: Option<Arc<Model>>,
}

/// The committed model, `models/ner.bin` at the workspace root.
pub(crate) static EMBEDDED_BYTES: &[u8] = include_bytes!("../../../../models/ner.bin");

impl Tagger {
    /// The committed model. If it fails to load (only while bootstrapping a new model
    /// format) the tagger runs the title rules alone.
    pub fn embedded() -> Tagger {
        static EMBEDDED: OnceLock<Tagger> = OnceLock::new();
        EMBEDDED
            .get_or_init(|| Tagger::from_bytes(EMBEDDED_BYTES).unwrap_or(Tagger { model: None }))
            .clone()
    }

    /// Loads a model file; [`crate::Error::Model`] if it is not a valid model.
    pub fn from_bytes(bytes: &[u8]) -> Result<Tagger> {
        Ok(Tagger {
            model: Some(Arc::new(Model::from_bytes(bytes)?)),
        })
    }

    /// Whether a statistical model is loaded (false: title rules only).
    pub fn has_model(&self) -> bool {
        self.model.is_some()
    }

    /// The model's entity types (without the rule-made titles).
    pub fn model_types(&self) -> Vec<EntityType> {
        let mut out: Vec<EntityType> = self
            .model
            .iter()
            .flat_map(|m| m.labels.iter().filter_map(|l| l.kind()))
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// The entity mentions of a segmented text, sorted by span and non-overlapping.
    pub fn tag(&self, text: &str, seg: &Segmentation) -> Vec<EntityMention> {
        let mut out = match &self.model {
            Some(model) => model_mentions(model, text, seg),
            None => Vec::new(),
        };
        name_breaks::split_at_breaks(text, seg, &mut out);
        titles::merge_titles(text, seg, &mut out);
        out.retain(|m| !m.span.is_empty() && text.get(m.span.range()).is_some());
        out
    }
}

/// Token sequences the tagger decodes: paragraphs (all tokens if there are none).
pub(crate) fn sequences(seg: &Segmentation) -> Vec<std::ops::Range<usize>> {
    let n = seg.tokens.len();
    let mut out = Vec::new();
    for p in &seg.paragraphs {
        let first = seg.sentences.get(p.sentences.start).map(|s| s.tokens.start);
        let last = p
            .sentences
            .end
            .checked_sub(1)
            .and_then(|k| seg.sentences.get(k))
            .map(|s| s.tokens.end);
        if let (Some(a), Some(b)) = (first, last) {
            let (a, b) = (a.min(n), b.min(n));
            if a < b {
                out.push(a..b);
            }
        }
    }
    if out.is_empty() && n > 0 {
        out.push(0..n);
    }
    out
}

/// The attributes of every token (gazetteer left empty); `text.get` guards against a
/// segmentation made for another text.
pub(crate) fn token_attrs(text: &str, seg: &Segmentation) -> Vec<TokAttrs> {
    let mut initial = vec![false; seg.tokens.len()];
    for s in &seg.sentences {
        if let Some(x) = initial.get_mut(s.tokens.start) {
            *x = true;
        }
    }
    seg.tokens
        .iter()
        .zip(initial)
        .map(|(t, init)| tok_attrs(text.get(t.span.range()).unwrap_or(""), init))
        .collect()
}

/// Entity spans of a decoded label sequence over `tokens[range]`.
pub(crate) fn spans_of(
    labels: &[Tag],
    decoded: &[usize],
    seg: &Segmentation,
    range: std::ops::Range<usize>,
    out: &mut Vec<EntityMention>,
) {
    let mut open: Option<(usize, usize, EntityType)> = None; // first, last token, type
    let flush = |open: &mut Option<(usize, usize, EntityType)>, out: &mut Vec<EntityMention>| {
        if let Some((a, b, kind)) = open.take() {
            out.push(EntityMention {
                span: Span::new(seg.tokens[a].span.start, seg.tokens[b].span.end),
                kind,
            });
        }
    };
    for (k, &l) in decoded.iter().enumerate() {
        let tok = range.start + k;
        match labels[l] {
            Tag::O => flush(&mut open, out),
            Tag::B(t) => {
                flush(&mut open, out);
                open = Some((tok, tok, t));
            }
            Tag::I(t) => match &mut open {
                Some((_, last, kind)) if *kind == t => *last = tok,
                _ => {
                    flush(&mut open, out);
                    open = Some((tok, tok, t));
                }
            },
        }
    }
    flush(&mut open, out);
}

fn model_mentions(model: &Model, text: &str, seg: &Segmentation) -> Vec<EntityMention> {
    let mut attrs = token_attrs(text, seg);
    for a in &mut attrs {
        a.gaz = model.gaz(a.lower);
    }
    let mut out = Vec::new();
    let mut scratch = Vec::with_capacity(features::MAX_STATIC);
    let mut decoded = Vec::new();
    for range in sequences(seg) {
        model.decode(&attrs[range.clone()], &mut scratch, &mut decoded);
        spans_of(&model.labels, &decoded, seg, range, &mut out);
    }
    out
}

#[cfg(test)]
mod tests;
