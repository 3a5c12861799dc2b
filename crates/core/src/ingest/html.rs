//! HTML pages: charset decoding, main-text extraction and the metadata a page declares.
//!
//! - **Detection** ([`looks_like_html`]): by content, not by file name: a doctype, an `<html>`,
//!   `<head>` or `<body>` tag, or a leading comment or `<meta>`/`<title>` with markup after it.
//! - **Charset** ([`decode`]): a byte-order mark, else the charset the transport declared
//!   (the HTTP `Content-Type` in a WARC), else `<meta charset>` / `<meta http-equiv>` in the
//!   first 4 KiB, else UTF-8 when the bytes are valid UTF-8, else `chardetng`'s guess.
//! - **Main text**: the `trafilatura` crate (a port of trafilatura, F1 0.96 on the
//!   article-extraction benchmark); paragraphs are separated by blank lines. A page with no
//!   main text is an error ("no article text found"), not an empty article.
//! - **Metadata** ([`page_meta`]): from the page itself, first found wins:
//!   - headline: JSON-LD `headline`, `og:title`, `twitter:title`, `<h1>`, `<title>` (a
//!     trailing `| Site` / `- Site` part naming the outlet is cut);
//!   - published: JSON-LD `datePublished`, `article:published_time` and similar meta tags,
//!     `<time datetime>`, a date in the URL; updated: JSON-LD `dateModified`,
//!     `article:modified_time`, `og:updated_time`. Dates keep their time and UTC offset;
//!   - byline: JSON-LD `author`, `meta name=author`, `article:author`, `byl`, `parsely-author`;
//!     cleaned ([`clean_byline`]): no "By ", no URLs, a trailing agency dropped, names joined
//!     as `A, B and C`;
//!   - outlet: `og:site_name`, JSON-LD `publisher`, `application-name`;
//!   - url: `link rel=canonical`, `og:url`, else the URL the page was fetched from.
//!
//!   What trafilatura's own metadata finds fills the fields still empty; then
//!   [`recognize_with`](super::recognize_with) reads wire datelines in the text.
//! - **Id**: the WARC record id, else the file stem, else the hash of the URL, else the hash of
//!   the text.

use super::read::Event;
#[cfg(feature = "html")]
use crate::article::Article;
use crate::article::Meta;

/// Pages larger than this are not read (an error says so).
pub const MAX_PAGE_BYTES: usize = 16 << 20;

/// An HTML page as read, before decoding and extraction (which run on a worker thread).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HtmlPage {
    pub bytes: Vec<u8>,
    /// Where it came from, for messages: the path, or `path#N` for a WARC record.
    pub origin: String,
    /// The article id when the input gives one (WARC record id, file stem).
    pub id: Option<String>,
    /// The URL the page was fetched from (WARC-Target-URI).
    pub url: Option<String>,
    /// The charset the transport declared (HTTP Content-Type), lower case.
    pub charset: Option<String>,
    /// The longest article text kept (the reader sets [`Limits::max_article_bytes`](
    /// super::Limits::max_article_bytes)); a longer one is an error. `None`: no bound.
    pub max_text_bytes: Option<usize>,
    /// What to skip instead of analysing (the reader's [`Screen`](super::Screen)).
    pub screen: super::Screen,
}

impl HtmlPage {
    /// Decodes the page and extracts its article: an [`Event::Article`], or an
    /// [`Event::Error`] when there is no main text.
    pub fn into_event(self) -> Event {
        #[cfg(feature = "html")]
        {
            match self.to_article() {
                Ok(a) if self.max_text_bytes.is_some_and(|max| a.text.len() > max) => {
                    let max = self.max_text_bytes.unwrap_or_default();
                    Event::error(&self.origin, super::read::too_long_message(max))
                }
                Ok(a) => Event::screened(a, &self.screen, false),
                Err(message) => Event::error(&self.origin, message),
            }
        }
        #[cfg(not(feature = "html"))]
        {
            Event::error(
                &self.origin,
                "HTML page skipped: verbatim-core was built without the `html` feature",
            )
        }
    }

