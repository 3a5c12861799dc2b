//! Loading pre-extracted records: `verbatim extract` output given to `ingest` is stored as it
//! is, without analysing again, exactly as an ingest of the raw inputs stores it.

use crate::common::{verbatim, TempDir};
use crate::store::backends;
use std::process::Output;
use verbatim_store::Store;

const INPUTS: [&str; 4] = [
    "examples/articles/",
    "examples/disputed/",
    "examples/pages/",
    "examples/crawl/",
];

fn ingest(args: &[&str], db: &str) -> Output {
    let mut all = vec!["ingest", "--db", db];
    all.extend(args);
    verbatim(&all, None)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `extract` of the bundled examples, written to `dir/name`.
fn records(dir: &TempDir, name: &str) -> (String, String) {
    let mut args = vec!["extract"];
    args.extend(INPUTS);
    let out = verbatim(&args, None);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let path = dir.path().join(name).to_string_lossy().into_owned();
    std::fs::write(&path, &text).unwrap();
    (path, text)
}

/// `text` with line `idx` edited by `edit`, written to `dir/name`: its path.
fn edited(dir: &TempDir, text: &str, idx: usize, edit: &dyn Fn(&mut serde_json::Value)) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut record: serde_json::Value = serde_json::from_str(&lines[idx]).unwrap();
    edit(&mut record);
    lines[idx] = record.to_string();
    let path = dir.path().join("edited.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path.to_string_lossy().into_owned()
}

/// What a listing command prints as JSON, for comparing two stores.
fn listing(db: &str, command: &[&str]) -> String {
    let mut args = command.to_vec();
    args.extend(["--db", db, "--format", "json", "--limit", "100000"]);
    String::from_utf8(verbatim(&args, None).stdout).unwrap()
}

#[test]
fn extract_output_loads_as_the_raw_ingest_stores_it() {
    let dir = TempDir::new("load-same");
    let (path, _) = records(&dir, "records.jsonl");
    let mut raw = backends("load_raw");
    let mut loaded = backends("load_records");
    for (raw, loaded) in raw.iter_mut().zip(loaded.iter_mut()) {
        let out = ingest(&INPUTS, raw.target());
        assert!(out.status.success(), "{}", stderr(&out));
        let out = ingest(&[&path], loaded.target());
        assert!(out.status.success(), "{}", stderr(&out));
        let (a, b) = (raw.target(), loaded.target());
        let stats_raw = Store::open(a).unwrap().stats().unwrap();
        let stats_loaded = Store::open(b).unwrap().stats().unwrap();
        assert_eq!(stats_raw, stats_loaded);
        assert!(stats_raw.clusters > 0 && stats_raw.attributions > 50);
        // The quote index is updated at the end of a load, not after every batch: complete.
        let search = ["quotes", "--search", "Russia OR Russians"];
        assert!(listing(b, &search).lines().count() >= 3);
        for command in [
            &["quotes"][..],
            &["speakers"],
            &["quotes", "--cluster"],
            &["articles"],
            &search,
        ] {
            assert_eq!(listing(a, command), listing(b, command), "{command:?}");
        }
    }
}

#[test]
fn records_of_another_producer_are_refused_naming_their_line() {
    let dir = TempDir::new("load-producer");
    let (_, text) = records(&dir, "records.jsonl");
    let n_lines = text.lines().count();
    let path = edited(&dir, &text, 1, &|v| {
        v["producer"]["models"]["attribution"] = "0123456789abcdef".into()
    });
    let db = dir.path().join("t.db").to_string_lossy().into_owned();
    let out = ingest(&[&path], &db);
    assert_eq!(out.status.code(), Some(2));
    let message = stderr(&out);
    assert!(
        message.contains(&format!("{path}:2: extract record of another producer"))
            && message.contains("attribution model 0123456789abcdef (this binary: "),
        "{message}"
    );
    let stored = |db: &str| Store::open(db).unwrap().stats().unwrap().articles as usize;
    assert_eq!(stored(&db), n_lines - 1);
    let out = ingest(&["--accept-producer", &path], &db);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stored(&db), n_lines);
}

#[test]
fn a_broken_record_is_an_error_on_its_line_and_the_rest_is_stored() {
    let dir = TempDir::new("load-broken");
    let (_, text) = records(&dir, "records.jsonl");
    let path = edited(&dir, &text, 0, &|v| {
        v["attributions"][0]["content"] = serde_json::json!([[0, 10_000_000]])
    });
    let db = dir.path().join("t.db").to_string_lossy().into_owned();
    let out = ingest(&[&path], &db);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(&format!("{path}:1: attributions[0]: span [0, 10000000]")),
        "{}",
        stderr(&out)
    );
    let stats = Store::open(&db).unwrap().stats().unwrap();
    assert_eq!(stats.articles as usize, text.lines().count() - 1);
}
