//! Reading: queries built from a filter struct, the same SQL for both backends except the
//! full-text part.

use crate::canon::normalize_name;
use crate::db::{Conn, Dialect, Row, Value};
use crate::search::{self, IndexQuery, QuoteIndex};
use crate::syntax::{self, Search};
use crate::{
    ArticleRow, ArticleSummary, ClusterMember, ClusterRow, ClusterSummary, Credit, DatelineRow,
    EntityRow, Error, Explanation, GenderCounts, GenderStats, NameLink, OutletRow, Page, QuoteRow,
    Result, RoleRow, SpeakerRef, SpeakerRow, SpeakerRule,
};
use serde::{Deserialize, Serialize};
use verbatim_core::attribute::CueClass;

/// Result order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Order {
    /// Newest first (publication day, undated last), then article, then text order.
    #[default]
    Date,
    /// Best full-text match first (BM25 in SQLite, `ts_rank` in PostgreSQL), then by date;
    /// only with a search (an error without one).
    Relevance,
}

/// A filter over attributions. Every field set must hold (AND).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct QuoteQuery {
    /// A speaker name or part of one, matched as a sequence of whole words, case-insensitive,
    /// against every name the speaker appeared under ("Sessions" finds "Jeff Sessions").
    pub speaker: Option<String>,
    /// A store speaker id.
    pub speaker_id: Option<i64>,
    /// Words that must all occur in the quote content (any order, case and accents ignored).
    pub search: Option<String>,
    /// Outlet name, case-insensitive.
    pub outlet: Option<String>,
    /// First day, `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, inclusive.
    pub since: Option<String>,
    /// Last day, `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, inclusive.
    pub until: Option<String>,
    /// Attribution kind: direct, mixed, indirect, according_to, other.
    pub kind: Option<String>,
    /// Cue classes, any of: speech, writing, thought, intention, evidence, other (empty: all).
    pub cue_classes: Vec<String>,
    /// Only this article (store id).
    pub article_id: Option<i64>,
    /// Only the quotes of this cluster.
    pub cluster: Option<i64>,
    /// Only quotes whose speaker was found with at least this confidence, in [0, 1] (quotes
    /// without a speaker, or stored before schema 6 without a confidence, never pass).
    pub min_confidence: Option<f64>,
    pub order: Order,
    pub limit: u64,
    pub offset: u64,
}

/// The non-empty, trimmed items of a comma-separated list (`speech,writing` for
/// [`QuoteQuery::cue_classes`]).
pub fn split_list(v: &str) -> Vec<String> {
    v.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

impl Default for QuoteQuery {
    fn default() -> Self {
        QuoteQuery {
            speaker: None,
            speaker_id: None,
            search: None,
            outlet: None,
            since: None,
            until: None,
            kind: None,
            cue_classes: Vec::new(),
            article_id: None,
            cluster: None,
            min_confidence: None,
            order: Order::Date,
            limit: 20,
            offset: 0,
        }
    }
}

/// Checks a minimum speaker confidence: a number from 0 to 1.
pub fn check_min_confidence(c: f64) -> Result<()> {
    if (0.0..=1.0).contains(&c) {
        Ok(())
    } else {
        Err(Error::InvalidQuery(format!(
            "min confidence {c}: expected a number from 0 to 1 (e.g. 0.8)"
        )))
    }
}

/// A filter over quote clusters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClusterQuery {
    /// Speaker name words, matched like [`QuoteQuery::speaker`].
    pub speaker: Option<String>,
    pub speaker_id: Option<i64>,
    /// Only clusters with at least this many quotes (2 or more).
    pub min_size: u64,
    /// Only clusters with an altered member.
    pub altered: bool,
    /// Only disputed clusters: different outlets credit the statement to different speakers.
    pub disputed: bool,
    /// Only clusters with a member from this outlet (case-insensitive).
    pub outlet: Option<String>,
    /// Only clusters first published on or after this day.
    pub since: Option<String>,
    /// Only clusters first published on or before this day.
    pub until: Option<String>,
    /// Only clusters whose speaker has this type.
    pub speaker_type: Option<String>,
    pub sort: ClusterOrder,
    pub limit: u64,
    pub offset: u64,
}

/// The order of a cluster listing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClusterOrder {
    /// Most articles first, then most quotes.
    #[default]
    Articles,
    /// Most recently first published first.
    Recent,
}

impl Default for ClusterQuery {
    fn default() -> Self {
        ClusterQuery {
            speaker: None,
            speaker_id: None,
            min_size: 2,
            altered: false,
            disputed: false,
            outlet: None,
            since: None,
            until: None,
            speaker_type: None,
            sort: ClusterOrder::Articles,
            limit: 20,
            offset: 0,
        }
    }
}

/// A filter over speakers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SpeakerQuery {
    /// Name words, matched like [`QuoteQuery::speaker`].
    pub name: Option<String>,
    /// Speaker type: person, organization, group, anonymous, document, unknown.
    pub kind: Option<String>,
    /// Only speakers quoted by this outlet (case-insensitive).
    pub outlet: Option<String>,
    /// Only speakers quoted on or after this day (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`).
    pub since: Option<String>,
    /// Only speakers quoted on or before this day.
    pub until: Option<String>,
    pub sort: SpeakerOrder,
    pub limit: u64,
    pub offset: u64,
}

/// The order of a speaker listing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpeakerOrder {
    /// Most quotes first.
    #[default]
    Quotes,
    /// Alphabetical by name.
    Name,
    /// Most recently quoted first (undated speakers last).
    Recent,
}

impl Default for SpeakerQuery {
    fn default() -> Self {
        SpeakerQuery {
            name: None,
            kind: None,
            outlet: None,
            since: None,
            until: None,
            sort: SpeakerOrder::Quotes,
            limit: 20,
            offset: 0,
        }
    }
}

/// A filter over articles.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ArticleQuery {
    /// A search over headline and text (the syntax of `syntax.rs`: words, phrases, OR,
    /// exclusions).
    pub search: Option<String>,
    pub outlet: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub order: Order,
    pub limit: u64,
    pub offset: u64,
}

