//! Attribution: who said what. An [`Attributor`] finds [`Attribution`]s (source, cue and
//! content spans) in a segmented article.

mod model;
mod rules;

pub(crate) use model::EMBEDDED as EMBEDDED_MODEL;
pub use model::{evaluate, train, DevScores, ModelAttributor, TrainConfig};
pub use rules::RuleAttributor;

use crate::parse::Syntax;
use crate::resolve::Speaker;
use crate::segment::Segmentation;
use crate::span::Span;

/// What kind of attribution: how the content is reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// The content is a quotation in quote marks: `"I don't think so," he said.`
    Direct,
    /// Reported speech with a quoted fragment inside: `nothing "misleading about his answer"`.
    Mixed,
    /// Reported speech without quote marks: `Ryan said Sessions should recuse himself`.
    Indirect,
    /// `according to CNN, ...`
    AccordingTo,
    /// Anything else with a cue: beliefs, reports, a bare colon cue with no speech verb.
    Other,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Direct => "direct",
            Kind::Mixed => "mixed",
            Kind::Indirect => "indirect",
            Kind::AccordingTo => "according_to",
            Kind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Some(match s {
            "direct" => Kind::Direct,
            "mixed" => Kind::Mixed,
            "indirect" => Kind::Indirect,
            "according_to" => Kind::AccordingTo,
            "other" => Kind::Other,
            _ => return None,
        })
    }
}

/// One attribution relation. Each role is a list of byte spans into the article text
/// (discontinuous roles have several pieces), in text order, non-overlapping.
#[derive(Clone, Debug, PartialEq)]
pub struct Attribution {
    pub kind: Kind,
    pub source: Vec<Span>,
    pub cue: Vec<Span>,
    pub content: Vec<Span>,
    /// Who the source is, once resolved; `None` when there is no source span.
    pub speaker: Option<Speaker>,
}

impl Attribution {
    /// An attribution of `text` with its kind classified from the cue and content, speaker
    /// not yet resolved.
    pub fn new(text: &str, source: Vec<Span>, cue: Vec<Span>, content: Vec<Span>) -> Attribution {
        Attribution {
            kind: classify(text, &cue, &content),
            source,
            cue,
            content,
            speaker: None,
        }
    }

    /// The first byte any role of this attribution covers, for ordering.
    pub fn start(&self) -> usize {
        self.source
            .iter()
            .chain(&self.cue)
            .chain(&self.content)
            .map(|s| s.start)
            .min()
            .unwrap_or(0)
    }
}

/// Finds attributions in an article.
///
/// **Invariant:** an attributor never fails on odd text; it returns what it found. Every span it
/// returns lies on char boundaries of `text` and inside it.
pub trait Attributor: Send + Sync {
    fn attribute(&self, text: &str, seg: &Segmentation, syntax: &Syntax) -> Vec<Attribution>;

    /// What the records it produced say made them (`producer.models.attribution`): a short
    /// hash of a trained model's file bytes ([`crate::producer::model_id`]), or a name.
    fn model_id(&self) -> String;
}

/// Classifies an attribution by its content and cue: quote marks make it direct or mixed,
/// "according to" makes it `according_to`.
pub fn classify(text: &str, cue: &[Span], content: &[Span]) -> Kind {
    let cue_text: String = cue
        .iter()
        .map(|s| s.slice(text).to_lowercase())
        .collect::<Vec<_>>()
        .join(" ");
    if cue_text.contains("according to") {
        return Kind::AccordingTo;
    }
    let Some(first) = content.first() else {
        return Kind::Other;
    };
    let last = content.last().copied().unwrap_or(*first);
    let whole = Span::new(first.start, last.end.max(first.start))
        .slice(text)
        .trim();
    let n_marks = whole.chars().filter(|&c| is_double_quote(c)).count();
    if n_marks == 0 {
        return Kind::Indirect;
    }
    let starts = whole.chars().next().is_some_and(is_double_quote);
    let ends = whole
        .trim_end_matches(['.', ',', ';'])
        .chars()
        .next_back()
        .is_some_and(is_double_quote);
    if starts && (ends || n_marks == 1) {
        Kind::Direct
    } else {
        Kind::Mixed
    }
}

/// Quote marks that open or close a quotation in English news: straight, curly, low-9,
/// guillemets, double prime.
pub fn is_double_quote(c: char) -> bool {
    matches!(
        c,
        '"' | '\u{201c}'
            | '\u{201d}'
            | '\u{201e}'
            | '\u{201f}'
            | '\u{00ab}'
            | '\u{00bb}'
            | '\u{2033}'
    )
}
