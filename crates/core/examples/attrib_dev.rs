//! Trains or loads the attribution model, runs it over a PolNeAR file and writes predictions
//! with code-point offsets for `score.py`.
//!
//! ```text
//! cargo run --release -p verbatim-core --example attrib_dev -- \
//!     [--train TRAIN.jsonl] --dev DEV.jsonl [--config CONFIG.json] [--model IN.bin] \
//!     [--save OUT.bin] [--out PRED.jsonl] [--repeat N]
//! ```
//! Without `--train` the model is `--model` or else the embedded one.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;
use verbatim_core::attribute::{evaluate, train, ModelAttributor, TrainConfig};
use verbatim_core::corpus::read_jsonl;
use verbatim_core::{Attributor, CharOffsets, Segmenter};

/// CPU time of this thread in seconds (Linux `schedstat`), so that throughput can be measured
/// on a busy machine; `None` elsewhere.
fn cpu_secs() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (mut train_path, mut dev_path, mut config_path, mut model_path) = (None, None, None, None);
    let (mut save, mut out, mut repeat) = (None, None, 1usize);
    while let Some(a) = args.next() {
        let mut val = || args.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--train" => train_path = Some(PathBuf::from(val()?)),
            "--dev" => dev_path = Some(PathBuf::from(val()?)),
            "--config" => config_path = Some(PathBuf::from(val()?)),
            "--model" => model_path = Some(PathBuf::from(val()?)),
            "--save" => save = Some(PathBuf::from(val()?)),
            "--out" => out = Some(PathBuf::from(val()?)),
            "--repeat" => repeat = val()?.parse()?,
            _ => return Err(format!("unknown argument {a}").into()),
        }
    }
    let dev = read_jsonl(&dev_path.ok_or("--dev is required")?)?;
    let model = if let Some(tp) = train_path {
        let config: TrainConfig = match config_path {
            Some(p) => serde_json::from_str(&std::fs::read_to_string(p)?)?,
            None => TrainConfig::default(),
        };
        let train_docs = read_jsonl(&tp)?;
        let start = Instant::now();
        let bytes = train(&train_docs, &dev, &config, &mut |m| {
            eprintln!("[{:6.1}s] {m}", start.elapsed().as_secs_f64())
        })?;
        eprintln!(
            "trained in {:.1}s, model {} bytes",
            start.elapsed().as_secs_f64(),
            bytes.len()
        );
        if let Some(p) = &save {
            std::fs::write(p, &bytes)?;
        }
        ModelAttributor::from_bytes(&bytes)?
    } else if let Some(p) = model_path {
        ModelAttributor::from_bytes(&std::fs::read(p)?)?
    } else {
        let t = Instant::now();
        let m = ModelAttributor::embedded();
        eprintln!("embedded model loaded in {:.3}s", t.elapsed().as_secs_f64());
        m
    };
    eprintln!("dev (internal): {}", evaluate(&model, &dev));

    let segmenter = Segmenter::new();
    let words: usize = dev.iter().map(|d| d.text.split_whitespace().count()).sum();
    let segs: Vec<_> = dev.iter().map(|d| segmenter.segment(&d.text)).collect();
    let t = Instant::now();
    let cpu0 = cpu_secs();
    let mut preds = Vec::new();
    for _ in 0..repeat {
        preds = dev
            .iter()
            .zip(&segs)
            .map(|(d, s)| model.attribute(&d.text, s))
            .collect();
    }
    let model_secs = t.elapsed().as_secs_f64() / repeat as f64;
    let model_cpu = cpu_secs().zip(cpu0).map(|(b, a)| (b - a) / repeat as f64);
    let t = Instant::now();
    let cpu0 = cpu_secs();
    for _ in 0..repeat {
        for d in &dev {
            let s = segmenter.segment(&d.text);
            std::hint::black_box(model.attribute(&d.text, &s));
        }
    }
    let all_secs = t.elapsed().as_secs_f64() / repeat as f64;
    let all_cpu = cpu_secs().zip(cpu0).map(|(b, a)| (b - a) / repeat as f64);
    eprintln!(
        "{words} words: model {:.0} words/s, segment+model {:.0} words/s (wall clock)",
        words as f64 / model_secs,
        words as f64 / all_secs
    );
    if let (Some(m), Some(a)) = (model_cpu, all_cpu) {
        eprintln!(
            "{words} words: model {:.0} words/CPU-s, segment+model {:.0} words/CPU-s",
            words as f64 / m,
            words as f64 / a
        );
    }
    if let Some(p) = out {
        let mut f = std::io::BufWriter::new(std::fs::File::create(p)?);
        for (d, attrs) in dev.iter().zip(&preds) {
            let map = CharOffsets::new(&d.text);
            let conv = |v: &[verbatim_core::Span]| -> Vec<[usize; 2]> {
                v.iter().map(|s| map.span_to_chars(*s)).collect()
            };
            let list: Vec<_> = attrs
                .iter()
                .map(|a| {
                    serde_json::json!({
                        "source": conv(&a.source),
                        "cue": conv(&a.cue),
                        "content": conv(&a.content),
                    })
                })
                .collect();
            let line = serde_json::json!({"id": d.id, "attributions": list});
            writeln!(f, "{line}")?;
        }
    }
    Ok(())
}
