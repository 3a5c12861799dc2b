//! Speaker names across articles: when "Jeff Sessions", "Sessions", "Attorney General Jeff
//! Sessions" and "Sen. Jeff Sessions (R-Ala.)" denote one person, and when "Clinton" does not.
//!
//! Each article's resolver already picked the fullest name it saw for each speaker, so a
//! name reaching this module is either a full name ("Donald J. Trump") or a surname alone (the
//! article never gave more). The rules, in the order [`link_person`] applies them:
//!
//! - A person's name is parsed into first name, middle names and initials, surname and suffix,
//!   with honorifics, titles before the name ("Florida Sen."), possessives and a trailing
//!   parenthesis ("(R-Ala.)") dropped ([`PersonName::parse`]).
//! - Two full names are the same person when the surnames are equal, the first names are
//!   equal, nicknames of each other ("Bill"/"William") or an initial of the other, the middle
//!   names do not contradict ("George W." vs "George H. W."), the suffixes are equal (Donald
//!   Trump is not Donald Trump Jr.) and the genders seen do not contradict.
//! - A surname alone joins the full-name person with that surname when there is only one, or
//!   when one holds at least [`DOMINANT_SHARE`] of the quotes of all of them ("Clinton" in 2016
//!   news); an honorific decides between a man and a woman ("Mr. Clinton" is not Hillary).
//!   Otherwise it stays a person of its own, named by the surname, until a full name settles it.
//! - Organisations are the same when their names are equal without a leading "the", or when
//!   one is the acronym of the other ("FBI", "Federal Bureau of Investigation").
//!
//! Everything here is pure and deterministic; the store keeps the canonical speakers and
//! calls these functions for each new name.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// A surname alone joins the most quoted full-name person with that surname when that person
/// holds at least this share of their quotes.
pub const DOMINANT_SHARE: f64 = 0.8;

/// A person's name, parsed for comparison. Every part is lower case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonName {
    pub first: Option<String>,
    /// Middle names and initials, initials without their period.
    pub middle: Vec<String>,
    pub last: String,
    /// "jr", "sr", "ii", "iii", "iv".
    pub suffix: Option<String>,
    /// `Some(true)` for a woman, `Some(false)` for a man, when an honorific ("Mrs.", "Mr.") or
    /// a common first name shows it.
    pub female: Option<bool>,
}

const HONORIFICS: &[(&str, Option<bool>)] = &[
    ("mr", Some(false)),
    ("mrs", Some(true)),
    ("ms", Some(true)),
    ("miss", Some(true)),
    ("dr", None),
    ("prof", None),
    ("rev", None),
    ("sir", Some(false)),
    ("dame", Some(true)),
    ("madam", Some(true)),
];

const SUFFIXES: &[&str] = &["jr", "sr", "ii", "iii", "iv"];

/// Groups of first names that name the same person: a nickname and its formal name.
const NICKNAMES: &[&[&str]] = &[
    &["william", "bill", "billy", "will", "willie"],
    &["robert", "bob", "bobby", "rob", "robby"],
    &["james", "jim", "jimmy", "jamie"],
    &["michael", "mike"],
    &["joseph", "joe", "joey"],
    &["thomas", "tom", "tommy"],
    &["richard", "dick", "rick", "ricky", "rich"],
    &["edward", "ted", "ed", "eddie", "teddy"],
    &["theodore", "ted", "teddy"],
    &["bernard", "bernie"],
    &["christopher", "chris"],
    &["david", "dave"],
    &["daniel", "dan", "danny"],
    &["steven", "steve"],
    &["stephen", "steve"],
    &["anthony", "tony"],
    &["benjamin", "ben"],
    &["nicholas", "nick"],
    &["samuel", "sam"],
    &["patrick", "pat"],
    &["patricia", "pat", "patty"],
    &["elizabeth", "liz", "beth", "betsy"],
    &["katherine", "kate", "kathy", "katie"],
    &["jeffrey", "jeff"],
    &["jefferson", "jeff"],
    &["charles", "charlie", "chuck"],
    &["kenneth", "ken"],
    &["lawrence", "larry"],
    &["gerald", "jerry"],
    &["donald", "don"],
    &["ronald", "ron"],
    &["timothy", "tim"],
    &["matthew", "matt"],
    &["andrew", "andy"],
    &["alexander", "alex"],
    &["jonathan", "jon"],
    &["gregory", "greg"],
    &["douglas", "doug"],
    &["zachary", "zach"],
    &["deborah", "debbie", "deb"],
    &["susan", "sue"],
    &["margaret", "maggie", "peggy"],
    &["barack", "barry"],
];

