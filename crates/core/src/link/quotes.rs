//! Quote clusters across articles.
