//! The title rule layer: titles and roles ("President", "Attorney General", "spokesman",
//! "Sen.") from a lexicon, and party-state tags ("D-Minn.", "R-N.Y."), merged over the
//! model's entities.
//!
//! Matching works on runs of adjacent tokens, so `Sen.` matches whether the segmenter keeps
//! it as one token or splits it into `Sen` `.`; likewise `D-Minn.` and `president-elect`.

use super::features::fnv1a;
use super::{EntityMention, EntityType};
use crate::segment::Segmentation;
use crate::span::Span;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// Titles and roles, lower case; words separated by one space. Plurals are derived.
pub(crate) const TITLES: &[&str] = &[
    "president",
    "vice president",
    "president-elect",
    "vice president-elect",
    "former president",
    "senator",
    "sen.",
    "rep.",
    "representative",
    "congressman",
    "congresswoman",
    "lawmaker",
    "legislator",
    "gov.",
    "governor",
    "lt. gov.",
    "lieutenant governor",
    "mayor",
    "secretary",
    "secretary of state",
    "secretary of defense",
    "secretary of the treasury",
    "secretary of homeland security",
    "secretary of labor",
    "secretary of education",
    "secretary of energy",
    "secretary of commerce",
    "secretary of agriculture",
    "secretary of the interior",
    "secretary of transportation",
    "secretary of veterans affairs",
    "secretary of housing and urban development",
    "secretary of health and human services",
    "defense secretary",
    "treasury secretary",
    "homeland security secretary",
    "press secretary",
    "deputy press secretary",
    "attorney general",
    "attorneys general",
    "deputy attorney general",
    "assistant attorney general",
    "solicitor general",
    "speaker",
    "house speaker",
    "speaker of the house",
    "majority leader",
    "minority leader",
    "senate majority leader",
    "senate minority leader",
    "house majority leader",
    "house minority leader",
    "majority whip",
    "minority whip",
    "whip",
    "chairman",
    "chairwoman",
    "chairperson",
    "chair",
    "vice chairman",
    "co-chair",
    "co-chairman",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "director",
    "deputy director",
    "executive director",
    "communications director",
    "political director",
    "campaign manager",
    "campaign chairman",
    "chief of staff",
    "deputy chief of staff",
    "chief strategist",
    "strategist",
    "adviser",
    "advisor",
    "senior adviser",
    "senior advisor",
    "national security adviser",
    "national security advisor",
    "aide",
    "official",
    "ambassador",
    "envoy",
    "diplomat",
    "minister",
    "prime minister",
    "foreign minister",
    "chancellor",
    "king",
    "queen",
    "pope",
    "judge",
    "chief justice",
    "associate justice",
    "ceo",
    "chief executive",
    "chief executive officer",
    "cfo",
    "founder",
    "co-founder",
    "professor",
    "prof.",
    "lawyer",
    "attorney",
    "counsel",
    "special counsel",
    "general counsel",
    "prosecutor",
    "special prosecutor",
    "district attorney",
    "u.s. attorney",
    "sheriff",
    "police chief",
    "commissioner",
    "treasurer",
    "comptroller",
    "analyst",
    "economist",
    "pollster",
    "consultant",
    "operative",
    "reporter",
    "correspondent",
    "editor",
    "columnist",
    "candidate",
    "presidential candidate",
    "nominee",
    "presidential nominee",
    "vice presidential nominee",
    "vice presidential candidate",
    "running mate",
    "delegate",
    "superdelegate",
    "elector",
    "activist",
    "organizer",
    "commander",
    "commander in chief",
    "commander-in-chief",
    "gen.",
    "lt. gen.",
    "maj. gen.",
    "brig. gen.",
    "adm.",
    "col.",
    "lt. col.",
    "sgt.",
    "lt.",
    "capt.",
    "cmdr.",
    "rev.",
];

