//! One JSONL line → one article.
//!
//! Fields: `text` (required, a string), `id` (a string, or a number kept as its decimal
//! string; else a hash of the text), `title`, `url`, `published`, `outlet`, and PolNeAR's
//! names as fallbacks: `headline` for title, `date` for published, `publisher` for outlet,
//! `byline` then `author` for the byline. Other fields are ignored. String values that are
//! placeholders (`""`, `None`, `null`, `NA`, `N/A`) count as missing. A `published` number is
//! Unix time (seconds; milliseconds when above 10^11).

use super::dates::{from_unix_seconds, parse_timestamp};
use super::read::{text_id, Event};
use crate::article::{Article, Meta, Timestamp};
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
struct Record {
    #[serde(default)]
    id: Option<Value>,
    #[serde(default)]
    text: Option<Value>,
    #[serde(default)]
    title: Option<Value>,
    #[serde(default)]
    headline: Option<Value>,
    #[serde(default)]
    url: Option<Value>,
    #[serde(default)]
    published: Option<Value>,
    #[serde(default)]
    date: Option<Value>,
    #[serde(default)]
    outlet: Option<Value>,
    #[serde(default)]
    publisher: Option<Value>,
    #[serde(default)]
    byline: Option<Value>,
    #[serde(default)]
    author: Option<Value>,
}

/// Parses one non-blank line; pushes the article or the problems to `out`.
pub(crate) fn parse_line(line: &str, origin: &str, out: &mut Vec<Event>) {
    // serde would also read a struct from an array: `[id, text, ...]`.
    if !line.trim_start().starts_with('{') {
        out.push(Event::error(origin, "invalid JSON: expected an object"));
        return;
    }
    let record: Record = match serde_json::from_str(line) {
        Ok(r) => r,
        Err(e) => {
            out.push(Event::error(origin, format!("invalid JSON: {e}")));
            return;
        }
    };
    let text = match record.text {
        Some(Value::String(s)) => s,
        Some(_) => {
            out.push(Event::error(origin, "\"text\" is not a string"));
            return;
        }
        None => {
            out.push(Event::error(origin, "missing \"text\""));
            return;
        }
    };
    if text.trim().is_empty() {
        out.push(Event::warning(origin, "empty, no article"));
        return;
    }
    let id = match record.id {
        Some(Value::String(s)) if !s.is_empty() => s,
        Some(Value::Number(n)) => n.to_string(),
        None | Some(Value::Null) => text_id(&text),
        Some(Value::String(_)) => {
            out.push(Event::warning(
                origin,
                "empty \"id\", using a hash of the text",
            ));
            text_id(&text)
        }
        Some(_) => {
            out.push(Event::warning(
                origin,
                "\"id\" is neither a string nor a number, using a hash of the text",
            ));
            text_id(&text)
        }
    };
    let mut fields = Fields { origin, out };
    let headline = fields
        .string("title", record.title)
        .or_else(|| fields.string("headline", record.headline));
    let url = fields.string("url", record.url);
    let published = fields
        .date("published", record.published)
        .or_else(|| fields.date("date", record.date));
    let outlet = fields
        .string("outlet", record.outlet)
        .or_else(|| fields.string("publisher", record.publisher));
    let byline = fields
        .string("byline", record.byline)
        .or_else(|| fields.string("author", record.author));
    let known = Meta {
        headline,
        published,
        updated: None,
        dateline: None,
        byline,
        outlet,
        url,
    };
    let meta = super::wire::recognize_with(&text, &known);
    out.push(Event::Article(Box::new(Article {
        id,
        text,
        meta,
        origin: origin.to_string(),
    })));
}

struct Fields<'a> {
    origin: &'a str,
    out: &'a mut Vec<Event>,
}

fn placeholder(s: &str) -> bool {
    matches!(s, "" | "None" | "none" | "null" | "NA" | "N/A" | "n/a")
}

