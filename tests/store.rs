//! The store through the CLI: one suite, two backends. Every test runs on a fresh SQLite file,
//! and on a fresh PostgreSQL schema when `VERBATIM_TEST_PG` holds a connection URL (`.ci/run`
//! starts a server and sets it); without it the PostgreSQL half prints a skip reason.

use crate::common::{json_lines, verbatim, PgSchema, TempDir};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use verbatim_store::{Stats, Store};

/// A fresh, empty store, removed on drop.
pub(crate) enum TestDb {
    Sqlite { dir: TempDir, target: String },
    Postgres(PgSchema),
}

impl TestDb {
    pub(crate) fn target(&self) -> &str {
        match self {
            TestDb::Sqlite { target, .. } => target,
            TestDb::Postgres(pg) => &pg.target,
        }
    }
    fn name(&self) -> &'static str {
        match self {
            TestDb::Sqlite { .. } => "sqlite",
            TestDb::Postgres(_) => "postgres",
        }
    }
    fn dir(&self) -> Option<&Path> {
        match self {
            TestDb::Sqlite { dir, .. } => Some(dir.path()),
            TestDb::Postgres(_) => None,
        }
    }
}

/// The backends to run a test on: SQLite always, PostgreSQL when `VERBATIM_TEST_PG` is set.
pub(crate) fn backends(test: &str) -> Vec<TestDb> {
    let dir = TempDir::new(&format!("store-{test}"));
    let target = dir.path().join("test.db").to_string_lossy().into_owned();
    let mut dbs = vec![TestDb::Sqlite { dir, target }];
    dbs.extend(PgSchema::new("t", test).map(TestDb::Postgres));
    dbs
}

