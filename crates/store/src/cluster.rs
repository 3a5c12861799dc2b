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
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use verbatim_core::link::quotes::{compare, consistent, same_statement, QuoteText};
use verbatim_core::Timestamp;

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
/// Quotes kept under one band key. A key shared by more quotes (a boilerplate phrase, a
/// statement reprinted thousands of times) tells little more: later quotes are not added to
/// it, which bounds the rows read per lookup whatever the size of the store.
const BUCKET_CAP: usize = 16;
/// Candidates verified per new quote: those sharing the most band keys with it.
const MAX_VERIFIED: usize = 64;
/// Verification stops after this many matches: enough to tell which cluster a quote joins.
const ENOUGH_MATCHES: usize = 8;

/// The band keys one write batch (one transaction) works with: the stored rows under the
/// keys of the batch's quotes, read in one sorted pass when the batch starts, plus the rows
/// its articles add, which later articles of the batch see at once and which are written in
/// one sorted pass when it finishes. Sorted passes touch each index page once per batch
/// instead of once per row.
#[derive(Default)]
pub(crate) struct Bands {
    /// Band key → attribution ids under it (stored ones first), at most [`BUCKET_CAP`].
    buckets: BTreeMap<i64, Vec<i64>>,
    /// (band key, attribution id) rows the batch added, not written yet.
    added: BTreeSet<(i64, i64)>,
}

impl Bands {
    /// Reads the stored rows under `keys` (every band key of the batch's quotes).
    pub(crate) fn load(conn: &mut dyn Conn, keys: BTreeSet<i64>) -> Result<Bands> {
        let keys: Vec<i64> = keys.into_iter().collect();
        let mut buckets: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
        let sql = "SELECT band, attribution_id FROM quote_bands WHERE band IN";
        for r in select_in(conn, sql, &keys)? {
            if let (Some(b), Some(a)) = (r[0].int(), r[1].int()) {
                buckets.entry(b).or_default().push(a);
            }
        }
        Ok(Bands {
            buckets,
            added: BTreeSet::new(),
        })
    }

    /// Writes the rows the batch added.
    pub(crate) fn write(&self, conn: &mut dyn Conn) -> Result<()> {
        let rows: Vec<(i64, i64)> = self.added.iter().copied().collect();
        for chunk in rows.chunks(CHUNK / 2) {
            // Padded by repeating the last row (ignored as a conflict) to a few statement shapes.
            let n = padded(chunk.len());
            let values: Vec<String> = (0..n)
                .map(|i| format!("(?{}, ?{})", 2 * i + 1, 2 * i + 2))
                .collect();
            let sql = format!(
                "INSERT INTO quote_bands (band, attribution_id) VALUES {} ON CONFLICT DO NOTHING",
                values.join(", ")
            );
            let last = chunk[chunk.len() - 1];
            let params: Vec<Value> = chunk
                .iter()
                .chain(std::iter::repeat_n(&last, n - chunk.len()))
                .flat_map(|&(b, a)| [Value::from(b), Value::from(a)])
                .collect();
            conn.exec(&sql, &params)?;
        }
        Ok(())
    }
}