impl Default for ArticleQuery {
    fn default() -> Self {
        ArticleQuery {
            search: None,
            outlet: None,
            since: None,
            until: None,
            order: Order::Date,
            limit: 20,
            offset: 0,
        }
    }
}

const KINDS: &[&str] = &["direct", "mixed", "indirect", "according_to", "other"];
const SPEAKER_TYPES: &[&str] = &[
    "person",
    "organization",
    "group",
    "anonymous",
    "document",
    "unknown",
];
/// The largest page a query returns.
pub const MAX_LIMIT: u64 = 100_000;

/// SQL text and its parameters, built together so `?N` always matches.
struct Sql {
    text: String,
    params: Vec<Value>,
}

impl Sql {
    fn new(text: &str) -> Sql {
        Sql {
            text: text.to_string(),
            params: Vec::new(),
        }
    }
    /// Appends `fragment` with every `?` replaced by the next parameter's number.
    fn push(&mut self, fragment: &str, params: impl IntoIterator<Item = Value>) {
        let mut params = params.into_iter();
        let mut chars = fragment.chars().peekable();
        while let Some(c) = chars.next() {
            // `?N` (already numbered) is kept; a bare `?` takes the next parameter.
            if c == '?' && !chars.peek().is_some_and(char::is_ascii_digit) {
                let p = params.next().expect("a parameter for every ?");
                self.params.push(p);
                self.text.push_str(&format!("?{}", self.params.len()));
            } else {
                self.text.push(c);
            }
        }
    }
}

fn check_day(label: &str, day: &str) -> Result<()> {
    let ok = !day.is_empty()
        && day.len() <= 10
        && day.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        })
        && matches!(day.len(), 4 | 7 | 10)
        && real_date(day);
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidQuery(format!(
            "{label} {day:?}: expected a real date as YYYY, YYYY-MM or YYYY-MM-DD"
        )))
    }
}

