//! WARC crawls (`.warc`, `.warc.gz`): one HTML page per `response` record, streamed record by
//! record in constant memory.
//!
//! - A record is a `WARC/1.x` line, header fields up to a blank line, and a block of
//!   `Content-Length` bytes. Records other than HTTP responses with an HTML body (`warcinfo`,
//!   `request`, `metadata`, images, redirects, ...) are skipped without being held in memory,
//!   and counted: one warning per file says how many of each kind.
//! - An HTTP response body is de-chunked (`Transfer-Encoding: chunked`) and decompressed
//!   (`Content-Encoding: gzip`/`deflate`); its charset (from `Content-Type`) is passed on.
//! - A corrupt record (no `WARC/` line, a bad header, a missing `Content-Length`) is an error;
//!   reading resumes at the next line that starts a record. A record cut short ends the file
//!   with an error. A page larger than [`MAX_PAGE_BYTES`] is an error, skipped.
//! - The page's id is its `WARC-Record-ID` (without `<urn:uuid:` and `>`), its URL the
//!   `WARC-Target-URI`, its origin `path#N` for the N-th record.

use super::decompress::Stream;
use super::html::{HtmlPage, MAX_PAGE_BYTES};
use super::read::{html_item, Event, Item, Limits};
use super::screen::Screen;
use std::collections::{BTreeMap, VecDeque};
use std::io::{self, BufRead, Read};

/// A header line longer than this is corrupt.
const MAX_LINE: usize = 64 * 1024;
/// More header fields than this is corrupt.
const MAX_FIELDS: usize = 512;

/// Whether a (decompressed) input starts like a WARC file.
pub(crate) fn looks_like_warc(prefix: &[u8]) -> bool {
    let p = prefix.strip_prefix(b"\xef\xbb\xbf").unwrap_or(prefix);
    let start = p
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(p.len());
    p[start..].starts_with(b"WARC/")
}

/// The records of one WARC input still to be read.
pub(crate) struct WarcSource {
    stream: Stream,
    origin: String,
    record_no: usize,
    /// A record's first line found while resynchronising.
    version_line: Option<Vec<u8>>,
    skipped: BTreeMap<String, usize>,
    limits: Limits,
    screen: Screen,
}

impl WarcSource {
    pub(crate) fn new(
        stream: Stream,
        origin: String,
        limits: Limits,
        screen: Screen,
    ) -> WarcSource {
        WarcSource {
            stream,
            origin,
            record_no: 0,
            version_line: None,
            skipped: BTreeMap::new(),
            limits,
            screen,
        }
    }

    /// Reads one record and pushes its items; false at the end of the input.
    pub(crate) fn step(&mut self, out: &mut VecDeque<Item>) -> bool {
        match self.record(out) {
            Ok(true) => true,
            Ok(false) => {
                self.finish(out);
                false
            }
            Err(e) => {
                let origin = self.record_origin();
                out.push_back(Item::Ready(Event::error(&origin, e.to_string())));
                self.finish(out);
                false
            }
        }
    }

    fn record_origin(&self) -> String {
        format!("{}#{}", self.origin, self.record_no.max(1))
    }

    fn finish(&mut self, out: &mut VecDeque<Item>) {
        let total: usize = self.skipped.values().sum();
        if total > 0 {
            let kinds: Vec<String> = self
                .skipped
                .iter()
                .map(|(k, n)| format!("{n} {k}"))
                .collect();
            let message = format!(
                "{total} WARC record(s) skipped, not HTML pages: {}",
                kinds.join(", ")
            );
            out.push_back(Item::Ready(Event::warning(&self.origin, message)));
        }
        self.skipped.clear();
    }

    fn skip(&mut self, kind: &str) {
        *self.skipped.entry(kind.to_string()).or_insert(0) += 1;
    }

