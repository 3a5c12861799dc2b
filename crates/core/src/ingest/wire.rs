//! Wire-story layout: headline, `| Updated:` line, byline, dateline.
//!
//! Only the head of the article is looked at (the first 16 KiB, the first 40 lines), so the
//! cost does not grow with the article. Every rule is conservative: a field the text does not
//! clearly show stays `None`, and the text itself is never changed.
//!
//! - **Headline**: the first non-blank line, when it is followed by a blank line and more text,
//!   is at most 250 characters and 35 words, is not a header or dateline line, and either has
//!   no terminal `.`/`!`/`?`, is title-cased, or is one short sentence (at most 12 words).
//!   Also a title and subtitle over two lines, the first ending with `;` (New York Times
//!   style in PolNeAR), given as the two lines joined by a space.
//! - **Header lines** (after the headline, before the body): fields separated by `|`, the
//!   first of them `Updated:` / `Last updated:` (→ `updated`), `Published:` / `Posted:`
//!   (→ `published`) followed by a date, or a byline `By NAME[ and NAME][, AGENCY]`.
//! - **Dateline**: at the start of the first body line (after at most four short deck lines):
//!   `PLACE[, Region][, Month Day[, Year]] [(Agency)] SEP body` where SEP is `—`, `–`, `--`,
//!   ` - ` or `:` (a colon only after an agency). An upper-case PLACE (`WASHINGTON`,
//!   `ST. LOUIS, Mo.`) is enough; a title-case place (`New York [USA]`) needs a known agency,
//!   so that `Mehmet Oz — ...` or `Hillary Clinton said (in a statement) — ...` are not taken.
//! - **Dateline year**: when the dateline gives none, the year of the published date (else the
//!   updated date), minus one when that would put the dateline after that date.
//! - **Byline agency** (`By Jane Doe, Associated Press`): becomes the dateline's agency when
//!   there is a dateline without one, else the outlet when no outlet is known; otherwise it is
//!   not recorded.

use super::dates::{month, parse_month_day, parse_timestamp};
use crate::article::{Dateline, Meta, Timestamp};
use crate::span::{floor_char_boundary, Span};

const HEAD_BYTES: usize = 16 * 1024;
const HEAD_LINES: usize = 40;
const MAX_DECK_LINES: usize = 4;
/// A sentence-case line ending in a period passes for a headline up to this many words:
/// PolNeAR's such titles have at most 11 words in 9 of 10 cases, news leads usually more.
const SHORT_HEADLINE_WORDS: usize = 12;

/// Recognises the metadata a wire story shows in its text.
pub fn recognize(text: &str) -> Meta {
    recognize_with(text, &Meta::default())
}

/// Like [`recognize`], given metadata the input already states (e.g. JSONL fields): those
/// fields win, and their dates help infer a dateline's year.
pub fn recognize_with(text: &str, known: &Meta) -> Meta {
    scan_head(text).map_or_else(|| known.clone(), |found| found.into_meta(known))
}

/// The byte span of the article's dateline (`New York [USA], Mar. 3 (ANI): `, separator and
/// the space after it included), if its opening lines have one.
pub fn dateline_span(text: &str) -> Option<Span> {
    scan_head(text)?.dateline.map(|d| d.span)
}

/// What the opening lines of `text` state; `None` for a text of blank lines.
fn scan_head(text: &str) -> Option<Found> {
    let head = &text[..floor_char_boundary(text, HEAD_BYTES)];
    let lines: Vec<&str> = head
        .split('\n')
        .take(HEAD_LINES)
        .map(|l| l.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}'))
        .collect();
    let mut found = Found::default();
    let first = lines.iter().position(|l| !l.is_empty())?;
    let mut start = first;
    let followed_by_blank = lines.get(first + 1).is_some_and(|l| l.is_empty());
    let more_text = lines[first + 1..].iter().any(|l| !l.is_empty());
    if followed_by_blank && more_text && is_headline(lines[first]) {
        found.headline = Some(lines[first].to_string());
        start = first + 1;
    } else if let Some(h) = two_line_headline(&lines[first..]) {
        found.headline = Some(h);
        start = first + 2;
    }
    let mut deck_lines = 0;
    for line in &lines[start..] {
        if line.is_empty() {
            continue;
        }
        if header_line(line, &mut found) {
            continue;
        }
        if let Some(mut d) = parse_dateline(line) {
            // `line` is a slice of `text`: the dateline's offsets follow from its address.
            let at = line.as_ptr() as usize - text.as_ptr() as usize;
            d.span = Span::new(at + d.span.start, at + d.span.end);
            found.dateline = Some(d);
            break;
        }
        if word_count(line) <= 25 && deck_lines < MAX_DECK_LINES {
            deck_lines += 1;
            continue;
        }
        break;
    }
    Some(found)
}

#[derive(Default)]
struct Found {
    headline: Option<String>,
    published: Option<Timestamp>,
    updated: Option<Timestamp>,
    byline: Option<String>,
    byline_agency: Option<String>,
    dateline: Option<RawDateline>,
}