/// Clusters the new quotes `(attribution id, clustering words, band keys)` of article
/// `article_id`, adding the clusters to recompute to `touched` and the quotes' band keys to
/// `bands` (which must hold the stored rows under those keys: [`Bands::load`]).
pub(crate) fn add_quotes(
    conn: &mut dyn Conn,
    article_id: i64,
    new: &[(i64, &QuoteText, &[i64])],
    bands: &mut Bands,
    touched: &mut BTreeMap<i64, BTreeSet<i64>>,
    parsed: &mut ParsedQuotes,
) -> Result<()> {
    if new.is_empty() {
        return Ok(());
    }
    // Every earlier quote sharing a band key with a new one: band → attribution ids.
    let bucket = &bands.buckets;
    // Per new quote, the stored quotes sharing the most band keys with it (ties: oldest).
    // (This article's own quotes are not in `quote_bands` yet.)
    let ranked: Vec<Vec<i64>> = new
        .iter()
        .map(|(_, _, bands)| {
            let mut shared: BTreeMap<i64, usize> = BTreeMap::new();
            for c in bands.iter().filter_map(|b| bucket.get(b)).flatten() {
                *shared.entry(*c).or_default() += 1;
            }
            let mut ranked: Vec<(i64, usize)> = shared.into_iter().collect();
            ranked.sort_by_key(|&(c, n)| (std::cmp::Reverse(n), c));
            ranked
                .into_iter()
                .take(MAX_VERIFIED)
                .map(|(c, _)| c)
                .collect()
        })
        .collect();
    // Their text and cluster.
    let ids: Vec<i64> = ranked
        .iter()
        .flatten()
        .copied()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    // id → (clustering text, parsed through `parsed` when first verified; cluster)
    let mut candidates: BTreeMap<i64, (String, Option<i64>)> = BTreeMap::new();
    let sql = "SELECT id, content_text, cluster_id, kind FROM attributions WHERE id IN";
    for r in select_in(conn, sql, &ids)? {
        let Some(id) = r[0].int() else { continue };
        candidates.insert(id, (quote_text(&r[3], &r[1]), r[2].int()));
    }
    for ((id, q, _), ranked) in new.iter().zip(&ranked) {
        let mut matched: BTreeSet<i64> = BTreeSet::new();
        for &c in ranked {
            if let Some((text, _)) = candidates.get(&c) {
                if same_statement(q, &parsed.parse(c, text)) {
                    matched.insert(c);
                    if matched.len() >= ENOUGH_MATCHES {
                        break;
                    }
                }
            }
        }
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
            None => conn
                .insert_id(
                    "INSERT INTO clusters (reference_id, earliest_article, size, n_articles,
                         n_altered, first_day)
                     VALUES (?1, ?2, 0, 0, 0, '')",
                    &[(*id).into(), article_id.into()],
                )?
                .unwrap_or_default(),
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
            placeholders(2, padded(members.len()))
        );
        let mut params: Vec<Value> = vec![target.into()];
        params.extend(in_params(&members));
        conn.exec(&sql, &params)?;
        for m in &members {
            if let Some((_, k)) = candidates.get_mut(m) {
                *k = Some(target);
            }
        }
        touched.entry(target).or_default().extend(members);
    }
    // This article's band keys, for the quotes that come after it; full buckets stay full.
    let rows: BTreeSet<(i64, i64)> = new
        .iter()
        .flat_map(|(id, _, keys)| keys.iter().map(move |&b| (b, *id)))
        .collect();
    for (b, id) in rows {
        let ids = bands.buckets.entry(b).or_default();
        if ids.len() < BUCKET_CAP {
            ids.push(id);
            bands.added.insert((b, id));
        }
    }
    Ok(())
}

/// The clustering text of a stored (kind, content text) pair; the content itself when it has
/// none (a quote clustered under an older rule).
pub(crate) fn quote_text(kind: &Value, content: &Value) -> String {
    let content = content.text().unwrap_or_default();
    clustering_text(&kind.text().unwrap_or_default(), &content).unwrap_or(content)
}

/// How many parsed quotes [`ParsedQuotes`] holds before it starts again empty (a few KB each).
pub(crate) const PARSED_CAP: usize = 8_192;

/// Stored quotes already parsed to verify them as cluster candidates, by attribution id, kept
/// by the [`crate::Store`] across batches: the statements quoted most (and syndicated copies)
/// are candidates batch after batch, and parsing them again was a fifth of a load's writing
/// time on four copies of PolNeAR train + dev. An entry is used only when the text read from
/// the store is the text it was parsed from, so an id that now holds another quote (a rolled
/// back batch, another writer) is parsed afresh. Emptied when it reaches [`PARSED_CAP`].
#[derive(Default)]
pub(crate) struct ParsedQuotes {
    by_id: HashMap<i64, (String, Arc<QuoteText>)>,
}

impl ParsedQuotes {
    /// The parsed words of attribution `id` if they were parsed from `text`.
    fn get(&self, id: i64, text: &str) -> Option<Arc<QuoteText>> {
        self.by_id
            .get(&id)
            .filter(|(known, _)| known == text)
            .map(|(_, words)| Arc::clone(words))
    }

    /// The parsed words of attribution `id`, whose text is `text`: kept, or parsed and kept.
    fn parse(&mut self, id: i64, text: &str) -> Arc<QuoteText> {
        if let Some(words) = self.get(id, text) {
            return words;
        }
        if self.by_id.len() >= PARSED_CAP && !self.by_id.contains_key(&id) {
            self.by_id.clear();
        }
        let words = Arc::new(QuoteText::new(text));
        self.by_id
            .insert(id, (text.to_string(), Arc::clone(&words)));
        words
    }
}

