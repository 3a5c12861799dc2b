//! The first, rule-based attributor: quote marks, reporting verbs, "according to" and colons.
//! Kept as a transparent baseline next to the trained model.

use super::{Attribution, Attributor};
use crate::parse::Syntax;
use crate::segment::Segmentation;
use crate::span::Span;

/// Finds direct quotes by their marks, `X said (that) ...`, `according to X` and colon cues.
#[derive(Debug, Default)]
pub struct RuleAttributor {}

impl RuleAttributor {
    pub fn new() -> RuleAttributor {
        RuleAttributor {}
    }
}

/// Reporting verbs in the forms news writes them.
const CUE_VERBS: &[&str] = &[
    "said",
    "says",
    "say",
    "told",
    "tells",
    "added",
    "adds",
    "noted",
    "notes",
    "stated",
    "states",
    "argued",
    "argues",
    "claimed",
    "claims",
    "explained",
    "explains",
    "insisted",
    "insists",
    "warned",
    "warns",
    "wrote",
    "writes",
    "asked",
    "asks",
    "announced",
    "announces",
    "declared",
    "declares",
    "suggested",
    "suggests",
    "acknowledged",
    "acknowledges",
    "admitted",
    "admits",
    "recalled",
    "recalls",
    "replied",
    "replies",
    "responded",
    "responds",
    "continued",
    "continues",
    "reported",
    "reports",
    "believes",
    "believed",
    "thinks",
    "thought",
    "denied",
    "denies",
    "confirmed",
    "confirms",
    "conceded",
    "concedes",
    "tweeted",
    "tweets",
    "predicted",
    "predicts",
    "stressed",
    "stresses",
    "contended",
    "contends",
    "maintained",
    "maintains",
    "alleged",
    "alleges",
    "charged",
    "charges",
    "countered",
    "counters",
    "agreed",
    "agrees",
    "urged",
];

const PRONOUNS: &[&str] = &["he", "she", "they", "i", "we", "it", "you"];
const DETERMINERS: &[&str] = &[
    "a", "an", "the", "his", "her", "their", "its", "our", "another", "several", "some", "two",
    "three",
];

struct Words<'a> {
    text: &'a str,
    seg: &'a Segmentation,
}

impl Words<'_> {
    fn word(&self, i: usize) -> &str {
        self.seg.tokens[i].span.slice(self.text)
    }
    fn lower(&self, i: usize) -> String {
        self.word(i).to_lowercase()
    }
    fn is_cue_verb(&self, i: usize) -> bool {
        let w = self.lower(i);
        CUE_VERBS.contains(&w.as_str())
    }
    fn is_capitalized(&self, i: usize) -> bool {
        self.word(i).chars().next().is_some_and(char::is_uppercase)
    }
    fn is_word(&self, i: usize) -> bool {
        self.word(i)
            .chars()
            .next()
            .is_some_and(char::is_alphanumeric)
    }
    fn span(&self, from: usize, to: usize) -> Span {
        self.seg.tokens[from]
            .span
            .cover(self.seg.tokens[to - 1].span)
    }

    /// The noun phrase ending just before token `end` (exclusive), searching left within
    /// `[floor, end)`: a pronoun, or determiner/adjective/capitalised words ending in a noun.
    fn phrase_before(&self, floor: usize, end: usize) -> Option<(usize, usize)> {
        if end <= floor {
            return None;
        }
        let last = end - 1;
        if !self.is_word(last) || self.is_cue_verb(last) {
            return None;
        }
        if PRONOUNS.contains(&self.lower(last).as_str()) {
            return Some((last, end));
        }
        let mut start = last;
        while start > floor && end - start < 8 {
            let prev = start - 1;
            let w = self.lower(prev);
            if !self.is_word(prev)
                && self.word(prev) != "."
                && self.word(prev) != "'"
                && self.word(prev) != "-"
            {
                break;
            }
            if DETERMINERS.contains(&w.as_str()) {
                start = prev;
                break;
            }
            if !(self.is_capitalized(prev) || w == "." || w == "'" || w == "-" || w == "of") {
                break;
            }
            start = prev;
        }
        while start < last && !self.is_word(start) {
            start += 1;
        }
        // A bare lower-case word ("initially", "when") is not a source.
        let first = self.lower(start);
        if start == last && !self.is_capitalized(last)
            || !(self.is_capitalized(start) || DETERMINERS.contains(&first.as_str()))
        {
            return None;
        }
        Some((start, end))
    }

    /// A source and cue right before a quotation opening at `open`: `X said:` (colon, when
    /// `colon` is set; also `X said.` ending the sentence before) or `X said,`/`X said`.
    fn cue_before(&self, open: usize, floor: usize, colon: bool) -> Option<((usize, usize), Span)> {
        if open == 0 || open <= floor {
            return None;
        }
        let p = open - 1;
        let (verb, cue_end) = match self.word(p) {
            ":" | "." if colon => (p.checked_sub(1)?, open),
            "," if !colon => (p.checked_sub(1)?, open),
            _ if !colon => (p, open),
            _ => return None,
        };
        if verb < floor || !self.is_cue_verb(verb) {
            return None;
        }
        let source = self.phrase_before(floor, verb)?;
        // A sentence-final period belongs to the sentence, not the cue.
        let cue_end = if self.word(cue_end - 1) == "." || self.word(cue_end - 1) == "," {
            cue_end - 1
        } else {
            cue_end
        };
        Some((source, self.span(verb, cue_end)))
    }

    /// The noun phrase starting at token `start`, up to a verb-like break, comma or end.
    fn phrase_after(&self, start: usize, limit: usize) -> Option<(usize, usize)> {
        if start >= limit || !self.is_word(start) {
            return None;
        }
        if PRONOUNS.contains(&self.lower(start).as_str()) {
            return Some((start, start + 1));
        }
        let mut end = start + 1;
        while end < limit && end - start < 8 {
            let w = self.word(end);
            if matches!(w, "," | ";" | ":" | "." | "!" | "?")
                || self.seg.tokens[end].kind.is_quote()
                || self.is_cue_verb(end)
            {
                break;
            }
            end += 1;
        }
        Some((start, end))
    }
}