/// Lower case, periods and commas off the ends, possessive dropped.
fn clean_word(w: &str) -> String {
    let w = w
        .trim_matches(|c: char| matches!(c, '.' | ',' | ';' | ':' | '"' | '\u{201c}' | '\u{201d}'));
    let w = w
        .strip_suffix("'s")
        .or_else(|| w.strip_suffix("\u{2019}s"))
        .unwrap_or(w);
    w.trim_end_matches(['\'', '\u{2019}']).to_lowercase()
}

/// Every word of every title in the title lexicon ("attorney", "general", "sen"), periods off.
fn title_words() -> &'static BTreeSet<String> {
    static WORDS: OnceLock<BTreeSet<String>> = OnceLock::new();
    WORDS.get_or_init(|| {
        let mut set: BTreeSet<String> = crate::tag::titles::TITLES
            .iter()
            .flat_map(|t| t.split([' ', '-']))
            .map(clean_word)
            .filter(|w| !w.is_empty() && !matches!(w.as_str(), "of" | "the" | "and" | "in"))
            .collect();
        for w in [
            "former", "then", "pres", "vice", "first", "lady", "deputy", "acting", "chief",
        ] {
            set.insert(w.to_string());
        }
        set
    })
}

fn honorific(word: &str) -> Option<Option<bool>> {
    HONORIFICS
        .iter()
        .find(|(h, _)| *h == word)
        .map(|&(_, female)| female)
}

fn is_initial(word: &str) -> bool {
    word.chars().count() == 1 && word.chars().all(char::is_alphabetic)
}

impl PersonName {
    /// Parses a person's name; `None` when nothing name-like is left ("", "the President").
    pub fn parse(name: &str) -> Option<PersonName> {
        // A trailing parenthesis is a party tag or an aside: "Jeff Sessions (R-Ala.)".
        let name = name.find('(').map_or(name, |i| &name[..i]);
        let raw: Vec<&str> = name.split_whitespace().collect();
        let mut female = None;
        let mut start = 0;
        // The name is what follows the last honorific or title word.
        for (i, w) in raw.iter().enumerate() {
            let c = clean_word(w);
            if let Some(g) = honorific(&c) {
                female = g.or(female);
                start = i + 1;
            } else if title_words().contains(&c) && i + 1 < raw.len() {
                start = i + 1;
            }
        }
        let mut words: Vec<String> = raw[start..]
            .iter()
            .map(|w| clean_word(w))
            .filter(|w| !w.is_empty() && w.chars().any(char::is_alphanumeric))
            .collect();
        let suffix = match words.last() {
            Some(w) if words.len() > 1 && SUFFIXES.contains(&w.as_str()) => words.pop(),
            _ => None,
        };
        let last = words.pop()?;
        if !last.chars().any(char::is_alphabetic) {
            return None;
        }
        let first = if words.is_empty() {
            None
        } else {
            Some(words.remove(0))
        };
        if female.is_none() {
            female = first.as_deref().and_then(crate::resolve::first_name_female);
        }
        Some(PersonName {
            first,
            middle: words,
            last,
            suffix,
            female,
        })
    }

    /// Whether the name has a first name as well as a surname.
    pub fn is_full(&self) -> bool {
        self.first.is_some()
    }

    /// The name as the words a store looks candidates up by: the surname.
    pub fn key(&self) -> String {
        format!("person:{}", self.last)
    }

    /// Whether the two names can denote the same person (see the module documentation).
    pub fn compatible(&self, other: &PersonName) -> bool {
        if self.last != other.last || self.suffix != other.suffix {
            return false;
        }
        if let (Some(a), Some(b)) = (self.female, other.female) {
            if a != b {
                return false;
            }
        }
        if let (Some(a), Some(b)) = (&self.first, &other.first) {
            if !same_first_name(a, b) {
                return false;
            }
        }
        middles_agree(&self.middle, &other.middle)
    }
}

/// Whether two first names name the same person: equal, nickname and formal name, or an
/// initial of the other.
pub fn same_first_name(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    if is_initial(a) || is_initial(b) {
        return a.chars().next() == b.chars().next();
    }
    NICKNAMES
        .iter()
        .any(|group| group.contains(&a) && group.contains(&b))
}

/// Middle names agree when either side has none, or when they pair up word by word (a name
/// matching its initial).
fn middles_agree(a: &[String], b: &[String]) -> bool {
    if a.is_empty() || b.is_empty() {
        return true;
    }
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_first_name(x, y))
}

