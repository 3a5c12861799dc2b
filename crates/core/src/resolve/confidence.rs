//! How sure a speaker is: every resolution path is one kind of [`Evidence`], and its
//! confidence is the share of train sources resolved by that path whose speaker was right
//! (against the silver referents of CoreNLP's coreference), counted by
//! `verbatim train --task speaker-confidence` into `models/speaker_confidence.tsv`.

use super::Via;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The resolution path that named a speaker, one per rule of the resolver.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Evidence {
    /// The source holds the entity's fullest name.
    FullName,
    /// The source holds a shorter or longer form of the entity's name ("Trump").
    ShortName,
    /// No usable syntactic head: the first person named in the source.
    FirstPerson,
    /// A name in apposition inside the source.
    Apposition,
    /// A news outlet as the source ("The Times").
    Outlet,
    /// "who" / "which" / "that" right after a name.
    Relative,
    /// A pronoun continuing the last speaker.
    PronounContinued,
    /// A pronoun resolved to a subject-like person known to have its gender.
    PronounGendered,
    /// A pronoun resolved to a subject-like person not known to differ in gender.
    PronounSubject,
    /// A pronoun resolved to any person not known to differ in gender.
    PronounAny,
    /// "it": the organisation named last before it.
    PronounOrganization,
    /// A singular pronoun nobody could be found for.
    PronounUnresolved,
    /// "his campaign": the campaign of the person the pronoun is.
    CampaignOf,
    /// "they", "we": a group.
    PluralPronoun,
    /// An anonymous source ("officials", "a senior aide").
    Anonymous,
    /// A description resolved by a title seen on a name ("the President").
    DescriptionTitle,
    /// A description resolved by a word of an organisation's name ("the agency").
    DescriptionName,
    /// A definite organisation noun ("the company") resolved to the organisation named last.
    DescriptionNearest,
    /// A document with its issuer named inside the source ("A Quinnipiac poll").
    IssuerInside,
    /// A definite document whose issuer was named with it earlier ("the poll").
    IssuerEarlier,
    /// "his website": the issuer is the person the possessive pronoun is.
    IssuerPossessive,
    /// A document with no issuer found.
    Document,
    /// A name inside the source that is not its head (a group, an organisation).
    NameInside,
    /// A capitalised source the tagger missed, matched by surname.
    Surname,
    /// The article's writer, named by the byline.
    Byline,
    /// A letter writer's "I", named by the letter's signature.
    Signature,
    /// A population or set ("voters", "critics").
    Group,
    /// An organisation named by a common noun ("the campaign").
    OrganizationPhrase,
    /// Nothing known.
    Unknown,
}

impl Evidence {
    pub const ALL: [Evidence; 29] = [
        Evidence::FullName,
        Evidence::ShortName,
        Evidence::FirstPerson,
        Evidence::Apposition,
        Evidence::Outlet,
        Evidence::Relative,
        Evidence::PronounContinued,
        Evidence::PronounGendered,
        Evidence::PronounSubject,
        Evidence::PronounAny,
        Evidence::PronounOrganization,
        Evidence::PronounUnresolved,
        Evidence::CampaignOf,
        Evidence::PluralPronoun,
        Evidence::Anonymous,
        Evidence::DescriptionTitle,
        Evidence::DescriptionName,
        Evidence::DescriptionNearest,
        Evidence::IssuerInside,
        Evidence::IssuerEarlier,
        Evidence::IssuerPossessive,
        Evidence::Document,
        Evidence::NameInside,
        Evidence::Surname,
        Evidence::Byline,
        Evidence::Signature,
        Evidence::Group,
        Evidence::OrganizationPhrase,
        Evidence::Unknown,
    ];