/// US states as party-state tags spell them, lower case without periods.
const STATES: &[&str] = &[
    "al",
    "ak",
    "az",
    "ar",
    "ca",
    "co",
    "ct",
    "de",
    "fl",
    "ga",
    "hi",
    "id",
    "il",
    "in",
    "ia",
    "ks",
    "ky",
    "la",
    "me",
    "md",
    "ma",
    "mi",
    "mn",
    "ms",
    "mo",
    "mt",
    "ne",
    "nv",
    "nh",
    "nj",
    "nm",
    "ny",
    "nc",
    "nd",
    "oh",
    "ok",
    "or",
    "pa",
    "ri",
    "sc",
    "sd",
    "tn",
    "tx",
    "ut",
    "vt",
    "va",
    "wa",
    "wv",
    "wi",
    "wy",
    "dc",
    "pr",
    "ala",
    "ariz",
    "ark",
    "calif",
    "cal",
    "colo",
    "conn",
    "del",
    "fla",
    "ill",
    "ind",
    "kan",
    "kans",
    "mass",
    "mich",
    "minn",
    "miss",
    "mont",
    "neb",
    "nebr",
    "nev",
    "okla",
    "ore",
    "penn",
    "tenn",
    "tex",
    "wash",
    "wva",
    "wis",
    "wisc",
    "wyo",
    "alaska",
    "hawaii",
    "idaho",
    "iowa",
    "maine",
    "ohio",
    "texas",
    "utah",
    "alabama",
    "arizona",
    "arkansas",
    "california",
    "colorado",
    "connecticut",
    "delaware",
    "florida",
    "georgia",
    "illinois",
    "indiana",
    "kansas",
    "kentucky",
    "louisiana",
    "maryland",
    "massachusetts",
    "michigan",
    "minnesota",
    "mississippi",
    "missouri",
    "montana",
    "nebraska",
    "nevada",
    "oklahoma",
    "oregon",
    "pennsylvania",
    "tennessee",
    "vermont",
    "virginia",
    "washington",
    "wisconsin",
    "wyoming",
];

struct Lexicon {
    /// First word → entries (as word lists), longest first.
    by_first: BTreeMap<String, Vec<Vec<String>>>,
    /// Prefixes of first words cut before a `.` or `-` ("sen" of "sen.", "co" of
    /// "co-chair"): a segmenter may split there.
    split_prefixes: BTreeSet<String>,
    /// Sorted FNV-1a hashes of the first words and split prefixes: a fast pre-filter.
    hashes: Vec<u64>,
    states: BTreeSet<&'static str>,
}

fn plural(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("man") {
        format!("{stem}men")
    } else if let Some(stem) = word.strip_suffix("person") {
        format!("{stem}people")
    } else if let Some(stem) = word.strip_suffix('.') {
        format!("{stem}s.")
    } else if word.ends_with('y') && !word.ends_with("ey") && !word.ends_with("ay") {
        format!("{}ies", &word[..word.len() - 1])
    } else if word.ends_with('s') || word.ends_with("ch") {
        format!("{word}es")
    } else {
        format!("{word}s")
    }
}

fn lexicon() -> &'static Lexicon {
    static LEX: OnceLock<Lexicon> = OnceLock::new();
    LEX.get_or_init(|| {
        let mut by_first: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
        for entry in TITLES {
            let words: Vec<String> = entry.split(' ').map(str::to_string).collect();
            let mut forms = vec![words.clone()];
            // Pluralise the head: the last word, or the first one before "of"/"in".
            let head = words
                .iter()
                .position(|w| w == "of" || w == "in")
                .map_or(words.len() - 1, |p| p.saturating_sub(1));
            let mut pl = words.clone();
            pl[head] = plural(&words[head]);
            forms.push(pl);
            for f in forms {
                let list = by_first.entry(f[0].clone()).or_default();
                if !list.contains(&f) {
                    list.push(f);
                }
            }
        }
        for list in by_first.values_mut() {
            list.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        }
        let mut split_prefixes = BTreeSet::new();
        for head in by_first.keys() {
            for (k, c) in head.char_indices() {
                if k > 0 && (c == '.' || c == '-') {
                    split_prefixes.insert(head[..k].to_string());
                }
            }
        }
        let mut hashes: Vec<u64> = by_first
            .keys()
            .chain(split_prefixes.iter())
            .map(|k| fnv1a(k.as_bytes()))
            .collect();
        hashes.sort_unstable();
        hashes.dedup();
        Lexicon {
            by_first,
            split_prefixes,
            hashes,
            states: STATES.iter().copied().collect(),
        }
    })
}