/// A canonical person the store already knows under the surname being linked: its name as
/// linked so far (the fullest seen) and its quote count.
#[derive(Clone, Debug, PartialEq)]
pub struct Known {
    pub name: PersonName,
    pub quotes: i64,
}

/// Where a name goes: an existing speaker (index into the candidates) or a new one, and why,
/// in words a user reads in `speakers --explain`.
#[derive(Clone, Debug, PartialEq)]
pub enum Link {
    Existing { index: usize, reason: String },
    New { reason: String },
}

/// Links a person's name to one of the `known` people sharing its surname, or to none (see the
/// module documentation for the rules). Deterministic: ties go to the earlier candidate.
pub fn link_person(name: &PersonName, known: &[Known]) -> Link {
    let full: Vec<usize> = (0..known.len())
        .filter(|&i| known[i].name.is_full() && name.compatible(&known[i].name))
        .collect();
    let best = |ids: &[usize]| -> Option<usize> {
        ids.iter()
            .copied()
            .fold(None, |best: Option<usize>, i| match best {
                Some(b) if known[b].quotes >= known[i].quotes => Some(b),
                _ => Some(i),
            })
    };
    if name.is_full() {
        return match best(&full) {
            Some(index) => Link::Existing {
                index,
                reason: if full.len() == 1 {
                    "same first name and surname".to_string()
                } else {
                    "same first name and surname; the most quoted of several".to_string()
                },
            },
            None => Link::New {
                reason: "first seen full name".to_string(),
            },
        };
    }
    if let Some(index) = best(&full) {
        if full.len() == 1 {
            return Link::Existing {
                index,
                reason: format!(
                    "surname alone; the only person named {}",
                    title_case(&name.last)
                ),
            };
        }
        let total: i64 = full.iter().map(|&i| known[i].quotes.max(0)).sum();
        let share = known[index].quotes.max(0) as f64 / total.max(1) as f64;
        if share >= DOMINANT_SHARE {
            return Link::Existing {
                index,
                reason: format!(
                    "surname alone; {} of {} quotes by people named {} are theirs",
                    known[index].quotes,
                    total,
                    title_case(&name.last)
                ),
            };
        }
    }
    let bare =
        (0..known.len()).find(|&i| !known[i].name.is_full() && name.compatible(&known[i].name));
    match bare {
        Some(index) => Link::Existing {
            index,
            reason: "same surname, no first name known".to_string(),
        },
        None if full.is_empty() => Link::New {
            reason: "surname alone, first seen".to_string(),
        },
        None => Link::New {
            reason: format!(
                "surname alone; ambiguous between {} people named {}",
                full.len(),
                title_case(&name.last)
            ),
        },
    }
}

/// The surname-only people a newly seen full name settles: those compatible with it when it
/// is now the only full-name person with that surname compatible with them.
pub fn absorbed_by(name: &PersonName, known: &[Known]) -> Vec<usize> {
    if !name.is_full() {
        return Vec::new();
    }
    (0..known.len())
        .filter(|&i| {
            let bare = &known[i].name;
            !bare.is_full()
                && bare.compatible(name)
                && !known
                    .iter()
                    .any(|k| k.name.is_full() && k.name != *name && bare.compatible(&k.name))
        })
        .collect()
}

