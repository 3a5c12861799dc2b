//! The body of `POST /api/articles`: one article object or an array of them, with the fields
//! of a JSONL input line. Each object is read by the same JSONL reader as `verbatim ingest`,
//! so dates, placeholders and metadata recognised in the text behave the same.

use crate::error::{ApiError, Code};
use serde_json::Value;
use std::io::Cursor;
use verbatim_core::ingest::{Event, Limits, Reader};
use verbatim_core::Article;

/// The fields an article object may have: the JSONL fields and PolNeAR's fallback names.
pub const FIELDS: &[&str] = &[
    "text",
    "id",
    "title",
    "url",
    "published",
    "outlet",
    "headline",
    "date",
    "publisher",
    "byline",
    "author",
];

/// A problem that did not stop an article (e.g. an unreadable date), by item.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Warning {
    pub item: usize,
    pub message: String,
}

/// Reads the articles of a request body, in order; any invalid item fails the whole request
/// (nothing is stored) with a message naming it. A text longer than `max_article_bytes` is a
/// `payload_too_large` error.
pub fn parse_articles(
    body: &[u8],
    max_article_bytes: usize,
) -> Result<(Vec<Article>, Vec<Warning>), ApiError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_parameter(format!("body: invalid JSON: {e}")))?;
    let (items, single) = match value {
        Value::Object(_) => (vec![value], true),
        Value::Array(items) if items.is_empty() => {
            return Err(ApiError::bad_parameter("body: an empty array, no articles"))
        }
        Value::Array(items) => (items, false),
        _ => {
            return Err(ApiError::bad_parameter(
                "body: expected an article object or an array of them",
            ))
        }
    };
    let name = |i: usize| {
        if single {
            "body".to_string()
        } else {
            format!("body[{i}]")
        }
    };
    let mut jsonl = String::new();
    for (i, item) in items.iter().enumerate() {
        let Value::Object(fields) = item else {
            return Err(ApiError::bad_parameter(format!(
                "{}: expected an object",
                name(i)
            )));
        };
        if let Some(unknown) = fields.keys().find(|k| !FIELDS.contains(&k.as_str())) {
            return Err(ApiError::bad_parameter(format!(
                "{}: unknown field {unknown:?} (known: {})",
                name(i),
                FIELDS.join(", ")
            )));
        }
        match fields.get("text") {
            Some(Value::String(t)) if t.len() > max_article_bytes => {
                return Err(ApiError::new(
                    Code::PayloadTooLarge,
                    format!(
                        "{}: \"text\" is {} bytes, longer than the {max_article_bytes} bytes \
                         allowed (max_article_bytes); nothing was stored",
                        name(i),
                        t.len()
                    ),
                ))
            }
            Some(Value::String(t)) if !t.trim().is_empty() => {}
            Some(Value::String(_)) => {
                return Err(ApiError::bad_parameter(format!(
                    "{}: \"text\" is empty",
                    name(i)
                )))
            }
            Some(_) => {
                return Err(ApiError::bad_parameter(format!(
                    "{}: \"text\" is not a string",
                    name(i)
                )))
            }
            None => {
                return Err(ApiError::bad_parameter(format!(
                    "{}: missing \"text\"",
                    name(i)
                )))
            }
        }
        // One line per item: serde_json escapes newlines inside strings.
        jsonl.push_str(&item.to_string());
        jsonl.push('\n');
    }
    let limits = Limits {
        max_article_bytes,
        // An item holds at most the whole body.
        max_line_bytes: jsonl.len().max(1),
        ..Limits::default()
    };
    let reader = Reader::new(vec!["-".into()])
        .with_limits(limits)
        .with_stdin(Cursor::new(jsonl.into_bytes()));
    let mut articles = Vec::with_capacity(items.len());
    let mut warnings = Vec::new();
    for event in reader {
        match event {
            Event::Article(mut article) => {
                let item = line_item(&article.origin).unwrap_or(articles.len());
                article.origin = format!("http:{}", name(item));
                articles.push(*article);
            }
            Event::Warning { origin, message } => warnings.push(Warning {
                item: line_item(&origin).unwrap_or(0),
                message,
            }),
            Event::Error { origin, message } => {
                let item = line_item(&origin).unwrap_or(0);
                return Err(ApiError::bad_parameter(format!(
                    "{}: {message}",
                    name(item)
                )));
            }
            // This reader screens nothing; were it to skip an item, that is as final as an error.
            Event::Skipped { origin, reason } => {
                let item = line_item(&origin).unwrap_or(0);
                return Err(ApiError::bad_parameter(format!("{}: {reason}", name(item))));
            }
        }
    }
    if articles.len() != items.len() {
        return Err(ApiError::internal(format!(
            "read {} articles from {} items",
            articles.len(),
            items.len()
        )));
    }
    Ok((articles, warnings))
}

