//! The scorer's tokenisation: score.py's regex `\w+|[^\w\s]` (Python, Unicode semantics), and
//! span pieces snapped to the set of tokens they touch.
//!
//! `\w` is `char::is_alphanumeric() || c == '_'`, minus the alphabetic marks and symbols
//! Python does not count (the table in `unicode_table.rs`). `\s` is
//! `char::is_whitespace()` plus the four information separators U+001C..U+001F, which
//! Python's `str.isspace()` counts as whitespace and Unicode's White_Space property does not.
//! With these two corrections the classes equal Python 3.11's for every character assigned in
//! Unicode 14; characters assigned later follow Rust's tables.

use super::unicode_table::ALPHABETIC_MARKS;

/// Python's `\w`.
pub fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '_';
    }
    c.is_alphanumeric() && !is_alphabetic_mark(c)
}

fn is_alphabetic_mark(c: char) -> bool {
    let c = c as u32;
    let i = ALPHABETIC_MARKS.partition_point(|&(_, last)| last < c);
    ALPHABETIC_MARKS
        .get(i)
        .is_some_and(|&(first, _)| first <= c)
}

/// Python's `\s`.
pub fn is_space_char(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// For each code point of a text, the index of the token holding it (`None` for whitespace).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TokenMap {
    char_token: Vec<Option<u32>>,
    n_tokens: u32,
}

impl TokenMap {
    pub fn new(text: &str) -> TokenMap {
        let mut char_token = Vec::with_capacity(text.len());
        let mut n_tokens = 0u32;
        let mut in_word = false;
        for c in text.chars() {
            if is_word_char(c) {
                if !in_word {
                    n_tokens += 1;
                    in_word = true;
                }
                char_token.push(Some(n_tokens - 1));
            } else {
                in_word = false;
                if is_space_char(c) {
                    char_token.push(None);
                } else {
                    n_tokens += 1;
                    char_token.push(Some(n_tokens - 1));
                }
            }
        }
        TokenMap {
            char_token,
            n_tokens,
        }
    }

    /// The token of the code point at `char_idx`, if it is inside the text and not whitespace.
    pub fn token_at(&self, char_idx: usize) -> Option<u32> {
        self.char_token.get(char_idx).copied().flatten()
    }

    pub fn len_chars(&self) -> usize {
        self.char_token.len()
    }

    pub fn n_tokens(&self) -> usize {
        self.n_tokens as usize
    }

    /// The tokens any of the `[start, end)` code-point pieces touches. Pieces are clamped to
    /// the text like Python's `range(max(0, s), min(len, e))`; reversed pieces are empty.
    pub fn token_set(&self, pieces: &[[usize; 2]]) -> TokenSet {
        let len = self.char_token.len();
        let mut tokens: Vec<u32> = Vec::new();
        for &[start, end] in pieces {
            let end = end.min(len);
            if start >= end {
                continue;
            }
            for token in self.char_token[start..end].iter().flatten() {
                // tokens grow with position: skip the repeats inside one word
                if tokens.last() != Some(token) {
                    tokens.push(*token);
                }
            }
        }
        TokenSet::from_unsorted(tokens)
    }
}

/// A set of token indices, kept sorted and free of duplicates.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TokenSet(Vec<u32>);

impl TokenSet {
    pub fn from_unsorted(mut tokens: Vec<u32>) -> TokenSet {
        tokens.sort_unstable();
        tokens.dedup();
        TokenSet(tokens)
    }