/// Whether the month (01-12) and day (01 to the month's last) of a `YYYY[-MM[-DD]]` exist.
fn real_date(day: &str) -> bool {
    let num = |r: std::ops::Range<usize>| day.get(r).and_then(|s| s.parse::<u32>().ok());
    let (Some(year), month, dom) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let Some(month) = month else {
        return true;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let last = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    dom.is_none_or(|d| (1..=last).contains(&d))
}

/// The parsed search, and the error for `--sort relevance` without one.
fn parse_search(search: &Option<String>, order: Order) -> Result<Option<Search>> {
    match search {
        Some(s) => Ok(Some(syntax::parse(s)?)),
        None if order == Order::Relevance => Err(Error::InvalidQuery(
            "sort by relevance needs a search (--search WORDS); without one results are sorted by date"
                .into(),
        )),
        None => Ok(None),
    }
}

/// Appends the date and outlet conditions shared by quote and article queries.
fn push_common(
    sql: &mut Sql,
    day_col: &str,
    outlet: &Option<String>,
    since: &Option<String>,
    until: &Option<String>,
) -> Result<()> {
    if let Some(o) = outlet {
        sql.push(" AND lower(ar.outlet) = lower(?)", [o.as_str().into()]);
    }
    push_days(sql, day_col, since, until)
}

/// Appends `day_col` between `since` and `until` (each `YYYY[-MM[-DD]]`, inclusive).
fn push_days(
    sql: &mut Sql,
    day_col: &str,
    since: &Option<String>,
    until: &Option<String>,
) -> Result<()> {
    if let Some(s) = since {
        check_day("--since", s)?;
        sql.push(&format!(" AND {day_col} >= ?"), [s.as_str().into()]);
    }
    if let Some(u) = until {
        check_day("--until", u)?;
        // "2017" covers every day of 2017: '~' sorts after digits and '-'.
        sql.push(
            &format!(" AND {day_col} <> '' AND {day_col} <= ?"),
            [format!("{u}~").into()],
        );
    }
    Ok(())
}

fn check_speaker_type(kind: &str) -> Result<()> {
    if SPEAKER_TYPES.contains(&kind) {
        Ok(())
    } else {
        Err(Error::InvalidQuery(format!(
            "speaker type {kind:?}: expected one of {}",
            SPEAKER_TYPES.join(", ")
        )))
    }
}

/// The name an outlet calls itself, for a feed key that is not one (PolNeAR's `nyt`,
/// `wash-post`, ...); other outlet names are already display names and come back unchanged.
pub fn outlet_name(outlet: &str) -> String {
    const KNOWN: &[(&str, &str)] = &[
        ("breitbart", "Breitbart"),
        ("huff-post", "HuffPost"),
        ("nyt", "The New York Times"),
        ("politico", "Politico"),
        ("usa-today", "USA Today"),
        ("wash-post", "The Washington Post"),
        ("west-journal", "The Western Journal"),
    ];
    KNOWN
        .iter()
        .find(|(key, _)| *key == outlet)
        .map_or_else(|| outlet.to_string(), |(_, name)| name.to_string())
}

fn limit_of(limit: u64) -> u64 {
    limit.clamp(1, MAX_LIMIT)
}

/// Runs `sql` with LIMIT limit+1 OFFSET offset and makes a page.
fn page<T>(
    conn: &mut dyn Conn,
    mut sql: Sql,
    limit: u64,
    offset: u64,
    map: impl Fn(&Row) -> Result<T>,
) -> Result<Page<T>> {
    let limit = limit_of(limit);
    let total = count(conn, &sql)?;
    sql.push(
        " LIMIT ? OFFSET ?",
        [
            Value::Int((limit + 1) as i64),
            Value::Int(offset.min(i64::MAX as u64) as i64),
        ],
    );
    let rows = conn.query(&sql.text, &sql.params)?;
    let more = rows.len() as u64 > limit;
    let items = rows
        .iter()
        .take(limit as usize)
        .map(map)
        .collect::<Result<Vec<_>>>()?;
    Ok(Page {
        items,
        offset,
        limit,
        next_offset: more.then_some(offset + limit),
        total,
    })
}

/// The number of rows `sql` (a whole query, without LIMIT) answers.
fn count(conn: &mut dyn Conn, sql: &Sql) -> Result<u64> {
    let rows = conn.query(
        &format!("SELECT count(*) FROM ({}) counted", sql.text),
        &sql.params,
    )?;
    Ok(rows
        .first()
        .and_then(|r| r[0].int())
        .unwrap_or_default()
        .max(0) as u64)
}

const QUOTE_COLUMNS: &str = "SELECT a.id, a.article_id, ar.key, a.idx, a.kind, a.source_text,
 a.cue_text, a.content_text, a.source, a.cue, a.content, a.speaker_id, a.speaker_name,
 a.speaker_type, a.speaker_entity, a.speaker_description, a.speaker_affiliation, ar.outlet,
 ar.headline, ar.published, ar.url, sp.name, sp.type, a.cluster_id, a.altered, a.cue_class,
 a.speaker_role, a.speaker_issuer, a.speaker_via, a.speaker_evidence, a.speaker_antecedent,
 a.speaker_confidence, a.speaker_gender, sp.gender";

/// The tables behind [`QUOTE_COLUMNS`].
const QUOTE_TABLES: &str = " FROM attributions a JOIN articles ar ON ar.id = a.article_id
 LEFT JOIN speakers sp ON sp.id = a.speaker_id";

fn spans(v: &Value) -> Result<Vec<[usize; 2]>> {
    Ok(serde_json::from_str(
        &v.text().unwrap_or_else(|| "[]".into()),
    )?)
}

fn quote_row(r: &Row) -> Result<QuoteRow> {
    let antecedent: Option<[usize; 2]> =
        r[30].text().map(|a| serde_json::from_str(&a)).transpose()?;
    let resolved = r[12].text().map(|name| SpeakerRef {
        name,
        kind: r[13].text().unwrap_or_default(),
        entity: r[14].int(),
        description: r[15].text(),
        affiliation: r[16].text(),
        role: r[26].text(),
        issuer: r[27].text(),
        via: r[28].text(),
        evidence: r[29].text(),
        antecedent,
        confidence: r[31].real(),
        gender: r[32].text(),
    });
    Ok(QuoteRow {
        id: r[0].int().unwrap_or_default(),
        article: r[1].int().unwrap_or_default(),
        article_key: r[2].text().unwrap_or_default(),
        index: r[3].int().unwrap_or_default(),
        kind: r[4].text().unwrap_or_default(),
        cue_class: r[25].text().unwrap_or_default(),
        source_text: r[5].text().unwrap_or_default(),
        cue_text: r[6].text().unwrap_or_default(),
        content_text: r[7].text().unwrap_or_default(),
        source: spans(&r[8])?,
        cue: spans(&r[9])?,
        content: spans(&r[10])?,
        speaker: r[21].text(),
        speaker_id: r[11].int(),
        speaker_type: r[22].text(),
        speaker_gender: r[33].text(),
        resolved,
        cluster: r[23].int(),
        altered: r[24].int().unwrap_or(0) != 0,
        outlet: r[17].text(),
        headline: r[18].text(),
        published: r[19].text(),
        url: r[20].text(),
    })
}

fn speaker_filter(name: &str) -> Result<Value> {
    let norm = normalize_name(name);
    if norm.trim().is_empty() {
        return Err(Error::InvalidQuery(format!(
            "speaker {name:?} has no words"
        )));
    }
    Ok(Value::Text(format!("%{norm}%")))
}

fn check_quote_filters(q: &QuoteQuery) -> Result<()> {
    if let Some(kind) = &q.kind {
        if !KINDS.contains(&kind.as_str()) {
            return Err(Error::InvalidQuery(format!(
                "kind {kind:?}: expected one of {}",
                KINDS.join(", ")
            )));
        }
    }
    for c in &q.cue_classes {
        if CueClass::parse(c).is_none() {
            let all: Vec<&str> = CueClass::ALL.iter().map(|c| c.as_str()).collect();
            return Err(Error::InvalidQuery(format!(
                "cue class {c:?}: expected one of {}",
                all.join(", ")
            )));
        }
    }
    if let Some(s) = &q.since {
        check_day("--since", s)?;
    }
    if let Some(u) = &q.until {
        check_day("--until", u)?;
    }
    if let Some(name) = &q.speaker {
        speaker_filter(name)?;
    }
    if let Some(c) = q.min_confidence {
        check_min_confidence(c)?;
    }
    Ok(())
}

/// Quotes with a search, through the tantivy index (SQLite stores).
fn quotes_by_index(
    conn: &mut dyn Conn,
    index: &QuoteIndex,
    q: &QuoteQuery,
    search: &Search,
) -> Result<Page<QuoteRow>> {
    let limit = limit_of(q.limit);
    let empty = || Page {
        items: Vec::new(),
        offset: q.offset,
        limit,
        next_offset: None,
        total: 0,
    };
    let mention_ids = if q.speaker.is_some() || q.speaker_id.is_some() {
        let ids = search::mention_ids(conn, q.speaker.as_deref(), q.speaker_id)?;
        if ids.is_empty() {
            return Ok(empty());
        }
        Some(ids)
    } else {
        None
    };
    // The index holds neither clusters nor confidences: those filters become the ids that
    // pass them.
    let mut sql = Sql::new("SELECT id FROM attributions WHERE 1 = 1");
    if let Some(c) = q.cluster {
        sql.push(" AND cluster_id = ?", [c.into()]);
    }
    if let Some(c) = q.min_confidence {
        sql.push(" AND speaker_confidence >= ?", [Value::Real(c)]);
    }
    let attribution_ids = if q.cluster.is_some() || q.min_confidence.is_some() {
        sql.push(" ORDER BY id", []);
        let rows = conn.query(&sql.text, &sql.params)?;
        let ids: Vec<i64> = rows.iter().filter_map(|r| r[0].int()).collect();
        if ids.is_empty() {
            return Ok(empty());
        }
        Some(ids)
    } else {
        None
    };
    let (ids, more, total) = index.search(&IndexQuery {
        search,
        mention_ids,
        attribution_ids,
        article_id: q.article_id,
        kind: q.kind.as_deref(),
        cue_classes: &q.cue_classes,
        outlet: q.outlet.as_deref(),
        since: q.since.as_deref(),
        until: q.until.as_deref(),
        order: q.order,
        limit: limit as usize,
        offset: q.offset.min(usize::MAX as u64) as usize,
    })?;
    if ids.is_empty() {
        return Ok(Page { total, ..empty() });
    }
    let mut sql = Sql::new(QUOTE_COLUMNS);
    sql.push(QUOTE_TABLES, []);
    sql.push(" WHERE a.id IN (", []);
    for (i, id) in ids.iter().enumerate() {
        sql.push(if i == 0 { "?" } else { ", ?" }, [Value::Int(*id)]);
    }
    sql.push(")", []);
    let mut rows: Vec<QuoteRow> = conn
        .query(&sql.text, &sql.params)?
        .iter()
        .map(quote_row)
        .collect::<Result<_>>()?;
    let position: std::collections::BTreeMap<i64, usize> =
        ids.iter().enumerate().map(|(i, &id)| (id, i)).collect();
    rows.sort_by_key(|r| position.get(&r.id).copied().unwrap_or(usize::MAX));
    Ok(Page {
        items: rows,
        offset: q.offset,
        limit,
        next_offset: more.then_some(q.offset + limit),
        total,
    })
}

/// One attribution by its store id.
pub(crate) fn quote(conn: &mut dyn Conn, id: i64) -> Result<Option<QuoteRow>> {
    let mut sql = Sql::new(QUOTE_COLUMNS);
    sql.push(QUOTE_TABLES, []);
    sql.push(" WHERE a.id = ?", [id.into()]);
    conn.query(&sql.text, &sql.params)?
        .first()
        .map(quote_row)
        .transpose()
}

/// Every outlet name of the store with its article count, most articles first.
pub(crate) fn outlets(conn: &mut dyn Conn) -> Result<Vec<OutletRow>> {
    let rows = conn.query(
        "SELECT outlet, count(*) FROM articles WHERE outlet IS NOT NULL AND outlet <> ''
 GROUP BY outlet ORDER BY count(*) DESC, outlet",
        &[],
    )?;
    Ok(rows
        .iter()
        .map(|r| {
            let outlet = r[0].text().unwrap_or_default();
            OutletRow {
                name: outlet_name(&outlet),
                outlet,
                n_articles: r[1].int().unwrap_or_default(),
            }
        })
        .collect())
}

pub(crate) fn quotes(
    conn: &mut dyn Conn,
    index: Option<&QuoteIndex>,
    q: &QuoteQuery,
) -> Result<Page<QuoteRow>> {
    check_quote_filters(q)?;
    let search = parse_search(&q.search, q.order)?;
    let dialect = conn.dialect();
    let mut sql = Sql::new(QUOTE_COLUMNS);
    let mut rank = None;
    match (&search, index) {
        (Some(s), Some(index)) => return quotes_by_index(conn, index, q, s),
        (Some(s), None) if dialect == Dialect::Postgres => {
            sql.push(QUOTE_TABLES, []);
            sql.push(
                " WHERE a.content_tsv @@ to_tsquery('english', ?)",
                [s.tsquery().into()],
            );
            let n = sql.params.len();
            rank = Some(format!(
                "ts_rank(a.content_tsv, to_tsquery('english', ?{n})) DESC"
            ));
        }
        (Some(_), None) => {
            return Err(Error::Search("this store has no search index".into()));
        }
        (None, _) => {
            sql.push(QUOTE_TABLES, []);
            sql.push(" WHERE 1 = 1", []);
        }
    }
    if let Some(name) = &q.speaker {
        sql.push(
            " AND a.speaker_id IN (SELECT speaker_id FROM speaker_aliases WHERE norm LIKE ?)",
            [speaker_filter(name)?],
        );
    }
    if let Some(id) = q.speaker_id {
        sql.push(" AND a.speaker_id = ?", [id.into()]);
    }
    if let Some(kind) = &q.kind {
        sql.push(" AND a.kind = ?", [kind.as_str().into()]);
    }
    if !q.cue_classes.is_empty() {
        sql.push(" AND a.cue_class IN (", []);
        for (i, c) in q.cue_classes.iter().enumerate() {
            sql.push(if i == 0 { "?" } else { ", ?" }, [c.as_str().into()]);
        }
        sql.push(")", []);
    }
    if let Some(id) = q.article_id {
        sql.push(" AND a.article_id = ?", [id.into()]);
    }
    if let Some(c) = q.cluster {
        sql.push(" AND a.cluster_id = ?", [c.into()]);
    }
    if let Some(c) = q.min_confidence {
        sql.push(" AND a.speaker_confidence >= ?", [Value::Real(c)]);
    }
    push_common(&mut sql, "a.day", &q.outlet, &q.since, &q.until)?;
    sql.push(" ORDER BY ", []);
    if let (Order::Relevance, Some(r)) = (q.order, &rank) {
        sql.push(&format!("{r}, "), []);
    }
    sql.push("a.day DESC, a.article_id, a.idx", []);
    page(conn, sql, q.limit, q.offset, quote_row)
}

fn aliases(conn: &mut dyn Conn, speaker_id: i64) -> Result<Vec<String>> {
    let rows = conn.query(
        "SELECT alias FROM speaker_aliases WHERE speaker_id = ?1 ORDER BY alias",
        &[speaker_id.into()],
    )?;
    Ok(rows.iter().filter_map(|r| r[0].text()).collect())
}

fn speaker_row(r: &Row) -> SpeakerRow {
    SpeakerRow {
        id: r[0].int().unwrap_or_default(),
        name: r[1].text().unwrap_or_default(),
        kind: r[2].text().unwrap_or_default(),
        aliases: Vec::new(),
        n_quotes: r[3].int().unwrap_or_default(),
        n_articles: r[4].int().unwrap_or_default(),
        first_day: r[5].text(),
        last_day: r[6].text(),
        gender: r[7].text(),
        roles: Vec::new(),
    }
}

const SPEAKER_COLUMNS: &str = "SELECT s.id, s.name, s.type, s.quote_count, s.article_count,
 s.first_day, s.last_day, s.gender FROM speakers s WHERE 1 = 1";

pub(crate) fn speakers(conn: &mut dyn Conn, q: &SpeakerQuery) -> Result<Page<SpeakerRow>> {
    let mut sql = Sql::new(SPEAKER_COLUMNS);
    if let Some(name) = &q.name {
        sql.push(
            " AND s.id IN (SELECT speaker_id FROM speaker_aliases WHERE norm LIKE ?)",
            [speaker_filter(name)?],
        );
    }
    if let Some(kind) = &q.kind {
        check_speaker_type(kind)?;
        sql.push(" AND s.type = ?", [kind.as_str().into()]);
    }
    if q.outlet.is_some() || q.since.is_some() || q.until.is_some() {
        sql.push(
            " AND s.id IN (SELECT a.speaker_id FROM attributions a
 JOIN articles ar ON ar.id = a.article_id WHERE a.speaker_id IS NOT NULL",
            [],
        );
        push_common(&mut sql, "a.day", &q.outlet, &q.since, &q.until)?;
        sql.push(")", []);
    }
    sql.push(
        match q.sort {
            SpeakerOrder::Quotes => " ORDER BY s.quote_count DESC, s.name, s.id",
            SpeakerOrder::Name => " ORDER BY lower(s.name), s.name, s.id",
            SpeakerOrder::Recent => {
                " ORDER BY coalesce(s.last_day, '') DESC, s.quote_count DESC, s.name, s.id"
            }
        },
        [],
    );
    let mut page = page(conn, sql, q.limit, q.offset, |r| Ok(speaker_row(r)))?;
    for s in &mut page.items {
        s.aliases = aliases(conn, s.id)?;
    }
    Ok(page)
}

/// The speaker with this id, or the one it was merged into.
pub(crate) fn speaker(conn: &mut dyn Conn, id: i64) -> Result<Option<SpeakerRow>> {
    let mut sql = Sql::new(SPEAKER_COLUMNS);
    sql.push(
        " AND s.id = coalesce((SELECT new_id FROM speaker_redirects WHERE old_id = ?), ?)",
        [id.into(), id.into()],
    );
    let rows = conn.query(&sql.text, &sql.params)?;
    let Some(r) = rows.first() else {
        return Ok(None);
    };
    let mut s = speaker_row(r);
    s.aliases = aliases(conn, s.id)?;
    s.roles = roles(conn, s.id)?;
    Ok(Some(s))
}

/// The titles seen with a speaker's names, most articles first.
fn roles(conn: &mut dyn Conn, speaker_id: i64) -> Result<Vec<RoleRow>> {
    let rows = conn.query(
        "SELECT titles, day, article_id FROM mentions WHERE speaker_id = ?1 AND titles <> '[]'",
        &[speaker_id.into()],
    )?;
    let mut by_title: std::collections::BTreeMap<String, RoleRow> = Default::default();
    for r in &rows {
        let titles: Vec<String> =
            serde_json::from_str(&r[0].text().unwrap_or_else(|| "[]".into()))?;
        let day = r[1].text().filter(|d| !d.is_empty());
        for t in titles {
            let role = by_title.entry(t.clone()).or_insert(RoleRow {
                title: t,
                n_articles: 0,
                first_day: None,
                last_day: None,
            });
            role.n_articles += 1;
            if let Some(d) = &day {
                if role.first_day.as_ref().is_none_or(|f| d < f) {
                    role.first_day = Some(d.clone());
                }
                if role.last_day.as_ref().is_none_or(|l| d > l) {
                    role.last_day = Some(d.clone());
                }
            }
        }
    }
    let mut roles: Vec<RoleRow> = by_title.into_values().collect();
    roles.sort_by(|a, b| b.n_articles.cmp(&a.n_articles).then(a.title.cmp(&b.title)));
    Ok(roles)
}

/// Every speaker known under `name`, with the names it was quoted under and why each joined.
pub(crate) fn explain(conn: &mut dyn Conn, name: &str) -> Result<Vec<Explanation>> {
    let page = speakers(
        conn,
        &SpeakerQuery {
            name: Some(name.to_string()),
            limit: 20,
            ..Default::default()
        },
    )?;
    let mut out = Vec::new();
    for s in page.items {
        let Some(speaker) = speaker(conn, s.id)? else {
            continue;
        };
        let rows = conn.query(
            "SELECT name, coalesce(reason, ''), CAST(sum(quote_count) AS BIGINT),
                    count(DISTINCT article_id), min(id)
             FROM mentions WHERE speaker_id = ?1 GROUP BY name, reason
             ORDER BY min(id)",
            &[s.id.into()],
        )?;
        let names = rows
            .iter()
            .map(|r| NameLink {
                name: r[0].text().unwrap_or_default(),
                reason: r[1].text().unwrap_or_default(),
                n_quotes: r[2].int().unwrap_or_default(),
                n_articles: r[3].int().unwrap_or_default(),
            })
            .collect();
        out.push(Explanation { speaker, names });
    }
    Ok(out)
}

pub(crate) fn rules(conn: &mut dyn Conn) -> Result<Vec<SpeakerRule>> {
    let rows = conn.query(
        "SELECT action, name, target FROM speaker_rules ORDER BY norm",
        &[],
    )?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            let name = r[1].text()?;
            Some(match r[0].text()?.as_str() {
                "join" => SpeakerRule::Join {
                    name,
                    target: r[2].text()?,
                },
                _ => SpeakerRule::Split { name },
            })
        })
        .collect())
}