fn tok_text<'a>(text: &'a str, seg: &Segmentation, k: usize) -> &'a str {
    text.get(seg.tokens[k].span.range()).unwrap_or("")
}

fn adjacent(seg: &Segmentation, k: usize) -> bool {
    k > 0 && k < seg.tokens.len() && seg.tokens[k].span.start == seg.tokens[k - 1].span.end
}

/// Matches `word` (ASCII, any case) against adjacent tokens from `j`; the next token index.
fn match_word(text: &str, seg: &Segmentation, j: usize, word: &str) -> Option<usize> {
    let w = word.as_bytes();
    let mut acc = 0;
    let mut k = j;
    while k < seg.tokens.len() {
        if k > j && !adjacent(seg, k) {
            return None;
        }
        let t = tok_text(text, seg, k).as_bytes();
        if t.is_empty() || acc + t.len() > w.len() || !w[acc..acc + t.len()].eq_ignore_ascii_case(t)
        {
            return None;
        }
        acc += t.len();
        k += 1;
        if acc == w.len() {
            return Some(k);
        }
    }
    None
}

fn word_like(s: &str) -> bool {
    s.chars().any(|c| c.is_alphanumeric()) || s == "-"
}

/// Whether the tokens `i..j` stand alone: not glued to a word before or after.
fn free_standing(text: &str, seg: &Segmentation, i: usize, j: usize) -> bool {
    let before_glued = adjacent(seg, i) && {
        let t = tok_text(text, seg, i - 1);
        t.ends_with(|c: char| c.is_alphanumeric() || c == '-')
    };
    let after_glued = adjacent(seg, j) && {
        let t = tok_text(text, seg, j);
        t.starts_with(|c: char| c.is_alphanumeric() || c == '-') && word_like(t)
    };
    !before_glued && !after_glued
}

/// The longest lexicon title starting at token `i`: the end token index.
fn lexicon_at(text: &str, seg: &Segmentation, i: usize) -> Option<usize> {
    let lex = lexicon();
    let first = tok_text(text, seg, i);
    if first.is_empty() || !first.is_ascii() {
        return None;
    }
    // The first word of an entry is the first token, or starts with it when the segmenter
    // split the word (`Sen` of `sen.`).
    let mut buf = [0u8; 32];
    if first.len() > buf.len() {
        return None;
    }
    let key = &mut buf[..first.len()];
    key.copy_from_slice(first.as_bytes());
    key.make_ascii_lowercase();
    if lex.hashes.binary_search(&fnv1a(key)).is_err() {
        return None;
    }
    let key = std::str::from_utf8(key).ok()?;
    let mut candidates: Vec<&Vec<Vec<String>>> = Vec::new();
    if let Some(e) = lex.by_first.get(key) {
        candidates.push(e);
    }
    if lex.split_prefixes.contains(key) {
        for sep in ['.', '-'] {
            let prefix = format!("{key}{sep}");
            for (head, entries) in lex.by_first.range(prefix.clone()..) {
                if !head.starts_with(&prefix) {
                    break;
                }
                candidates.push(entries);
            }
        }
    }
    let capitalised = first.starts_with(|c: char| c.is_ascii_uppercase());
    let mut best: Option<usize> = None;
    for entries in candidates {
        for entry in entries {
            // Abbreviations only count when capitalised ("Sen.", not "sen.").
            if entry[0].contains('.') && !capitalised {
                continue;
            }
            let mut j = i;
            let mut ok = true;
            for w in entry {
                match match_word(text, seg, j, w) {
                    Some(next) => j = next,
                    None => {
                        ok = false;
                        break;
                    }
                }
            }
            if ok && free_standing(text, seg, i, j) && best.is_none_or(|b| j > b) {
                best = Some(j);
            }
        }
    }
    best
}

