//! verbatim-store: the system of record for analysed articles. Articles, their entities and
//! attributions, and the speakers quoted across articles, in an embedded SQLite file or on a
//! PostgreSQL server, with full-text search over quote contents and article text.
//!
//! One API for every client (the CLI, later the HTTP server): [`Store::open`] takes a path or
//! a `postgres://` URL; [`Store::ingest_batch`] writes analysed articles in one transaction;
//! [`Store::quotes`], [`Store::speakers`], [`Store::speaker`], [`Store::article`],
//! [`Store::articles`] and [`Store::stats`] read. Row types are serde-serialisable.
//!
//! ```
//! use verbatim_core::{Article, Pipeline};
//! use verbatim_store::{QuoteQuery, Store};
//! let mut store = Store::open(":memory:").unwrap();
//! let article = Article {
//!     id: "a1".into(),
//!     text: "\"We will win,\" Jeff Smith said.".into(),
//!     ..Default::default()
//! };
//! let analysis = Pipeline::new().analyze(&article);
//! store.ingest_batch(&[(article, analysis)]).unwrap();
//! let page = store.quotes(&QuoteQuery { speaker: Some("Smith".into()), ..Default::default() }).unwrap();
//! assert_eq!(page.items[0].speaker.as_deref(), Some("Jeff Smith"));
//! ```

mod canon;
mod cluster;
mod db;
mod ingest;
mod link;
mod query;
mod schema;
mod search;
mod syntax;

pub mod csv;
pub use canon::{content_hash, normalize_name, speaker_key};
pub use ingest::{prepare, prepare_found, Prepared};
pub use query::{
    check_min_confidence, outlet_name, split_list, ArticleQuery, ClusterOrder, ClusterQuery, Order,
    QuoteQuery, SpeakerOrder, SpeakerQuery, NO_OUTLET, UNDATED,
};
pub use schema::SCHEMA_VERSION;
pub use verbatim_core::link::quotes::{DiffOp, DiffPiece};

use db::{Conn, Dialect};
use serde::{Deserialize, Serialize};

/// Errors of the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("PostgreSQL: {}", postgres_message(.0))]
    Postgres(#[from] postgres::Error),
    #[error("stored JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("store schema: {0}")]
    Schema(String),
    #[error("search index: {0}")]
    Search(String),
    #[error("invalid query: {0}")]
    InvalidQuery(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The most of a server's detail or hint kept in a message (a detail can quote a whole
/// value, e.g. the key of a unique violation).
const MAX_DETAIL_CHARS: usize = 300;

/// What PostgreSQL said, on one line: the server's severity, message, detail and hint for an
/// error the server reported (the client's own text for it is only "db error"), else the
/// client's message and its cause.
fn postgres_message(e: &postgres::Error) -> String {
    let cut = |s: &str| match s.char_indices().nth(MAX_DETAIL_CHARS) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    };
    if let Some(db) = e.as_db_error() {
        let mut m = format!(
            "{}: {} (SQLSTATE {})",
            db.severity(),
            db.message(),
            db.code().code()
        );
        if let Some(detail) = db.detail() {
            m.push_str("; detail: ");
            m.push_str(&cut(detail));
        }
        if let Some(hint) = db.hint() {
            m.push_str("; hint: ");
            m.push_str(&cut(hint));
        }
        return m.replace('\n', " ");
    }
    match std::error::Error::source(e) {
        Some(cause) => format!("{e}: {cause}"),
        None => e.to_string(),
    }
}

/// Which database a store lives in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The analysed-article store.
pub struct Store {
    conn: Box<dyn Conn>,
    /// The quote search index (SQLite stores; PostgreSQL searches in the server).
    index: Option<search::QuoteIndex>,
    /// Ingest brings the index up to date after a batch only when this long has passed since
    /// it last did ([`Store::defer_index`]; zero: after every batch).
    index_interval: std::time::Duration,
    index_updated: Option<std::time::Instant>,
    /// Stored quotes already parsed for clustering, kept across batches.
    parsed: cluster::ParsedQuotes,
}

/// The PostgreSQL advisory lock key that serialises writers (`pg_advisory_xact_lock`): the
/// bytes of "verbatim" as a number, unlikely to collide with another application's key.
pub const WRITE_LOCK: i64 = 0x7665_7262_6174_696d;

/// The PostgreSQL advisory lock key held while a store's tables are created.
pub const SCHEMA_LOCK: i64 = WRITE_LOCK + 1;

/// How often a batch is written again after a serialization failure or a deadlock.
pub const MAX_RETRIES: usize = 8;

/// Whether `e` is a conflict with a concurrent writer that a retry can get past
/// (PostgreSQL serialization failure or deadlock; SQLite busy or locked).
fn is_conflict(e: &Error) -> bool {
    match e {
        Error::Postgres(e) => e.code().is_some_and(|c| {
            *c == postgres::error::SqlState::T_R_SERIALIZATION_FAILURE
                || *c == postgres::error::SqlState::T_R_DEADLOCK_DETECTED
        }),
        Error::Sqlite(rusqlite::Error::SqliteFailure(f, _)) => matches!(
            f.code,
            rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
        ),
        _ => false,
    }
}

/// The thread of [`Store::index_in_background`].
pub struct BackgroundIndex {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: std::thread::JoinHandle<Result<()>>,
}

impl BackgroundIndex {
    /// Stops the thread once its current update is done; its error, if it failed. The
    /// writer's [`Store::sync_index`] afterwards indexes what is left.
    pub fn finish(self) -> Result<()> {
        self.stop.store(true, std::sync::atomic::Ordering::Release);
        self.thread.thread().unpark();
        self.thread
            .join()
            .map_err(|_| Error::Search("the background indexing thread panicked".into()))?
    }
}

/// What one [`Store::ingest_batch`] did.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct IngestReport {
    /// Articles newly stored.
    pub stored: usize,
    /// Articles already in the store (same URL or same text), skipped.
    pub duplicates: usize,
    /// Attributions newly stored.
    pub attributions: usize,
    /// Articles that could not be stored: (origin, message). The rest of the batch is stored.
    pub failed: Vec<(String, String)>,
    /// Articles stored with a change: (origin, message), e.g. NUL characters replaced.
    #[serde(default)]
    pub warnings: Vec<(String, String)>,
    /// Transactions written again after a conflict with another writer (serialization
    /// failure, deadlock, busy database).
    pub retries: usize,
}

