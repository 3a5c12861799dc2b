//! Unit tests of the whole segmenter: tokens, sentences, paragraphs, invariants.

use super::{Segmentation, Segmenter, TokenKind};
use proptest::prelude::*;

fn seg(text: &str) -> Segmentation {
    let s = Segmenter::new().segment(text);
    invariants(text, &s);
    s
}

/// The invariants every segmentation keeps; panics with a message if one is broken.
fn invariants(text: &str, s: &Segmentation) {
    let mut prev_end = 0;
    for t in &s.tokens {
        let sp = t.span;
        assert!(sp.start < sp.end, "empty token {sp:?} in {text:?}");
        assert!(sp.start >= prev_end, "overlap at {sp:?} in {text:?}");
        assert!(text.is_char_boundary(sp.start) && text.is_char_boundary(sp.end));
        let tt = sp.slice(text);
        assert!(!tt.chars().all(char::is_whitespace), "space token {tt:?}");
        assert!(
            !tt.chars().any(|c| c == '\n'),
            "token over a newline {tt:?}"
        );
        prev_end = sp.end;
    }
    // Sentences tile the tokens, in order, non-empty.
    let mut next = 0;
    for sent in &s.sentences {
        assert_eq!(sent.tokens.start, next, "sentence gap in {text:?}");
        assert!(
            sent.tokens.end > sent.tokens.start,
            "empty sentence in {text:?}"
        );
        let first = s.tokens[sent.tokens.start].span;
        let last = s.tokens[sent.tokens.end - 1].span;
        assert_eq!((sent.span.start, sent.span.end), (first.start, last.end));
        next = sent.tokens.end;
    }
    assert_eq!(next, s.tokens.len());
    let mut next = 0;
    for p in &s.paragraphs {
        assert_eq!(p.sentences.start, next);
        assert!(p.sentences.end > p.sentences.start);
        let first = s.sentences[p.sentences.start].span;
        let last = s.sentences[p.sentences.end - 1].span;
        assert_eq!((p.span.start, p.span.end), (first.start, last.end));
        next = p.sentences.end;
    }
    assert_eq!(next, s.sentences.len());
    for (k, _) in s.tokens.iter().enumerate() {
        let si = s.sentence_of(k);
        assert!(s.sentences[si].tokens.contains(&k));
        let pi = s.paragraph_of(si);
        assert!(s.paragraphs[pi].sentences.contains(&si));
    }
}

/// The text of each sentence.
fn check(text: &str, expected: &[&str]) {
    let s = seg(text);
    let got: Vec<&str> = s.sentences.iter().map(|x| x.span.slice(text)).collect();
    assert_eq!(got, expected, "sentences of {text:?}");
}

fn check_tokens(text: &str, expected: &[&str]) {
    let s = seg(text);
    let got: Vec<&str> = s.tokens.iter().map(|x| x.span.slice(text)).collect();
    assert_eq!(got, expected, "tokens of {text:?}");
}

fn check_kinds(text: &str, expected: &[TokenKind]) {
    let s = seg(text);
    let got: Vec<TokenKind> = s.tokens.iter().map(|x| x.kind).collect();
    assert_eq!(got, expected, "kinds of {text:?}");
}

/// The text of each paragraph.
fn check_paragraphs(text: &str, expected: &[&str]) {
    let s = seg(text);
    let got: Vec<&str> = s.paragraphs.iter().map(|x| x.span.slice(text)).collect();
    assert_eq!(got, expected, "paragraphs of {text:?}");
}