#[derive(Debug, PartialEq)]
struct RawDateline {
    /// Byte span in its line, from the line's start to the body after the separator.
    span: Span,
    place: String,
    date: Option<(Option<i32>, u8, u8)>,
    agency: Option<String>,
}

impl Found {
    fn into_meta(self, known: &Meta) -> Meta {
        let published = known.published.or(self.published);
        let updated = known.updated.or(self.updated);
        let mut outlet = known.outlet.clone();
        let dateline = self.dateline.map(|d| {
            let reference = published.or(updated);
            Dateline {
                place: Some(d.place),
                date: d
                    .date
                    .and_then(|(y, m, day)| infer_year(y, m, day, reference)),
                agency: d.agency,
            }
        });
        let dateline = match (dateline, self.byline_agency) {
            (Some(mut d), Some(agency)) => {
                d.agency = d.agency.or(Some(agency));
                Some(d)
            }
            (None, Some(agency)) => {
                outlet = outlet.or(Some(agency));
                None
            }
            (d, None) => d,
        };
        let published = published.or(dateline.as_ref().and_then(|d| d.date));
        let dateline = known.dateline.clone().or(dateline);
        // Wire copy that names no outlet is the dateline agency's story ("(ANI):").
        let outlet = outlet.or_else(|| dateline.as_ref().and_then(|d| d.agency.clone()));
        Meta {
            headline: known.headline.clone().or(self.headline),
            published,
            updated,
            dateline,
            byline: known.byline.clone().or(self.byline),
            outlet,
            url: known.url.clone(),
        }
    }
}

fn infer_year(year: Option<i32>, m: u8, d: u8, reference: Option<Timestamp>) -> Option<Timestamp> {
    if let Some(y) = year {
        return Timestamp::date(y, m, d);
    }
    let r = reference?;
    let y = if (m, d) > (r.month, r.day) {
        r.year - 1
    } else {
        r.year
    };
    Timestamp::date(y, m, d)
}

fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

fn is_headline(line: &str) -> bool {
    is_headline_shape(line, SHORT_HEADLINE_WORDS)
}

/// `short_words`: how many words a sentence-case line ending in a period may have.
fn is_headline_shape(line: &str, short_words: usize) -> bool {
    let n_words = word_count(line);
    if line.chars().count() > 250 || n_words > 35 {
        return false;
    }
    let dated_label =
        starts_with_label(line).is_some_and(|(_, rest)| parse_timestamp(rest).is_some());
    if dated_label || byline(line).is_some() || parse_dateline(line).is_some() {
        return false;
    }
    let core = line.trim_end_matches(['"', '\'', '’', '”', ')', ']', '»', ' ']);
    if core.ends_with([':', ',', ';']) {
        return false;
    }
    let terminal = core.ends_with(['.', '!', '?', '…']);
    !terminal || title_like(line) || (n_words <= short_words && !has_sentence_break(core))
}

/// A headline and its subtitle joined by `;` over two lines (`Jobs report gives Democrats a
/// lift;` / `Solid upturn, ...`), then a blank line: both lines, joined by a space.
fn two_line_headline(lines: &[&str]) -> Option<String> {
    let [first, second, blank, ..] = lines else {
        return None;
    };
    if !first.ends_with(';') || second.is_empty() || !blank.is_empty() {
        return None;
    }
    if !lines[3..].iter().any(|l| !l.is_empty()) {
        return None;
    }
    let joined = format!("{first} {second}");
    is_headline_shape(&joined, 40).then_some(joined)
}

/// Most longer words capitalised: `Bernie Sanders Says He's Already Started Writing`.
fn title_like(line: &str) -> bool {
    let words: Vec<&str> = line
        .split_whitespace()
        .map(|w| w.trim_start_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 4)
        .collect();
    let caps = words
        .iter()
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .count();
    words.len() >= 2 && caps * 10 >= words.len() * 8
}

