//! Reading predicted attributions: JSONL lines such as `verbatim extract` writes.

use crate::corpus::GoldAttribution;
use crate::error::{Error, Result};
use serde::Deserialize;
use std::io::BufRead;

/// One article's predictions. Offsets are code points into the gold text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PredDoc {
    pub id: String,
    /// The text the predictions were made on, when the line has one (a JSON `null` counts
    /// as absent); compared with the gold text only to warn.
    pub text: Option<String>,
    pub attributions: Vec<GoldAttribution>,
}

#[derive(Deserialize)]
struct RawDoc {
    id: String,
    #[serde(default)]
    text: Option<String>,
    attributions: Vec<RawAttribution>,
}

/// Roles may be missing or `null` (score.py's `a.get(r) or []`).
#[derive(Deserialize)]
struct RawAttribution {
    #[serde(default)]
    source: Option<Vec<[serde_json::Number; 2]>>,
    #[serde(default)]
    cue: Option<Vec<[serde_json::Number; 2]>>,
    #[serde(default)]
    content: Option<Vec<[serde_json::Number; 2]>>,
}

/// Python's `max(0, int(x))`: floats truncate toward zero, negatives become 0.
fn offset(x: &serde_json::Number) -> usize {
    if let Some(u) = x.as_u64() {
        usize::try_from(u).unwrap_or(usize::MAX)
    } else if x.as_i64().is_some() {
        0 // negative
    } else {
        // `as` saturates and maps NaN to 0
        x.as_f64().map_or(0, |f| f.trunc().max(0.0) as usize)
    }
}

fn pieces(raw: Option<Vec<[serde_json::Number; 2]>>) -> Vec<[usize; 2]> {
    raw.unwrap_or_default()
        .iter()
        .map(|[s, e]| [offset(s), offset(e)])
        .collect()
}

/// Parses one prediction line.
pub fn parse_prediction(line: &str) -> serde_json::Result<PredDoc> {
    let raw: RawDoc = serde_json::from_str(line)?;
    Ok(PredDoc {
        id: raw.id,
        text: raw.text,
        attributions: raw
            .attributions
            .into_iter()
            .map(|a| GoldAttribution {
                source: pieces(a.source),
                cue: pieces(a.cue),
                content: pieces(a.content),
            })
            .collect(),
    })
}