#[test]
fn tokens_words_and_clitics() {
    check_tokens("don't", &["do", "n't"]);
    check_tokens("Clinton's team", &["Clinton", "'s", "team"]);
    check_tokens("Clinton’s team", &["Clinton", "’s", "team"]);
    check_tokens("didn’t", &["did", "n’t"]);
    check_tokens("can't won't", &["ca", "n't", "wo", "n't"]);
    check_tokens(
        "I'm we're they've she'll he'd",
        &[
            "I", "'m", "we", "'re", "they", "'ve", "she", "'ll", "he", "'d",
        ],
    );
    check_tokens("O'Brien's", &["O'Brien", "'s"]);
    check_tokens("the Sessions' aides", &["the", "Sessions", "'", "aides"]);
    check_tokens("cannot", &["can", "not"]);
    check_tokens("gonna", &["gon", "na"]);
    check_tokens("the '80s", &["the", "'80s"]);
    check_tokens("state-designated", &["state-designated"]);
    check_tokens("81-year-old", &["81-year-old"]);
    check_tokens("AT&T and P&G", &["AT&T", "and", "P&G"]);
    check_tokens("h/t 9/11 24/7", &["h/t", "9/11", "24/7"]);
    check_tokens("jeff_poor", &["jeff_poor"]);
    check_tokens("Díaz García", &["Díaz", "García"]);
    check_tokens("U.N.'s role", &["U.N.", "'s", "role"]);
    check_tokens("D.C.’s board", &["D.C.", "’s", "board"]);
}

#[test]
fn tokens_numbers() {
    check_tokens("1,000 people", &["1,000", "people"]);
    check_tokens("3.5 percent", &["3.5", "percent"]);
    check_tokens("$1.2 billion", &["$", "1.2", "billion"]);
    check_tokens("at 11:00 a.m. today", &["at", "11:00", "a.m.", "today"]);
    check_tokens("6AM 11th", &["6AM", "11th"]);
    check_tokens("down -7 points", &["down", "-7", "points"]);
    check_tokens("a +32 lead", &["a", "+32", "lead"]);
    check_tokens("3 + 4", &["3", "+", "4"]);
    check_tokens("50%", &["50", "%"]);
    check_tokens("a .45 pistol", &["a", ".45", "pistol"]);
    check_tokens("1, 2", &["1", ",", "2"]);
    check_tokens("In 2016, he", &["In", "2016", ",", "he"]);
}

#[test]
fn tokens_abbreviations() {
    check_tokens("U.S. troops", &["U.S.", "troops"]);
    check_tokens(
        "Sen. Al Franken, D-Minn., said",
        &["Sen.", "Al", "Franken", ",", "D-Minn.", ",", "said"],
    );
    check_tokens("(R-N.Y.)", &["(", "R-N.Y.", ")"]);
    check_tokens("J. Edgar Hoover", &["J.", "Edgar", "Hoover"]);
    check_tokens("George H.W. Bush", &["George", "H.W.", "Bush"]);
    check_tokens("Mar. 3", &["Mar.", "3"]);
    check_tokens("No. 2", &["No.", "2"]);
    check_tokens("said no. The", &["said", "no", ".", "The"]);
    check_tokens("Acme Inc. and", &["Acme", "Inc.", "and"]);
    check_tokens(
        "Martin Luther King Jr. spoke",
        &["Martin", "Luther", "King", "Jr.", "spoke"],
    );
    check_tokens("U.S.-Mexican", &["U.S.-Mexican"]);
    check_tokens("the Ph.D. program", &["the", "Ph.D.", "program"]);
    check_tokens("etc. and", &["etc.", "and"]);
    check_tokens("Trump. He", &["Trump", ".", "He"]);
}

#[test]
fn tokens_punctuation_and_quotes() {
    check_tokens(
        "\"I don't think so.\"",
        &["\"", "I", "do", "n't", "think", "so", ".", "\""],
    );
    check_tokens("“No.”", &["“", "No", ".", "”"]);
    check_tokens("''Hi,'' he said", &["''", "Hi", ",", "''", "he", "said"]);
    check_tokens("``Hi''", &["``", "Hi", "''"]);
    check_tokens("«Oui»", &["«", "Oui", "»"]);
    check_tokens("wait... what", &["wait", "...", "what"]);
    check_tokens("wait . . . what", &["wait", ". . .", "what"]);
    check_tokens("wait… what", &["wait", "…", "what"]);
    check_tokens("so -- he", &["so", "--", "he"]);
    check_tokens("so—he", &["so", "—", "he"]);
    check_tokens("What?!", &["What", "?!"]);
    check_tokens("___", &["___"]);
    check_tokens("(ANI):", &["(", "ANI", ")", ":"]);
    check_tokens("a; b", &["a", ";", "b"]);
}

