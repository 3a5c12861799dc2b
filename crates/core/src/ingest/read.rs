//! Reading inputs: files, directories (recursive, sorted by path, hidden names skipped),
//! stdin (`-`), plain text, JSONL, HTML or WARC, gzip or zstd, as a stream of [`Event`]s.

use super::decompress::{open_content, Format, Stream};
use super::html::{HtmlPage, MAX_PAGE_BYTES};
use super::screen::{Screen, Skip};
use super::warc::WarcSource;
use crate::article::Article;
use crate::wire::{is_record, read_record, Extracted};
use std::collections::VecDeque;
use std::fs;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// What reading the inputs yields, in input order.
#[derive(Debug)]
pub enum Event {
    Article(Box<Article>),
    /// Something odd that did not stop the item (e.g. invalid UTF-8 decoded lossily).
    Warning {
        origin: String,
        message: String,
    },
    /// An item that could not be read; reading goes on with the next one.
    Error {
        origin: String,
        message: String,
    },
    /// An article read but not to be analysed (the reader's [`Screen`]): not English, or a
    /// plain-text file that is not prose.
    Skipped {
        origin: String,
        reason: Skip,
    },
}

impl Event {
    pub(crate) fn warning(origin: &str, message: impl Into<String>) -> Event {
        Event::Warning {
            origin: origin.to_string(),
            message: message.into(),
        }
    }

    /// The article as it is, or [`Event::Skipped`] when `screen` skips it.
    pub(crate) fn screened(article: Article, screen: &Screen, plain_text: bool) -> Event {
        match screen.check(&article.text, plain_text) {
            Some(reason) => Event::Skipped {
                origin: article.origin,
                reason,
            },
            None => Event::Article(Box::new(article)),
        }
    }

    pub(crate) fn error(origin: &str, message: impl Into<String>) -> Event {
        Event::Error {
            origin: origin.to_string(),
            message: message.into(),
        }
    }
}

/// One step of reading: an event, or an HTML page whose extraction is still to be done
/// (costly work, which [`Item::into_event`] does, e.g. on a worker thread).
#[derive(Debug)]
pub enum Item {
    Ready(Event),
    Html(Box<HtmlPage>),
    /// A `verbatim extract` record read back, analysis included (only from a reader made
    /// with [`Reader::with_records`]).
    Record(Box<Extracted>),
}

impl Item {
    /// The event of this item: HTML pages are decoded and extracted here; a record becomes
    /// its article (its analysis is dropped: consumers that want it match [`Item::Record`]).
    pub fn into_event(self) -> Event {
        match self {
            Item::Ready(e) => e,
            Item::Html(page) => page.into_event(),
            Item::Record(r) => Event::Article(Box::new(r.article)),
        }
    }
}

impl From<Event> for Item {
    fn from(e: Event) -> Item {
        Item::Ready(e)
    }
}

/// Reads articles from paths (`-` is stdin), lazily: JSONL is streamed line by line, a
/// directory is listed when its turn comes.
///
/// - A plain-text file is one article; its id is the file name without extensions
///   (`000_590c328a3d7eed25.txt.gz` → `000_590c328a3d7eed25`), its origin the path. Plain text
///   on stdin gets the hash id ([`text_id`]).
/// - A JSONL input yields one article per non-blank line, origin `path:LINE` (`-:LINE`).
/// - An HTML page is one article (see [`super::html`]); its id is the file stem.
/// - A WARC file yields one article per HTML response record, origin `path#N` (see
///   [`super::warc`]).
/// - Formats are told by content (see [`super::decompress`]): gzip and zstd, then WARC, HTML,
///   JSONL when the first non-blank byte is `{`, else plain text.
/// - The reader is an iterator of [`Event`]s; [`Reader::items`] instead yields [`Item`]s, which
///   leave the costly HTML extraction to the consumer (to run it in parallel).
/// - Symbolic links to files are read; symbolic links to directories are not followed
///   inside a directory walk (a warning says so), which also rules out cycles.
pub struct Reader {
    limits: Limits,
    screen: Screen,
    inputs: VecDeque<Input>,
    jsonl: Option<JsonlSource>,
    warc: Option<WarcSource>,
    pending: VecDeque<Item>,
    stdin: Option<Box<dyn Read + Send>>,
    records: bool,
    bytes_read: Arc<AtomicU64>,
}