/// Reads predictions, one JSON object per line; blank lines are skipped and unknown fields
/// (`kind`, `speaker`, `entities`, ...) ignored. Negative offsets read as 0 and fractional
/// ones are truncated, as score.py's `max(0, int(s))` does. A line that is not such an object
/// is an error naming `origin:LINE`.
pub fn read_predictions(reader: impl BufRead, origin: &str) -> Result<Vec<PredDoc>> {
    let mut docs = Vec::new();
    for (n, line) in reader.lines().enumerate() {
        let line = line.map_err(|source| Error::Io {
            path: origin.to_string(),
            source,
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let doc = parse_prediction(&line).map_err(|e| Error::Json {
            origin: format!("{origin}:{}", n + 1),
            message: e.to_string(),
        })?;
        docs.push(doc);
    }
    Ok(docs)
}

/// Runs `pipeline` over the texts of `docs` and returns its attributions as predictions (code
/// points, as `verbatim extract` writes them), ready for [`crate::eval::score`].
pub fn predict(pipeline: &crate::Pipeline, docs: &[crate::corpus::GoldDoc]) -> Vec<PredDoc> {
    docs.iter()
        .map(|doc| {
            let article = crate::Article {
                id: doc.id.clone(),
                text: doc.text.clone(),
                ..Default::default()
            };
            let analysis = pipeline.analyze(&article);
            let offsets = crate::CharOffsets::new(&doc.text);
            let chars =
                |spans: &[crate::Span]| spans.iter().map(|&s| offsets.span_to_chars(s)).collect();
            let attributions = analysis
                .attributions
                .iter()
                .map(|a| GoldAttribution {
                    source: chars(&a.source),
                    cue: chars(&a.cue),
                    content: chars(&a.content),
                })
                .collect();
            PredDoc {
                id: doc.id.clone(),
                text: None,
                attributions,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attr(source: &[[usize; 2]], cue: &[[usize; 2]], content: &[[usize; 2]]) -> GoldAttribution {
        GoldAttribution {
            source: source.to_vec(),
            cue: cue.to_vec(),
            content: content.to_vec(),
        }
    }

    fn check(line: &str, expected: PredDoc) {
        assert_eq!(parse_prediction(line).unwrap(), expected, "{line}");
    }

    fn doc(id: &str, text: Option<&str>, attributions: Vec<GoldAttribution>) -> PredDoc {
        PredDoc {
            id: id.into(),
            text: text.map(String::from),
            attributions,
        }
    }

    #[test]
    fn parses_lines() {
        check(r#"{"id":"a","attributions":[]}"#, doc("a", None, vec![]));
        check(
            r#"{"id":"a","text":null,"attributions":[]}"#,
            doc("a", None, vec![]),
        );
        check(
            r#"{"id":"a","text":"x y","attributions":[{}]}"#,
            doc("a", Some("x y"), vec![attr(&[], &[], &[])]),
        );
        check(
            r#"{"id":"a","attributions":[{"source":null,"cue":[[1,2]],"content":[[3,4],[6,9]]}]}"#,
            doc("a", None, vec![attr(&[], &[[1, 2]], &[[3, 4], [6, 9]])]),
        );
        // an extract record: extra fields everywhere are ignored
        check(
            r#"{"id":"b","headline":null,"text":"t","entities":[{"id":0}],"attributions":
               [{"kind":"direct","source":[[0,1]],"cue":[],"content":[],"speaker":{"name":"X"}}]}"#,
            doc("b", Some("t"), vec![attr(&[[0, 1]], &[], &[])]),
        );
        // negative offsets clamp to 0, floats truncate toward zero
        check(
            r#"{"id":"c","attributions":[{"cue":[[-5,-1],[2.7,9.2],[-0.5,1e3]]}]}"#,
            doc(
                "c",
                None,
                vec![attr(&[], &[[0, 0], [2, 9], [0, 1000]], &[])],
            ),
        );
    }

    fn check_error(input: &str, expected: &str) {
        let err = read_predictions(input.as_bytes(), "p.jsonl").unwrap_err();
        let message = err.to_string();
        assert!(message.starts_with(expected), "{message:?} for {input:?}");
    }

    #[test]
    fn errors_name_the_line() {
        check_error("\n{\"id\":\"a\"}\n", "p.jsonl:2: invalid JSON");
        check_error(
            "{\"id\":\"a\",\"attributions\":[]}\nnot json\n",
            "p.jsonl:2:",
        );
        check_error("{\"id\":1,\"attributions\":[]}", "p.jsonl:1:");
        check_error(r#"{"id":"a","attributions":[{"cue":[[1]]}]}"#, "p.jsonl:1:");
        check_error(
            r#"{"id":"a","attributions":[{"cue":[["1",2]]}]}"#,
            "p.jsonl:1:",
        );
        check_error(r#"{"id":"a","attributions":[7]}"#, "p.jsonl:1:");
    }

    #[test]
    fn reads_jsonl() {
        let input =
            "{\"id\":\"a\",\"attributions\":[]}\n\n  \n{\"id\":\"b\",\"attributions\":[{}]}";
        let docs = read_predictions(input.as_bytes(), "x").unwrap();
        assert_eq!(
            docs,
            vec![
                doc("a", None, vec![]),
                doc("b", None, vec![attr(&[], &[], &[])])
            ]
        );
        assert!(read_predictions("".as_bytes(), "x").unwrap().is_empty());
    }
}