#[test]
fn tokens_urls_handles_tags() {
    check_tokens(
        "see https://t.co/abc123.",
        &["see", "https://t.co/abc123", "."],
    );
    check_tokens(
        "at www.example.com/x?y=1, now",
        &["at", "www.example.com/x?y=1", ",", "now"],
    );
    check_tokens("Breitbart.com reports", &["Breitbart.com", "reports"]);
    check_tokens(
        "mail jo.doe@example.org now",
        &["mail", "jo.doe@example.org", "now"],
    );
    check_tokens(
        "@NolteNC and #BlackLivesMatter",
        &["@NolteNC", "and", "#BlackLivesMatter"],
    );
    check_tokens("<tweet id=\"1\"/> ok", &["<tweet id=\"1\"/>", "ok"]);
    check_tokens("a < b", &["a", "<", "b"]);
}

#[test]
fn tokens_kinds() {
    use TokenKind::*;
    check_kinds(
        "“U.S. 3 (x)”",
        &[
            OpenQuote,
            Abbrev,
            Number,
            OpenBracket,
            Word,
            CloseBracket,
            CloseQuote,
        ],
    );
    check_kinds(
        "\"a\" 'b'",
        &[OpenQuote, Word, CloseQuote, OpenQuote, Word, CloseQuote],
    );
    check_kinds("$ … http://x.y", &[Symbol, Ellipsis, Url]);
    check_kinds("said: \"", &[Word, Punct, OpenQuote]);
    check_kinds("done.\"", &[Word, Punct, CloseQuote]);
}

#[test]
fn tokens_odd_text() {
    check_tokens("", &[]);
    check_tokens("   \n\n\t ", &[]);
    check_tokens("hi 😀 there", &["hi", "😀", "there"]);
    check_tokens("👍🏽 ok", &["👍🏽", "ok"]);
    check_tokens("👨\u{200d}👩\u{200d}👧", &["👨\u{200d}👩\u{200d}👧"]);
    check_tokens("a\u{a0}b", &["a", "b"]);
    check_tokens("zero\u{200b}width", &["zero", "width"]);
    check_tokens("a\u{83}b \u{202a}c\u{202c}", &["a", "b", "c"]);
    check_tokens("\u{0}\u{7f}", &[]);
    check_tokens("日本語 text", &["日本語", "text"]);
    check_tokens("e\u{301}te\u{301}", &["e\u{301}te\u{301}"]);
    check_tokens("'", &["'"]);
    check_tokens("’", &["’"]);
    check_tokens("n't", &["n't"]);
}

#[test]
fn sentences_basic() {
    check("Hello world. This is it.", &["Hello world.", "This is it."]);
    check("Why? Because! Yes.", &["Why?", "Because!", "Yes."]);
    check("no final punct", &["no final punct"]);
    check("", &[]);
    check(" \n \n ", &[]);
    check(
        "The U.S. Senate voted. It passed.",
        &["The U.S. Senate voted.", "It passed."],
    );
    check(
        "He lives in the U.S. The rest stay.",
        &["He lives in the U.S.", "The rest stay."],
    );
    check(
        "Sen. Al Franken, D-Minn., spoke.",
        &["Sen. Al Franken, D-Minn., spoke."],
    );
    check(
        "Mr. Smith met Gov. Jones at 3 p.m. on Mar. 3 at No. 2 Main St.",
        &["Mr. Smith met Gov. Jones at 3 p.m. on Mar. 3 at No. 2 Main St."],
    );
    check(
        "J. Edgar Hoover ran the F.B.I. for years.",
        &["J. Edgar Hoover ran the F.B.I. for years."],
    );
    check(
        "It rose 3.5 percent. Then it fell.",
        &["It rose 3.5 percent.", "Then it fell."],
    );
    check(
        "It cost $1.2 billion. Nobody paid.",
        &["It cost $1.2 billion.", "Nobody paid."],
    );
    check("Acme Inc. said so.", &["Acme Inc. said so."]);
    check(
        "See example.com. It works.",
        &["See example.com.", "It works."],
    );
    check("Write to a@b.com. Now.", &["Write to a@b.com.", "Now."]);
    check("Wait, what?! No.", &["Wait, what?!", "No."]);
}