/// `?from, ?from+1, ...` for `n` parameters.
/// The rows of `select` (a query ending in `IN`) for every value of `values`, queried in
/// chunks whose lists are padded to a few statement shapes.
fn select_in(conn: &mut dyn Conn, select: &str, values: &[i64]) -> Result<Vec<Row>> {
    let mut rows = Vec::new();
    for chunk in values.chunks(CHUNK) {
        let sql = format!("{select} ({})", placeholders(1, padded(chunk.len())));
        rows.extend(conn.query(&sql, &in_params(chunk))?);
    }
    Ok(rows)
}

fn placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `n` padded to a power of two (at least 4), so that statements with lists of varying length
/// come in a few shapes the statement cache keeps.
fn padded(n: usize) -> usize {
    n.max(4).next_power_of_two()
}

/// The parameters of an `IN (...)` list of `ids` (not empty), padded to [`padded`] length by
/// repeating the last id (a repeat changes nothing in `IN`).
fn in_params(ids: &[i64]) -> Vec<Value> {
    let last = ids.last().copied().unwrap_or_default();
    let mut params: Vec<Value> = ids.iter().map(|&i| Value::from(i)).collect();
    params.resize(padded(ids.len()), Value::from(last));
    params
}

/// Members of a cluster (all, or those in `only`), in store order: attribution id, article
/// id, content text, speaker id, published, day, kind, altered.
fn members(conn: &mut dyn Conn, cluster: i64, only: Option<&BTreeSet<i64>>) -> Result<Vec<Row>> {
    let mut sql = String::from(
        "SELECT a.id, a.article_id, a.content_text, a.speaker_id, ar.published, ar.day, a.kind,
                a.altered
         FROM attributions a JOIN articles ar ON ar.id = a.article_id
         WHERE a.cluster_id = ?1",
    );
    let mut params: Vec<Value> = vec![cluster.into()];
    if let Some(ids) = only {
        let ids: Vec<i64> = ids.iter().copied().collect();
        sql.push_str(&format!(
            " AND a.id IN ({})",
            placeholders(2, padded(ids.len()))
        ));
        params.extend(in_params(&ids));
    }
    sql.push_str(" ORDER BY a.id");
    conn.query(&sql, &params)
}

/// Clusters up to this size are recomputed whole when they change; a larger one keeps its
/// reference wording and speaker, and only its new members are compared with the reference
/// (so a statement reprinted thousands of times costs each batch only its new copies).
const FULL_RECOMPUTE: i64 = 64;

/// Recomputes each touched cluster (id → the quotes that joined it): the altered flags, the
/// reference, the earliest article, the counts and the speaker (the one most members name).
pub(crate) fn refresh(
    conn: &mut dyn Conn,
    touched: &BTreeMap<i64, BTreeSet<i64>>,
    parsed: &mut ParsedQuotes,
) -> Result<()> {
    for (&id, joined) in touched {
        let size = conn
            .query(
                "SELECT count(*) FROM attributions WHERE cluster_id = ?1",
                &[id.into()],
            )?
            .first()
            .and_then(|r| r[0].int())
            .unwrap_or(0);
        if size < 2 {
            conn.exec(
                "UPDATE attributions SET cluster_id = NULL, altered = 0 WHERE cluster_id = ?1",
                &[id.into()],
            )?;
            conn.exec("DELETE FROM clusters WHERE id = ?1", &[id.into()])?;
        } else if size <= FULL_RECOMPUTE {
            recompute(conn, id, parsed)?;
        } else {
            add_members(conn, id, joined, parsed)?;
        }
    }
    Ok(())
}

fn set_altered(conn: &mut dyn Conn, row: &Row, altered: bool) -> Result<()> {
    if row[7].int().unwrap_or(0) != i64::from(altered) {
        conn.exec(
            "UPDATE attributions SET altered = ?1 WHERE id = ?2",
            &[i64::from(altered).into(), row[0].clone()],
        )?;
    }
    Ok(())
}

/// The sort key of a member for "earliest": published time in UTC (undated last), then
/// article id.
fn age(r: &Row) -> (i64, i64) {
    let published = r[4].text().unwrap_or_default();
    (
        published_minutes(&published).unwrap_or(i64::MAX),
        r[1].int().unwrap_or(i64::MAX),
    )
}

