//! Screening: which read articles are worth analysing. verbatim reads English news prose;
//! an article in another language, or a plain-text file that is a table or code, is skipped
//! with a reason ([`Skip`]) instead of being analysed into nonsense ("teils" as a speaker).
//!
//! - **Language** ([`detect_language`]): the `whatlang` trigram detector on a bounded prefix
//!   of the text ([`LANGUAGE_PREFIX_BYTES`]), so the cost does not grow with the article. A
//!   text is skipped only when it is long enough to judge ([`MIN_LANGUAGE_CHARS`]), the
//!   detector is sure (confidence [`MIN_LANGUAGE_CONFIDENCE`]) and the language is not English.
//!   Short or uncertain texts are analysed.
//! - **Prose** ([`not_prose`]): plain-text files only. A file of at least three lines whose
//!   lines are delimited records (a header line, then the same number of commas, tabs,
//!   semicolons or bars outside quotes on every line), or, with hardly any prose lines, table
//!   rows (Markdown `| a | b |`, rules) or code (lines ending in `{`, `}`, `;`, keywords,
//!   dense symbols) is skipped. Markdown or README-like text with paragraphs is prose.

use std::fmt;

/// What the reader screens out. The default screens nothing (every article is analysed);
/// the command line asks for [`Screen::ENGLISH_PROSE`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Screen {
    /// Skip articles detected, with confidence, to be in a language other than English.
    pub english_only: bool,
    /// Skip plain-text files that are clearly not prose (tables, delimited records, code).
    pub prose_only: bool,
}

impl Screen {
    /// Skip non-English articles and plain-text files that are not prose.
    pub const ENGLISH_PROSE: Screen = Screen {
        english_only: true,
        prose_only: true,
    };

    /// Why the article with this text should be skipped, if it should; `plain_text` says
    /// whether it came from a plain-text file (the only input the prose test applies to).
    pub fn check(&self, text: &str, plain_text: bool) -> Option<Skip> {
        if self.prose_only && plain_text {
            if let Some(what) = not_prose(text) {
                return Some(Skip::NotProse(what));
            }
        }
        if self.english_only {
            if let Some(lang) = detect_language(text).filter(|l| l.code != "eng") {
                return Some(Skip::Language(lang));
            }
        }
        None
    }
}

/// Why an article was not analysed.
#[derive(Clone, Debug, PartialEq)]
pub enum Skip {
    /// Its text is in another language.
    Language(Language),
    /// A plain-text file that is a table, delimited records or code, not an article.
    NotProse(NotProse),
}

impl Skip {
    /// A short name of the reason, for counts: `not English`, `not prose`.
    pub fn kind(&self) -> &'static str {
        match self {
            Skip::Language(_) => "not English",
            Skip::NotProse(_) => "not prose",
        }
    }
}

impl fmt::Display for Skip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Skip::Language(l) => write!(
                f,
                "not English ({} detected, confidence {:.2}), skipped; --lang any analyses it",
                l.name, l.confidence
            ),
            Skip::NotProse(what) => write!(f, "not prose ({what}), skipped"),
        }
    }
}

/// How many articles were skipped, by reason, for a command's summary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SkipCounts {
    pub not_english: usize,
    pub not_prose: usize,
}

impl SkipCounts {
    pub fn add(&mut self, skip: &Skip) {
        match skip {
            Skip::Language(_) => self.not_english += 1,
            Skip::NotProse(_) => self.not_prose += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.not_english + self.not_prose
    }

    /// `1 not English, 2 not prose` (the reasons that occurred); `None` when nothing was
    /// skipped.
    pub fn summary(&self) -> Option<String> {
        let parts: Vec<String> = [
            (self.not_english, "not English"),
            (self.not_prose, "not prose"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}

/// A detected language.
#[derive(Clone, Debug, PartialEq)]
pub struct Language {
    /// ISO 639-3 code (`eng`, `deu`).
    pub code: &'static str,
    /// English name (`German`).
    pub name: &'static str,
    /// The detector's confidence, 0 to 1.
    pub confidence: f64,
}

/// What a plain-text file is instead of prose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotProse {
    Table,
    Delimited,
    Code,
}

impl fmt::Display for NotProse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NotProse::Table => "a table",
            NotProse::Delimited => "delimited records, such as CSV",
            NotProse::Code => "source code",
        })
    }
}