const CLUSTER_COLUMNS: &str = "SELECT c.id, c.speaker_id, sp.name, ref.content_text,
 c.earliest_article, c.first_day, c.size, c.n_articles, c.n_altered, ref.kind
 FROM clusters c JOIN attributions ref ON ref.id = c.reference_id
 LEFT JOIN speakers sp ON sp.id = c.speaker_id WHERE 1 = 1";

/// Who reported a member: its outlet (any case), else its own article.
const REPORTER: [&str; 2] = [
    "coalesce(lower(r1.outlet), 'article ' || r1.id)",
    "coalesce(lower(r2.outlet), 'article ' || r2.id)",
];

/// The disputed-cluster condition in SQL (the rule of `credits`): two members credited to
/// different speakers (of a known type) by different reporters.
fn disputed_sql() -> String {
    format!(
        " AND c.id IN (SELECT a1.cluster_id FROM attributions a1
 JOIN attributions a2 ON a2.cluster_id = a1.cluster_id AND a2.speaker_id <> a1.speaker_id
 JOIN articles r1 ON r1.id = a1.article_id JOIN articles r2 ON r2.id = a2.article_id
 JOIN speakers s1 ON s1.id = a1.speaker_id JOIN speakers s2 ON s2.id = a2.speaker_id
 WHERE a1.cluster_id IS NOT NULL AND s1.type <> 'unknown' AND s2.type <> 'unknown'
 AND {} <> {})",
        REPORTER[0], REPORTER[1]
    )
}

