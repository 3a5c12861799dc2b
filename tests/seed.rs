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

/// The thirteen who-said-what pairs of the seed: (speaker name or anonymous source phrase,
/// speaker type, text the content contains).
const SEED_PAIRS: &[(&str, &str, &str)] = &[
    ("Donald Trump", "person", "I don't think so"),
    (
        "Donald Trump",
        "person",
        "confidence in Attorney General Jeff Sessions",
    ),
    (
        "Paul Ryan",
        "person",
        "Sessions should recuse himself only if",
    ),
    (
        "Paul Ryan",
        "person",
        "If he, himself, is the subject of an investigation",
    ),
    (
        "Paul Ryan",
        "person",
        "But if he's not, I don't see any purpose",
    ),
    (
        "Jeff Sessions",
        "person",
        "I never met with any Russian officials",
    ),
    (
        "Jeff Sessions",
        "person",
        "he knew of no contacts between Trump surrogates and Russians",
    ),
    (
        "Sarah Isgur Flores",
        "person",
        "Last year, the senator had over 25 conversations",
    ),
    (
        "Sarah Isgur Flores",
        "person",
        "misleading about his answer",
    ),
    (
        "Sean Spicer",
        "person",
        "Sessions had nothing to apologize for",
    ),
    (
        "A White House official",
        "anonymous",
        "This is the latest attack against the Trump Administration",
    ),
    (
        "A Justice official",
        "anonymous",
        "Sessions didn't mislead senators",
    ),
    (
        "CNN",
        "organization",
        "Sessions spoke twice with the Russian ambassador",
    ),
];

#[test]
fn seed_who_said_what() {
    let Some(rec) = seed_record() else { return };
    let text = rec["text"].as_str().unwrap();
    let atts = rec["attributions"].as_array().unwrap();
    let join = |a: &serde_json::Value, role: &str| -> String {
        a[role]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| slice_chars(text, s))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut missing = Vec::new();
    for &(who, kind, said) in SEED_PAIRS {
        let found = atts.iter().any(|a| {
            let speaker = &a["speaker"];
            let named = if kind == "anonymous" {
                join(a, "source").contains(who)
            } else {
                speaker["name"] == who
            };
            named && speaker["type"] == kind && join(a, "content").contains(said)
        });
        if !found {
            missing.push(format!("{who} ({kind}) — {said:?}"));
        }
    }
    let got: Vec<String> = atts
        .iter()
        .map(|a| {
            format!(
                "{} ({}) — {:?}",
                a["speaker"]["name"],
                a["speaker"]["type"],
                join(a, "content")
            )
        })
        .collect();
    assert!(
        missing.is_empty(),
        "missing pairs: {missing:#?}\nextracted: {got:#?}"
    );
}
