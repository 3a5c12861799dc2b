//! The JSON form of an analysed article (`verbatim extract` output). Offsets here are Unicode
//! code-point offsets, end exclusive, as in PolNeAR and Python; the conversion from the byte
//! spans used everywhere else happens in [`ExtractRecord::new`] and, for records read back
//! ([`read_record`]: loading pre-extracted records into a store), in [`read_record`].

use crate::article::{Article, Dateline, Meta, Timestamp};
use crate::attribute::{Attribution, CueClass, Kind};
use crate::ingest::dates::parse_timestamp;
use crate::pipeline::Analysis;
use crate::producer::Producer;
use crate::resolve::Entity;
use crate::resolve::{Evidence, Gender, Speaker, SpeakerType, Via};
use crate::span::{CharOffsets, Span};
use crate::tag::EntityType;
use serde::{Deserialize, Serialize};

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
    pub cue_class: &'static str,
    pub source: Vec<[usize; 2]>,
    pub cue: Vec<[usize; 2]>,
    pub content: Vec<[usize; 2]>,
    pub speaker: Option<SpeakerRecord>,
}

/// A resolved speaker as records carry it: [`Speaker`] with the antecedent in code points.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpeakerRecord {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: SpeakerType,
    pub entity: Option<usize>,
    pub description: Option<String>,
    pub affiliation: Option<String>,
    pub role: Option<String>,
    pub issuer: Option<String>,
    pub via: Via,
    pub evidence: String,
    pub antecedent: Option<[usize; 2]>,
    pub confidence: f64,
    pub gender: Option<Gender>,
}

impl SpeakerRecord {
    pub fn new(s: &Speaker, offsets: &CharOffsets) -> SpeakerRecord {
        SpeakerRecord {
            name: s.name.clone(),
            kind: s.kind,
            entity: s.entity,
            description: s.description.clone(),
            affiliation: s.affiliation.clone(),
            role: s.role.clone(),
            issuer: s.issuer.clone(),
            via: s.via(),
            evidence: s.evidence.as_str().to_string(),
            antecedent: s.antecedent.map(|a| offsets.span_to_chars(a)),
            confidence: s.confidence,
            gender: s.gender,
        }
    }
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
                    cue_class: a.cue_class.as_str(),
                    source: spans(&a.source),
                    cue: spans(&a.cue),
                    content: spans(&a.content),
                    speaker: a.speaker.as_ref().map(|s| SpeakerRecord::new(s, &offsets)),
                })
                .collect(),
            producer: Producer::clone(&analysis.producer),
        }
    }
}

/// An extract record read back: the article, what was found in it (byte spans again), and
/// what found it.
#[derive(Debug)]
pub struct Extracted {
    pub article: Article,
    pub entities: Vec<Entity>,
    pub attributions: Vec<Attribution>,
    pub producer: Producer,
}