enum Input {
    Path(PathBuf),
    Problem(Event),
}

impl Reader {
    pub fn new(paths: Vec<PathBuf>) -> Reader {
        Reader {
            limits: Limits::default(),
            screen: Screen::default(),
            inputs: paths.into_iter().map(Input::Path).collect(),
            jsonl: None,
            warc: None,
            pending: VecDeque::new(),
            stdin: Some(Box::new(io::stdin())),
            records: false,
            bytes_read: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Yields JSONL lines that are `verbatim extract` records (top-level `attributions` and
    /// `producer`, [`crate::wire::is_record`]) as [`Item::Record`]s, read back whole
    /// ([`crate::wire::read_record`]; a malformed record is an error naming its line),
    /// instead of as articles to analyse.
    pub fn with_records(mut self) -> Reader {
        self.records = true;
        self
    }

    /// Reads under `limits` instead of [`Limits::default`].
    pub fn with_limits(mut self, limits: Limits) -> Reader {
        self.limits = limits;
        self
    }

    /// Skips the articles `screen` screens out (as [`Event::Skipped`]) instead of yielding
    /// them; the default screens nothing.
    pub fn with_screen(mut self, screen: Screen) -> Reader {
        self.screen = screen;
        self
    }

    /// A counter of the bytes read so far from input files (as stored: compressed bytes of a
    /// compressed file; stdin is not counted), for progress reports on another thread.
    pub fn bytes_read(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.bytes_read)
    }

    /// Reads `-` from `input` instead of the process's stdin.
    pub fn with_stdin(mut self, input: impl Read + Send + 'static) -> Reader {
        self.stdin = Some(Box::new(input));
        self
    }

    fn open(&mut self, path: PathBuf) {
        let origin = path.display().to_string();
        if path.as_os_str() == "-" {
            // Stdin can be read once; a second `-` finds it empty.
            let input = self.stdin.take().unwrap_or_else(|| Box::new(io::empty()));
            let stream: Stream = Box::new(BufReader::with_capacity(1 << 16, input));
            self.read_stream(stream, origin, None);
            return;
        }
        let meta = match fs::metadata(&path) {
            Ok(m) => m,
            Err(e) => return self.push(Event::error(&origin, e.to_string())),
        };
        if meta.is_dir() {
            let mut found = Vec::new();
            walk(&path, &mut found, 0);
            for input in found.into_iter().rev() {
                self.inputs.push_front(input);
            }
            return;
        }
        match fs::File::open(&path) {
            Ok(file) => {
                let file = Counted {
                    inner: file,
                    total: Arc::clone(&self.bytes_read),
                };
                let stream: Stream = Box::new(BufReader::with_capacity(1 << 16, file));
                let id = file_id(&path);
                self.read_stream(stream, origin, Some(id));
            }
            Err(e) => self.push(Event::error(&origin, e.to_string())),
        }
    }

    fn push(&mut self, event: Event) {
        self.pending.push_back(Item::Ready(event));
    }

    /// `id`: the id of a plain-text article, `None` for the hash of its text.
    fn read_stream(&mut self, stream: Stream, origin: String, id: Option<String>) {
        let (stream, format) = match open_content(stream, &self.limits) {
            Ok(x) => x,
            Err(message) => return self.push(Event::Error { origin, message }),
        };
        match format {
            Format::Jsonl => {
                self.jsonl = Some(JsonlSource {
                    stream,
                    origin,
                    line_no: 0,
                    buf: Vec::new(),
                    limits: self.limits,
                    screen: self.screen,
                    records: self.records,
                });
                return;
            }
            Format::Warc => {
                self.warc = Some(WarcSource::new(stream, origin, self.limits, self.screen));
                return;
            }
            Format::Html => return self.read_html(stream, origin, id),
            Format::Text => {}
        }
        let max = self.limits.max_article_bytes;
        let mut bytes = Vec::new();
        let damage = stream.take(max as u64 + 1).read_to_end(&mut bytes).err();
        // An article cut short by a read error (a truncated gzip or zstd file) is not kept:
        // its rest is missing, and storing the part would make the intact file a second
        // article later.
        if let Some(e) = damage {
            return self.push(Event::error(&origin, format!("{e}; article skipped")));
        }
        if bytes.len() > max {
            return self.push(Event::error(&origin, too_long_message(max)));
        }
        let (text, n_bad) = decode_lossy(bytes);
        if n_bad > 0 {
            self.push(Event::warning(&origin, invalid_utf8_message(n_bad)));
        }
        if text.trim().is_empty() {
            self.push(Event::warning(&origin, "empty, no article"));
        } else {
            let meta = super::recognize(&text);
            let id = id.unwrap_or_else(|| text_id(&text));
            let article = Article {
                id,
                text,
                meta,
                origin,
            };
            self.push(Event::screened(article, &self.screen, true));
        }
    }

    /// An HTML page, read whole up to [`MAX_PAGE_BYTES`]; its extraction is left to
    /// [`Item::into_event`]. A page that cannot be read to its end is an error.
    fn read_html(&mut self, stream: Stream, origin: String, id: Option<String>) {
        let mut bytes = Vec::new();
        let damage = stream
            .take(MAX_PAGE_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .err();
        if bytes.len() > MAX_PAGE_BYTES {
            return self.push(Event::error(
                &origin,
                format!(
                    "page too large (more than {} MB), skipped",
                    MAX_PAGE_BYTES >> 20
                ),
            ));
        }
        // A page cut short is not extracted: its end (the article's end, or all of it) is
        // missing.
        if let Some(e) = damage {
            return self.push(Event::error(&origin, format!("{e}; page skipped")));
        }
        let page = HtmlPage {
            bytes,
            origin,
            id,
            url: None,
            charset: None,
            max_text_bytes: None,
            screen: Screen::default(),
        };
        self.pending
            .push_back(html_item(page, &self.limits, self.screen));
    }

    /// The next item: an event, or an HTML page still to be extracted.
    pub fn next_item(&mut self) -> Option<Item> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(item);
            }
            if let Some(source) = &mut self.jsonl {
                if !source.step(&mut self.pending) {
                    self.jsonl = None;
                }
                continue;
            }
            if let Some(source) = &mut self.warc {
                if !source.step(&mut self.pending) {
                    self.warc = None;
                }
                continue;
            }
            match self.inputs.pop_front()? {
                Input::Problem(e) => return Some(Item::Ready(e)),
                Input::Path(path) => self.open(path),
            }
        }
    }