#[test]
fn sentences_abbreviation_splits_period_before_new_sentence() {
    check_tokens("in the U.S. The", &["in", "the", "U.S", ".", "The"]);
    check_tokens("in the U.S.\n\nThe", &["in", "the", "U.S", ".", "The"]);
    check_tokens("in the U.S.", &["in", "the", "U.S", "."]);
    check_tokens("Sen.\n\nJones", &["Sen", ".", "Jones"]);
    check_tokens("the U.S. Senate", &["the", "U.S.", "Senate"]);
}

#[test]
fn sentences_quotes() {
    check(
        "\"I don't think so.\" He left.",
        &["\"I don't think so.\"", "He left."],
    );
    check(
        "“I don’t think so.” He left.",
        &["“I don’t think so.”", "He left."],
    );
    check("‘Fine.’ She went.", &["‘Fine.’", "She went."]);
    check("«Non.» Il part.", &["«Non.»", "Il part."]);
    check("''No.'' He left.", &["''No.''", "He left."]);
    check("He said. \"Next one.\"", &["He said.", "\"Next one.\""]);
    check("“Why?” he asked.", &["“Why?” he asked."]);
    check("“It’s over!” she said.", &["“It’s over!” she said."]);
    check("“It is. It was.” Then.", &["“It is.", "It was.”", "Then."]);
    check(
        "He said (in private.) Then left.",
        &["He said (in private.)", "Then left."],
    );
    check("“He said ‘no.’” Next.", &["“He said ‘no.’”", "Next."]);
    // Unbalanced marks.
    check(
        "He said \"yes. Then left.",
        &["He said \"yes.", "Then left."],
    );
    check("Done.\" Next.", &["Done.\"", "Next."]);
    check(
        "“Open. Never closed.\n\nNew para.",
        &["“Open.", "Never closed.", "New para."],
    );
    check("” Stray. Fine.", &["” Stray.", "Fine."]);
}

#[test]
fn sentences_quotes_across_paragraphs() {
    let text = "“First part.\n\n“Second part,” he said.";
    check(text, &["“First part.", "“Second part,” he said."]);
    check_paragraphs(text, &["“First part.", "“Second part,” he said."]);
}

#[test]
fn sentences_ellipses() {
    check(
        "He paused... Then he spoke.",
        &["He paused...", "Then he spoke."],
    );
    check("He paused … The end.", &["He paused …", "The end."]);
    check("It was ... Trump who won.", &["It was ... Trump who won."]);
    check("the ... and the rest", &["the ... and the rest"]);
    check("Wait . . . We go.", &["Wait . . .", "We go."]);
}

#[test]
fn sentences_lines() {
    check(
        "Headline here\n\nBody starts. Ends.",
        &["Headline here", "Body starts.", "Ends."],
    );
    check("Line one\nLine two", &["Line one", "Line two"]);
    check("a wrapped\nline goes on.", &["a wrapped\nline goes on."]);
    check(
        "Crippling debt changes lives; \nAbout 42 million",
        &["Crippling debt changes lives;", "About 42 million"],
    );
    check("One.\r\n\r\nTwo.", &["One.", "Two."]);
    check("Sen.\n\nJones", &["Sen.", "Jones"]);
}