/// A page of results. `next_offset` is the offset of the next page, if there is one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub offset: u64,
    pub limit: u64,
    pub next_offset: Option<u64>,
    /// How many results the query has in all (every page).
    #[serde(default)]
    pub total: u64,
}

/// An outlet of the store: `outlet` as stored (what filters take), `name` as the outlet
/// calls itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutletRow {
    pub outlet: String,
    pub name: String,
    pub n_articles: i64,
}

/// The speaker of a stored attribution as the pipeline resolved it in its article (before
/// linking across articles).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SpeakerRef {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// Index of the article entity (into [`ArticleRow::entities`]).
    pub entity: Option<i64>,
    pub description: Option<String>,
    /// Whom the speaker speaks for: an anonymous source's organisation, a spokesperson's
    /// principal.
    pub affiliation: Option<String>,
    /// The role a representative is given ("spokesman", "lawyer").
    pub role: Option<String>,
    /// A document's issuer ("Bloomberg" for "the poll").
    pub issuer: Option<String>,
    /// How the speaker was found: name, alias, pronoun, description, apposition, byline,
    /// issuer or none (`None` for rows stored before schema 6).
    pub via: Option<String>,
    /// The resolver rule behind `via` ("pronoun-continued").
    pub evidence: Option<String>,
    /// The mention the source was resolved to, in code points; null when `via` is name,
    /// byline or none.
    pub antecedent: Option<[usize; 2]>,
    /// How likely the speaker is right, in [0, 1].
    pub confidence: Option<f64>,
    /// For persons: female, male or unknown, as this article shows it.
    pub gender: Option<String>,
}