/// A cluster's outlets, its credits (by speaker, most articles first) and whether it is
/// disputed.
fn cluster_credits(conn: &mut dyn Conn, id: i64) -> Result<(Vec<String>, Vec<Credit>, bool)> {
    let rows = conn.query(
        "SELECT DISTINCT a.article_id, ar.outlet, a.speaker_id, sp.name, sp.type
         FROM attributions a JOIN articles ar ON ar.id = a.article_id
         LEFT JOIN speakers sp ON sp.id = a.speaker_id
         WHERE a.cluster_id = ?1 ORDER BY a.article_id",
        &[id.into()],
    )?;
    let mut outlets: Vec<String> = rows.iter().filter_map(|r| r[1].text()).collect();
    outlets.sort();
    outlets.dedup();
    let mut credits: Vec<Credit> = Vec::new();
    // (speaker, reporter) pairs of speakers that can dispute.
    let mut said: Vec<(i64, String)> = Vec::new();
    for r in &rows {
        let (Some(article), Some(speaker_id)) = (r[0].int(), r[2].int()) else {
            continue;
        };
        let outlet = r[1].text();
        let kind = r[4].text().unwrap_or_default();
        let reporter = outlet
            .as_deref()
            .map_or_else(|| format!("article {article}"), str::to_lowercase);
        if kind != "unknown" {
            said.push((speaker_id, reporter));
        }
        let credit = match credits.iter_mut().find(|c| c.speaker_id == speaker_id) {
            Some(c) => c,
            None => {
                credits.push(Credit {
                    speaker_id,
                    speaker: r[3].text().unwrap_or_default(),
                    speaker_type: kind,
                    outlets: Vec::new(),
                    articles: Vec::new(),
                });
                credits.last_mut().expect("just pushed")
            }
        };
        if let Some(o) = outlet {
            if !credit.outlets.contains(&o) {
                credit.outlets.push(o);
            }
        }
        if !credit.articles.contains(&article) {
            credit.articles.push(article);
        }
    }
    let disputed = said
        .iter()
        .any(|(s1, r1)| said.iter().any(|(s2, r2)| s1 != s2 && r1 != r2));
    for c in &mut credits {
        c.outlets.sort();
    }
    credits.sort_by(|a, b| {
        b.articles
            .len()
            .cmp(&a.articles.len())
            .then(a.speaker_id.cmp(&b.speaker_id))
    });
    Ok((outlets, credits, disputed))
}

