//! Resolution: who the source of an attribution really is (a named person or organisation,
//! an anonymous source, a group, a document).

use serde::Serialize;

/// What kind of speaker a source is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SpeakerType {
    Person,
    Organization,
    Group,
    Anonymous,
    Document,
    Unknown,
}

/// The resolved speaker of an attribution.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Speaker {
    /// The fullest proper name ("Donald Trump"), or the source phrase when there is none.
    pub name: String,
    #[serde(rename = "type")]
    pub kind: SpeakerType,
    /// Index of the article entity this speaker is, if any.
    pub entity: Option<usize>,
    /// For anonymous and group sources: the phrase and any affiliation.
    pub description: Option<String>,
}
