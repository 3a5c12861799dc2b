//! The tables. One schema, two dialects: they differ in the id column and in full-text
//! search (SQLite: a tantivy index for quotes (search.rs) and an FTS5 table for article text,
//! filled once per ingest batch; PostgreSQL: generated `tsvector` columns with GIN indexes).

use crate::db::Dialect;

/// Bumped when the tables change; a store of an older version is migrated when `migration`
/// knows how, else refused. 3: English stemming in full-text search (FTS5 `porter`, the
/// PostgreSQL `english` configuration). 4: the cue class of every attribution
/// (`attributions.cue_class`, filled from the stored cue text and kind on migration).
/// 5: SQLite's article search table is filled once per batch, not by a trigger per insert;
/// PostgreSQL's search columns split words at punctuation as the search does
/// ("Sanders/Trump" holds `trump`) and cover the whole text ([`PG_TSV_FUNCTION`]).
/// 6: how each speaker was found (`attributions.speaker_via`, `_evidence`, `_antecedent`,
/// `_confidence`, `_role`, `_issuer`, `_gender`) and the gender of each canonical person
/// (`speakers.gender`); a migrated store keeps its rows with these unknown (NULL).
/// 7: the index of mentions by speaker ([`MENTIONS_BY_SPEAKER`]) holds every column that the
/// recount at the end of each batch reads, so the recount reads no table rows.
pub const SCHEMA_VERSION: &str = "7";

/// The index the end-of-batch speaker recount (`link::refresh`) reads: by speaker, with the
/// name, type, quote count, article and day of each mention, so that the totals and the
/// display name of a speaker come from the index alone (a covering index), however many
/// mentions the speaker has. Schemas 2–6 had `mentions_speaker (speaker_id, name)`, which sent
/// the recount to the table for every mention of every speaker a batch touched.
pub const MENTIONS_BY_SPEAKER: &str = "CREATE INDEX IF NOT EXISTS mentions_by_speaker
 ON mentions (speaker_id, name, type, quote_count, article_id, day);
";

/// The speaker provenance columns of `attributions` (schema 6), in the order
/// `ingest::prepare_found` fills them. All nullable: rows stored before schema 6 have none.
pub(crate) fn provenance_columns(dialect: Dialect) -> [(&'static str, &'static str); 7] {
    let real = match dialect {
        Dialect::Sqlite => "REAL",
        Dialect::Postgres => "DOUBLE PRECISION",
    };
    [
        ("speaker_role", "TEXT"),
        ("speaker_issuer", "TEXT"),
        ("speaker_via", "TEXT"),
        ("speaker_evidence", "TEXT"),
        ("speaker_antecedent", "TEXT"),
        ("speaker_confidence", real),
        ("speaker_gender", "TEXT"),
    ]
}

/// Adds the provenance columns (schema 6) to a store without them; persons get the gender
/// `unknown` until an article with gender evidence refreshes them.
pub(crate) fn add_provenance(dialect: Dialect) -> String {
    let mut sql = String::new();
    for (column, ty) in provenance_columns(dialect) {
        sql.push_str(&format!(
            "ALTER TABLE attributions ADD COLUMN {column} {ty};\n"
        ));
    }
    sql.push_str("ALTER TABLE speakers ADD COLUMN gender TEXT;\n");
    sql.push_str("UPDATE speakers SET gender = 'unknown' WHERE type = 'person';\n");
    sql
}

/// The SQLite article search table, an external-content FTS5 table over `articles`, filled
/// by each ingest batch before it commits (`ingest::finish`): a trigger per insert made every
/// article insert a statement savepoint, at which FTS5 flushes its pending terms to disk.
const SQLITE_FTS: &str =
    "CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(headline, text,
 content='articles', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2');
";

/// Fills the article search table with the articles from id `?1` on (the batch's).
pub(crate) const SQLITE_FTS_FILL: &str = "INSERT INTO articles_fts (rowid, headline, text)
 SELECT id, headline, text FROM articles WHERE id >= ?1";

/// The longest text a PostgreSQL search column falls back to when the whole text's distinct
/// words pass the server's 1 MB `tsvector` limit (at most 4 bytes a character: under it).
pub const PG_TSV_FALLBACK_CHARS: u32 = 200_000;

/// ASCII punctuation, which the search splits words at (`syntax::words`). PostgreSQL's parser
/// keeps some of it inside a token ("Sanders/Trump" is one file-path token, "cnn.com" a
/// host), so the search columns turn it into spaces first.
const PG_PUNCTUATION: &str = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

/// Below this many bytes a text cannot reach PostgreSQL's `tsvector` limit (1 MiB of
/// distinct lexemes, each no longer than the words it comes from), with a margin.
const PG_TSV_SAFE_BYTES: u32 = 1_000_000;