    /// The key of the evidence in `models/speaker_confidence.tsv`.
    pub fn as_str(self) -> &'static str {
        match self {
            Evidence::FullName => "full-name",
            Evidence::ShortName => "short-name",
            Evidence::FirstPerson => "first-person",
            Evidence::Apposition => "apposition",
            Evidence::Outlet => "outlet",
            Evidence::Relative => "relative",
            Evidence::PronounContinued => "pronoun-continued",
            Evidence::PronounGendered => "pronoun-gendered",
            Evidence::PronounSubject => "pronoun-subject",
            Evidence::PronounAny => "pronoun-any",
            Evidence::PronounOrganization => "pronoun-organization",
            Evidence::PronounUnresolved => "pronoun-unresolved",
            Evidence::CampaignOf => "campaign-of",
            Evidence::PluralPronoun => "plural-pronoun",
            Evidence::Anonymous => "anonymous",
            Evidence::DescriptionTitle => "description-title",
            Evidence::DescriptionName => "description-name",
            Evidence::DescriptionNearest => "description-nearest",
            Evidence::IssuerInside => "issuer-inside",
            Evidence::IssuerEarlier => "issuer-earlier",
            Evidence::IssuerPossessive => "issuer-possessive",
            Evidence::Document => "document",
            Evidence::NameInside => "name-inside",
            Evidence::Surname => "surname",
            Evidence::Byline => "byline",
            Evidence::Signature => "signature",
            Evidence::Group => "group",
            Evidence::OrganizationPhrase => "organization-phrase",
            Evidence::Unknown => "unknown",
        }
    }

    pub fn parse(key: &str) -> Option<Evidence> {
        Evidence::ALL.into_iter().find(|e| e.as_str() == key)
    }

    /// The `via` a reader sees for this evidence.
    pub fn via(self) -> Via {
        match self {
            Evidence::FullName | Evidence::FirstPerson | Evidence::Outlet => Via::Name,
            Evidence::NameInside => Via::Name,
            Evidence::ShortName | Evidence::Surname => Via::Alias,
            Evidence::Apposition => Via::Apposition,
            Evidence::Relative
            | Evidence::PronounContinued
            | Evidence::PronounGendered
            | Evidence::PronounSubject
            | Evidence::PronounAny
            | Evidence::PronounOrganization
            | Evidence::CampaignOf => Via::Pronoun,
            Evidence::DescriptionTitle
            | Evidence::DescriptionName
            | Evidence::DescriptionNearest => Via::Description,
            Evidence::IssuerInside | Evidence::IssuerEarlier | Evidence::IssuerPossessive => {
                Via::Issuer
            }
            Evidence::Byline | Evidence::Signature => Via::Byline,
            Evidence::PronounUnresolved
            | Evidence::PluralPronoun
            | Evidence::Anonymous
            | Evidence::Document
            | Evidence::Group
            | Evidence::OrganizationPhrase
            | Evidence::Unknown => Via::None,
        }
    }

    /// Whether the source span becomes a mention of the entity it was resolved to (a pronoun
    /// or a description is one more mention; a name already is one).
    pub fn joins_entity(self) -> bool {
        matches!(
            self,
            Evidence::Relative
                | Evidence::PronounContinued
                | Evidence::PronounGendered
                | Evidence::PronounSubject
                | Evidence::PronounAny
                | Evidence::PronounOrganization
                | Evidence::DescriptionTitle
                | Evidence::DescriptionName
                | Evidence::DescriptionNearest
                | Evidence::Surname
        )
    }
}

const TABLE: &str = include_str!("../../../../models/speaker_confidence.tsv");

/// Right and total counts by evidence key, from the embedded table.
fn counts() -> &'static HashMap<String, (u64, u64)> {
    static MAP: OnceLock<HashMap<String, (u64, u64)>> = OnceLock::new();
    MAP.get_or_init(|| parse(TABLE))
}

fn parse(table: &str) -> HashMap<String, (u64, u64)> {
    crate::table::rows(table)
        .filter_map(|mut cols| {
            let key = cols.next()?.to_string();
            let right = cols.next()?.parse().ok()?;
            let total = cols.next()?.parse().ok()?;
            Some((key, (right, total)))
        })
        .collect()
}

/// The confidence of a speaker found by `evidence`: the smoothed share right on train,
/// (right + 1) / (total + 2), to two decimals (0.5 for evidence train never showed).
pub fn confidence(evidence: Evidence) -> f64 {
    let (right, total) = counts().get(evidence.as_str()).copied().unwrap_or((0, 0));
    let p = (right as f64 + 1.0) / (total as f64 + 2.0);
    (p * 100.0).round() / 100.0
}

/// The table `verbatim train --task speaker-confidence` writes: one row per evidence kind
/// with its right and total counts and what they were counted against (`judged`: hand-judged
/// referents of train articles; `silver`: CoreNLP's coreference), in [`Evidence::ALL`] order.
pub fn write_table(
    counts: &std::collections::BTreeMap<Evidence, (u64, u64, &'static str)>,
) -> String {
    let mut out = String::from(
        "# How often a speaker found by each resolver rule is right, on PolNeAR train's gold\n\
         # sources: against hand-judged referents (data/speakers/train.jsonl) where they show\n\
         # the rule at least 3 times, else against CoreNLP's coreference (silver).\n\
         # Written by `verbatim train --task speaker-confidence`; see models/README.md.\n\
         # evidence\tright\ttotal\tcounted on\n",
    );
    for e in Evidence::ALL {
        let (right, total, against) = counts.get(&e).copied().unwrap_or((0, 0, "silver"));
        out.push_str(&format!("{}\t{right}\t{total}\t{against}\n", e.as_str()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confidence_is_the_smoothed_share_right() {
        let map = parse("# c\nfull-name\t98\t98\npronoun-any\t1\t8\n");
        assert_eq!(map["full-name"], (98, 98));
        assert_eq!(map["pronoun-any"], (1, 8));
        let keys: std::collections::BTreeSet<&str> =
            Evidence::ALL.iter().map(|e| e.as_str()).collect();
        assert_eq!(keys.len(), Evidence::ALL.len(), "keys are distinct");
    }

    #[test]
    fn the_table_round_trips() {
        let mut c = std::collections::BTreeMap::new();
        c.insert(Evidence::Anonymous, (40, 50, "judged"));
        let table = write_table(&c);
        let map = parse(&table);
        assert_eq!(map["anonymous"], (40, 50));
        assert_eq!(map["byline"], (0, 0));
        assert_eq!(map.len(), Evidence::ALL.len());
    }
}
