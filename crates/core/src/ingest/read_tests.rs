//! Tests of [`Reader`]: files, directories, stdin, compression, errors.

use super::*;
use std::io::{Cursor, Write};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!(
            "verbatim-ingest-{}-{n}-{:?}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0)
        ));
        fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).unwrap();
        }
        fs::write(&path, bytes).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Events as short strings: `article ID ORIGIN`, `warning ORIGIN: MSG`, `error ORIGIN: MSG`;
/// origins shown relative to `base`.
fn summarize(events: impl Iterator<Item = Event>, base: &Path) -> Vec<String> {
    let base = format!("{}/", base.display());
    events
        .map(|e| match e {
            Event::Article(a) => format!("article {} {}", a.id, a.origin),
            Event::Warning { origin, message } => format!("warning {origin}: {message}"),
            Event::Error { origin, message } => format!("error {origin}: {message}"),
            Event::Skipped { origin, reason } => format!("skipped {origin}: {}", reason.kind()),
        })
        .map(|s| s.replace(&base, ""))
        .collect()
}

fn check(dir: &TempDir, paths: &[&str], expected: &[&str]) {
    let paths = paths.iter().map(|p| dir.0.join(p)).collect();
    let got = summarize(Reader::new(paths), &dir.0);
    assert_eq!(got, expected);
}

fn stdin_events(bytes: &[u8]) -> Vec<String> {
    let reader = Reader::new(vec![PathBuf::from("-")]).with_stdin(Cursor::new(bytes.to_vec()));
    summarize(reader, Path::new("/nonexistent"))
}

