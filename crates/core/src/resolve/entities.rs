//! Grouping entity mentions into the entities of one article.

use crate::segment::Segmentation;
use crate::span::Span;
use crate::tag::{EntityMention, EntityType};

/// One real-world entity of an article, with every mention of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entity {
    /// Index into the article's entity list.
    pub id: usize,
    /// The fullest proper name seen ("Donald Trump" for "Trump" and "President Donald Trump").
    pub name: String,
    pub kind: EntityType,
    /// Name mentions, and the pronoun or nominal sources resolved to it; sorted.
    pub mentions: Vec<Span>,
    /// Titles and roles seen attached to a name ("president", "attorney general"), lower
    /// case, in order of first appearance.
    pub titles: Vec<String>,
}

/// The words of a name as matched: possessive endings and a leading "the" dropped.
pub(crate) fn name_words(name: &str) -> Vec<String> {
    let mut words: Vec<String> = name
        .split_whitespace()
        .map(|w| {
            let w = w
                .strip_suffix("'s")
                .or_else(|| w.strip_suffix("\u{2019}s"))
                .unwrap_or(w);
            w.trim_end_matches(['\'', '\u{2019}']).to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect();
    while words.len() > 1 && (words[0] == "the" || HONORIFICS.contains(&words[0].as_str())) {
        words.remove(0);
    }
    words
}

/// Courtesy titles that precede a name and are not part of it ("Mr. Trump" is Trump).
const HONORIFICS: &[&str] = &[
    "mr.", "mrs.", "ms.", "miss", "dr.", "mr", "mrs", "ms", "dr", "prof.", "rev.",
];

/// A title in canonical lower-case form: "Sen." → "senator", "Vice-President" → "vice president".
pub(crate) fn normalize_title(title: &str) -> String {
    let lower = title.to_lowercase().replace(['-', '.'], " ");
    let words: Vec<&str> = lower
        .split_whitespace()
        .map(|w| match w {
            "sen" => "senator",
            "rep" => "representative",
            "gov" => "governor",
            "pres" => "president",
            "gen" => "general",
            "sec" | "secy" => "secretary",
            "lt" => "lieutenant",
            "atty" => "attorney",
            "amb" => "ambassador",
            other => other,
        })
        .collect();
    words.join(" ")
}

/// Words an acronym skips ("Federal Bureau of Investigation" is FBI).
const ACRONYM_SKIP: &[&str] = &["of", "the", "for", "and", "on", "in", "to", "&"];

/// Whether `short` (a mention's text) is an acronym of the name `long` (its words): two to six
/// capitals, dots allowed ("E.U."), that are the initials of the name's words (function words
/// skipped) or of its last words ("VA" of "Department of Veterans Affairs").
fn acronym_of(short: &str, long: &[String]) -> bool {
    let short = short.trim();
    let letters: String = short.chars().filter(|&c| c != '.').collect();
    let shaped = (2..=6).contains(&letters.chars().count())
        && letters.chars().all(|c| c.is_ascii_uppercase())
        && !short.contains(char::is_whitespace);
    if !shaped {
        return false;
    }
    let initials: Vec<char> = long
        .iter()
        .filter(|w| !ACRONYM_SKIP.contains(&w.as_str()))
        .filter_map(|w| w.chars().next())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let letters: Vec<char> = letters.chars().collect();
    initials.len() >= letters.len() && initials.ends_with(&letters)
}

/// The display name of a mention: its text with whitespace collapsed and a possessive ending
/// or a leading "the" removed.
fn display_name(text: &str) -> String {
    let mut name = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for suffix in ["'s", "\u{2019}s", "'", "\u{2019}"] {
        if let Some(stripped) = name.strip_suffix(suffix) {
            name = stripped.trim_end().to_string();
            break;
        }
    }
    loop {
        let first = name.split(' ').next().unwrap_or("");
        let droppable = first.eq_ignore_ascii_case("the")
            || HONORIFICS.contains(&first.to_lowercase().as_str());
        match name.split_once(' ') {
            Some((_, rest)) if droppable && !rest.is_empty() => name = rest.to_string(),
            _ => return name,
        }
    }
}

/// Whether `short` names the same person as `long`: a contiguous suffix ("Trump" of "Donald
/// Trump", "Isgur Flores" of "Sarah Isgur Flores") or the first name alone.
fn person_matches(short: &[String], long: &[String]) -> bool {
    if short.is_empty() || short.len() > long.len() {
        return false;
    }
    long.ends_with(short) || (short.len() == 1 && long.len() > 1 && long[0] == short[0])
}

/// The gender a courtesy title gives the name at `span` ("Mrs. Clinton", "Mr. Ban"): the
/// honorific opening the mention ("Ms. LaBelle") or the word just before it; `Some(true)`
/// for a woman.
pub(crate) fn honorific_female(text: &str, span: Span) -> Option<bool> {
    let own = span.slice(text).split_whitespace().next().unwrap_or("");
    let before = text[..span.start]
        .trim_end()
        .rsplit(char::is_whitespace)
        .next()
        .unwrap_or("");
    let word = if own.ends_with('.') || own.eq_ignore_ascii_case("miss") {
        own
    } else {
        before
    };
    match word.trim_end_matches('.').to_lowercase().as_str() {
        "mrs" | "ms" | "miss" => Some(true),
        "mr" => Some(false),
        _ => None,
    }
}

/// What one mention of a person shows of their gender: a courtesy title, else the gender of
/// the first name opening a full name.
fn mention_female(text: &str, span: Span, words: &[String]) -> Option<bool> {
    honorific_female(text, span).or_else(|| super::full_name_female(words))
}

/// Repairs the tagger's mentions with what the article as a whole shows: adjacent person
/// mentions are one name ("Sarah" + "Isgur Flores"); a surname the tagger missed or typed
/// otherwise ("Sessions", "Trump" as a place) is a mention of the person whose full name ends
/// in it, when only one person in the article has that surname.
pub fn refine_mentions(text: &str, seg: &Segmentation, mentions: &mut Vec<EntityMention>) {
    // Adjacent person mentions separated by spaces only.
    let mut merged: Vec<EntityMention> = Vec::with_capacity(mentions.len());
    for m in mentions.drain(..) {
        if let Some(prev) = merged.last_mut() {
            let between = &text[prev.span.end.min(m.span.start)..m.span.start];
            if prev.kind == EntityType::Person
                && m.kind == EntityType::Person
                && between.chars().all(|c| c == ' ')
            {
                prev.span = prev.span.cover(m.span);
                continue;
            }
        }
        merged.push(m);
    }
    *mentions = merged;

    // Surnames of multi-word person names, unambiguous in this article.
    let mut surnames: Vec<(String, usize)> = Vec::new();
    for m in mentions.iter().filter(|m| m.kind == EntityType::Person) {
        let words = name_words(m.span.slice(text));
        if words.len() >= 2 {
            let last = words.last().cloned().unwrap_or_default();
            let first = words[0].clone();
            match surnames.iter_mut().find(|(s, _)| *s == last) {
                Some(entry) if entry.1 != first_hash(&first) => entry.1 = usize::MAX,
                Some(_) => {}
                None => surnames.push((last, first_hash(&first))),
            }
        }
    }
    surnames.retain(|(_, f)| *f != usize::MAX);
    if surnames.is_empty() {
        return;
    }
    let is_surname = |word: &str| {
        let w = name_words(word);
        w.len() == 1 && surnames.iter().any(|(s, _)| *s == w[0])
    };
    // Single-token mentions of another type that are a known surname become persons.
    for m in mentions.iter_mut() {
        if m.kind != EntityType::Person
            && m.kind != EntityType::Title
            && is_surname(m.span.slice(text))
        {
            m.kind = EntityType::Person;
        }
    }
    // Capitalised tokens outside any mention that are a known surname.
    let mut added = Vec::new();
    let mut next = 0;
    for tok in &seg.tokens {
        while next < mentions.len() && mentions[next].span.end <= tok.span.start {
            next += 1;
        }
        if next < mentions.len() && mentions[next].span.overlaps(tok.span) {
            continue;
        }
        let word = tok.span.slice(text);
        if word.chars().next().is_some_and(char::is_uppercase) && is_surname(word) {
            added.push(EntityMention {
                span: tok.span,
                kind: EntityType::Person,
            });
        }
    }
    if !added.is_empty() {
        mentions.extend(added);
        mentions.sort();
    }
}

fn first_hash(first: &str) -> usize {
    first
        .bytes()
        .fold(5381usize, |h, b| h.wrapping_mul(33) ^ b as usize)
        & (usize::MAX >> 1)
}

/// Groups the named mentions (not titles) into entities; returns them with, for each input
/// mention, the entity it joined (`None` for titles). Titles right before a person's name or
/// in an apposition after it are recorded on that person.
pub fn group_entities(
    text: &str,
    seg: &Segmentation,
    mentions: &[EntityMention],
) -> (Vec<Entity>, Vec<Option<usize>>) {
    let mut entities: Vec<Entity> = Vec::new();
    let mut words_of: Vec<Vec<String>> = Vec::new();
    let mut last_seen: Vec<usize> = Vec::new();
    // Per entity: what its mentions so far show of the person's gender (`Some(true)`: a woman).
    let mut female: Vec<Option<bool>> = Vec::new();
    let mut of_mention = vec![None; mentions.len()];
    for (m_idx, m) in mentions.iter().enumerate() {
        if m.kind == EntityType::Title {
            continue;
        }
        let raw = m.span.slice(text);
        let words = name_words(raw);
        if words.is_empty() {
            continue;
        }
        let gender = match m.kind {
            EntityType::Person => mention_female(text, m.span, &words),
            _ => None,
        };
        let found = match m.kind {
            EntityType::Person => {
                // The person this name can refer to (a longer name may complete a shorter one
                // seen before: "Trump" then "Donald Trump"), never one of the other gender
                // ("Mrs. Clinton" is not Bill Clinton once he was "Mr. Clinton"). When several
                // fit ("Cruz" after "Ted Cruz" and "Heidi Cruz"), the same full name wins, then
                // the one of the same known gender, then the one mentioned most so far, then
                // the most recent.
                let mut best: Option<(bool, bool, usize, usize, usize)> = None;
                for (e, ew) in words_of.iter().enumerate() {
                    if entities[e].kind != EntityType::Person {
                        continue;
                    }
                    if gender.is_some() && female[e].is_some() && gender != female[e] {
                        continue;
                    }
                    let fits =
                        person_matches(&words, ew) || (ew.len() == 1 && person_matches(ew, &words));
                    let same_gender = gender.is_some() && gender == female[e];
                    let key = (
                        *ew == words,
                        same_gender,
                        entities[e].mentions.len(),
                        last_seen[e],
                        e,
                    );
                    if fits && best.is_none_or(|b| key > b) {
                        best = Some(key);
                    }
                }
                best.map(|(.., e)| e)
            }
            // An organisation: the same words, or an acronym of a name seen before ("IMF"
            // after "International Monetary Fund") or the reverse.
            _ => words_of
                .iter()
                .position(|ew| *ew == words)
                .filter(|&e| entities[e].kind == m.kind)
                .or_else(|| {
                    (m.kind == EntityType::Organization).then_some(())?;
                    (0..entities.len()).rev().find(|&e| {
                        entities[e].kind == EntityType::Organization
                            && (acronym_of(raw, &words_of[e])
                                || acronym_of(&entities[e].name, &words))
                    })
                }),
        };
        let e = match found {
            Some(e) => {
                if words.len() > words_of[e].len() {
                    entities[e].name = display_name(raw);
                    words_of[e] = words;
                }
                e
            }
            None => {
                entities.push(Entity {
                    id: entities.len(),
                    name: display_name(raw),
                    kind: m.kind,
                    mentions: Vec::new(),
                    titles: Vec::new(),
                });
                words_of.push(words);
                last_seen.push(0);
                female.push(None);
                entities.len() - 1
            }
        };
        female[e] = female[e].or(gender);
        entities[e].mentions.push(m.span);
        last_seen[e] = m_idx + 1;
        of_mention[m_idx] = Some(e);
    }
    attach_titles(text, seg, mentions, &of_mention, &mut entities);
    (entities, of_mention)
}

/// Records titles on persons: `Title Name` (up to two tokens between, for "U.S. President" or
/// "White House spokesman") and `Name, (a|the) ... Title`.
fn attach_titles(
    text: &str,
    seg: &Segmentation,
    mentions: &[EntityMention],
    of_mention: &[Option<usize>],
    entities: &mut [Entity],
) {
    let tok = |pos: usize| seg.token_at(pos);
    for (i, t) in mentions.iter().enumerate() {
        if t.kind != EntityType::Title {
            continue;
        }
        let title = normalize_title(t.span.slice(text));
        let t_end_tok = tok(t.span.end.saturating_sub(1));
        // `Title Name`: the next person mention starts within two tokens of the title's end.
        let after = mentions[i + 1..]
            .iter()
            .enumerate()
            .find(|(_, m)| m.kind != EntityType::Title);
        if let Some((j, m)) = after {
            let gap = tok(m.span.start).saturating_sub(t_end_tok + 1);
            let between = &text[t.span.end..m.span.start];
            if m.kind == EntityType::Person && gap <= 2 && !between.contains([',', '.', ';', '\n'])
            {
                if let Some(e) = of_mention[i + 1 + j] {
                    add_title(&mut entities[e], title);
                    continue;
                }
            }
        }
        // `Name, a former Title`: a person mention ends a few tokens before, with a comma.
        if let Some((j, m)) = mentions[..i]
            .iter()
            .enumerate()
            .rev()
            .find(|(_, m)| m.kind != EntityType::Title)
        {
            let between = &text[m.span.end..t.span.start];
            let n_tokens = tok(t.span.start).saturating_sub(tok(m.span.end.saturating_sub(1)));
            let between_trim = between.trim_start();
            // An apposition closes after its title ("Sessions, a former senator from
            // Alabama, ..."); "in Chelsea, the mayor also said" goes on with a verb.
            let next_word = text[t.span.end..].split_whitespace().next().unwrap_or("");
            let closes = next_word.starts_with([',', '.', ';', ')'])
                || ["of", "for", "from", "at", "in", "on", "to", "with", "and"]
                    .contains(&next_word)
                || next_word.chars().next().is_some_and(char::is_uppercase);
            if m.kind == EntityType::Person
                && between_trim.starts_with(',')
                && n_tokens <= 6
                && !between_trim[1..].contains([',', '.', ';'])
                && closes
            {
                if let Some(e) = of_mention[j] {
                    add_title(&mut entities[e], title);
                }
            }
        }
    }
}

fn add_title(entity: &mut Entity, title: String) {
    if !title.is_empty() && !entity.titles.contains(&title) {
        entity.titles.push(title);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_compared_without_possessives() {
        assert_eq!(name_words("Trump's"), ["trump"]);
        assert_eq!(
            name_words("the Justice Department"),
            ["justice", "department"]
        );
        assert_eq!(display_name("Clinton’s"), "Clinton");
        assert_eq!(display_name("Mr. Obama"), "Obama");
        assert_eq!(name_words("Ms. LaBelle"), ["labelle"]);
        assert_eq!(normalize_title("Sen."), "senator");
        assert_eq!(normalize_title("Vice-President"), "vice president");
    }

    #[test]
    fn acronyms_name_the_organisation() {
        let w = |s: &str| name_words(s);
        assert!(acronym_of("IMF", &w("International Monetary Fund")));
        assert!(acronym_of("FBI", &w("Federal Bureau of Investigation")));
        assert!(acronym_of("E.U.", &w("the European Union")));
        assert!(acronym_of("VA", &w("Department of Veterans Affairs")));
        assert!(!acronym_of("Fund", &w("International Monetary Fund")));
        assert!(!acronym_of("IMF", &w("Monetary Fund")));
        assert!(!acronym_of("F", &w("Fund")));
        assert!(!acronym_of("MF", &w("Monetary Fund Board")));
    }

    #[test]
    fn short_names_join_the_full_name() {
        let w = |s: &str| name_words(s);
        assert!(person_matches(&w("Trump"), &w("Donald Trump")));
        assert!(person_matches(&w("Isgur Flores"), &w("Sarah Isgur Flores")));
        assert!(person_matches(&w("Hillary"), &w("Hillary Clinton")));
        assert!(!person_matches(&w("Bill Clinton"), &w("Hillary Clinton")));
    }
}
