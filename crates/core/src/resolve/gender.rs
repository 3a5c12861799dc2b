//! The gender first names carry, learned from the corpus: `models/first_names.tsv` counts,
//! for each first name of a full PERSON name in PolNeAR train, the CoreNLP coreference chains
//! holding the name whose pronouns are clearly "she"/"her" (female) or "he"/"his" (male). Regenerate with
//! `verbatim train --task first-names --train ../shared/data/polnear/train.jsonl --dev
//! ../shared/data/polnear/dev.jsonl --out models/`.

use crate::corpus::GoldDoc;
use crate::span::CharOffsets;
use crate::tag::EntityType;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

static TABLE: &str = include_str!("../../../../models/first_names.tsv");

/// A chain votes for the gender of its names when its female and male pronouns differ by at
/// least this many and the majority holds `MIN_SHARE` of them; a name is listed when
/// `MIN_SHARE` of its chains' votes agree.
const CHAIN_MARGIN: usize = 2;
const MIN_SHARE: f64 = 0.8;

const FEMALE_PRONOUNS: &[&str] = &["she", "her", "hers", "herself"];
const MALE_PRONOUNS: &[&str] = &["he", "him", "his", "himself"];

/// Whether a first name is a woman's (`Some(true)`), a man's (`Some(false)`), or not known.
pub(crate) fn first_name_female(word: &str) -> Option<bool> {
    static MAP: OnceLock<HashMap<String, bool>> = OnceLock::new();
    let map = MAP.get_or_init(|| parse(TABLE));
    map.get(&word.to_lowercase()).copied()
}

/// The gender of the first name opening a full name (`words` of two or more: a lone word may
/// be a surname).
pub(crate) fn full_name_female(words: &[String]) -> Option<bool> {
    (words.len() > 1)
        .then(|| first_name_female(&words[0]))
        .flatten()
}

fn parse(table: &str) -> HashMap<String, bool> {
    crate::table::rows(table)
        .filter_map(|mut cols| {
            let name = cols.next()?;
            let female: usize = cols.next()?.parse().ok()?;
            let male: usize = cols.next()?.parse().ok()?;
            Some((name.to_string(), female > male))
        })
        .collect()
}

/// Counts, over the coreference chains of `docs`, the chains of each first name that vote
/// female or male, and writes the table of the names whose votes agree (name, female chains,
/// male chains; sorted by name).
pub fn learn_first_names(docs: &[GoldDoc]) -> String {
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for doc in docs {
        let Some(c) = &doc.corenlp else { continue };
        if c.ner.len() != c.tokens.len() {
            continue;
        }
        let offsets = CharOffsets::new(&doc.text);
        let word = |t: usize| {
            let [s, e] = c.tokens[t];
            offsets
                .span_from_chars(s, e)
                .slice(&doc.text)
                .to_lowercase()
        };
        for chain in &c.coref {
            let (mut female, mut male) = (0, 0);
            let mut names = BTreeSet::new();
            for &(s, e, _) in chain {
                let tokens = c.tokens_within(s, e);
                if tokens.len() == 1 {
                    let w = word(tokens.start);
                    female += usize::from(FEMALE_PRONOUNS.contains(&w.as_str()));
                    male += usize::from(MALE_PRONOUNS.contains(&w.as_str()));
                }
                // The first word of a PERSON run of two words or more.
                for (run, _) in c
                    .entity_runs(tokens)
                    .filter(|(_, kind)| *kind == EntityType::Person)
                {
                    let first = word(run.start);
                    if run.len() >= 2
                        && first.chars().count() >= 2
                        && first.chars().all(char::is_alphabetic)
                    {
                        names.insert(first);
                    }
                }
            }
            // A chain votes when its pronouns clearly agree (CoreNLP's chains are noisy).
            let (more, total) = (female.max(male), female + male);
            if more - female.min(male) < CHAIN_MARGIN || (more as f64) < MIN_SHARE * total as f64 {
                continue;
            }
            for n in names {
                let entry = counts.entry(n).or_default();
                if female > male {
                    entry.0 += 1;
                } else {
                    entry.1 += 1;
                }
            }
        }
    }
    let mut out = String::from(
        "# first name\tchains voting female\tchains voting male (CoreNLP coreference, PolNeAR train)\n",
    );
    for (name, (f, m)) in counts {
        let total = f + m;
        if total >= 1 && f.max(m) as f64 >= MIN_SHARE * total as f64 {
            out.push_str(&format!("{name}\t{f}\t{m}\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_parses_and_decides_by_the_majority() {
        let map = parse("# header\nann\t5\t0\nbob\t0\t3\nbad line\n");
        assert_eq!(map.get("ann"), Some(&true));
        assert_eq!(map.get("bob"), Some(&false));
        assert_eq!(map.len(), 2);
    }
}