    /// Ok(false) at a clean end of input; Err for a read error or a record cut short.
    fn record(&mut self, out: &mut VecDeque<Item>) -> io::Result<bool> {
        let first = match self.version_line.take() {
            Some(line) => line,
            None => loop {
                match read_line(&mut self.stream)? {
                    None => return Ok(false),
                    Some(l) if l.iter().all(u8::is_ascii_whitespace) => continue,
                    Some(l) => break l,
                }
            },
        };
        self.record_no += 1;
        let origin = self.record_origin();
        if !first.starts_with(b"WARC/") {
            out.push_back(Item::Ready(Event::error(
                &origin,
                "corrupt WARC record: no WARC/ version line; skipped to the next record",
            )));
            return self.resync();
        }
        let fields = match read_fields(&mut self.stream)? {
            Ok(f) => f,
            Err(message) => {
                out.push_back(Item::Ready(Event::error(
                    &origin,
                    format!("corrupt WARC record: {message}; skipped to the next record"),
                )));
                return self.resync();
            }
        };
        let get = |name: &str| -> Option<&str> {
            fields
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        let Some(length) = get("Content-Length").and_then(|v| v.trim().parse::<u64>().ok()) else {
            out.push_back(Item::Ready(Event::error(
                &origin,
                "corrupt WARC record: no valid Content-Length; skipped to the next record",
            )));
            return self.resync();
        };
        let kind = get("WARC-Type")
            .unwrap_or("untyped")
            .trim()
            .to_ascii_lowercase();
        let content_type = get("Content-Type").unwrap_or("").to_ascii_lowercase();
        let is_http_response = kind == "response" && content_type.starts_with("application/http");
        if !is_http_response {
            self.skip_block(length)?;
            self.skip(&kind);
            return Ok(true);
        }
        let url = get("WARC-Target-URI").map(|u| u.trim().trim_matches(['<', '>']).to_string());
        let id = get("WARC-Record-ID").map(record_id);
        // The HTTP head is small; the body is bounded by MAX_PAGE_BYTES.
        let limit = MAX_PAGE_BYTES as u64 + 64 * 1024;
        if length > limit {
            self.skip_block(length)?;
            let shown = url.as_deref().unwrap_or("");
            out.push_back(Item::Ready(Event::error(
                &origin,
                format!(
                    "page too large ({:.1} MB, at most {} MB are read), skipped {shown}",
                    length as f64 / 1e6,
                    MAX_PAGE_BYTES >> 20
                ),
            )));
            return Ok(true);
        }
        let mut block = Vec::with_capacity(length as usize);
        (&mut self.stream).take(length).read_to_end(&mut block)?;
        // A length that runs past the record (into the next ones, or past the end of the
        // file): the record is skipped, and reading resumes at the next record inside the
        // block, so one lying length loses one record.
        if let Some(next) = next_record_start(&block) {
            let rest = block.split_off(next);
            let stream = std::mem::replace(&mut self.stream, Box::new(io::empty()));
            self.stream = Box::new(io::Cursor::new(rest).chain(stream));
            out.push_back(Item::Ready(Event::error(
                &origin,
                "corrupt WARC record: its Content-Length runs into the next record; skipped",
            )));
            return Ok(true);
        }
        if (block.len() as u64) < length {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "WARC record cut short (truncated file?)",
            ));
        }
        // A length that stops inside the record: what follows is not a record's first line.
        if !self.next_is_record()? {
            out.push_back(Item::Ready(Event::error(
                &origin,
                "corrupt WARC record: its Content-Length ends inside the record; skipped to \
                 the next record",
            )));
            return self.resync();
        }
        match http_html_body(&block) {
            Ok(Some((body, charset))) => {
                let page = HtmlPage {
                    bytes: body,
                    origin,
                    id,
                    url,
                    charset,
                    max_text_bytes: None,
                    screen: Screen::default(),
                };
                out.push_back(html_item(page, &self.limits, self.screen));
            }
            Ok(None) => self.skip("non-HTML response"),
            Err(HttpSkip::Status) => self.skip("non-200 response"),
            Err(HttpSkip::Corrupt(message)) => {
                out.push_back(Item::Ready(Event::error(
                    &origin,
                    format!("corrupt HTTP response in WARC record: {message}"),
                )));
            }
        }
        Ok(true)
    }

    fn skip_block(&mut self, length: u64) -> io::Result<()> {
        let copied = io::copy(&mut (&mut self.stream).take(length), &mut io::sink())?;
        if copied < length {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "WARC record cut short (truncated file?)",
            ));
        }
        Ok(())
    }

    /// Whether the input, past blank lines, is at its end or at a record's first line (which
    /// is then kept for [`WarcSource::record`]).
    fn next_is_record(&mut self) -> io::Result<bool> {
        loop {
            match read_line(&mut self.stream)? {
                None => return Ok(true),
                Some(l) if l.iter().all(u8::is_ascii_whitespace) => continue,
                Some(l) => {
                    let is_record = l.starts_with(b"WARC/");
                    if is_record {
                        self.version_line = Some(l);
                    }
                    return Ok(is_record);
                }
            }
        }
    }

    /// Skips lines up to the next one that starts a record.
    fn resync(&mut self) -> io::Result<bool> {
        loop {
            match read_line(&mut self.stream)? {
                None => return Ok(false),
                Some(l) if l.starts_with(b"WARC/1.") || l.starts_with(b"WARC/0.") => {
                    self.version_line = Some(l);
                    return Ok(true);
                }
                Some(_) => {}
            }
        }
    }
}