    /// The article of the page.
    #[cfg(feature = "html")]
    pub fn to_article(&self) -> Result<Article, String> {
        let (html, _) = decode(&self.bytes, self.charset.as_deref());
        let (text, meta) = extract(&html, self.url.as_deref())?;
        let id = match (&self.id, &meta.url) {
            (Some(id), _) => id.clone(),
            (None, Some(url)) => super::text_id(url),
            (None, None) => super::text_id(&text),
        };
        Ok(Article {
            id,
            text,
            meta,
            origin: self.origin.clone(),
        })
    }
}

/// Whether a (decompressed) input is an HTML page, from its first bytes.
pub fn looks_like_html(prefix: &[u8]) -> bool {
    let p = prefix.strip_prefix(b"\xef\xbb\xbf").unwrap_or(prefix);
    let start = p
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(p.len());
    let head: Vec<u8> = p[start..p.len().min(start + 1024)]
        .iter()
        .map(u8::to_ascii_lowercase)
        .collect();
    if !head.starts_with(b"<") {
        return false;
    }
    if [&b"<!doctype html"[..], b"<html", b"<head", b"<body"]
        .iter()
        .any(|t| head.starts_with(t))
    {
        return true;
    }
    // A comment, an XML declaration, or a bare <meta>/<title> first: look for markup after.
    let window: Vec<u8> = p[start..p.len().min(start + 8192)]
        .iter()
        .map(u8::to_ascii_lowercase)
        .collect();
    let leads = [&b"<!--"[..], b"<?xml", b"<meta", b"<title", b"<!doctype"];
    leads.iter().any(|t| head.starts_with(t))
        && [
            &b"<html"[..],
            b"<body",
            b"<head",
            b"<div",
            b"<p>",
            b"<article",
        ]
        .iter()
        .any(|t| contains(&window, t))
}

/// The deepest element nesting a parser would build for a page, from one linear scan of its
/// tags: a start tag opens an element, an end tag closes one. Void elements (`br`, `img`,
/// ...), self-closing tags and the elements a parser closes by itself at a sibling (`p`,
/// `li`, `td`, `tr`, `option`, ...) add no depth; comments, doctypes and the contents of
/// `script`, `style`, `textarea` and `title` are skipped. Deep markup makes extraction cost
/// time quadratic in the depth, so the reader refuses pages deeper than
/// [`Limits::max_html_depth`](super::Limits::max_html_depth).
pub fn nesting_depth(bytes: &[u8]) -> usize {
    const FLAT: [&[u8]; 28] = [
        b"area",
        b"base",
        b"br",
        b"col",
        b"embed",
        b"hr",
        b"img",
        b"input",
        b"link",
        b"meta",
        b"param",
        b"source",
        b"track",
        b"wbr",
        b"p",
        b"li",
        b"dt",
        b"dd",
        b"tr",
        b"td",
        b"th",
        b"option",
        b"optgroup",
        b"tbody",
        b"thead",
        b"tfoot",
        b"colgroup",
        b"!",
    ];
    const RAW: [&[u8]; 4] = [b"script", b"style", b"textarea", b"title"];
    let n = bytes.len();
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut i = 0;
    while let Some(k) = bytes[i..].iter().position(|&b| b == b'<') {
        i += k + 1;
        if bytes[i..].starts_with(b"!--") {
            i = find_from(bytes, i + 3, b"-->").map_or(n, |j| j + 3);
            continue;
        }
        let closing = bytes.get(i) == Some(&b'/');
        let name_start = i + usize::from(closing);
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'!' || **b == b'-')
            .count();
        if name_len == 0 {
            continue;
        }
        let name = bytes[name_start..name_start + name_len].to_ascii_lowercase();
        // The tag's end: the next `>` outside quoted attribute values.
        let mut j = name_start + name_len;
        let mut quote = None;
        while j < n {
            match (quote, bytes[j]) {
                (None, b'>') => break,
                (None, q @ (b'"' | b'\'')) => quote = Some(q),
                (Some(q), c) if c == q => quote = None,
                _ => {}
            }
            j += 1;
        }
        let self_closing = j > 0 && j < n && bytes[j - 1] == b'/';
        i = (j + 1).min(n);
        let flat = name.starts_with(b"!") || FLAT.contains(&name.as_slice());
        if closing {
            if !flat {
                depth = depth.saturating_sub(1);
            }
            continue;
        }
        if RAW.contains(&name.as_slice()) && !self_closing {
            let mut end_tag = b"</".to_vec();
            end_tag.extend_from_slice(&name);
            i = find_ci_from(bytes, i, &end_tag).unwrap_or(n);
            continue;
        }
        if !flat && !self_closing {
            depth += 1;
            deepest = deepest.max(depth);
        }
    }
    deepest
}

