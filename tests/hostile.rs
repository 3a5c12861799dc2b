//! Hostile inputs, generated small enough for CI: each case runs the binary and asserts the
//! exit status, the message that names what was cut or skipped, that the normal articles
//! around it are still processed, a wall-time bound and a peak-memory bound (the child's
//! maximum resident set size, from `wait4`).

use crate::common::{json_lines, workspace, TempDir};
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Every case must finish within this (the bound is 20 s on inputs many times larger).
const MAX_WALL: Duration = Duration::from_secs(20);
/// And stay under this peak memory.
const MAX_RSS_BYTES: u64 = 1 << 30;

struct Run {
    status: i32,
    stdout: Vec<u8>,
    stderr: String,
    wall: Duration,
    max_rss_bytes: u64,
}

/// Runs `verbatim args`, waiting with `wait4` to read the child's peak memory.
fn run(args: &[&str]) -> Run {
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_verbatim"))
        .args(args)
        .current_dir(workspace())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn verbatim");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        out.read_to_end(&mut v).map(|_| v)
    });
    let err_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        err.read_to_end(&mut v).map(|_| v)
    });
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: a zeroed rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our child, not yet waited for; the pointers are to live locals.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4: {}", std::io::Error::last_os_error());
    let wall = start.elapsed();
    let stdout = out_reader.join().unwrap().unwrap();
    let stderr = String::from_utf8_lossy(&err_reader.join().unwrap().unwrap()).into_owned();
    let status = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    // The child is reaped: forget the handle so that it is not waited for again.
    std::mem::forget(child);
    Run {
        status,
        stdout,
        stderr,
        wall,
        max_rss_bytes: usage.ru_maxrss as u64 * 1024,
    }
}

