//! What kind of act a cue reports: speech, writing, thought, intention, evidence or other.
//!
//! PolNeAR annotates beliefs and intentions as attributions too ("plans", "believes"),
//! which is right for the corpus; a fact-checker filtering for statements needs to tell
//! them apart. The class comes from the cue's key word: its first word that is not an
//! auxiliary, a negation or an adverb of frequency ([`FUNCTION_WORDS`]), cut to a crude
//! stem, looked up in `models/cue_classes.tsv`. That table lists the stems of train's cues
//! (with their train counts) that a reader can class with confidence; a stem it does not
//! list is `other`. How the table was made is in models/README.md ("Cue classes").

use super::Kind;
use crate::span::Span;
use std::collections::HashMap;
use std::sync::OnceLock;

static TABLE: &str = include_str!("../../../../models/cue_classes.tsv");

/// The class of act a cue reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CueClass {
    /// said, told, according to, a colon.
    Speech,
    /// wrote, posted, tweeted.
    Writing,
    /// believes, thinks, expects.
    Thought,
    /// plans, wants, aims.
    Intention,
    /// shows, found, suggests (of a document or a poll).
    Evidence,
    /// Everything else: stances (supports, opposes), nominal cues, unlisted words.
    #[default]
    Other,
}

impl CueClass {
    pub const ALL: [CueClass; 6] = [
        CueClass::Speech,
        CueClass::Writing,
        CueClass::Thought,
        CueClass::Intention,
        CueClass::Evidence,
        CueClass::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CueClass::Speech => "speech",
            CueClass::Writing => "writing",
            CueClass::Thought => "thought",
            CueClass::Intention => "intention",
            CueClass::Evidence => "evidence",
            CueClass::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<CueClass> {
        CueClass::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

impl std::fmt::Display for CueClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Words skipped when looking for a cue's key word: auxiliaries, negation, relative and
/// personal pronouns, and adverbs that come before verbs of saying (a closed class of
/// English grammar, not a list of cues).
pub const FUNCTION_WORDS: &[&str] = &[
    "has",
    "have",
    "had",
    "having",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "will",
    "would",
    "could",
    "can",
    "may",
    "might",
    "should",
    "must",
    "shall",
    "also",
    "not",
    "n't",
    "did",
    "does",
    "do",
    "reportedly",
    "then",
    "later",
    "again",
    "repeatedly",
    "previously",
    "publicly",
    "recently",
    "still",
    "already",
    "even",
    "just",
    "never",
    "often",
    "once",
    "who",
    "which",
    "that",
    "it",
    "he",
    "she",
    "they",
    "we",
    "i",
];

/// An adverb in `-ly` before the verb ("strongly denied", "publicly said"); short `-ly`
/// words and `-ply` verbs ("reply", "imply", "supply") are not.
fn is_adverb(w: &str) -> bool {
    w.len() >= 6 && w.ends_with("ly") && !w.ends_with("ply")
}

/// Strips one inflectional ending (`-ing`, `-ies`, `-es`, `-ed`, `-s`, `-d`) off a word of
/// more than two letters beyond it.
fn crude_stem(w: &str) -> &str {
    for suffix in ["ing", "ies", "es", "ed", "s", "d"] {
        if w.len() > suffix.len() + 2 && w.ends_with(suffix) {
            return &w[..w.len() - suffix.len()];
        }
    }
    w
}

/// The key of a cue's text (its pieces joined by spaces): the crude stem of its first word
/// that is not a function word (`according` for any cue holding it; a dash or colon cue is
/// its mark); `None` for a cue without a word or mark.
pub fn cue_key(cue_text: &str) -> Option<String> {
    let lower = cue_text.to_lowercase();
    let mut words: Vec<&str> = Vec::new();
    let mut start = None;
    for (i, c) in lower.char_indices() {
        let letter = c.is_ascii_lowercase() || c == '\'';
        match (letter, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                words.push(&lower[s..i]);
                start = None;
            }
            _ => {}
        }
        if matches!(c, ':' | '—' | '―' | '-') {
            words.push(&lower[i..i + c.len_utf8()]);
        }
    }
    if let Some(s) = start {
        words.push(&lower[s..]);
    }
    if words.contains(&"according") {
        return Some(crude_stem("according").to_string());
    }
    let key = words
        .iter()
        .find(|w| !FUNCTION_WORDS.contains(w) && !is_adverb(w))
        .or(words.first())?;
    Some(if matches!(*key, ":" | "—" | "―" | "-") {
        key.to_string()
    } else {
        crude_stem(key).to_string()
    })
}

/// The stems of `models/cue_classes.tsv` and their classes.
fn table() -> &'static HashMap<&'static str, CueClass> {
    static MAP: OnceLock<HashMap<&'static str, CueClass>> = OnceLock::new();
    MAP.get_or_init(|| {
        table_rows()
            .into_iter()
            .map(|(stem, class, _)| (stem, class))
            .collect()
    })
}

/// Every (stem, class, train count) row of `models/cue_classes.tsv`, in file order.
pub fn table_rows() -> Vec<(&'static str, CueClass, u64)> {
    crate::table::rows(TABLE)
        .filter_map(|mut cols| {
            let stem = cols.next()?;
            let class = CueClass::parse(cols.next()?)?;
            let count = cols.next()?.parse().ok()?;
            Some((stem, class, count))
        })
        .collect()
}

/// The class of the cue `cue` of `text` in an attribution of kind `kind`.
pub fn classify_cue(text: &str, cue: &[Span], kind: Kind) -> CueClass {
    if kind == Kind::AccordingTo {
        return CueClass::Speech;
    }
    let cue_text: Vec<&str> = cue.iter().map(|s| s.slice(text)).collect();
    let Some(key) = cue_key(&cue_text.join(" ")) else {
        return CueClass::Other;
    };
    // Other inflections of a listed stem: `disclose` for `disclos`, `deny` for `deni`.
    let variants = [
        Some(key.clone()),
        key.strip_suffix('e').map(str::to_string),
        key.strip_suffix('y').map(|k| format!("{k}i")),
    ];
    variants
        .into_iter()
        .flatten()
        .find_map(|k| table().get(k.as_str()).copied())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_skip_auxiliaries_and_stem() {
        assert_eq!(cue_key("said").as_deref(), Some("sai"));
        assert_eq!(cue_key("has also said").as_deref(), Some("sai"));
        assert_eq!(cue_key("According to").as_deref(), Some("accord"));
        assert_eq!(cue_key("tweeted").as_deref(), Some("tweet"));
        assert_eq!(cue_key(":").as_deref(), Some(":"));
        assert_eq!(cue_key("is expected").as_deref(), Some("expect"));
        assert_eq!(cue_key("").as_deref(), None);
    }

    #[test]
    fn classes_of_common_cues() {
        let class = |cue: &str| {
            let span = Span::new(0, cue.len());
            classify_cue(cue, &[span], Kind::Indirect)
        };
        assert_eq!(class("said"), CueClass::Speech);
        assert_eq!(class("told"), CueClass::Speech);
        assert_eq!(class(":"), CueClass::Speech);
        assert_eq!(class("wrote"), CueClass::Writing);
        assert_eq!(class("tweeted"), CueClass::Writing);
        assert_eq!(class("believes"), CueClass::Thought);
        assert_eq!(class("plans"), CueClass::Intention);
        assert_eq!(class("wants"), CueClass::Intention);
        assert_eq!(class("showed"), CueClass::Evidence);
        assert_eq!(class("has agreed a deal to replace"), CueClass::Other);
        assert_eq!(class("strongly denied"), CueClass::Speech);
        assert_eq!(class("did not disclose"), CueClass::Speech);
        assert_eq!(class("deny"), CueClass::Speech);
        assert_eq!(class("according to"), CueClass::Speech);
    }

    #[test]
    fn the_table_is_well_formed() {
        let rows = table_rows();
        assert!(rows.len() > 100, "{} rows", rows.len());
        let lines = crate::table::rows(TABLE).count();
        assert_eq!(rows.len(), lines, "every row has stem, class and count");
        let mut stems: Vec<&str> = rows.iter().map(|r| r.0).collect();
        stems.sort_unstable();
        stems.dedup();
        assert_eq!(stems.len(), rows.len(), "each stem once");
    }
}
