//! The search syntax of quote and article search, one parser for both backends: words (all
//! required), `"exact phrases"`, `OR` between two terms, `-excluded` words or phrases.
//!
//! `tax "health care" -obamacare` finds texts holding "tax" and the phrase "health care" and
//! not "obamacare"; `email OR server` either word. Words are matched stemmed (English): the
//! parser only splits and lower-cases, each backend stems with its own English stemmer
//! (tantivy's for SQLite quotes, FTS5's porter for SQLite articles, PostgreSQL's `english`
//! configuration). A bare token holding several words ("don't", "e-mail") is a phrase.

use crate::{Error, Result};

/// Words in order (one word: a plain word; more: a phrase), lower case.
pub(crate) type Phrase = Vec<String>;

/// A parsed search: every group must match (a group is its phrases OR-ed), no excluded
/// phrase may.
#[derive(Debug, PartialEq)]
pub(crate) struct Search {
    pub all: Vec<Vec<Phrase>>,
    pub none: Vec<Phrase>,
}

enum Token {
    Term { phrase: Phrase, excluded: bool },
    Or,
}

fn words(s: &str) -> Phrase {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '„')
}

fn tokens(q: &str) -> Result<Vec<Token>> {
    let mut out = Vec::new();
    let mut rest = q;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return Ok(out);
        }
        let (excluded, body) = match rest.strip_prefix('-') {
            Some(b) if b.starts_with(|c: char| !c.is_whitespace()) => (true, b),
            _ => (false, rest),
        };
        let quoted = body.chars().next().filter(|&c| is_quote(c));
        let (text, after) = match quoted {
            Some(open) => {
                let inner = &body[open.len_utf8()..];
                let Some(end) = inner.find(is_quote) else {
                    return Err(Error::InvalidQuery(format!(
                        "search {q:?}: a quotation mark is not closed"
                    )));
                };
                let close = inner[end..].chars().next().map_or(1, char::len_utf8);
                (&inner[..end], &inner[end + close..])
            }
            None => {
                let end = body.find(char::is_whitespace).unwrap_or(body.len());
                (&body[..end], &body[end..])
            }
        };
        if quoted.is_none() && !excluded && text == "OR" {
            out.push(Token::Or);
        } else {
            let phrase = words(text);
            if !phrase.is_empty() {
                out.push(Token::Term { phrase, excluded });
            }
        }
        rest = after;
    }
}

/// Parses a search; an error names what is wrong (no words, only excluded words, an `OR`
/// without a term on a side, an unclosed quotation mark).
pub(crate) fn parse(q: &str) -> Result<Search> {
    let mut search = Search {
        all: Vec::new(),
        none: Vec::new(),
    };
    let mut pending_or = false;
    let or_error = || {
        Error::InvalidQuery(format!(
            "search {q:?}: OR needs a word or phrase on each side (and cannot join an excluded one)"
        ))
    };
    for token in tokens(q)? {
        match token {
            Token::Or => {
                if pending_or || search.all.is_empty() {
                    return Err(or_error());
                }
                pending_or = true;
            }
            Token::Term { phrase, excluded } => {
                if excluded {
                    if pending_or {
                        return Err(or_error());
                    }
                    search.none.push(phrase);
                } else if pending_or {
                    if let Some(group) = search.all.last_mut() {
                        group.push(phrase);
                    }
                    pending_or = false;
                } else {
                    search.all.push(vec![phrase]);
                }
            }
        }
    }
    if pending_or {
        return Err(or_error());
    }
    if search.all.is_empty() {
        let what = if search.none.is_empty() {
            "has no words"
        } else {
            "has only excluded words: add one to find"
        };
        return Err(Error::InvalidQuery(format!("search {q:?} {what}")));
    }
    Ok(search)
}