/// A `.`/`!`/`?` inside the line followed by a space and a capital, not after an
/// abbreviation such as `Mr.` or `U.S.`: more than one sentence.
fn has_sentence_break(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    words.windows(2).any(|w| {
        let (a, b) = (w[0], w[1]);
        let a_core = a.trim_end_matches(['"', '\'', '’', '”', ')']);
        let ends = a_core.ends_with(['.', '!', '?']);
        let abbreviation = a_core.ends_with('.')
            && (a_core.chars().filter(|c| c.is_alphabetic()).count() <= 3
                || a_core.chars().filter(|c| *c == '.').count() > 1);
        ends && !abbreviation && b.chars().next().is_some_and(char::is_uppercase)
    })
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum DateField {
    Published,
    Updated,
}

/// A leading `Updated:`-style label: its kind and the rest of the field.
fn starts_with_label(field: &str) -> Option<(DateField, &str)> {
    const LABELS: [(&str, DateField); 7] = [
        ("last updated", DateField::Updated),
        ("updated", DateField::Updated),
        ("first published", DateField::Published),
        ("published", DateField::Published),
        ("posted", DateField::Published),
        ("originally published", DateField::Published),
        ("released", DateField::Published),
    ];
    let lower = field[..floor_char_boundary(field, 24)].to_ascii_lowercase();
    for (label, kind) in LABELS {
        if lower.starts_with(label) && !field[label.len()..].starts_with(char::is_alphanumeric) {
            let rest = field[label.len()..].trim_start();
            let rest = rest.strip_prefix(':').unwrap_or(rest).trim_start();
            let rest = strip_word(rest, "on")
                .or_else(|| strip_word(rest, "at"))
                .unwrap_or(rest);
            let rest = rest.strip_prefix(':').unwrap_or(rest).trim_start();
            return Some((kind, rest));
        }
    }
    None
}

fn strip_word<'a>(s: &'a str, word: &str) -> Option<&'a str> {
    let head = s.get(..word.len())?;
    let rest = &s[word.len()..];
    (head.eq_ignore_ascii_case(word) && rest.starts_with(char::is_whitespace))
        .then(|| rest.trim_start())
}

/// Recognises a header line (`| Updated: ...`, `By ...`, `By X | Reuters`) and records its
/// fields; false when the line is not one.
fn header_line(line: &str, found: &mut Found) -> bool {
    let fields: Vec<&str> = line
        .split('|')
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .collect();
    let mut recognised = false;
    let mut after_byline = false;
    for (i, field) in fields.iter().enumerate() {
        if let Some((kind, rest)) = starts_with_label(field) {
            if let Some(t) = parse_timestamp(rest) {
                let slot = match kind {
                    DateField::Published => &mut found.published,
                    DateField::Updated => &mut found.updated,
                };
                slot.get_or_insert(t);
                recognised = true;
                after_byline = false;
                continue;
            }
        }
        if let Some((names, agency)) = byline(field) {
            found.byline.get_or_insert(names.to_string());
            if let Some(a) = agency {
                found.byline_agency.get_or_insert(a.to_string());
            }
            recognised = true;
            after_byline = true;
            continue;
        }
        if after_byline && agency_like(field) {
            found.byline_agency.get_or_insert(field.to_string());
            after_byline = false;
            continue;
        }
        if i == 0 {
            return false;
        }
        after_byline = false;
    }
    recognised
}

/// `By Jane Doe, Associated Press` → (`Jane Doe`, `Associated Press`).
fn byline(field: &str) -> Option<(&str, Option<&str>)> {
    let rest = ["By ", "BY ", "by "]
        .iter()
        .find_map(|p| field.strip_prefix(p))?
        .trim();
    if rest.chars().count() > 120 {
        return None;
    }
    if let Some((names, tail)) = rest.rsplit_once(',') {
        let (names, tail) = (names.trim(), tail.trim());
        if names_ok(names) {
            if agency_like(tail) {
                return Some((names, Some(tail)));
            }
            if is_role(tail) {
                return Some((names, None));
            }
        }
    }
    names_ok(rest).then_some((rest, None))
}

const PARTICLES: [&str; 14] = [
    "de", "van", "von", "der", "den", "da", "del", "di", "la", "le", "bin", "al", "du", "dos",
];

/// One or more person names: capitalised words, initials, particles; joined by `,`, `and`,
/// `&`.
fn names_ok(s: &str) -> bool {
    let mut n_names = 0;
    for name in s
        .split(',')
        .flat_map(|p| p.split(" and "))
        .flat_map(|p| p.split(" AND "))
        .flat_map(|p| p.split(" & "))
    {
        let words: Vec<&str> = name.split_whitespace().collect();
        if words.is_empty() || words.len() > 5 {
            return false;
        }
        if month(words[0]).is_some() || is_weekday_word(words[0]) {
            return false;
        }
        let ok = words.iter().all(|w| {
            PARTICLES.contains(w)
                || (w.chars().next().is_some_and(char::is_uppercase)
                    && w.chars()
                        .all(|c| c.is_alphabetic() || matches!(c, '.' | '\'' | '’' | '-')))
        });
        let letters = words
            .iter()
            .flat_map(|w| w.chars())
            .filter(|c| c.is_alphabetic())
            .count();
        if !ok || letters < 2 {
            return false;
        }
        n_names += 1;
    }
    (1..=6).contains(&n_names)
}

fn is_weekday_word(w: &str) -> bool {
    matches!(
        w.trim_end_matches(['.', ',']).to_ascii_lowercase().as_str(),
        "monday" | "tuesday" | "wednesday" | "thursday" | "friday" | "saturday" | "sunday"
    )
}

fn is_role(s: &str) -> bool {
    let l = s.to_lowercase();
    [
        "writer",
        "reporter",
        "correspondent",
        "editor",
        "contributor",
        "columnist",
        "staff",
        "bureau",
        "chief",
        "analyst",
    ]
    .iter()
    .any(|r| l.contains(r))
}

