//! Experiment helper: scores one attribution model file on a PolNeAR file under several
//! decoding settings (JSON objects of setting overrides, e.g. `{"role_bias":[0,1,0,0,0,1,0]}`;
//! `{}` for the stored ones), one line of the key dev numbers each.
//!
//! `cargo run --release -p verbatim-core --example model_sweep -- MODEL GOLD OVERRIDES...`
//! With `SWEEP_OUT=FILE` in the environment, the model with the last overrides is written
//! to FILE; with `SWEEP_TABLE=FILE`, the full score table of the last overrides is printed
//! and their scores written to FILE as JSON (as `verbatim eval --json` does).

use verbatim_core::attribute::ModelAttributor;
use verbatim_core::{corpus, eval, Pipeline};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [model, gold, overrides @ ..] = args.as_slice() else {
        return Err("usage: model_sweep MODEL GOLD OVERRIDES...".into());
    };
    let model = ModelAttributor::from_bytes(&std::fs::read(model)?)?;
    let docs = corpus::read_jsonl(std::path::Path::new(gold))?;
    let keys = [
        "attribution/+source",
        "attribution/cue+content",
        "exact/source",
        "exact/cue",
        "exact/content",
        "token/content",
    ];
    println!(
        "{:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>5} | settings",
        "att+s", "att", "src", "cue", "con", "conTok", "pred"
    );
    for o in overrides {
        let m = model.with_settings(o)?;
        let preds = eval::predict(&Pipeline::with_attributor(Box::new(m)), &docs);
        let scores = eval::score(&docs, &preds);
        let mut line = String::new();
        for k in keys {
            let f1 = scores.get(k).map_or(0.0, |p| p.f1 * 100.0);
            line.push_str(&format!("{f1:>6.2} "));
        }
        let n: usize = preds.iter().map(|p| p.attributions.len()).sum();
        println!("{line}{n:>5} | {o}");
        if let (Ok(out), true) = (std::env::var("SWEEP_TABLE"), Some(o) == overrides.last()) {
            println!("{}", scores.table());
            std::fs::write(&out, serde_json::to_string_pretty(&scores.to_json())?)?;
        }
    }
    if let (Ok(out), Some(o)) = (std::env::var("SWEEP_OUT"), overrides.last()) {
        std::fs::write(&out, model.with_settings(o)?.to_bytes())?;
        eprintln!("wrote {out}");
    }
    Ok(())
}
