//! Quote clusters: the same statement carried by several articles, kept up to date one article
//! at a time.
//!
//! Each quote long enough to link gets the MinHash band keys of
//! [`verbatim_core::link::quotes`], stored in `quote_bands` (indexed by key). A new article's
//! quotes look up the stored quotes sharing a band key (from other articles), keep those that
//! [`same_statement`] confirms, and join the cluster most of them belong to (bringing the
//! unclustered ones along) or start one with them. No quote is compared with all others: the work per quote is the size
//! of its LSH buckets. At the end of a batch each touched cluster is recomputed ([`refresh`]):
//! its reference wording and altered members ([`compare`]), its earliest article (by published
//! time, in UTC), its size, outlets and speaker.

use crate::db::{Conn, Row, Value};
use crate::Result;
use std::collections::{BTreeMap, BTreeSet};
use verbatim_core::link::quotes::{compare, same_statement, QuoteText};

/// The words a quote is clustered by: a direct quote's content, the quoted parts of a mixed
/// quote (joined as elided pieces: the writer's own words around them differ from outlet to
/// outlet), nothing for reported speech (paraphrases share phrases, not statements).
pub(crate) fn clustering_text(kind: &str, content: &str) -> Option<String> {
    match kind {
        "direct" => Some(content.to_string()),
        "mixed" => {
            let parts = quoted_parts(content);
            (!parts.is_empty()).then(|| parts.join(" … "))
        }
        _ => None,
    }
}

/// The stretches of `text` between double quotation marks (straight, curly, guillemets).
fn quoted_parts(text: &str) -> Vec<&str> {
    const MARKS: &[char] = &['"', '\u{201c}', '\u{201d}', '\u{201e}', '\u{ab}', '\u{bb}'];
    let mut parts = Vec::new();
    let mut open: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if !MARKS.contains(&c) {
            continue;
        }
        match open {
            None => open = Some(i + c.len_utf8()),
            Some(start) => {
                let part = text[start..i].trim();
                if !part.is_empty() {
                    parts.push(part);
                }
                open = None;
            }
        }
    }
    parts
}

/// Parameters per statement when looking band keys up (below every backend's limit).
const CHUNK: usize = 900;