pub(crate) fn clusters(conn: &mut dyn Conn, q: &ClusterQuery) -> Result<Page<ClusterSummary>> {
    let mut sql = Sql::new(CLUSTER_COLUMNS);
    if let Some(name) = &q.speaker {
        sql.push(
            " AND c.speaker_id IN (SELECT speaker_id FROM speaker_aliases WHERE norm LIKE ?)",
            [speaker_filter(name)?],
        );
    }
    if let Some(id) = q.speaker_id {
        sql.push(" AND c.speaker_id = ?", [id.into()]);
    }
    if q.min_size > 2 {
        sql.push(
            " AND c.size >= ?",
            [(q.min_size.min(i64::MAX as u64) as i64).into()],
        );
    }
    if q.altered {
        sql.push(" AND c.n_altered > 0", []);
    }
    if q.disputed {
        sql.push(&disputed_sql(), []);
    }
    if let Some(kind) = &q.speaker_type {
        check_speaker_type(kind)?;
        sql.push(" AND sp.type = ?", [kind.as_str().into()]);
    }
    if q.outlet.is_some() {
        sql.push(
            " AND c.id IN (SELECT a.cluster_id FROM attributions a
 JOIN articles ar ON ar.id = a.article_id WHERE a.cluster_id IS NOT NULL",
            [],
        );
        push_common(&mut sql, "a.day", &q.outlet, &None, &None)?;
        sql.push(")", []);
    }
    push_days(&mut sql, "c.first_day", &q.since, &q.until)?;
    sql.push(
        match q.sort {
            ClusterOrder::Articles => " ORDER BY c.n_articles DESC, c.size DESC, c.id",
            ClusterOrder::Recent => " ORDER BY c.first_day DESC, c.n_articles DESC, c.id",
        },
        [],
    );
    let mut page = page(conn, sql, q.limit, q.offset, |r| {
        Ok(ClusterSummary {
            id: r[0].int().unwrap_or_default(),
            speaker_id: r[1].int(),
            speaker: r[2].text(),
            text: crate::cluster::quote_text(&r[9], &r[3]),
            earliest: r[4].int().unwrap_or_default(),
            first_day: r[5].text().unwrap_or_default(),
            size: r[6].int().unwrap_or_default(),
            n_articles: r[7].int().unwrap_or_default(),
            n_altered: r[8].int().unwrap_or_default(),
            outlets: Vec::new(),
            disputed: false,
            credits: Vec::new(),
        })
    })?;
    for c in &mut page.items {
        (c.outlets, c.credits, c.disputed) = cluster_credits(conn, c.id)?;
    }
    Ok(page)
}

