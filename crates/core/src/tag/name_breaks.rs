//! Names in Title-Case text. A headline capitalises every word, so the tagger reads "Chris
//! Christie Calls Hillary Clinton" as one person. In a Title-Case sentence ([`is_title_case`])
//! a person mention is split at every capitalised word that is a *name break*: a word that in
//! ordinary prose is a verb or a function word (preposition, conjunction, determiner,
//! wh-word) and is next to never part of a person's name. The list, `models/name_breaks.tsv`,
//! is counted from PolNeAR train by [`count_name_breaks`] (`verbatim train --task
//! name-breaks`); `models/README.md` gives the rule and its counts.

use super::{EntityMention, EntityType};
use crate::corpus::GoldDoc;
use crate::segment::Segmentation;
use crate::span::Span;
use std::collections::BTreeMap;
use std::sync::OnceLock;

static TABLE: &str = include_str!("../../../../models/name_breaks.tsv");

/// Penn tags of the words that end a name: verbs, prepositions, conjunctions, determiners,
/// wh-words. Modals are not among them ("Will", "May" are names too).
const BREAK_TAGS: &[&str] = &[
    "VB", "VBD", "VBG", "VBN", "VBP", "VBZ", "IN", "CC", "TO", "DT", "WDT", "WP", "WRB",
];
/// A word is counted when it occurs lower case at least this often in train's prose ...
const MIN_LOWER: u64 = 5;
/// ... with one of [`BREAK_TAGS`] at least this share of those times (percent) ...
const MIN_BREAK_PERCENT: u64 = 50;
/// ... and inside a CoreNLP person name at most this share of its break uses (percent).
const MAX_PERSON_PERCENT: u64 = 1;

/// The name breaks, lower case, sorted.
fn breaks() -> &'static [&'static str] {
    static WORDS: OnceLock<Vec<&'static str>> = OnceLock::new();
    WORDS.get_or_init(|| {
        let mut words: Vec<&str> = table_rows().map(|(w, ..)| w).collect();
        words.sort_unstable();
        words
    })
}

/// Every (word, lower-case uses, break uses, person uses) row of `models/name_breaks.tsv`.
pub fn table_rows() -> impl Iterator<Item = (&'static str, u64, u64, u64)> {
    crate::table::rows(TABLE).filter_map(|mut f| {
        let word = f.next()?;
        let mut num = || f.next().and_then(|n| n.parse().ok());
        Some((word, num()?, num()?, num()?))
    })
}

/// Whether `word` (any case) is a name break.
pub fn is_name_break(word: &str) -> bool {
    let lower = word.to_lowercase();
    breaks().binary_search(&lower.as_str()).is_ok()
}

/// Title Case: at least three words of four letters or more, every one of them capitalised
/// (short function words may stay lower case: "Calls Clinton a Liar at Rally").
pub fn is_title_case<'a>(words: impl IntoIterator<Item = &'a str>) -> bool {
    let mut n_long = 0;
    for w in words {
        let mut chars = w.chars();
        let Some(first) = chars.next() else { continue };
        if !first.is_alphabetic() || w.chars().count() < 4 {
            continue;
        }
        if !first.is_uppercase() {
            return false;
        }
        n_long += 1;
    }
    n_long >= 3
}

/// Splits the person mentions of Title-Case sentences at their name breaks; the break word
/// itself belongs to no mention. `mentions` stay sorted and non-overlapping.
pub(crate) fn split_at_breaks(text: &str, seg: &Segmentation, mentions: &mut Vec<EntityMention>) {
    let mut out: Vec<EntityMention> = Vec::with_capacity(mentions.len());
    let mut sentence = 0;
    for m in mentions.drain(..) {
        if m.kind != EntityType::Person {
            out.push(m);
            continue;
        }
        while sentence + 1 < seg.sentences.len() && seg.sentences[sentence].span.end <= m.span.start
        {
            sentence += 1;
        }
        let Some(s) = seg.sentences.get(sentence) else {
            out.push(m);
            continue;
        };
        let tokens = &seg.tokens[s.tokens.clone()];
        if !is_title_case(tokens.iter().map(|t| t.span.slice(text))) {
            out.push(m);
            continue;
        }
        let mut piece: Option<Span> = None;
        for t in tokens.iter().filter(|t| m.span.contains(t.span)) {
            let word = t.span.slice(text);
            if word.chars().next().is_some_and(char::is_uppercase) && is_name_break(word) {
                out.extend(
                    piece
                        .take()
                        .map(|span| EntityMention { span, kind: m.kind }),
                );
            } else {
                piece = Some(piece.map_or(t.span, |p| p.cover(t.span)));
            }
        }
        out.extend(piece.map(|span| EntityMention { span, kind: m.kind }));
    }
    *mentions = out;
}

