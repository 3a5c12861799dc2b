//! One JSONL line → one article.
//!
//! Fields: `text` (required, a string), `id` (a string, or a number kept exactly as written;
//! else a hash of the text), `title`, `url`, `published`, `outlet`, and PolNeAR's
//! names as fallbacks: `headline` for title, `date` for published, `publisher` for outlet,
//! `byline` then `author` for the byline. Other fields are ignored. String values that are
//! placeholders (`""`, `None`, `null`, `NA`, `N/A`) count as missing. A `published` number is
//! Unix time (seconds; milliseconds when above 10^11); a date outside the years 1 to 9999 is
//! ignored with a warning. Fields are parsed one by one: a bad value (a number out of range,
//! an unpaired surrogate escape, a duplicate key) is a warning on that field and the article
//! is kept; an unpaired surrogate in `text` becomes U+FFFD.

use super::dates::{from_unix_seconds, parse_timestamp};
use super::read::{text_id, Event};
use crate::article::{Article, Meta, Timestamp};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

/// The fields this reader knows, each as the JSON value found (parsed one by one, so that a
/// bad value is a warning on its field, not a lost article).
#[derive(Default)]
struct Record {
    id: Option<Value>,
    /// The id exactly as written when it is a number (`12345678901234567890123` would lose
    /// digits as a float).
    id_number: Option<String>,
    text: Option<Value>,
    title: Option<Value>,
    headline: Option<Value>,
    url: Option<Value>,
    published: Option<Value>,
    date: Option<Value>,
    outlet: Option<Value>,
    publisher: Option<Value>,
    byline: Option<Value>,
    author: Option<Value>,
}

/// An object's members in order, values still unparsed.
struct Members(Vec<(String, Box<RawValue>)>);

impl<'de> Deserialize<'de> for Members {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Members, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Members;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Members, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry::<String, Box<RawValue>>()? {
                    out.push(entry);
                }
                Ok(Members(out))
            }
        }
        d.deserialize_map(Visit)
    }
}

/// Reads the known members of an object; problems with one member are warnings in `out`.
fn read_record(members: Members, origin: &str, out: &mut Vec<Event>) -> Record {
    let mut r = Record::default();
    let mut seen: Vec<&'static str> = Vec::new();
    for (key, raw) in members.0 {
        let slot = match key.as_str() {
            "id" => &mut r.id,
            "text" => &mut r.text,
            "title" => &mut r.title,
            "headline" => &mut r.headline,
            "url" => &mut r.url,
            "published" => &mut r.published,
            "date" => &mut r.date,
            "outlet" => &mut r.outlet,
            "publisher" => &mut r.publisher,
            "byline" => &mut r.byline,
            "author" => &mut r.author,
            _ => continue,
        };
        let name: &'static str = FIELDS.iter().find(|f| **f == key).copied().unwrap_or("");
        if seen.contains(&name) {
            out.push(Event::warning(
                origin,
                format!("duplicate \"{name}\", the last one kept"),
            ));
        }
        seen.push(name);
        let value = match serde_json::from_str::<Value>(raw.get()) {
            Ok(v) => v,
            Err(e) if name == "text" => match repair_surrogates(raw.get()) {
                Some(v) => {
                    out.push(Event::warning(
                        origin,
                        "\"text\" holds an unpaired surrogate escape, replaced with U+FFFD",
                    ));
                    v
                }
                None => {
                    let e = without_position(&e);
                    out.push(Event::error(origin, format!("invalid \"text\": {e}")));
                    Value::Bool(false)
                }
            },
            Err(e) => {
                let e = without_position(&e);
                out.push(Event::warning(
                    origin,
                    format!("invalid \"{name}\" ({e}), ignored"),
                ));
                continue;
            }
        };
        if name == "id" {
            r.id_number = matches!(value, Value::Number(_)).then(|| raw.get().trim().to_string());
        }
        *slot = Some(value);
    }
    r
}

/// A value's parse error without its position (which counts within the value, not the line).
fn without_position(e: &serde_json::Error) -> String {
    let shown = e.to_string();
    match shown.rfind(" at line ") {
        Some(i) => shown[..i].to_string(),
        None => shown,
    }
}

const FIELDS: [&str; 11] = [
    "id",
    "text",
    "title",
    "headline",
    "url",
    "published",
    "date",
    "outlet",
    "publisher",
    "byline",
    "author",
];

