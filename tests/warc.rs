//! WARC crawls end to end: `verbatim extract crawl.warc.gz`.

use crate::common::{json_lines, verbatim, TempDir};
use crate::html::news_page;
use std::io::Write;

fn record(kind: &str, id: &str, uri: &str, content_type: &str, block: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{id}>\r\n\
         WARC-Date: 2021-05-04T10:00:00Z\r\nWARC-Target-URI: {uri}\r\n\
         Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        block.len()
    )
    .into_bytes();
    r.extend_from_slice(block);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

fn response(id: &str, uri: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut http = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    http.extend_from_slice(body);
    record(
        "response",
        id,
        uri,
        "application/http; msgtype=response",
        &http,
    )
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

/// A crawl: warcinfo, request, three pages (one without canonical URL), an image, a corrupt
/// record, and a page without text. Each record gzipped as its own member, like real crawls.
fn crawl() -> Vec<Vec<u8>> {
    let page = |t: &str| news_page(t, "2021-05-04T08:00:00Z", "Ann Lee", t).into_bytes();
    let no_canonical = String::from_utf8(page("Third")).unwrap().replace(
        "<link rel=\"canonical\" href=\"https://news.example/third\">",
        "",
    );
    vec![
        record(
            "warcinfo",
            "info-1",
            "",
            "application/warc-fields",
            b"software: test\r\n",
        ),
        record(
            "request",
            "req-1",
            "https://news.example/first",
            "application/http; msgtype=request",
            b"GET /first HTTP/1.1\r\n\r\n",
        ),
        response(
            "page-1",
            "https://news.example/first",
            "text/html; charset=utf-8",
            &page("First"),
        ),
        response(
            "img-1",
            "https://news.example/a.png",
            "image/png",
            b"\x89PNG\r\n\x1a\n\0\0\0",
        ),
        b"WARC/1.1\r\nWARC-Type: response\r\nContent-Length: not-a-number\r\n\r\njunk\r\n\r\n"
            .to_vec(),
        response(
            "page-2",
            "https://news.example/second",
            "text/html",
            &page("Second"),
        ),
        response(
            "page-empty",
            "https://news.example/empty",
            "text/html",
            b"<html><body></body></html>",
        ),
        response(
            "page-3",
            "https://news.example/2021/05/04/third",
            "text/html",
            no_canonical.as_bytes(),
        ),
    ]
}

#[test]
fn a_crawl_becomes_articles() {
    let dir = TempDir::new("warc-crawl");
    let plain: Vec<u8> = crawl().concat();
    let packed: Vec<u8> = crawl().iter().flat_map(|r| gzip(r)).collect();
    std::fs::write(dir.path().join("crawl.warc"), &plain).unwrap();
    std::fs::write(dir.path().join("crawl.warc.gz"), &packed).unwrap();
    let mut outputs = Vec::new();
    for name in ["crawl.warc", "crawl.warc.gz"] {
        let path = dir.path().join(name);
        let out = verbatim(&["extract", path.to_str().unwrap()], None);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        let records = json_lines(&out.stdout);
        let ids: Vec<&str> = records.iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["page-1", "page-2", "page-3"], "{stderr}");
        assert_eq!(records[0]["url"], "https://news.example/first");
        assert_eq!(records[0]["headline"], "First");
        assert_eq!(records[0]["published"], "2021-05-04T08:00:00+00:00");
        assert_eq!(records[2]["url"], "https://news.example/2021/05/04/third");
        assert!(
            stderr.contains(&format!("{name}#5: corrupt WARC record")),
            "{stderr}"
        );
        assert!(
            stderr.contains(&format!("{name}#7: no article text found")),
            "{stderr}"
        );
        assert!(
            stderr.contains("3 WARC record(s) skipped, not HTML pages: 1 non-HTML response, 1 request, 1 warcinfo"),
            "{stderr}"
        );
        assert!(stderr.contains("2 input item(s) failed"), "{stderr}");
        outputs.push(out.stdout);
    }
    assert_eq!(outputs[0], outputs[1]);
}

#[test]
fn a_truncated_crawl_keeps_what_came_before() {
    let dir = TempDir::new("warc-truncated");
    let packed: Vec<u8> = crawl().iter().flat_map(|r| gzip(r)).collect();
    let cut = &packed[..packed.len() - 300];
    let path = dir.path().join("cut.warc.gz");
    std::fs::write(&path, cut).unwrap();
    let out = verbatim(&["extract", path.to_str().unwrap()], None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let records = json_lines(&out.stdout);
    assert_eq!(records.len(), 2, "{stderr}");
    assert!(stderr.contains("gzip"), "{stderr}");
}

#[test]
fn warc_output_is_the_same_for_any_number_of_jobs() {
    let dir = TempDir::new("warc-jobs");
    let mut data = Vec::new();
    for i in 0..20 {
        let page = news_page(
            &format!("Page {i}"),
            "2021-05-04",
            "Ann Lee",
            &format!("item {i}"),
        );
        data.extend(gzip(&response(
            &format!("p{i}"),
            &format!("https://x.example/{i}"),
            "text/html",
            page.as_bytes(),
        )));
    }
    let path = dir.path().join("many.warc.gz");
    std::fs::write(&path, data).unwrap();
    let path = path.to_str().unwrap();
    let one = verbatim(&["extract", "-j", "1", path], None);
    let four = verbatim(&["extract", "-j", "4", path], None);
    assert!(one.status.success());
    assert_eq!(json_lines(&one.stdout).len(), 20);
    assert_eq!(one.stdout, four.stdout);
}

#[test]
fn ingest_stores_a_crawl_and_saved_pages() {
    let dir = TempDir::new("warc-ingest");
    let packed: Vec<u8> = crawl().iter().flat_map(|r| gzip(r)).collect();
    let crawl_path = dir.path().join("crawl.warc.gz");
    std::fs::write(&crawl_path, &packed).unwrap();
    let pages = dir.path().join("saved_pages");
    std::fs::create_dir(&pages).unwrap();
    for t in ["Fourth", "Fifth"] {
        let page = news_page(t, "2021-05-05T09:00:00Z", "Bo Park", t);
        std::fs::write(pages.join(format!("{t}.html")), page).unwrap();
    }
    let db = dir.path().join("news.db");
    let db = db.to_str().unwrap();
    // The crawl's corrupt record and empty page are reported, the three pages stored.
    let out = verbatim(&["ingest", "--db", db, crawl_path.to_str().unwrap()], None);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("stored 3 article(s)"), "{stderr}");
    let out = verbatim(&["ingest", "--db", db, pages.to_str().unwrap()], None);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("stored 2 article(s)"), "{stderr}");
    let out = verbatim(&["articles", "--db", db, "--format", "json"], None);
    assert!(out.status.success());
    let headlines: Vec<String> = json_lines(&out.stdout)
        .iter()
        .map(|a| a["headline"].as_str().unwrap_or("").to_string())
        .collect();
    for h in ["First", "Second", "Third", "Fourth", "Fifth"] {
        assert!(
            headlines.iter().any(|x| x == h),
            "{h} not stored: {headlines:?}"
        );
    }
}
