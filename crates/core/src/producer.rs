//! What produced a record: the verbatim version and one id per model, so that a store or a
//! dataset can tell which records came from which models.
//!
//! A model id is a short hash of the model file's bytes ([`model_id`]): two binaries with the
//! same embedded files give the same ids, a retrained file gives a new one.

use crate::learn::hash::fnv1a;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The version of verbatim that wrote a record (the workspace's package version).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The `producer` member of every extract record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Producer {
    /// [`VERSION`] of the binary or library that analysed the article.
    pub verbatim: String,
    /// Stage → model id: `pos`, `parse`, `ner`, `attribution`.
    pub models: BTreeMap<String, String>,
}

/// The id of a model file: its 64-bit FNV-1a hash, 16 hex digits.
pub fn model_id(bytes: &[u8]) -> String {
    format!("{:016x}", fnv1a(bytes))
}

/// The ids of the embedded model files, hashed once per process (15 MB: a few ms).
fn embedded_ids() -> &'static [(&'static str, String); 4] {
    static IDS: OnceLock<[(&'static str, String); 4]> = OnceLock::new();
    IDS.get_or_init(|| {
        [
            ("attribution", model_id(crate::attribute::EMBEDDED_MODEL)),
            ("ner", model_id(crate::tag::EMBEDDED_BYTES)),
            ("parse", model_id(crate::parse::EMBEDDED)),
            ("pos", model_id(crate::pos::EMBEDDED)),
        ]
    })
}

impl Producer {
    /// The producer of the default pipeline: every model the embedded one.
    pub fn embedded() -> Producer {
        Producer {
            verbatim: VERSION.to_string(),
            models: embedded_ids()
                .iter()
                .map(|(stage, id)| (stage.to_string(), id.clone()))
                .collect(),
        }
    }

    /// The embedded models with another attributor, named by its
    /// [`crate::Attributor::model_id`].
    pub fn with_attribution(attribution_id: String) -> Producer {
        let mut p = Producer::embedded();
        p.models.insert("attribution".into(), attribution_id);
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribute::{Attributor, ModelAttributor, RuleAttributor};

    #[test]
    fn ids_are_short_hashes_of_the_model_bytes() {
        assert_eq!(model_id(b""), "cbf29ce484222325");
        assert_ne!(model_id(b"a"), model_id(b"b"));
        let p = Producer::embedded();
        assert_eq!(p.verbatim, VERSION);
        let stages: Vec<&str> = p.models.keys().map(String::as_str).collect();
        assert_eq!(stages, ["attribution", "ner", "parse", "pos"]);
        assert_eq!(p.models["pos"], model_id(crate::pos::EMBEDDED));
        assert!(p.models.values().all(|id| id.len() == 16));
    }

    #[test]
    fn an_attributor_names_itself_as_its_file_would() {
        // The embedded model written out again is the embedded file, so the id agrees.
        let model = ModelAttributor::embedded();
        assert_eq!(model.model_id(), Producer::embedded().models["attribution"]);
        let rules = Producer::with_attribution(RuleAttributor::new().model_id());
        assert_eq!(rules.models["attribution"], "rules");
        assert_eq!(rules.models["pos"], Producer::embedded().models["pos"]);
    }
}