fn articles(paths: Vec<PathBuf>) -> Vec<Article> {
    Reader::new(paths)
        .filter_map(|e| match e {
            Event::Article(a) => Some(*a),
            _ => None,
        })
        .collect()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

fn zstd(data: &[u8]) -> Vec<u8> {
    ruzstd::encoding::compress_to_vec(data, ruzstd::encoding::CompressionLevel::Fastest)
}

#[test]
fn plain_text_files() {
    let dir = TempDir::new();
    dir.write("000_590c328a3d7eed25.txt", b"Title\n\nBody text.");
    dir.write("b.txt.gz", &gzip(b"Gzipped body."));
    dir.write("c.zst", &zstd(b"Zstd body."));
    dir.write("d", b"No extension.");
    check(
        &dir,
        &["000_590c328a3d7eed25.txt", "b.txt.gz", "c.zst", "d"],
        &[
            "article 000_590c328a3d7eed25 000_590c328a3d7eed25.txt",
            "article b b.txt.gz",
            "article c c.zst",
            "article d d",
        ],
    );
    let a = articles(vec![dir.0.join("b.txt.gz")]);
    assert_eq!(a[0].text, "Gzipped body.");
    let a = articles(vec![dir.0.join("000_590c328a3d7eed25.txt")]);
    assert_eq!(a[0].text, "Title\n\nBody text.");
    assert_eq!(a[0].meta.headline.as_deref(), Some("Title"));
}

#[test]
fn jsonl_files_any_compression() {
    let dir = TempDir::new();
    let data = b"{\"id\":\"x1\",\"text\":\"One.\"}\n\n{\"text\":\"Two.\"}\r\n{\"id\":3,\"text\":\"Three.\"}";
    dir.write("a.jsonl", data);
    dir.write("b.jsonl.gz", &gzip(data));
    dir.write("c.data", &zstd(data));
    let hash = text_id("Two.");
    for name in ["a.jsonl", "b.jsonl.gz", "c.data"] {
        check(
            &dir,
            &[name],
            &[
                &format!("article x1 {name}:1"),
                &format!("article {hash} {name}:3"),
                &format!("article 3 {name}:4"),
            ],
        );
    }
}

#[test]
fn directories_are_walked_in_path_order() {
    let dir = TempDir::new();
    dir.write("in/b.txt", b"B.");
    dir.write("in/a/z.txt", b"AZ.");
    dir.write("in/a.txt", b"A.");
    dir.write("in/.hidden.txt", b"Hidden.");
    dir.write("in/.git/config", b"Hidden dir.");
    dir.write("in/c/d/e.jsonl", b"{\"text\":\"E.\"}\n");
    dir.write("in/empty.txt", b"  \n\t");
    fs::create_dir_all(dir.0.join("in/nothing")).unwrap();
    check(
        &dir,
        &["in"],
        &[
            "article z in/a/z.txt",
            // `a.txt` sorts after the folder `a` component-wise.
            "article a in/a.txt",
            "article b in/b.txt",
            &format!("article {} in/c/d/e.jsonl:1", text_id("E.")),
            "warning in/empty.txt: empty, no article",
        ],
    );
}

#[test]
fn stdin_text_and_jsonl() {
    let text = "Hello from stdin.";
    assert_eq!(
        stdin_events(text.as_bytes()),
        [format!("article {} -", text_id(text))]
    );
    assert_eq!(
        stdin_events(b"{\"id\":\"s\",\"text\":\"x\"}\n{\"text\":5}\n"),
        ["article s -:1", "error -:2: \"text\" is not a string"]
    );
    assert_eq!(
        stdin_events(&gzip(b"{\"id\":\"g\",\"text\":\"x\"}")),
        ["article g -:1"]
    );
    assert_eq!(stdin_events(b""), ["warning -: empty, no article"]);
    // Stdin is read once.
    let reader =
        Reader::new(vec!["-".into(), "-".into()]).with_stdin(Cursor::new(b"Once.".to_vec()));
    assert_eq!(
        summarize(reader, Path::new("/x")),
        [
            format!("article {} -", text_id("Once.")),
            "warning -: empty, no article".into()
        ]
    );
}

#[test]
fn errors_do_not_stop_reading() {
    let dir = TempDir::new();
    dir.write("bin.dat", b"GIF89a\0\0\x01");
    dir.write("bad.jsonl", b"{\"text\":\"ok\",\"id\":\"1\"}\n{broken\n{\"id\":\"2\"}\n{\"text\":\"ok2\",\"id\":\"3\"}\n");
    dir.write("latin1.txt", b"Caf\xe9 and na\xefve \xff.");
    dir.write("ws.txt", b"\n   \n");
    dir.write("ok.txt", b"Fine.");
    check(
        &dir,
        &[
            "missing.txt",
            "bin.dat",
            "bad.jsonl",
            "latin1.txt",
            "ws.txt",
            "ok.txt",
        ],
        &[
            "error missing.txt: No such file or directory (os error 2)",
            "error bin.dat: binary file, skipped",
            "article 1 bad.jsonl:1",
            "error bad.jsonl:2: invalid JSON: key must be a string at line 1 column 2",
            "error bad.jsonl:3: missing \"text\"",
            "article 3 bad.jsonl:4",
            "warning latin1.txt: invalid UTF-8: 3 bytes replaced with U+FFFD",
            "article latin1 latin1.txt",
            "warning ws.txt: empty, no article",
            "article ok ok.txt",
        ],
    );
    let a = articles(vec![dir.0.join("latin1.txt")]);
    assert_eq!(a[0].text, "Caf\u{FFFD} and na\u{FFFD}ve \u{FFFD}.");
}

#[test]
fn invalid_utf8_in_jsonl_names_the_line() {
    let dir = TempDir::new();
    dir.write(
        "u.jsonl",
        b"{\"text\":\"ok\",\"id\":\"1\"}\n{\"text\":\"caf\xe9\xe9\",\"id\":\"2\"}\n",
    );
    check(
        &dir,
        &["u.jsonl"],
        &[
            "article 1 u.jsonl:1",
            "warning u.jsonl:2: invalid UTF-8: 2 bytes replaced with U+FFFD",
            "article 2 u.jsonl:2",
        ],
    );
}

#[test]
fn truncated_compressed_inputs() {
    let dir = TempDir::new();
    let lines: String = (0..20_000)
        .map(|i| format!("{{\"id\":\"{i}\",\"text\":\"Article number {i} with some words.\"}}\n"))
        .collect();
    for (name, packed) in [
        ("t.jsonl.gz", gzip(lines.as_bytes())),
        ("t.jsonl.zst", zstd(lines.as_bytes())),
    ] {
        let cut = &packed[..packed.len() / 2];
        let path = dir.write(name, cut);
        let events = summarize(Reader::new(vec![path]), &dir.0);
        let n_articles = events.iter().filter(|e| e.starts_with("article")).count();
        assert!(
            n_articles > 100 && n_articles < 20_000,
            "{name}: {n_articles}"
        );
        let last = events.last().unwrap();
        assert!(
            last.starts_with(&format!("error {name}: truncated or corrupt")),
            "{last}"
        );
        // Everything before the error is an article (the damaged line is not reported as JSON).
        assert!(events[..events.len() - 1]
            .iter()
            .all(|e| e.starts_with("article")));
    }
    let text = "A plain article. ".repeat(5000);
    let packed = gzip(text.as_bytes());
    let path = dir.write("p.txt.gz", &packed[..packed.len() - 10]);
    let events = summarize(Reader::new(vec![path.clone()]), &dir.0);
    // Never the part that could be read: the intact file later would be a second article.
    assert_eq!(events.len(), 1, "{events:?}");
    assert!(events[0].starts_with("error p.txt.gz: truncated or corrupt gzip stream"));
    assert!(events[0].ends_with("; article skipped"), "{}", events[0]);
    dir.write("p.txt.gz", &packed);
    assert_eq!(articles(vec![path])[0].text, text);
}

#[test]
fn items_over_the_limits_are_skipped_and_named() {
    let dir = TempDir::new();
    let limits = Limits {
        max_article_bytes: 1000,
        max_line_bytes: 4000,
        ..Limits::default()
    };
    let long_text = "Word after word. ".repeat(100); // 1,700 bytes
    let lines = format!(
        "{{\"id\":\"a\",\"text\":\"short\"}}\n{{\"id\":\"b\",\"text\":\"{long_text}\"}}\n\
         {{\"id\":\"c\",\"text\":\"{}\"}}\n{{\"id\":\"d\",\"text\":\"last\"}}\n",
        "x".repeat(5000)
    );
    dir.write("l.jsonl", lines.as_bytes());
    dir.write("t.txt", long_text.as_bytes());
    dir.write("u.txt", b"A short one.");
    let paths = ["l.jsonl", "t.txt", "u.txt"]
        .map(|p| dir.0.join(p))
        .to_vec();
    let got = summarize(Reader::new(paths).with_limits(limits), &dir.0);
    assert_eq!(
        got,
        [
            "article a l.jsonl:1",
            "error l.jsonl:2: article text longer than 1000 bytes (--max-article-bytes), skipped",
            "error l.jsonl:3: line longer than 4000 bytes (--max-line-bytes), skipped",
            "article d l.jsonl:4",
            "error t.txt: article text longer than 1000 bytes (--max-article-bytes), skipped",
            "article u u.txt",
        ]
    );
}

#[test]
fn leading_whitespace_is_looked_through_once() {
    // 8 MiB of spaces: the format is not told from them (1 MiB looked at), the text is read
    // whole, and the cost stays linear.
    let dir = TempDir::new();
    let mut text = " ".repeat(8 << 20);
    text.push_str("Smith said hello.");
    let path = dir.write("s.txt", text.as_bytes());
    let limits = Limits {
        max_article_bytes: 16 << 20,
        ..Limits::default()
    };
    let start = std::time::Instant::now();
    let got: Vec<Event> = Reader::new(vec![path]).with_limits(limits).collect();
    assert!(start.elapsed().as_secs() < 10);
    assert!(matches!(&got[..], [Event::Article(a)] if a.text == text));
}

#[test]
fn a_huge_single_line_works() {
    let dir = TempDir::new();
    let big = "word ".repeat(20 << 20); // 100 MiB
    let mut line = String::with_capacity(big.len() + 32);
    line.push_str("{\"id\":\"big\",\"text\":\"");
    line.push_str(&big);
    line.push_str("\"}\n{\"id\":\"small\",\"text\":\"x\"}\n");
    let path = dir.write("big.jsonl", line.as_bytes());
    drop(line);
    let raised = Limits {
        max_article_bytes: 128 << 20,
        max_line_bytes: 128 << 20,
        ..Limits::default()
    };
    let start = std::time::Instant::now();
    let got: Vec<Article> = Reader::new(vec![path.clone()])
        .with_limits(raised)
        .filter_map(|e| match e {
            Event::Article(a) => Some(*a),
            _ => None,
        })
        .collect();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].text.len(), big.len());
    assert_eq!(got[1].id, "small");
    assert!(start.elapsed().as_secs() < 60);
    // Under the default limits the line is skipped, named, and the next one read.
    let got = summarize(Reader::new(vec![path]), &dir.0);
    assert_eq!(
        got,
        [
            "error big.jsonl:1: line longer than 16777216 bytes (--max-line-bytes), skipped",
            "article small big.jsonl:2",
        ]
    );
    // And as plain text.
    let path = dir.write("big.txt", big.as_bytes());
    let got = Reader::new(vec![path])
        .with_limits(raised)
        .collect::<Vec<_>>();
    assert!(matches!(&got[..], [Event::Article(a)] if a.text.len() == big.len()));
}

