//! The quote search index of a SQLite store: a tantivy index beside the database file
//! (`verbatim.db` → `verbatim.db-search/`), derived from the `attributions` table and rebuilt
//! from it whenever it lags.
//!
//! SQLite is the system of record. The index records in its commit payload the highest
//! attribution id it holds (the watermark); attribution ids only grow, so bringing the index up
//! to date is indexing every attribution above the watermark. That happens after every ingest
//! batch and when a store is opened, so a crash between the SQLite commit and the index commit
//! (or a deleted index folder) is repaired by the next command. While another process holds
//! the index writer (an ingest running), a query searches the index as last committed.

use crate::canon::normalize_name;
use crate::db::{Conn, Value};
use crate::syntax::{Phrase, Search};
use crate::{Error, Order, Result};
use std::ops::Bound;
use std::path::{Path, PathBuf};
use tantivy::collector::{Count, TopDocs};
use tantivy::directory::MmapDirectory;
use tantivy::query::{
    BooleanQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STRING,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer,
};
use tantivy::{DocAddress, Index, IndexReader, IndexWriter, TantivyDocument, Term};

const TOKENIZER: &str = "verbatim_folded";
/// The version of the index layout (schema and tokenizer), in the file `VERSION` of the index
/// folder. An index of another version (or none: before version 2) is deleted and rebuilt
/// from the database. 2: English stemming, word positions for phrases.
const INDEX_VERSION: &str = "3";
/// Attributions per index commit while catching up.
const CATCH_UP_CHUNK: i64 = 50_000;

impl From<tantivy::TantivyError> for Error {
    fn from(e: tantivy::TantivyError) -> Error {
        Error::Search(e.to_string())
    }
}

struct Fields {
    id: Field,
    content: Field,
    mention: Field,
    article: Field,
    day: Field,
    sort: Field,
    kind: Field,
    cue_class: Field,
    outlet: Field,
}

pub(crate) struct QuoteIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
}

/// The filters the index applies itself.
pub(crate) struct IndexQuery<'a> {
    pub search: &'a Search,
    /// Only quotes of these speaker mentions (the per-article speakers a canonical speaker
    /// gathers; mention ids never change when speakers are merged or relinked).
    pub mention_ids: Option<Vec<i64>>,
    /// Only these attributions.
    pub attribution_ids: Option<Vec<i64>>,
    pub article_id: Option<i64>,
    pub kind: Option<&'a str>,
    /// Any of these cue classes (empty: all).
    pub cue_classes: &'a [String],
    pub outlet: Option<&'a str>,
    pub since: Option<&'a str>,
    pub until: Option<&'a str>,
    pub order: Order,
    pub limit: usize,
    pub offset: usize,
}

pub(crate) fn index_dir(db_path: &str) -> Option<PathBuf> {
    if db_path == ":memory:" || db_path.is_empty() {
        None
    } else {
        Some(PathBuf::from(format!("{db_path}-search")))
    }
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        id: b.add_u64_field("id", FAST | INDEXED),
        content: b.add_text_field("content", text),
        // The speaker mention id (named "speaker" since the first index version).
        mention: b.add_u64_field("speaker", INDEXED),
        article: b.add_u64_field("article", INDEXED),
        day: b.add_u64_field("day", INDEXED | FAST),
        sort: b.add_u64_field("sort", FAST),
        kind: b.add_text_field("kind", STRING),
        cue_class: b.add_text_field("cue_class", STRING),
        outlet: b.add_text_field("outlet", STRING),
    };
    (b.build(), fields)
}

/// `YYYY-MM-DD` → YYYYMMDD (0 when unknown). `YYYY` and `YYYY-MM` give the first day
/// (`end = false`) or a number after the last day (`end = true`) of the period.
fn day_number(day: &str, end: bool) -> u64 {
    let digits: String = day.chars().filter(char::is_ascii_digit).collect();
    let pad = if end { '9' } else { '0' };
    let mut s: String = digits.chars().take(8).collect();
    if s.is_empty() {
        return 0;
    }
    while s.len() < 8 {
        s.push(pad);
    }
    s.parse().unwrap_or(0)
}

/// Newest day first, then store order (attribution id ascending = article, then position).
fn sort_key(day: u64, id: i64) -> u64 {
    const ID_BITS: u32 = 38;
    let id = (id.max(0) as u64) & ((1 << ID_BITS) - 1);
    (day << ID_BITS) | ((1 << ID_BITS) - 1 - id)
}

