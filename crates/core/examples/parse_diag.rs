//! Experiment helper: parse errors on a PolNeAR file by silver label and, for punctuation,
//! by form, and whether the silver head of a punctuation mark is an ancestor of one of its
//! neighbours in our parse.
//!
//! `cargo run --release -p verbatim-core --example parse_diag -- GOLD [PARSE_MODEL]`

use std::collections::BTreeMap;
use verbatim_core::parse::{span_index, Parser};
use verbatim_core::pos::PosTagger;
use verbatim_core::{corpus, Segmenter};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let docs = corpus::read_jsonl(std::path::Path::new(&args[1])).expect("gold");
    let parser = match args.get(2) {
        Some(p) => Parser::from_bytes(&std::fs::read(p).expect("model")).expect("parser"),
        None => Parser::embedded(),
    };
    let tagger = PosTagger::embedded();
    println!(
        "{}",
        verbatim_core::parse::evaluate(&parser, &tagger, &docs)
    );
    let seg = Segmenter::new();
    let mut by_label: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut by_punct: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    for g in &docs {
        let Some(c) = &g.corenlp else { continue };
        let s = seg.segment(&g.text);
        let spans = s.token_spans();
        let tags = tagger.tag(&g.text, &spans);
        let parse = parser.parse(&g.text, &s, &tags);
        let theirs = c.token_spans(&g.text);
        let ours = span_index(&spans);
        for (k, sp) in theirs.iter().enumerate() {
            let Some(&i) = ours.get(&(sp.start, sp.end)) else {
                continue;
            };
            let sh = usize::try_from(c.head[k]).ok().and_then(|h| theirs.get(h));
            let ok = match (parse.head(i), sh) {
                (None, None) => true,
                (Some(h), Some(x)) => spans[h] == *x,
                _ => false,
            };
            let e = by_label.entry(c.dep[k].clone()).or_default();
            e.0 += 1;
            e.1 += usize::from(ok);
            if c.dep[k] == "punct" {
                let form = g.text[sp.range()].to_string();
                // Is the silver head an ancestor (or self) of a neighbour in our parse?
                let mut reach = false;
                if let Some(x) = sh {
                    if let Some(&hx) = ours.get(&(x.start, x.end)) {
                        for nb in [i.wrapping_sub(1), i + 1] {
                            let mut t = Some(nb);
                            let mut steps = 0;
                            while let Some(u) = t {
                                if u >= spans.len() || steps > 200 {
                                    break;
                                }
                                if u == hx {
                                    reach = true;
                                }
                                t = parse.head(u);
                                steps += 1;
                            }
                        }
                    }
                }
                let e = by_punct.entry(form).or_default();
                e.0 += 1;
                e.1 += usize::from(ok);
                e.2 += usize::from(reach);
            }
        }
    }
    let mut v: Vec<_> = by_label.into_iter().collect();
    v.sort_by_key(|(_, (n, ok))| std::cmp::Reverse(n - ok));
    println!("label: tokens, head right %, errors");
    for (l, (n, ok)) in v.iter().take(25) {
        println!(
            "{l:12} {n:6} {:5.1} {:6}",
            100.0 * *ok as f64 / *n as f64,
            n - ok
        );
    }
    let mut v: Vec<_> = by_punct.into_iter().collect();
    v.sort_by_key(|(_, (n, ok, _))| std::cmp::Reverse(n - ok));
    println!("punct: tokens, head right %, silver head reachable from a neighbour %");
    for (l, (n, ok, r)) in v.iter().take(15) {
        println!(
            "{l:6} {n:6} {:5.1} {:5.1}",
            100.0 * *ok as f64 / *n as f64,
            100.0 * *r as f64 / *n as f64
        );
    }
}