/// Quotations as token ranges `[open, close]` (inclusive of both marks), from the
/// segmentation; a quotation of one token (a lone mark) is none.
fn quotations(seg: &Segmentation) -> impl Iterator<Item = (usize, usize)> + '_ {
    seg.quotations
        .iter()
        .filter(|q| q.tokens.len() > 1)
        .map(|q| (q.tokens.start, q.tokens.end - 1))
}

impl Attributor for RuleAttributor {
    fn model_id(&self) -> String {
        "rules".into()
    }

    fn attribute(&self, text: &str, seg: &Segmentation, _syntax: &Syntax) -> Vec<Attribution> {
        let words = Words { text, seg };
        let mut found: Vec<(Vec<Span>, Vec<Span>, Vec<Span>)> = Vec::new();
        let mut used = vec![false; seg.tokens.len()];
        let mark = |from: usize, to: usize, used: &mut Vec<bool>| {
            used[from..to].iter_mut().for_each(|u| *u = true)
        };

        for (open, close) in quotations(seg) {
            let sent = &seg.sentences[seg.sentence_of(open)];
            let sent_end = seg.sentences[seg.sentence_of(close)].tokens.end;
            let content = words.span(open, close + 1);
            // Before the quote with a colon, or a sentence that ends in its cue:
            // `Smith said: "..."`, `the President said. "..."`.
            if let Some(att) = words.cue_before(open, sent.tokens.start.saturating_sub(3), true) {
                mark(att.0 .0, open, &mut used);
                mark(open, close + 1, &mut used);
                found.push((
                    vec![words.span(att.0 .0, att.0 .1)],
                    vec![att.1],
                    vec![content],
                ));
                continue;
            }
            // After the quote: `"...," he said` / `"...," said Smith` / `"...," Smith told reporters`.
            let mut k = close + 1;
            if k < sent_end && words.word(k) == "," {
                k += 1;
            }
            let after = (k..(k + 6).min(sent_end)).find(|&i| words.is_cue_verb(i));
            if let Some(v) = after {
                let source = words
                    .phrase_before(k, v)
                    .or_else(|| words.phrase_after(v + 1, sent_end));
                if let Some((s, e)) = source {
                    mark(open, close + 1, &mut used);
                    mark(s, e, &mut used);
                    mark(v, v + 1, &mut used);
                    found.push((
                        vec![words.span(s, e)],
                        vec![words.span(v, v + 1)],
                        vec![content],
                    ));
                    continue;
                }
            }
            // Before the quote with a comma or nothing: `Smith said, "..."`.
            if let Some(att) = words.cue_before(open, sent.tokens.start, false) {
                mark(att.0 .0, open, &mut used);
                mark(open, close + 1, &mut used);
                found.push((
                    vec![words.span(att.0 .0, att.0 .1)],
                    vec![att.1],
                    vec![content],
                ));
                continue;
            }
            // A quotation right after an attributed one continues it.
            if let Some(prev) = found.last_mut() {
                let prev_end = prev.2.last().map(|s| s.end).unwrap_or(0);
                let prev_cue_end = prev.1.last().map(|s| s.end).unwrap_or(0);
                let gap = &text[prev_end.min(content.start)..content.start];
                // Whitespace, or the previous attribution's own `he said.` between two quotes.
                let interrupted =
                    prev_cue_end > prev_end && prev_cue_end <= content.start && gap.len() < 80;
                if !gap.is_empty() && gap.trim().is_empty() || gap.trim() == "." || interrupted {
                    mark(open, close + 1, &mut used);
                    prev.2.push(content);
                }
            }
        }

        for sent in &seg.sentences {
            let toks = sent.tokens.clone();
            if toks.is_empty() || used[toks.clone()].iter().any(|&u| u) {
                continue;
            }
            let mut end = toks.end;
            while end > toks.start && matches!(words.word(end - 1), "." | "!" | "?") {
                end -= 1;
            }
            // `according to X, ...` / `..., according to X.`
            if let Some(a) = (toks.start..end.saturating_sub(1))
                .find(|&i| words.lower(i) == "according" && words.lower(i + 1) == "to")
            {
                let comma = (a + 2..end).find(|&i| words.word(i) == ",").unwrap_or(end);
                let source = (a + 2 < comma).then(|| words.span(a + 2, comma));
                let mut content_end = a;
                while content_end > toks.start && words.word(content_end - 1) == "," {
                    content_end -= 1;
                }
                let content = if content_end > toks.start {
                    Some(words.span(toks.start, content_end))
                } else if comma + 1 < end {
                    Some(words.span(comma + 1, end))
                } else {
                    None
                };
                if let (Some(src), Some(cnt)) = (source, content) {
                    found.push((vec![src], vec![words.span(a, a + 2)], vec![cnt]));
                }
                continue;
            }
            // `X said (that) ...` or `..., X said.`
            let Some(v) = (toks.start..end).find(|&i| words.is_cue_verb(i)) else {
                continue;
            };
            if let Some((s, e)) = words.phrase_before(toks.start, v).filter(|&(_, e)| e == v) {
                let mut c = v + 1;
                if c < end && matches!(words.lower(c).as_str(), "that" | ":" | ",") {
                    c += 1;
                }
                if c < end && (end - c) >= 3 {
                    found.push((
                        vec![words.span(s, e)],
                        vec![words.span(v, v + 1)],
                        vec![words.span(c, end)],
                    ));
                } else if s > toks.start + 2 && words.word(s - 1) == "," {
                    found.push((
                        vec![words.span(s, e)],
                        vec![words.span(v, v + 1)],
                        vec![words.span(toks.start, s - 1)],
                    ));
                }
            }
        }

        found
            .into_iter()
            .map(|(source, cue, content)| {
                Attribution::new(text, &seg.quotations, source, cue, content)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::Segmenter;

    /// Runs the rules and renders each attribution as `source | cue | content`.
    fn check(text: &str, expected: &[&str]) {
        let seg = Segmenter::new().segment(text);
        let got: Vec<String> = RuleAttributor::new()
            .attribute(text, &seg, &Syntax::default())
            .iter()
            .map(|a| {
                let join = |v: &[Span]| {
                    v.iter()
                        .map(|s| s.slice(text))
                        .collect::<Vec<_>>()
                        .join(" … ")
                };
                format!(
                    "{} | {} | {} | {}",
                    join(&a.source),
                    join(&a.cue),
                    join(&a.content),
                    a.kind.as_str()
                )
            })
            .collect();
        assert_eq!(got, expected, "in {text:?}");
    }

    #[test]
    fn direct_quotes() {
        check(
            "\"We will,\" Ryan told reporters. \"But not now.\"",
            &["Ryan | told | \"We will,\" … \"But not now.\" | direct"],
        );
        check(
            "\"We will win,\" Smith said.",
            &["Smith | said | \"We will win,\" | direct"],
        );
        check(
            "\u{201c}We will win,\u{201d} said Jane Smith.",
            &["Jane Smith | said | \u{201c}We will win,\u{201d} | direct"],
        );
        check(
            "A White House official said: \"This is an attack.\"",
            &["A White House official | said: | \"This is an attack.\" | direct"],
        );
    }

    #[test]
    fn reported_speech() {
        check(
            "Ryan said Sessions should recuse himself.",
            &["Ryan | said | Sessions should recuse himself | indirect"],
        );
        check(
            "The plan would fail, Smith said.",
            &["Smith | said | The plan would fail | indirect"],
        );
        check(
            "According to CNN, the talks failed.",
            &["CNN | According to | the talks failed | according_to"],
        );
        check(
            "The talks failed, according to CNN.",
            &["CNN | according to | The talks failed | according_to"],
        );
    }

    #[test]
    fn nothing_to_find() {
        check("", &[]);
        check("The weather was fine.", &[]);
        check("\"", &[]);
    }
}
