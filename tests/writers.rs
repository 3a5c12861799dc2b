//! Many writers into one store: `ingest` processes running at once store what one sequential
//! ingest stores, once, with one canonical speaker per person (PostgreSQL, with
//! `VERBATIM_TEST_PG`; it skips with a printed reason otherwise), and two writers into one
//! SQLite file neither corrupt it nor lose anything.

use crate::common::{verbatim, PgSchema, TempDir};
use std::process::Output;

/// The bundled examples as extract records, one shard file per two records: (paths, count).
fn shards(dir: &TempDir) -> (Vec<String>, usize) {
    let out = verbatim(
        &["extract", "examples/articles/", "examples/disputed/"],
        None,
    );
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let paths = lines
        .chunks(2)
        .enumerate()
        .map(|(i, chunk)| {
            let path = dir.path().join(format!("shard-{i}.jsonl"));
            std::fs::write(&path, chunk.join("\n") + "\n").unwrap();
            path.to_string_lossy().into_owned()
        })
        .collect();
    (paths, lines.len())
}

/// Runs one `ingest` per argument list at the same time, one article per transaction.
fn ingest_at_once(db: &str, inputs: &[Vec<&String>]) -> Vec<Output> {
    std::thread::scope(|scope| {
        let runs: Vec<_> = inputs
            .iter()
            .map(|files| {
                scope.spawn(move || {
                    let mut args = vec!["ingest", "--batch", "1", "--db", db];
                    args.extend(files.iter().map(|f| f.as_str()));
                    verbatim(&args, None)
                })
            })
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    })
}

fn count(c: &mut postgres::Client, sql: &str) -> i64 {
    c.query_one(&format!("SELECT count(*) FROM ({sql}) x"), &[])
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .get(0)
}

/// Four shards lists that overlap, one naming a shard twice.
fn overlapping(paths: &[String]) -> Vec<Vec<&String>> {
    let n = paths.len();
    (0..4)
        .map(|w| {
            let mut files: Vec<&String> = (0..n / 2 + 1).map(|k| &paths[(w * 2 + k) % n]).collect();
            if w == 3 {
                files.push(&paths[(w * 2) % n]);
            }
            files
        })
        .collect()
}

#[test]
fn four_ingests_at_once_into_postgresql_store_what_one_does() {
    let Some(reference) = PgSchema::new("w", "writers_sequential") else {
        return;
    };
    let dir = TempDir::new("writers-pg");
    let (paths, n_articles) = shards(&dir);
    let mut args = vec!["ingest", "--db", &reference.target];
    args.extend(paths.iter().map(String::as_str));
    assert!(verbatim(&args, None).status.success());
    let mut c = postgres::Client::connect(&reference.target, postgres::NoTls).unwrap();
    let expected_attributions = count(&mut c, "SELECT id FROM attributions");
    assert_eq!(count(&mut c, "SELECT id FROM articles"), n_articles as i64);
    for trial in 0..5 {
        // A fresh, empty schema: the four processes also create the store at once.
        let pg = PgSchema::new("w", &format!("writers_{trial}")).unwrap();
        for out in ingest_at_once(&pg.target, &overlapping(&paths)) {
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(out.status.success(), "trial {trial}: {stderr}");
        }
        let mut c = postgres::Client::connect(&pg.target, postgres::NoTls).unwrap();
        let at = format!("trial {trial}");
        assert_eq!(
            count(&mut c, "SELECT id FROM articles"),
            n_articles as i64,
            "{at}"
        );
        assert_eq!(
            count(&mut c, "SELECT id FROM attributions"),
            expected_attributions,
            "{at}"
        );
        let checks = [
            // no article stored twice
            "SELECT hash FROM articles GROUP BY hash HAVING count(*) > 1",
            "SELECT key FROM articles GROUP BY key HAVING count(*) > 1",
            // one canonical speaker per person
            "SELECT type, link FROM speakers WHERE link IS NOT NULL
             GROUP BY type, link HAVING count(*) > 1",
            // every quote's speaker and mention exist (none merged away)
            "SELECT a.id FROM attributions a WHERE a.speaker_id IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM speakers s WHERE s.id = a.speaker_id)",
            "SELECT m.id FROM mentions m WHERE m.speaker_id IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM speakers s WHERE s.id = m.speaker_id)",
            // every cluster's earliest article holds one of its members; sizes are true
            "SELECT c.id FROM clusters c WHERE NOT EXISTS (SELECT 1 FROM attributions a
             WHERE a.cluster_id = c.id AND a.article_id = c.earliest_article)",
            "SELECT c.id FROM clusters c WHERE c.size <>
             (SELECT count(*) FROM attributions a WHERE a.cluster_id = c.id)",
            "SELECT a.id FROM attributions a WHERE a.cluster_id IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM clusters c WHERE c.id = a.cluster_id)",
        ];
        for sql in checks {
            assert_eq!(count(&mut c, sql), 0, "{at}: {sql}");
        }
        assert!(count(&mut c, "SELECT id FROM clusters") > 0, "{at}");
    }
}

#[test]
fn two_writers_into_one_sqlite_file_lose_nothing() {
    let dir = TempDir::new("writers-sqlite");
    let (paths, n_articles) = shards(&dir);
    let db = dir.path().join("two.db").to_string_lossy().into_owned();
    let (first, second) = paths.split_at(paths.len() / 2 + 1);
    // Both create the file at once; the second shard list repeats the first's last shard.
    let inputs = vec![
        first.iter().collect(),
        std::iter::once(&first[first.len() - 1])
            .chain(second)
            .collect(),
    ];
    for out in ingest_at_once(&db, &inputs) {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let c = rusqlite::Connection::open(&db).unwrap();
    let check: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let n: i64 = c
        .query_row("SELECT count(*) FROM articles", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, n_articles as i64);
    let out = verbatim(
        &["quotes", "--db", &db, "--search", "Russia", "--limit", "1"],
        None,
    );
    assert!(out.status.success(), "the quote index is complete");
}