/// The record as [`ExtractRecord`] writes it, every member required.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RecordIn {
    id: String,
    headline: Option<String>,
    published: Option<String>,
    updated: Option<String>,
    dateline: Option<DatelineIn>,
    byline: Option<String>,
    outlet: Option<String>,
    url: Option<String>,
    text: String,
    entities: Vec<EntityIn>,
    attributions: Vec<AttributionIn>,
    producer: Producer,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DatelineIn {
    place: Option<String>,
    date: Option<String>,
    agency: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntityIn {
    id: usize,
    name: String,
    #[serde(rename = "type")]
    kind: String,
    mentions: Vec<[usize; 2]>,
    titles: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AttributionIn {
    kind: String,
    cue_class: String,
    source: Vec<[usize; 2]>,
    cue: Vec<[usize; 2]>,
    content: Vec<[usize; 2]>,
    speaker: Option<SpeakerRecord>,
}

/// Whether a JSONL line is an extract record: an object with top-level `attributions` and
/// `producer` members. Only the member names are parsed.
pub fn is_record(line: &str) -> bool {
    // A quoted key followed by its closing quote cannot occur inside a JSON string (its
    // quotes are escaped), so lines without both are settled without parsing.
    if !(line.contains("\"producer\"") && line.contains("\"attributions\"")) {
        return false;
    }
    let Ok(members) =
        serde_json::from_str::<std::collections::BTreeMap<String, serde::de::IgnoredAny>>(line)
    else {
        return false;
    };
    members.contains_key("producer") && members.contains_key("attributions")
}

/// Reads one `verbatim extract` record back (`origin` becomes the article's origin): every
/// member must be there, as the schema says, and every span inside the text; the message of
/// an error names the member at fault.
pub fn read_record(line: &str, origin: &str) -> Result<Extracted, String> {
    let r: RecordIn =
        serde_json::from_str(line).map_err(|e| format!("invalid extract record: {e}"))?;
    let offsets = CharOffsets::new(&r.text);
    let n_chars = offsets.len_chars();
    let spans = |what: &str, v: &[[usize; 2]]| -> Result<Vec<Span>, String> {
        v.iter()
            .map(|&[start, end]| {
                if start > end || end > n_chars {
                    return Err(format!(
                        "{what}: span [{start}, {end}] is not inside the text ({n_chars} characters)"
                    ));
                }
                Ok(Span::new(offsets.to_byte(start), offsets.to_byte(end)))
            })
            .collect()
    };
    let date = |what: &str, s: Option<String>| -> Result<Option<Timestamp>, String> {
        s.map(|s| parse_timestamp(&s).ok_or_else(|| format!("{what}: unparseable date {s:?}")))
            .transpose()
    };
    let mut entities = Vec::with_capacity(r.entities.len());
    for (i, e) in r.entities.into_iter().enumerate() {
        let what = format!("entities[{i}]");
        let kind = EntityType::parse(&e.kind)
            .ok_or_else(|| format!("{what}: unknown type {:?}", e.kind))?;
        entities.push(Entity {
            id: e.id,
            name: e.name,
            kind,
            mentions: spans(&what, &e.mentions)?,
            titles: e.titles,
        });
    }
    let mut attributions = Vec::with_capacity(r.attributions.len());
    for (i, a) in r.attributions.into_iter().enumerate() {
        let what = format!("attributions[{i}]");
        let kind =
            Kind::parse(&a.kind).ok_or_else(|| format!("{what}: unknown kind {:?}", a.kind))?;
        if let Some(e) = a.speaker.as_ref().and_then(|s| s.entity) {
            if !entities.iter().any(|x| x.id == e) {
                return Err(format!(
                    "{what}: speaker entity {e} is not among the entities"
                ));
            }
        }
        let cue_class = CueClass::parse(&a.cue_class)
            .ok_or_else(|| format!("{what}: unknown cue class {:?}", a.cue_class))?;
        let speaker = match a.speaker {
            Some(s) => {
                if !(0.0..=1.0).contains(&s.confidence) {
                    return Err(format!(
                        "{what}: speaker confidence {} is not in [0, 1]",
                        s.confidence
                    ));
                }
                let antecedent = match s.antecedent {
                    Some(a) => Some(spans(&format!("{what}.speaker.antecedent"), &[a])?[0]),
                    None => None,
                };
                let evidence = Evidence::parse(&s.evidence)
                    .ok_or_else(|| format!("{what}: unknown speaker evidence {:?}", s.evidence))?;
                if evidence.via() != s.via {
                    return Err(format!(
                        "{what}: speaker via {:?} disagrees with its evidence {:?} (via {:?})",
                        s.via.as_str(),
                        s.evidence,
                        evidence.via().as_str()
                    ));
                }
                Some(Speaker {
                    evidence,
                    name: s.name,
                    kind: s.kind,
                    entity: s.entity,
                    description: s.description,
                    affiliation: s.affiliation,
                    role: s.role,
                    issuer: s.issuer,
                    antecedent,
                    confidence: s.confidence,
                    gender: s.gender,
                })
            }
            None => None,
        };
        attributions.push(Attribution {
            kind,
            cue_class,
            source: spans(&what, &a.source)?,
            cue: spans(&what, &a.cue)?,
            content: spans(&what, &a.content)?,
            speaker,
        });
    }
    let dateline = match r.dateline {
        Some(d) => Some(Dateline {
            place: d.place,
            date: date("dateline.date", d.date)?,
            agency: d.agency,
        }),
        None => None,
    };
    let meta = Meta {
        headline: r.headline,
        published: date("published", r.published)?,
        updated: date("updated", r.updated)?,
        dateline,
        byline: r.byline,
        outlet: r.outlet,
        url: r.url,
    };
    Ok(Extracted {
        article: Article {
            id: r.id,
            text: r.text,
            meta,
            origin: origin.to_string(),
        },
        entities,
        attributions,
        producer: r.producer,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Pipeline;

    fn record_line(article: &Article) -> String {
        let analysis = Pipeline::new().analyze(article);
        serde_json::to_string(&ExtractRecord::new(article, &analysis)).unwrap()
    }

    fn wire_story() -> Article {
        Article {
            id: "ani-1".into(),
            text: "Washington D.C. [USA], Mar. 3 (ANI): Senator Jeff Sessions said on Friday \
                   that he would recuse himself. \u{201c}I never met with them,\u{201d} \
                   Sessions told reporters. The café was closed, a spokesman said."
                .into(),
            origin: "in.jsonl:1".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_record_reads_back_as_the_analysis_it_was_written_from() {
        let mut article = wire_story();
        article.meta = crate::ingest::recognize(&article.text);
        article.meta.url = Some("https://example.com/a".into());
        let analysis = Pipeline::new().analyze(&article);
        let line = record_line(&article);
        assert!(is_record(&line));
        let back = read_record(&line, "rec.jsonl:7").unwrap();
        assert_eq!(back.article.text, article.text);
        assert_eq!(back.article.id, article.id);
        assert_eq!(back.article.meta, article.meta);
        assert_eq!(back.article.origin, "rec.jsonl:7");
        assert_eq!(back.entities, analysis.entities);
        assert_eq!(back.attributions, analysis.attributions);
        assert_eq!(back.producer, Producer::embedded());
        assert!(!back.attributions.is_empty());
    }

    #[test]
    fn only_objects_with_attributions_and_producer_are_records() {
        assert!(!is_record(
            r#"{"text": "The \"producer\" said \"attributions\"."}"#
        ));
        assert!(!is_record(r#"{"text": "x", "attributions": []}"#));
        assert!(!is_record(
            r#"{"text": "x", "meta": {"producer": 1, "attributions": 2}}"#
        ));
        assert!(!is_record(r#"["producer", "attributions"]"#));
        assert!(is_record(r#"{"producer": 1, "attributions": 2}"#));
    }

    fn check_error(edit: &dyn Fn(&mut serde_json::Value), expected: &str) {
        let mut v: serde_json::Value = serde_json::from_str(&record_line(&wire_story())).unwrap();
        edit(&mut v);
        let message = read_record(&v.to_string(), "r:1").unwrap_err();
        assert!(message.contains(expected), "{message:?} lacks {expected:?}");
    }

    #[test]
    fn a_malformed_record_is_an_error_naming_the_member() {
        check_error(
            &|v| v["attributions"][0]["cue"] = serde_json::json!([[5, 100000]]),
            "attributions[0]: span [5, 100000] is not inside the text",
        );
        check_error(
            &|v| v["attributions"][0]["content"] = serde_json::json!([[9, 3]]),
            "attributions[0]: span [9, 3]",
        );
        check_error(
            &|v| v["attributions"][0]["kind"] = "rumour".into(),
            "unknown kind \"rumour\"",
        );
        check_error(
            &|v| v["entities"][0]["type"] = "x".into(),
            "entities[0]: unknown type",
        );
        check_error(
            &|v| v["published"] = "soon".into(),
            "published: unparseable date",
        );
        // The speaker's provenance: its rule must be known, agree with its `via`, and its
        // confidence be a probability.
        let speaker = |member: &'static str, value: serde_json::Value| {
            move |v: &mut serde_json::Value| {
                let atts = v["attributions"].as_array_mut().unwrap();
                let a = atts.iter_mut().find(|a| a["speaker"].is_object()).unwrap();
                a["speaker"][member] = value.clone();
            }
        };
        check_error(
            &speaker("evidence", "hunch".into()),
            "unknown speaker evidence \"hunch\"",
        );
        check_error(
            &speaker("via", "byline".into()),
            "disagrees with its evidence",
        );
        check_error(&speaker("confidence", 1.5.into()), "is not in [0, 1]");
        check_error(
            &|v| {
                v.as_object_mut().unwrap().remove("entities");
            },
            "missing field `entities`",
        );
        check_error(&|v| v["surprise"] = 1.into(), "unknown field `surprise`");
    }
}
