//! Resolution: who the source of an attribution really is. Entity mentions are grouped into
//! article entities ("U.S. President Donald Trump", "Trump", "the President" → Donald Trump),
//! and every attribution's source becomes a [`Speaker`]: a named person or organisation
//! (through titles, name variants and pronouns), or a typed anonymous source, group or
//! document.

mod entities;
mod gender;
mod lexicon;
pub(crate) mod speaker;

pub use entities::{group_entities, refine_mentions, Entity};
pub(crate) use gender::first_name_female;
pub use gender::learn_first_names;
pub use speaker::Resolver;

use serde::{Deserialize, Serialize};

/// What kind of speaker a source is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpeakerType {
    Person,
    Organization,
    Group,
    Anonymous,
    Document,
    Unknown,
}

impl SpeakerType {
    pub fn as_str(self) -> &'static str {
        match self {
            SpeakerType::Person => "person",
            SpeakerType::Organization => "organization",
            SpeakerType::Group => "group",
            SpeakerType::Anonymous => "anonymous",
            SpeakerType::Document => "document",
            SpeakerType::Unknown => "unknown",
        }
    }
}

/// The resolved speaker of an attribution.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Speaker {
    /// The fullest proper name ("Donald Trump"), or the source phrase when there is none.
    pub name: String,
    #[serde(rename = "type")]
    pub kind: SpeakerType,
    /// Id of the article entity this speaker is (an index into the article's entities).
    pub entity: Option<usize>,
    /// For anonymous, group and document sources: the phrase as written, and the affiliation
    /// in parentheses where the phrase names one ("A Justice official (Justice Department)").
    pub description: Option<String>,
    /// The organisation an anonymous source speaks for, where the phrase names one.
    pub affiliation: Option<String>,
}

#[cfg(test)]
mod tests;
