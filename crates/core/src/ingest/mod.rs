//! Ingest: turns files, directories and stdin (plain text, JSONL; gzip or zstd) into
//! [`Article`]s, and recognises wire-story metadata in the text.

mod read;
mod wire;

pub use read::{Event, Reader};
pub use wire::recognize;