    /// The items of the inputs, in input order, HTML extraction left to the consumer.
    pub fn items(self) -> Items {
        Items(self)
    }
}

/// The iterator of [`Reader::items`].
pub struct Items(Reader);

impl Iterator for Items {
    type Item = Item;
    fn next(&mut self) -> Option<Item> {
        self.0.next_item()
    }
}

impl Iterator for Reader {
    type Item = Event;
    fn next(&mut self) -> Option<Event> {
        self.next_item().map(Item::into_event)
    }
}

/// A file that adds the bytes read from it to a shared total.
struct Counted {
    inner: fs::File,
    total: Arc<AtomicU64>,
}

impl Read for Counted {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.total.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

struct JsonlSource {
    stream: Stream,
    origin: String,
    line_no: usize,
    buf: Vec<u8>,
    limits: Limits,
    screen: Screen,
    records: bool,
}

impl JsonlSource {
    /// Reads one line and pushes its events; false at the end of the input.
    fn step(&mut self, out: &mut VecDeque<Item>) -> bool {
        self.buf.clear();
        let max_line = self.limits.max_line_bytes;
        let too_long = match read_line_bounded(&mut self.stream, &mut self.buf, max_line) {
            Ok((0, _)) => return false,
            Ok((_, too_long)) => too_long,
            Err(e) => {
                // The line being read when the input broke off (truncated compression) is
                // incomplete: it is not parsed.
                out.push_back(Item::Ready(Event::error(
                    &self.origin,
                    format!("{e}; line {} and the rest skipped", self.line_no + 1),
                )));
                return false;
            }
        };
        self.line_no += 1;
        let origin = format!("{}:{}", self.origin, self.line_no);
        if too_long {
            let message = format!("line longer than {max_line} bytes (--max-line-bytes), skipped");
            out.push_back(Item::Ready(Event::error(&origin, message)));
            return true;
        }
        let mut line: &[u8] = &self.buf;
        line = line.strip_suffix(b"\n").unwrap_or(line);
        line = line.strip_suffix(b"\r").unwrap_or(line);
        if self.line_no == 1 {
            line = line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line);
        }
        let mut events = Vec::new();
        let max = self.limits.max_article_bytes;
        match std::str::from_utf8(line) {
            Ok(s) if self.records && is_record(s) => {
                out.push_back(match read_record(s, &origin) {
                    Ok(r) if r.article.text.len() > max => {
                        Item::Ready(Event::error(&origin, too_long_message(max)))
                    }
                    Ok(r) => Item::Record(Box::new(r)),
                    Err(message) => Item::Ready(Event::error(&origin, message)),
                });
            }
            Ok(s) => {
                if !s.trim().is_empty() {
                    super::jsonl::parse_line(s, &origin, &mut events);
                }
            }
            Err(_) => {
                let (s, n_bad) = decode_lossy(line.to_vec());
                events.push(Event::warning(&origin, invalid_utf8_message(n_bad)));
                if !s.trim().is_empty() {
                    super::jsonl::parse_line(&s, &origin, &mut events);
                }
            }
        }
        out.extend(events.into_iter().map(|event| match event {
            Event::Article(a) if a.text.len() > max => {
                Item::Ready(Event::error(&origin, too_long_message(max)))
            }
            Event::Article(a) => Item::Ready(Event::screened(*a, &self.screen, false)),
            event => Item::Ready(event),
        }));
        if self.buf.capacity() > 4 << 20 {
            self.buf = Vec::new();
        }
        true
    }
}

