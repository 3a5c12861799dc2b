//! Writing one analysed article: the rows are prepared outside the transaction
//! ([`prepare`]), then written ([`write`]) inside it.

use crate::canon::{content_hash, normalize_name, plausible_alias, speaker_key, tidy};
use crate::db::{Conn, Dialect, Value};
use crate::link::{self, MentionInfo, Rules};
use crate::{IngestReport, Result};
use std::collections::{BTreeMap, BTreeSet};
use verbatim_core::link::names::PersonName;
use verbatim_core::link::quotes::QuoteText;
use verbatim_core::resolve::Entity;
use verbatim_core::{Analysis, Article, Attribution, CharOffsets, Span};

/// An analysed article turned into rows, ready to write: see [`crate::prepare`].
pub struct Prepared {
    pub(crate) origin: String,
    /// NUL characters of the article's values, stored as U+FFFD.
    nul_replaced: usize,
    article: Vec<Value>,
    day: String,
    entities: Vec<[Value; 5]>,
    /// (name, type) → what the article says of that speaker
    speakers: BTreeMap<(String, &'static str), Mention>,
    attributions: Vec<PreparedAttribution>,
}

/// One speaker of one article.
#[derive(Default)]
struct Mention {
    quotes: i64,
    aliases: BTreeSet<String>,
    titles: BTreeSet<String>,
}

/// What the batch being written changed beyond its own rows: the speakers and clusters whose
/// derived values must be recomputed before it commits.
#[derive(Default)]
pub(crate) struct Touched {
    pub speakers: link::Pending,
    /// Cluster id → the quotes that joined it in this batch.
    pub clusters: BTreeMap<i64, BTreeSet<i64>>,
    /// The band keys of the batch's quotes, read when it starts, written when it finishes.
    bands: crate::cluster::Bands,
    /// The id of the batch's first stored article (the later ones have larger ids).
    first_article: Option<i64>,
}

/// Starts writing a batch of prepared articles (inside its transaction): reads what their
/// quotes will be compared with.
pub(crate) fn start(conn: &mut dyn Conn, batch: &[Prepared]) -> Result<Touched> {
    let keys = batch
        .iter()
        .flat_map(|p| &p.attributions)
        .filter_map(|a| a.cluster.as_ref())
        .flat_map(|(_, keys)| keys.iter().copied())
        .collect();
    Ok(Touched {
        bands: crate::cluster::Bands::load(conn, keys)?,
        ..Touched::default()
    })
}

struct PreparedAttribution {
    key: Option<(String, &'static str)>,
    /// The words quotes are clustered by (see [`crate::cluster::clustering_text`]) and their
    /// band keys, when long enough to cluster.
    cluster: Option<(QuoteText, Vec<i64>)>,
    values: Vec<Value>,
}

fn words(s: &str) -> BTreeSet<String> {
    normalize_name(s)
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

/// A name as it is listed: trailing punctuation and a possessive ending removed ("Trump's",
/// "Clinton," → "Trump", "Clinton").
fn bare_name(name: &str) -> String {
    let mut n = name.trim_end_matches([',', ';', ':', '.', ' ']);
    for suffix in ["'s", "\u{2019}s", "'", "\u{2019}"] {
        if let Some(stripped) = n.strip_suffix(suffix) {
            n = stripped;
            break;
        }
    }
    let n = n.trim_end_matches([',', ' ']);
    // "Jr." and initials keep their period.
    if name.ends_with('.')
        && (n.ends_with("Jr") || n.ends_with("Sr") || n.chars().rev().nth(1) == Some(' '))
    {
        return format!("{n}.");
    }
    n.to_string()
}

/// Whether `alias` (a source phrase or a name mention) is another name for the speaker named
/// `name`: a plausible name sharing a word with it and, for people, naming a compatible person
/// ("Sessions" and "Sen. Jeff Sessions" for Jeff Sessions; not "Trump May Not Have", not
/// "Clinton Communication Director Jennifer Palmieri" for Hillary Clinton).
fn alias_fits(alias: &str, name: &str, kind: &str) -> bool {
    if !plausible_alias(alias) {
        return false;
    }
    if kind == "person" {
        return match (PersonName::parse(alias), PersonName::parse(name)) {
            (Some(a), Some(n)) => a.compatible(&n),
            _ => false,
        };
    }
    let name_words = words(name);
    words(alias).iter().any(|w| name_words.contains(w))
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

/// One span as `[start, end]` in code points (an antecedent).
fn span_json(offsets: &CharOffsets, span: Span) -> String {
    let [start, end] = offsets.span_to_chars(span);
    format!("[{start},{end}]")
}

/// `YYYY-MM-DD` of the publication date, else of the dateline date, else empty.
fn day(article: &Article) -> String {
    let meta = &article.meta;
    meta.published
        .or(meta.dateline.as_ref().and_then(|d| d.date))
        .map(|t| t.to_string().chars().take(10).collect())
        .unwrap_or_default()
}

/// Turns an analysed article into rows (pure: no database; callers may run it on any thread).
pub fn prepare(article: &Article, analysis: &Analysis) -> Prepared {
    prepare_found(article, &analysis.entities, &analysis.attributions)
}

/// [`prepare`] from what an analysis found, e.g. an extract record read back
/// (`verbatim_core::wire::read_record`): the rows are the same as the analysis's.
pub fn prepare_found(
    article: &Article,
    found_entities: &[Entity],
    found_attributions: &[Attribution],
) -> Prepared {
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
        (found_attributions.len() as i64).into(),
    ];
    let entities = found_entities
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
    let mut speakers: BTreeMap<(String, &'static str), Mention> = BTreeMap::new();
    let mut attributions = Vec::new();
    for (idx, a) in found_attributions.iter().enumerate() {
        let source_text = join_pieces(text, &a.source, " ");
        let key = a.speaker.as_ref().and_then(speaker_key);
        if let (Some(k), Some(s)) = (&key, &a.speaker) {
            let entry = speakers.entry(k.clone()).or_default();
            entry.quotes += 1;
            entry.aliases.insert(k.0.clone());
            let mut names = vec![tidy(&source_text)];
            if let Some(e) = s
                .entity
                .and_then(|i| found_entities.iter().find(|e| e.id == i))
            {
                names.extend(e.mentions.iter().map(|m| tidy(m.slice(text))));
                entry.titles.extend(e.titles.iter().cloned());
            }
            for n in names {
                let n = bare_name(&n);
                if alias_fits(&n, &k.0, k.1) {
                    entry.aliases.insert(n);
                }
            }
        }
        let sp = a.speaker.as_ref();
        let content_text = join_pieces(text, &a.content, " … ");
        attributions.push(PreparedAttribution {
            key,
            cluster: crate::cluster::clustering_text(a.kind.as_str(), &content_text).and_then(
                |t| {
                    let q = QuoteText::new(&t);
                    q.bands().map(|b| (q, b))
                },
            ),
            values: vec![
                (idx as i64).into(),
                day.as_str().into(),
                a.kind.as_str().into(),
                a.cue_class.as_str().into(),
                spans_json(&offsets, &a.source).into(),
                spans_json(&offsets, &a.cue).into(),
                spans_json(&offsets, &a.content).into(),
                source_text.into(),
                join_pieces(text, &a.cue, " … ").into(),
                content_text.into(),
                sp.map(|s| s.name.clone()).into(),
                sp.map(|s| s.kind.as_str()).into(),
                sp.and_then(|s| s.entity).map(|e| e as i64).into(),
                sp.and_then(|s| s.description.clone()).into(),
                sp.and_then(|s| s.affiliation.clone()).into(),
                sp.and_then(|s| s.role.clone()).into(),
                sp.and_then(|s| s.issuer.clone()).into(),
                sp.map(|s| s.via().as_str()).into(),
                sp.map(|s| s.evidence.as_str()).into(),
                sp.and_then(|s| s.antecedent)
                    .map(|span| span_json(&offsets, span))
                    .into(),
                sp.map_or(Value::Null, |s| Value::Real(s.confidence)),
                sp.and_then(|s| s.gender).map(|g| g.as_str()).into(),
            ],
        });
    }
    // NUL in any text becomes U+FFFD when it is written (`db::without_nul`); the spans and
    // texts derived from the article hold no NUL that the article's own values do not.
    let nul_replaced = article_values
        .iter()
        .map(|v| match v {
            Value::Text(s) => s.matches('\0').count(),
            _ => 0,
        })
        .sum();
    Prepared {
        origin: article.origin.clone(),
        nul_replaced,
        article: article_values,
        day,
        entities,
        speakers,
        attributions,
    }
}

/// Writes one prepared article, linking its speakers and clustering its quotes; `touched`
/// collects what [`finish`] must recompute before the transaction commits.
pub(crate) fn write(
    conn: &mut dyn Conn,
    p: &Prepared,
    rules: &Rules,
    touched: &mut Touched,
    parsed: &mut crate::cluster::ParsedQuotes,
    report: &mut IngestReport,
) -> Result<()> {
    let inserted = conn.insert_id(
        "INSERT INTO articles (key, url, url_hash, hash, outlet, headline, published, updated,
             day, dateline_place, dateline_date, dateline_agency, byline, origin, text,
             n_attributions)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
         ON CONFLICT DO NOTHING",
        &p.article,
    )?;
    let Some(article_id) = inserted else {
        report.duplicates += 1;
        return Ok(());
    };
    report.stored += 1;
    touched.first_article.get_or_insert(article_id);
    if p.nul_replaced > 0 {
        report.warnings.push((
            p.origin.clone(),
            format!(
                "{} NUL character(s) stored as U+FFFD (the store's text cannot hold NUL)",
                p.nul_replaced
            ),
        ));
    }
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
    for ((name, kind), m) in &p.speakers {
        let aliases: Vec<&String> = m.aliases.iter().collect();
        let titles: Vec<&String> = m.titles.iter().collect();
        let info = MentionInfo {
            name,
            kind,
            quotes: m.quotes,
        };
        let (speaker_id, reason) = link::link_mention(conn, &info, rules, &mut touched.speakers)?;
        let mention_id = conn
            .insert_id(
                "INSERT INTO mentions (article_id, name, type, quote_count, aliases, titles, day,
                 speaker_id, reason)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                &[
                    article_id.into(),
                    name.as_str().into(),
                    (*kind).into(),
                    m.quotes.into(),
                    serde_json::to_string(&aliases)?.into(),
                    serde_json::to_string(&titles)?.into(),
                    p.day.as_str().into(),
                    speaker_id.into(),
                    reason.into(),
                ],
            )?
            .unwrap_or_default();

        let aliases: Vec<String> = m.aliases.iter().cloned().collect();
        link::add_aliases(conn, speaker_id, &aliases, &mut touched.speakers)?;
        speaker_ids.insert((name.clone(), *kind), (mention_id, speaker_id));
    }
    let mut quotes = Vec::new();
    for a in &p.attributions {
        let ids = a.key.as_ref().and_then(|k| speaker_ids.get(k).copied());
        let mut params = Vec::with_capacity(a.values.len() + 3);
        params.push(Value::Int(article_id));
        params.extend(a.values.iter().cloned());
        params.push(ids.map(|(_, s)| s).into());
        params.push(ids.map(|(m, _)| m).into());
        let id = conn.insert_id(
            "INSERT INTO attributions (article_id, idx, day, kind, cue_class, source, cue,
                 content, source_text, cue_text, content_text, speaker_name, speaker_type,
                 speaker_entity, speaker_description, speaker_affiliation, speaker_role,
                 speaker_issuer, speaker_via, speaker_evidence, speaker_antecedent,
                 speaker_confidence, speaker_gender, speaker_id, mention_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                 ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25)",
            &params,
        )?;
        if let (Some(id), Some((text, bands))) = (id, &a.cluster) {
            quotes.push((id, text, bands.as_slice()));
        }
        report.attributions += 1;
    }
    crate::cluster::add_quotes(
        conn,
        article_id,
        &quotes,
        &mut touched.bands,
        &mut touched.clusters,
        parsed,
    )?;
    Ok(())
}

/// Recomputes what a batch touched: speaker counts and names, cluster members' flags; on
/// SQLite, adds the batch's articles to the article search table in one statement.
pub(crate) fn finish(
    conn: &mut dyn Conn,
    touched: &Touched,
    parsed: &mut crate::cluster::ParsedQuotes,
) -> Result<()> {
    if let (Dialect::Sqlite, Some(first)) = (conn.dialect(), touched.first_article) {
        conn.exec(crate::schema::SQLITE_FTS_FILL, &[first.into()])?;
    }
    touched.bands.write(conn)?;
    link::refresh(conn, &touched.speakers.speakers)?;
    crate::cluster::refresh(conn, &touched.clusters, parsed)
}

#[cfg(test)]
mod tests {
    use super::bare_name;

    fn check(input: &str, expected: &str) {
        assert_eq!(bare_name(input), expected, "{input:?}");
    }

    #[test]
    fn listed_names_lose_possessives_and_trailing_punctuation() {
        check("Trump's", "Trump");
        check("Donald Trump\u{2019}s", "Donald Trump");
        check("Clinton,", "Clinton");
        check("Sanders'", "Sanders");
        check("Hillary Clinton,", "Hillary Clinton");
        check("Donald Trump Jr.", "Donald Trump Jr.");
        check("George W.", "George W.");
        check("Jeff Sessions", "Jeff Sessions");
        check("", "");
    }
}
