//! Runs [`recognize`] over the PolNeAR train and dev texts (when the corpus is on this
//! machine) and prints what it finds; `cargo test -p verbatim-core survey -- --nocapture`.

use super::*;
use crate::corpus::{find_shared, read_jsonl};
use std::path::Path;

fn normalize(s: &str) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    // PolNeAR's texts end the title with a period, inside a closing quote if there is one.
    let s = s.trim_end_matches('.');
    let quote = s.trim_end_matches(['’', '”', '"', '\'']);
    let quote_len = s.len() - quote.len();
    format!(
        "{}{}",
        quote.trim_end_matches('.'),
        &s[s.len() - quote_len..]
    )
}

#[test]
fn polnear_survey() {
    let Some(shared) = find_shared(Path::new(env!("CARGO_MANIFEST_DIR"))) else {
        println!("skipped: no shared folder with data/polnear (set VERBATIM_SHARED)");
        return;
    };
    let mut docs = Vec::new();
    for split in ["train", "dev"] {
        match read_jsonl(&shared.join(format!("data/polnear/{split}.jsonl"))) {
            Ok(d) => docs.extend(d),
            Err(e) => {
                println!("skipped: {e}");
                return;
            }
        }
    }
    let (mut headline, mut headline_is_title, mut dateline, mut agency) = (0, 0, 0, 0);
    let (mut dateline_date, mut byline, mut updated, mut published, mut lead_as_headline) =
        (0, 0, 0, 0, 0);
    let mut leads = 0;
    let mut samples = Vec::new();
    let mut places = std::collections::BTreeMap::new();
    let mut dated_with_known = 0;
    let mut misses = Vec::new();
    for doc in &docs {
        let m = recognize(&doc.text);
        if let Some(h) = &m.headline {
            headline += 1;
            let title = doc.title.as_deref().map(normalize);
            if title.as_deref() == Some(normalize(h).as_str()) {
                headline_is_title += 1;
            } else {
                misses.push(format!("headline {h:?} vs title {:?}", doc.title));
            }
        } else {
            let first: String = doc
                .text
                .lines()
                .next()
                .unwrap_or("")
                .chars()
                .take(100)
                .collect();
            misses.push(format!("no headline: {first:?}"));
        }
        if let Some(d) = &m.dateline {
            *places
                .entry(d.place.clone().unwrap_or_default())
                .or_insert(0) += 1;
            dateline += 1;
            agency += usize::from(d.agency.is_some());
            dateline_date += usize::from(d.date.is_some());
        }
        let known = Meta {
            published: doc.date.as_deref().and_then(parse_timestamp),
            ..Meta::default()
        };
        let with_known = recognize_with(&doc.text, &known);
        dated_with_known += usize::from(with_known.dateline.and_then(|d| d.date).is_some());
        byline += usize::from(m.byline.is_some());
        updated += usize::from(m.updated.is_some());
        published += usize::from(m.published.is_some());
        if m.dateline.is_some() || m.byline.is_some() || m.updated.is_some() {
            samples.push(format!(
                "{}: {:?} byline={:?} updated={:?} | {:?}",
                doc.id,
                m.dateline,
                m.byline,
                m.updated.map(|t| t.to_string()),
                doc.text
                    .split("\n\n")
                    .nth(1)
                    .unwrap_or("")
                    .chars()
                    .take(70)
                    .collect::<String>()
            ));
        }
        // A lead paragraph standing first: would it pass for a headline?
        let paras: Vec<&str> = doc.text.split("\n\n").collect();
        if paras.len() > 2 && !paras[1].contains('\n') {
            leads += 1;
            let fake = format!("{}\n\n{}", paras[1], paras[2]);
            if recognize(&fake).headline.is_some() {
                lead_as_headline += 1;
            }
        }
    }
    println!(
        "{} texts: headline {headline} (= title {headline_is_title}), dateline {dateline} \
         (agency {agency}, date {dateline_date}), byline {byline}, updated {updated}, \
         published {published}; leads taken for a headline {lead_as_headline} of {leads}",
        docs.len()
    );
    println!("dateline dates given the JSONL date: {dated_with_known}; places: {places:?}");
    let step = (samples.len() / 20).max(1);
    for s in samples.iter().step_by(step) {
        println!("  {s}");
    }
    for s in misses.iter().take(30) {
        println!("  miss: {s}");
    }
    assert!(
        headline_is_title * 10 >= docs.len() * 9,
        "headline = title too rarely"
    );
    assert_eq!(
        headline, headline_is_title,
        "a headline that is not the title"
    );
    assert_eq!(
        (byline, updated),
        (0, 0),
        "PolNeAR texts have no byline or updated lines"
    );
}
