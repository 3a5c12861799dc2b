//! Tests of the tagger with the embedded model.
