//! Attribution: who said what. An [`Attributor`] finds [`Attribution`]s (source, cue and
//! content spans) in a segmented article.

pub mod cue_class;
mod model;
mod rules;

pub use cue_class::CueClass;
pub(crate) use model::EMBEDDED as EMBEDDED_MODEL;
pub use model::{evaluate, train, DevScores, ModelAttributor, TrainConfig};
pub use rules::RuleAttributor;

use crate::parse::Syntax;
use crate::resolve::Speaker;
use crate::segment::quotes::quoted_share;
use crate::segment::{Quotation, Segmentation};
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
    /// What act the cue reports (speech, writing, thought, ...).
    pub cue_class: CueClass,
    pub source: Vec<Span>,
    pub cue: Vec<Span>,
    pub content: Vec<Span>,
    /// Who the source is, once resolved; `None` when there is no source span.
    pub speaker: Option<Speaker>,
}

impl Attribution {
    /// An attribution of `text` with its kind classified from the cue, the content and the
    /// text's quotations, speaker not yet resolved.
    pub fn new(
        text: &str,
        quotations: &[Quotation],
        source: Vec<Span>,
        cue: Vec<Span>,
        content: Vec<Span>,
    ) -> Attribution {
        let kind = classify(text, quotations, &cue, &content);
        Attribution {
            kind,
            cue_class: cue_class::classify_cue(text, &cue, kind),
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

/// Cuts the text's dateline out of every role (a dateline is metadata, never a source, cue
/// or content); an attribution left without cue or content is dropped.
pub fn outside_dateline(seg: &Segmentation, attributions: &mut Vec<Attribution>) {
    let Some(dateline) = seg.dateline else {
        return;
    };
    let cut = |pieces: &mut Vec<Span>| {
        pieces.retain_mut(|p| {
            if p.start < dateline.end && p.end > dateline.start {
                p.start = p.start.max(dateline.end);
            }
            // What follows the dateline starts at a token: skip the space before it.
            p.start < p.end
        });
    };
    for a in attributions.iter_mut() {
        cut(&mut a.source);
        cut(&mut a.cue);
        cut(&mut a.content);
    }
    attributions.retain(|a| !a.cue.is_empty() && !a.content.is_empty());
}

/// Classifies an attribution by its content and cue: "according to" makes it
/// `according_to`; otherwise the share of the word characters of the content's pieces inside
/// `quotations` (the segmentation's) makes it direct (all), mixed (some) or indirect (none).
pub fn classify(text: &str, quotations: &[Quotation], cue: &[Span], content: &[Span]) -> Kind {
    let according = cue
        .iter()
        .any(|s| s.slice(text).to_lowercase().contains("according to"));
    if according {
        return Kind::AccordingTo;
    }
    if content.is_empty() {
        return Kind::Other;
    }
    match quoted_share(text, quotations, content) {
        None => Kind::Other,
        Some((0, _)) => Kind::Indirect,
        Some((inside, all)) if inside == all => Kind::Direct,
        Some(_) => Kind::Mixed,
    }
}

/// A character of a quote mark, double or single, in any of the conventions of
/// [`crate::segment::quotes`] (for trimming marks off a quotation's text).
pub fn is_quote_mark(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | '`'
            | '\u{201c}'
            | '\u{201d}'
            | '\u{201e}'
            | '\u{201f}'
            | '\u{2018}'
            | '\u{2019}'
            | '\u{201a}'
            | '\u{00ab}'
            | '\u{00bb}'
            | '\u{2039}'
            | '\u{203a}'
            | '\u{2033}'
    )
}

#[cfg(test)]
mod kind_tests {
    use super::*;
    use crate::segment::Segmenter;

    /// The kind of an attribution of `text` whose content is the listed substrings.
    fn kind_of(text: &str, pieces: &[&str], cue: &str) -> Kind {
        let seg = Segmenter::new().segment(text);
        let span_of = |p: &str| {
            let at = text.find(p).expect("piece in text");
            Span::new(at, at + p.len())
        };
        let content: Vec<Span> = pieces.iter().map(|p| span_of(p)).collect();
        classify(text, &seg.quotations, &[span_of(cue)], &content)
    }

    #[test]
    fn kinds_in_every_quote_convention() {
        let direct = [
            ("\"We won,\" he said.", "\"We won,\""),
            ("“We won,” he said.", "“We won,”"),
            ("''We won,'' he said.", "''We won,''"),
            ("``We won,'' he said.", "``We won,''"),
            ("«We won,» he said.", "«We won,»"),
            ("‘We won,’ he said.", "‘We won,’"),
        ];
        for (text, content) in direct {
            assert_eq!(kind_of(text, &[content], "said"), Kind::Direct, "{text}");
        }
        let t = "“If he thinks that,” he asked, “what does he think of you?”";
        assert_eq!(
            kind_of(
                t,
                &["“If he thinks that,”", "“what does he think of you?”"],
                "asked"
            ),
            Kind::Direct
        );
        let t = "He called it ''anti-reform'' and left.";
        assert_eq!(kind_of(t, &["it ''anti-reform''"], "called"), Kind::Mixed);
        let t = "Ryan said Sessions should recuse himself.";
        assert_eq!(
            kind_of(t, &["Sessions should recuse himself"], "said"),
            Kind::Indirect
        );
        let t = "According to CNN, the talks failed.";
        assert_eq!(
            kind_of(t, &["the talks failed"], "According to"),
            Kind::AccordingTo
        );
    }
}