/// One attribution with its article's metadata. Spans are Unicode code-point offsets into
/// the article text, end exclusive; the `_text` fields are the spans' text, pieces joined by
/// " … ".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuoteRow {
    pub id: i64,
    /// The article's store id.
    pub article: i64,
    /// The article's input id (JSONL `id` or file stem).
    pub article_key: String,
    /// Position of the attribution in its article (text order).
    pub index: i64,
    pub kind: String,
    /// What act the cue reports: speech, writing, thought, intention, evidence, other.
    pub cue_class: String,
    pub source_text: String,
    pub cue_text: String,
    pub content_text: String,
    pub source: Vec<[usize; 2]>,
    pub cue: Vec<[usize; 2]>,
    pub content: Vec<[usize; 2]>,
    /// The canonical speaker's name (linked across articles), if the source was resolved.
    pub speaker: Option<String>,
    pub speaker_id: Option<i64>,
    pub speaker_type: Option<String>,
    /// The canonical person's gender (female, male or unknown: what its quotes' evidence
    /// agrees on); null for other speaker types.
    pub speaker_gender: Option<String>,
    /// The speaker as resolved in this article.
    pub resolved: Option<SpeakerRef>,
    /// The quote cluster (the same statement in other articles), if any.
    pub cluster: Option<i64>,
    /// Whether this quote's wording differs materially from its cluster's reference wording.
    pub altered: bool,
    pub outlet: Option<String>,
    pub headline: Option<String>,
    pub published: Option<String>,
    pub url: Option<String>,
}

/// A role or title a speaker was given, with the days it was seen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoleRow {
    pub title: String,
    pub n_articles: i64,
    pub first_day: Option<String>,
    pub last_day: Option<String>,
}

/// A canonical speaker: one person, organisation or description across articles, with every
/// name it appeared under.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SpeakerRow {
    pub id: i64,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub aliases: Vec<String>,
    pub n_quotes: i64,
    pub n_articles: i64,
    pub first_day: Option<String>,
    pub last_day: Option<String>,
    /// For persons: female, male or unknown (the gender its person attributions agree on;
    /// unknown when none shows one or they conflict); null for other types.
    pub gender: Option<String>,
    /// Titles and roles seen with the name, most frequent first (only from
    /// [`Store::speaker`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<RoleRow>,
}

/// Why the names of a speaker were joined: each name it was quoted under, with the rule that
/// linked it (`speakers --explain`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    pub speaker: SpeakerRow,
    pub names: Vec<NameLink>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NameLink {
    /// The name as an article's resolver gave it.
    pub name: String,
    /// The rule that linked it to the speaker.
    pub reason: String,
    pub n_quotes: i64,
    pub n_articles: i64,
}

/// A user rule about speaker names (kept in the store; applied before the automatic rules).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum SpeakerRule {
    /// Quotes under `name` belong to the speaker known as `target`.
    Join { name: String, target: String },
    /// `name` is a speaker of its own, never joined to another by the automatic rules.
    Split { name: String },
}

/// A quote cluster in a listing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClusterSummary {
    pub id: i64,
    pub speaker: Option<String>,
    pub speaker_id: Option<i64>,
    /// The reference wording (the member most others agree with).
    pub text: String,
    /// The earliest article (store id), by published time.
    pub earliest: i64,
    pub first_day: String,
    pub size: i64,
    pub n_articles: i64,
    pub n_altered: i64,
    pub outlets: Vec<String>,
    /// Different outlets credit the statement to different speakers (see [`Credit`]).
    pub disputed: bool,
    /// Who the members credit the statement to, and which outlets say so.
    pub credits: Vec<Credit>,
}

/// One speaker a cluster's statement is credited to, with the outlets and articles that
/// credit it so. Members whose speaker was not resolved credit no one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Credit {
    pub speaker_id: i64,
    pub speaker: String,
    pub speaker_type: String,
    /// Outlet names (articles without an outlet are only in `articles`).
    pub outlets: Vec<String>,
    /// Store ids of the articles.
    pub articles: Vec<i64>,
}

/// One quote of a cluster.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClusterMember {
    /// The attribution id.
    pub quote: i64,
    pub article: i64,
    pub article_key: String,
    pub outlet: Option<String>,
    pub published: Option<String>,
    pub headline: Option<String>,
    pub url: Option<String>,
    pub speaker: Option<String>,
    pub text: String,
    pub altered: bool,
    /// This member's words against the reference wording.
    pub diff: Vec<verbatim_core::link::quotes::DiffPiece>,
}