/// Bounds on what one input item may cost. Each has a default and a command-line flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The longest article text, in bytes (a plain-text file, a JSONL `text`); a longer
    /// article is skipped with an error, and only this much of a file is read.
    pub max_article_bytes: usize,
    /// The longest JSONL line, in bytes; a longer line is skipped with an error, read past
    /// without being kept.
    pub max_line_bytes: usize,
    /// The most bytes one compressed input (each gzip or zstd layer) may expand to; past it
    /// the rest of the file is skipped with an error.
    pub max_decompressed_bytes: u64,
    /// The most a compressed input may expand, as a multiple of its own size, once it has
    /// given 64 MiB: a decompression bomb (zeros, blanks, one repeated line) is stopped there
    /// with an error, the rest of the file skipped.
    pub max_compression_ratio: u64,
    /// The deepest element nesting of an HTML page; a deeper page is skipped with an error
    /// (its extraction costs time quadratic in the depth).
    pub max_html_depth: usize,
}

impl Limits {
    /// The default [`Limits::max_article_bytes`]: 2 MiB, some 300,000 words (a long news
    /// story is 50 KB).
    pub const MAX_ARTICLE_BYTES: usize = 2 << 20;
    /// The default [`Limits::max_line_bytes`]: 16 MiB, room for a 2 MiB text in escapes.
    pub const MAX_LINE_BYTES: usize = 16 << 20;
    /// The default [`Limits::max_decompressed_bytes`]: 32 GiB, several times a large crawl
    /// file.
    pub const MAX_DECOMPRESSED_BYTES: u64 = 32 << 30;
    /// The default [`Limits::max_compression_ratio`]: 100; gzip and zstd give 3 to 10 on
    /// news text and HTML, 20 on very repetitive markup.
    pub const MAX_COMPRESSION_RATIO: u64 = 100;
    /// The default [`Limits::max_html_depth`]: 512 elements; real pages nest 10 to 60 deep.
    pub const MAX_HTML_DEPTH: usize = 512;
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_article_bytes: Limits::MAX_ARTICLE_BYTES,
            max_line_bytes: Limits::MAX_LINE_BYTES,
            max_decompressed_bytes: Limits::MAX_DECOMPRESSED_BYTES,
            max_compression_ratio: Limits::MAX_COMPRESSION_RATIO,
            max_html_depth: Limits::MAX_HTML_DEPTH,
        }
    }
}

/// The item of a page read whole: the page, or an error when it nests deeper than
/// [`Limits::max_html_depth`] (its extraction would cost time quadratic in the depth).
pub(crate) fn html_item(mut page: HtmlPage, limits: &Limits, screen: Screen) -> Item {
    page.max_text_bytes = Some(limits.max_article_bytes);
    page.screen = screen;
    let depth = super::html::nesting_depth(&page.bytes);
    if depth > limits.max_html_depth {
        let message = format!(
            "HTML nested {depth} elements deep (more than {}, --max-html-depth), page skipped",
            limits.max_html_depth
        );
        return Item::Ready(Event::error(&page.origin, message));
    }
    Item::Html(Box::new(page))
}