/// The functions behind the PostgreSQL search columns: `verbatim_tsv`, the English
/// `tsvector` of the text with ASCII punctuation as spaces; a text of a megabyte or more goes
/// through `verbatim_tsv_long`, which falls back to its first [`PG_TSV_FALLBACK_CHARS`]
/// characters when the whole passes the server's `tsvector` limit (a text of very many
/// distinct words). Only that one catches the error: an exception block costs a
/// subtransaction per row, about a tenth of a load's time if every quote paid it.
fn pg_tsv_function() -> String {
    let spaces = " ".repeat(PG_PUNCTUATION.len());
    let punctuation = PG_PUNCTUATION.replace('\'', "''");
    let words = format!("translate(doc, '{punctuation}', '{spaces}')");
    format!(
        "CREATE OR REPLACE FUNCTION verbatim_tsv_long(doc TEXT) RETURNS TSVECTOR
 LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
BEGIN
 RETURN to_tsvector('english', {words});
EXCEPTION WHEN program_limit_exceeded THEN
 RETURN to_tsvector('english', left({words}, {PG_TSV_FALLBACK_CHARS}));
END
$fn$;
CREATE OR REPLACE FUNCTION verbatim_tsv(doc TEXT) RETURNS TSVECTOR
 LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
SELECT CASE WHEN octet_length(doc) < {PG_TSV_SAFE_BYTES}
 THEN to_tsvector('english', {words}) ELSE verbatim_tsv_long(doc) END
$fn$;
"
    )
}

/// The PostgreSQL search columns: (table, column, the text it indexes).
const PG_TSV: [(&str, &str, &str); 2] = [
    ("attributions", "content_tsv", "content_text"),
    (
        "articles",
        "text_tsv",
        "coalesce(headline, '') || ' ' || text",
    ),
];

fn pg_tsv_column(column: &str, text: &str) -> String {
    format!("{column} TSVECTOR GENERATED ALWAYS AS (verbatim_tsv({text})) STORED")
}

/// The statements that bring a store of schema `from` to `SCHEMA_VERSION`, if it can be
/// done in place (the search tables are derived: rebuilt from the record).
pub fn migration(from: &str, dialect: Dialect) -> Option<String> {
    if !matches!(from, "2" | "3" | "4" | "5" | "6") {
        return None;
    }
    // 3 → 4 and 5 → 6 are done by `Store::init` (it adds the cue class and provenance columns
    // where they are missing); the rest is the search tables, already right in schema 5, and
    // the covering index of schema 7.
    let mut sql = String::new();
    match dialect {
        _ if from == "5" || from == "6" => {}
        Dialect::Sqlite => {
            sql.push_str("DROP TRIGGER IF EXISTS articles_fts;\n");
            if from == "2" {
                // Schema 2's article index was unstemmed.
                sql.push_str("DROP TABLE IF EXISTS articles_fts;\n");
                sql.push_str(SQLITE_FTS);
                sql.push_str("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');\n");
            }
        }
        Dialect::Postgres => {
            sql.push_str(&pg_tsv_function());
            for (table, column, text) in PG_TSV {
                sql.push_str(&format!(
                    "ALTER TABLE {table} DROP COLUMN IF EXISTS {column};\n\
                     ALTER TABLE {table} ADD COLUMN {};\n",
                    pg_tsv_column(column, text)
                ));
            }
            sql.push_str(PG_TSV_INDEXES);
        }
    }
    sql.push_str("DROP INDEX IF EXISTS mentions_speaker;\n");
    sql.push_str(MENTIONS_BY_SPEAKER);
    sql.push_str(&format!(
        "UPDATE verbatim_meta SET value = '{SCHEMA_VERSION}' WHERE key = 'schema';\n"
    ));
    Some(sql)
}

const PG_TSV_INDEXES: &str =
    "CREATE INDEX IF NOT EXISTS attributions_tsv ON attributions USING GIN (content_tsv);
CREATE INDEX IF NOT EXISTS articles_tsv ON articles USING GIN (text_tsv);
";

/// Adds the cue class column (schema 4) to a store without it.
pub const ADD_CUE_CLASS: &str =
    "ALTER TABLE attributions ADD COLUMN cue_class TEXT NOT NULL DEFAULT 'other'";

