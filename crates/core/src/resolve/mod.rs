//! Resolution: who the source of an attribution really is. Entity mentions are grouped into
//! article entities ("U.S. President Donald Trump", "Trump", "the President" → Donald Trump),
//! and every attribution's source becomes a [`Speaker`]: a named person or organisation
//! (through titles, name variants and pronouns), or a typed anonymous source, group or
//! document.

pub(crate) mod confidence;
mod entities;
mod gender;
mod lexicon;
pub(crate) mod speaker;

pub use confidence::Evidence;
pub use entities::{group_entities, refine_mentions, Entity};
pub use gender::learn_first_names;
pub(crate) use gender::{first_name_female, full_name_female};
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

/// How a speaker was found: the evidence a reader can check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// A name in the source span, the entity's fullest form ("Donald Trump said").
    Name,
    /// A shorter or longer form of a name in the article ("Trump said" after "Donald Trump").
    Alias,
    /// A personal or relative pronoun ("he", "who") resolved to a person named before.
    Pronoun,
    /// A definite description ("the President", "the agency") resolved by title or name.
    Description,
    /// A name in apposition inside the source ("A lawyer for the outlets, David Schulz,").
    Apposition,
    /// The article's own writer ("I" outside quotation marks), named by the byline.
    Byline,
    /// A document's issuer ("the poll" after "A Bloomberg poll").
    Issuer,
    /// Nothing was resolved: the speaker is the source phrase, typed.
    None,
}

impl Via {
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Name => "name",
            Via::Alias => "alias",
            Via::Pronoun => "pronoun",
            Via::Description => "description",
            Via::Apposition => "apposition",
            Via::Byline => "byline",
            Via::Issuer => "issuer",
            Via::None => "none",
        }
    }

    pub fn parse(s: &str) -> Option<Via> {
        Some(match s {
            "name" => Via::Name,
            "alias" => Via::Alias,
            "pronoun" => Via::Pronoun,
            "description" => Via::Description,
            "apposition" => Via::Apposition,
            "byline" => Via::Byline,
            "issuer" => Via::Issuer,
            "none" => Via::None,
            _ => return None,
        })
    }

    /// Whether the speaker was inferred from something other than a name in the source span.
    pub fn inferred(self) -> bool {
        !matches!(self, Via::Name | Via::None)
    }
}

/// A person's gender as the article shows it (honorifics, gendered titles, pronouns resolved
/// to them) or as the corpus shows for their first name; `Unknown` without evidence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Female,
    Male,
    Unknown,
}

impl Gender {
    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Female => "female",
            Gender::Male => "male",
            Gender::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Option<Gender> {
        Some(match s {
            "female" => Gender::Female,
            "male" => Gender::Male,
            "unknown" => Gender::Unknown,
            _ => return None,
        })
    }
}

/// The resolved speaker of an attribution.
#[derive(Clone, Debug, PartialEq)]
pub struct Speaker {
    /// The fullest proper name ("Donald Trump"), or the source phrase when there is none.
    pub name: String,
    pub kind: SpeakerType,
    /// Id of the article entity this speaker is (an index into the article's entities).
    pub entity: Option<usize>,
    /// For anonymous, group and document sources: the phrase as written, and the affiliation
    /// in parentheses where the phrase names one ("A Justice official (Justice Department)").
    pub description: Option<String>,
    /// Whom the speaker speaks for: the organisation of an anonymous source ("Justice
    /// Department"), the principal of a spokesperson, aide or lawyer ("Hillary Clinton
    /// campaign" for "Clinton campaign spokesman Brian Fallon").
    pub affiliation: Option<String>,
    /// The role the source gives a representative ("spokesman", "lawyer").
    pub role: Option<String>,
    /// For a document: the person or organisation that issued it, when the article names one.
    pub issuer: Option<String>,
    /// The resolver rule that found it ("pronoun-continued", "description-title"): the key
    /// of its confidence in `models/speaker_confidence.tsv`; [`Speaker::via`] follows from it.
    pub evidence: Evidence,
    /// The mention the source was resolved to (byte span), for every `via` but `name`,
    /// `byline` and `none`.
    pub antecedent: Option<crate::span::Span>,
    /// How likely the speaker is right, in [0, 1]: the share of train sources resolved by the
    /// same kind of evidence that were right (`models/speaker_confidence.tsv`).
    pub confidence: f64,
    /// For persons: the gender the evidence shows; `None` for other kinds.
    pub gender: Option<Gender>,
}

impl Speaker {
    /// How the speaker was found, as a reader checks it.
    pub fn via(&self) -> Via {
        self.evidence.via()
    }
}

#[cfg(test)]
mod tests;