const AGENCIES: [&str; 44] = [
    "AP",
    "Associated Press",
    "The Associated Press",
    "Reuters",
    "Thomson Reuters",
    "AFP",
    "Agence France-Presse",
    "ANI",
    "PTI",
    "IANS",
    "UPI",
    "UNI",
    "Bloomberg",
    "dpa",
    "EFE",
    "Xinhua",
    "Kyodo",
    "Yonhap",
    "TASS",
    "ITAR-TASS",
    "RIA Novosti",
    "Interfax",
    "ANSA",
    "KUNA",
    "WAM",
    "SPA",
    "IRNA",
    "Anadolu",
    "Bernama",
    "Antara",
    "APP",
    "AAP",
    "CP",
    "Canadian Press",
    "The Canadian Press",
    "PA",
    "Press Association",
    "CNN",
    "BBC",
    "Sputnik",
    "Al Jazeera",
    "MENA",
    "CNA",
    "NHK",
];

fn known_agency(s: &str) -> bool {
    AGENCIES.iter().any(|a| a.eq_ignore_ascii_case(s))
}

/// A news agency or outlet name: a known agency, an upper-case name (`USA TODAY`), or
/// capitalised words with an outlet word (`The Boston Globe` is not; `Fox News` is).
fn agency_like(s: &str) -> bool {
    if known_agency(s) {
        return true;
    }
    let words: Vec<&str> = s.split_whitespace().collect();
    if words.is_empty() || words.len() > 5 || s.chars().count() > 50 {
        return false;
    }
    let capitalised = words.iter().all(|w| {
        w.chars().next().is_some_and(char::is_uppercase)
            && w.chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '.' | '\'' | '’' | '-' | '&'))
    });
    if !capitalised {
        return false;
    }
    let letters: Vec<char> = s.chars().filter(|c| c.is_alphabetic()).collect();
    let all_upper = letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase());
    const OUTLET_WORDS: [&str; 16] = [
        "press",
        "news",
        "times",
        "post",
        "agency",
        "service",
        "journal",
        "tribune",
        "herald",
        "today",
        "network",
        "media",
        "wire",
        "gazette",
        "telegraph",
        "newswire",
    ];
    all_upper
        || words
            .iter()
            .any(|w| OUTLET_WORDS.contains(&w.to_lowercase().as_str()))
}

/// Words before a dash that are rubrics, not places.
const NOT_PLACES: [&str; 29] = [
    "EXCLUSIVE",
    "UPDATE",
    "UPDATED",
    "BREAKING",
    "WATCH",
    "VIDEO",
    "LIVE",
    "ANALYSIS",
    "OPINION",
    "EDITORIAL",
    "COMMENTARY",
    "NOTE",
    "CORRECTION",
    "CLARIFICATION",
    "ABSTRACT",
    "PHOTOS",
    "PHOTO",
    "AUDIO",
    "LISTEN",
    "READ",
    "RELATED",
    "ALERT",
    "SPOILER",
    "REPORT",
    "POLL",
    "FACT",
    "EDITOR'S",
    "EDITOR’S",
    "FULL",
];

fn parse_dateline(line: &str) -> Option<RawDateline> {
    let (head_end, sep, body_start) = find_separator(line)?;
    let body = line[body_start..].trim_start();
    let first = body.chars().next()?;
    if first.is_lowercase() {
        return None;
    }
    let mut head = line[..head_end].trim_end();
    let mut agency = None;
    if let Some(inner) = head.strip_suffix(')') {
        let open = inner.rfind('(')?;
        let a = inner[open + 1..].trim();
        if !agency_name_ok(a) {
            return None;
        }
        agency = Some(a);
        head = inner[..open].trim_end();
    }
    if sep == ':' && agency.is_none() {
        return None;
    }
    let (place_part, rest) = match head.find(',') {
        Some(i) => (&head[..i], Some(head[i + 1..].trim())),
        None => (head, None),
    };
    let caps = place_ok(place_part)?;
    if !caps && !agency.is_some_and(known_agency) {
        return None;
    }
    let mut place = place_part.trim();
    let mut date = None;
    if let Some(rest) = rest {
        if let Some(d) = parse_month_day(rest) {
            date = Some(d);
        } else {
            let (region, date_part) = match rest.find(',') {
                Some(i) => (rest[..i].trim(), Some(rest[i + 1..].trim())),
                None => (rest, None),
            };
            if !region_ok(region) {
                return None;
            }
            if let Some(dp) = date_part {
                date = Some(parse_month_day(dp)?);
            }
            // The place as written, region included.
            let start = place.as_ptr() as usize - line.as_ptr() as usize;
            let end = region.as_ptr() as usize - line.as_ptr() as usize + region.len();
            place = &line[start..end];
        }
    }
    Some(RawDateline {
        span: Span::new(0, line.len() - body.len()),
        place: place.to_string(),
        date,
        agency: agency.map(str::to_string),
    })
}

