//! CoNLL-U output (universaldependencies.org/format.html) and a validity check.
//!
//! One block per article: `# newdoc id = ID`, then per sentence `# sent_id = ID-K` (K from
//! 1), `# text = ...` (line breaks and tabs as spaces) and one line per token with the ten
//! columns ID FORM LEMMA UPOS XPOS FEATS HEAD DEPREL DEPS MISC. XPOS is our Penn tag, UPOS
//! its standard conversion, DEPREL the training data's label; LEMMA, FEATS and DEPS are `_`;
//! MISC is `TokenRange=START:END`, Unicode code-point offsets into the article text.

use super::Syntax;
use crate::pos::TAGS;
use crate::segment::Segmentation;
use crate::span::CharOffsets;
use std::fmt::Write;

/// The universal tag of a Penn tag (the usual many-to-one conversion).
pub fn upos(penn: &str) -> &'static str {
    match penn {
        "NN" | "NNS" => "NOUN",
        "NNP" | "NNPS" => "PROPN",
        "JJ" | "JJR" | "JJS" => "ADJ",
        "RB" | "RBR" | "RBS" | "WRB" => "ADV",
        "VB" | "VBD" | "VBG" | "VBN" | "VBP" | "VBZ" => "VERB",
        "MD" => "AUX",
        "PRP" | "PRP$" | "WP" | "WP$" | "EX" => "PRON",
        "DT" | "PDT" | "WDT" => "DET",
        "IN" | "RP" => "ADP",
        "CC" => "CCONJ",
        "TO" | "POS" => "PART",
        "CD" => "NUM",
        "UH" => "INTJ",
        "$" | "#" | "SYM" => "SYM",
        "." | "," | ":" | "``" | "''" | "-LRB-" | "-RRB-" => "PUNCT",
        _ => "X",
    }
}

/// A comment value on one line.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// A column value: never empty, no tab or line break (a token holding one is written with
/// those as `_`; its TokenRange still gives the exact text).
fn column(s: &str) -> String {
    if s.is_empty() {
        return "_".into();
    }
    s.chars()
        .map(|c| {
            if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
                '_'
            } else {
                c
            }
        })
        .collect()
}

/// Appends the CoNLL-U block of one article to `out`.
pub fn write(id: &str, text: &str, seg: &Segmentation, syntax: &Syntax, out: &mut String) {
    let chars = CharOffsets::new(text);
    let _ = writeln!(out, "# newdoc id = {}", one_line(id));
    let mut k = 0usize;
    for s in &seg.sentences {
        let r = s.tokens.clone();
        if r.is_empty() || r.end > seg.tokens.len() {
            continue;
        }
        k += 1;
        let _ = writeln!(out, "# sent_id = {}-{k}", one_line(id));
        let _ = writeln!(
            out,
            "# text = {}",
            one_line(text.get(s.span.range()).unwrap_or(""))
        );
        for (i, t) in r.clone().enumerate() {
            let span = seg.tokens[t].span;
            let form = column(text.get(span.range()).unwrap_or(""));
            let xpos = syntax
                .tags
                .get(t)
                .and_then(|&x| TAGS.get(usize::from(x)))
                .copied();
            let head = match syntax.parse.head(t) {
                Some(h) if r.contains(&h) => h - r.start + 1,
                _ => 0,
            };
            let deprel = if head == 0 {
                "root"
            } else {
                syntax.parse.label(t).name()
            };
            let _ = writeln!(
                out,
                "{}\t{form}\t_\t{}\t{}\t_\t{head}\t{deprel}\t_\tTokenRange={}:{}",
                i + 1,
                xpos.map_or("_", upos),
                xpos.unwrap_or("_"),
                chars.to_char(span.start),
                chars.to_char(span.end),
            );
        }
        out.push('\n');
    }
}

/// Checks CoNLL-U text written for the articles `texts` (by `newdoc id`): ten columns, ids
/// `1..n` per sentence, heads in `0..=n` forming a tree with exactly one root, and every
/// `TokenRange` slicing back to its FORM. Returns the number of sentences checked.
pub fn validate(conllu: &str, text_of: impl Fn(&str) -> Option<String>) -> Result<usize, String> {
    let mut text: Option<Vec<char>> = None;
    let mut sent: Vec<usize> = Vec::new();
    let mut n_sents = 0usize;
    for (no, line) in conllu.lines().enumerate() {
        let no = no + 1;
        if line.is_empty() {
            if !sent.is_empty() {
                check_tree(&sent).map_err(|e| format!("sentence ending at line {no}: {e}"))?;
                n_sents += 1;
                sent.clear();
            }
            continue;
        }
        if let Some(c) = line.strip_prefix('#') {
            if let Some(id) = c.strip_prefix(" newdoc id = ") {
                text = Some(
                    text_of(id)
                        .ok_or_else(|| format!("line {no}: unknown article {id:?}"))?
                        .chars()
                        .collect(),
                );
            }
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != 10 {
            return Err(format!("line {no}: {} columns", cols.len()));
        }
        if cols.iter().any(|c| c.is_empty()) {
            return Err(format!("line {no}: an empty column"));
        }
        let id: usize = cols[0].parse().map_err(|_| format!("line {no}: bad id"))?;
        if id != sent.len() + 1 {
            return Err(format!("line {no}: id {id}, expected {}", sent.len() + 1));
        }
        let head: usize = cols[6]
            .parse()
            .map_err(|_| format!("line {no}: bad head"))?;
        sent.push(head);
        let range = cols[9]
            .split('|')
            .find_map(|m| m.strip_prefix("TokenRange="))
            .ok_or_else(|| format!("line {no}: no TokenRange"))?;
        let (a, b) = range
            .split_once(':')
            .and_then(|(a, b)| Some((a.parse::<usize>().ok()?, b.parse::<usize>().ok()?)))
            .ok_or_else(|| format!("line {no}: bad TokenRange {range:?}"))?;
        let t = text
            .as_ref()
            .ok_or_else(|| format!("line {no}: token before newdoc"))?;
        if a >= b || b > t.len() {
            return Err(format!("line {no}: TokenRange {a}:{b} outside the text"));
        }
        let slice: String = t[a..b].iter().collect();
        if column(&slice) != cols[1] {
            return Err(format!(
                "line {no}: TokenRange gives {slice:?}, FORM is {:?}",
                cols[1]
            ));
        }
    }
    if !sent.is_empty() {
        return Err("the last sentence has no closing blank line".into());
    }
    Ok(n_sents)
}

/// Heads (1-based, 0 the root) in range, one root, no cycle.
fn check_tree(heads: &[usize]) -> Result<(), String> {
    let n = heads.len();
    if let Some(h) = heads.iter().find(|&&h| h > n) {
        return Err(format!("head {h} out of range 0..={n}"));
    }
    if heads.iter().filter(|&&h| h == 0).count() != 1 {
        return Err("not exactly one root".into());
    }
    for start in 1..=n {
        let (mut at, mut steps) = (start, 0);
        while at != 0 {
            at = heads[at - 1];
            steps += 1;
            if steps > n {
                return Err(format!("token {start} is in a cycle"));
            }
        }
    }
    Ok(())
}