#[test]
fn ids_are_stable_hashes() {
    assert_eq!(text_id(""), "cbf29ce484222325");
    assert_eq!(text_id("a"), "af63dc4c8601ec8c");
    assert_eq!(text_id("foobar"), "85944171f73967e8");
    assert_eq!(file_id(Path::new("/x/a.b.txt.gz")), "a.b");
    assert_eq!(file_id(Path::new("x.zst")), "x");
    assert_eq!(file_id(Path::new(".txt")), ".txt");
    let (s, n) = decode_lossy(b"a\xffb\xc3".to_vec());
    assert_eq!((s.as_str(), n), ("a\u{FFFD}b\u{FFFD}", 2));
}

#[test]
fn the_seed_article() {
    let Some(shared) = crate::corpus::find_shared(Path::new(env!("CARGO_MANIFEST_DIR"))) else {
        println!("skipped: no shared folder with data/polnear (set VERBATIM_SHARED)");
        return;
    };
    let path = shared.join("seed/000_590c328a3d7eed25.txt");
    if !path.is_file() {
        println!("skipped: {} not found", path.display());
        return;
    }
    let got = articles(vec![path.clone()]);
    assert_eq!(got.len(), 1);
    let a = &got[0];
    assert_eq!(a.id, "000_590c328a3d7eed25");
    assert_eq!(a.origin, path.display().to_string());
    assert_eq!(a.text, fs::read_to_string(&path).unwrap());
    let m = &a.meta;
    assert_eq!(
        m.headline.as_deref(),
        Some("Trump stands by Sessions as Democrats seek resignation over Russia revelation")
    );
    assert_eq!(
        m.updated.map(|t| t.to_string()).as_deref(),
        Some("2017-08-23T11:20:00+05:30")
    );
    assert_eq!(
        m.published.map(|t| t.to_string()).as_deref(),
        Some("2017-03-03")
    );
    let d = m.dateline.as_ref().unwrap();
    assert_eq!(d.place.as_deref(), Some("New York [USA]"));
    assert_eq!(d.date.map(|t| t.to_string()).as_deref(), Some("2017-03-03"));
    assert_eq!(d.agency.as_deref(), Some("ANI"));
    assert_eq!(m.outlet.as_deref(), Some("ANI"));
    assert_eq!((&m.byline, &m.url), (&None, &None));
}