pub fn ddl(dialect: Dialect) -> String {
    let id = match dialect {
        Dialect::Sqlite => "INTEGER PRIMARY KEY",
        Dialect::Postgres => "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
    };
    let (quote_tsv, article_tsv) = match dialect {
        Dialect::Sqlite => (String::new(), String::new()),
        Dialect::Postgres => {
            let [(_, qc, qt), (_, ac, at)] = PG_TSV;
            (
                format!(",\n {}", pg_tsv_column(qc, qt)),
                format!(",\n {}", pg_tsv_column(ac, at)),
            )
        }
    };
    let without_rowid = match dialect {
        Dialect::Sqlite => " WITHOUT ROWID",
        Dialect::Postgres => "",
    };
    let provenance: String = provenance_columns(dialect)
        .iter()
        .map(|(column, ty)| format!("\n {column} {ty},"))
        .collect();
    let mentions_by_speaker = MENTIONS_BY_SPEAKER;
    let mut sql = match dialect {
        Dialect::Sqlite => String::new(),
        Dialect::Postgres => pg_tsv_function(),
    };
    sql.push_str(&format!(
        "CREATE TABLE IF NOT EXISTS verbatim_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
 id {id},
 key TEXT NOT NULL,
 url TEXT,
 url_hash TEXT UNIQUE,
 hash TEXT NOT NULL UNIQUE,
 outlet TEXT,
 headline TEXT,
 published TEXT,
 updated TEXT,
 day TEXT NOT NULL,
 dateline_place TEXT,
 dateline_date TEXT,
 dateline_agency TEXT,
 byline TEXT,
 origin TEXT NOT NULL,
 text TEXT NOT NULL,
 n_attributions BIGINT NOT NULL{article_tsv});
CREATE INDEX IF NOT EXISTS articles_key ON articles (key);
CREATE INDEX IF NOT EXISTS articles_day ON articles (day DESC, id);
CREATE INDEX IF NOT EXISTS articles_outlet ON articles (outlet);
CREATE TABLE IF NOT EXISTS entities (
 article_id BIGINT NOT NULL,
 idx BIGINT NOT NULL,
 name TEXT NOT NULL,
 type TEXT NOT NULL,
 mentions TEXT NOT NULL,
 titles TEXT NOT NULL,
 PRIMARY KEY (article_id, idx));
CREATE TABLE IF NOT EXISTS mentions (
 id {id},
 article_id BIGINT NOT NULL,
 name TEXT NOT NULL,
 type TEXT NOT NULL,
 quote_count BIGINT NOT NULL,
 aliases TEXT NOT NULL,
 titles TEXT NOT NULL,
 day TEXT NOT NULL,
 speaker_id BIGINT,
 reason TEXT,
 UNIQUE (article_id, name, type));
{mentions_by_speaker}CREATE TABLE IF NOT EXISTS speakers (
 id {id},
 name TEXT NOT NULL,
 type TEXT NOT NULL,
 link TEXT,
 quote_count BIGINT NOT NULL,
 article_count BIGINT NOT NULL,
 first_day TEXT,
 last_day TEXT,
 gender TEXT);
CREATE INDEX IF NOT EXISTS speakers_count ON speakers (quote_count DESC, name, id);
CREATE TABLE IF NOT EXISTS speaker_keys (
 key TEXT NOT NULL,
 speaker_id BIGINT NOT NULL,
 PRIMARY KEY (key, speaker_id));
CREATE INDEX IF NOT EXISTS speaker_keys_speaker ON speaker_keys (speaker_id);
CREATE TABLE IF NOT EXISTS speaker_aliases (
 speaker_id BIGINT NOT NULL,
 alias TEXT NOT NULL,
 norm TEXT NOT NULL,
 PRIMARY KEY (speaker_id, alias));
CREATE INDEX IF NOT EXISTS speaker_aliases_norm ON speaker_aliases (norm);
CREATE TABLE IF NOT EXISTS speaker_redirects (
 old_id BIGINT PRIMARY KEY,
 new_id BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS speaker_rules (
 norm TEXT PRIMARY KEY,
 action TEXT NOT NULL,
 name TEXT NOT NULL,
 target TEXT);
CREATE TABLE IF NOT EXISTS clusters (
 id {id},
 speaker_id BIGINT,
 reference_id BIGINT NOT NULL,
 earliest_article BIGINT NOT NULL,
 size BIGINT NOT NULL,
 n_articles BIGINT NOT NULL,
 n_altered BIGINT NOT NULL,
 first_day TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS clusters_size ON clusters (size DESC, id);
CREATE TABLE IF NOT EXISTS quote_bands (
 band BIGINT NOT NULL,
 attribution_id BIGINT NOT NULL,
 PRIMARY KEY (band, attribution_id)){without_rowid};
CREATE TABLE IF NOT EXISTS attributions (
 id {id},
 article_id BIGINT NOT NULL,
 idx BIGINT NOT NULL,
 day TEXT NOT NULL,
 kind TEXT NOT NULL,
 cue_class TEXT NOT NULL DEFAULT 'other',
 source TEXT NOT NULL,
 cue TEXT NOT NULL,
 content TEXT NOT NULL,
 source_text TEXT NOT NULL,
 cue_text TEXT NOT NULL,
 content_text TEXT NOT NULL,
 speaker_id BIGINT,
 speaker_name TEXT,
 speaker_type TEXT,
 speaker_entity BIGINT,
 speaker_description TEXT,
 speaker_affiliation TEXT,{provenance}
 mention_id BIGINT,
 cluster_id BIGINT,
 altered BIGINT NOT NULL DEFAULT 0{quote_tsv},
 UNIQUE (article_id, idx));
CREATE INDEX IF NOT EXISTS attributions_order ON attributions (day DESC, article_id, idx);
CREATE INDEX IF NOT EXISTS attributions_speaker ON attributions (speaker_id, day DESC, article_id, idx);
CREATE INDEX IF NOT EXISTS attributions_cluster ON attributions (cluster_id);
CREATE INDEX IF NOT EXISTS attributions_mention ON attributions (mention_id);
"
    ));
    match dialect {
        // Quote search is a tantivy index beside the file (search.rs); articles use FTS5.
        Dialect::Sqlite => sql.push_str(SQLITE_FTS),
        Dialect::Postgres => sql.push_str(PG_TSV_INDEXES),
    }
    sql
}
