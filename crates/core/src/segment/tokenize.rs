//! The tokenizer: one pass over the bytes of the text, Penn Treebank / CoreNLP style tokens.

use super::abbrev::{self, Abbrev};
use super::{Token, TokenKind};
use crate::span::Span;

/// A token with what the sentence splitter needs to know about the space before it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Lexed {
    pub token: Token,
    /// Line breaks in the whitespace before the token, capped at 2 (2 = a blank line).
    pub newlines: u8,
    /// For an [`TokenKind::Abbrev`]: a title or initial that never ends a sentence.
    pub title: bool,
}

/// Splits `text` into tokens.
pub(crate) fn lex(text: &str) -> Vec<Lexed> {
    let mut lx = Lexer {
        text,
        b: text.as_bytes(),
        out: Vec::with_capacity(text.len() / 5 + 4),
        newlines: 0,
        dq_open: false,
        sq_open: false,
    };
    lx.run();
    lx.out
}

struct Lexer<'a> {
    text: &'a str,
    b: &'a [u8],
    out: Vec<Lexed>,
    newlines: u8,
    /// Parity of straight double / single quote marks in the paragraph, for ties.
    dq_open: bool,
    sq_open: bool,
}

/// Letters, digits and combining marks.
#[inline]
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphanumeric() || ('\u{300}'..='\u{36f}').contains(&c)
    }
}

/// Chars that are neither whitespace nor tokens: zero-width spaces, soft hyphens, BOMs.
#[inline]
fn is_ignorable(c: char) -> bool {
    matches!(
        c,
        '\u{200b}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}'
            | '\u{feff}' | '\u{ad}'
    ) || c.is_control()
}

/// Emoji modifiers that stay with the symbol before them.
#[inline]
fn is_modifier(c: char) -> bool {
    matches!(c, '\u{fe0e}' | '\u{fe0f}' | '\u{20e3}' | '\u{1f3fb}'..='\u{1f3ff}' | '\u{e0020}'..='\u{e007f}')
}

fn is_clitic(s: &str) -> bool {
    ["s", "m", "d", "ll", "re", "ve"]
        .iter()
        .any(|c| s.eq_ignore_ascii_case(c))
}