/// `word` with its first letter in upper case ("sessions" → "Sessions").
pub fn title_case(word: &str) -> String {
    let mut c = word.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Words that do not count in an organisation's acronym.
const ACRONYM_SKIP: &[&str] = &["of", "the", "and", "for", "on", "in", "&", "at", "to"];

/// The keys an organisation is looked up by: its normalised name ("org:federal bureau of
/// investigation") and its acronym ("org:fbi"), from either form. Empty for a name with no
/// letters.
pub fn organization_keys(name: &str) -> Vec<String> {
    let mut words: Vec<String> = name
        .split_whitespace()
        .map(clean_word)
        .filter(|w| !w.is_empty())
        .collect();
    while words.len() > 1 && words[0] == "the" {
        words.remove(0);
    }
    if !words.iter().any(|w| w.chars().any(char::is_alphabetic)) {
        return Vec::new();
    }
    let mut keys = vec![format!("org:{}", words.join(" "))];
    if words.len() == 1 {
        // "F.B.I." and "FBI" alike.
        let letters: String = words[0].chars().filter(|c| *c != '.').collect();
        let raw: String = name.chars().filter(|c| c.is_alphabetic()).collect();
        let upper = raw.chars().all(char::is_uppercase);
        if upper && (2..=6).contains(&letters.chars().count()) {
            keys = vec![format!("org:{letters}")];
        }
    } else {
        let initials: String = words
            .iter()
            .filter(|w| !ACRONYM_SKIP.contains(&w.as_str()))
            .filter_map(|w| w.chars().next())
            .collect();
        if (2..=6).contains(&initials.chars().count()) {
            keys.push(format!("org:{initials}"));
        }
    }
    keys.dedup();
    keys
}

/// The key of a speaker that is neither a person nor an organisation (anonymous, group,
/// document, unknown): its type and description, lower case. Such speakers join only their
/// own exact description, never a person.
pub fn description_key(kind: &str, description: &str) -> String {
    let words: Vec<String> = description
        .split_whitespace()
        .map(str::to_lowercase)
        .collect();
    format!("{kind}:{}", words.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(
        first: Option<&str>,
        middle: &[&str],
        last: &str,
        suffix: Option<&str>,
    ) -> PersonName {
        PersonName {
            first: first.map(Into::into),
            middle: middle.iter().map(|s| s.to_string()).collect(),
            last: last.into(),
            suffix: suffix.map(Into::into),
            female: None,
        }
    }

    /// (first, middle, last, suffix)
    type Parts<'a> = (Option<&'a str>, &'a [&'a str], &'a str, Option<&'a str>);

    fn check_parse(input: &str, expected: Option<Parts>) {
        let got = PersonName::parse(input).map(|p| PersonName { female: None, ..p });
        let want = expected.map(|(f, m, l, s)| person(f, m, l, s));
        assert_eq!(got, want, "{input:?}");
    }

    #[test]
    fn names_parse_without_titles_and_honorifics() {
        check_parse("Jeff Sessions", Some((Some("jeff"), &[], "sessions", None)));
        check_parse("Sessions", Some((None, &[], "sessions", None)));
        check_parse(
            "Attorney General Jeff Sessions",
            Some((Some("jeff"), &[], "sessions", None)),
        );
        check_parse(
            "Sen. Jeff Sessions (R-Ala.)",
            Some((Some("jeff"), &[], "sessions", None)),
        );
        check_parse(
            "Former Florida Gov. Jeb Bush",
            Some((Some("jeb"), &[], "bush", None)),
        );
        check_parse(
            "White House Press Secretary Josh Earnest",
            Some((Some("josh"), &[], "earnest", None)),
        );
        check_parse(
            "Donald J. Trump",
            Some((Some("donald"), &["j"], "trump", None)),
        );
        check_parse(
            "Donald Trump Jr.",
            Some((Some("donald"), &[], "trump", Some("jr"))),
        );
        check_parse(
            "Donald Trump, Jr.",
            Some((Some("donald"), &[], "trump", Some("jr"))),
        );
        check_parse("Mr. Trump", Some((None, &[], "trump", None)));
        check_parse("Trump's", Some((None, &[], "trump", None)));
        check_parse(
            "Hillary Rodham Clinton",
            Some((Some("hillary"), &["rodham"], "clinton", None)),
        );
        check_parse("President", Some((None, &[], "president", None)));
        check_parse("", None);
        check_parse("  ... ", None);
        check_parse("(R-Ala.)", None);
        check_parse("1999", None);
    }

    #[test]
    fn honorifics_and_first_names_give_gender() {
        let g = |s: &str| PersonName::parse(s).and_then(|p| p.female);
        assert_eq!(g("Mrs. Clinton"), Some(true));
        assert_eq!(g("Mr. Clinton"), Some(false));
        assert_eq!(g("Hillary Clinton"), Some(true));
        assert_eq!(g("Clinton"), None);
        // First names take the gender train's coreference chains give them.
        assert_eq!(g("Dr. Ben Carson"), Some(false));
        assert_eq!(g("Dr. Zzyzx Carson"), None);
    }

    fn check_compatible(a: &str, b: &str, expected: bool) {
        let (pa, pb) = (PersonName::parse(a).unwrap(), PersonName::parse(b).unwrap());
        assert_eq!(pa.compatible(&pb), expected, "{a:?} vs {b:?}");
        assert_eq!(pb.compatible(&pa), expected, "{b:?} vs {a:?}");
    }

    #[test]
    fn compatible_names() {
        check_compatible("Jeff Sessions", "Attorney General Jeff Sessions", true);
        check_compatible("Jeff Sessions", "Sessions", true);
        check_compatible("Donald J. Trump", "Donald Trump", true);
        check_compatible("Bill Clinton", "William Jefferson Clinton", true);
        check_compatible("Bernie Sanders", "Bernard Sanders", true);
        check_compatible("J. Smith", "John Smith", true);
        check_compatible("Hillary Rodham Clinton", "Hillary Clinton", true);
        check_compatible("Bill Clinton", "Hillary Clinton", false);
        check_compatible("Donald Trump", "Ivanka Trump", false);
        check_compatible("Donald Trump", "Donald Trump Jr.", false);
        check_compatible("George W. Bush", "George H. W. Bush", false);
        check_compatible("George W. Bush", "George Walker Bush", true);
        check_compatible("Mr. Clinton", "Hillary Clinton", false);
        check_compatible("Mrs. Clinton", "Hillary Clinton", true);
        check_compatible("Jeff Sessions", "Pete Sessions", false);
        check_compatible("Sessions", "Jeff Session", false);
    }

    fn known(name: &str, quotes: i64) -> Known {
        Known {
            name: PersonName::parse(name).unwrap(),
            quotes,
        }
    }

    fn check_link(name: &str, knowns: &[Known], expected: Option<usize>) {
        let got = match link_person(&PersonName::parse(name).unwrap(), knowns) {
            Link::Existing { index, reason } => {
                assert!(!reason.is_empty());
                Some(index)
            }
            Link::New { reason } => {
                assert!(!reason.is_empty());
                None
            }
        };
        assert_eq!(got, expected, "{name:?}");
    }

    #[test]
    fn linking_people() {
        let clintons = [known("Hillary Clinton", 420), known("Bill Clinton", 45)];
        check_link("Hillary Rodham Clinton", &clintons, Some(0));
        check_link("Bill Clinton", &clintons, Some(1));
        check_link("William J. Clinton", &clintons, Some(1));
        check_link("Chelsea Clinton", &clintons, None);
        check_link("Clinton", &clintons, Some(0));
        check_link("Mr. Clinton", &clintons, Some(1));
        check_link("Mrs. Clinton", &clintons, Some(0));
        // No dominant person: the surname stays apart, then joins its own kind.
        let even = [known("Tom Perez", 10), known("Carlos Perez", 9)];
        check_link("Perez", &even, None);
        let with_bare = [
            known("Tom Perez", 10),
            known("Carlos Perez", 9),
            known("Perez", 3),
        ];
        check_link("Perez", &with_bare, Some(2));
        check_link("Sessions", &[known("Jeff Sessions", 1)], Some(0));
        check_link("Sessions", &[], None);
        check_link("Sessions", &[known("Sessions", 4)], Some(0));
        check_link("Jeff Sessions", &[known("Sessions", 4)], None);
        check_link("Donald Trump Jr.", &[known("Donald Trump", 600)], None);
        // Ties go to the earlier candidate.
        check_link(
            "Donald Trump",
            &[known("Donald Trump", 5), known("Donald J. Trump", 5)],
            Some(0),
        );
    }

    #[test]
    fn full_names_absorb_lone_surnames() {
        let knowns = [
            known("Obama", 100),
            known("Clinton", 3),
            known("Bill Clinton", 4),
        ];
        let barack = PersonName::parse("Barack Obama").unwrap();
        assert_eq!(absorbed_by(&barack, &knowns), vec![0]);
        // Another full-name Clinton exists: "Clinton" stays apart.
        let hillary = PersonName::parse("Hillary Clinton").unwrap();
        assert_eq!(absorbed_by(&hillary, &knowns), Vec::<usize>::new());
        assert_eq!(
            absorbed_by(&PersonName::parse("Obama").unwrap(), &knowns),
            Vec::<usize>::new()
        );
    }

    fn check_org(a: &str, expected: &[&str]) {
        assert_eq!(organization_keys(a), expected, "{a:?}");
    }

    #[test]
    fn organisation_keys_meet_at_acronyms() {
        check_org(
            "Federal Bureau of Investigation",
            &["org:federal bureau of investigation", "org:fbi"],
        );
        check_org("FBI", &["org:fbi"]);
        check_org("F.B.I.", &["org:fbi"]);
        check_org("the FBI", &["org:fbi"]);
        check_org(
            "The Democratic National Committee",
            &["org:democratic national committee", "org:dnc"],
        );
        check_org("Reuters", &["org:reuters"]);
        check_org("NATO", &["org:nato"]);
        check_org("CNN's", &["org:cnn"]);
        check_org("...", &[]);
        check_org("", &[]);
    }

    #[test]
    fn descriptions_key_by_type() {
        assert_eq!(
            description_key("anonymous", "A  Justice official"),
            "anonymous:a justice official"
        );
        assert_ne!(
            description_key("anonymous", "Sessions"),
            description_key("group", "Sessions")
        );
    }
}