impl Search {
    /// An FTS5 MATCH expression (every word quoted, so no word is read as an operator).
    pub fn fts5(&self) -> String {
        let phrase = |p: &Phrase| format!("\"{}\"", p.join(" "));
        let group = |g: &Vec<Phrase>| {
            let items: Vec<String> = g.iter().map(phrase).collect();
            if items.len() == 1 {
                items.join("")
            } else {
                format!("({})", items.join(" OR "))
            }
        };
        let mut out = self.all.iter().map(group).collect::<Vec<_>>().join(" AND ");
        if !self.none.is_empty() {
            out = format!("({out})");
            for p in &self.none {
                out.push_str(" NOT ");
                out.push_str(&phrase(p));
            }
        }
        out
    }

    /// A PostgreSQL `to_tsquery` text: `&`, `|`, `!` and `<->` for phrases.
    pub fn tsquery(&self) -> String {
        // Words are letters and digits only, so quoting them needs no escaping.
        let phrase = |p: &Phrase| {
            let items: Vec<String> = p.iter().map(|w| format!("'{w}'")).collect();
            if items.len() == 1 {
                items.join("")
            } else {
                format!("({})", items.join(" <-> "))
            }
        };
        let group = |g: &Vec<Phrase>| {
            let items: Vec<String> = g.iter().map(phrase).collect();
            format!("({})", items.join(" | "))
        };
        let mut parts: Vec<String> = self.all.iter().map(group).collect();
        parts.extend(self.none.iter().map(|p| format!("!{}", phrase(p))));
        parts.join(" & ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(q: &str, fts5: &str, tsquery: &str) {
        let s = parse(q).unwrap_or_else(|e| panic!("{q:?}: {e}"));
        assert_eq!(s.fts5(), fts5, "{q:?}");
        assert_eq!(s.tsquery(), tsquery, "{q:?}");
    }

    fn check_error(q: &str, needle: &str) {
        match parse(q) {
            Ok(s) => panic!("{q:?} parsed as {s:?}"),
            Err(e) => assert!(e.to_string().contains(needle), "{q:?}: {e}"),
        }
    }

    #[test]
    fn words_are_all_required() {
        check("recuse", "\"recuse\"", "('recuse')");
        check(
            "Russian  ambassador",
            "\"russian\" AND \"ambassador\"",
            "('russian') & ('ambassador')",
        );
        check("don't", "\"don t\"", "(('don' <-> 't'))");
        check("not*", "\"not\"", "('not')");
    }

    #[test]
    fn phrases_or_and_exclusions() {
        check(
            "\"health care\"",
            "\"health care\"",
            "(('health' <-> 'care'))",
        );
        check(
            "“health care”",
            "\"health care\"",
            "(('health' <-> 'care'))",
        );
        check(
            "email OR server clinton",
            "(\"email\" OR \"server\") AND \"clinton\"",
            "('email' | 'server') & ('clinton')",
        );
        check(
            "a OR b OR \"c d\"",
            "(\"a\" OR \"b\" OR \"c d\")",
            "('a' | 'b' | ('c' <-> 'd'))",
        );
        check(
            "tax -return -\"health care\"",
            "(\"tax\") NOT \"return\" NOT \"health care\"",
            "('tax') & !'return' & !('health' <-> 'care')",
        );
        // A lower-case "or" is a word; a lone dash is no exclusion.
        check(
            "this or that",
            "\"this\" AND \"or\" AND \"that\"",
            "('this') & ('or') & ('that')",
        );
        check("tax - cuts", "\"tax\" AND \"cuts\"", "('tax') & ('cuts')");
        check("\"OR\"", "\"or\"", "('or')");
    }

    #[test]
    fn bad_searches_are_explained() {
        check_error("", "has no words");
        check_error(" ?! ", "has no words");
        check_error("-tax", "only excluded words");
        check_error("OR tax", "OR needs");
        check_error("tax OR", "OR needs");
        check_error("tax OR OR cut", "OR needs");
        check_error("tax OR -cut", "OR needs");
        check_error("\"health care", "not closed");
    }
}
