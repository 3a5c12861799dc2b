//! HTML pages end to end: `verbatim extract saved_pages/` with good and bad pages.

use crate::common::{json_lines, verbatim, TempDir};
use std::io::Write;

/// A news page with boilerplate around an article of three paragraphs.
pub fn news_page(title: &str, date: &str, author: &str, body_words: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title} | Example News</title>\
         <meta property=\"og:site_name\" content=\"Example News\">\
         <meta property=\"article:published_time\" content=\"{date}\">\
         <meta name=\"author\" content=\"By {author}\">\
         <link rel=\"canonical\" href=\"https://news.example/{title_slug}\"></head><body>\
         <nav><ul><li><a href=\"/\">Home</a></li><li><a href=\"/world\">World</a></li></ul></nav>\
         <article><h1>{title}</h1>\
         <p>\"We will rebuild the bridge before winter,\" Mayor Jane Smith said on Monday, \
         speaking to reporters outside city hall about the {body_words} project.</p>\
         <p>The council approved the budget last week, according to a statement from the \
         city, which said construction crews would begin work as soon as the permits arrive.</p>\
         <p>Residents have complained for months about the closure, and local businesses say \
         the detour has cut their sales by a third since the spring.</p></article>\
         <footer>Copyright 2021 Example News. All rights reserved.</footer></body></html>",
        title_slug = title.to_lowercase().replace(' ', "-"),
    )
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

#[test]
fn saved_pages_become_articles() {
    let dir = TempDir::new("html-pages");
    let p = dir.path();
    let page1 = news_page(
        "Bridge plan",
        "2021-05-04T08:00:00+02:00",
        "Ann Lee",
        "bridge",
    );
    std::fs::write(p.join("a_bridge.html"), &page1).unwrap();
    // Latin-1 with a meta charset, no .html extension: told by content.
    let page2 = news_page(
        "Caf\u{e9} plan",
        "2021-05-05",
        "Bob Roe and Cy Poe, Reuters",
        "caf\u{e9}",
    )
    .replace("charset=\"utf-8\"", "charset=\"iso-8859-1\"");
    let latin1: Vec<u8> = page2.chars().map(|c| c as u32 as u8).collect();
    std::fs::write(p.join("b_cafe"), latin1).unwrap();
    // Gzipped.
    let page3 = news_page("Road plan", "May 6, 2021", "Dee Doe", "road");
    std::fs::write(p.join("c_road.htm.gz"), gzip(page3.as_bytes())).unwrap();
    let out = verbatim(&["extract", p.to_str().unwrap()], None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let records = json_lines(&out.stdout);
    let ids: Vec<&str> = records.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["a_bridge", "b_cafe", "c_road"]);
    let r = &records[0];
    assert_eq!(r["headline"], "Bridge plan");
    assert_eq!(r["published"], "2021-05-04T08:00:00+02:00");
    assert_eq!(r["byline"], "Ann Lee");
    assert_eq!(r["outlet"], "Example News");
    assert_eq!(r["url"], "https://news.example/bridge-plan");
    let text = r["text"].as_str().unwrap();
    assert!(text.starts_with("\"We will rebuild the bridge"), "{text}");
    assert!(text.contains("third since the spring."), "{text}");
    assert!(text.contains("\n\n"), "{text}");
    assert!(
        !text.contains("Copyright") && !text.contains("Home"),
        "{text}"
    );
    // The quote is attributed to the mayor.
    let attributions = r["attributions"].as_array().unwrap();
    assert!(!attributions.is_empty());
    let r = &records[1];
    assert_eq!(r["headline"], "Café plan");
    assert_eq!(r["byline"], "Bob Roe and Cy Poe");
    assert!(r["text"]
        .as_str()
        .unwrap()
        .contains("about the café project"));
    assert_eq!(records[2]["published"], "2021-05-06");
}

