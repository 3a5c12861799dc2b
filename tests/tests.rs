//! Integration tests, compiled as one binary: one module per topic.

mod cli;
mod common;
mod eval;
mod hostile;
mod html;
mod link;
mod load;
mod parse;
mod properties;
mod quality;
mod scaling;
mod schema;
mod screen;
mod seed;
mod server;
mod server_limits;
mod speakers;
mod store;
mod warc;
mod writers;