/// Language detection reads at most this much of the start of a text.
pub const LANGUAGE_PREFIX_BYTES: usize = 2048;
/// A text (prefix) with fewer characters is too short to judge: it is analysed.
pub const MIN_LANGUAGE_CHARS: usize = 200;
/// Below this confidence the detector's answer is not trusted: the text is analysed.
pub const MIN_LANGUAGE_CONFIDENCE: f64 = 0.9;

/// The commonest English function words; in English news they are a fifth or more of the
/// words (PolNeAR's 924 articles: all but 5 at 0.2 or more, the lowest 0.09), in other
/// languages a tenth or less (the benchmark pages in German, Portuguese, Russian, ...).
const ENGLISH_FUNCTION_WORDS: [&str; 34] = [
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "has", "have", "he",
    "her", "his", "in", "is", "it", "its", "not", "of", "on", "said", "that", "the", "they",
    "this", "to", "was", "we", "who", "will", "with",
];
/// At this share of English function words a text is English without asking the detector,
/// whose cost (some 150 µs a text, most of it fixed) would be 2% of the analysis.
const CLEARLY_ENGLISH_SHARE: f64 = 0.2;

/// The share of the words of `text` that are [`ENGLISH_FUNCTION_WORDS`].
fn english_function_share(text: &str) -> f64 {
    let (mut n, mut hits) = (0usize, 0usize);
    for word in text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
    {
        n += 1;
        if word.len() <= 4
            && ENGLISH_FUNCTION_WORDS
                .iter()
                .any(|f| f.eq_ignore_ascii_case(word))
        {
            hits += 1;
        }
    }
    if n == 0 {
        0.0
    } else {
        hits as f64 / n as f64
    }
}

/// The language of `text` when it can be told with confidence: `None` for short texts and
/// uncertain detections. Only the first [`LANGUAGE_PREFIX_BYTES`] are read.
pub fn detect_language(text: &str) -> Option<Language> {
    let end = crate::span::floor_char_boundary(text, LANGUAGE_PREFIX_BYTES);
    let prefix = &text[..end];
    if prefix.chars().filter(|c| !c.is_whitespace()).count() < MIN_LANGUAGE_CHARS {
        return None;
    }
    if english_function_share(prefix) >= CLEARLY_ENGLISH_SHARE {
        return Some(Language {
            code: "eng",
            name: "English",
            confidence: 1.0,
        });
    }
    let info = whatlang::detect(prefix)?;
    (info.confidence() >= MIN_LANGUAGE_CONFIDENCE).then(|| Language {
        code: info.lang().code(),
        name: info.lang().eng_name(),
        confidence: info.confidence(),
    })
}

/// The prose test reads at most this much of a text ...
const PROSE_PREFIX_BYTES: usize = 16 << 10;
/// ... and at most this many of its lines.
const PROSE_PREFIX_LINES: usize = 200;

/// What a plain text is when it is clearly not prose (judged on its first 16 KB and 200
/// lines); `None` for prose (and for texts of
/// fewer than three non-blank lines, too little to tell).
pub fn not_prose(text: &str) -> Option<NotProse> {
    let end = crate::span::floor_char_boundary(text, PROSE_PREFIX_BYTES);
    let lines: Vec<&str> = text[..end]
        .lines()
        .take(PROSE_PREFIX_LINES)
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty())
        .collect();
    if lines.len() < 3 {
        return None;
    }
    let n = lines.len();
    if delimited(&lines) {
        return Some(NotProse::Delimited);
    }
    let prose = lines.iter().filter(|l| is_prose_line(l)).count();
    // A few prose lines among many others (a README's paragraphs) make it prose.
    if prose * 5 > n {
        return None;
    }
    let table = lines.iter().filter(|l| is_table_line(l)).count();
    if table * 2 >= n {
        return Some(NotProse::Table);
    }
    let code = lines.iter().filter(|l| is_code_line(l)).count();
    if code * 2 >= n {
        return Some(NotProse::Code);
    }
    None
}

