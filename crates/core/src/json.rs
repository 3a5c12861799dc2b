//! The one JSON writer of the project: serde_json's, except that U+2028 and U+2029 inside
//! strings are written as `\u2028` and `\u2029`. Both forms are valid JSON for the same
//! value, but raw, these two characters end a line in JavaScript (before ES2019) and in
//! line-oriented readers, which would split one JSONL record in two. Every JSON the CLI
//! prints, the server answers and the Python package decodes goes through here.
//!
//! ```
//! let line = verbatim_core::json::to_string(&"a\u{2028}b").unwrap();
//! assert_eq!(line, r#""a\u2028b""#);
//! ```

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};
use std::io::{self, Write};

/// Writes `value` as compact JSON to `writer`.
pub fn to_writer<W: Write, T: Serialize + ?Sized>(writer: W, value: &T) -> serde_json::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(writer, Escaping(CompactFormatter));
    value.serialize(&mut ser)
}

/// `value` as compact JSON bytes.
pub fn to_vec<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(128);
    to_writer(&mut out, value)?;
    Ok(out)
}

/// `value` as compact JSON text.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    to_vec(value).map(into_string)
}

/// `value` as indented JSON text (two spaces), for files people read.
pub fn to_string_pretty<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    let mut out = Vec::with_capacity(128);
    let mut ser =
        serde_json::Serializer::with_formatter(&mut out, Escaping(PrettyFormatter::new()));
    value.serialize(&mut ser)?;
    Ok(into_string(out))
}

/// serde_json writes UTF-8 only.
fn into_string(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// A formatter that escapes the two line separators in strings and otherwise does what the
/// inner one does.
struct Escaping<F>(F);

impl<F: Formatter> Formatter for Escaping<F> {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut rest = fragment;
        while let Some(at) = rest.find(['\u{2028}', '\u{2029}']) {
            writer.write_all(&rest.as_bytes()[..at])?;
            let separator = rest[at..].chars().next().unwrap_or('\u{2028}');
            writer.write_all(if separator == '\u{2028}' {
                b"\\u2028"
            } else {
                b"\\u2029"
            })?;
            rest = &rest[at + separator.len_utf8()..];
        }
        writer.write_all(rest.as_bytes())
    }

    // Layout: whatever the inner formatter does.
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn end_object_key<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_key(w)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn check(value: Value, compact: &str) {
        let got = to_string(&value).unwrap();
        assert_eq!(got, compact);
        assert!(!got.contains(['\u{2028}', '\u{2029}']));
        let back: Value = serde_json::from_str(&got).unwrap();
        assert_eq!(back, value, "the same value");
        let pretty = to_string_pretty(&value).unwrap();
        assert!(!pretty.contains(['\u{2028}', '\u{2029}']));
        assert_eq!(serde_json::from_str::<Value>(&pretty).unwrap(), value);
    }

    #[test]
    fn line_separators_are_escaped_everywhere_in_strings() {
        check(json!("plain"), r#""plain""#);
        check(json!("a\u{2028}b"), r#""a\u2028b""#);
        check(json!("\u{2029}"), r#""\u2029""#);
        check(json!("\u{2028}\u{2029}\u{2028}"), r#""\u2028\u2029\u2028""#);
        check(
            json!({"k\u{2028}ey": ["x\u{2029}", "\"q\"\n", "é\u{2028}ü"]}),
            r#"{"k\u2028ey":["x\u2029","\"q\"\n","é\u2028ü"]}"#,
        );
        check(
            json!([1, null, true, {"a": []}]),
            r#"[1,null,true,{"a":[]}]"#,
        );
    }

    #[test]
    fn layout_is_serde_jsons() {
        let value = json!({"a": [1, 2], "b": {"c": "d"}, "e": []});
        assert_eq!(
            to_string(&value).unwrap(),
            serde_json::to_string(&value).unwrap()
        );
        assert_eq!(
            to_string_pretty(&value).unwrap(),
            serde_json::to_string_pretty(&value).unwrap()
        );
    }
}