/// The first `needle` in `hay` at or after `from`.
fn find_from(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let hay = hay.get(from..)?;
    hay.windows(needle.len())
        .position(|w| w == needle)
        .map(|k| from + k)
}

/// [`find_from`] ignoring ASCII case (`needle` lower case).
fn find_ci_from(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let hay = hay.get(from..)?;
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|k| from + k)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Decodes a page: returns the text and the name of the encoding used.
#[cfg(feature = "html")]
pub fn decode(bytes: &[u8], declared: Option<&str>) -> (String, &'static str) {
    use encoding_rs::Encoding;
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return (text.into_owned(), enc.name());
    }
    let label = declared
        .and_then(|l| Encoding::for_label(l.as_bytes()))
        .or_else(|| meta_charset(bytes).and_then(|l| Encoding::for_label(l.as_bytes())));
    // Pages that declare UTF-16 in a meta tag are ASCII-compatible in fact (the spec's rule).
    let label = label.map(|e| {
        if e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE {
            encoding_rs::UTF_8
        } else {
            e
        }
    });
    let enc = match label {
        Some(e) => e,
        None if std::str::from_utf8(bytes).is_ok() => encoding_rs::UTF_8,
        None => {
            let mut detector =
                chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
            detector.feed(bytes, true);
            detector.guess(None, chardetng::Utf8Detection::Allow)
        }
    };
    let (text, _) = enc.decode_without_bom_handling(bytes);
    (text.into_owned(), enc.name())
}

/// The charset named by `<meta charset=...>` or `<meta http-equiv=Content-Type
/// content="...; charset=...">` in the first 4 KiB.
pub fn meta_charset(bytes: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
    let mut found = None;
    scan_tags(&head, |tag| {
        if tag.name != "meta" {
            return true;
        }
        if let Some(c) = tag.attr("charset") {
            found = Some(c.trim().to_ascii_lowercase());
            return false;
        }
        let equiv = tag.attr("http-equiv").unwrap_or("");
        if equiv.eq_ignore_ascii_case("content-type") {
            if let Some(c) = tag
                .attr("content")
                .and_then(|c| super::warc::charset_param(&format!("x;{}", after_semicolon(c))))
            {
                found = Some(c);
                return false;
            }
        }
        true
    });
    found
}

fn after_semicolon(s: &str) -> &str {
    s.split_once(';').map_or("", |(_, r)| r)
}

/// Extracts the main text (paragraphs separated by blank lines) and the metadata of a page.
#[cfg(feature = "html")]
pub fn extract(html: &str, url: Option<&str>) -> Result<(String, Meta), String> {
    let opts = trafilatura::Options::default().with_fallback(true);
    let result = trafilatura::extract(&super::html_clean::prepare(html), &opts).ok();
    let text = result
        .as_ref()
        .map(|r| {
            let text = html_text(&r.content_html);
            if text.is_empty() {
                paragraphs(&r.content_text)
            } else {
                text
            }
        })
        .unwrap_or_default();
    let declared = Declared::scan(html);
    let mut meta = page_meta(&declared, url);
    let text = drop_headline(text, [meta.headline.as_deref(), declared.h1.as_deref()]);
    if text.split_whitespace().count() < MIN_WORDS {
        return Err("no article text found".into());
    }
    if let Some(r) = &result {
        let m = &r.metadata;
        // The prepared page's zero-width word breaks may reach these fields: spaces again.
        let some = |s: &str| {
            let s = collapse_spaces(s);
            (!s.is_empty()).then_some(s)
        };
        if meta.headline.is_none() {
            meta.headline = some(&m.title);
        }
        if meta.byline.is_none() {
            meta.byline = clean_byline(&m.author.replace('\u{200b}', " "));
        }
        if meta.outlet.is_none() {
            // trafilatura passes on a site name that is a web address: not a name either.
            meta.outlet = some(&m.sitename).filter(|s| !is_url(s));
        }
        if meta.url.is_none() {
            meta.url = some(&m.url).filter(|u| u.starts_with("http"));
        }
        if meta.published.is_none() {
            // A NaiveDate prints as YYYY-MM-DD.
            meta.published = m
                .date
                .and_then(|d| super::dates::parse_timestamp(&d.to_string()))
                .filter(plausible_date);
        }
    }
    let meta = super::recognize_with(&text, &meta);
    Ok((text, meta))
}