fn run(db: &TestDb, args: &[&str]) -> std::process::Output {
    let mut all = args.to_vec();
    all.extend(["--db", db.target()]);
    verbatim(&all, None)
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stats(db: &TestDb) -> Stats {
    Store::open(db.target()).unwrap().stats().unwrap()
}

/// Runs `args` and checks the exit status and that stdout contains every `needles`.
pub(crate) fn check(db: &TestDb, args: &[&str], code: i32, needles: &[&str]) -> String {
    let out = run(db, args);
    let text = stdout(&out);
    assert_eq!(
        out.status.code(),
        Some(code),
        "{} {args:?}\nstdout: {text}\nstderr: {}",
        db.name(),
        String::from_utf8_lossy(&out.stderr)
    );
    for n in needles {
        assert!(
            text.contains(n),
            "{} {args:?}: no {n:?} in\n{text}",
            db.name()
        );
    }
    text
}

#[test]
fn ingest_then_query_from_the_cli() {
    for db in backends("cli") {
        check(&db, &["ingest", "examples/articles/"], 0, &[]);
        let first = stats(&db);
        assert!(first.articles >= 3, "{first:?}");
        assert!(first.attributions >= 10, "{first:?}");
        // idempotent: a second ingest stores nothing new
        check(&db, &["ingest", "examples/articles/"], 0, &[]);
        assert_eq!(stats(&db), first, "{}", db.name());

        let table = check(&db, &["quotes"], 0, &["Jeff Sessions", "Paul Ryan", "date"]);
        // The table shows an inferred speaker as inferred, with how and how sure.
        assert!(
            table.contains("he \u{2192} Jeff Sessions [pronoun 0."),
            "{table}"
        );
        // Provenance: --min-confidence keeps the sure ones; stats --by gender counts persons.
        let every = check(
            &db,
            &["quotes", "--format", "json", "--limit", "500"],
            0,
            &[],
        );
        let every = json_lines(every.as_bytes());
        let sure = |q: &serde_json::Value| {
            q["resolved"]["confidence"]
                .as_f64()
                .is_some_and(|c| c >= 0.8)
        };
        let args = [
            "quotes",
            "--min-confidence",
            "0.8",
            "--format",
            "json",
            "--limit",
            "500",
        ];
        let kept = json_lines(check(&db, &args, 0, &[]).as_bytes());
        assert_eq!(kept.len(), every.iter().filter(|q| sure(q)).count());
        assert!(kept.iter().all(sure));
        let out = run(&db, &["quotes", "--min-confidence", "1.5"]);
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("not from 0 to 1"));
        let table = check(
            &db,
            &["stats", "--by", "gender"],
            0,
            &["female", "by outlet", "by month"],
        );
        assert!(table.contains("person speakers"), "{table}");
        let g = json_lines(check(&db, &["stats", "--by", "gender", "--json"], 0, &[]).as_bytes());
        let persons = every
            .iter()
            .filter(|q| q["speaker_type"] == "person")
            .count();
        assert_eq!(g[0]["total"]["total"], persons as u64);
        // Statements only: every row's cue class is one asked for; a bad class is an error.
        let json = check(
            &db,
            &[
                "quotes",
                "--cue-class",
                "speech,writing",
                "--format",
                "json",
                "--limit",
                "500",
            ],
            0,
            &[],
        );
        let rows = json_lines(json.as_bytes());
        assert!(!rows.is_empty());
        assert!(rows
            .iter()
            .all(|r| r["cue_class"] == "speech" || r["cue_class"] == "writing"));
        check(&db, &["quotes", "--cue-class", "talk"], 2, &[]);
        let json = check(
            &db,
            &["quotes", "--speaker", "Sessions", "--format", "json"],
            0,
            &[],
        );
        let rows = json_lines(json.as_bytes());
        assert!(!rows.is_empty());
        for r in &rows {
            assert_eq!(r["speaker"], "Jeff Sessions", "{r}");
        }
        // The CSV ends with how each speaker was found, its confidence and the person's
        // gender, as the JSON rows say them.
        let csv = check(
            &db,
            &["quotes", "--speaker", "Sessions", "--format", "csv"],
            0,
            &[],
        );
        let mut lines = csv.lines();
        assert!(
            lines
                .next()
                .unwrap()
                .ends_with(",url,speaker_via,speaker_confidence,speaker_gender"),
            "{csv}"
        );
        let tails: Vec<String> = rows
            .iter()
            .map(|r| {
                let s = &r["resolved"];
                format!(
                    ",{},{},{}",
                    s["via"].as_str().unwrap(),
                    s["confidence"].as_f64().unwrap(),
                    r["speaker_gender"].as_str().unwrap()
                )
            })
            .collect();
        assert!(
            tails.iter().any(|t| t.starts_with(",pronoun,")),
            "{tails:?}"
        );
        for (line, tail) in lines.zip(&tails) {
            assert!(line.ends_with(tail.as_str()), "{line} / {tail}");
        }
        let json = check(
            &db,
            &[
                "quotes",
                "--search",
                "Russian officials",
                "--kind",
                "direct",
                "--format",
                "json",
            ],
            0,
            &[],
        );
        for r in json_lines(json.as_bytes()) {
            let c = r["content_text"].as_str().unwrap().to_lowercase();
            assert!(c.contains("russian") && c.contains("officials"), "{r}");
            assert_eq!(r["kind"], "direct");
        }
        check(
            &db,
            &[
                "quotes",
                "--search",
                "recuse",
                "--sort",
                "relevance",
                "--limit",
                "1",
            ],
            0,
            &["recuse"],
        );
        let csv = check(
            &db,
            &["quotes", "--format", "csv", "--outlet", "capitol ledger"],
            0,
            &[],
        );
        assert!(
            csv.starts_with("id,article,published,outlet,speaker"),
            "{csv}"
        );
        for line in csv
            .lines()
            .skip(1)
            .filter(|l| l.starts_with(|c: char| c.is_ascii_digit()))
        {
            assert!(line.contains(",Capitol Ledger,"), "{line}");
        }
        check(
            &db,
            &["quotes", "--since", "2017-03-03", "--until", "2017-03-03"],
            0,
            &[],
        );
        check(&db, &["quotes", "--speaker", "Zaphod Beeblebrox"], 1, &[]);
        check(&db, &["quotes", "--search", "xylophone"], 1, &[]);
        check(&db, &["quotes", "--kind", "shouted"], 2, &[]);
        check(&db, &["quotes", "--since", "last week"], 2, &[]);

        let speakers = check(&db, &["speakers"], 0, &["Jeff Sessions", "person"]);
        assert!(speakers.contains("Sessions"), "{speakers}");
        let json = check(
            &db,
            &["speakers", "--name", "sessions", "--format", "json"],
            0,
            &[],
        );
        let rows = json_lines(json.as_bytes());
        assert_eq!(rows.len(), 1, "{json}");
        assert!(rows[0]["n_quotes"].as_i64().unwrap() >= 3, "{json}");
        assert!(rows[0]["n_articles"].as_i64().unwrap() >= 3, "{json}");
        check(&db, &["speakers", "--type", "anonymous"], 0, &["anonymous"]);

        let listed = check(&db, &["articles", "--format", "json"], 0, &[]);
        let articles = json_lines(listed.as_bytes());
        assert_eq!(articles.len() as i64, first.articles);
        let id = articles[0]["id"].as_i64().unwrap().to_string();
        check(&db, &["show", &id], 0, &["[Q1 ", "[S1 ", "attribution(s)"]);
        let json = check(&db, &["show", &id, "--format", "json"], 0, &[]);
        let record: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(record["id"].as_i64().unwrap().to_string(), id);
        check(&db, &["show", "999999"], 1, &[]);
        check(
            &db,
            &["articles", "--search", "scintilla"],
            0,
            &["Sessions"],
        );
        check(&db, &["stats"], 0, &["articles", "attributions"]);
    }
}