#[test]
fn paragraphs() {
    check_paragraphs("A. B.\n\nC.", &["A. B.", "C."]);
    check_paragraphs("A.\nB.\n\n\n\nC.", &["A.\nB.", "C."]);
    check_paragraphs("A.\n  \nB.", &["A.", "B."]);
    check_paragraphs("one", &["one"]);
    check_paragraphs("", &[]);
    check_paragraphs("\n\nx\n\n", &["x"]);
}

#[test]
fn seed_first_paragraph() {
    let text = "Trump stands by Sessions as Democrats seek resignation over Russia revelation\n\n\
| Updated: Aug 23, 2017 11:20 IST\n\n\
New York [USA], Mar. 3 (ANI): U.S. President Donald Trump on Thursday said he has \"total\" \
confidence in Attorney General Jeff Sessions following accusations that he misled Congress, \
according to CNN. Following the accusations Democrats have called for Sessions' to resign. \
According to CNN, when asked by reporters, the President said. \"I don't think so.\" \
Meanwhile, House Speaker Paul Ryan said Sessions should recuse himself.";
    check(
        text,
        &[
            "Trump stands by Sessions as Democrats seek resignation over Russia revelation",
            "| Updated: Aug 23, 2017 11:20 IST",
            // The dateline is a sentence of its own.
            "New York [USA], Mar. 3 (ANI):",
            "U.S. President Donald Trump on Thursday said he has \
\"total\" confidence in Attorney General Jeff Sessions following accusations that he misled \
Congress, according to CNN.",
            "Following the accusations Democrats have called for Sessions' to resign.",
            "According to CNN, when asked by reporters, the President said.",
            "\"I don't think so.\"",
            "Meanwhile, House Speaker Paul Ryan said Sessions should recuse himself.",
        ],
    );
    let s = seg(text);
    assert_eq!(s.paragraphs.len(), 3);
    let dateline = s.dateline.expect("a dateline").slice(text);
    assert_eq!(dateline, "New York [USA], Mar. 3 (ANI):");
}

#[test]
fn seed_file_if_present() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let Some(shared) = crate::corpus::find_shared(root) else {
        eprintln!("skipped: no shared folder");
        return;
    };
    let Ok(dir) = std::fs::read_dir(shared.join("seed")) else {
        eprintln!("skipped: no seed folder");
        return;
    };
    for entry in dir.flatten() {
        if let Ok(text) = std::fs::read_to_string(entry.path()) {
            let s = seg(&text);
            assert!(s.sentences.len() > 10, "{:?}", entry.path());
        }
    }
}

#[test]
fn huge_and_pathological_inputs() {
    for unit in [
        "U.S.-",
        "a.",
        "\"",
        "“",
        "'a",
        "... ",
        "<a ",
        "http://x",
        "D-",
        "1,",
        "\n",
        "😀\u{200d}",
        "Mr. ",
        "-",
        "a'",
        ".”",
        " ",
        "é\u{301}",
    ] {
        let text = unit.repeat(60_000);
        let s = seg(&text);
        assert!(s.tokens.len() <= text.len());
    }
    let long_word = "x".repeat(1_000_000);
    assert_eq!(seg(&long_word).tokens.len(), 1);
}

proptest! {
    #[test]
    fn any_string_keeps_invariants(text in any::<String>()) {
        seg(&text);
    }

    #[test]
    fn newsy_strings_keep_invariants(
        text in "[a-zA-Z0-9 .,;:!?'\"“”‘’«»()\\[\\]\n\t\\-—…@#/$%&<>_é😀\u{200d}\u{301}\u{a0}]{0,120}"
    ) {
        seg(&text);
    }

    #[test]
    fn tokens_are_stable_under_concatenation_of_paragraphs(
        a in "[a-zA-Z .,!?\"']{0,40}", b in "[a-zA-Z .,!?\"']{0,40}"
    ) {
        // A blank line separates: the tokens of each paragraph are those of the parts.
        let text = format!("{a}\n\n{b}");
        let s = seg(&text);
        let n = seg(&a).tokens.len() + seg(&b).tokens.len();
        prop_assert_eq!(s.tokens.len(), n);
    }
}