/// The first dash or colon in the opening 150 bytes: (end of the head, the separator as a
/// char, start of the body).
fn find_separator(line: &str) -> Option<(usize, char, usize)> {
    let limit = floor_char_boundary(line, 150);
    let chars: Vec<(usize, char)> = line[..limit].char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        let next = chars.get(k + 1).map(|x| x.1);
        let prev = k.checked_sub(1).map(|p| chars[p].1);
        match c {
            '—' | '–' => return Some((i, '—', i + c.len_utf8())),
            // `SIEGEL--Jerome Arthur, 98,` (an obituary) is not a dateline.
            '-' if next == Some('-') => {
                let after = chars.get(k + 2).map(|x| x.1);
                if !prev.is_some_and(char::is_whitespace) && !after.is_some_and(char::is_whitespace)
                {
                    return None;
                }
                return Some((i, '—', i + 2));
            }
            '-' if prev.is_some_and(char::is_whitespace)
                && next.is_some_and(char::is_whitespace) =>
            {
                return Some((i, '—', i + 1))
            }
            ':' => return Some((i, ':', i + 1)),
            _ => {}
        }
    }
    None
}

/// Some(true) for an upper-case place, Some(false) for a title-case one, None otherwise.
/// A place may end with a bracket: `New York [USA]`.
fn place_ok(place: &str) -> Option<bool> {
    let place = place.trim();
    let core = match place.strip_suffix(']') {
        Some(inner) => {
            let open = inner.rfind('[')?;
            let bracket = &inner[open + 1..];
            if bracket.is_empty() || bracket.chars().count() > 20 {
                return None;
            }
            inner[..open].trim_end()
        }
        None => place,
    };
    let words: Vec<&str> = core.split_whitespace().collect();
    if words.is_empty() || words.len() > 4 {
        return None;
    }
    let word_chars_ok = words.iter().all(|w| {
        w.chars()
            .all(|c| c.is_alphabetic() || matches!(c, '.' | '\'' | '’' | '-'))
    });
    if !word_chars_ok {
        return None;
    }
    let letters: Vec<char> = core.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() < 2 {
        return None;
    }
    if letters.iter().all(|c| c.is_uppercase()) {
        let first = words[0];
        if NOT_PLACES.contains(&first) {
            return None;
        }
        return Some(true);
    }
    let title = words
        .iter()
        .all(|w| PARTICLES.contains(w) || w.chars().next().is_some_and(char::is_uppercase));
    title.then_some(false)
}

/// `N.H.`, `Fla.`, `Iowa`, `Lebanon`, `D.C.`, `South Carolina`.
fn region_ok(region: &str) -> bool {
    let words: Vec<&str> = region.split_whitespace().collect();
    !words.is_empty()
        && words.len() <= 3
        && region.chars().count() <= 30
        && words.iter().all(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                && w.chars()
                    .all(|c| c.is_alphabetic() || matches!(c, '.' | '\'' | '-'))
        })
}