    /// The union of several sets.
    pub fn union<'a>(sets: impl IntoIterator<Item = &'a TokenSet>) -> TokenSet {
        let tokens = sets.into_iter().flat_map(|s| s.0.iter().copied()).collect();
        TokenSet::from_unsorted(tokens)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn as_slice(&self) -> &[u32] {
        &self.0
    }

    /// `|self & other|`, by a merge of the two sorted lists.
    pub fn intersection_len(&self, other: &TokenSet) -> usize {
        crate::sorted::intersection_len(&self.0, &other.0)
    }

    /// Whether the sets share a token (score.py's `ov`).
    pub fn intersects(&self, other: &TokenSet) -> bool {
        let (a, b) = (&self.0, &other.0);
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            match a[i].cmp(&b[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => return true,
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tokens of `text` as strings, in order.
    fn tokens(text: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        let map = TokenMap::new(text);
        let mut out: Vec<String> = Vec::new();
        let mut last = None;
        for (i, c) in chars.iter().enumerate() {
            match map.token_at(i) {
                Some(t) if Some(t) == last => out.last_mut().unwrap().push(*c),
                Some(t) => {
                    out.push(c.to_string());
                    last = Some(t);
                }
                None => {}
            }
        }
        assert_eq!(out.len(), map.n_tokens());
        out
    }

    fn check(text: &str, expected: &[&str]) {
        assert_eq!(tokens(text), expected, "tokens of {text:?}");
    }

    #[test]
    fn tokenisation() {
        check("", &[]);
        check("   \n\t", &[]);
        check("Alice said", &["Alice", "said"]);
        check("don't", &["don", "'", "t"]);
        check("U.S.", &["U", ".", "S", "."]);
        check("snake_case x", &["snake_case", "x"]);
        check("3.5%", &["3", ".", "5", "%"]);
        check("\"Hi,\" he", &["\"", "Hi", ",", "\"", "he"]);
        check("--", &["-", "-"]);
        // NBSP, narrow NBSP, ideographic space and the separators are whitespace
        check("a\u{a0}b\u{202f}c\u{3000}d", &["a", "b", "c", "d"]);
        check("a\u{1c}b\u{1f}c\u{85}d", &["a", "b", "c", "d"]);
        // zero-width space is not whitespace in Python: a punctuation token
        check("a\u{200b}b", &["a", "\u{200b}", "b"]);
        // an emoji is one punctuation token each
        check("ok👍👍", &["ok", "👍", "👍"]);
        // a combining acute accent is neither \w nor \s
        check("cafe\u{301} x", &["cafe", "\u{301}", "x"]);
        check("café", &["café"]);
        check("Ελλάδα 東京 ١٢٣", &["Ελλάδα", "東京", "١٢٣"]);
        check("½²", &["½²"]);
        // Devanagari: the virama and the vowel sign E are marks, not \w, in Python
        check("नमस्ते", &["नमस", "\u{94d}", "त", "\u{947}"]);
        check("Ⓐb", &["Ⓐ", "b"]);
        check("\u{5d1}\u{5b8}x", &["\u{5d1}", "\u{5b8}", "x"]);
    }

    #[test]
    fn alphabetic_mark_table() {
        let sorted = ALPHABETIC_MARKS
            .windows(2)
            .all(|w| w[0].0 <= w[0].1 && w[0].1 + 1 < w[1].0);
        assert!(sorted, "ranges must be sorted, disjoint and not adjacent");
        for (c, expected) in [
            ('\u{344}', false),
            ('\u{345}', true),
            ('\u{363}', true),
            ('\u{36f}', true),
            ('\u{370}', false),
            ('\u{947}', true),
            ('a', false),
            ('\u{10ffff}', false),
        ] {
            assert_eq!(is_alphabetic_mark(c), expected, "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn toy_text_char_tokens() {
        // test_score.py's test_tokenizer
        let map = TokenMap::new("Alice said \"we will win\". Bob thinks taxes rise.");
        for (char_idx, token) in [
            (0, Some(0)),
            (5, None),
            (11, Some(2)),
            (23, Some(6)),
            (24, Some(7)),
            (47, Some(12)),
            (48, None),
        ] {
            assert_eq!(map.token_at(char_idx), token, "char {char_idx}");
        }
        assert_eq!(map.n_tokens(), 13);
    }

    fn check_set(text: &str, pieces: &[[usize; 2]], expected: &[u32]) {
        let set = TokenMap::new(text).token_set(pieces);
        assert_eq!(set.as_slice(), expected, "{text:?} {pieces:?}");
    }

    #[test]
    fn token_sets() {
        let text = "Alice said \"we will win\".";
        check_set(text, &[], &[]);
        check_set(text, &[[0, 5]], &[0]);
        check_set(text, &[[2, 3]], &[0]);
        check_set(text, &[[5, 6]], &[]);
        check_set(text, &[[4, 7]], &[0, 1]);
        check_set(text, &[[12, 14], [15, 23]], &[3, 4, 5]);
        check_set(text, &[[15, 23], [12, 14], [12, 16]], &[3, 4, 5]);
        // clamped like Python: end past the text, start past the text, reversed
        check_set(text, &[[20, 1000]], &[5, 6, 7]);
        check_set(text, &[[1000, 2000]], &[]);
        check_set(text, &[[9, 3]], &[]);
        check_set(text, &[[0, usize::MAX]], &[0, 1, 2, 3, 4, 5, 6, 7]);
        check_set("", &[[0, 10]], &[]);
        check_set("é ü", &[[2, 3]], &[1]);
    }

    #[test]
    fn set_operations() {
        let a = TokenSet::from_unsorted(vec![5, 1, 3, 3]);
        let b = TokenSet::from_unsorted(vec![3, 4, 5, 9]);
        let empty = TokenSet::default();
        assert_eq!(a.as_slice(), &[1, 3, 5]);
        assert_eq!(a.intersection_len(&b), 2);
        assert!(a.intersects(&b));
        assert!(!a.intersects(&empty));
        assert!(!empty.intersects(&empty));
        assert_eq!(empty.intersection_len(&a), 0);
        assert!(!a.intersects(&TokenSet::from_unsorted(vec![0, 2, 4])));
        assert_eq!(
            TokenSet::union([&a, &b, &empty]).as_slice(),
            &[1, 3, 4, 5, 9]
        );
    }
}
