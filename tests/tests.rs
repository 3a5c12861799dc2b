//! Integration tests, compiled as one binary: one module per topic.

mod cli;
mod common;
mod eval;
mod html;
mod properties;
mod quality;
mod seed;
mod speakers;
mod warc;
