//! Integration tests, compiled as one binary: one module per topic.

mod cli;
mod common;
mod eval;
mod properties;
mod seed;
mod server;
mod store;