/// A line of running text: at least six words, mostly letters, not a table row.
fn is_prose_line(line: &str) -> bool {
    let words = line.split_whitespace().count();
    if words < 6 || is_table_line(line) {
        return false;
    }
    let (mut letters, mut visible) = (0usize, 0usize);
    for c in line.chars().filter(|c| !c.is_whitespace()) {
        visible += 1;
        if c.is_alphabetic() {
            letters += 1;
        }
    }
    letters * 10 >= visible * 7
}

/// A Markdown or ASCII table row or rule: `| a | b |`, `|---|:---:|`, `+----+`, `-----`.
fn is_table_line(line: &str) -> bool {
    let t = line.trim();
    let rule = t.len() >= 3
        && t.chars()
            .all(|c| matches!(c, '-' | '=' | '+' | '|' | ':' | ' '));
    rule || (t.starts_with('|') && t.ends_with('|') && t.len() > 1)
}

/// A line of source code: ends in `{`, `}`, `;`, `);` or `):`, opens with a keyword, or is
/// dense in symbols.
fn is_code_line(line: &str) -> bool {
    let t = line.trim();
    if t.ends_with(['{', '}', ';']) || t.ends_with("):") {
        return true;
    }
    const OPENERS: [&str; 14] = [
        "#include",
        "import ",
        "from ",
        "def ",
        "fn ",
        "function ",
        "class ",
        "return ",
        "let ",
        "const ",
        "var ",
        "pub ",
        "use ",
        "#!/",
    ];
    if OPENERS.iter().any(|o| t.starts_with(o)) && !t.ends_with(['.', '?', '!']) {
        return true;
    }
    let visible = t.chars().filter(|c| !c.is_whitespace()).count();
    let symbols = t
        .chars()
        .filter(|c| {
            matches!(
                c,
                '{' | '}' | '(' | ')' | '[' | ']' | ';' | '=' | '<' | '>' | '$'
            )
        })
        .count();
    visible >= 4 && symbols * 5 >= visible
}

/// Delimited records: all lines but at most one in ten have the same number, at least one,
/// of one delimiter outside double quotes, and the first line is a header: fields of at
/// most four words, none ending a sentence.
fn delimited(lines: &[&str]) -> bool {
    let n = lines.len();
    [',', '\t', ';', '|'].iter().any(|&d| {
        let first = count_outside_quotes(lines[0], d);
        let header = || {
            lines[0].split(d).all(|field| {
                field.split_whitespace().count() <= 4
                    && !field.trim_end().ends_with(['.', '!', '?'])
            })
        };
        first > 0
            && header()
            && lines
                .iter()
                .filter(|l| count_outside_quotes(l, d) == first)
                .count()
                * 10
                >= n * 9
    })
}