/// Where a record starts inside `block`: a `WARC/1.` line after a blank line. A block
/// holding one is a length that ran past its record.
fn next_record_start(block: &[u8]) -> Option<usize> {
    const MARK: &[u8] = b"\nWARC/1.";
    let mut from = 0;
    while let Some(k) = find(&block[from..], MARK) {
        let at = from + k;
        let before = &block[..at];
        if before.ends_with(b"\n") || before.ends_with(b"\n\r") {
            return Some(at + 1);
        }
        from = at + 1;
    }
    None
}

/// `<urn:uuid:0f0e...>` → `0f0e...`.
fn record_id(v: &str) -> String {
    let v = v.trim().trim_start_matches('<').trim_end_matches('>');
    v.strip_prefix("urn:uuid:").unwrap_or(v).to_string()
}

/// One line without its line ending, at most MAX_LINE bytes (a longer line is cut there);
/// None at the end of input.
fn read_line(stream: &mut Stream) -> io::Result<Option<Vec<u8>>> {
    let mut line = Vec::new();
    let n = stream
        .by_ref()
        .take(MAX_LINE as u64)
        .read_until(b'\n', &mut line)?;
    if n == 0 {
        return Ok(None);
    }
    while line.last().is_some_and(|&b| b == b'\n' || b == b'\r') {
        line.pop();
    }
    Ok(Some(line))
}

/// Header fields up to a blank line. The outer error is a read error, the inner one a
/// corrupt header.
type Fields = Vec<(String, String)>;

fn read_fields(stream: &mut Stream) -> io::Result<Result<Fields, String>> {
    let mut fields: Fields = Vec::new();
    loop {
        let Some(line) = read_line(stream)? else {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "WARC record header cut short (truncated file?)",
            ));
        };
        if line.is_empty() {
            return Ok(Ok(fields));
        }
        let line = String::from_utf8_lossy(&line);
        if line.starts_with([' ', '\t']) {
            match fields.last_mut() {
                Some((_, v)) => {
                    v.push(' ');
                    v.push_str(line.trim());
                }
                None => return Ok(Err("a continuation line before any field".into())),
            }
            continue;
        }
        let Some((name, value)) = line.split_once(':') else {
            return Ok(Err(format!("a header line without a colon: {:.60}", line)));
        };
        if fields.len() >= MAX_FIELDS {
            return Ok(Err("too many header fields".into()));
        }
        fields.push((name.trim().to_string(), value.trim().to_string()));
    }
}

/// An HTML body and its declared charset.
type Body = (Vec<u8>, Option<String>);

enum HttpSkip {
    Status,
    Corrupt(String),
}