/// A party-state tag ("D-Minn.", "R-N.Y.", "I-Vt") starting at token `i`: the end index.
fn party_at(text: &str, seg: &Segmentation, i: usize) -> Option<usize> {
    let first = tok_text(text, seg, i);
    if !matches!(first.as_bytes().first(), Some(b'D' | b'R' | b'I')) {
        return None;
    }
    let start = seg.tokens[i].span.start;
    let mut best = None;
    let mut k = i;
    while k < seg.tokens.len() && k < i + 8 && (k == i || adjacent(seg, k)) {
        let end = seg.tokens[k].span.end;
        k += 1;
        let Some(s) = text.get(start..end) else {
            break;
        };
        let b = s.as_bytes();
        if b.len() < 4 || b[1] != b'-' || !b[2].is_ascii_uppercase() {
            continue;
        }
        let rest = &s[2..];
        if !rest.bytes().all(|c| c.is_ascii_alphabetic() || c == b'.') {
            break;
        }
        let state: String = rest
            .chars()
            .filter(|&c| c != '.')
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if lexicon().states.contains(state.as_str()) {
            best = Some(k);
        }
    }
    let j = best?;
    free_standing(text, seg, i, j).then_some(j)
}

/// Title spans of the text: party-state tags (flag `true`) and lexicon titles.
pub(crate) fn find_titles(text: &str, seg: &Segmentation) -> Vec<(Span, bool)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < seg.tokens.len() {
        let found = party_at(text, seg, i)
            .map(|j| (j, true))
            .or_else(|| lexicon_at(text, seg, i).map(|j| (j, false)));
        match found {
            Some((j, party)) if j > i => {
                let span = Span::new(seg.tokens[i].span.start, seg.tokens[j - 1].span.end);
                out.push((span, party));
                i = j;
            }
            _ => i += 1,
        }
    }
    out
}

