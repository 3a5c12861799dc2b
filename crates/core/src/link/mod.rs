//! Linking across articles: which speaker names denote the same person or organisation
//! ([`names`]), and which quotes in different articles report the same statement
//! ([`quotes`]). Pure text logic; the store keeps the results and applies them incrementally.

pub mod names;
pub mod quotes;