#[cfg(feature = "html")]
/// Less text than this many words is not an article (menus, cookie notices, error pages).
const MIN_WORDS: usize = 10;

#[cfg(feature = "html")]
/// Drops a first paragraph that repeats the headline (the `<h1>` inside `<article>`).
fn drop_headline(text: String, headlines: [Option<&str>; 2]) -> String {
    let key = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let (first, rest) = text.split_once("\n\n").unwrap_or((&text, ""));
    let first_key = key(first);
    if !rest.is_empty()
        && !first_key.is_empty()
        && headlines.iter().flatten().any(|h| key(h) == first_key)
    {
        return rest.to_string();
    }
    text
}

/// Elements that do not break a paragraph.
pub(super) const INLINE: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "font", "hi", "i",
    "ins", "kbd", "mark", "q", "ref", "s", "samp", "small", "span", "strong", "sub", "sup", "time",
    "u", "var", "wbr",
];

/// The text of an HTML fragment, one paragraph per block element, paragraphs separated by
/// blank lines, whitespace collapsed, character references decoded.
pub fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut current = String::new();
    let flush = |current: &mut String, out: &mut String| {
        let para = collapse_spaces(&decode_entities(current));
        current.clear();
        if para.is_empty() {
            return;
        }
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&para);
    };
    let mut i = 0;
    while i < html.len() {
        let Some(off) = html[i..].find('<') else {
            current.push_str(&html[i..]);
            break;
        };
        current.push_str(&html[i..i + off]);
        i += off;
        let lt = i;
        let end = html[i..].find('>').map_or(html.len(), |e| i + e + 1);
        let inside = &html[i + 1..end.saturating_sub(1).max(i + 1)];
        let closing = inside.starts_with('/');
        let name: String = inside
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        i = end;
        if name.is_empty() && !inside.starts_with('!') {
            // A stray `<`: text.
            current.push('<');
            i = lt + 1;
            continue;
        }
        if !closing && (name == "script" || name == "style") {
            let close = format!("</{name}");
            i = find_ascii_ci(&html[i..], &close).map_or(html.len(), |e| i + e);
            continue;
        }
        if !INLINE.contains(&name.as_str()) {
            flush(&mut current, &mut out);
        }
    }
    flush(&mut current, &mut out);
    out
}

/// Lines trimmed, blank ones dropped, joined by blank lines.
pub fn paragraphs(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.lines() {
        let line = collapse_spaces(line);
        if line.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&line);
    }
    out
}

fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split(|c: char| c.is_whitespace() || c == '\u{feff}' || c == '\u{200b}') {
        if w.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// What a page declares about itself, as found in its markup.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Declared {
    /// `<title>` text.
    pub title: Option<String>,
    /// The first `<h1>`'s text.
    pub h1: Option<String>,
    /// `<meta>` tags: (`property`/`name`/`itemprop` in lower case, `content`), in page order.
    pub meta: Vec<(String, String)>,
    /// `<link rel=canonical href>`.
    pub canonical: Option<String>,
    /// `<time datetime>` values, in page order.
    pub times: Vec<String>,
    /// Parsed JSON-LD objects (arrays and `@graph`s flattened), in page order.
    pub json_ld: Vec<serde_json::Value>,
}

