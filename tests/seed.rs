//! The seed article, end to end: metadata and the who-said-what pairs it shows.

use crate::common::{json_lines, shared, slice_chars, verbatim};

fn seed_record() -> Option<serde_json::Value> {
    let shared = shared("seed")?;
    let seed = shared.join("seed/000_590c328a3d7eed25.txt");
    let out = verbatim(&["extract", seed.to_str().unwrap()], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut records = json_lines(&out.stdout);
    assert_eq!(records.len(), 1);
    Some(records.remove(0))
}

#[test]
fn seed_metadata() {
    let Some(rec) = seed_record() else { return };
    assert_eq!(rec["id"], "000_590c328a3d7eed25");
    assert_eq!(
        rec["headline"],
        "Trump stands by Sessions as Democrats seek resignation over Russia revelation"
    );
    assert_eq!(rec["updated"], "2017-08-23T11:20:00+05:30");
    assert_eq!(rec["published"], "2017-03-03");
    assert_eq!(rec["dateline"]["place"], "New York [USA]");
    assert_eq!(rec["dateline"]["agency"], "ANI");
    assert_eq!(rec["dateline"]["date"], "2017-03-03");
}

#[test]
fn seed_direct_quotes_have_exact_spans() {
    let Some(rec) = seed_record() else { return };
    let text = rec["text"].as_str().unwrap();
    let contents: Vec<String> = rec["attributions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| {
            a["content"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| slice_chars(text, s))
        })
        .collect();
    for quote in [
        "\"I don't think so.\"",
        "\"If he, himself, is the subject of an investigation, of course he would,\"",
        "\"But if he's not, I don't see any purpose or reason to doing this.\"",
        "\"I never met with any Russian officials to discuss issues of the campaign. I have no idea what this allegation is about. It is false,\"",
    ] {
        assert!(contents.iter().any(|c| c == quote), "no content span is exactly {quote}; got {contents:#?}");
    }
}