/// `models/name_breaks.tsv` counted from `docs` (PolNeAR train): over the sentences that are
/// not Title Case, each lower-case word's uses, its uses with a break tag, and the uses of
/// the word (any case) inside a CoreNLP person name; the words that pass the thresholds.
pub fn count_name_breaks(docs: &[GoldDoc]) -> String {
    #[derive(Default)]
    struct Counts {
        lower: u64,
        breaks: u64,
        person: u64,
    }
    let mut counts: BTreeMap<String, Counts> = BTreeMap::new();
    for doc in docs {
        let Some(c) = &doc.corenlp else { continue };
        let spans = c.token_spans(&doc.text);
        let offsets = crate::span::CharOffsets::new(&doc.text);
        let mut k = 0;
        for &[s, e] in &c.sentences {
            let (s, e) = (offsets.to_byte(s), offsets.to_byte(e));
            let first = k;
            while k < spans.len() && spans[k].start < e {
                k += 1;
            }
            let sentence: Vec<usize> = (first..k).filter(|&i| spans[i].start >= s).collect();
            let words = sentence.iter().map(|&i| spans[i].slice(&doc.text));
            if is_title_case(words) {
                continue;
            }
            for &i in &sentence {
                let word = spans[i].slice(&doc.text);
                if c.ner.get(i).is_some_and(|n| n == "PERSON") {
                    counts.entry(word.to_lowercase()).or_default().person += 1;
                }
                if word.chars().next().is_some_and(char::is_lowercase) {
                    let entry = counts.entry(word.to_string()).or_default();
                    entry.lower += 1;
                    if c.pos
                        .get(i)
                        .is_some_and(|p| BREAK_TAGS.contains(&p.as_str()))
                    {
                        entry.breaks += 1;
                    }
                }
            }
        }
    }
    let mut out = String::from(
        "# word\tlower-case uses\tas verb or function word\tin a person name (PolNeAR train, \
         sentences not in Title Case; see models/README.md, \"Name breaks\")\n",
    );
    for (word, c) in &counts {
        if c.lower >= MIN_LOWER
            && c.breaks * 100 >= c.lower * MIN_BREAK_PERCENT
            && c.person * 100 <= c.breaks * MAX_PERSON_PERCENT
        {
            out.push_str(&format!(
                "{word}\t{}\t{}\t{}\n",
                c.lower, c.breaks, c.person
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_case() {
        let check = |s: &str, expected: bool| {
            assert_eq!(is_title_case(s.split_whitespace()), expected, "{s}")
        };
        check("Chris Christie Calls Hillary Clinton A Liar", true);
        check("Chris Christie Calls Clinton a Liar at Rally", true);
        check("Chris Christie called Hillary Clinton a liar.", false);
        check("Clinton Wins Iowa", true);
        check("Trump Wins", false);
        check("NEW JERSEY GOVERNOR CALLS CLINTON A LIAR", true);
    }

    #[test]
    fn breaks_are_verbs_and_function_words_never_names() {
        for w in ["Calls", "says", "Praises", "and", "Of", "With", "After"] {
            assert!(is_name_break(w), "{w}");
        }
        for w in [
            "Will", "May", "Hope", "Rose", "Clinton", "Christie", "Sessions", "Price",
        ] {
            assert!(!is_name_break(w), "{w}");
        }
    }
}