fn count_outside_quotes(line: &str, delimiter: char) -> usize {
    let mut quoted = false;
    let mut n = 0;
    for c in line.chars() {
        if c == '"' {
            quoted = !quoted;
        } else if c == delimiter && !quoted {
            n += 1;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    const GERMAN: &str = "Die Bundesregierung will die Regeln für den Klimaschutz verschärfen. \
        Das kündigte Bundeskanzlerin Angela Merkel am Mittwoch in Berlin an. \"Wir müssen jetzt \
        handeln\", sagte sie nach einer Sitzung des Kabinetts. Die Opposition kritisierte die \
        Pläne als unzureichend und forderte teils deutlich strengere Vorgaben für die Industrie.";
    const ENGLISH: &str = "The Senate will not vote this week on the health care bill, Majority \
        Leader Mitch McConnell said on Tuesday after a meeting with Republican senators at the \
        Capitol. \"We are going to take a little more time,\" McConnell told reporters. Democrats \
        said the delay showed that the bill was in trouble with moderates and conservatives.";

    #[test]
    fn languages() {
        let de = detect_language(GERMAN).unwrap();
        assert_eq!((de.code, de.name), ("deu", "German"));
        assert_eq!(detect_language(ENGLISH).unwrap().code, "eng");
        // Too short to judge: no answer, so the text is analysed.
        assert_eq!(
            detect_language("Die Regierung will handeln, sagte sie."),
            None
        );
        assert_eq!(detect_language(""), None);
        // Only the prefix is read: German after 2 KB of English is not seen.
        let mixed = format!("{}\n\n{}", ENGLISH.repeat(8), GERMAN);
        assert_eq!(detect_language(&mixed).unwrap().code, "eng");
        // English function words decide English without the detector; a text with few of
        // them goes to the detector, which may still say English.
        assert!(english_function_share(ENGLISH) >= CLEARLY_ENGLISH_SHARE);
        assert!(english_function_share(GERMAN) < 0.1);
        let listy = "Senate Majority Leader Mitch McConnell, Speaker Paul Ryan, Senators Chuck \
            Schumer, Dick Durbin, John Cornyn, Lindsey Graham, John McCain, Elizabeth Warren, \
            Bernie Sanders, Ted Cruz, Marco Rubio, Rand Paul; Representatives Nancy Pelosi, \
            Steny Hoyer, Kevin McCarthy, Steve Scalise, Jim Jordan and Mark Meadows attended.";
        assert!(english_function_share(listy) < CLEARLY_ENGLISH_SHARE);
        assert_ne!(detect_language(listy).map(|l| l.code), Some("deu"));
        // A prefix cut inside a multi-byte character is cut at the boundary before it.
        let cut = format!("{}ü{}", "a".repeat(LANGUAGE_PREFIX_BYTES - 1), GERMAN);
        let _ = detect_language(&cut);
    }

    #[test]
    fn screen_skips_with_reasons() {
        let s = Screen::ENGLISH_PROSE;
        let skip = s.check(GERMAN, false).unwrap();
        assert_eq!(skip.kind(), "not English");
        assert!(skip.to_string().contains("German"), "{skip}");
        assert!(skip.to_string().contains("--lang any"), "{skip}");
        assert_eq!(s.check(ENGLISH, false), None);
        assert_eq!(Screen::default().check(GERMAN, true), None);
        let any_language = Screen {
            english_only: false,
            prose_only: true,
        };
        assert_eq!(any_language.check(GERMAN, true), None);
        let csv = "id,name,said\n1,John Smith,\"we will win\"\n2,Jane Doe,\"no comment\"\n";
        assert_eq!(s.check(csv, true).map(|k| k.kind()), Some("not prose"));
        // Only plain-text files are tested for prose (a JSONL text is an article).
        assert_eq!(s.check(csv, false), None);
        let mut counts = SkipCounts::default();
        assert_eq!(counts.summary(), None);
        counts.add(&skip);
        assert_eq!(counts.summary().as_deref(), Some("1 not English"));
        counts.add(&s.check(csv, true).unwrap());
        counts.add(&skip);
        assert_eq!(
            counts.summary().as_deref(),
            Some("2 not English, 1 not prose")
        );
        assert_eq!(counts.total(), 3);
    }

    #[test]
    fn prose_or_not() {
        let check = |text: &str, expected: Option<NotProse>| {
            assert_eq!(not_prose(text), expected, "{text:?}")
        };
        check(
            "# Scores\n\n| name | value |\n|---|---|\n| a | 1 |\n| b | 2 |\n",
            Some(NotProse::Table),
        );
        check(
            "id,name,said\n1,John Smith,\"we will win, he said\"\n2,Jane Doe,\"no comment\"\n3,Bob,yes\n",
            Some(NotProse::Delimited),
        );
        check("a\tb\tc\n1\t2\t3\n4\t5\t6\n", Some(NotProse::Delimited));
        check(
            "fn main() {\n    let x = 5;\n    println!(\"{}\", x);\n}\n",
            Some(NotProse::Code),
        );
        check(
            "import os\n\ndef main():\n    print(os.getcwd())\n    return 0\n",
            Some(NotProse::Code),
        );
        // A README: headings, a list, a code line, and paragraphs of prose.
        check(
            "# verbatim\n\nverbatim reads news articles and records who said what, about whom.\n\n\
             ## Install\n\n- cargo install --path .\n- verbatim --help\n\n\
             It runs on a laptop and is measured against the human-annotated corpus.\n",
            None,
        );
        // Wire copy, one paragraph per line; commas in every line are not a CSV.
        check(
            "WASHINGTON, March 2 (Reuters) - The attorney general, under pressure, said he would step aside.\n\
             Democrats, for their part, said that was not enough, and asked for more.\n\
             The White House, in a statement, said the president had full confidence, aides said.\n",
            None,
        );
        // Two lines are too few to tell.
        check("a,b\n1,2\n", None);
        check("\"We will win,\" Jeff Smith said.", None);
    }
}