/// What may stand in a dateline's parentheses: `AP`, `Reuters`, `Agence France-Presse`.
fn agency_name_ok(a: &str) -> bool {
    let words: Vec<&str> = a.split_whitespace().collect();
    !words.is_empty()
        && words.len() <= 5
        && a.chars().count() <= 40
        && (known_agency(a)
            || words.iter().all(|w| {
                w.chars().next().is_some_and(char::is_uppercase)
                    && w.chars()
                        .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '&'))
            }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Option<Timestamp> {
        parse_timestamp(s)
    }

    fn headline(text: &str, expected: Option<&str>) {
        assert_eq!(
            recognize(text).headline.as_deref(),
            expected,
            "text {text:?}"
        );
    }

    #[test]
    fn the_dateline_agency_is_the_outlet_when_nothing_else_names_one() {
        let wire = "Trump stands by Sessions\n\nNew York [USA], Mar. 3 (ANI): U.S. President \
                    Donald Trump on Thursday said he has total confidence in Sessions.";
        assert_eq!(recognize(wire).outlet.as_deref(), Some("ANI"));
        let known = Meta {
            outlet: Some("Delhi Gazette".into()),
            ..Meta::default()
        };
        assert_eq!(
            recognize_with(wire, &known).outlet.as_deref(),
            Some("Delhi Gazette")
        );
        let plain =
            "Trump stands by Sessions\n\nThe president said on Thursday that he trusts him.";
        assert_eq!(recognize(plain).outlet, None);
    }

    #[test]
    fn headlines() {
        let body = "\n\nThe senator said on Monday that the bill would pass the chamber.";
        headline(
            &format!("Trump stands by Sessions as Democrats seek resignation{body}"),
            Some("Trump stands by Sessions as Democrats seek resignation"),
        );
        headline(
            &format!("Families of mass shooting victims sound off on Sanders.{body}"),
            Some("Families of mass shooting victims sound off on Sanders."),
        );
        headline(
            &format!(
                "Bernie Sanders: ‘Of Course’ Hillary Clinton Is Qualified To Be President.{body}"
            ),
            Some("Bernie Sanders: ‘Of Course’ Hillary Clinton Is Qualified To Be President."),
        );
        headline(
            &format!("  Title with spaces  \r{body}"),
            Some("Title with spaces"),
        );
        headline(
            &format!("\n\nLeading blank lines{body}"),
            Some("Leading blank lines"),
        );
        // Not followed by a blank line, or nothing after it.
        headline("A title\nThe body starts here.", None);
        headline("A title\n\n", None);
        headline("A title", None);
        headline("", None);
        // A long sentence, several sentences, a dateline, a byline, a lead-in.
        headline(
            &format!("The senator said on Monday that the bill, which has been debated for months in committee, would pass the chamber easily.{body}"),
            None,
        );
        headline(
            &format!("He spoke. Then he left the room quietly.{body}"),
            None,
        );
        headline(&format!("WASHINGTON (AP) — The vote is set.{body}"), None);
        headline(&format!("By Jane Doe, Associated Press{body}"), None);
        headline(&format!("Here is what he said:{body}"), None);
        headline(
            &format!("Updated guidance on vaccines{body}"),
            Some("Updated guidance on vaccines"),
        );
        headline(&format!("Updated: Aug 23, 2017{body}"), None);
        headline(
            &format!("Mr. Smith goes to Washington.{body}"),
            Some("Mr. Smith goes to Washington."),
        );
        // Title; subtitle over two lines.
        headline(
            &format!(
                "Jobs report gives Democrats a lift; \nSolid upturn could blunt claims.{body}"
            ),
            Some("Jobs report gives Democrats a lift; Solid upturn could blunt claims."),
        );
        headline(
            &format!("Jobs report gives Democrats a lift;\nSolid upturn.\nMore.{body}"),
            None,
        );
        headline(
            &format!("Jobs report gives a lift;\n{}.{body}", "word ".repeat(40)),
            None,
        );
    }

    fn dateline(line: &str, expected: Option<(&str, Option<&str>)>) {
        let got = parse_dateline(line);
        let got = got
            .as_ref()
            .map(|d| (d.place.as_str(), d.agency.as_deref()));
        assert_eq!(got, expected, "line {line:?}");
    }

    #[test]
    fn datelines() {
        dateline(
            "WASHINGTON (Reuters) - The Chinese",
            Some(("WASHINGTON", Some("Reuters"))),
        );
        dateline(
            "WASHINGTON (Reuters) — The Chinese",
            Some(("WASHINGTON", Some("Reuters"))),
        );
        dateline(
            "WASHINGTON (Reuters) -- The Chinese",
            Some(("WASHINGTON", Some("Reuters"))),
        );
        dateline(
            "LONDON, March 3 (AFP) - Britain",
            Some(("LONDON", Some("AFP"))),
        );
        dateline(
            "NEW DELHI (PTI): The government",
            Some(("NEW DELHI", Some("PTI"))),
        );
        dateline("WASHINGTON — The", Some(("WASHINGTON", None)));
        dateline("WASHINGTON—The", Some(("WASHINGTON", None)));
        dateline(
            "BEIRUT, Lebanon (AP) — Syrian",
            Some(("BEIRUT, Lebanon", Some("AP"))),
        );
        dateline("NASHUA, N.H. - At the moment", Some(("NASHUA, N.H.", None)));
        dateline(
            "CHARLESTON, S.C.\u{a0}— In the fall",
            Some(("CHARLESTON, S.C.", None)),
        );
        dateline(
            "WASHINGTON —\u{a0}U.S. candidates",
            Some(("WASHINGTON", None)),
        );
        dateline("ST. LOUIS — Presumptive", Some(("ST. LOUIS", None)));
        dateline("LOS ANGELES --  ''The stories", Some(("LOS ANGELES", None)));
        dateline(
            "Cleveland (AFP) – The Republican",
            Some(("Cleveland", Some("AFP"))),
        );
        dateline(
            "New York [USA], Mar. 3 (ANI): U.S. President",
            Some(("New York [USA]", Some("ANI"))),
        );
        dateline(
            "WILKES-BARRE, Pa. — Trump",
            Some(("WILKES-BARRE, Pa.", None)),
        );
        dateline(
            "WASHINGTON, D.C., March 3, 2017 (UPI) -- The",
            Some(("WASHINGTON, D.C.", Some("UPI"))),
        );
        // Body sentences and rubrics are not datelines.
        dateline("Hillary Clinton said (in a statement) — she", None);
        dateline("Mehmet Oz — Ivy League-trained surgeon", None);
        dateline("Ryan was diplomatic, but firm — Trump must", None);
        dateline("The overall backdrop — an economy", None);
        dateline("JAKE TAPPER: Donald Trump released", None);
        dateline("UPDATE: 5/12 — The website", None);
        dateline("EXCLUSIVE – Roger Stone: Don’t Trust", None);
        dateline("Grandkids: It was not so long ago", None);
        dateline("Sen. Bernie Sanders (I-Vt.) — defended", None);
        dateline("WASHINGTON — the", None);
        dateline("WASHINGTON —", None);
        dateline("WASHINGTON", None);
        dateline("", None);
        dateline("Washington — The", None);
        dateline("A — B", None);
        dateline("SIEGEL--Jerome Arthur, 98, of Mamaroneck", None);
        dateline("WASHINGTON --The", Some(("WASHINGTON", None)));
        dateline("NEW YORK, some text here — The", None);
    }

    #[test]
    fn dateline_dates_and_years() {
        let d = parse_dateline("LONDON, March 3 (AFP) - Britain").unwrap();
        assert_eq!(d.date, Some((None, 3, 3)));
        let r = ts("2017-08-23");
        let c = |m, d| infer_year(None, m, d, r).map(|t| t.to_string());
        assert_eq!(c(3, 3).as_deref(), Some("2017-03-03"));
        assert_eq!(c(8, 23).as_deref(), Some("2017-08-23"));
        assert_eq!(c(8, 24).as_deref(), Some("2016-08-24"));
        assert_eq!(c(12, 31).as_deref(), Some("2016-12-31"));
        assert_eq!(infer_year(None, 3, 3, None), None);
        assert_eq!(
            infer_year(Some(2015), 3, 3, r)
                .map(|t| t.to_string())
                .as_deref(),
            Some("2015-03-03")
        );
        // Feb 29 in a non-leap inferred year: no date rather than an invented one.
        assert_eq!(infer_year(None, 2, 29, ts("2017-05-01")), None);
    }

    fn by(field: &str, expected: Option<(&str, Option<&str>)>) {
        assert_eq!(byline(field), expected, "field {field:?}");
    }

    #[test]
    fn bylines() {
        by(
            "By Jane Doe, Associated Press",
            Some(("Jane Doe", Some("Associated Press"))),
        );
        by(
            "By JANE DOE and JOHN ROE",
            Some(("JANE DOE and JOHN ROE", None)),
        );
        by("By Jane Doe", Some(("Jane Doe", None)));
        by("BY JANE DOE", Some(("JANE DOE", None)));
        by("By Jane Doe, Staff Writer", Some(("Jane Doe", None)));
        by(
            "By David Jackson, USA TODAY",
            Some(("David Jackson", Some("USA TODAY"))),
        );
        by(
            "By Jane Doe, John Roe and Ann Poe",
            Some(("Jane Doe, John Roe and Ann Poe", None)),
        );
        by(
            "By J.R. R. Tolkien Jr.",
            Some(("J.R. R. Tolkien Jr.", None)),
        );
        by(
            "By Ludwig van Beethoven",
            Some(("Ludwig van Beethoven", None)),
        );
        by("By Jane Doe, Reuters", Some(("Jane Doe", Some("Reuters"))));
        by("By the end of next week's contests, her lead", None);
        by("By 58%-33%, those surveyed said", None);
        by("By Sanders's own argument, superdelegates have", None);
        by("By Thursday afternoon, Clinton had accepted", None);
        by("By Monday", None);
        by("By", None);
        by("Jane Doe", None);
    }

    #[test]
    fn header_lines() {
        let mut f = Found::default();
        assert!(header_line("| Updated: Aug 23, 2017 11:20 IST", &mut f));
        assert_eq!(f.updated, ts("2017-08-23T11:20:00+05:30"));
        let mut f = Found::default();
        assert!(header_line(
            "Published: August 22, 2017 | Last updated: 23 August 2017",
            &mut f
        ));
        assert_eq!(f.published, ts("2017-08-22"));
        assert_eq!(f.updated, ts("2017-08-23"));
        let mut f = Found::default();
        assert!(header_line(
            "Posted on Sept. 3, 2016 at 9:05 p.m. EDT",
            &mut f
        ));
        assert_eq!(f.published, ts("2016-09-03T21:05:00-04:00"));
        let mut f = Found::default();
        assert!(header_line("By Jane Doe | Reuters", &mut f));
        assert_eq!(f.byline.as_deref(), Some("Jane Doe"));
        assert_eq!(f.byline_agency.as_deref(), Some("Reuters"));
        let mut f = Found::default();
        assert!(!header_line("Updated: soon", &mut f));
        assert!(!header_line("Updates from the trail are below.", &mut f));
        assert!(!header_line("The senator | spoke", &mut f));
        assert!(f.updated.is_none() && f.byline.is_none());
    }

    #[test]
    fn seed_like_article() {
        let text = "Trump stands by Sessions as Democrats seek resignation over Russia revelation\n\n| Updated: Aug 23, 2017 11:20 IST\n\nNew York [USA], Mar. 3 (ANI): U.S. President Donald Trump on Thursday said he has confidence.";
        let m = recognize(text);
        assert_eq!(
            m.headline.as_deref(),
            Some("Trump stands by Sessions as Democrats seek resignation over Russia revelation")
        );
        assert_eq!(m.updated.unwrap().to_string(), "2017-08-23T11:20:00+05:30");
        let d = m.dateline.clone().unwrap();
        assert_eq!(d.place.as_deref(), Some("New York [USA]"));
        assert_eq!(d.date.unwrap().to_string(), "2017-03-03");
        assert_eq!(d.agency.as_deref(), Some("ANI"));
        assert_eq!(m.published.unwrap().to_string(), "2017-03-03");
        // No outlet named anywhere else: the agency's story.
        assert_eq!(m.outlet.as_deref(), Some("ANI"));
        assert_eq!((m.byline, m.url), (None, None));
    }

    #[test]
    fn byline_agency_goes_to_dateline_or_outlet() {
        let m = recognize("Title here\n\nBy Jane Doe, Associated Press\n\nWASHINGTON — The vote.");
        assert_eq!(m.byline.as_deref(), Some("Jane Doe"));
        assert_eq!(
            m.dateline.unwrap().agency.as_deref(),
            Some("Associated Press")
        );
        assert_eq!(m.outlet.as_deref(), Some("Associated Press"));
        let m = recognize("Title here\n\nBy Jane Doe, Associated Press\n\nThe vote was held.");
        assert_eq!(m.outlet.as_deref(), Some("Associated Press"));
        assert_eq!(m.dateline, None);
        let known = Meta {
            outlet: Some("Daily Planet".into()),
            ..Meta::default()
        };
        let m = recognize_with(
            "Title here\n\nBy Jane Doe, Associated Press\n\nThe vote.",
            &known,
        );
        assert_eq!(m.outlet.as_deref(), Some("Daily Planet"));
    }

    #[test]
    fn known_fields_win_and_date_the_dateline() {
        let known = Meta {
            headline: Some("Given".into()),
            published: ts("2016-01-10"),
            ..Meta::default()
        };
        let m = recognize_with("Found title\n\nLONDON, Dec. 30 (AFP) - The vote.", &known);
        assert_eq!(m.headline.as_deref(), Some("Given"));
        assert_eq!(m.published, ts("2016-01-10"));
        assert_eq!(m.dateline.unwrap().date, ts("2015-12-30"));
        // No year known anywhere: no date.
        let m = recognize("Found title\n\nLONDON, Dec. 30 (AFP) - The vote.");
        assert_eq!(m.dateline.unwrap().date, None);
        assert_eq!(m.published, None);
    }

    #[test]
    fn polnear_style_text_is_read_conservatively() {
        let text = "Ryan was diplomatic, but firm.\n\nRyan was diplomatic, but firm — Trump must prove that he deserves the nomination.\n\nMore text.";
        let m = recognize(text);
        assert_eq!(
            m.headline.as_deref(),
            Some("Ryan was diplomatic, but firm.")
        );
        assert_eq!((m.dateline, m.byline, m.updated), (None, None, None));
        let text = "All eggs in N.H. and Iowa baskets.\n\nNASHUA, N.H. - At the moment Chris Christie learned it.";
        let m = recognize(text);
        assert_eq!(m.dateline.unwrap().place.as_deref(), Some("NASHUA, N.H."));
        // A dateline after a short deck.
        let text = "In shift, Mexico to stand up to Trump.\n\nNation shuffling top diplomats.\n\nMEXICO CITY - The rise of Donald Trump.";
        assert!(recognize(text).dateline.is_some());
        // ...but not after the body has begun.
        let long = "word ".repeat(40);
        let text = format!("Title\n\n{long}\n\nMEXICO CITY - The rise of Donald Trump.");
        assert!(recognize(&text).dateline.is_none());
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_recognised_without_panic(
            head in "[A-Z ,.:|()\\[\\]—–-]{0,40}",
            rest in "\\PC{0,200}",
            nl in "\n{0,3}",
        ) {
            let text = format!("{head}{nl}{rest}\n\n{head}{rest}");
            let m = recognize(&text);
            // What is reported is found in the text, not invented.
            if let Some(place) = m.dateline.and_then(|d| d.place) {
                proptest::prop_assert!(text.contains(&place));
            }
            if let Some(byline) = m.byline {
                proptest::prop_assert!(text.contains(&byline));
            }
            let _ = parse_timestamp(&rest);
            let _ = parse_month_day(&head);
        }
    }

    #[test]
    fn odd_text_never_panics() {
        let huge = "é".repeat(20_000);
        for text in [
            "",
            "\n\n\n",
            "\u{feff}",
            "é—",
            "(—",
            ")—",
            "A (B) —",
            "[]—x",
            "By ,",
            "| | |",
            huge.as_str(),
            "Ａ\n\nＢ",
        ] {
            let _ = recognize(text);
        }
        let _ = recognize(&format!("x\n\n{}", "—".repeat(100)));
    }
}

#[cfg(test)]
#[path = "wire_survey.rs"]
mod survey;
