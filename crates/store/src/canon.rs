//! The small pieces of text logic the store depends on, in one place: the content hash that
//! makes ingest idempotent, the canonical speaker key, speaker aliases, name normalisation
//! for speaker lookup.
//!
//! The canonical-speaker rule is deliberately simple (a later issue replaces it with
//! cross-article linking): a speaker is keyed by (name, type), where the name is the resolved
//! speaker name for people and organisations, and the description phrase for anonymous,
//! group, document and unknown sources. Different types are never merged.

use verbatim_core::{Speaker, SpeakerType};

/// FNV-1a, 128 bits, over the text's bytes; as 32 hex digits.
pub fn content_hash(text: &str) -> String {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013B;
    let mut h = OFFSET;
    for &b in text.as_bytes() {
        h ^= u128::from(b);
        h = h.wrapping_mul(PRIME);
    }
    format!("{h:032x}")
}

/// Whitespace collapsed, ends trimmed.
pub fn tidy(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Longest speaker name or alias kept, in characters.
pub const MAX_NAME: usize = 200;

/// The canonical (name, type) of a speaker, or `None` when it has no usable name (empty, or a
/// bare pronoun the resolver could not name).
pub fn speaker_key(s: &Speaker) -> Option<(String, &'static str)> {
    let name = match s.kind {
        SpeakerType::Person | SpeakerType::Organization => &s.name,
        _ => s.description.as_ref().unwrap_or(&s.name),
    };
    let name: String = tidy(name).chars().take(MAX_NAME).collect();
    if name.is_empty() || PRONOUNS.contains(&name.to_lowercase().as_str()) {
        return None;
    }
    Some((name, s.kind.as_str()))
}

const PRONOUNS: &[&str] = &[
    "he", "she", "they", "it", "we", "i", "you", "him", "her", "them", "us", "me", "his", "hers",
    "their", "its", "our", "who", "which", "that", "this", "these", "those",
];

/// Lower-case words that may stand inside a name ("Secretary of State", "Ludwig van Beethoven").
const NAME_PARTICLES: &[&str] = &[
    "of", "the", "de", "van", "von", "der", "den", "al", "bin", "la", "le", "du", "da", "del",
    "di", "and", "for",
];

/// Capitalised words that start a clause rather than a name ("But Trump", "When Clinton").
const LEADING_STOPWORDS: &[&str] = &[
    "after",
    "although",
    "and",
    "as",
    "because",
    "before",
    "but",
    "for",
    "if",
    "meanwhile",
    "since",
    "so",
    "that",
    "the",
    "though",
    "when",
    "whether",
    "while",
    "yet",
    "a",
    "an",
];

/// Whether a source phrase or mention can serve as a name to look a speaker up by: every
/// word capitalised (name particles aside), not opening with a conjunction or article, not a
/// bare pronoun, and short.
pub fn plausible_alias(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    let Some(first) = words.first() else {
        return false;
    };
    let first_lower = first.to_lowercase();
    words.len() <= 8
        && s.chars().count() <= 80
        && !PRONOUNS.contains(&first_lower.as_str())
        && !LEADING_STOPWORDS.contains(&first_lower.as_str())
        && words
            .iter()
            .all(|w| w.chars().next().is_some_and(char::is_uppercase) || NAME_PARTICLES.contains(w))
        && !NAME_PARTICLES.contains(first)
        && !words.last().is_some_and(|w| NAME_PARTICLES.contains(w))
}

/// Lower case, every run of non-alphanumeric characters one space, padded with a space on each
/// side, so that `LIKE '% sessions %'` finds a word sequence: " jeff sessions ".
pub fn normalize_name(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push(' ');
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    if !out.ends_with(' ') {
        out.push(' ');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn speaker(name: &str, kind: SpeakerType, description: Option<&str>) -> Speaker {
        Speaker {
            name: name.into(),
            kind,
            entity: None,
            description: description.map(Into::into),
            affiliation: None,
            role: None,
            issuer: None,
            evidence: verbatim_core::resolve::Evidence::Unknown,
            antecedent: None,
            confidence: 0.5,
            gender: None,
        }
    }

    fn check_key(s: Speaker, expected: Option<(&str, &str)>) {
        let got = speaker_key(&s);
        assert_eq!(
            got.as_ref().map(|(n, t)| (n.as_str(), *t)),
            expected,
            "{s:?}"
        );
    }

    #[test]
    fn speakers_are_keyed_by_name_and_type() {
        use SpeakerType::*;
        check_key(
            speaker("Jeff  Sessions", Person, None),
            Some(("Jeff Sessions", "person")),
        );
        check_key(
            speaker("officials", Anonymous, Some("a Justice official")),
            Some(("a Justice official", "anonymous")),
        );
        check_key(
            speaker("the report", Document, None),
            Some(("the report", "document")),
        );
        check_key(
            speaker("Sessions", Group, Some("Sessions")),
            Some(("Sessions", "group")),
        );
        check_key(speaker("  ", Person, None), None);
        check_key(speaker("she", Unknown, None), None);
        check_key(speaker("They", Group, Some("They")), None);
        check_key(speaker("", Anonymous, Some(" ")), None);
    }

    fn check_norm(input: &str, expected: &str) {
        assert_eq!(normalize_name(input), expected, "{input:?}");
    }

    #[test]
    fn names_normalise_to_padded_words() {
        check_norm("Jeff Sessions", " jeff sessions ");
        check_norm("  SESSIONS ", " sessions ");
        check_norm(
            "Attorney General Jeff Sessions",
            " attorney general jeff sessions ",
        );
        check_norm("O'Brien-Smith", " o brien smith ");
        check_norm("", " ");
        check_norm("Émile Zola", " émile zola ");
        check_norm("...", " ");
    }

    fn check_alias(input: &str, expected: bool) {
        assert_eq!(plausible_alias(input), expected, "{input:?}");
    }

    #[test]
    fn aliases_are_names_not_pronouns() {
        check_alias("Sessions", true);
        check_alias("Attorney General Jeff Sessions", true);
        check_alias("Sen. Bernie Sanders", true);
        check_alias("Secretary of State John Kerry", true);
        check_alias("TRUMP", true);
        check_alias("Donald Trump faces", false);
        check_alias("But Trump", false);
        check_alias("The Trump campaign", false);
        check_alias("about Republican nominee Donald Trump", false);
        check_alias("of Trump", false);
        check_alias("President Obama and", false);
        check_alias("He", false);
        check_alias("they", false);
        check_alias("a spokesman", false);
        check_alias("", false);
        check_alias(&"A".repeat(81), false);
    }

    #[test]
    fn hashes_differ_with_text() {
        assert_eq!(content_hash("a"), content_hash("a"));
        assert_ne!(content_hash("a"), content_hash("b"));
        assert_ne!(content_hash(""), content_hash(" "));
        assert_eq!(content_hash("").len(), 32);
    }
}