/// Adds the rule titles to the model's entities (sorted, non-overlapping) and resolves
/// overlaps: a party-state tag or a title covering an entity wins; an entity that starts
/// with a title ("President Obama", "House Speaker Paul Ryan") is trimmed to what follows
/// the title; otherwise the entity wins ("Office of the President").
pub(crate) fn merge_titles(text: &str, seg: &Segmentation, ents: &mut Vec<EntityMention>) {
    let titles = find_titles(text, seg);
    if titles.is_empty() {
        return;
    }
    debug_assert!(ents.windows(2).all(|w| w[0].span.end <= w[1].span.start));
    let mut keep_titles = Vec::new();
    for (t, party) in titles {
        let mut title_wins = true;
        // The entities are sorted and disjoint (and stay so below: a span is only emptied
        // or trimmed at its start), so those overlapping the title are a run found by binary
        // search; a scan of every entity per title is quadratic in a long article.
        let first = ents.partition_point(|e| e.span.end <= t.start);
        for e in ents[first..].iter_mut() {
            if e.span.start >= t.end {
                break;
            }
            if e.span.is_empty() || !e.span.overlaps(t) {
                continue;
            }
            if party || t.contains(e.span) {
                e.span = Span::new(e.span.start, e.span.start); // dropped below
            } else if e.span.start == t.start && e.span.end > t.end {
                let next = seg.tokens.partition_point(|tok| tok.span.start < t.end);
                match seg.tokens.get(next) {
                    Some(tok) if tok.span.start < e.span.end => {
                        e.span = Span::new(tok.span.start, e.span.end)
                    }
                    _ => title_wins = false,
                }
            } else {
                title_wins = false;
            }
        }
        if title_wins {
            keep_titles.push(EntityMention {
                span: t,
                kind: EntityType::Title,
            });
        }
    }
    ents.retain(|e| !e.span.is_empty());
    ents.extend(keep_titles);
    ents.sort_by_key(|e| (e.span.start, e.span.end));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::Segmenter;

    fn check(text: &str, expected: &[&str]) {
        let seg = Segmenter::new().segment(text);
        let got: Vec<&str> = find_titles(text, &seg)
            .iter()
            .map(|(s, _)| s.slice(text))
            .collect();
        assert_eq!(got, expected, "in {text:?}");
    }

    #[test]
    fn lexicon_titles() {
        check("President Obama spoke.", &["President"]);
        check("the president said", &["president"]);
        check("Attorney General Jeff Sessions", &["Attorney General"]);
        check("House Speaker Paul Ryan", &["House Speaker"]);
        check("a campaign spokesman said", &["spokesman"]);
        check("two spokesmen said", &["spokesmen"]);
        check("Sen. Al Franken", &["Sen."]);
        check("Sens. Al Franken and John McCain", &["Sens."]);
        check("Rep. Nancy Pelosi and Gov. Jerry Brown", &["Rep.", "Gov."]);
        check("Lt. Gov. Dan Patrick", &["Lt. Gov."]);
        check("Secretary of State John Kerry", &["Secretary of State"]);
        check(
            "White House press secretary Sean Spicer",
            &["press secretary"],
        );
        check("President-elect Trump", &["President-elect"]);
        check("senators and secretaries", &["senators", "secretaries"]);
        check("Attorneys General met", &["Attorneys General"]);
    }

    #[test]
    fn lexicon_negatives() {
        check("", &[]);
        check("presidential politics", &[]);
        check("the sen. said", &[]);
        check("Sending a letter", &[]);
        check("the general election", &[]);
        check("ex-president", &[]);
        check("Presidents", &["Presidents"]);
        check("日本 president", &["president"]);
    }

    #[test]
    fn party_tags() {
        check("Al Franken (D-Minn.) said", &["D-Minn."]);
        check("Jeff Sessions (R-Ala.) said", &["R-Ala."]);
        check("Chuck Schumer, D-N.Y., said", &["D-N.Y."]);
        check("Bernie Sanders (I-Vt)", &["I-Vt"]);
        check("Ted Cruz, R-Texas, said", &["R-Texas"]);
        check("Rep. Mike Pompeo (R-KS)", &["Rep.", "R-KS"]);
        check("on D-Day they met", &[]);
        check("the I-95 corridor", &[]);
        check("R-Foo", &[]);
        check("AD-Minn.", &[]);
    }

    fn mention(text: &str, s: &str, kind: EntityType) -> EntityMention {
        let start = text.find(s).unwrap();
        EntityMention {
            span: Span::new(start, start + s.len()),
            kind,
        }
    }

    #[test]
    fn merging() {
        let text = "President Barack Obama met House Speaker Paul Ryan and Al Franken, D-Minn.";
        let seg = Segmenter::new().segment(text);
        let mut ents = vec![
            mention(text, "President Barack Obama", EntityType::Person),
            mention(text, "House", EntityType::Organization),
            mention(text, "Paul Ryan", EntityType::Person),
            mention(text, "Al Franken", EntityType::Person),
            mention(text, "Minn", EntityType::Location),
        ];
        merge_titles(text, &seg, &mut ents);
        let got: Vec<(&str, &str)> = ents
            .iter()
            .map(|e| (e.span.slice(text), e.kind.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("President", "title"),
                ("Barack Obama", "person"),
                ("House Speaker", "title"),
                ("Paul Ryan", "person"),
                ("Al Franken", "person"),
                ("D-Minn.", "title"),
            ]
        );
        // An organisation that holds a title word keeps it.
        let text = "the Office of the President said";
        let seg = Segmenter::new().segment(text);
        let mut ents = vec![mention(
            text,
            "Office of the President",
            EntityType::Organization,
        )];
        merge_titles(text, &seg, &mut ents);
        assert_eq!(ents.len(), 1);
        assert_eq!(ents[0].kind, EntityType::Organization);
    }
}
