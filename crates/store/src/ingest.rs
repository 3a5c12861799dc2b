//! Writing one analysed article: the rows are prepared outside the transaction
//! ([`prepare`]), then written ([`write`]) inside it.

use crate::canon::{self, content_hash, normalize_name, plausible_alias, speaker_key, tidy};
use crate::db::{Conn, Value};
use crate::{IngestReport, Result};
use std::collections::{BTreeMap, BTreeSet};
use verbatim_core::{Analysis, Article, CharOffsets, Span};

pub(crate) struct Prepared {
    pub origin: String,
    article: Vec<Value>,
    entities: Vec<[Value; 5]>,
    /// (name, type) → (quotes, aliases)
    speakers: BTreeMap<(String, &'static str), (i64, BTreeSet<String>)>,
    attributions: Vec<PreparedAttribution>,
}

struct PreparedAttribution {
    key: Option<(String, &'static str)>,
    values: Vec<Value>,
}

fn words(s: &str) -> BTreeSet<String> {
    normalize_name(s)
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

fn join_pieces(text: &str, spans: &[Span], sep: &str) -> String {
    spans
        .iter()
        .map(|s| s.slice(text).trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(sep)
}

fn spans_json(offsets: &CharOffsets, spans: &[Span]) -> String {
    let v: Vec<[usize; 2]> = spans.iter().map(|&s| offsets.span_to_chars(s)).collect();
    serde_json::to_string(&v).unwrap_or_else(|_| "[]".into())
}

/// `YYYY-MM-DD` of the publication date, else of the dateline date, else empty.
fn day(article: &Article) -> String {
    let meta = &article.meta;
    meta.published
        .or(meta.dateline.as_ref().and_then(|d| d.date))
        .map(|t| t.to_string().chars().take(10).collect())
        .unwrap_or_default()
}

pub(crate) fn prepare(article: &Article, analysis: &Analysis) -> Prepared {
    let text = &article.text;
    let offsets = CharOffsets::new(text);
    let meta = &article.meta;
    let dateline = meta.dateline.as_ref();
    let day = day(article);
    let article_values = vec![
        article.id.as_str().into(),
        meta.url.clone().into(),
        meta.url.as_deref().map(content_hash).into(),
        content_hash(text).into(),
        meta.outlet.clone().into(),
        meta.headline.clone().into(),
        meta.published.map(|t| t.to_string()).into(),
        meta.updated.map(|t| t.to_string()).into(),
        day.as_str().into(),
        dateline.and_then(|d| d.place.clone()).into(),
        dateline.and_then(|d| d.date).map(|t| t.to_string()).into(),
        dateline.and_then(|d| d.agency.clone()).into(),
        meta.byline.clone().into(),
        article.origin.as_str().into(),
        text.as_str().into(),
        (analysis.attributions.len() as i64).into(),
    ];
    let entities = analysis
        .entities
        .iter()
        .map(|e| {
            let mentions: Vec<[usize; 2]> = e
                .mentions
                .iter()
                .map(|&s| offsets.span_to_chars(s))
                .collect();
            [
                (e.id as i64).into(),
                e.name.as_str().into(),
                e.kind.as_str().into(),
                serde_json::to_string(&mentions).unwrap_or_default().into(),
                serde_json::to_string(&e.titles).unwrap_or_default().into(),
            ]
        })
        .collect();
    let mut speakers: BTreeMap<(String, &'static str), (i64, BTreeSet<String>)> = BTreeMap::new();
    let mut attributions = Vec::new();
    for (idx, a) in analysis.attributions.iter().enumerate() {
        let source_text = join_pieces(text, &a.source, " ");
        let key = a.speaker.as_ref().and_then(speaker_key);
        if let (Some(k), Some(s)) = (&key, &a.speaker) {
            let entry = speakers.entry(k.clone()).or_default();
            entry.0 += 1;
            entry.1.insert(k.0.clone());
            let mut names = vec![tidy(&source_text)];
            if let Some(e) = s
                .entity
                .and_then(|i| analysis.entities.iter().find(|e| e.id == i))
            {
                names.extend(e.mentions.iter().map(|m| tidy(m.slice(text))));
            }
            let name_words = words(&k.0);
            for n in names {
                // Only names that share a word with the canonical name: "Sessions" for Jeff
                // Sessions, not a bare title ("the President") or a pronoun.
                let shares = words(&n).iter().any(|w| name_words.contains(w));
                if plausible_alias(&n) && shares {
                    entry.1.insert(n);
                }
            }
        }
        let sp = a.speaker.as_ref();
        attributions.push(PreparedAttribution {
            key,
            values: vec![
                (idx as i64).into(),
                day.as_str().into(),
                a.kind.as_str().into(),
                spans_json(&offsets, &a.source).into(),
                spans_json(&offsets, &a.cue).into(),
                spans_json(&offsets, &a.content).into(),
                source_text.into(),
                join_pieces(text, &a.cue, " … ").into(),
                join_pieces(text, &a.content, " … ").into(),
                sp.map(|s| s.name.clone()).into(),
                sp.map(|s| s.kind.as_str()).into(),
                sp.and_then(|s| s.entity).map(|e| e as i64).into(),
                sp.and_then(|s| s.description.clone()).into(),
                sp.and_then(|s| s.affiliation.clone()).into(),
            ],
        });
    }
    Prepared {
        origin: article.origin.clone(),
        article: article_values,
        entities,
        speakers,
        attributions,
    }
}

pub(crate) fn write(conn: &mut dyn Conn, p: &Prepared, report: &mut IngestReport) -> Result<()> {
    let rows = conn.query(
        "INSERT INTO articles (key, url, url_hash, hash, outlet, headline, published, updated,
             day, dateline_place, dateline_date, dateline_agency, byline, origin, text,
             n_attributions)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
         ON CONFLICT DO NOTHING RETURNING id",
        &p.article,
    )?;
    let Some(article_id) = rows.first().and_then(|r| r[0].int()) else {
        report.duplicates += 1;
        return Ok(());
    };
    report.stored += 1;
    for e in &p.entities {
        let mut params = vec![Value::Int(article_id)];
        params.extend(e.iter().cloned());
        conn.exec(
            "INSERT INTO entities (article_id, idx, name, type, mentions, titles)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            &params,
        )?;
    }
    let mut speaker_ids = BTreeMap::new();
    for ((name, kind), (count, aliases)) in &p.speakers {
        let rows = conn.query(
            "INSERT INTO speakers (name, type, quote_count, article_count) VALUES (?1, ?2, ?3, 1)
             ON CONFLICT (name, type) DO UPDATE SET
               quote_count = speakers.quote_count + excluded.quote_count,
               article_count = speakers.article_count + 1
             RETURNING id",
            &[name.as_str().into(), (*kind).into(), (*count).into()],
        )?;
        let id = rows.first().and_then(|r| r[0].int()).unwrap_or_default();
        speaker_ids.insert((name.clone(), *kind), id);
        for alias in aliases {
            let alias: String = alias.chars().take(canon::MAX_NAME).collect();
            conn.exec(
                "INSERT INTO speaker_aliases (speaker_id, alias, norm) VALUES (?1, ?2, ?3)
                 ON CONFLICT DO NOTHING",
                &[
                    id.into(),
                    alias.as_str().into(),
                    normalize_name(&alias).into(),
                ],
            )?;
        }
    }
    for a in &p.attributions {
        let speaker_id = a.key.as_ref().and_then(|k| speaker_ids.get(k).copied());
        let mut params = Vec::with_capacity(a.values.len() + 2);
        params.push(Value::Int(article_id));
        params.extend(a.values.iter().cloned());
        params.push(speaker_id.into());
        conn.exec(
            "INSERT INTO attributions (article_id, idx, day, kind, source, cue, content,
                 source_text, cue_text, content_text, speaker_name, speaker_type,
                 speaker_entity, speaker_description, speaker_affiliation, speaker_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
            &params,
        )?;
        report.attributions += 1;
    }
    Ok(())
}