/// The item index of a reader origin `-:LINE` (lines count from 1).
fn line_item(origin: &str) -> Option<usize> {
    let line: usize = origin.rsplit_once(':')?.1.parse().ok()?;
    line.checked_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `expected`: Ok(ids) or Err(part of the message).
    fn check(body: &str, expected: Result<&[&str], &str>) {
        match (parse_articles(body.as_bytes(), 100), expected) {
            (Ok((articles, _)), Ok(ids)) => {
                let got: Vec<&str> = articles.iter().map(|a| a.id.as_str()).collect();
                assert_eq!(got, ids, "{body}");
            }
            (Err(e), Err(part)) => {
                assert_eq!(e.code, crate::error::Code::BadParameter, "{body}");
                assert!(e.message.contains(part), "{body}: {}", e.message);
            }
            (got, want) => panic!("{body}: got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn bodies_are_read_like_jsonl_lines() {
        check(r#"{"id": "a", "text": "Hi."}"#, Ok(&["a"]));
        check(
            r#"[{"id": "a", "text": "x"}, {"id": 7, "text": "y"}]"#,
            Ok(&["a", "7"]),
        );
        check(r#"{"text": "multi\nline\n\ntext", "id": "m"}"#, Ok(&["m"]));
        check(r#"[]"#, Err("empty array"));
        check(r#""text""#, Err("expected an article object"));
        check(r#"[{"text": "x"}, 3]"#, Err("body[1]: expected an object"));
        check(r#"{"id": "a"}"#, Err("body: missing \"text\""));
        check(r#"{"text": "  "}"#, Err("\"text\" is empty"));
        check(r#"{"text": 5}"#, Err("not a string"));
        check(
            r#"[{"text": "x", "titel": "y"}]"#,
            Err("body[0]: unknown field \"titel\""),
        );
        check(r#"{"text": "x""#, Err("invalid JSON"));
        let long = format!(r#"[{{"text": "x"}}, {{"text": "{}"}}]"#, "y".repeat(101));
        match parse_articles(long.as_bytes(), 100) {
            Err(e) => {
                assert_eq!(e.code, Code::PayloadTooLarge);
                assert!(
                    e.message.starts_with("body[1]: \"text\" is 101 bytes"),
                    "{}",
                    e.message
                );
            }
            Ok(_) => panic!("a 101-byte text under a 100-byte limit was read"),
        }
        check(
            &format!(r#"{{"id": "k", "text": "{}"}}"#, "y".repeat(100)),
            Ok(&["k"]),
        );
        check("", Err("invalid JSON"));
    }

    #[test]
    fn metadata_fields_are_kept() {
        let body = r#"[{"text": "He said so.", "title": "T <b>", "url": "https://e.x/1",
            "published": "2017-03-03", "outlet": "Reuters"}, {"text": "z", "id": "z"}]"#;
        let (articles, warnings) = parse_articles(body.as_bytes(), 100).unwrap();
        assert!(warnings.is_empty());
        let meta = &articles[0].meta;
        assert_eq!(meta.headline.as_deref(), Some("T <b>"));
        assert_eq!(meta.url.as_deref(), Some("https://e.x/1"));
        assert_eq!(meta.outlet.as_deref(), Some("Reuters"));
        assert_eq!(meta.published.unwrap().to_string(), "2017-03-03");
        assert_eq!(articles[0].origin, "http:body[0]");
        assert_eq!(articles[1].origin, "http:body[1]");
        assert_eq!(articles[0].text, "He said so.");
    }

    #[test]
    fn a_bad_date_is_a_warning_on_its_item() {
        let body = r#"[{"text": "a", "id": "a"}, {"text": "b", "published": "someday"}]"#;
        let (articles, warnings) = parse_articles(body.as_bytes(), 100).unwrap();
        assert_eq!(articles.len(), 2);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(warnings[0].item, 1);
    }

    #[test]
    fn line_items_count_from_zero() {
        assert_eq!(line_item("-:1"), Some(0));
        assert_eq!(line_item("-:12"), Some(11));
        assert_eq!(line_item("-:0"), None);
        assert_eq!(line_item("-"), None);
    }
}