/// The HTML body of an HTTP response and its declared charset; None when the response is not
/// HTML.
fn http_html_body(block: &[u8]) -> Result<Option<Body>, HttpSkip> {
    let (head_end, body_start) = match find(block, b"\r\n\r\n") {
        Some(i) => (i, i + 4),
        None => match find(block, b"\n\n") {
            Some(i) => (i, i + 2),
            None => return Err(HttpSkip::Corrupt("no end of the HTTP header".into())),
        },
    };
    let head = String::from_utf8_lossy(&block[..head_end]);
    let mut lines = head.lines();
    let status_line = lines.next().unwrap_or("");
    if !status_line.starts_with("HTTP/") {
        return Err(HttpSkip::Corrupt(format!(
            "not an HTTP status line: {status_line:.60}"
        )));
    }
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| HttpSkip::Corrupt(format!("no status code: {status_line:.60}")))?;
    if !(200..300).contains(&status) {
        return Err(HttpSkip::Status);
    }
    let mut content_type = None;
    let mut chunked = false;
    let mut encoding = None;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let (name, value) = (name.trim(), value.trim().to_ascii_lowercase());
        if name.eq_ignore_ascii_case("content-type") {
            content_type = Some(value);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            chunked = value.contains("chunked");
        } else if name.eq_ignore_ascii_case("content-encoding") {
            encoding = Some(value);
        }
    }
    let mut body = block[body_start..].to_vec();
    if chunked {
        body = dechunk(&body).map_err(HttpSkip::Corrupt)?;
    }
    match encoding.as_deref() {
        None | Some("identity") | Some("") => {}
        Some("gzip") | Some("x-gzip") => {
            body = inflate(flate2::read::MultiGzDecoder::new(body.as_slice()))?;
        }
        Some("deflate") => {
            body = inflate(flate2::read::ZlibDecoder::new(body.as_slice()))?;
        }
        Some(other) => {
            return Err(HttpSkip::Corrupt(format!(
                "unsupported Content-Encoding {other}"
            )))
        }
    }
    let charset = content_type.as_deref().and_then(charset_param);
    let is_html = match content_type.as_deref() {
        Some(t) => t.contains("html"),
        None => super::html::looks_like_html(&body),
    };
    Ok(is_html.then_some((body, charset)))
}

fn inflate(reader: impl Read) -> Result<Vec<u8>, HttpSkip> {
    let mut out = Vec::new();
    reader
        .take(MAX_PAGE_BYTES as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| HttpSkip::Corrupt(format!("bad compressed body: {e}")))?;
    if out.len() > MAX_PAGE_BYTES {
        return Err(HttpSkip::Corrupt("decompressed page too large".into()));
    }
    Ok(out)
}

/// `text/html; charset=ISO-8859-1` → `iso-8859-1`.
pub(crate) fn charset_param(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches(['"', '\'']).to_ascii_lowercase())
            .filter(|v| !v.is_empty())
    })
}

