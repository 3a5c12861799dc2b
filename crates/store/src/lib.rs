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
//! assert_eq!(page.items[0].speaker.as_ref().unwrap().name, "Jeff Smith");
//! ```

mod canon;
mod db;
mod ingest;
mod query;
mod schema;
mod search;

pub use canon::{content_hash, normalize_name, speaker_key};
pub use query::{ArticleQuery, Order, QuoteQuery, SpeakerQuery};

use db::{Conn, Dialect};
use serde::{Deserialize, Serialize};

/// Errors of the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("PostgreSQL: {0}")]
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
}

/// A page of results. `next_offset` is the offset of the next page, if there is one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub offset: u64,
    pub limit: u64,
    pub next_offset: Option<u64>,
}

/// The speaker of a stored attribution, as the pipeline resolved it in its article, with
/// the id of the store-wide speaker it was counted under.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SpeakerRef {
    pub id: Option<i64>,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// Index of the article entity (into [`ArticleRow::entities`]).
    pub entity: Option<i64>,
    pub description: Option<String>,
    pub affiliation: Option<String>,
}

/// One attribution with its article's metadata. Spans are Unicode code-point offsets into
/// the article text, end exclusive; the `_text` fields are the spans' text, pieces joined by
/// " … ".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuoteRow {
    pub id: i64,
    pub article_id: i64,
    /// The article's input id (JSONL `id` or file stem).
    pub article_key: String,
    /// Position of the attribution in its article (text order).
    pub index: i64,
    pub kind: String,
    pub source_text: String,
    pub cue_text: String,
    pub content_text: String,
    pub source: Vec<[usize; 2]>,
    pub cue: Vec<[usize; 2]>,
    pub content: Vec<[usize; 2]>,
    pub speaker: Option<SpeakerRef>,
    pub outlet: Option<String>,
    pub headline: Option<String>,
    pub published: Option<String>,
    pub url: Option<String>,
}

/// A store-wide speaker: canonical name and type, and every name it appeared under.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SpeakerRow {
    pub id: i64,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub quote_count: i64,
    pub article_count: i64,
    pub aliases: Vec<String>,
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
}

/// Whether `target` names a PostgreSQL server rather than a SQLite file.
pub fn is_postgres_url(target: &str) -> bool {
    target.starts_with("postgres://") || target.starts_with("postgresql://")
}

impl Store {
    /// Opens (creating if needed) the store at `target`: a `postgres://` or `postgresql://`
    /// URL, else a SQLite file path (`:memory:` for a private in-memory store).
    pub fn open(target: &str) -> Result<Store> {
        if is_postgres_url(target) {
            let client = postgres::Client::connect(target, postgres::NoTls)?;
            Store::init(Box::new(db::Postgres::new(client)))
        } else {
            let conn = rusqlite::Connection::open(target)?;
            conn.busy_timeout(std::time::Duration::from_secs(30))?;
            // WAL: readers never block the writer; synchronous=NORMAL: a killed process loses
            // nothing committed (only a power cut may lose the last transactions).
            conn.query_row("PRAGMA journal_mode=WAL", [], |_| Ok(()))?;
            conn.execute_batch("PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;")?;
            let mut store = Store::init(Box::new(db::Sqlite(conn)))?;
            let dir = search::index_dir(target);
            let mut index = search::QuoteIndex::open(dir.as_deref())?;
            index.catch_up(store.conn.as_mut())?;
            store.index = Some(index);
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
            conn.batch(&schema::ddl(dialect))?;
            conn.exec(
                "INSERT INTO verbatim_meta (key, value) VALUES ('schema', ?1)
                 ON CONFLICT DO NOTHING",
                &[schema::SCHEMA_VERSION.into()],
            )?;
            version = conn.query(VERSION, &[])?.first().and_then(|r| r[0].text());
        }
        let version = version.unwrap_or_default();
        if version != schema::SCHEMA_VERSION {
            return Err(Error::Schema(format!(
                "store has schema version {version}, this verbatim reads {}",
                schema::SCHEMA_VERSION
            )));
        }
        Ok(Store { conn, index: None })
    }

    pub fn backend(&self) -> Backend {
        match self.conn.dialect() {
            Dialect::Sqlite => Backend::Sqlite,
            Dialect::Postgres => Backend::Postgres,
        }
    }

    /// Row counts of the main tables.
    pub fn stats(&mut self) -> Result<Stats> {
        let rows = self.conn.query(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM attributions),
                    (SELECT count(*) FROM speakers), (SELECT count(*) FROM speaker_aliases),
                    (SELECT count(*) FROM entities)",
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
        let prepared: Vec<ingest::Prepared> = items
            .iter()
            .map(|(article, analysis)| ingest::prepare(article, analysis))
            .collect();
        let mut report = IngestReport::default();
        self.begin()?;
        let whole = (|| {
            for p in &prepared {
                ingest::write(self.conn.as_mut(), p, &mut report)?;
            }
            self.conn.batch("COMMIT")
        })();
        if whole.is_ok() {
            self.update_index()?;
            return Ok(report);
        }
        self.rollback();
        let mut report = IngestReport::default();
        for p in &prepared {
            self.begin()?;
            let mut one = IngestReport::default();
            match ingest::write(self.conn.as_mut(), p, &mut one)
                .and_then(|_| self.conn.batch("COMMIT"))
            {
                Ok(()) => {
                    report.stored += one.stored;
                    report.duplicates += one.duplicates;
                    report.attributions += one.attributions;
                }
                Err(e) => {
                    self.rollback();
                    report.failed.push((p.origin.clone(), e.to_string()));
                }
            }
        }
        self.update_index()?;
        Ok(report)
    }

    /// Brings the search index up to the record (nothing for PostgreSQL).
    fn update_index(&mut self) -> Result<()> {
        if let Some(index) = &mut self.index {
            index.catch_up(self.conn.as_mut())?;
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