/// A JSON string whose unpaired `\\uD800`-`\\uDFFF` escapes are replaced with `\\uFFFD`, parsed;
/// `None` when it is still not a valid string.
fn repair_surrogates(raw: &str) -> Option<Value> {
    let b = raw.as_bytes();
    let hex_at = |i: usize| -> Option<u32> {
        let h = raw.get(i..i + 4)?;
        u32::from_str_radix(h, 16).ok()
    };
    let mut fixed = String::with_capacity(raw.len());
    let mut i = 0;
    let mut copied = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        if b.get(i + 1) != Some(&b'u') {
            i += 2;
            continue;
        }
        let Some(u) = hex_at(i + 2) else {
            i += 2;
            continue;
        };
        let high = (0xD800..0xDC00).contains(&u);
        let low_follows = b.get(i + 6) == Some(&b'\\')
            && b.get(i + 7) == Some(&b'u')
            && hex_at(i + 8).is_some_and(|l| (0xDC00..0xE000).contains(&l));
        if high && low_follows {
            i += 12;
        } else if (0xD800..0xE000).contains(&u) {
            fixed.push_str(&raw[copied..i]);
            fixed.push_str("\\uFFFD");
            i += 6;
            copied = i;
        } else {
            i += 6;
        }
    }
    fixed.push_str(&raw[copied..]);
    serde_json::from_str::<Value>(&fixed)
        .ok()
        .filter(Value::is_string)
}

/// Parses one non-blank line; pushes the article or the problems to `out`.
pub(crate) fn parse_line(line: &str, origin: &str, out: &mut Vec<Event>) {
    // serde would also read a struct from an array: `[id, text, ...]`.
    if !line.trim_start().starts_with('{') {
        out.push(Event::error(origin, "invalid JSON: expected an object"));
        return;
    }
    let members: Members = match serde_json::from_str(line) {
        Ok(r) => r,
        Err(e) => {
            out.push(Event::error(origin, format!("invalid JSON: {e}")));
            return;
        }
    };
    let n_before = out.len();
    let record = read_record(members, origin, out);
    if out[n_before..]
        .iter()
        .any(|e| matches!(e, Event::Error { .. }))
    {
        return;
    }
    let text = match record.text {
        Some(Value::String(s)) => s,
        None | Some(Value::Null) => {
            out.push(Event::error(origin, "missing \"text\""));
            return;
        }
        Some(_) => {
            out.push(Event::error(origin, "\"text\" is not a string"));
            return;
        }
    };
    if text.trim().is_empty() {
        out.push(Event::warning(origin, "empty, no article"));
        return;
    }
    let id = match record.id {
        Some(Value::String(s)) if !s.is_empty() => s,
        Some(Value::Number(n)) => record.id_number.unwrap_or_else(|| n.to_string()),
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
            Ok(t) if !(1..=9999).contains(&t.year) => {
                self.out.push(Event::warning(
                    self.origin,
                    format!("\"{name}\" date out of range (year {}), ignored", t.year),
                ));
                None
            }
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
                Event::Skipped { origin, reason } => Some(format!("skipped {origin}: {reason}")),
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
    fn out_of_range_values_are_warnings_on_their_field() {
        let c = |line: &str, expected: &[&str]| {
            assert_eq!(problems(line), expected, "{line}");
            article(line)
        };
        let a = c(
            r#"{"id":"a","text":"x","published":1e400}"#,
            &["warning f.jsonl:3: invalid \"published\" (number out of range), ignored"],
        );
        assert_eq!(a.meta.published, None);
        for secs in [i64::MAX.to_string(), "-62135596801".to_string()] {
            let a = article(&format!(r#"{{"text":"x","published":{secs}}}"#));
            assert_eq!(a.meta.published, None, "{secs}");
        }
        c(
            r#"{"text":"x","published":-62135596801}"#,
            &["warning f.jsonl:3: \"published\" date out of range (year 0), ignored"],
        );
        // Ids keep their exact text; a lone surrogate in the text is replaced, not fatal.
        let a = c(
            r#"{"id":123456789012345678901234567890123456789,"text":"x"}"#,
            &[],
        );
        assert_eq!(a.id, "123456789012345678901234567890123456789");
        let a = c(
            r#"{"text":"a\ud800b \ud83d\ude00 \\ud800 \udc00"}"#,
            &["warning f.jsonl:3: \"text\" holds an unpaired surrogate escape, replaced with U+FFFD"],
        );
        assert_eq!(a.text, "a\u{FFFD}b \u{1F600} \\ud800 \u{FFFD}");
        let a = c(
            r#"{"id":"a","text":"first","text":"second"}"#,
            &["warning f.jsonl:3: duplicate \"text\", the last one kept"],
        );
        assert_eq!(a.text, "second");
        let a = c(
            r#"{"id":"a","text":"x","title":"\ud800"}"#,
            &["warning f.jsonl:3: invalid \"title\" (unexpected end of hex escape), ignored"],
        );
        assert_eq!(a.meta.headline, None);
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