/// Removes the temporary files a killed process left in the index folder (tantivy writes
/// `meta.json` and `managed.json` through a `.tmp…` file renamed into place). Only in an
/// index that exists (a creator may be writing its first `meta.json` without a lock) and
/// while holding the index's writer lock, which every other writer of those files holds:
/// no live temporary file is removed.
fn remove_stale_temp_files(mmap: &MmapDirectory, dir: &Path) -> std::io::Result<()> {
    use tantivy::directory::{Directory, INDEX_WRITER_LOCK};
    if !dir.join("meta.json").exists() {
        return Ok(());
    }
    let Ok(_lock) = mmap.acquire_lock(&INDEX_WRITER_LOCK) else {
        return Ok(()); // a writer is at work; the next open cleans up
    };
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let stale =
            entry.file_name().to_string_lossy().starts_with(".tmp") && entry.file_type()?.is_file();
        if stale {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

impl QuoteIndex {
    /// Opens (or creates) the index at `dir`, or a RAM index for `None`.
    pub fn open(dir: Option<&Path>) -> Result<QuoteIndex> {
        let (schema, fields) = schema();
        let index = match dir {
            Some(dir) => {
                let io = |e: std::io::Error| Error::Search(format!("{}: {e}", dir.display()));
                // Two processes opening a new store at once would both find no VERSION and
                // rebuild the folder under each other: the check, the rebuild and the open
                // are serialised by an advisory lock on a file beside the folder (released
                // when `_guard` closes it).
                let mut lock_path = dir.as_os_str().to_owned();
                lock_path.push(".lock");
                let _guard = std::fs::OpenOptions::new()
                    .create(true)
                    .truncate(false)
                    .write(true)
                    .open(&lock_path)
                    .and_then(|f| f.lock().map(|()| f))
                    .map_err(io)?;
                let version_file = dir.join("VERSION");
                let version = std::fs::read_to_string(&version_file).unwrap_or_default();
                // Owner-only, like the store file whose quotes it indexes.
                let create = |dir: &Path| {
                    let mut builder = std::fs::DirBuilder::new();
                    builder.recursive(true);
                    #[cfg(unix)]
                    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
                    builder.create(dir)
                };
                if version.trim() != INDEX_VERSION {
                    // Derived data of another layout: rebuilt from the database below.
                    if dir.exists() {
                        std::fs::remove_dir_all(dir).map_err(io)?;
                    }
                    create(dir).map_err(io)?;
                    std::fs::write(&version_file, format!("{INDEX_VERSION}\n")).map_err(io)?;
                } else {
                    create(dir).map_err(io)?;
                }
                let mmap = MmapDirectory::open(dir)
                    .map_err(|e| Error::Search(format!("{}: {e}", dir.display())))?;
                remove_stale_temp_files(&mmap, dir).map_err(io)?;
                Index::open_or_create(mmap, schema)?
            }
            None => Index::create_in_ram(schema),
        };
        let analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(Language::English))
            .build();
        index.tokenizers().register(TOKENIZER, analyzer);
        let reader = index
            .reader_builder()
            .reload_policy(tantivy::ReloadPolicy::Manual)
            .try_into()?;
        Ok(QuoteIndex {
            index,
            reader,
            fields,
        })
    }

    /// The highest attribution id in the index.
    pub fn watermark(&self) -> Result<i64> {
        let metas = self.index.load_metas()?;
        Ok(metas
            .payload
            .and_then(|p| p.trim().parse().ok())
            .unwrap_or(0))
    }

    /// Indexes every attribution above the watermark. Returns false (and does nothing) when
    /// another process holds the index writer.
    pub fn catch_up(&mut self, conn: &mut dyn Conn) -> Result<bool> {
        let max = conn
            .query("SELECT coalesce(max(id), 0) FROM attributions", &[])?
            .first()
            .and_then(|r| r[0].int())
            .unwrap_or(0);
        let mut mark = self.watermark()?;
        if mark >= max {
            return Ok(true);
        }
        let mut writer: IndexWriter<TantivyDocument> = match self.index.writer(50_000_000) {
            Ok(w) => w,
            Err(tantivy::TantivyError::LockFailure(..)) => return Ok(false),
            Err(e) => return Err(e.into()),
        };
        // Documents above the watermark from an interrupted run are not in any commit, but an
        // index written by another version could hold some: remove before adding.
        writer.delete_query(Box::new(RangeQuery::new(
            Bound::Excluded(Term::from_field_u64(self.fields.id, mark as u64)),
            Bound::Unbounded,
        )))?;
        while mark < max {
            let rows = conn.query(
                "SELECT a.id, a.content_text, a.mention_id, a.article_id, a.day, a.kind,
                        ar.outlet, a.cue_class
                 FROM attributions a JOIN articles ar ON ar.id = a.article_id
                 WHERE a.id > ?1 ORDER BY a.id LIMIT ?2",
                &[mark.into(), CATCH_UP_CHUNK.into()],
            )?;
            let Some(last) = rows.last().and_then(|r| r[0].int()) else {
                break;
            };
            for r in &rows {
                writer.add_document(self.document(r))?;
            }
            mark = last;
            let mut commit = writer.prepare_commit()?;
            commit.set_payload(&mark.to_string());
            commit.commit()?;
        }
        writer.wait_merging_threads()?;
        Ok(true)
    }

    fn document(&self, r: &[Value]) -> TantivyDocument {
        let f = &self.fields;
        let id = r[0].int().unwrap_or(0);
        let day = day_number(&r[4].text().unwrap_or_default(), false);
        let mut doc = TantivyDocument::default();
        doc.add_u64(f.id, id as u64);
        doc.add_text(f.content, r[1].text().unwrap_or_default());
        if let Some(s) = r[2].int() {
            doc.add_u64(f.mention, s as u64);
        }
        doc.add_u64(f.article, r[3].int().unwrap_or(0) as u64);
        doc.add_u64(f.day, day);
        doc.add_u64(f.sort, sort_key(day, id));
        doc.add_text(f.kind, r[5].text().unwrap_or_default());
        if let Some(o) = r[6].text() {
            doc.add_text(f.outlet, o.to_lowercase());
        }
        doc.add_text(f.cue_class, r[7].text().unwrap_or_default());
        doc
    }

    /// A phrase as the index sees it (stemmed words at their positions): a term query for
    /// one word, a phrase query for more, `None` when no word is left.
    fn phrase_query(&self, phrase: &Phrase) -> Result<Option<Box<dyn Query>>> {
        let mut analyzer = self.index.tokenizer_for_field(self.fields.content)?;
        let text = phrase.join(" ");
        let mut stream = analyzer.token_stream(&text);
        let mut terms = Vec::new();
        while let Some(t) = stream.next() {
            terms.push((
                t.position,
                Term::from_field_text(self.fields.content, &t.text),
            ));
        }
        Ok(match terms.len() {
            0 => None,
            1 => Some(Box::new(TermQuery::new(
                terms.remove(0).1,
                IndexRecordOption::WithFreqs,
            ))),
            _ => Some(Box::new(PhraseQuery::new_with_offset(terms))),
        })
    }

    /// The text part of a search: every group (its phrases OR-ed) and no excluded phrase.
    fn text_query(&self, search: &Search) -> Result<Vec<(Occur, Box<dyn Query>)>> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for group in &search.all {
            let mut any = Vec::new();
            for phrase in group {
                if let Some(q) = self.phrase_query(phrase)? {
                    any.push((Occur::Should, q));
                }
            }
            match any.len() {
                0 => {}
                1 => clauses.push((Occur::Must, any.remove(0).1)),
                _ => clauses.push((Occur::Must, Box::new(BooleanQuery::new(any)))),
            }
        }
        if clauses.is_empty() {
            // Every word was dropped by the analyzer (longer than 40 bytes): nothing matches.
            return Err(Error::InvalidQuery(
                "search has no word the index keeps (words over 40 letters are not indexed)".into(),
            ));
        }
        for phrase in &search.none {
            if let Some(q) = self.phrase_query(phrase)? {
                clauses.push((Occur::MustNot, q));
            }
        }
        // A must-not clause needs a positive clause beside it in tantivy; there always is one.
        debug_assert!(clauses.iter().any(|(o, _)| *o == Occur::Must));
        Ok(clauses)
    }

    /// Attribution ids matching `q`, in `q.order`, whether there are more, and how many
    /// match in all.
    pub fn search(&self, q: &IndexQuery) -> Result<(Vec<i64>, bool, u64)> {
        let f = &self.fields;
        let mut must = self.text_query(q.search)?;
        let u64_term = |field, v: i64| Term::from_field_u64(field, v.max(0) as u64);
        for (field, ids) in [(f.mention, &q.mention_ids), (f.id, &q.attribution_ids)] {
            if let Some(ids) = ids {
                let set = TermSetQuery::new(ids.iter().map(|&i| u64_term(field, i)));
                must.push((Occur::Must, Box::new(set)));
            }
        }
        if let Some(v) = q.article_id {
            let t = TermQuery::new(u64_term(f.article, v), IndexRecordOption::Basic);
            must.push((Occur::Must, Box::new(t)));
        }
        if let Some(kind) = q.kind {
            let t = Term::from_field_text(f.kind, kind);
            must.push((
                Occur::Must,
                Box::new(TermQuery::new(t, IndexRecordOption::Basic)),
            ));
        }
        if !q.cue_classes.is_empty() {
            let any = TermSetQuery::new(
                q.cue_classes
                    .iter()
                    .map(|c| Term::from_field_text(f.cue_class, c)),
            );
            must.push((Occur::Must, Box::new(any)));
        }
        if let Some(outlet) = q.outlet {
            let t = Term::from_field_text(f.outlet, &outlet.to_lowercase());
            must.push((
                Occur::Must,
                Box::new(TermQuery::new(t, IndexRecordOption::Basic)),
            ));
        }
        if q.since.is_some() || q.until.is_some() {
            let lo = q.since.map_or(1, |s| day_number(s, false)).max(1);
            let hi = q.until.map_or(u64::MAX, |u| day_number(u, true));
            must.push((
                Occur::Must,
                Box::new(RangeQuery::new(
                    Bound::Included(Term::from_field_u64(f.day, lo)),
                    Bound::Included(Term::from_field_u64(f.day, hi)),
                )),
            ));
        }
        let query = BooleanQuery::new(must);
        self.reader.reload()?;
        let searcher = self.reader.searcher();
        let top = TopDocs::with_limit(q.limit + 1).and_offset(q.offset);
        let (addresses, total): (Vec<DocAddress>, usize) = match q.order {
            Order::Relevance => {
                let (top, n) = searcher.search(&query, &(top.order_by_score(), Count))?;
                (top.into_iter().map(|(_, a)| a).collect(), n)
            }
            Order::Date => {
                let by_date = top.order_by_u64_field("sort", tantivy::Order::Desc);
                let (top, n) = searcher.search(&query, &(by_date, Count))?;
                (top.into_iter().map(|(_, a)| a).collect(), n)
            }
        };
        let mut ids = Vec::with_capacity(addresses.len());
        for a in addresses {
            let column = searcher
                .segment_reader(a.segment_ord)
                .fast_fields()
                .u64("id")?;
            if let Some(id) = column.first(a.doc_id) {
                ids.push(id as i64);
            }
        }
        let more = ids.len() > q.limit;
        ids.truncate(q.limit);
        Ok((ids, more, total as u64))
    }
}

