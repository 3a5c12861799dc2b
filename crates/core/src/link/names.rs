//! Speaker names across articles.