pub(crate) fn cluster(conn: &mut dyn Conn, id: i64) -> Result<Option<ClusterRow>> {
    let mut sql = Sql::new(CLUSTER_COLUMNS);
    sql.push(" AND c.id = ?", [id.into()]);
    let rows = conn.query(&sql.text, &sql.params)?;
    let Some(r) = rows.first() else {
        return Ok(None);
    };
    let reference = crate::cluster::quote_text(&r[9], &r[3]);
    let earliest = r[4].int().unwrap_or_default();
    let rows = conn.query(
        "SELECT a.id, a.article_id, ar.key, ar.outlet, ar.published, ar.headline, ar.url,
                sp.name, a.content_text, a.altered, a.kind
         FROM attributions a JOIN articles ar ON ar.id = a.article_id
         LEFT JOIN speakers sp ON sp.id = a.speaker_id
         WHERE a.cluster_id = ?1 ORDER BY a.id",
        &[id.into()],
    )?;
    let mut members: Vec<ClusterMember> = rows
        .iter()
        .map(|m| {
            let text = crate::cluster::quote_text(&m[10], &m[8]);
            ClusterMember {
                quote: m[0].int().unwrap_or_default(),
                article: m[1].int().unwrap_or_default(),
                article_key: m[2].text().unwrap_or_default(),
                outlet: m[3].text(),
                published: m[4].text(),
                headline: m[5].text(),
                url: m[6].text(),
                speaker: m[7].text(),
                diff: verbatim_core::link::quotes::diff(&reference, &text),
                text,
                altered: m[9].int().unwrap_or(0) != 0,
            }
        })
        .collect();
    // Publication order (UTC), the earliest article first; undated last.
    members.sort_by_key(|m| {
        (
            m.article != earliest,
            m.published
                .as_deref()
                .and_then(crate::cluster::published_minutes)
                .unwrap_or(i64::MAX),
            m.quote,
        )
    });
    let earliest_ties = earliest_ties(&members);
    let (_, credits, disputed) = cluster_credits(conn, id)?;
    Ok(Some(ClusterRow {
        id,
        speaker_id: r[1].int(),
        speaker: r[2].text(),
        text: reference,
        earliest,
        earliest_ties,
        disputed,
        credits,
        members,
    }))
}

/// The articles of `members` (earliest first) that cannot be ordered against the first:
/// published the same day where one of the two has a date only.
fn earliest_ties(members: &[ClusterMember]) -> Vec<i64> {
    let Some(first) = members.first() else {
        return Vec::new();
    };
    let Some(first_published) = first.published.as_deref() else {
        return Vec::new();
    };
    let date_only = |p: &str| p.len() == 10;
    let mut ties: Vec<i64> = members
        .iter()
        .filter(|m| m.article != first.article)
        .filter(|m| {
            m.published.as_deref().is_some_and(|p| {
                p.get(..10) == first_published.get(..10)
                    && (date_only(p) || date_only(first_published))
            })
        })
        .map(|m| m.article)
        .collect();
    ties.sort();
    ties.dedup();
    ties
}

const ARTICLE_COLUMNS: &str = "SELECT ar.id, ar.key, ar.url, ar.outlet, ar.headline,
 ar.published, ar.n_attributions, ar.updated, ar.dateline_place, ar.dateline_date,
 ar.dateline_agency, ar.byline, ar.origin, ar.hash, ar.text";

fn summary(r: &Row) -> ArticleSummary {
    ArticleSummary {
        id: r[0].int().unwrap_or_default(),
        key: r[1].text().unwrap_or_default(),
        url: r[2].text(),
        outlet: r[3].text(),
        headline: r[4].text(),
        published: r[5].text(),
        n_attributions: r[6].int().unwrap_or_default(),
    }
}

pub(crate) fn articles(conn: &mut dyn Conn, q: &ArticleQuery) -> Result<Page<ArticleSummary>> {
    let dialect = conn.dialect();
    let mut sql = Sql::new(
        "SELECT ar.id, ar.key, ar.url, ar.outlet, ar.headline, ar.published, ar.n_attributions",
    );
    let mut rank = None;
    match (parse_search(&q.search, q.order)?, dialect) {
        (Some(s), Dialect::Sqlite) => {
            sql.push(
                " FROM articles ar JOIN (SELECT rowid AS rid, rank AS r FROM articles_fts
 WHERE articles_fts MATCH ?) f ON f.rid = ar.id WHERE 1 = 1",
                [s.fts5().into()],
            );
            rank = Some("f.r".to_string());
        }
        (Some(s), Dialect::Postgres) => {
            sql.push(
                " FROM articles ar WHERE ar.text_tsv @@ to_tsquery('english', ?)",
                [s.tsquery().into()],
            );
            let n = sql.params.len();
            rank = Some(format!(
                "ts_rank(ar.text_tsv, to_tsquery('english', ?{n})) DESC"
            ));
        }
        (None, _) => sql.push(" FROM articles ar WHERE 1 = 1", []),
    }
    push_common(&mut sql, "ar.day", &q.outlet, &q.since, &q.until)?;
    sql.push(" ORDER BY ", []);
    if let (Order::Relevance, Some(r)) = (q.order, &rank) {
        sql.push(&format!("{r}, "), []);
    }
    sql.push("ar.day DESC, ar.id", []);
    page(conn, sql, q.limit, q.offset, |r| Ok(summary(r)))
}

