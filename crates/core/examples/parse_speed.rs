//! Experiment helper: times the parser alone over a PolNeAR file, for model files given.
//! `cargo run --release -p verbatim-core --example parse_speed -- GOLD MODEL...`
use std::time::Instant;
use verbatim_core::parse::Parser;
use verbatim_core::pos::PosTagger;
use verbatim_core::{corpus, Segmenter};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let docs = corpus::read_jsonl(std::path::Path::new(&args[1])).expect("gold");
    let tagger = PosTagger::embedded();
    let seg = Segmenter::new();
    let prepared: Vec<_> = docs
        .iter()
        .map(|g| {
            let s = seg.segment(&g.text);
            let t = tagger.tag(&g.text, &s.token_spans());
            (g, s, t)
        })
        .collect();
    let parsers: Vec<Parser> = args[2..]
        .iter()
        .map(|p| Parser::from_bytes(&std::fs::read(p).expect("model")).expect("parser"))
        .collect();
    for round in 0..5 {
        for (p, name) in parsers.iter().zip(&args[2..]) {
            let t = Instant::now();
            let mut n = 0;
            for (g, s, tags) in &prepared {
                n += p.parse(&g.text, s, tags).len();
            }
            println!(
                "round {round} {name}: {:.1} ms ({n} tokens)",
                t.elapsed().as_secs_f64() * 1e3
            );
        }
    }
}
