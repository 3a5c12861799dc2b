//! Experiment helper: trains an attribution model with a JSON config (the `TrainConfig`
//! fields, `{}` for the defaults) and writes it, printing the progress lines.
//!
//! `cargo run --release -p verbatim-core --example model_train -- TRAIN DEV CONFIG_JSON OUT`

use verbatim_core::attribute::{train, TrainConfig};
use verbatim_core::corpus;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [train_path, dev_path, config, out] = args.as_slice() else {
        return Err("usage: model_train TRAIN DEV CONFIG_JSON OUT".into());
    };
    let config: TrainConfig = serde_json::from_str(config)?;
    let train_docs = corpus::read_jsonl(std::path::Path::new(train_path))?;
    let dev_docs = corpus::read_jsonl(std::path::Path::new(dev_path))?;
    let start = std::time::Instant::now();
    let bytes = train(&train_docs, &dev_docs, &config, &mut |line| {
        eprintln!("[{:6.1}s] {line}", start.elapsed().as_secs_f64())
    })?;
    std::fs::write(out, &bytes)?;
    eprintln!("wrote {out} ({} bytes)", bytes.len());
    Ok(())
}
