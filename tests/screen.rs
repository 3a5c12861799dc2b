//! Screening inputs: non-English articles and plain-text files that are not prose are
//! skipped with a warning naming them and counted in the summary; `--lang any` analyses
//! every language; short texts and English prose are always analysed.

use crate::common::{json_lines, shared, verbatim, TempDir};
use verbatim_core::corpus;
use verbatim_core::ingest::Screen;

const GERMAN_PAGE: &str = "tests/fixtures/pages/german-klima.html";
const SEED: &str = "examples/articles/ani-2017-03-03-sessions.txt";

#[test]
fn german_page_is_skipped_with_a_warning_and_counted() {
    let out = verbatim(&["extract", GERMAN_PAGE, SEED], None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let lines = [
        format!("verbatim: warning: {GERMAN_PAGE}: not English (German detected"),
        "verbatim: 1 article(s) skipped (1 not English)".to_string(),
    ];
    assert_lines(&stderr, &lines);
    let records = json_lines(&out.stdout);
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["id"], "ani-2017-03-03-sessions");

    let out = verbatim(&["extract", "--lang", "any", GERMAN_PAGE, SEED], None);
    assert_eq!(out.status.code(), Some(0));
    let records = json_lines(&out.stdout);
    assert_eq!(records.len(), 2);
    assert_eq!(records[0]["outlet"], "Rheinische Rundschau");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("skipped"));
}

#[test]
fn ingest_counts_skipped_articles_in_its_summary() {
    let dir = TempDir::new("screen-ingest");
    let db = dir.path().join("s.db");
    let db = db.to_str().unwrap();
    let out = verbatim(
        &[
            "ingest",
            "--db",
            db,
            GERMAN_PAGE,
            "tests/fixtures/text/quotes.csv",
            SEED,
        ],
        None,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("stored 1 article(s)") && stderr.contains("1 not English, 1 not prose"),
        "{stderr}"
    );
}

#[test]
fn plain_text_that_is_not_prose_is_skipped_naming_the_file() {
    let out = verbatim(&["extract", "tests/fixtures/text/"], None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let mut lines: Vec<String> = [
        ("count_quotes.py", "source code"),
        ("quotes.csv", "delimited records, such as CSV"),
        ("scores.md", "a table"),
    ]
    .iter()
    .map(|(file, what)| format!("tests/fixtures/text/{file}: not prose ({what}), skipped"))
    .collect();
    lines.push("3 article(s) skipped (3 not prose)".into());
    assert_lines(&stderr, &lines);
    // The Markdown notes with paragraphs are prose: analysed, the quote found.
    let records = json_lines(&out.stdout);
    assert_eq!(records.len(), 1, "{stderr}");
    assert_eq!(records[0]["id"], "field-notes");
    let speakers: Vec<&str> = records[0]["attributions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["speaker"]["name"].as_str())
        .collect();
    assert!(speakers.contains(&"Ellen Park"), "{speakers:?}");
}

/// Each of `lines` is in `stderr`.
fn assert_lines(stderr: &str, lines: &[String]) {
    for line in lines {
        assert!(stderr.contains(line.as_str()), "{line:?} not in {stderr}");
    }
}

#[test]
fn short_texts_are_never_judged() {
    // Too short to tell a language: analysed even when it is not English.
    let out = verbatim(
        &["extract", "-"],
        Some("„Wir schaffen das“, sagte Merkel.".as_bytes()),
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json_lines(&out.stdout).len(), 1);
    let out = verbatim(&["extract", "-"], Some(b"\"We will win,\" Smith said."));
    assert_eq!(json_lines(&out.stdout).len(), 1);
}

/// Every PolNeAR article (train and dev) is English prose: the screen keeps them all.
#[test]
fn every_polnear_article_is_analysed() {
    let Some(shared) = shared("every_polnear_article_is_analysed") else {
        return;
    };
    let mut n = 0;
    for split in ["train", "dev"] {
        let docs = corpus::read_jsonl(&shared.join(format!("data/polnear/{split}.jsonl"))).unwrap();
        for doc in &docs {
            // As JSONL items, and as if each were a plain-text file.
            for plain_text in [false, true] {
                let skip = Screen::ENGLISH_PROSE.check(&doc.text, plain_text);
                assert_eq!(skip, None, "{split} {}", doc.id);
            }
            n += 1;
        }
    }
    assert_eq!(n, 924);
}
