//! Byte spans into an article's text, and the conversion to the code-point offsets that every
//! JSON interface uses.

use serde::{Deserialize, Serialize};

/// A half-open byte range `[start, end)` into an article's text.
///
/// **Invariant:** both ends lie on `char` boundaries of the text the span was made for, so
/// `&text[span.range()]` never panics for that text.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        debug_assert!(start <= end, "span {start}..{end} is reversed");
        Span { start, end }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start..self.end
    }

    pub fn len(self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The text this span covers. Panics only if the span was made for another text.
    pub fn slice(self, text: &str) -> &str {
        &text[self.range()]
    }

    pub fn contains(self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    pub fn overlaps(self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// Converts byte offsets of one text to Unicode code-point offsets and back.
///
/// Built once per article in O(n); each lookup is O(log n) over the positions of the
/// multi-byte characters only, so ASCII-only texts cost nothing but the scan.
#[derive(Clone, Debug)]
pub struct CharOffsets {
    /// Byte offset of every non-ASCII char, ascending.
    wide_bytes: Vec<usize>,
    /// Cumulative extra bytes (UTF-8 length - 1) up to and including each wide char.
    extra_after: Vec<usize>,
    len_bytes: usize,
    len_chars: usize,
}

impl CharOffsets {
    pub fn new(text: &str) -> CharOffsets {
        let mut wide_bytes = Vec::new();
        let mut extra_after = Vec::new();
        let mut extra = 0;
        for (i, c) in text.char_indices() {
            let n = c.len_utf8();
            if n > 1 {
                extra += n - 1;
                wide_bytes.push(i);
                extra_after.push(extra);
            }
        }
        CharOffsets {
            wide_bytes,
            extra_after,
            len_bytes: text.len(),
            len_chars: text.len() - extra,
        }
    }

    /// Number of code points in the text.
    pub fn len_chars(&self) -> usize {
        self.len_chars
    }

    /// Code-point offset of a byte offset that lies on a char boundary.
    pub fn to_char(&self, byte: usize) -> usize {
        debug_assert!(byte <= self.len_bytes);
        // Extra bytes of every wide char that starts strictly before `byte`.
        let n_before = self.wide_bytes.partition_point(|&b| b < byte);
        let extra = if n_before == 0 {
            0
        } else {
            self.extra_after[n_before - 1]
        };
        byte - extra
    }

    /// Byte offset of a code-point offset; offsets past the end clamp to the end.
    pub fn to_byte(&self, char_idx: usize) -> usize {
        if char_idx >= self.len_chars {
            return self.len_bytes;
        }
        // Find how many wide chars start before the char at `char_idx`: the wide char k
        // starts at char offset wide_bytes[k] - extra_before(k).
        let (mut lo, mut hi) = (0usize, self.wide_bytes.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            let extra_before = if mid == 0 {
                0
            } else {
                self.extra_after[mid - 1]
            };
            if self.wide_bytes[mid] - extra_before < char_idx {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        let extra = if lo == 0 { 0 } else { self.extra_after[lo - 1] };
        char_idx + extra
    }

    pub fn span_to_chars(&self, span: Span) -> [usize; 2] {
        [self.to_char(span.start), self.to_char(span.end)]
    }

    /// A byte span from code-point offsets, clamped to the text and ordered.
    pub fn span_from_chars(&self, start: usize, end: usize) -> Span {
        let (s, e) = (start.min(end), end.max(start));
        Span::new(self.to_byte(s), self.to_byte(e))
    }
}

/// The largest char boundary of `s` that is `<= i` (`s.len()` for any `i` past the end).
pub(crate) fn floor_char_boundary(s: &str, i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    (0..=i).rev().find(|&b| s.is_char_boundary(b)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) {
        let map = CharOffsets::new(text);
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        assert_eq!(map.len_chars(), chars.len());
        for (ci, &(bi, _)) in chars.iter().enumerate() {
            assert_eq!(map.to_char(bi), ci, "to_char({bi}) in {text:?}");
            assert_eq!(map.to_byte(ci), bi, "to_byte({ci}) in {text:?}");
        }
        assert_eq!(map.to_char(text.len()), chars.len());
        assert_eq!(map.to_byte(chars.len()), text.len());
        assert_eq!(map.to_byte(chars.len() + 7), text.len());
    }

    #[test]
    fn offsets_round_trip() {
        check("");
        check("plain ascii");
        check("“curly” quotes — and dashes");
        check("é");
        check("a\u{00a0}b 😀 c « d » 日本語");
        check("😀😀😀");
    }

    #[test]
    fn span_slices() {
        let text = "Trump said “no”.";
        let map = CharOffsets::new(text);
        let span = map.span_from_chars(11, 15);
        assert_eq!(span.slice(text), "“no”");
        assert_eq!(map.span_to_chars(span), [11, 15]);
    }
}