/// Clusters the new quotes `(attribution id, content text)` of article `article_id`, adding
/// the clusters to recompute to `touched`.
pub(crate) fn add_quotes(
    conn: &mut dyn Conn,
    article_id: i64,
    quotes: &[(i64, &str)],
    touched: &mut BTreeSet<i64>,
) -> Result<()> {
    let new: Vec<(i64, QuoteText, Vec<i64>)> = quotes
        .iter()
        .filter_map(|&(id, text)| {
            let q = QuoteText::new(text);
            let bands = q.bands()?;
            Some((id, q, bands))
        })
        .collect();
    if new.is_empty() {
        return Ok(());
    }
    // Every stored quote sharing a band key with a new one: band → attribution ids.
    let keys: BTreeSet<i64> = new.iter().flat_map(|(_, _, b)| b.iter().copied()).collect();
    let keys: Vec<i64> = keys.into_iter().collect();
    let mut bucket: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for chunk in keys.chunks(CHUNK) {
        let sql = format!(
            "SELECT band, attribution_id FROM quote_bands WHERE band IN ({})",
            placeholders(1, chunk.len())
        );
        let params: Vec<Value> = chunk.iter().map(|&k| k.into()).collect();
        for r in conn.query(&sql, &params)? {
            if let (Some(b), Some(a)) = (r[0].int(), r[1].int()) {
                bucket.entry(b).or_default().push(a);
            }
        }
    }
    let candidate_ids: BTreeSet<i64> = bucket.values().flatten().copied().collect();
    // The candidates' text and cluster, other articles only.
    let mut candidates: BTreeMap<i64, (QuoteText, Option<i64>)> = BTreeMap::new();
    let ids: Vec<i64> = candidate_ids.into_iter().collect();
    for chunk in ids.chunks(CHUNK) {
        let sql = format!(
            "SELECT id, content_text, cluster_id, kind FROM attributions
             WHERE article_id <> ?1 AND id IN ({})",
            placeholders(2, chunk.len())
        );
        let mut params: Vec<Value> = vec![article_id.into()];
        params.extend(chunk.iter().map(|&k| Value::from(k)));
        for r in conn.query(&sql, &params)? {
            let Some(id) = r[0].int() else { continue };
            let text = QuoteText::new(&quote_text(&r[3], &r[1]));
            candidates.insert(id, (text, r[2].int()));
        }
    }
    for (id, q, bands) in &new {
        let matched: BTreeSet<i64> = bands
            .iter()
            .filter_map(|b| bucket.get(b))
            .flatten()
            .copied()
            .filter(|c| candidates.get(c).is_some_and(|(t, _)| same_statement(q, t)))
            .collect();
        if matched.is_empty() {
            continue;
        }
        // The cluster most matches belong to (ties: the oldest). Clusters are not merged
        // through a quote that matches both: two statements sharing a phrase stay apart.
        let mut votes: BTreeMap<i64, usize> = BTreeMap::new();
        for c in &matched {
            if let Some(k) = candidates.get(c).and_then(|(_, k)| *k) {
                *votes.entry(k).or_default() += 1;
            }
        }
        let chosen = votes
            .iter()
            .max_by_key(|(k, n)| (**n, -**k))
            .map(|(k, _)| *k);
        let target = match chosen {
            Some(c) => c,
            None => {
                let rows = conn.query(
                    "INSERT INTO clusters (reference_id, earliest_article, size, n_articles,
                         n_altered, first_day)
                     VALUES (?1, ?2, 0, 0, 0, '') RETURNING id",
                    &[(*id).into(), article_id.into()],
                )?;
                rows.first().and_then(|r| r[0].int()).unwrap_or_default()
            }
        };
        // The new quote and the matches not yet in a cluster.
        let members: Vec<i64> = std::iter::once(*id)
            .chain(
                matched
                    .iter()
                    .copied()
                    .filter(|c| candidates.get(c).is_some_and(|(_, k)| k.is_none())),
            )
            .collect();
        let sql = format!(
            "UPDATE attributions SET cluster_id = ?1 WHERE id IN ({})",
            placeholders(2, members.len())
        );
        let mut params: Vec<Value> = vec![target.into()];
        params.extend(members.iter().map(|&m| Value::from(m)));
        conn.exec(&sql, &params)?;
        for m in &members {
            if let Some((_, k)) = candidates.get_mut(m) {
                *k = Some(target);
            }
        }
        touched.insert(target);
    }
    // This article's band keys, for the articles that come after it.
    let rows: Vec<(i64, i64)> = new
        .iter()
        .flat_map(|(id, _, bands)| bands.iter().map(move |&b| (b, *id)))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    for chunk in rows.chunks(CHUNK / 2) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| format!("(?{}, ?{})", 2 * i + 1, 2 * i + 2))
            .collect();
        let sql = format!(
            "INSERT INTO quote_bands (band, attribution_id) VALUES {} ON CONFLICT DO NOTHING",
            values.join(", ")
        );
        let params: Vec<Value> = chunk
            .iter()
            .flat_map(|&(b, a)| [Value::from(b), Value::from(a)])
            .collect();
        conn.exec(&sql, &params)?;
    }
    Ok(())
}

/// The clustering text of a stored (kind, content text) pair; the content itself when it has
/// none (a quote clustered under an older rule).
pub(crate) fn quote_text(kind: &Value, content: &Value) -> String {
    let content = content.text().unwrap_or_default();
    clustering_text(&kind.text().unwrap_or_default(), &content).unwrap_or(content)
}

/// `?from, ?from+1, ...` for `n` parameters.
fn placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Members of a cluster, in store order: attribution id, article id, content text, speaker
/// id, published, day, kind.
fn members(conn: &mut dyn Conn, cluster: i64) -> Result<Vec<Row>> {
    conn.query(
        "SELECT a.id, a.article_id, a.content_text, a.speaker_id, ar.published, ar.day, a.kind
         FROM attributions a JOIN articles ar ON ar.id = a.article_id
         WHERE a.cluster_id = ?1 ORDER BY a.id",
        &[cluster.into()],
    )
}