impl Declared {
    /// Scans the markup of a page.
    pub fn scan(html: &str) -> Declared {
        let mut d = Declared::default();
        scan_tags(html, |tag| {
            match tag.name.as_str() {
                "meta" => {
                    let key = tag
                        .attr("property")
                        .or_else(|| tag.attr("name"))
                        .or_else(|| tag.attr("itemprop"));
                    if let (Some(k), Some(c)) = (key, tag.attr("content")) {
                        if d.meta.len() < 1000 {
                            d.meta
                                .push((k.trim().to_ascii_lowercase(), c.trim().to_string()));
                        }
                    }
                }
                "link" => {
                    let rel = tag.attr("rel").unwrap_or("");
                    if rel.eq_ignore_ascii_case("canonical") && d.canonical.is_none() {
                        d.canonical = tag.attr("href").map(|h| h.trim().to_string());
                    }
                }
                "time" => {
                    if let Some(t) = tag.attr("datetime") {
                        if d.times.len() < 100 {
                            d.times.push(t.trim().to_string());
                        }
                    }
                }
                "title" if d.title.is_none() => {
                    d.title = Some(collapse_spaces(&decode_entities(tag.inner)));
                }
                "h1" if d.h1.is_none() => {
                    let text = collapse_spaces(&decode_entities(&strip_tags(tag.inner)));
                    if !text.is_empty() {
                        d.h1 = Some(text);
                    }
                }
                "script" => {
                    let ty = tag.attr("type").unwrap_or("");
                    if ty.trim().eq_ignore_ascii_case("application/ld+json") {
                        let src = tag.inner.trim();
                        let src = src.strip_prefix("<![CDATA[").unwrap_or(src);
                        let src = src.strip_suffix("]]>").unwrap_or(src).trim();
                        let src = src.strip_suffix(';').unwrap_or(src);
                        if let Ok(v) = serde_json::from_str::<serde_json::Value>(src) {
                            flatten_json_ld(v, &mut d.json_ld, 0);
                        }
                    }
                }
                _ => {}
            }
            true
        });
        d
    }

    fn meta_value(&self, keys: &[&str]) -> Option<&str> {
        keys.iter().find_map(|k| {
            self.meta
                .iter()
                .find(|(name, c)| name == k && !c.is_empty())
                .map(|(_, c)| c.as_str())
        })
    }

    /// The JSON-LD node that describes the article: the first with an article-like `@type`,
    /// else the first with a `headline`.
    fn article_node(&self) -> Option<&serde_json::Value> {
        let article_type = |v: &serde_json::Value| {
            let is = |t: &str| t.contains("Article") || t == "BlogPosting" || t == "Report";
            match v.get("@type") {
                Some(serde_json::Value::String(t)) => is(t),
                Some(serde_json::Value::Array(ts)) => ts.iter().any(|t| t.as_str().is_some_and(is)),
                _ => false,
            }
        };
        self.json_ld
            .iter()
            .find(|v| article_type(v))
            .or_else(|| self.json_ld.iter().find(|v| v.get("headline").is_some()))
    }
}

fn flatten_json_ld(v: serde_json::Value, out: &mut Vec<serde_json::Value>, depth: usize) {
    if depth > 4 || out.len() > 100 {
        return;
    }
    match v {
        serde_json::Value::Array(items) => {
            for item in items {
                flatten_json_ld(item, out, depth + 1);
            }
        }
        serde_json::Value::Object(mut map) => {
            if let Some(graph) = map.remove("@graph") {
                flatten_json_ld(graph, out, depth + 1);
            }
            if map.keys().any(|k| !k.starts_with('@')) {
                out.push(serde_json::Value::Object(map));
            }
        }
        _ => {}
    }
}

/// A JSON-LD value as text: a string, or the `name` of an object, or the first of an array.
fn ld_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(collapse_spaces(&decode_entities(s))),
        serde_json::Value::Object(o) => o.get("name").and_then(ld_text),
        serde_json::Value::Array(a) => a.iter().find_map(ld_text),
        _ => None,
    }
    .filter(|s| !s.is_empty())
}

/// All names in a JSON-LD `author` value.
fn ld_names(v: &serde_json::Value) -> Vec<String> {
    match v {
        serde_json::Value::Array(a) => a.iter().flat_map(ld_names).collect(),
        other => ld_text(other).into_iter().collect(),
    }
}

const PUBLISHED_KEYS: &[&str] = &[
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "dcterms.date",
    "sailthru.date",
    "parsely-pub-date",
    "article.published",
    "datecreated",
];
const UPDATED_KEYS: &[&str] = &[
    "article:modified_time",
    "og:updated_time",
    "og:article:modified_time",
    "datemodified",
    "last-modified",
    "dcterms.modified",
];
const AUTHOR_KEYS: &[&str] = &[
    "author",
    "article:author",
    "byl",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "dcterms.creator",
];
const AGENCIES: &[&str] = &[
    "AP",
    "Associated Press",
    "The Associated Press",
    "Reuters",
    "Thomson Reuters",
    "AFP",
    "Agence France-Presse",
    "Agence France Presse",
    "Bloomberg",
    "ANI",
    "PTI",
    "IANS",
    "UPI",
    "dpa",
    "EFE",
    "Xinhua",
    "Kyodo",
    "Yonhap",
    "TASS",
    "Press Association",
    "PA",
    "Canadian Press",
    "The Canadian Press",
    "AAP",
    "CNN Wire",
];