/// The quotations of `text` as (quoted text, closed) pairs.
fn quoted(text: &str) -> Vec<(String, bool)> {
    let s = seg(text);
    for q in &s.quotations {
        assert!(q.tokens.start < q.tokens.end && q.tokens.end <= s.tokens.len());
        assert_eq!(q.span.start, s.tokens[q.tokens.start].span.start);
        assert_eq!(q.span.end, s.tokens[q.tokens.end - 1].span.end);
    }
    for w in s.quotations.windows(2) {
        assert!(
            w[0].tokens.end <= w[1].tokens.start,
            "overlapping quotations in {text:?}"
        );
    }
    s.quotations
        .iter()
        .map(|q| (q.span.slice(text).to_string(), q.closed))
        .collect()
}

fn q(s: &str) -> (String, bool) {
    (s.to_string(), true)
}

#[test]
fn quotations_double_marks() {
    let t = "\"Straight,\" he said. “Curly,” she said. „Low,“ they said.";
    assert_eq!(quoted(t), [q("\"Straight,\""), q("“Curly,”"), q("„Low,“")]);
    assert_eq!(
        quoted("«Non,» dit-il. »Ja,« sagte er."),
        [q("«Non,»"), q("»Ja,«")]
    );
}

#[test]
fn quotations_typewriter_pairs() {
    // NYT text: two apostrophes on both sides; LaTeX-style backticks and apostrophes.
    let t = "''This isn't tax reform,'' said Mr. Holtz-Eakin. He called it ''anti-reform.''";
    assert_eq!(
        quoted(t),
        [q("''This isn't tax reform,''"), q("''anti-reform.''")]
    );
    assert_eq!(quoted("``Fine,'' he said."), [q("``Fine,''")]);
}

#[test]
fn quotations_single_marks_outer_only_without_double_marks() {
    // British style: single curly marks are the outer ones when no double marks appear.
    let t = "‘We will win,’ she said. The players’ union said it was ‘a fair deal’.";
    assert_eq!(quoted(t), [q("‘We will win,’"), q("‘a fair deal’")]);
    // With double marks, single ones are nested quotes inside them.
    let t = "“He told me ‘no’ twice,” she said.";
    assert_eq!(quoted(t), [q("“He told me ‘no’ twice,”")]);
}

#[test]
fn quotations_over_paragraphs() {
    // Each paragraph of a long quote reopens it; only the last closes it.
    let t = "“First paragraph of it, he said.\n\n“Second paragraph.\n\n“Last one.”\n\nAfter.";
    let s = seg(t);
    assert_eq!(
        quoted(t),
        [q(
            "“First paragraph of it, he said.\n\n“Second paragraph.\n\n“Last one.”"
        )]
    );
    assert_eq!(s.quotations[0].continued.len(), 2);
    // A paragraph ending open whose next paragraph does not reopen: the quotation ends there.
    let t = "“Never closed.\n\nNarration goes on. “Next,” he said.";
    assert_eq!(
        quoted(t),
        [("“Never closed.".to_string(), false), q("“Next,”")]
    );
}

#[test]
fn quotations_unbalanced_marks() {
    // A stray closing mark opens nothing; a mark left open ends with the text.
    assert_eq!(
        quoted("Done.” Then “open to the end"),
        [("“open to the end".to_string(), false)]
    );
    // An opening mark inside an open quotation starts a new one.
    assert_eq!(
        quoted("“One “two” three."),
        [("“One".to_string(), false), q("“two”")]
    );
    assert!(quoted("No marks at all.").is_empty());
}