/// Asserts the bounds, the status and that every `messages` part appears on stderr; returns
/// the ids of the articles extracted.
fn check(name: &str, args: &[&str], status: i32, messages: &[&str]) -> Vec<String> {
    let r = run(args);
    eprintln!(
        "{name}: exit {} in {:.2} s, peak {} MiB",
        r.status,
        r.wall.as_secs_f64(),
        r.max_rss_bytes >> 20
    );
    assert_eq!(r.status, status, "{name}: {}", r.stderr);
    for m in messages {
        assert!(r.stderr.contains(m), "{name}: no {m:?} in {}", r.stderr);
    }
    assert!(r.wall < MAX_WALL, "{name}: took {:?}", r.wall);
    assert!(
        r.max_rss_bytes < MAX_RSS_BYTES,
        "{name}: peak memory {} MiB",
        r.max_rss_bytes >> 20
    );
    json_lines(&r.stdout)
        .iter()
        .map(|v| v["id"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// One JSONL line (with its newline) of an article of `id` with the text [`STORY`].
fn jsonl_line(id: &str) -> String {
    format!("{}\n", serde_json::json!({"id": id, "text": STORY}))
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_string()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

const STORY: &str =
    "Senator Jane Smith said the plan would fail. \"It will not work,\" she told reporters.";

/// A normal article beside the hostile input, read after it.
fn normal(dir: &Path) -> String {
    write(dir, "zz_normal.txt", STORY.as_bytes())
}

/// JSONL whose second line holds 100 MB of blanks: the ratio check stops the decompression
/// after 64 MiB; the line before it is kept, the next file is read.
#[test]
fn decompression_bombs_are_stopped() {
    let dir = TempDir::new("hostile-bomb");
    let mut jsonl = jsonl_line("first").into_bytes();
    jsonl.extend(std::iter::repeat_n(b' ', 100 << 20));
    jsonl.extend(b"\n{\"id\":\"lost\",\"text\":\"x\"}\n");
    let gz = write(dir.path(), "bomb.jsonl.gz", &gzip(&jsonl));
    let zst = ruzstd::encoding::compress_to_vec(
        jsonl.as_slice(),
        ruzstd::encoding::CompressionLevel::Fastest,
    );
    let zst = write(dir.path(), "bomb.jsonl.zst", &zst);
    drop(jsonl);
    let other = normal(dir.path());
    for bomb in [gz, zst] {
        let ids = check(
            "decompression bomb",
            &["extract", &bomb, &other],
            2,
            &[
                "a decompression bomb? --max-compression-ratio",
                "line 2 and the rest skipped",
                "1 input item(s) failed",
            ],
        );
        assert_eq!(ids, ["first", "zz_normal"]);
    }
}

/// 100,000 nested elements, unclosed: refused by the depth scan, not extracted.
#[test]
fn deep_html_is_skipped() {
    let dir = TempDir::new("hostile-deep");
    let mut page = String::from("<!doctype html><html><body>");
    page.push_str(&"<div>".repeat(50_000));
    page.push_str(&"<table><tr><td>".repeat(50_000));
    page.push_str("<p>deep</p></body></html>");
    let deep = write(dir.path(), "deep.html", page.as_bytes());
    let other = normal(dir.path());
    let ids = check(
        "deep HTML",
        &["extract", &deep, &other],
        2,
        &["HTML nested 100002 elements deep (more than 512, --max-html-depth), page skipped"],
    );
    assert_eq!(ids, ["zz_normal"]);
}

/// 64 MB of blanks as a plain-text file: read no further than the article limit.
#[test]
fn whitespace_only_input_is_bounded() {
    let dir = TempDir::new("hostile-blank");
    let blank = write(dir.path(), "blank.txt", &vec![b' '; 64 << 20]);
    let blank_gz = write(dir.path(), "blank2.txt.gz", &gzip(&vec![b'\n'; 256 << 20]));
    let other = normal(dir.path());
    let ids = check(
        "whitespace-only",
        &["extract", &blank, &blank_gz, &other],
        2,
        &["article text longer than 2097152 bytes (--max-article-bytes), skipped"],
    );
    assert_eq!(ids, ["zz_normal"]);
}

/// A 1 MB sentence without an end, and a 1 MB text full of cues: analysed, in bounded time.
#[test]
fn pathological_text_is_analysed_in_bounded_time() {
    let dir = TempDir::new("hostile-text");
    let words = write(dir.path(), "words.txt", "word ".repeat(200_000).as_bytes());
    let cues = write(
        dir.path(),
        "cues.txt",
        "Word said. ".repeat(95_000).as_bytes(),
    );
    let ids = check("pathological text", &["extract", &words, &cues], 0, &[]);
    assert_eq!(ids, ["words", "cues"]);
}

/// A JSONL line over the line limit is skipped without being held; the next line is kept.
#[test]
fn long_jsonl_lines_are_skipped() {
    let dir = TempDir::new("hostile-line");
    let mut jsonl = b"{\"id\":\"huge\",\"text\":\"".to_vec();
    jsonl.extend(std::iter::repeat_n(b'a', 20 << 20));
    jsonl.extend(b"\"}\n");
    jsonl.extend(jsonl_line("after").as_bytes());
    let path = write(dir.path(), "long.jsonl", &jsonl);
    let ids = check(
        "long JSONL line",
        &["extract", &path],
        2,
        &["long.jsonl:1: line longer than 16777216 bytes (--max-line-bytes), skipped"],
    );
    assert_eq!(ids, ["after"]);
}

/// A truncated .gz article is an error and nothing of it is printed.
#[test]
fn truncated_compressed_text_is_not_kept_in_part() {
    let dir = TempDir::new("hostile-trunc");
    let text = STORY.repeat(2000);
    let packed = gzip(text.as_bytes());
    let cut = write(dir.path(), "cut.txt.gz", &packed[..packed.len() / 2]);
    let other = normal(dir.path());
    let ids = check(
        "truncated gzip",
        &["extract", &cut, &other],
        2,
        &["truncated or corrupt gzip stream", "article skipped"],
    );
    assert_eq!(ids, ["zz_normal"]);
}

/// A truncated `.zst` JSONL keeps every complete line before the cut (the zstd decoder holds
/// back a window of its output, up to the whole frame, which must not be lost at the error);
/// a truncated `.zst` plain-text article is not kept in part. Both name the file, exit 2.
#[test]
fn truncated_zstd_keeps_the_lines_before_the_cut() {
    let dir = TempDir::new("hostile-zstd");
    let n_lines = 1500;
    let jsonl: String = (0..n_lines)
        .map(|i| {
            let text = format!("{STORY} The vote on bill {i} is on day {}. ", i % 7).repeat(6);
            format!(
                "{}\n",
                serde_json::json!({"id": format!("a{i}"), "text": text})
            )
        })
        .collect();
    let zstd = |data: &[u8]| {
        ruzstd::encoding::compress_to_vec(data, ruzstd::encoding::CompressionLevel::Fastest)
    };
    let packed = zstd(jsonl.as_bytes());
    let cut = packed.len() * 2 / 3;
    let path = write(dir.path(), "cut.jsonl.zst", &packed[..cut]);
    let other = normal(dir.path());
    let ids = check(
        "truncated zstd JSONL",
        &["extract", &path, &other],
        2,
        &["cut.jsonl.zst: truncated or corrupt zstd stream: the input ends inside a frame"],
    );
    let (normal_id, kept) = ids.split_last().unwrap();
    assert_eq!(normal_id, "zz_normal");
    let prefix: Vec<String> = (0..kept.len()).map(|i| format!("a{i}")).collect();
    assert_eq!(kept, prefix.as_slice());
    // All but the lines of the block the cut fell in (128 KiB of output at most) and one
    // block of slack for uneven compression.
    let line_bytes = jsonl.len() / n_lines;
    let expected = n_lines * cut / packed.len() - 2 * (128 << 10) / line_bytes;
    assert!(expected > n_lines / 3, "{expected}");
    assert!(
        kept.len() >= expected,
        "kept {} of about {expected}",
        kept.len()
    );

    // Several blocks, so that the cut falls after complete ones.
    let text: String = (0..5000)
        .map(|i| format!("{STORY} The vote on bill {i} is on day {}.\n", i % 7))
        .collect();
    let packed = zstd(text.as_bytes());
    let path = write(dir.path(), "cut.txt.zst", &packed[..packed.len() * 2 / 3]);
    let ids = check(
        "truncated zstd text",
        &["extract", &path, &other],
        2,
        &[
            "cut.txt.zst: truncated or corrupt zstd stream",
            "article skipped",
        ],
    );
    assert_eq!(ids, ["zz_normal"]);
}

/// The article limit holds for the text extracted from a page too.
#[test]
fn html_text_over_the_article_limit_is_skipped() {
    let dir = TempDir::new("hostile-bightml");
    let para = "<p>Senator Jane Smith said on Tuesday that the plan would fail, and the committee met again.</p>\n";
    let page = format!(
        "<!doctype html><html><head><title>Big</title></head><body><article>{}</article></body></html>",
        para.repeat(2000)
    );
    let big = write(dir.path(), "big.html", page.as_bytes());
    let other = normal(dir.path());
    let ids = check(
        "HTML text over the article limit",
        &["extract", "--max-article-bytes", "50000", &big, &other],
        2,
        &["big.html: article text longer than 50000 bytes (--max-article-bytes), skipped"],
    );
    assert_eq!(ids, ["zz_normal"]);
}

/// U+2028 and U+2029 leave as escapes in every output JSON: extract, the store commands, the
/// server.
#[test]
fn line_separators_are_escaped_in_json() {
    let dir = TempDir::new("hostile-u2028");
    let text = "Smith said the plan\u{2028} would fail. \"It will\u{2029} not work,\" she said.";
    let path = write(dir.path(), "sep.txt", text.as_bytes());
    let r = run(&["extract", &path]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let out = String::from_utf8(r.stdout).unwrap();
    assert!(!out.contains(['\u{2028}', '\u{2029}']), "{out}");
    assert!(out.contains("\\u2028") && out.contains("\\u2029"), "{out}");
    assert_eq!(json_lines(out.as_bytes())[0]["text"], text);
    // The same for every JSON the store commands print and the server answers.
    let db = dir.path().join("sep.db").to_string_lossy().into_owned();
    let r = run(&["ingest", "--db", &db, &path]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let mut outputs = Vec::new();
    for args in [
        &["quotes", "--format", "json"][..],
        &["articles", "--format", "json"],
        &["show", "1", "--format", "json"],
        &["quotes", "--cluster", "--format", "json"],
    ] {
        let mut args = args.to_vec();
        args.extend(["--db", &db]);
        let r = run(&args);
        assert!(r.status <= 1, "{args:?}: {}", r.stderr);
        outputs.push((format!("{args:?}"), String::from_utf8(r.stdout).unwrap()));
    }
    let server = verbatim_server::Server::new(&verbatim_server::ServerConfig {
        addr: "127.0.0.1:0".into(),
        db: db.clone(),
        ..Default::default()
    })
    .unwrap()
    .spawn()
    .unwrap();
    for path in [
        "/api/quotes",
        "/api/articles/1",
        "/api/articles?search=plan",
    ] {
        let reply = crate::server::get(server.addr(), path);
        assert_eq!(reply.status, 200, "{path}: {}", reply.text());
        outputs.push((path.to_string(), reply.text()));
    }
    for (what, out) in &outputs {
        assert!(!out.contains(['\u{2028}', '\u{2029}']), "{what}: {out}");
    }
    let (_, quotes) = &outputs[0];
    assert!(quotes.contains("\\u202"), "{quotes}");
    let contents: Vec<String> = json_lines(quotes.as_bytes())
        .iter()
        .map(|q| q["content_text"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(
        contents
            .iter()
            .any(|c| c.contains(['\u{2028}', '\u{2029}'])),
        "{contents:?}"
    );
    let (_, article) = &outputs[5];
    let article: serde_json::Value = serde_json::from_str(article).unwrap();
    assert_eq!(article["text"], text);
}

/// A password in a PostgreSQL URL is never printed.
#[test]
fn url_passwords_are_redacted() {
    for url in [
        "postgres://reader:s3cr3t-pw@127.0.0.1:1/verbatim",
        "postgresql://127.0.0.1:1/verbatim?user=reader&password=s3cr3t-pw",
    ] {
        let r = run(&["quotes", "--db", url, "--limit", "1"]);
        assert_eq!(r.status, 2, "{}", r.stderr);
        assert!(!r.stderr.contains("s3cr3t"), "{}", r.stderr);
        assert!(r.stderr.contains("***"), "{}", r.stderr);
    }
}

/// A new SQLite store is owner-only: the file 0600, its search-index folder 0700.
#[test]
fn new_stores_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("hostile-mode");
    let story = write(dir.path(), "story.txt", STORY.as_bytes());
    let db = dir.path().join("v.db");
    let r = run(&["ingest", "--db", db.to_str().unwrap(), &story]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&db), 0o600);
    let index = dir.path().join("v.db-search");
    assert_eq!(mode(&index), 0o700);
    // Nothing temporary is left beside the store.
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
}

/// A truncated `.gz` stores nothing; the intact file then stores one article, and the same
/// article given again is not stored twice.
#[test]
fn truncated_then_intact_stores_one_article() {
    let dir = TempDir::new("hostile-dedup");
    let packed = gzip(STORY.repeat(50).as_bytes());
    std::fs::create_dir(dir.path().join("cut")).unwrap();
    let cut = write(dir.path(), "cut/story.txt.gz", &packed[..packed.len() / 2]);
    let intact = write(dir.path(), "story.txt.gz", &packed);
    let db = dir.path().join("v.db");
    let db = db.to_str().unwrap();
    let r = run(&["ingest", "--db", db, &cut]);
    assert_eq!(r.status, 2, "{}", r.stderr);
    assert!(r.stderr.contains("article skipped"), "{}", r.stderr);
    for expected in ["stored 1 article(s)", "skipped 1 already stored"] {
        let r = run(&["ingest", "--db", db, &intact]);
        assert_eq!(r.status, 0, "{}", r.stderr);
        assert!(r.stderr.contains(expected), "{}", r.stderr);
    }
    let r = run(&["stats", "--db", db]);
    let stats = String::from_utf8_lossy(&r.stdout).into_owned();
    assert!(
        stats
            .lines()
            .any(|l| l.split_whitespace().eq(["articles", "1"])),
        "{stats}"
    );
}