pub(crate) fn article(conn: &mut dyn Conn, id: &str) -> Result<Option<ArticleRow>> {
    let mut sql = Sql::new(ARTICLE_COLUMNS);
    match id.trim().parse::<i64>() {
        Ok(n) => sql.push(" FROM articles ar WHERE ar.id = ?", [n.into()]),
        Err(_) => sql.push(
            " FROM articles ar WHERE ar.key = ? ORDER BY ar.id LIMIT 1",
            [id.into()],
        ),
    }
    let rows = conn.query(&sql.text, &sql.params)?;
    let Some(r) = rows.first() else {
        return Ok(None);
    };
    let s = summary(r);
    let dateline = (!r[8..11].iter().all(|v| *v == Value::Null)).then(|| DatelineRow {
        place: r[8].text(),
        date: r[9].text(),
        agency: r[10].text(),
    });
    let entities = conn
        .query(
            "SELECT idx, name, type, mentions, titles FROM entities WHERE article_id = ?1
             ORDER BY idx",
            &[s.id.into()],
        )?
        .iter()
        .map(|e| {
            Ok(EntityRow {
                index: e[0].int().unwrap_or_default(),
                name: e[1].text().unwrap_or_default(),
                kind: e[2].text().unwrap_or_default(),
                mentions: spans(&e[3])?,
                titles: serde_json::from_str(&e[4].text().unwrap_or_else(|| "[]".into()))?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let attributions = quotes(
        conn,
        None,
        &QuoteQuery {
            article_id: Some(s.id),
            limit: MAX_LIMIT,
            ..Default::default()
        },
    )?
    .items;
    Ok(Some(ArticleRow {
        id: s.id,
        key: s.key,
        url: s.url,
        outlet: s.outlet,
        headline: s.headline,
        published: s.published,
        updated: r[7].text(),
        dateline,
        byline: r[11].text(),
        origin: r[12].text().unwrap_or_default(),
        hash: r[13].text().unwrap_or_default(),
        text: r[14].text().unwrap_or_default(),
        entities,
        attributions,
    }))
}

/// The share `n / total`, rounded to 3 decimals (0 when there is nothing to share).
fn share(n: i64, total: i64) -> f64 {
    if total == 0 {
        return 0.0;
    }
    (n as f64 / total as f64 * 1000.0).round() / 1000.0
}

impl GenderCounts {
    fn new(group: String) -> GenderCounts {
        GenderCounts {
            group,
            female: 0,
            male: 0,
            unknown: 0,
            total: 0,
            female_share: 0.0,
            male_share: 0.0,
            unknown_share: 0.0,
        }
    }

    fn add(&mut self, gender: &str, n: i64) {
        match gender {
            "female" => self.female += n,
            "male" => self.male += n,
            _ => self.unknown += n,
        }
        self.total += n;
        self.female_share = share(self.female, self.total);
        self.male_share = share(self.male, self.total);
        self.unknown_share = share(self.unknown, self.total);
    }
}

/// Quotes of person speakers by the canonical speaker's gender: in all, per outlet (most
/// quotes first) and per month (in order, undated last).
pub(crate) fn gender_stats(conn: &mut dyn Conn) -> Result<GenderStats> {
    let rows = conn.query(
        "SELECT coalesce(ar.outlet, ''), substr(a.day, 1, 7), coalesce(sp.gender, 'unknown'),
                count(*)
         FROM attributions a JOIN articles ar ON ar.id = a.article_id
         JOIN speakers sp ON sp.id = a.speaker_id
         WHERE sp.type = 'person'
         GROUP BY coalesce(ar.outlet, ''), substr(a.day, 1, 7), coalesce(sp.gender, 'unknown')",
        &[],
    )?;
    let mut total = GenderCounts::new("all".into());
    let mut outlets: std::collections::BTreeMap<String, GenderCounts> = Default::default();
    let mut months: std::collections::BTreeMap<(bool, String), GenderCounts> = Default::default();
    for r in &rows {
        let outlet = r[0].text().unwrap_or_default();
        let month = r[1].text().unwrap_or_default();
        let gender = r[2].text().unwrap_or_default();
        let n = r[3].int().unwrap_or(0);
        total.add(&gender, n);
        let outlet_name = if outlet.is_empty() {
            NO_OUTLET.to_string()
        } else {
            outlet
        };
        outlets
            .entry(outlet_name.clone())
            .or_insert_with(|| GenderCounts::new(outlet_name))
            .add(&gender, n);
        let month_name = if month.is_empty() {
            UNDATED.to_string()
        } else {
            month
        };
        months
            .entry((month_name == UNDATED, month_name.clone()))
            .or_insert_with(|| GenderCounts::new(month_name))
            .add(&gender, n);
    }
    let mut by_outlet: Vec<GenderCounts> = outlets.into_values().collect();
    by_outlet.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.group.cmp(&b.group)));
    Ok(GenderStats {
        counted: GENDER_COUNTED.into(),
        total,
        by_outlet,
        by_month: months.into_values().collect(),
    })
}

/// The group of articles without an outlet in [`GenderStats::by_outlet`].
pub const NO_OUTLET: &str = "(no outlet)";
/// The group of undated articles in [`GenderStats::by_month`].
pub const UNDATED: &str = "(undated)";
/// What [`GenderStats`] counts, in words.
const GENDER_COUNTED: &str = "quotes by person speakers, by the gender of the canonical \
     speaker (from the articles' evidence: pronouns, honorifics, gendered titles, first names); \
     quotes by organisations, groups, anonymous sources and documents are not counted";

#[cfg(test)]
mod tests {
    use super::*;

    fn check_day_ok(day: &str, ok: bool) {
        assert_eq!(check_day("--since", day).is_ok(), ok, "{day:?}");
    }

    #[test]
    fn days_are_validated() {
        check_day_ok("2017", true);
        check_day_ok("2017-03", true);
        check_day_ok("2017-03-03", true);
        check_day_ok("", false);
        check_day_ok("17", false);
        check_day_ok("2017-3-3", false);
        check_day_ok("2017/03/03", false);
        check_day_ok("2017-03-03T10:00", false);
        check_day_ok("yesterday", false);
        check_day_ok("２０１７", false);
        // Impossible months and days.
        check_day_ok("2016-13", false);
        check_day_ok("2016-00", false);
        check_day_ok("2017-02-29", false);
        check_day_ok("2016-02-29", true);
        check_day_ok("1900-02-29", false);
        check_day_ok("2000-02-29", true);
        check_day_ok("2017-04-31", false);
        check_day_ok("2017-12-31", true);
        check_day_ok("2017-01-00", false);
    }

    #[test]
    fn sql_numbers_parameters_in_order() {
        let mut sql = Sql::new("SELECT 1 WHERE 1 = 1");
        sql.push(" AND a = ?", [Value::Int(1)]);
        sql.push(" AND b = ? AND c = ?", [Value::Int(2), Value::Int(3)]);
        assert_eq!(
            sql.text,
            "SELECT 1 WHERE 1 = 1 AND a = ?1 AND b = ?2 AND c = ?3"
        );
        assert_eq!(sql.params.len(), 3);
        sql.push(" ORDER BY f(?3), ?", [Value::Int(4)]);
        assert!(sql.text.ends_with(" ORDER BY f(?3), ?4"), "{}", sql.text);
    }
}