/// The metadata a page declares (see the module documentation for the order of sources).
pub fn page_meta(d: &Declared, fetched_url: Option<&str>) -> Meta {
    let node = d.article_node();
    let ld = |key: &str| node.and_then(|n| n.get(key));
    // A URL is not a name ("https://www.facebook.com/CBSPolitics" as og:site_name): the
    // next source is asked instead.
    let named = |s: &String| !s.is_empty() && !is_url(s);
    let outlet = d
        .meta_value(&["og:site_name"])
        .map(|s| collapse_spaces(&decode_entities(s)))
        .filter(named)
        .or_else(|| ld("publisher").and_then(ld_text).filter(named))
        .or_else(|| {
            d.meta_value(&["application-name"])
                .map(collapse_spaces)
                .filter(named)
        });
    let headline = ld("headline")
        .and_then(ld_text)
        .or_else(|| {
            d.meta_value(&["og:title", "twitter:title"])
                .map(|s| collapse_spaces(&decode_entities(s)))
        })
        .or_else(|| d.h1.clone())
        .or_else(|| d.title.clone())
        .map(|t| strip_site_name(&t, outlet.as_deref()))
        .filter(|t| !t.is_empty());
    let url = d
        .canonical
        .as_deref()
        .or_else(|| d.meta_value(&["og:url"]))
        .and_then(|u| absolute_url(u, fetched_url))
        .or_else(|| fetched_url.map(str::to_string));
    let date = |v: &str| super::dates::parse_timestamp(v).filter(plausible_date);
    let published = ld("datePublished")
        .and_then(|v| v.as_str())
        .and_then(date)
        .or_else(|| meta_date(d, PUBLISHED_KEYS))
        .or_else(|| d.times.iter().find_map(|t| date(t)))
        .or_else(|| url.as_deref().and_then(url_date))
        .or_else(|| fetched_url.and_then(url_date));
    let updated = ld("dateModified")
        .and_then(|v| v.as_str())
        .and_then(date)
        .or_else(|| meta_date(d, UPDATED_KEYS));
    let mut authors = ld("author").map(ld_names).unwrap_or_default();
    if authors.is_empty() {
        if let Some(a) = d.meta_value(AUTHOR_KEYS) {
            authors.push(a.to_string());
        }
    }
    let byline = clean_byline(&authors.join(", "));
    Meta {
        headline,
        published,
        updated,
        dateline: None,
        byline,
        outlet,
        url,
    }
}

fn meta_date(d: &Declared, keys: &[&str]) -> Option<crate::article::Timestamp> {
    keys.iter().find_map(|k| {
        d.meta
            .iter()
            .filter(|(name, _)| name == k)
            .find_map(|(_, c)| super::dates::parse_timestamp(c).filter(plausible_date))
    })
}

/// Pages declare placeholder dates (`0001-01-01T00:00:00Z`, `1970-01-01`): not news dates.
fn plausible_date(t: &crate::article::Timestamp) -> bool {
    (1990..=2100).contains(&t.year)
}

/// Whether `s` is a web address rather than a name.
fn is_url(s: &str) -> bool {
    let lower = s.trim().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("www.")
}

/// `Headline | Site`, `Headline - Site`: the site part is cut when it names the outlet or is a
/// short last part after a longer headline with the same separator.
pub fn strip_site_name(title: &str, outlet: Option<&str>) -> String {
    let title = title.trim();
    for sep in [" | ", " - ", " – ", " — ", " :: ", " · "] {
        if let Some((head, tail)) = title.rsplit_once(sep) {
            let tail_t = tail.trim();
            let names_outlet = outlet.is_some_and(|o| {
                let (o, t) = (o.to_lowercase(), tail_t.to_lowercase());
                !o.is_empty() && (o == t || t.contains(&o) || o.contains(&t))
            });
            let words_head = head.split_whitespace().count();
            let words_tail = tail_t.split_whitespace().count();
            if names_outlet || (sep == " | " && words_tail <= 4 && words_head >= 3) {
                return strip_site_name(head, outlet);
            }
        }
    }
    title.to_string()
}