/// Recomputes a cluster from all its members.
fn recompute(conn: &mut dyn Conn, id: i64, parsed: &mut ParsedQuotes) -> Result<()> {
    let rows = members(conn, id, None)?;
    let texts: Vec<Arc<QuoteText>> = rows
        .iter()
        .map(|r| parsed.parse(r[0].int().unwrap_or_default(), &quote_text(&r[6], &r[2])))
        .collect();
    let cmp = compare(&texts);
    for (r, &altered) in rows.iter().zip(&cmp.altered) {
        set_altered(conn, r, altered)?;
    }
    let earliest = rows
        .iter()
        .min_by_key(|r| age(r))
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
    conn.exec(
        "UPDATE clusters SET speaker_id = ?1, reference_id = ?2, earliest_article = ?3
         WHERE id = ?4",
        &[
            speaker.into(),
            reference[0].clone(),
            earliest.into(),
            id.into(),
        ],
    )?;
    update_counts(conn, id)
}

/// Adds the flags of new members of a large cluster against its reference wording, and moves
/// its earliest article if a new member is older.
fn add_members(
    conn: &mut dyn Conn,
    id: i64,
    joined: &BTreeSet<i64>,
    parsed: &mut ParsedQuotes,
) -> Result<()> {
    let head = conn.query(
        "SELECT c.earliest_article, r.kind, r.content_text, ar.published
         FROM clusters c JOIN attributions r ON r.id = c.reference_id
         JOIN articles ar ON ar.id = c.earliest_article WHERE c.id = ?1",
        &[id.into()],
    )?;
    let Some(head) = head.first() else {
        return recompute(conn, id, parsed);
    };
    let reference = QuoteText::new(&quote_text(&head[1], &head[2]));
    let mut earliest = (
        published_minutes(&head[3].text().unwrap_or_default()).unwrap_or(i64::MAX),
        head[0].int().unwrap_or(i64::MAX),
    );
    for r in members(conn, id, Some(joined))? {
        let text = parsed.parse(r[0].int().unwrap_or_default(), &quote_text(&r[6], &r[2]));
        set_altered(conn, &r, !consistent(&text, &reference))?;
        earliest = earliest.min(age(&r));
    }
    conn.exec(
        "UPDATE clusters SET earliest_article = ?1 WHERE id = ?2",
        &[earliest.1.into(), id.into()],
    )?;
    update_counts(conn, id)
}

fn update_counts(conn: &mut dyn Conn, id: i64) -> Result<()> {
    conn.exec(
        "UPDATE clusters SET
           size = (SELECT count(*) FROM attributions WHERE cluster_id = ?1),
           n_articles = (SELECT count(DISTINCT article_id) FROM attributions
                         WHERE cluster_id = ?1),
           n_altered = (SELECT count(*) FROM attributions WHERE cluster_id = ?1 AND altered = 1),
           first_day = coalesce((SELECT min(nullif(a.day, '')) FROM attributions a
                                 WHERE a.cluster_id = ?1), '')
         WHERE id = ?1",
        &[id.into()],
    )?;
    Ok(())
}

/// Minutes since 1970-01-01 UTC of a stored timestamp (see [`Timestamp::utc_minutes`]);
/// `None` when it does not parse.
pub(crate) fn published_minutes(s: &str) -> Option<i64> {
    Timestamp::parse(s).map(|t| t.utc_minutes())
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

    /// A kept parse is used only for the text it came from; an id whose text changed is
    /// parsed again; the cache starts again empty when full.
    #[test]
    fn parsed_quotes_are_reused_only_for_the_same_text() {
        let mut cache = ParsedQuotes::default();
        let first = cache.parse(7, "we will build the wall");
        let again = cache.parse(7, "we will build the wall");
        assert!(Arc::ptr_eq(&first, &again));
        assert!(cache.get(7, "we will build a wall").is_none());
        let other = cache.parse(7, "we will build a wall");
        assert!(!Arc::ptr_eq(&first, &other));
        assert_eq!(
            other.words(),
            QuoteText::new("we will build a wall").words()
        );
        for id in 0..PARSED_CAP as i64 {
            cache.parse(1000 + id, &format!("quote number {id}"));
        }
        assert!(cache.by_id.len() <= PARSED_CAP);
        assert!(cache.get(7, "we will build a wall").is_none());
    }
}
