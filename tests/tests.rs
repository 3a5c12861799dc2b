//! Integration tests, one binary.

mod eval;