impl Fields<'_> {
    fn string(&mut self, name: &str, value: Option<Value>) -> Option<String> {
        match value? {
            Value::String(s) => {
                let s = s.trim();
                (!placeholder(s)).then(|| s.to_string())
            }
            Value::Null => None,
            _ => {
                self.out.push(Event::warning(
                    self.origin,
                    format!("\"{name}\" is not a string, ignored"),
                ));
                None
            }
        }
    }

    fn date(&mut self, name: &str, value: Option<Value>) -> Option<Timestamp> {
        let parsed = match value? {
            Value::Null => return None,
            Value::String(s) if placeholder(s.trim()) => return None,
            Value::String(s) => parse_timestamp(&s).ok_or(s),
            Value::Number(n) => {
                let secs = n.as_i64().or_else(|| {
                    n.as_f64()
                        .filter(|f| f.is_finite())
                        .map(|f| f.floor() as i64)
                });
                secs.map(|s| {
                    if s.abs() > 100_000_000_000 {
                        s / 1000
                    } else {
                        s
                    }
                })
                .and_then(from_unix_seconds)
                .ok_or_else(|| n.to_string())
            }
            other => Err(other.to_string()),
        };
        match parsed {
            Ok(t) => Some(t),
            Err(shown) => {
                let shown: String = shown.chars().take(80).collect();
                self.out.push(Event::warning(
                    self.origin,
                    format!("unparseable \"{name}\" date {shown:?}, ignored"),
                ));
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Vec<Event> {
        let mut out = Vec::new();
        parse_line(line, "f.jsonl:3", &mut out);
        out
    }

    fn article(line: &str) -> Article {
        let events = parse(line);
        let articles: Vec<Article> = events
            .into_iter()
            .filter_map(|e| match e {
                Event::Article(a) => Some(*a),
                _ => None,
            })
            .collect();
        assert_eq!(articles.len(), 1, "{line}");
        articles.into_iter().next().unwrap()
    }

    /// The messages of the non-article events.
    fn problems(line: &str) -> Vec<String> {
        parse(line)
            .into_iter()
            .filter_map(|e| match e {
                Event::Warning { origin, message } => Some(format!("warning {origin}: {message}")),
                Event::Error { origin, message } => Some(format!("error {origin}: {message}")),
                Event::Article(_) => None,
            })
            .collect()
    }

    #[test]
    fn fields() {
        let a = article(
            r#"{"id":"a1","text":"Body.","title":"T","url":"http://x","published":"2016-09-12","outlet":"O","extra":[1,2]}"#,
        );
        assert_eq!(
            (a.id.as_str(), a.text.as_str(), a.origin.as_str()),
            ("a1", "Body.", "f.jsonl:3")
        );
        assert_eq!(a.meta.headline.as_deref(), Some("T"));
        assert_eq!(a.meta.url.as_deref(), Some("http://x"));
        assert_eq!(a.meta.published.unwrap().to_string(), "2016-09-12");
        assert_eq!(a.meta.outlet.as_deref(), Some("O"));
    }

    #[test]
    fn polnear_fallback_names() {
        let a = article(
            r#"{"id":"p","text":"Body.","headline":"H","date":"2015-11-11","publisher":"breitbart","author":"Virgil"}"#,
        );
        assert_eq!(a.meta.headline.as_deref(), Some("H"));
        assert_eq!(a.meta.published.unwrap().to_string(), "2015-11-11");
        assert_eq!(a.meta.outlet.as_deref(), Some("breitbart"));
        assert_eq!(a.meta.byline.as_deref(), Some("Virgil"));
        let a = article(r#"{"text":"Body.","title":"T","headline":"H","byline":"B","author":"A"}"#);
        assert_eq!(a.meta.headline.as_deref(), Some("T"));
        assert_eq!(a.meta.byline.as_deref(), Some("B"));
        let a = article(r#"{"text":"Body.","author":"None","publisher":""}"#);
        assert_eq!((a.meta.byline, a.meta.outlet), (None, None));
    }

    #[test]
    fn ids() {
        assert_eq!(article(r#"{"id":42,"text":"x"}"#).id, "42");
        assert_eq!(article(r#"{"id":"007","text":"x"}"#).id, "007");
        let hashed = article(r#"{"text":"same text"}"#).id;
        assert_eq!(hashed.len(), 16);
        assert!(hashed.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(article(r#"{"text":"same text","id":null}"#).id, hashed);
        assert_ne!(article(r#"{"text":"other text"}"#).id, hashed);
        assert_eq!(
            problems(r#"{"id":[1],"text":"x"}"#),
            ["warning f.jsonl:3: \"id\" is neither a string nor a number, using a hash of the text"]
        );
    }

    #[test]
    fn published_forms() {
        let c = |v: &str| {
            article(&format!(r#"{{"text":"x","published":{v}}}"#))
                .meta
                .published
                .map(|t| t.to_string())
        };
        assert_eq!(
            c(r#""2016-09-12T10:00:00Z""#).as_deref(),
            Some("2016-09-12T10:00:00+00:00")
        );
        assert_eq!(
            c(r#""2016-09-12T10:00:00-04:00""#).as_deref(),
            Some("2016-09-12T10:00:00-04:00")
        );
        assert_eq!(
            c(r#""2016-09-12 10:00:00""#).as_deref(),
            Some("2016-09-12T10:00:00")
        );
        assert_eq!(c(r#""Sep 12, 2016""#).as_deref(), Some("2016-09-12"));
        assert_eq!(
            c("1473674400").as_deref(),
            Some("2016-09-12T10:00:00+00:00")
        );
        assert_eq!(
            c("1473674400000").as_deref(),
            Some("2016-09-12T10:00:00+00:00")
        );
        assert_eq!(c(r#""soon""#), None);
        assert_eq!(c("null"), None);
        assert_eq!(
            problems(r#"{"text":"x","published":"soon"}"#),
            ["warning f.jsonl:3: unparseable \"published\" date \"soon\", ignored"]
        );
        // An unparseable `published` falls back to `date`.
        let a = article(r#"{"text":"x","published":"soon","date":"2016-01-02"}"#);
        assert_eq!(a.meta.published.unwrap().to_string(), "2016-01-02");
    }

    #[test]
    fn bad_lines() {
        let c = |line: &str, expected: &str| assert_eq!(problems(line), [expected], "{line}");
        c(
            r#"{"id":"x""#,
            "error f.jsonl:3: invalid JSON: EOF while parsing an object at line 1 column 9",
        );
        c(r#"{"id":"x"}"#, "error f.jsonl:3: missing \"text\"");
        c(r#"{"text":null}"#, "error f.jsonl:3: missing \"text\"");
        c(r#"{"text":5}"#, "error f.jsonl:3: \"text\" is not a string");
        c(
            r#"{"text":"  \n "}"#,
            "warning f.jsonl:3: empty, no article",
        );
        c(
            r#"[1,2]"#,
            "error f.jsonl:3: invalid JSON: expected an object",
        );
        c(
            r#""text""#,
            "error f.jsonl:3: invalid JSON: expected an object",
        );
        c(
            r#"{"text":"x","title":7}"#,
            "warning f.jsonl:3: \"title\" is not a string, ignored",
        );
    }

    #[test]
    fn fields_win_over_the_text() {
        let a = article(r#"{"text":"Found title\n\nWASHINGTON (AP) — The vote.","title":"Given"}"#);
        assert_eq!(a.meta.headline.as_deref(), Some("Given"));
        assert_eq!(a.meta.dateline.unwrap().agency.as_deref(), Some("AP"));
        let a = article(r#"{"text":"Found title\n\nThe vote."}"#);
        assert_eq!(a.meta.headline.as_deref(), Some("Found title"));
    }
}