/// A whole quote cluster (`verbatim cluster ID`), members in order of publication.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClusterRow {
    pub id: i64,
    pub speaker: Option<String>,
    pub speaker_id: Option<i64>,
    pub text: String,
    pub earliest: i64,
    /// Articles that may be as early as `earliest`: published the same day, where one of the
    /// two has a date but no time, so the order is not known.
    pub earliest_ties: Vec<i64>,
    pub disputed: bool,
    pub credits: Vec<Credit>,
    pub members: Vec<ClusterMember>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ArticleSummary {
    pub id: i64,
    pub key: String,
    pub url: Option<String>,
    pub outlet: Option<String>,
    pub headline: Option<String>,
    pub published: Option<String>,
    pub n_attributions: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DatelineRow {
    pub place: Option<String>,
    pub date: Option<String>,
    pub agency: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EntityRow {
    pub index: i64,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub mentions: Vec<[usize; 2]>,
    pub titles: Vec<String>,
}

/// A whole stored article.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ArticleRow {
    pub id: i64,
    pub key: String,
    pub url: Option<String>,
    pub outlet: Option<String>,
    pub headline: Option<String>,
    pub published: Option<String>,
    pub updated: Option<String>,
    pub dateline: Option<DatelineRow>,
    pub byline: Option<String>,
    pub origin: String,
    pub hash: String,
    pub text: String,
    pub entities: Vec<EntityRow>,
    pub attributions: Vec<QuoteRow>,
}

/// Row counts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    pub articles: i64,
    pub attributions: i64,
    pub speakers: i64,
    pub aliases: i64,
    pub entities: i64,
    pub clusters: i64,
}

/// The quotes of person speakers by gender (`verbatim stats --by gender`): in all, per
/// outlet, per month. Shares are of the group's person quotes, rounded to 3 decimals.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GenderStats {
    /// What is counted, in words: persons only.
    pub counted: String,
    pub total: GenderCounts,
    /// One row per outlet, most person quotes first.
    pub by_outlet: Vec<GenderCounts>,
    /// One row per month (`YYYY-MM`), in order, undated last.
    pub by_month: Vec<GenderCounts>,
}

/// Person quotes of one group (an outlet, a month, or `all`) by the speaker's gender.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GenderCounts {
    /// The outlet, the month (`YYYY-MM`), `all`, or `(no outlet)` / `(undated)`.
    pub group: String,
    pub female: i64,
    pub male: i64,
    pub unknown: i64,
    pub total: i64,
    pub female_share: f64,
    pub male_share: f64,
    pub unknown_share: f64,
}

/// Whether `target` names a PostgreSQL server rather than a SQLite file.
pub fn is_postgres_url(target: &str) -> bool {
    target.starts_with("postgres://") || target.starts_with("postgresql://")
}

