//! The JSON form of an analysed article (`verbatim extract` output). Offsets here are Unicode
//! code-point offsets, end exclusive, as in PolNeAR and Python; the conversion from the byte
//! spans used everywhere else happens in [`ExtractRecord::new`] and nowhere else.

use crate::article::Article;
use crate::pipeline::Analysis;
use crate::producer::Producer;
use crate::resolve::Speaker;
use crate::span::{CharOffsets, Span};
use serde::Serialize;

/// One article as `verbatim extract` writes it: one JSON object per line.
#[derive(Debug, Serialize)]
pub struct ExtractRecord {
    pub id: String,
    pub headline: Option<String>,
    pub published: Option<String>,
    pub updated: Option<String>,
    pub dateline: Option<DatelineRecord>,
    pub byline: Option<String>,
    pub outlet: Option<String>,
    pub url: Option<String>,
    pub text: String,
    pub entities: Vec<EntityRecord>,
    pub attributions: Vec<AttributionRecord>,
    /// The version and models that made the record.
    pub producer: Producer,
}

#[derive(Debug, Serialize)]
pub struct DatelineRecord {
    pub place: Option<String>,
    pub date: Option<String>,
    pub agency: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct EntityRecord {
    pub id: usize,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub mentions: Vec<[usize; 2]>,
    /// Titles and roles seen attached to the name ("president"), lower case.
    pub titles: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct AttributionRecord {
    pub kind: &'static str,
    pub source: Vec<[usize; 2]>,
    pub cue: Vec<[usize; 2]>,
    pub content: Vec<[usize; 2]>,
    pub speaker: Option<Speaker>,
}

impl ExtractRecord {
    pub fn new(article: &Article, analysis: &Analysis) -> ExtractRecord {
        let offsets = CharOffsets::new(&article.text);
        let spans = |v: &[Span]| {
            v.iter()
                .map(|&s| offsets.span_to_chars(s))
                .collect::<Vec<_>>()
        };
        let meta = &article.meta;
        ExtractRecord {
            id: article.id.clone(),
            headline: meta.headline.clone(),
            published: meta.published.map(|t| t.to_string()),
            updated: meta.updated.map(|t| t.to_string()),
            dateline: meta.dateline.as_ref().map(|d| DatelineRecord {
                place: d.place.clone(),
                date: d.date.map(|t| t.to_string()),
                agency: d.agency.clone(),
            }),
            byline: meta.byline.clone(),
            outlet: meta.outlet.clone(),
            url: meta.url.clone(),
            text: article.text.clone(),
            entities: analysis
                .entities
                .iter()
                .map(|e| EntityRecord {
                    id: e.id,
                    name: e.name.clone(),
                    kind: e.kind.as_str().to_string(),
                    mentions: spans(&e.mentions),
                    titles: e.titles.clone(),
                })
                .collect(),
            attributions: analysis
                .attributions
                .iter()
                .map(|a| AttributionRecord {
                    kind: a.kind.as_str(),
                    source: spans(&a.source),
                    cue: spans(&a.cue),
                    content: spans(&a.content),
                    speaker: a.speaker.clone(),
                })
                .collect(),
            producer: Producer::clone(&analysis.producer),
        }
    }
}
