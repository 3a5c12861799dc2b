//! Experiment helper: scores an attribution model file on a PolNeAR file and optionally
//! writes the predictions (code points, `{"id", "attributions"}` per line).
//!
//! `cargo run --release -p verbatim-core --example model_dev -- MODEL GOLD [PRED_OUT]`

use std::io::Write;
use verbatim_core::attribute::ModelAttributor;
use verbatim_core::{corpus, eval, Pipeline};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [model, gold, rest @ ..] = args.as_slice() else {
        return Err("usage: model_dev MODEL GOLD [PRED_OUT]".into());
    };
    let model = ModelAttributor::from_bytes(&std::fs::read(model)?)?;
    let docs = corpus::read_jsonl(std::path::Path::new(gold))?;
    let pipeline = Pipeline::with_attributor(Box::new(model));
    let start = std::time::Instant::now();
    let preds = eval::predict(&pipeline, &docs);
    let secs = start.elapsed().as_secs_f64();
    let words: usize = docs.iter().map(|d| d.text.split_whitespace().count()).sum();
    eprintln!("predict: {secs:.3}s, {:.0} words/s", words as f64 / secs);
    if let Some(out) = rest.first() {
        let mut f = std::io::BufWriter::new(std::fs::File::create(out)?);
        for p in &preds {
            let attributions: Vec<_> = p
                .attributions
                .iter()
                .map(
                    |a| serde_json::json!({"source": a.source, "cue": a.cue, "content": a.content}),
                )
                .collect();
            writeln!(
                f,
                "{}",
                serde_json::json!({"id": p.id, "attributions": attributions})
            )?;
        }
    }
    println!("{}", eval::score(&docs, &preds).table());
    Ok(())
}
