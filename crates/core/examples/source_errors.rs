//! Experiment helper: aligns predicted and gold attributions of a PolNeAR file (a predicted
//! attribution whose cue and content overlap a gold one's, else whose cue does) and counts
//! how their sources differ: empty on one side, disjoint, or overlapping with the predicted
//! one too long or too short on the left or right, with the most common differing words.
//!
//! `cargo run --release -p verbatim-core --example source_errors -- GOLD [MODEL] [SAMPLES]`
//! (without MODEL: the embedded model; SAMPLES: examples printed per category, default 0).

use std::collections::BTreeMap;
use verbatim_core::attribute::ModelAttributor;
use verbatim_core::corpus::GoldAttribution;
use verbatim_core::{corpus, eval, Pipeline};

type Range = (usize, usize);

/// The hull of a role's pieces, without surrounding whitespace (code points).
fn hull(chars: &[char], pieces: &[[usize; 2]]) -> Option<Range> {
    let mut a = pieces.iter().map(|p| p[0]).min()?;
    let mut b = pieces.iter().map(|p| p[1]).max()?.min(chars.len());
    while a < b && chars[a].is_whitespace() {
        a += 1;
    }
    while b > a && chars[b - 1].is_whitespace() {
        b -= 1;
    }
    (a < b).then_some((a, b))
}

fn overlap(a: &[[usize; 2]], b: &[[usize; 2]]) -> bool {
    a.iter()
        .any(|x| b.iter().any(|y| x[0] < y[1] && y[0] < x[1]))
}

fn text(chars: &[char], (a, b): Range) -> String {
    chars[a.min(b)..b.max(a)]
        .iter()
        .collect::<String>()
        .trim()
        .to_string()
}

/// A short key for a differing piece: its first and last words, lowercased.
fn key(piece: &str) -> String {
    let words: Vec<String> = piece.split_whitespace().map(|w| w.to_lowercase()).collect();
    match words.as_slice() {
        [] => "(space)".into(),
        [w] => w.clone(),
        [f, .., l] => format!("{f} … {l} ({} words)", words.len()),
    }
}

#[derive(Default)]
struct Counts {
    cat: BTreeMap<String, usize>,
    pieces: BTreeMap<String, BTreeMap<String, usize>>,
    samples: BTreeMap<String, Vec<String>>,
}

impl Counts {
    fn add(&mut self, cat: &str, sample: String, max: usize) {
        *self.cat.entry(cat.into()).or_default() += 1;
        let s = self.samples.entry(cat.into()).or_default();
        if s.len() < max {
            s.push(sample);
        }
    }
    fn piece(&mut self, side: &str, piece: &str) {
        *self
            .pieces
            .entry(side.into())
            .or_default()
            .entry(key(piece))
            .or_default() += 1;
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(gold_path) = args.first() else {
        return Err("usage: source_errors GOLD [MODEL] [SAMPLES]".into());
    };
    let model = match args.get(1).filter(|m| m.as_str() != "-") {
        Some(m) => ModelAttributor::from_bytes(&std::fs::read(m)?)?,
        None => ModelAttributor::embedded(),
    };
    let max: usize = args.get(2).map_or(Ok(0), |s| s.parse())?;
    let docs = corpus::read_jsonl(std::path::Path::new(gold_path))?;
    let preds = eval::predict(&Pipeline::with_attributor(Box::new(model)), &docs);
    let mut c = Counts::default();
    for (g, p) in docs.iter().zip(&preds) {
        let chars: Vec<char> = g.text.chars().collect();
        for ga in &g.attributions {
            let full = |pa: &&GoldAttribution| {
                overlap(&pa.cue, &ga.cue) && overlap(&pa.content, &ga.content)
            };
            let Some(pa) = p
                .attributions
                .iter()
                .find(full)
                .or_else(|| p.attributions.iter().find(|pa| overlap(&pa.cue, &ga.cue)))
            else {
                continue;
            };
            let matched = if full(&pa) { "" } else { " (cue only)" };
            let cue = hull(&chars, &pa.cue).map_or(String::new(), |r| text(&chars, r));
            let gs = hull(&chars, &ga.source);
            let ps = hull(&chars, &pa.source);
            let show = |r: Option<Range>| r.map_or("-".into(), |r| text(&chars, r));
            let sample = format!("[{}] / [{}]  cue [{cue}]", show(ps), show(gs));
            let cat = match (ps, gs) {
                (None, None) => "both empty".to_string(),
                (Some(_), None) => "gold empty".into(),
                (None, Some(_)) => "pred empty".into(),
                (Some(x), Some(y)) if x == y => "equal".into(),
                (Some(x), Some(y)) if x.1 <= y.0 || y.1 <= x.0 => "disjoint".into(),
                (Some(x), Some(y)) => {
                    let left = match x.0.cmp(&y.0) {
                        std::cmp::Ordering::Less => {
                            c.piece("pred longer left", &text(&chars, (x.0, y.0)));
                            "L+"
                        }
                        std::cmp::Ordering::Greater => {
                            c.piece("pred shorter left", &text(&chars, (y.0, x.0)));
                            "L-"
                        }
                        _ => "",
                    };
                    let right = match x.1.cmp(&y.1) {
                        std::cmp::Ordering::Greater => {
                            c.piece("pred longer right", &text(&chars, (y.1, x.1)));
                            "R+"
                        }
                        std::cmp::Ordering::Less => {
                            c.piece("pred shorter right", &text(&chars, (x.1, y.1)));
                            "R-"
                        }
                        _ => "",
                    };
                    format!("overlap {left}{right}")
                }
            };
            c.add(&format!("{cat}{matched}"), sample, max);
        }
    }
    println!("pred / gold source of aligned attributions:");
    for (cat, n) in &c.cat {
        println!("{n:6}  {cat}");
        for s in &c.samples[cat] {
            println!("          {s}");
        }
    }
    for (side, pieces) in &c.pieces {
        let mut v: Vec<_> = pieces.iter().collect();
        v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let total: usize = pieces.values().sum();
        println!("\n{side} ({total}):");
        for (k, n) in v.iter().take(15) {
            println!("{n:6}  {k}");
        }
    }
    Ok(())
}