#[test]
fn queries_without_a_store_fail_cleanly() {
    let dir = TempDir::new("store-missing");
    let missing = dir.path().join("none.db");
    let out = verbatim(&["quotes", "--db", missing.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("verbatim ingest"));
    assert!(!missing.exists(), "a query must not create a store");
}

/// A JSONL file of `n` distinct generated articles over a few outlets and days.
fn generated_input(path: &Path, n: usize) {
    use std::io::Write;
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let names = [
        "Jeff Sessions",
        "Nancy Pelosi",
        "Paul Ryan",
        "Chuck Schumer",
        "Sean Spicer",
    ];
    let outlets = ["Reuters", "AP", "ANI"];
    for i in 0..n {
        let a = names[i % names.len()];
        let b = names[(i / 5 + 1) % names.len()];
        let text = format!(
            "\"We will vote on measure {i} next week,\" {a} said on Thursday. \
             {b} told reporters the plan number {i} was \"a serious mistake\". \
             According to a senior official, talks on item {i} would go on. \
             \"There is no deal yet,\" said {b}, adding that {a} had \"nothing to hide.\""
        );
        let record = serde_json::json!({
            "id": format!("gen-{i}"),
            "text": text,
            "outlet": outlets[i % outlets.len()],
            "published": format!("2017-03-{:02}", 1 + i % 28),
        });
        writeln!(f, "{record}").unwrap();
    }
}

/// Speakers with their counts, in a stable order, to compare two stores.
fn speaker_counts(db: &TestDb) -> Vec<(String, String, i64, i64)> {
    let mut store = Store::open(db.target()).unwrap();
    let page = store
        .speakers(&verbatim_store::SpeakerQuery {
            limit: 100_000,
            ..Default::default()
        })
        .unwrap();
    let mut v: Vec<_> = page
        .items
        .into_iter()
        .map(|s| (s.name, s.kind, s.n_quotes, s.n_articles))
        .collect();
    v.sort();
    v
}

/// Ids of every quote a search finds.
fn search_ids(db: &TestDb, words: &str) -> Vec<i64> {
    let mut store = Store::open(db.target()).unwrap();
    let q = verbatim_store::QuoteQuery {
        search: Some(words.into()),
        limit: 100_000,
        ..Default::default()
    };
    store
        .quotes(&q)
        .unwrap()
        .items
        .iter()
        .map(|r| r.id)
        .collect()
}

#[test]
fn killed_ingest_reruns_to_the_same_store() {
    let input_dir = TempDir::new("store-kill-input");
    let input = input_dir.path().join("big.jsonl");
    let n = 6000;
    generated_input(&input, n);
    let input = input.to_str().unwrap().to_string();
    let clean = backends("killclean");
    let killed = backends("killed");
    for (clean, killed) in clean.iter().zip(&killed) {
        check(clean, &["ingest", &input], 0, &[]);
        let want = stats(clean);
        assert_eq!(want.articles, n as i64);

        let mut child = Command::new(env!("CARGO_BIN_EXE_verbatim"))
            .args(["ingest", &input, "--batch", "16", "--db", killed.target()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Wait until some batches are committed, then SIGKILL.
        let start = Instant::now();
        let mut seen = 0;
        while start.elapsed() < Duration::from_secs(120) {
            std::thread::sleep(Duration::from_millis(20));
            if killed.dir().is_some_and(|d| !d.join("test.db").exists()) {
                continue;
            }
            if let Ok(mut s) = Store::open(killed.target()) {
                seen = s.stats().map(|s| s.articles).unwrap_or(0);
                if seen >= 200 {
                    break;
                }
            }
        }
        let finished_early = child.try_wait().unwrap().is_some();
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        assert!(
            !finished_early,
            "{}: ingest finished before the kill",
            killed.name()
        );
        let partial = stats(killed);
        assert!(
            partial.articles >= seen && partial.articles < n as i64,
            "{}: {partial:?} after kill",
            killed.name()
        );
        check(killed, &["ingest", &input], 0, &[]);
        assert_eq!(stats(killed), want, "{}", killed.name());
        if let Some(dir) = killed.dir() {
            // No temporary file of the killed run is left in the search index.
            let names: Vec<String> = std::fs::read_dir(dir.join("test.db-search"))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            assert!(names.iter().all(|n| !n.starts_with(".tmp")), "{names:?}");
        }
        assert_eq!(
            speaker_counts(killed),
            speaker_counts(clean),
            "{}",
            killed.name()
        );
        // the search index caught up with the record too
        for words in ["measure", "serious mistake", "deal"] {
            assert_eq!(
                search_ids(killed, words).len(),
                search_ids(clean, words).len(),
                "{} {words:?}",
                killed.name()
            );
            assert!(!search_ids(clean, words).is_empty(), "{words:?}");
        }
    }
}

/// The article keys of what a search finds through the CLI, sorted and deduplicated.
fn searched(db: &TestDb, command: &str, search: &str) -> Vec<String> {
    let out = run(db, &[command, "--search", search, "--format", "json"]);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{} {command} {search:?}: {}",
        db.name(),
        String::from_utf8_lossy(&out.stderr)
    );
    let field = if command == "quotes" {
        "article_key"
    } else {
        "key"
    };
    let mut keys: Vec<String> = json_lines(&out.stdout)
        .iter()
        .map(|r| r[field].as_str().unwrap_or_default().to_string())
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

#[test]
fn search_stems_and_knows_phrases_or_and_exclusions_on_both_backends() {
    let dir = TempDir::new("store-search-syntax");
    let input = dir.path().join("said.jsonl");
    let quotes = [
        ("returns", "He never released his tax returns"),
        ("return", "I will release my tax return next week"),
        ("emails", "She deleted thirty thousand emails"),
        ("care", "Our health care plan is ready"),
        ("apart", "Care about the health of the economy"),
    ];
    let lines: Vec<String> = quotes
        .iter()
        .map(|(id, q)| {
            serde_json::json!({"id": id, "outlet": "Daily", "published": "2017-03-01",
                               "text": format!("\"{q},\" Jeff Smith said on Monday.")})
            .to_string()
        })
        .collect();
    std::fs::write(&input, lines.join("\n")).unwrap();
    let cases: &[(&str, &[&str])] = &[
        ("tax return", &["return", "returns"]),
        ("email", &["emails"]),
        ("\"health care\"", &["care"]),
        ("health -\"health care\"", &["apart"]),
        ("emails OR returned", &["emails", "return", "returns"]),
        ("tax -never", &["return"]),
        ("xylophone", &[]),
    ];
    for db in backends("search_syntax") {
        check(&db, &["ingest", input.to_str().unwrap()], 0, &[]);
        for (search, expected) in cases {
            for command in ["quotes", "articles"] {
                assert_eq!(
                    searched(&db, command, search),
                    *expected,
                    "{} {command} {search:?}",
                    db.name()
                );
            }
        }
        if let TestDb::Postgres(pg) = &db {
            // A schema-2 store (unstemmed `simple` search columns) is migrated on open.
            let mut c = postgres::Client::connect(&pg.target, postgres::NoTls).unwrap();
            for (table, column, text) in [
                ("attributions", "content_tsv", "content_text"),
                (
                    "articles",
                    "text_tsv",
                    "coalesce(headline, '') || ' ' || text",
                ),
            ] {
                c.batch_execute(&format!(
                    "ALTER TABLE {table} DROP COLUMN {column};
                     ALTER TABLE {table} ADD COLUMN {column} TSVECTOR GENERATED ALWAYS AS
                      (to_tsvector('simple', {text})) STORED"
                ))
                .unwrap();
            }
            c.batch_execute("UPDATE verbatim_meta SET value = '2' WHERE key = 'schema'")
                .unwrap();
            assert_eq!(searched(&db, "quotes", "tax return"), ["return", "returns"]);
            assert_eq!(searched(&db, "articles", "email"), ["emails"]);
            let version: String = c
                .query_one("SELECT value FROM verbatim_meta WHERE key = 'schema'", &[])
                .unwrap()
                .get(0);
            // Brought to the current schema (the cue class column filled on the way).
            assert_eq!(version, verbatim_store::SCHEMA_VERSION);
        }
        let out = run(&db, &["quotes", "--sort", "relevance"]);
        assert_eq!(out.status.code(), Some(2), "{}", db.name());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("needs a search"), "{}: {err}", db.name());
        let out = run(&db, &["quotes", "--search", "-tax"]);
        assert_eq!(out.status.code(), Some(2), "{}", db.name());
    }
}

/// Integrity on both backends: NUL is stored as U+FFFD with a warning naming the item;
/// "Sanders/Trump" is found by `Trump`; article search reaches text past 200,000 characters;
/// and on PostgreSQL an error carries what the server said (a 10 MB id), not only "db error".
#[test]
fn odd_input_is_stored_alike_on_both_backends() {
    let dir = TempDir::new("store-integrity");
    let input = dir.path().join("odd.jsonl");
    let filler = "The committee met again on Tuesday and heard more witnesses. ".repeat(4000);
    assert!(filler.chars().count() > 200_000);
    let lines = [
        serde_json::json!({"id": "nul", "text": "\"It will not\u{0} work,\" Jane Smith said."}),
        serde_json::json!({"id": "slash",
            "text": "\"The Sanders/Trump voters are angry,\" Jane Smith said on Monday."}),
        serde_json::json!({"id": "long",
            "text": format!("{filler}\"The zanzibarian plan is dead,\" Jeff Smith said.")}),
    ];
    let lines: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    std::fs::write(&input, lines.join("\n")).unwrap();
    let big_id = dir.path().join("big-id.jsonl");
    let id = "x".repeat(10 << 20);
    std::fs::write(
        &big_id,
        serde_json::json!({"id": id, "text": "\"Fine,\" Ann Lee said."}).to_string(),
    )
    .unwrap();
    drop(id);
    for db in backends("integrity") {
        let out = run(&db, &["ingest", input.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{}: {err}", db.name());
        assert!(
            err.contains("warning: ")
                && err.contains("odd.jsonl:1: 1 NUL character(s) stored as U+FFFD"),
            "{}: {err}",
            db.name()
        );
        let row = Store::open(db.target())
            .unwrap()
            .article("nul")
            .unwrap()
            .expect("stored");
        assert_eq!(row.text, "\"It will not\u{FFFD} work,\" Jane Smith said.");
        for command in ["quotes", "articles"] {
            assert_eq!(searched(&db, command, "Trump"), ["slash"], "{}", db.name());
            assert_eq!(
                searched(&db, command, "sanders"),
                ["slash"],
                "{}",
                db.name()
            );
            assert_eq!(
                searched(&db, command, "zanzibarian"),
                ["long"],
                "{}",
                db.name()
            );
        }
        let out = run(&db, &["ingest", big_id.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&out.stderr);
        match db {
            // SQLite has no limit on a key's length.
            TestDb::Sqlite { .. } => assert_eq!(out.status.code(), Some(0), "{err}"),
            TestDb::Postgres(ref pg) => {
                // Past a megabyte the search column goes through the guarded function: the
                // whole text when it fits the server's tsvector limit, else its start.
                let mut c = postgres::Client::connect(&pg.target, postgres::NoTls).unwrap();
                let found: bool = c
                    .query_one(
                        "SELECT verbatim_tsv(repeat('The committee met again. ', 50000)
                                || 'zanzibarian') @@ to_tsquery('english', 'zanzibarian')",
                        &[],
                    )
                    .unwrap()
                    .get(0);
                assert!(found);
                let (found, lexemes): (bool, i32) = c
                    .query_one(
                        "SELECT t @@ to_tsquery('english', 'zanzibarian'), length(t) FROM
                          (SELECT verbatim_tsv('zanzibarian ' || string_agg(md5(i::text), ' '))
                           AS t FROM generate_series(1, 70000) i) v",
                        &[],
                    )
                    .map(|r| (r.get(0), r.get(1)))
                    .unwrap();
                assert!(found && lexemes > 5000 && lexemes < 70000, "{lexemes}");
                assert_eq!(out.status.code(), Some(2), "{err}");
                assert!(
                    err.contains("big-id.jsonl:1: not stored: PostgreSQL: ERROR: ")
                        && err.contains("maximum size")
                        && err.contains("SQLSTATE 54000"),
                    "{err}"
                );
            }
        }
    }
}

#[test]
fn disputed_clusters_name_who_credits_whom_on_both_backends() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/disputed/shutdown-three-outlets.jsonl");
    for db in backends("disputed") {
        check(&db, &["ingest", example.to_str().unwrap()], 0, &[]);
        let all = json_lines(&run(&db, &["quotes", "--cluster", "--format", "json"]).stdout);
        let flags: Vec<(i64, bool)> = all
            .iter()
            .map(|c| {
                (
                    c["n_articles"].as_i64().unwrap(),
                    c["disputed"].as_bool().unwrap(),
                )
            })
            .collect();
        // Two statements the outlets credit differently, one all credit to Spicer.
        assert_eq!(flags, [(3, true), (3, true), (2, false)], "{}", db.name());
        let shutdown = &all[0];
        let credits: Vec<(String, String, Vec<String>)> = shutdown["credits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                let outlets = c["outlets"].as_array().unwrap().iter();
                (
                    c["speaker"].as_str().unwrap().to_string(),
                    c["speaker_type"].as_str().unwrap().to_string(),
                    outlets.map(|o| o.as_str().unwrap().to_string()).collect(),
                )
            })
            .collect();
        assert_eq!(credits.len(), 2, "{}: {credits:?}", db.name());
        assert_eq!(credits[0].0, "Sean Spicer");
        assert_eq!(credits[0].2, ["Lakeside Tribune", "Northgate Courier"]);
        assert_eq!(credits[1].1, "anonymous");
        assert_eq!(credits[1].2, ["Capitol Ledger"]);

        // The filter (SQL) agrees with the flag (computed per cluster).
        let disputed = json_lines(
            &run(
                &db,
                &["quotes", "--cluster", "--disputed", "--format", "json"],
            )
            .stdout,
        );
        let ids = |v: &[serde_json::Value]| -> Vec<i64> {
            v.iter().map(|c| c["id"].as_i64().unwrap()).collect()
        };
        assert_eq!(ids(&disputed), ids(&all[..2]), "{}", db.name());
        // Nothing found: exit 1 and no bare header.
        let none = run(&db, &["quotes", "--cluster", "--speaker", "Nobody Atall"]);
        assert_eq!(none.status.code(), Some(1), "{}", db.name());
        assert!(
            !String::from_utf8_lossy(&none.stdout).contains("cluster"),
            "{}",
            db.name()
        );
        let table = run(&db, &["quotes", "--cluster", "--disputed"]);
        let table = String::from_utf8_lossy(&table.stdout);
        assert!(table.contains("DISPUTED"), "{table}");
        assert!(
            table.contains("Sean Spicer [Lakeside Tribune, Northgate Courier]"),
            "{table}"
        );

        // The Courier has a date only, the Ledger a time the same day: a tie, not an order.
        let id = shutdown["id"].to_string();
        let one = json_lines(&run(&db, &["cluster", &id, "--format", "json"]).stdout);
        assert_eq!(one[0]["disputed"], true);
        assert_eq!(
            one[0]["earliest_ties"].as_array().unwrap().len(),
            1,
            "{}",
            one[0]
        );
        let text = run(&db, &["cluster", &id]);
        let text = String::from_utf8_lossy(&text.stdout);
        assert!(text.contains("earliest: a tie"), "{text}");
        assert!(text.contains("DISPUTED"), "{text}");
        let csv = run(&db, &["cluster", &id, "--format", "csv"]);
        let csv = String::from_utf8_lossy(&csv.stdout);
        assert!(csv.starts_with("cluster,quote,article,outlet"), "{csv}");
        assert_eq!(csv.lines().count(), 4, "{csv}");
    }
}

#[test]
fn command_line_paper_cuts_stay_fixed() {
    let db = backends("paper_cuts").remove(0);
    let examples = crate::common::workspace().join("examples/articles");
    let dir = db.dir().unwrap().to_path_buf();

    // A missing input is refused before any store exists.
    let missing = dir.join("no-such-file.txt");
    let out = run(&db, &["ingest", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no such file or directory; nothing was stored"),
        "{err}"
    );
    assert!(
        !Path::new(db.target()).exists(),
        "a failed ingest created a store"
    );

    let out = run(&db, &["ingest", examples.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // --limit 0 is an error, not one row.
    let out = run(&db, &["quotes", "--limit", "0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 or more"));

    // No match: a message on stderr and status 1, no bare header.
    for args in [
        &["quotes", "--speaker", "Nobody Atall"][..],
        &["speakers", "--name", "Nobody Atall"],
        &["articles", "--search", "zzyzx"],
        &["quotes", "--cluster", "--speaker", "Nobody Atall"],
    ] {
        let out = run(&db, args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}: {}", stdout(&out));
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("match"),
            "{args:?}"
        );
    }
    let out = run(&db, &["quotes", "--offset", "100000"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("in all"));

    // speakers --format json is one object per line, as its help says.
    let out = run(&db, &["speakers", "--format", "json", "--limit", "3"]);
    let lines = json_lines(&out.stdout);
    assert_eq!(lines.len(), 3, "{}", stdout(&out));
    assert!(lines.iter().all(|l| l.is_object()));
    let help = verbatim(&["speakers", "--help"], None);
    assert!(stdout(&help).contains("One JSON object per line"));

    // stats counts clusters too.
    let out = run(&db, &["stats"]);
    let text = stdout(&out);
    let clusters = stats(&db).clusters;
    assert!(clusters > 0);
    assert!(text.contains(&format!("clusters     {clusters}")), "{text}");

    // Help with examples on every store command.
    for command in [
        "show", "articles", "stats", "alias", "quotes", "speakers", "cluster",
    ] {
        let help = stdout(&verbatim(&[command, "--help"], None));
        assert!(help.contains("Examples:"), "{command} --help:\n{help}");
    }
    let help = stdout(&verbatim(&["articles", "--help"], None));
    for flag in ["--outlet <OUTLET>", "--since <SINCE>", "--until <UNTIL>"] {
        let at = help.find(flag).unwrap_or_else(|| panic!("{flag}:\n{help}"));
        let next = help[at + flag.len()..].trim_start();
        assert!(!next.starts_with('-'), "{flag} has no help text:\n{help}");
    }

    // An error says each cause once.
    let out = verbatim(
        &[
            "ingest",
            "--db",
            "/nonexistent-dir/x.db",
            examples.to_str().unwrap(),
        ],
        None,
    );
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        err.matches("unable to open database file").count(),
        1,
        "{err}"
    );
}
