//! Ingest: turns files, directories and stdin (plain text, JSONL, HTML, WARC; gzip or zstd) into
//! [`Article`](crate::Article)s, and recognises wire-story metadata in the text.
//!
//! [`Reader`] yields [`Event`]s: articles, and warnings and errors that never stop the
//! reading. [`recognize`] finds the headline, dates, dateline and byline a text shows.

pub(crate) mod dates;
mod decompress;
pub mod html;
#[cfg(feature = "html")]
mod html_clean;
mod jsonl;
mod read;
pub mod screen;
mod warc;
mod wire;

pub use html::HtmlPage;
pub use read::{text_id, Event, Item, Items, Limits, Reader};
pub use screen::{Screen, Skip, SkipCounts};
pub use wire::{dateline_span, recognize, recognize_with};