/// Recomputes each cluster in `ids` from its members: the altered flags, the reference, the
/// earliest article, the counts and the speaker (the one most members name).
pub(crate) fn refresh(conn: &mut dyn Conn, ids: &BTreeSet<i64>) -> Result<()> {
    for &id in ids {
        let rows = members(conn, id)?;
        if rows.len() < 2 {
            conn.exec(
                "UPDATE attributions SET cluster_id = NULL, altered = 0 WHERE cluster_id = ?1",
                &[id.into()],
            )?;
            conn.exec("DELETE FROM clusters WHERE id = ?1", &[id.into()])?;
            continue;
        }
        let texts: Vec<QuoteText> = rows
            .iter()
            .map(|r| QuoteText::new(&quote_text(&r[6], &r[2])))
            .collect();
        let cmp = compare(&texts);
        for (r, &altered) in rows.iter().zip(&cmp.altered) {
            conn.exec(
                "UPDATE attributions SET altered = ?1 WHERE id = ?2",
                &[i64::from(altered).into(), r[0].clone()],
            )?;
        }
        let earliest = rows
            .iter()
            .min_by_key(|r| {
                let published = r[4].text().unwrap_or_default();
                (
                    published_minutes(&published).unwrap_or(i64::MAX),
                    r[1].int().unwrap_or(i64::MAX),
                )
            })
            .and_then(|r| r[1].int())
            .unwrap_or_default();
        let mut speakers: BTreeMap<i64, usize> = BTreeMap::new();
        for r in &rows {
            if let Some(s) = r[3].int() {
                *speakers.entry(s).or_default() += 1;
            }
        }
        let reference = &rows[cmp.reference.min(rows.len() - 1)];
        let speaker = speakers
            .iter()
            .max_by_key(|(s, n)| (**n, Some(**s) == reference[3].int(), -**s))
            .map(|(s, _)| *s);
        let articles: BTreeSet<i64> = rows.iter().filter_map(|r| r[1].int()).collect();
        let first_day = rows
            .iter()
            .filter_map(|r| r[5].text().filter(|d| !d.is_empty()))
            .min()
            .unwrap_or_default();
        let n_altered = cmp.altered.iter().filter(|a| **a).count();
        conn.exec(
            "UPDATE clusters SET speaker_id = ?1, reference_id = ?2, earliest_article = ?3,
                 size = ?4, n_articles = ?5, n_altered = ?6, first_day = ?7 WHERE id = ?8",
            &[
                speaker.into(),
                reference[0].clone(),
                earliest.into(),
                (rows.len() as i64).into(),
                (articles.len() as i64).into(),
                (n_altered as i64).into(),
                first_day.into(),
                id.into(),
            ],
        )?;
    }
    Ok(())
}

/// Minutes since 1970-01-01 UTC of a stored timestamp (`2017-03-03`, `2017-03-03T11:20`,
/// `2017-03-03T11:20:00+05:30`, `...Z`), for ordering publications; a date alone counts as
/// its midnight UTC. `None` when it does not parse.
pub(crate) fn published_minutes(s: &str) -> Option<i64> {
    let (date, time) = match s.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let mut parts = date.split('-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: i64 = parts.next()?.parse().ok()?;
    let day: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let mut minutes = days_from_civil(year, month, day) * 24 * 60;
    if let Some(t) = time {
        let (clock, offset) = match t.find(['+', '-', 'Z']) {
            Some(i) => (&t[..i], &t[i..]),
            None => (t, ""),
        };
        let mut hm = clock.split(':');
        let h: i64 = hm.next()?.parse().ok()?;
        let m: i64 = hm.next().unwrap_or("0").parse().ok()?;
        minutes += h * 60 + m;
        if let Some(rest) = offset.strip_prefix(['+', '-']) {
            let sign = if offset.starts_with('-') { -1 } else { 1 };
            let (oh, om) = rest.split_once(':').unwrap_or((rest, "0"));
            let off = oh.parse::<i64>().ok()? * 60 + om.parse::<i64>().ok()?;
            minutes -= sign * off;
        }
    }
    Some(minutes)
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(s: &str, expected: Option<i64>) {
        assert_eq!(published_minutes(s), expected, "{s:?}");
    }

    #[test]
    fn published_times_become_utc_minutes() {
        check("1970-01-01", Some(0));
        check("1970-01-02", Some(1440));
        check("1970-01-01T01:30", Some(90));
        check("1970-01-01T05:30:00+05:30", Some(0));
        check("1970-01-01T00:00:00-01:00", Some(60));
        check("1970-01-01T00:00:00Z", Some(0));
        check("2017-03-03", Some(17228 * 1440));
        check("", None);
        check("2017-13-01", None);
        check("yesterday", None);
        // An Indian wire story at 11:20 IST is earlier than a New York one at 01:00 EST.
        let ist = published_minutes("2017-03-03T11:20:00+05:30").unwrap();
        let est = published_minutes("2017-03-03T01:00:00-05:00").unwrap();
        assert!(ist < est);
    }
}