fn absolute_url(u: &str, base: Option<&str>) -> Option<String> {
    let u = u.trim();
    if u.starts_with("http://") || u.starts_with("https://") {
        return Some(u.to_string());
    }
    let base = base?;
    let scheme_end = base.find("://")? + 3;
    let host_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    if let Some(rest) = u.strip_prefix("//") {
        return Some(format!("{}{rest}", &base[..scheme_end]));
    }
    u.starts_with('/')
        .then(|| format!("{}{u}", &base[..host_end]))
}

/// A date in a URL path: `/2019/11/19/`, `/2019-11-19/`, `/20191119/`.
pub fn url_date(url: &str) -> Option<crate::article::Timestamp> {
    let path = url.split_once("://").map_or(url, |(_, r)| r);
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let parts: Vec<&str> = path.split('/').collect();
    let num = |s: &str, len: usize| -> Option<u32> {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
    };
    let plausible = |y: u32| (1990..=2100).contains(&y);
    for i in 1..parts.len() {
        if let (Some(y), Some(m), Some(dd)) = (
            num(parts[i], 4),
            parts.get(i + 1).and_then(|s| num(s, 2)),
            parts.get(i + 2).and_then(|s| num(s, 2)),
        ) {
            if plausible(y) {
                if let Some(t) = crate::article::Timestamp::date(y as i32, m as u8, dd as u8) {
                    return Some(t);
                }
            }
        }
        let p = parts[i];
        for cand in [p.get(..10), p.get(p.len().saturating_sub(10)..)]
            .into_iter()
            .flatten()
        {
            let b = cand.as_bytes();
            if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
                if let (Some(y), Some(m), Some(dd)) =
                    (num(&cand[..4], 4), num(&cand[5..7], 2), num(&cand[8..], 2))
                {
                    if plausible(y) {
                        if let Some(t) =
                            crate::article::Timestamp::date(y as i32, m as u8, dd as u8)
                        {
                            return Some(t);
                        }
                    }
                }
            }
        }
        if let Some(v) = num(p, 8) {
            let (y, m, dd) = (v / 10000, v / 100 % 100, v % 100);
            if plausible(y) {
                if let Some(t) = crate::article::Timestamp::date(y as i32, m as u8, dd as u8) {
                    return Some(t);
                }
            }
        }
    }
    None
}

/// Cleans an author field into a byline: `By Jane Doe and John Roe, Associated Press` →
/// `Jane Doe and John Roe`. None when nothing name-like is left.
pub fn clean_byline(raw: &str) -> Option<String> {
    let raw = collapse_spaces(&decode_entities(raw));
    let mut names: Vec<String> = Vec::new();
    for part in raw.split([',', ';', '|', '\n']) {
        for piece in split_and(part) {
            let mut p = piece
                .trim()
                .trim_matches(|c: char| c == '.' || c == ':' || c == '-');
            for prefix in ["By ", "by ", "BY ", "Written by ", "written by ", "Por "] {
                if let Some(r) = p.strip_prefix(prefix) {
                    p = r.trim();
                }
            }
            let p = p.trim();
            if p.is_empty()
                || ["by", "written by", "por"]
                    .iter()
                    .any(|w| p.eq_ignore_ascii_case(w))
                || p.contains("://")
                || p.starts_with("www.")
                || p.contains('@')
                || p.split_whitespace().count() > 6
                || !p.chars().any(char::is_alphabetic)
            {
                continue;
            }
            if !names.iter().any(|n| n.eq_ignore_ascii_case(p)) {
                names.push(p.to_string());
            }
        }
    }
    while names.len() > 1
        && names
            .last()
            .is_some_and(|n| AGENCIES.iter().any(|a| a.eq_ignore_ascii_case(n)))
    {
        names.pop();
    }
    match names.len() {
        0 => None,
        1 => names.pop(),
        n => Some(format!(
            "{} and {}",
            names[..n - 1].join(", "),
            names[n - 1]
        )),
    }
}

fn split_and(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = s;
    loop {
        let next = [" and ", " & ", " AND "]
            .iter()
            .filter_map(|sep| rest.find(sep).map(|i| (i, sep.len())))
            .min();
        match next {
            Some((i, len)) => {
                out.push(&rest[..i]);
                rest = &rest[i + len..];
            }
            None => {
                out.push(rest);
                return out;
            }
        }
    }
}