/// Decodes `Transfer-Encoding: chunked`.
fn dechunk(mut data: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(data.len());
    loop {
        let eol = find(data, b"\n").ok_or("chunk size line missing")?;
        let size_line = String::from_utf8_lossy(&data[..eol]);
        let size_hex = size_line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_hex, 16)
            .map_err(|_| format!("bad chunk size {size_hex:.20}"))?;
        data = &data[eol + 1..];
        if size == 0 {
            return Ok(out);
        }
        if size > data.len() {
            // A chunk cut short: keep what there is.
            out.extend_from_slice(data);
            return Ok(out);
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size..];
        data = data
            .strip_prefix(b"\r\n")
            .or(data.strip_prefix(b"\n"))
            .unwrap_or(data);
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn record(kind: &str, content_type: &str, block: &[u8]) -> Vec<u8> {
        let mut r = format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:id-{kind}>\r\n\
             WARC-Target-URI: http://example.com/{kind}\r\nContent-Type: {content_type}\r\n\
             Content-Length: {}\r\n\r\n",
            block.len()
        )
        .into_bytes();
        r.extend_from_slice(block);
        r.extend_from_slice(b"\r\n\r\n");
        r
    }

    fn http(headers: &str, body: &[u8]) -> Vec<u8> {
        let mut r = format!("HTTP/1.1 200 OK\r\n{headers}\r\n").into_bytes();
        r.extend_from_slice(body);
        r
    }

    /// (pages as (id, url, body, charset), error and warning messages)
    type Summary = (Vec<(String, String, String, Option<String>)>, Vec<String>);

    fn read_all(bytes: Vec<u8>) -> Summary {
        let mut src = WarcSource::new(
            Box::new(Cursor::new(bytes)),
            "x.warc".into(),
            Limits::default(),
            Screen::default(),
        );
        let mut out = VecDeque::new();
        while src.step(&mut out) {}
        let mut pages = Vec::new();
        let mut messages = Vec::new();
        for item in out {
            match item {
                Item::Html(p) => pages.push((
                    p.id.unwrap_or_default(),
                    p.url.unwrap_or_default(),
                    String::from_utf8_lossy(&p.bytes).into_owned(),
                    p.charset,
                )),
                Item::Ready(Event::Error { origin, message }) => {
                    messages.push(format!("error {origin}: {message}"))
                }
                Item::Ready(Event::Warning { origin, message }) => {
                    messages.push(format!("warning {origin}: {message}"))
                }
                Item::Ready(Event::Skipped { origin, reason }) => {
                    messages.push(format!("skipped {origin}: {reason}"))
                }
                Item::Ready(Event::Article(_)) => messages.push("article".into()),
                Item::Record(_) => messages.push("record".into()),
            }
        }
        (pages, messages)
    }

    const RESP: &str = "application/http; msgtype=response";

    #[test]
    fn response_records_become_pages() {
        let mut w = record("warcinfo", "application/warc-fields", b"software: x\r\n");
        w.extend(record(
            "request",
            "application/http; msgtype=request",
            b"GET / HTTP/1.1\r\n\r\n",
        ));
        w.extend(record(
            "response",
            RESP,
            &http(
                "Content-Type: text/html; charset=ISO-8859-1\r\n",
                b"<p>caf\xe9</p>",
            ),
        ));
        let (pages, messages) = read_all(w);
        assert_eq!(
            pages,
            [(
                "id-response".to_string(),
                "http://example.com/response".to_string(),
                "<p>caf\u{fffd}</p>".to_string(),
                Some("iso-8859-1".to_string())
            )]
        );
        assert_eq!(
            messages,
            ["warning x.warc: 2 WARC record(s) skipped, not HTML pages: 1 request, 1 warcinfo"]
        );
    }

    #[test]
    fn non_html_and_failed_responses_are_counted() {
        let mut w = record(
            "response",
            RESP,
            &http("Content-Type: image/png\r\n", b"\x89PNG"),
        );
        w.extend(record(
            "response",
            RESP,
            b"HTTP/1.1 404 Not Found\r\n\r\nnope",
        ));
        w.extend(record(
            "response",
            RESP,
            &http("", b"<!DOCTYPE html><p>x</p>"),
        ));
        let (pages, messages) = read_all(w);
        assert_eq!(pages.len(), 1);
        assert_eq!(
            messages,
            ["warning x.warc: 2 WARC record(s) skipped, not HTML pages: 1 non-200 response, 1 non-HTML response"]
        );
    }

    #[test]
    fn chunked_and_gzipped_bodies() {
        let body = http(
            "Content-Type: text/html\r\nTransfer-Encoding: chunked\r\n",
            b"4\r\n<p>a\r\n5\r\nbc</p\r\n1\r\n>\r\n0\r\n\r\n",
        );
        let (pages, _) = read_all(record("response", RESP, &body));
        assert_eq!(pages[0].2, "<p>abc</p>");
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut enc, b"<p>zipped</p>").unwrap();
        let gz = enc.finish().unwrap();
        let body = http("Content-Type: text/html\r\nContent-Encoding: gzip\r\n", &gz);
        let (pages, _) = read_all(record("response", RESP, &body));
        assert_eq!(pages[0].2, "<p>zipped</p>");
    }

    #[test]
    fn a_corrupt_record_is_reported_and_reading_resumes() {
        let good = record(
            "response",
            RESP,
            &http("Content-Type: text/html\r\n", b"<p>ok</p>"),
        );
        let mut w = good.clone();
        w.extend(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: lots\r\n\r\ngarbage\r\n");
        w.extend(b"random junk\r\nmore junk\r\n");
        w.extend(good.clone());
        w.extend(b"WARC/1.0\r\nno colon here\r\n\r\n");
        w.extend(good);
        let (pages, messages) = read_all(w);
        assert_eq!(pages.len(), 3);
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(
            messages[0].starts_with("error x.warc#2: corrupt WARC record: no valid Content-Length")
        );
        assert!(
            messages[1].contains("a header line without a colon"),
            "{messages:?}"
        );
    }

    /// A response record of `body` whose Content-Length is off by `delta` bytes.
    fn lying(body: &[u8], delta: i64) -> Vec<u8> {
        let good = record("response", RESP, &http("Content-Type: text/html\r\n", body));
        let text = String::from_utf8(good).unwrap();
        let (head, rest) = text.split_once("Content-Length: ").unwrap();
        let (n, rest) = rest.split_once("\r\n").unwrap();
        let n = n.parse::<i64>().unwrap() + delta;
        format!("{head}Content-Length: {n}\r\n{rest}").into_bytes()
    }

    fn bodies(pages: &[(String, String, String, Option<String>)]) -> Vec<String> {
        pages
            .iter()
            .map(|p| p.2.rsplit("\r\n").next().unwrap().to_string())
            .collect()
    }

    #[test]
    fn a_lying_length_loses_only_its_record() {
        let page = |k: usize| format!("<p>page {k}</p>").into_bytes();
        for (delta, expected) in [
            (
                40,
                "error x.warc#2: corrupt WARC record: its Content-Length runs into the next \
                 record; skipped",
            ),
            (
                -5,
                "error x.warc#2: corrupt WARC record: its Content-Length ends inside the \
                 record; skipped to the next record",
            ),
        ] {
            let good = |k| {
                record(
                    "response",
                    RESP,
                    &http("Content-Type: text/html\r\n", &page(k)),
                )
            };
            let mut w = good(1);
            w.extend(lying(&page(2), delta));
            w.extend(good(3));
            w.extend(good(4));
            let (pages, messages) = read_all(w);
            assert_eq!(
                bodies(&pages),
                ["<p>page 1</p>", "<p>page 3</p>", "<p>page 4</p>"]
            );
            assert_eq!(messages, [expected], "delta {delta}");
        }
        // Past the end of the file: the records before it are kept, the error names it.
        let mut w = record(
            "response",
            RESP,
            &http("Content-Type: text/html\r\n", &page(1)),
        );
        w.extend(lying(&page(2), 1000));
        let (pages, messages) = read_all(w);
        assert_eq!(bodies(&pages), ["<p>page 1</p>"]);
        assert_eq!(
            messages,
            ["error x.warc#2: WARC record cut short (truncated file?)"]
        );
        // A length past the end of the file, with records after it: they are read.
        let mut w = lying(&page(1), 100_000);
        w.extend(record(
            "response",
            RESP,
            &http("Content-Type: text/html\r\n", &page(2)),
        ));
        let (pages, messages) = read_all(w);
        assert_eq!(bodies(&pages), ["<p>page 2</p>"]);
        assert_eq!(
            messages,
            ["error x.warc#1: corrupt WARC record: its Content-Length runs into the next record; skipped"]
        );
    }

    #[test]
    fn a_truncated_record_ends_the_file_with_an_error() {
        let good = record(
            "response",
            RESP,
            &http("Content-Type: text/html\r\n", b"<p>ok</p>"),
        );
        let mut w = good.clone();
        w.extend(&good[..good.len() - 10]);
        let (pages, messages) = read_all(w);
        assert_eq!(pages.len(), 1);
        assert_eq!(
            messages,
            ["error x.warc#2: WARC record cut short (truncated file?)"]
        );
        // A huge declared length is not allocated.
        let w = b"WARC/1.0\r\nWARC-Type: response\r\nContent-Type: application/http\r\nContent-Length: 99999999999999\r\n\r\nx".to_vec();
        let (pages, messages) = read_all(w);
        assert!(pages.is_empty());
        assert_eq!(
            messages,
            ["error x.warc#1: WARC record cut short (truncated file?)"]
        );
    }

    #[test]
    fn helpers() {
        assert!(looks_like_warc(b"WARC/1.1\r\n"));
        assert!(looks_like_warc(b"\r\nWARC/1.0\r\n"));
        assert!(!looks_like_warc(b"<html>"));
        assert_eq!(record_id(" <urn:uuid:abc-1> "), "abc-1");
        assert_eq!(
            charset_param("text/html; Charset=\"UTF-8\"").as_deref(),
            Some("utf-8")
        );
        assert_eq!(charset_param("text/html"), None);
        assert_eq!(dechunk(b"3\r\nabc\r\n0\r\n\r\n").unwrap(), b"abc");
        assert!(dechunk(b"zz\r\n").is_err());
    }
}