proptest::proptest! {
    #[test]
    fn any_bytes_are_read_without_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..600)) {
        let reader = Reader::new(vec!["-".into()]).with_stdin(Cursor::new(bytes));
        for event in reader {
            if let Event::Article(a) = event {
                proptest::prop_assert!(!a.text.trim().is_empty());
                proptest::prop_assert!(!a.id.is_empty());
            }
        }
    }
}

#[test]
fn screened_reader_skips_by_format() {
    const GERMAN: &str = "Die Bundesregierung will die Regeln für den Klimaschutz verschärfen. \
        Das kündigte die Kanzlerin am Mittwoch in Berlin an. Die Opposition kritisierte die \
        Pläne als unzureichend und forderte teils deutlich strengere Vorgaben für die Industrie.";
    let dir = TempDir::new();
    dir.write("de.txt", GERMAN.as_bytes());
    dir.write("t.csv", b"a,b\n1,2\n3,4\n");
    let line = serde_json::json!({ "id": "j", "text": GERMAN }).to_string();
    dir.write("de.jsonl", format!("{line}\n").as_bytes());
    let csv_line = serde_json::json!({ "id": "k", "text": "a,b\n1,2\n3,4\n" }).to_string();
    dir.write("csv.jsonl", format!("{csv_line}\n").as_bytes());
    let page = format!("<html><body><article><p>{GERMAN}</p></article></body></html>");
    dir.write("de.html", page.as_bytes());
    let paths: Vec<PathBuf> = ["de.txt", "t.csv", "de.jsonl", "csv.jsonl", "de.html"]
        .iter()
        .map(|p| dir.0.join(p))
        .collect();
    let reader = Reader::new(paths.clone()).with_screen(super::Screen::ENGLISH_PROSE);
    let mut expected = vec![
        "skipped de.txt: not English",
        "skipped t.csv: not prose",
        "skipped de.jsonl:1: not English",
        // The prose test is for plain-text files only: a JSONL text is an article.
        "article k csv.jsonl:1",
    ];
    if cfg!(feature = "html") {
        expected.push("skipped de.html: not English");
    }
    let got = summarize(reader, &dir.0);
    assert_eq!(got[..expected.len()], expected[..], "{got:?}");
    // The default reader screens nothing.
    let n_articles = Reader::new(paths)
        .filter(|e| matches!(e, Event::Article(_)))
        .count();
    assert_eq!(n_articles, if cfg!(feature = "html") { 5 } else { 4 });
}

#[test]
fn bytes_read_counts_the_files_as_stored() {
    let dir = TempDir::new();
    dir.write("a.txt", b"One article, said Smith.");
    let packed = gzip(b"{\"text\": \"Two.\"}\n{\"text\": \"Three.\"}\n");
    dir.write("b.jsonl.gz", &packed);
    let reader = Reader::new(vec![dir.0.join("a.txt"), dir.0.join("b.jsonl.gz")]);
    let counter = reader.bytes_read();
    assert_eq!(counter.load(std::sync::atomic::Ordering::Relaxed), 0);
    assert_eq!(reader.count(), 3);
    assert_eq!(
        counter.load(std::sync::atomic::Ordering::Relaxed),
        24 + packed.len() as u64
    );
}