/// One start tag, with the raw text up to its end tag for `title`, `h1` and `script`.
pub(crate) struct Tag<'a> {
    pub(crate) name: String,
    attrs: Vec<(String, String)>,
    pub(crate) inner: &'a str,
}

impl Tag<'_> {
    pub(crate) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Calls `f` on every start tag of `html` in order, until it returns false. Comments are
/// skipped, and the content of `script`, `style`, `title`, `textarea` is not scanned for tags.
pub(crate) fn scan_tags(html: &str, mut f: impl FnMut(&Tag) -> bool) {
    let b = html.as_bytes();
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        i += off + 1;
        if html[i..].starts_with("!--") {
            i = html[i..].find("-->").map_or(b.len(), |e| i + e + 3);
            continue;
        }
        if i >= b.len() || !b[i].is_ascii_alphabetic() {
            continue;
        }
        let name_end = html[i..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == ':'))
            .map_or(b.len(), |e| i + e);
        let name = html[i..name_end].to_ascii_lowercase();
        let (attrs, end) = parse_attrs(html, name_end);
        i = end;
        let raw_text = matches!(
            name.as_str(),
            "script" | "style" | "title" | "textarea" | "h1"
        );
        let mut inner = "";
        if raw_text {
            let close = format!("</{name}");
            let rest = &html[i..];
            let stop = find_ascii_ci(rest, &close).unwrap_or(rest.len().min(1 << 20));
            inner = &rest[..stop];
            if name != "h1" {
                i += stop;
            }
        }
        let tag = Tag { name, attrs, inner };
        if !f(&tag) {
            return;
        }
    }
}

pub(super) fn find_ascii_ci(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    if n.is_empty() || h.len() < n.len() {
        return None;
    }
    (0..=h.len() - n.len()).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// Attributes from `i` to the tag's `>`; returns them and the index after the `>`.
pub(super) fn parse_attrs(html: &str, mut i: usize) -> (Vec<(String, String)>, usize) {
    let b = html.as_bytes();
    let mut attrs = Vec::new();
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() {
            return (attrs, b.len());
        }
        if b[i] == b'>' {
            return (attrs, i + 1);
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        if i == start {
            // A stray `=`: skip it.
            i += 1;
            continue;
        }
        let name = html[start..i].to_ascii_lowercase();
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < b.len() && b[i] == b'=' {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let q = b[i] as char;
                let vstart = i + 1;
                let vend = html[vstart..].find(q).map_or(b.len(), |e| vstart + e);
                value = decode_entities(&html[vstart..vend]);
                i = (vend + 1).min(b.len());
            } else {
                let vstart = i;
                while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                    i += 1;
                }
                value = decode_entities(&html[vstart..i]);
            }
        }
        if attrs.len() < 64 {
            attrs.push((name, value));
        }
    }
}

fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Decodes character references: numeric ones and the common named ones.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .map_or(rest.len(), |e| e + 1);
        let name = &rest[1..end];
        let decoded = if let Some(num) = name.strip_prefix('#') {
            let n = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => num.parse().ok(),
            };
            n.map(|n| char::from_u32(n).unwrap_or('\u{fffd}'))
        } else {
            named_entity(name)
        };
        match decoded {
            Some(c) if end > 1 => {
                out.push(c);
                rest = &rest[end..];
                rest = rest.strip_prefix(';').unwrap_or(rest);
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn named_entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" | "AMP" => '&',
        "lt" | "LT" => '<',
        "gt" | "GT" => '>',
        "quot" | "QUOT" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "ndash" => '–',
        "mdash" => '—',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "hellip" => '…',
        "middot" => '·',
        "copy" => '©',
        "eacute" => 'é',
        "egrave" => 'è',
        "aacute" => 'á',
        "oacute" => 'ó',
        "iacute" => 'í',
        "uacute" => 'ú',
        "ntilde" => 'ñ',
        "ouml" => 'ö',
        "uuml" => 'ü',
        "auml" => 'ä',
        "ccedil" => 'ç',
        _ => return None,
    })
}

#[cfg(test)]
#[path = "html_tests.rs"]
mod tests;