#[test]
fn bad_pages_are_reported_and_the_rest_processed() {
    let dir = TempDir::new("html-bad");
    let p = dir.path();
    let good = news_page("Good page", "2021-05-04", "Ann Lee", "good");
    std::fs::write(p.join("1_good.html"), &good).unwrap();
    std::fs::write(
        p.join("2_nobody.html"),
        "<html><head><title>Empty</title></head><body></body></html>",
    )
    .unwrap();
    std::fs::write(p.join("3_binary.bin"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0").unwrap();
    let packed = gzip(good.as_bytes());
    std::fs::write(p.join("4_truncated.html.gz"), &packed[..packed.len() / 2]).unwrap();
    // A 50 MB page.
    let mut big = b"<!DOCTYPE html><html><body><article>".to_vec();
    let para = b"<p>Word after word after word, the page goes on and on and on.</p>\n";
    while big.len() < 50 << 20 {
        big.extend_from_slice(para);
    }
    std::fs::write(p.join("5_big.html"), &big).unwrap();
    std::fs::write(
        p.join("6_good.html"),
        news_page("Other page", "2021-05-04", "Ann Lee", "other"),
    )
    .unwrap();
    let out = verbatim(&["extract", p.to_str().unwrap()], None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let records = json_lines(&out.stdout);
    let ids: Vec<&str> = records.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["1_good", "6_good"], "{stderr}");
    for (name, message) in [
        ("2_nobody.html", "no article text found"),
        ("3_binary.bin", "binary file, skipped"),
        ("4_truncated.html.gz", "gzip"),
        ("5_big.html", "page too large"),
    ] {
        assert!(
            stderr
                .lines()
                .any(|l| l.contains(name) && l.contains(message)),
            "{name}: {stderr}"
        );
    }
    assert!(stderr.contains("4 input item(s) failed"), "{stderr}");
}

#[test]
fn html_on_stdin_gets_the_url_hash_id() {
    let page = news_page("Stdin page", "2021-05-04", "Ann Lee", "stdin");
    let out = verbatim(&["extract"], Some(page.as_bytes()));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let records = json_lines(&out.stdout);
    assert_eq!(records.len(), 1);
    assert_eq!(
        records[0]["id"],
        verbatim_core::ingest::text_id("https://news.example/stdin-page")
    );
}

#[test]
fn jobs_do_not_change_the_output() {
    let dir = TempDir::new("html-jobs");
    let p = dir.path();
    for i in 0..12 {
        let page = news_page(
            &format!("Page {i}"),
            "2021-05-04",
            "Ann Lee",
            &format!("item {i}"),
        );
        std::fs::write(p.join(format!("{i:02}.html")), page).unwrap();
    }
    std::fs::write(p.join("05b.html"), "<html><body></body></html>").unwrap();
    std::fs::write(p.join("07b.txt"), "\"Fine,\" Smith said.").unwrap();
    let path = p.to_str().unwrap();
    let one = verbatim(&["extract", "--jobs", "1", path], None);
    for jobs in ["2", "3", "0"] {
        let many = verbatim(&["extract", "--jobs", jobs, path], None);
        assert_eq!(one.stdout, many.stdout, "--jobs {jobs}");
        assert_eq!(one.stderr, many.stderr, "--jobs {jobs}");
        assert_eq!(one.status.code(), many.status.code());
    }
    assert_eq!(json_lines(&one.stdout).len(), 13);
}

#[test]
fn aeb_body_f1_is_at_least_0_95() {
    let Some(shared) = crate::common::shared("aeb_body_f1_is_at_least_0_95") else {
        return;
    };
    let dir = shared.join("data/aeb");
    if !dir.join("ground-truth.json").is_file() {
        eprintln!(
            "skipping aeb_body_f1_is_at_least_0_95: {} not found",
            dir.display()
        );
        return;
    }
    let report = verbatim_core::eval::aeb::evaluate_dir(&dir).unwrap();
    assert_eq!(report.body.pages, 181);
    assert!(report.body.f1 >= 0.95, "{report:?}");
}

/// A page of our own with a hover card (the name shown, a hidden card with the full name and
/// headlines), a tooltip, bold text next to a word, and a web address as site name.
#[test]
fn hover_cards_tooltips_and_site_addresses() {
    let out = verbatim(
        &["extract", "tests/fixtures/pages/hovercard-noem.html"],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let records = json_lines(&out.stdout);
    let rec = &records[0];
    let text = rec["text"].as_str().unwrap();
    assert!(
        text.starts_with("South Dakota Gov. Kristi Noem (R) is defending"),
        "{text}"
    );
    for hidden in [
        "Kristi Lynn Noem",
        "pipeline",
        "MORE",
        "Source: state budget office",
    ] {
        assert!(!text.contains(hidden), "{hidden:?} in {text}");
    }
    assert!(
        text.contains("about $449,000, according to the budget office"),
        "{text}"
    );
    assert!(text.contains("Summary Critics said"), "{text}");
    let speakers: Vec<&str> = rec["attributions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["speaker"]["name"].as_str())
        .collect();
    assert_eq!(
        speakers.iter().filter(|s| **s == "Kristi Noem").count(),
        2,
        "{speakers:?}"
    );
    assert!(!speakers.iter().any(|s| s.contains("Lynn")), "{speakers:?}");
    // og:site_name is a web address: not an outlet, and nothing else names one.
    assert_eq!(rec["outlet"], serde_json::Value::Null);
    assert_eq!(rec["headline"], "Noem defends anti-meth campaign");
}