pub(crate) fn too_long_message(max: usize) -> String {
    format!("article text longer than {max} bytes (--max-article-bytes), skipped")
}

/// Reads one line (its newline included) into `buf`, keeping at most `max` bytes: the rest of
/// a longer line is read past, not kept. Returns the bytes consumed and whether the line was
/// longer than `max` (then `buf` is empty).
fn read_line_bounded(
    stream: &mut Stream,
    buf: &mut Vec<u8>,
    max: usize,
) -> io::Result<(usize, bool)> {
    let mut total = 0;
    let mut too_long = false;
    loop {
        let available = match stream.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok((total, too_long));
        }
        let (n, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (available.len(), false),
        };
        if !too_long {
            if buf.len() + n > max {
                too_long = true;
                buf.clear();
            } else {
                buf.extend_from_slice(&available[..n]);
            }
        }
        stream.consume(n);
        total += n;
        if done {
            return Ok((total, too_long));
        }
    }
}

fn invalid_utf8_message(n_bad: usize) -> String {
    let s = if n_bad == 1 { "" } else { "s" };
    format!("invalid UTF-8: {n_bad} byte{s} replaced with U+FFFD")
}

/// Decodes UTF-8, replacing each run of invalid bytes with U+FFFD; also returns how many
/// bytes were invalid.
pub(crate) fn decode_lossy(bytes: Vec<u8>) -> (String, usize) {
    match String::from_utf8(bytes) {
        Ok(s) => (s, 0),
        Err(e) => {
            let bytes = e.into_bytes();
            let mut text = String::with_capacity(bytes.len() + 16);
            let mut n_bad = 0;
            for chunk in bytes.utf8_chunks() {
                text.push_str(chunk.valid());
                if !chunk.invalid().is_empty() {
                    n_bad += chunk.invalid().len();
                    text.push('\u{FFFD}');
                }
            }
            (text, n_bad)
        }
    }
}

/// A stable id for a text: its FNV-1a 64-bit hash as 16 hex digits.
pub fn text_id(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// The file name without its compression extension and then its own extension.
fn file_id(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = [".gz", ".zst", ".zstd"]
        .iter()
        .find_map(|ext| name.strip_suffix(ext))
        .unwrap_or(&name);
    Path::new(name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| name.to_string())
}

const MAX_DEPTH: usize = 64;

/// Lists a directory's files, recursively, sorted by name at each level (so by path);
/// names starting with `.` are skipped.
fn walk(dir: &Path, out: &mut Vec<Input>, depth: usize) {
    let origin = dir.display().to_string();
    let entries = match fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => return out.push(Input::Problem(Event::error(&origin, e.to_string()))),
    };
    let mut list = Vec::new();
    for entry in entries {
        match entry {
            Ok(e) => list.push(e),
            Err(e) => out.push(Input::Problem(Event::error(&origin, e.to_string()))),
        }
    }
    list.sort_by_key(|e| e.file_name());
    for entry in list {
        if entry.file_name().as_encoded_bytes().starts_with(b".") {
            continue;
        }
        let path = entry.path();
        let shown = path.display().to_string();
        let file_type = match entry.file_type() {
            Ok(t) => t,
            Err(e) => {
                out.push(Input::Problem(Event::error(&shown, e.to_string())));
                continue;
            }
        };
        if file_type.is_dir() {
            if depth < MAX_DEPTH {
                walk(&path, out, depth + 1);
            } else {
                out.push(Input::Problem(Event::warning(
                    &shown,
                    "directory nested too deeply, skipped",
                )));
            }
        } else if file_type.is_file() {
            out.push(Input::Path(path));
        } else if file_type.is_symlink() {
            match fs::metadata(&path) {
                Ok(m) if m.is_file() => out.push(Input::Path(path)),
                Ok(m) if m.is_dir() => out.push(Input::Problem(Event::warning(
                    &shown,
                    "symbolic link to a directory, not followed",
                ))),
                Ok(_) => out.push(Input::Problem(Event::warning(
                    &shown,
                    "not a regular file, skipped",
                ))),
                Err(e) => out.push(Input::Problem(Event::error(&shown, e.to_string()))),
            }
        } else {
            out.push(Input::Problem(Event::warning(
                &shown,
                "not a regular file, skipped",
            )));
        }
    }
}

#[cfg(test)]
#[path = "read_tests.rs"]
mod tests;
