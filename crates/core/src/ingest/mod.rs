//! Ingest: turns files, directories and stdin (plain text, JSONL; gzip or zstd) into
//! [`Article`](crate::Article)s, and recognises wire-story metadata in the text.
//!
//! [`Reader`] yields [`Event`]s: articles, and warnings and errors that never stop the
//! reading. [`recognize`] finds the headline, dates, dateline and byline a text shows.

mod dates;
mod decompress;
mod jsonl;
mod read;
mod wire;

pub use read::{text_id, Event, Reader};
pub use wire::{recognize, recognize_with};
