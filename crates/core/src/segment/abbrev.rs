//! Abbreviations that keep their final period, harvested from the CoreNLP tokens of the
//! PolNeAR training split (tokens ending in `.` that did not end a sentence, seen at least
//! twice) and completed by hand with their obvious siblings (months, states, titles).
//! Abbreviations with inner dots (`U.S.`, `a.m.`, `Ph.D.`) and single initials (`J.`) are
//! recognised by their shape and need no list.

/// Titles before a name: never end a sentence (unless the line ends).
const TITLES: &[&str] = &[
    "Adm", "Amb", "Capt", "Cmdr", "Col", "Cpl", "Dr", "Fr", "Gen", "Gens", "Gov", "Govs", "Hon",
    "Lt", "Maj", "Messrs", "Mr", "Mrs", "Ms", "Msgr", "Pres", "Prof", "Rep", "Reps", "Rev", "Sen",
    "Sens", "Sgt", "Supt",
];

/// Other abbreviations, which may end a sentence when the next word plainly starts one.
const OTHERS: &[&str] = &[
    // months
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
    // states (AP style)
    "Ala", "Ariz", "Ark", "Calif", "Colo", "Conn", "Del", "Fla", "Ga", "Ill", "Ind", "Kan", "Kans",
    "Ky", "La", "Md", "Mass", "Mich", "Minn", "Miss", "Mo", "Mont", "Neb", "Nev", "Okla", "Ore",
    "Pa", "Penn", "Tenn", "Tex", "Va", "Vt", "Wash", "Wis", "Wisc", "Wyo",
    // companies, names, places
    "Assn", "Ave", "Blvd", "Bros", "Co", "Corp", "Dept", "Ft", "Inc", "Jr", "Ltd", "Mt", "Sr", "St",
    "Univ", // lower case
    "approx", "cf", "est", "etc", "v", "vs",
];

/// Abbreviations that keep their period only before a number: `No. 2`, `Art. 5`.
const BEFORE_NUMBER: &[&str] = &["Art", "Fig", "No", "Nos", "Vol", "no", "nos", "p", "pp"];

/// How a word followed by a period is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Abbrev {
    /// Not an abbreviation: the period is a token of its own.
    No,
    /// An abbreviation that never ends a sentence (a title, an initial).
    Title,
    /// An abbreviation that may end a sentence.
    Other,
}

/// Classifies `word` (without its period); `next` is the first non-space char after the
/// period.
pub(crate) fn classify(word: &str, next: Option<char>) -> Abbrev {
    let b = word.as_bytes();
    if b.is_empty() || !b[0].is_ascii_alphabetic() {
        return Abbrev::No;
    }
    if b.len() == 1 {
        // An initial: `J. Edgar`, `W.`; a lone lower-case letter only as in `v.`.
        return if b[0].is_ascii_uppercase() {
            Abbrev::Title
        } else if b[0] == b'v' || (b[0] == b'p' && next.is_some_and(|c| c.is_ascii_digit())) {
            Abbrev::Other
        } else {
            Abbrev::No
        };
    }
    if TITLES.contains(&word) {
        return Abbrev::Title;
    }
    if OTHERS.contains(&word) {
        return Abbrev::Other;
    }
    if BEFORE_NUMBER.contains(&word) && next.is_some_and(|c| c.is_ascii_digit()) {
        return Abbrev::Other;
    }
    // `D-Minn`, `R-N.Y`, `non-U.S`: judge the part after the last hyphen.
    let last = match word.rfind('-') {
        Some(h) => &word[h + 1..],
        None => word,
    };
    if last.len() < word.len() && !last.is_empty() {
        let r = classify(last, next);
        if r != Abbrev::No {
            return Abbrev::Other;
        }
    }
    // `U.S`, `a.m`, `Ph.D`, `F.B.I`: letters in short groups joined by dots.
    if last.contains('.')
        && last
            .split('.')
            .all(|g| (1..=3).contains(&g.len()) && g.bytes().all(|c| c.is_ascii_alphabetic()))
    {
        return Abbrev::Other;
    }
    Abbrev::No
}

/// Capitalised words that usually start a sentence and rarely follow an abbreviation inside
/// one: after `U.S.` or `...` they mark a sentence boundary.
const STARTERS: &[&str] = &[
    "A",
    "After",
    "Also",
    "An",
    "And",
    "As",
    "At",
    "But",
    "By",
    "For",
    "He",
    "Her",
    "His",
    "How",
    "However",
    "I",
    "If",
    "In",
    "It",
    "Its",
    "Meanwhile",
    "Most",
    "Now",
    "On",
    "One",
    "Or",
    "Our",
    "She",
    "So",
    "Some",
    "Still",
    "That",
    "The",
    "Their",
    "Then",
    "There",
    "These",
    "They",
    "This",
    "Those",
    "Thus",
    "We",
    "What",
    "When",
    "Where",
    "While",
    "Who",
    "Why",
    "Yet",
    "You",
];

/// Whether `word` typically starts a sentence.
pub(crate) fn is_starter(word: &str) -> bool {
    STARTERS.contains(&word)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(word: &str, next: Option<char>, expected: Abbrev) {
        assert_eq!(classify(word, next), expected, "{word:?} before {next:?}");
    }

    #[test]
    fn classifies_abbreviations() {
        check("Mr", Some('S'), Abbrev::Title);
        check("Sen", Some('J'), Abbrev::Title);
        check("J", Some('E'), Abbrev::Title);
        check("U.S", Some('T'), Abbrev::Other);
        check("a.m", Some('t'), Abbrev::Other);
        check("Ph.D", None, Abbrev::Other);
        check("D-Minn", Some(','), Abbrev::Other);
        check("R-N.Y", Some(')'), Abbrev::Other);
        check("non-U.S", Some('c'), Abbrev::Other);
        check("Mar", Some('3'), Abbrev::Other);
        check("Inc", Some('T'), Abbrev::Other);
        check("No", Some('2'), Abbrev::Other);
        check("No", Some('T'), Abbrev::No);
        check("p", Some('4'), Abbrev::Other);
        check("p", Some('W'), Abbrev::No);
        check("Trump", Some('H'), Abbrev::No);
        check("said", None, Abbrev::No);
        check("a", Some('B'), Abbrev::No);
        check("example.com", None, Abbrev::No);
        check("nyti.ms", None, Abbrev::No);
        check("3", None, Abbrev::No);
        check("", None, Abbrev::No);
        check("well-known", None, Abbrev::No);
        check("ill", None, Abbrev::No);
    }

    #[test]
    fn starters() {
        assert!(is_starter("The"));
        assert!(is_starter("He"));
        assert!(!is_starter("Senate"));
        assert!(!is_starter("the"));
    }
}