/// `target` fit to print: the password of a PostgreSQL URL (`user:PASSWORD@host`, or a
/// `password=` parameter) replaced with `***`; a SQLite path as it is.
pub fn redact(target: &str) -> String {
    if !is_postgres_url(target) {
        return target.to_string();
    }
    let scheme_end = target.find("://").map_or(0, |i| i + 3);
    let mut out = target.to_string();
    // The authority ends at the first `/`, `?` or `#` after the scheme; its last `@` ends the
    // user info.
    let rest = &target[scheme_end..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    if let Some(at) = rest[..authority_end].rfind('@') {
        if let Some(colon) = rest[..at].find(':') {
            out = format!(
                "{}***{}",
                &target[..scheme_end + colon + 1],
                &target[scheme_end + at..]
            );
        }
    }
    // `?password=...` / `&password=...`
    let mut from = 0;
    while let Some(k) = out[from..].find("password=") {
        let start = from + k;
        let at_param = start > 0 && matches!(out.as_bytes()[start - 1], b'?' | b'&');
        let value_start = start + "password=".len();
        if at_param {
            let value_end = out[value_start..]
                .find(['&', '#'])
                .map_or(out.len(), |i| value_start + i);
            out.replace_range(value_start..value_end, "***");
        }
        from = value_start;
    }
    out
}

/// Creates the SQLite file owner-only (0600) when it does not exist yet: a store holds every
/// article ingested. SQLite gives its `-wal` and `-shm` files the same mode.
fn create_owner_only(target: &str) {
    let path = std::path::Path::new(target);
    if target.is_empty() || target == ":memory:" || target.starts_with("file:") || path.exists() {
        return;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    // A failure (created meanwhile by another process, a folder that does not exist) is left
    // to SQLite's open, which reports it.
    let _ = options.open(path);
}

impl Store {
    /// Opens (creating if needed) the store at `target`: a `postgres://` or `postgresql://`
    /// URL, else a SQLite file path (`:memory:` for a private in-memory store).
    pub fn open(target: &str) -> Result<Store> {
        if is_postgres_url(target) {
            let client = postgres::Client::connect(target, postgres::NoTls)?;
            Store::init(Box::new(db::Postgres::new(client)))
        } else {
            create_owner_only(target);
            let conn = rusqlite::Connection::open(target)?;
            conn.busy_timeout(std::time::Duration::from_secs(30))?;
            // Ingest runs a few dozen distinct statements per article; the default cache (16)
            // would prepare them again and again.
            conn.set_prepared_statement_cache_capacity(128);
            // WAL: readers never block the writer; synchronous=NORMAL: a killed process loses
            // nothing committed (only a power cut may lose the last transactions).
            conn.query_row("PRAGMA journal_mode=WAL", [], |_| Ok(()))?;
            // temp_store=MEMORY: the statement journals of multi-row writes stay in memory
            // instead of spilling to temporary files (most of ingest's write syscalls were
            // those spills).
            // wal_autocheckpoint=8192 (32 MiB of WAL between checkpoints, not 4 MiB): a bulk
            // load rewrites the same index pages batch after batch, and each checkpoint
            // copies (and syncs) every page changed since the last one.
            conn.execute_batch(
                "PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;
                 PRAGMA wal_autocheckpoint=8192;",
            )?;
            // Plans do not depend on bound values: without this, SQLite re-plans a cached
            // statement whenever a new value is bound to some parameters (the speaker key
            // lookups were re-prepared on every call).
            conn.set_db_config(
                rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
                true,
            )?;
            let mut store = Store::init(Box::new(db::Sqlite(conn)))?;
            let dir = search::index_dir(target);
            let mut index = search::QuoteIndex::open(dir.as_deref())?;
            index.catch_up(store.conn.as_mut())?;
            store.index = Some(index);
            store.index_updated = Some(std::time::Instant::now());
            Ok(store)
        }
    }

    fn init(mut conn: Box<dyn Conn>) -> Result<Store> {
        let dialect = conn.dialect();
        const VERSION: &str = "SELECT value FROM verbatim_meta WHERE key = 'schema'";
        // An existing store is only read here (no write lock while another process ingests).
        let mut version = conn
            .query(VERSION, &[])
            .ok()
            .and_then(|rows| rows.first().and_then(|r| r[0].text()));
        if version.is_none() {
            // A new store: created in one transaction that two processes creating it at once
            // take in turn (the advisory lock on PostgreSQL, where concurrent `CREATE TABLE IF
            // NOT EXISTS` collide; the write lock on SQLite), the second finding it made.
            let created = (|| {
                match dialect {
                    Dialect::Sqlite => conn.batch("BEGIN IMMEDIATE")?,
                    Dialect::Postgres => conn.batch(&format!(
                        "BEGIN; SELECT pg_advisory_xact_lock({SCHEMA_LOCK})"
                    ))?,
                }
                // Every statement is `IF NOT EXISTS`: the second creator changes nothing.
                conn.batch(&schema::ddl(dialect))?;
                conn.exec(
                    "INSERT INTO verbatim_meta (key, value) VALUES ('schema', ?1)
                     ON CONFLICT DO NOTHING",
                    &[schema::SCHEMA_VERSION.into()],
                )?;
                conn.batch("COMMIT")
            })();
            if let Err(e) = created {
                let _ = conn.batch("ROLLBACK");
                return Err(e);
            }
            version = conn.query(VERSION, &[])?.first().and_then(|r| r[0].text());
        }
        let mut version = version.unwrap_or_default();
        if let Some(sql) = schema::migration(&version, dialect) {
            // Asked before the transaction: a failed statement would abort it on PostgreSQL.
            let has_cue_class = conn
                .query("SELECT cue_class FROM attributions LIMIT 0", &[])
                .is_ok();
            let has_provenance = conn
                .query("SELECT speaker_via FROM attributions LIMIT 0", &[])
                .is_ok();
            conn.batch("BEGIN")?;
            let migrated = if has_cue_class {
                Ok(())
            } else {
                conn.batch(schema::ADD_CUE_CLASS)
            }
            .and_then(|()| {
                if has_provenance {
                    Ok(())
                } else {
                    conn.batch(&schema::add_provenance(dialect))
                }
            })
            .and_then(|()| conn.batch(&sql))
            .and_then(|()| fill_cue_classes(conn.as_mut()));
            if let Err(e) = migrated {
                let _ = conn.batch("ROLLBACK");
                return Err(Error::Schema(format!(
                    "store has schema version {version}; bringing it to {} failed: {e}",
                    schema::SCHEMA_VERSION
                )));
            }
            conn.batch("COMMIT")?;
            version = schema::SCHEMA_VERSION.to_string();
        }
        if version != schema::SCHEMA_VERSION {
            return Err(Error::Schema(format!(
                "store has schema version {version}, this verbatim reads {} \
                 (ingest the articles again into a new store)",
                schema::SCHEMA_VERSION
            )));
        }
        Ok(Store {
            conn,
            index: None,
            index_interval: std::time::Duration::ZERO,
            index_updated: None,
            parsed: cluster::ParsedQuotes::default(),
        })
    }

    pub fn backend(&self) -> Backend {
        match self.conn.dialect() {
            Dialect::Sqlite => Backend::Sqlite,
            Dialect::Postgres => Backend::Postgres,
        }
    }

    /// Quotes of person speakers by gender, in all, per outlet and per month.
    pub fn gender_stats(&mut self) -> Result<GenderStats> {
        query::gender_stats(self.conn.as_mut())
    }

    /// Row counts of the main tables.
    pub fn stats(&mut self) -> Result<Stats> {
        let rows = self.conn.query(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM attributions),
                    (SELECT count(*) FROM speakers), (SELECT count(*) FROM speaker_aliases),
                    (SELECT count(*) FROM entities), (SELECT count(*) FROM clusters)",
            &[],
        )?;
        let r = &rows[0];
        let n = |i: usize| r[i].int().unwrap_or(0);
        Ok(Stats {
            articles: n(0),
            attributions: n(1),
            speakers: n(2),
            aliases: n(3),
            entities: n(4),
            clusters: n(5),
        })
    }

    fn begin(&mut self) -> Result<()> {
        match self.conn.dialect() {
            Dialect::Sqlite => self.conn.batch("BEGIN IMMEDIATE"),
            Dialect::Postgres => self.conn.batch("BEGIN"),
        }
    }

    fn rollback(&mut self) {
        // The transaction may already be gone (connection lost); nothing more to do then.
        let _ = self.conn.batch("ROLLBACK");
    }

    /// Stores analysed articles in one transaction. Articles already stored (same text, or
    /// same URL) are skipped, so ingesting twice stores once. If the transaction fails, each
    /// article is retried in its own, and the ones that still fail are reported in
    /// [`IngestReport::failed`].
    pub fn ingest_batch(
        &mut self,
        items: &[(verbatim_core::Article, verbatim_core::Analysis)],
    ) -> Result<IngestReport> {
        let prepared: Vec<Prepared> = items
            .iter()
            .map(|(article, analysis)| prepare(article, analysis))
            .collect();
        self.ingest_prepared(&prepared)
    }

    /// [`Store::ingest_batch`] for articles already turned into rows by [`prepare`] (which
    /// callers can run on worker threads while the store writes the previous batch).
    pub fn ingest_prepared(&mut self, prepared: &[Prepared]) -> Result<IngestReport> {
        let mut report = IngestReport::default();
        if self.write_retrying(prepared, &mut report).is_err() {
            // One bad article must not keep the others out: each in its own transaction.
            let retries = report.retries;
            report = IngestReport {
                retries,
                ..IngestReport::default()
            };
            for p in prepared {
                if let Err(e) = self.write_retrying(std::slice::from_ref(p), &mut report) {
                    report.failed.push((p.origin.clone(), e.to_string()));
                }
            }
        }
        self.update_index_when_due()?;
        Ok(report)
    }

    /// [`Store::write_once`], again while it fails on a conflict with another writer (at
    /// most [`MAX_RETRIES`] times, each counted in `report.retries`); its counts are added to
    /// `report` only when it commits.
    fn write_retrying(&mut self, batch: &[Prepared], report: &mut IngestReport) -> Result<()> {
        let mut attempt = 0;
        loop {
            let mut one = IngestReport::default();
            match self.write_once(batch, &mut one) {
                Ok(()) => {
                    report.stored += one.stored;
                    report.duplicates += one.duplicates;
                    report.attributions += one.attributions;
                    report.warnings.extend(one.warnings);
                    return Ok(());
                }
                Err(e) if attempt < MAX_RETRIES && is_conflict(&e) => {
                    attempt += 1;
                    report.retries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(10 << attempt.min(6)));
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Writes a batch in one transaction: rows, linking, clustering, recomputed counts.
    ///
    /// On PostgreSQL the transaction first takes the advisory lock [`WRITE_LOCK`], so that
    /// writers in other processes (or machines) write one batch at a time: linking reads the
    /// speakers and quote bands that earlier batches stored, and two batches linked at once
    /// would each create the speaker the other is creating. SQLite has one writer anyway
    /// (`BEGIN IMMEDIATE`, waiting up to the busy timeout).
    fn write_once(&mut self, batch: &[Prepared], report: &mut IngestReport) -> Result<()> {
        self.begin()?;
        let conn = self.conn.as_mut();
        let written = (|| {
            if conn.dialect() == Dialect::Postgres {
                conn.batch(&format!("SELECT pg_advisory_xact_lock({WRITE_LOCK})"))?;
            }
            let rules = link::load_rules(conn)?;
            let mut touched = ingest::start(conn, batch)?;
            for p in batch {
                ingest::write(conn, p, &rules, &mut touched, &mut self.parsed, report)?;
            }
            ingest::finish(conn, &touched, &mut self.parsed)?;
            conn.batch("COMMIT")
        })();
        if written.is_err() {
            self.rollback();
        }
        written
    }

    /// Lets ingest batches leave the quote search index behind for up to `interval` (a bulk
    /// load then indexes once every `interval` instead of after every batch: indexing a batch
    /// costs about as much as writing it). Call [`Store::sync_index`] when done; a process
    /// killed before that leaves the index behind, and the next open of the store catches up.
    pub fn defer_index(&mut self, interval: std::time::Duration) {
        self.index_interval = interval;
    }

    fn update_index_when_due(&mut self) -> Result<()> {
        let due = self
            .index_updated
            .is_none_or(|t| t.elapsed() >= self.index_interval);
        if due {
            self.sync_index()?;
        }
        Ok(())
    }

    /// Keeps the quote search index of the SQLite store at `target` up to date on a thread
    /// of its own, every `every`, while this process writes the store through another handle
    /// (whose own index updates should then be deferred: [`Store::defer_index`]): a bulk load
    /// then indexes on the second core instead of all at the end. `None` for PostgreSQL and
    /// in-memory stores (nothing to index, or no second handle).
    pub fn index_in_background(
        target: &str,
        every: std::time::Duration,
    ) -> Option<BackgroundIndex> {
        if is_postgres_url(target) || search::index_dir(target).is_none() {
            return None;
        }
        let target = target.to_string();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopped = stop.clone();
        let thread = std::thread::spawn(move || -> Result<()> {
            let mut store = Store::open(&target)?;
            while !stopped.load(std::sync::atomic::Ordering::Acquire) {
                std::thread::park_timeout(every);
                store.sync_index()?;
            }
            Ok(())
        });
        Some(BackgroundIndex { stop, thread })
    }

    /// Brings the search index up to the record (nothing for PostgreSQL).
    pub fn sync_index(&mut self) -> Result<()> {
        if let Some(index) = &mut self.index {
            index.catch_up(self.conn.as_mut())?;
            self.index_updated = Some(std::time::Instant::now());
        }
        Ok(())
    }

    /// Attributions matching `q`, in `q.order`.
    pub fn quotes(&mut self, q: &QuoteQuery) -> Result<Page<QuoteRow>> {
        query::quotes(self.conn.as_mut(), self.index.as_ref(), q)
    }

    /// Speakers matching `q`, most quoted first.
    pub fn speakers(&mut self, q: &SpeakerQuery) -> Result<Page<SpeakerRow>> {
        query::speakers(self.conn.as_mut(), q)
    }

    pub fn speaker(&mut self, id: i64) -> Result<Option<SpeakerRow>> {
        query::speaker(self.conn.as_mut(), id)
    }

    /// Why the speakers known under `name` have the names they have.
    pub fn explain(&mut self, name: &str) -> Result<Vec<Explanation>> {
        query::explain(self.conn.as_mut(), name)
    }

    /// The user's speaker rules, by name.
    pub fn rules(&mut self) -> Result<Vec<SpeakerRule>> {
        query::rules(self.conn.as_mut())
    }

    /// Adds or replaces user rules (one per name) and relinks every speaker with them.
    pub fn add_rules(&mut self, rules: &[SpeakerRule]) -> Result<()> {
        for r in rules {
            let (name, target) = match r {
                SpeakerRule::Join { name, target } => (name, Some(target)),
                SpeakerRule::Split { name } => (name, None),
            };
            if normalize_name(name).trim().is_empty()
                || target.is_some_and(|t| normalize_name(t).trim().is_empty())
            {
                return Err(Error::InvalidQuery(format!(
                    "rule for {name:?}: names need words"
                )));
            }
        }
        self.in_transaction(|conn| {
            for r in rules {
                let (action, name, target) = match r {
                    SpeakerRule::Join { name, target } => ("join", name, Some(target.as_str())),
                    SpeakerRule::Split { name } => ("split", name, None),
                };
                conn.exec(
                    "INSERT INTO speaker_rules (norm, action, name, target) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (norm) DO UPDATE SET action = excluded.action,
                       name = excluded.name, target = excluded.target",
                    &[
                        normalize_name(name).into(),
                        action.into(),
                        name.as_str().into(),
                        target.into(),
                    ],
                )?;
            }
            link::relink_all(conn)
        })
    }

    /// Removes the user rule for `name` (true if there was one) and relinks.
    pub fn remove_rule(&mut self, name: &str) -> Result<bool> {
        let mut removed = false;
        self.in_transaction(|conn| {
            removed = conn.exec(
                "DELETE FROM speaker_rules WHERE norm = ?1",
                &[normalize_name(name).into()],
            )? > 0;
            if removed {
                link::relink_all(conn)?;
            }
            Ok(())
        })?;
        Ok(removed)
    }

    /// Recomputes every canonical speaker from the stored mentions and the user's rules.
    pub fn relink(&mut self) -> Result<()> {
        self.in_transaction(link::relink_all)
    }

    fn in_transaction(&mut self, f: impl FnOnce(&mut dyn Conn) -> Result<()>) -> Result<()> {
        self.begin()?;
        match f(self.conn.as_mut()).and_then(|_| self.conn.batch("COMMIT")) {
            Ok(()) => Ok(()),
            Err(e) => {
                self.rollback();
                Err(e)
            }
        }
    }

    /// Quote clusters matching `q`, largest first.
    pub fn clusters(&mut self, q: &ClusterQuery) -> Result<Page<ClusterSummary>> {
        query::clusters(self.conn.as_mut(), q)
    }

    /// One attribution by its store id.
    pub fn quote(&mut self, id: i64) -> Result<Option<QuoteRow>> {
        query::quote(self.conn.as_mut(), id)
    }

    /// Every outlet name with its article count, most articles first.
    pub fn outlets(&mut self) -> Result<Vec<OutletRow>> {
        query::outlets(self.conn.as_mut())
    }

    /// One quote cluster with its members.
    pub fn cluster(&mut self, id: i64) -> Result<Option<ClusterRow>> {
        query::cluster(self.conn.as_mut(), id)
    }

    /// The article with this store id (a number) or input id (its `key`; the first stored
    /// if several share it).
    pub fn article(&mut self, id: &str) -> Result<Option<ArticleRow>> {
        query::article(self.conn.as_mut(), id)
    }

    /// Articles matching `q` (metadata only; [`Store::article`] for the whole article).
    pub fn articles(&mut self, q: &ArticleQuery) -> Result<Page<ArticleSummary>> {
        query::articles(self.conn.as_mut(), q)
    }
}

fn _assert_send() {
    fn is_send<T: Send>() {}
    is_send::<Store>();
}

#[cfg(test)]
mod tests;

/// Gives every attribution still at the default cue class the class of its stored cue text
/// and kind (a store migrated from schema 3 or older).
fn fill_cue_classes(conn: &mut dyn Conn) -> Result<()> {
    use verbatim_core::attribute::{cue_class, Kind};
    let rows = conn.query(
        "SELECT id, cue_text, kind FROM attributions WHERE cue_class = 'other'",
        &[],
    )?;
    for r in &rows {
        let (Some(id), Some(cue)) = (r[0].int(), r[1].text()) else {
            continue;
        };
        let kind = r[2]
            .text()
            .and_then(|k| Kind::parse(&k))
            .unwrap_or(Kind::Other);
        let span = verbatim_core::Span::new(0, cue.len());
        let class = cue_class::classify_cue(&cue, &[span], kind);
        if class != verbatim_core::attribute::CueClass::Other {
            conn.exec(
                "UPDATE attributions SET cue_class = ?1 WHERE id = ?2",
                &[class.as_str().into(), id.into()],
            )?;
        }
    }
    Ok(())
}