/// The mention ids of the speakers known under `name` (see `QuoteQuery::speaker`) and of
/// speaker `id`; both filters hold when both are given.
pub(crate) fn mention_ids(
    conn: &mut dyn Conn,
    name: Option<&str>,
    id: Option<i64>,
) -> Result<Vec<i64>> {
    let norm = name.map(|n| format!("%{}%", normalize_name(n)));
    let rows = conn.query(
        "SELECT id FROM mentions WHERE speaker_id IN (
           SELECT s.id FROM speakers s
           WHERE (?1 IS NULL OR s.id IN (SELECT speaker_id FROM speaker_aliases WHERE norm LIKE ?1))
             AND (?2 IS NULL OR s.id = ?2))
         ORDER BY id",
        &[norm.into(), id.into()],
    )?;
    Ok(rows.iter().filter_map(|r| r[0].int()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_day(day: &str, end: bool, expected: u64) {
        assert_eq!(day_number(day, end), expected, "{day:?} {end}");
    }

    #[test]
    fn days_become_numbers() {
        check_day("2017-03-03", false, 20170303);
        check_day("2017-03-03", true, 20170303);
        check_day("2017-03", false, 20170300);
        check_day("2017-03", true, 20170399);
        check_day("2017", true, 20179999);
        check_day("", false, 0);
    }

    #[test]
    fn sort_keys_order_newest_day_then_lowest_id() {
        let mut keys = [
            (sort_key(20170302, 1), "old"),
            (sort_key(20170303, 7), "new-7"),
            (sort_key(20170303, 5), "new-5"),
            (sort_key(0, 2), "undated"),
        ];
        keys.sort_by_key(|k| std::cmp::Reverse(k.0));
        let order: Vec<&str> = keys.iter().map(|k| k.1).collect();
        assert_eq!(order, ["new-5", "new-7", "old", "undated"]);
    }
}