impl Lexer<'_> {
    #[inline]
    fn char_at(&self, i: usize) -> Option<char> {
        let b = *self.b.get(i)?;
        if b < 0x80 {
            Some(b as char)
        } else {
            self.text[i..].chars().next()
        }
    }

    #[inline]
    fn char_before(&self, i: usize) -> Option<char> {
        if i == 0 {
            None
        } else if self.b[i - 1] < 0x80 {
            Some(self.b[i - 1] as char)
        } else {
            self.text[..i].chars().next_back()
        }
    }

    fn push(&mut self, start: usize, end: usize, kind: TokenKind) {
        self.out.push(Lexed {
            token: Token {
                span: Span::new(start, end),
                kind,
            },
            newlines: self.newlines,
            title: false,
        });
        self.newlines = 0;
    }

    fn run(&mut self) {
        let n = self.b.len();
        let mut i = 0;
        while i < n {
            let b = self.b[i];
            if b < 0x80 {
                match b {
                    b'\n' => {
                        self.newline(1);
                        i += 1;
                    }
                    b'\r' => {
                        if self.b.get(i + 1) != Some(&b'\n') {
                            self.newline(1);
                        }
                        i += 1;
                    }
                    b'\x0c' => {
                        self.newline(2);
                        i += 1;
                    }
                    b' ' | b'\t' | b'\x0b' => {
                        i += 1;
                    }
                    _ if b < 0x20 || b == 0x7f => i += 1,
                    _ if b.is_ascii_alphanumeric() => i = self.word(i, i),
                    _ => i = self.punct(i, b as char),
                }
            } else {
                let c = self.char_at(i).unwrap_or(' ');
                if c.is_whitespace() {
                    match c {
                        '\u{2028}' | '\u{85}' => self.newline(1),
                        '\u{2029}' => self.newline(2),
                        _ => {}
                    }
                    i += c.len_utf8();
                } else if is_ignorable(c) {
                    i += c.len_utf8();
                } else if is_word_char(c) {
                    i = self.word(i, i);
                } else {
                    i = self.punct(i, c);
                }
            }
        }
    }

    fn newline(&mut self, k: u8) {
        self.newlines = (self.newlines + k).min(2);
        if self.newlines >= 2 {
            self.dq_open = false;
            self.sq_open = false;
        }
    }

    fn starts_with_ci(&self, i: usize, pat: &str) -> bool {
        self.b.len() >= i + pat.len()
            && self.b[i..i + pat.len()].eq_ignore_ascii_case(pat.as_bytes())
    }

    /// A word, number or abbreviation starting at `start`, whose word chars start at
    /// `from`; returns the end.
    fn word(&mut self, start: usize, from: usize) -> usize {
        if from == start
            && (self.starts_with_ci(start, "http://")
                || self.starts_with_ci(start, "https://")
                || self.starts_with_ci(start, "www."))
        {
            return self.url(start);
        }
        let kind = if self.b[from].is_ascii_digit() {
            TokenKind::Number
        } else {
            TokenKind::Word
        };
        let mut j = from;
        let mut seen_at = false;
        loop {
            while let Some(c) = self.char_at(j) {
                if is_word_char(c) {
                    j += c.len_utf8();
                } else {
                    break;
                }
            }
            let Some(c) = self.char_at(j) else { break };
            let after = j + c.len_utf8();
            let next = self.char_at(after);
            let prev = self.char_before(j).unwrap_or(' ');
            let next_word = next.is_some_and(is_word_char);
            let join = match c {
                '-' | '_' => next_word,
                '.' => {
                    next_word
                        || (next == Some('-')
                            && self.char_at(after + 1).is_some_and(is_word_char)
                            && j - from <= 24
                            && abbrev::classify(&self.text[from..j], Some('-')) != Abbrev::No)
                }
                ',' | ':' => prev.is_ascii_digit() && next.is_some_and(|n| n.is_ascii_digit()),
                '/' => next.is_some_and(|n| n.is_alphanumeric()),
                '&' => prev.is_uppercase() && next.is_some_and(|n| n.is_uppercase()),
                '@' => {
                    let ok = !seen_at && next_word;
                    seen_at = true;
                    ok
                }
                '\'' | '’' => {
                    let mut r = after;
                    while r < self.b.len() && self.b[r].is_ascii_alphabetic() {
                        r += 1;
                    }
                    let rest = &self.text[after..r];
                    let clean = !self.char_at(r).is_some_and(is_word_char);
                    if clean && is_clitic(rest) {
                        self.push(start, j, kind);
                        self.push(j, r, TokenKind::Word);
                        return r;
                    }
                    if clean
                        && rest.eq_ignore_ascii_case("t")
                        && j >= from + 2
                        && matches!(self.b[j - 1], b'n' | b'N')
                    {
                        self.push(start, j - 1, kind);
                        self.push(j - 1, r, TokenKind::Word);
                        return r;
                    }
                    !rest.is_empty()
                }
                _ => false,
            };
            if !join {
                break;
            }
            j = after;
        }
        // `cannot` → `can` `not`, `gonna` → `gon` `na`, as CoreNLP does.
        let w = &self.text[start..j];
        let cut = if ["cannot", "gonna", "gotta", "wanna"]
            .iter()
            .any(|x| w.eq_ignore_ascii_case(x))
        {
            3
        } else {
            0
        };
        if cut > 0 {
            self.push(start, start + cut, TokenKind::Word);
            self.push(start + cut, j, TokenKind::Word);
            return j;
        }
        // A final period: part of an abbreviation, else a token of its own.
        if self.b.get(j) == Some(&b'.') && self.b.get(j + 1) != Some(&b'.') {
            let mut k = j + 1;
            while k < self.b.len() && k < j + 8 && self.b[k] == b' ' {
                k += 1;
            }
            let next = self.char_at(k);
            match abbrev::classify(&self.text[from..j], next) {
                Abbrev::No => {}
                a => {
                    self.push(start, j + 1, TokenKind::Abbrev);
                    if let Some(last) = self.out.last_mut() {
                        last.title = a == Abbrev::Title;
                    }
                    return self.clitic(j + 1);
                }
            }
        }
        self.push(start, j, kind);
        j
    }

    /// After a token ending at `i`: a clitic such as `'s` right there, if any. Returns the
    /// end of what was pushed.
    fn clitic(&mut self, i: usize) -> usize {
        let al = match self.char_at(i) {
            Some('\'') => 1,
            Some('’') => 3,
            _ => return i,
        };
        let mut r = i + al;
        while r < self.b.len() && self.b[r].is_ascii_alphabetic() {
            r += 1;
        }
        if is_clitic(&self.text[i + al..r]) && !self.char_at(r).is_some_and(is_word_char) {
            self.push(i, r, TokenKind::Word);
            r
        } else {
            i
        }
    }

    /// A URL: up to whitespace or a quote mark, without trailing punctuation.
    fn url(&mut self, start: usize) -> usize {
        let mut j = start;
        while let Some(c) = self.char_at(j) {
            if c.is_whitespace() || matches!(c, '"' | '<' | '>' | '“' | '”' | '‘' | '’' | '«' | '»')
            {
                break;
            }
            j += c.len_utf8();
        }
        while j > start
            && matches!(
                self.b[j - 1],
                b'.' | b',' | b';' | b':' | b'!' | b'?' | b')' | b']' | b'}' | b'\''
            )
        {
            j -= 1;
        }
        self.push(start, j, TokenKind::Url);
        j
    }

    /// Whether the text before `i` leaves a quote mark at `i` opening: start, whitespace, or
    /// an adjacent opening mark or bracket.
    fn opens_here(&self, i: usize) -> bool {
        match self.char_before(i) {
            None => true,
            Some(p) if p.is_whitespace() || is_ignorable(p) => true,
            Some('—' | '–' | '-' | '/') => true,
            Some(_) => self.out.last().is_some_and(|l| {
                l.token.span.end == i
                    && matches!(l.token.kind, TokenKind::OpenQuote | TokenKind::OpenBracket)
            }),
        }
    }

    /// Whether the text after a mark ending at `i` leaves it closing.
    fn closes_here(&self, i: usize) -> bool {
        match self.char_at(i) {
            None => true,
            Some(c) => {
                c.is_whitespace()
                    || matches!(
                        c,
                        ',' | '.'
                            | ';'
                            | ':'
                            | '!'
                            | '?'
                            | ')'
                            | ']'
                            | '}'
                            | '”'
                            | '’'
                            | '»'
                            | '—'
                            | '–'
                    )
                    || (c == '"' || c == '\'') && !self.char_at(i + 1).is_some_and(is_word_char)
            }
        }
    }

    /// Pushes a quote mark `start..end`; `nominal` is its direction out of context, or None
    /// for a straight mark (then the parity of marks decides ties).
    fn quote(&mut self, start: usize, end: usize, nominal: Option<bool>, double: bool) {
        let open = self.opens_here(start);
        let close = self.closes_here(end);
        let is_open = match (open, close) {
            (true, false) => true,
            (false, true) => false,
            _ => match nominal {
                Some(o) => o,
                None if double => !self.dq_open,
                None => !self.sq_open,
            },
        };
        if double {
            self.dq_open = is_open;
        } else {
            self.sq_open = is_open;
        }
        let kind = if is_open {
            TokenKind::OpenQuote
        } else {
            TokenKind::CloseQuote
        };
        self.push(start, end, kind);
    }

    fn run_of(&self, i: usize, set: &[u8]) -> usize {
        let mut j = i;
        while j < self.b.len() && set.contains(&self.b[j]) {
            j += 1;
        }
        j
    }

    /// A punctuation mark or symbol at `i`; returns the end.
    fn punct(&mut self, i: usize, c: char) -> usize {
        let len = c.len_utf8();
        let next = self.char_at(i + len);
        match c {
            '.' => {
                if next == Some('.') {
                    let j = self.run_of(i, b".");
                    self.push(i, j, TokenKind::Ellipsis);
                    j
                } else if self.b[i..].starts_with(b". . .") {
                    self.push(i, i + 5, TokenKind::Ellipsis);
                    i + 5
                } else if next.is_some_and(|d| d.is_ascii_digit()) && self.opens_here(i) {
                    // `.45`
                    self.word(i, i + 1)
                } else {
                    self.push(i, i + 1, TokenKind::Punct);
                    i + 1
                }
            }
            '!' | '?' => {
                let j = self.run_of(i, b"!?");
                self.push(i, j, TokenKind::Punct);
                j
            }
            '-' | '_' | '*' | '=' | '+' => {
                let j = self.run_of(i, &[c as u8]);
                if j == i + 1
                    && matches!(c, '-' | '+')
                    && next.is_some_and(|d| d.is_ascii_digit())
                    && self.opens_here(i)
                {
                    return self.word(i, i + 1);
                }
                self.push(i, j, TokenKind::Punct);
                j
            }
            '"' => {
                self.quote(i, i + 1, None, true);
                i + 1
            }
            '\'' | '’' => {
                // `'80s`
                let d = i + len;
                if self.opens_here(i)
                    && self.b.len() >= d + 2
                    && self.b[d].is_ascii_digit()
                    && self.b[d + 1].is_ascii_digit()
                    && !self.b.get(d + 2).is_some_and(|x| x.is_ascii_digit())
                {
                    return self.word(i, d);
                }
                if c == '\'' && next == Some('\'') {
                    self.quote(i, i + 2, Some(false), true);
                    return i + 2;
                }
                self.quote(i, i + len, if c == '’' { Some(false) } else { None }, false);
                i + len
            }
            '`' => {
                let j = if next == Some('`') { i + 2 } else { i + 1 };
                self.push(i, j, TokenKind::OpenQuote);
                j
            }
            '“' | '„' | '«' => {
                self.quote(i, i + len, Some(true), true);
                i + len
            }
            '”' | '»' => {
                self.quote(i, i + len, Some(false), true);
                i + len
            }
            '‘' | '‚' | '‹' => {
                self.quote(i, i + len, Some(true), false);
                i + len
            }
            '›' => {
                self.quote(i, i + len, Some(false), false);
                i + len
            }
            '(' | '[' | '{' => {
                self.push(i, i + 1, TokenKind::OpenBracket);
                i + 1
            }
            ')' | ']' | '}' => {
                self.push(i, i + 1, TokenKind::CloseBracket);
                i + 1
            }
            '…' => {
                self.push(i, i + len, TokenKind::Ellipsis);
                i + len
            }
            '<' => self.tag(i),
            '@' | '#' if next.is_some_and(is_word_char) => {
                let end = self.word(i, i + 1);
                if let Some(l) = self.out.last_mut() {
                    if l.token.span.start == i {
                        l.token.kind = TokenKind::Word;
                    }
                }
                end
            }
            _ => {
                let kind = if c.is_ascii_punctuation()
                    && !matches!(
                        c,
                        '$' | '%' | '&' | '#' | '@' | '+' | '<' | '>' | '|' | '^' | '~'
                    )
                    || ('\u{2010}'..='\u{2027}').contains(&c)
                {
                    TokenKind::Punct
                } else {
                    TokenKind::Symbol
                };
                let mut j = i + len;
                // Emoji sequences: modifiers, and chars joined by a zero-width joiner.
                while let Some(d) = self.char_at(j) {
                    if is_modifier(d) {
                        j += d.len_utf8();
                    } else if d == '\u{200d}' {
                        j += d.len_utf8();
                        if let Some(e) = self.char_at(j) {
                            if !e.is_whitespace() && !e.is_ascii() {
                                j += e.len_utf8();
                            }
                        }
                    } else {
                        break;
                    }
                }
                self.push(i, j, kind);
                j
            }
        }
    }

    /// A markup tag such as `<tweet id="1">` as one token, else `<` alone.
    fn tag(&mut self, i: usize) -> usize {
        let n = self.b.len();
        let ok_start = matches!(self.b.get(i + 1), Some(c) if c.is_ascii_alphabetic() || *c == b'/' || *c == b'!');
        if ok_start {
            let mut j = i + 1;
            while j < n && j < i + 400 && !matches!(self.b[j], b'>' | b'<' | b'\n') {
                j += 1;
            }
            if j < n && self.b[j] == b'>' {
                self.push(i, j + 1, TokenKind::Url);
                return j + 1;
            }
        }
        self.push(i, i + 1, TokenKind::Symbol);
        i + 1
    }
}
