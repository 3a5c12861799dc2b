//! Trains the NER tagger on PolNeAR train, writes the model, scores it on dev and measures
//! its speed.
//!
//! `cargo run --release -p verbatim-core --example ner_dev -- [--epochs N] [--seed S]
//!  [--hash-bits B] [--out models/ner.bin] [--eval-only]`

use std::path::{Path, PathBuf};
use std::time::Instant;
use verbatim_core::corpus::{find_shared, read_jsonl};
use verbatim_core::tag::{evaluate_ner, train_ner, NerTrainConfig, Tagger};
use verbatim_core::Segmenter;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()?;
    let mut cfg = NerTrainConfig::default();
    let mut out = root.join("models/ner.bin");
    let mut eval_only = false;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut k = 0;
    while k < args.len() {
        let val = || args.get(k + 1).cloned().ok_or("missing value");
        match args[k].as_str() {
            "--epochs" => cfg.epochs = val()?.parse()?,
            "--seed" => cfg.seed = val()?.parse()?,
            "--hash-bits" => cfg.hash_bits = val()?.parse()?,
            "--min-gaz" => cfg.min_gaz_count = val()?.parse()?,
            "--clip" => cfg.clip_quantile = val()?.parse()?,
            "--out" => out = PathBuf::from(val()?),
            "--eval-only" => {
                eval_only = true;
                k += 1;
                continue;
            }
            other => return Err(format!("unknown argument {other}").into()),
        }
        k += 2;
    }
    let shared = find_shared(&root).ok_or("no shared/data/polnear (set VERBATIM_SHARED)")?;
    let data = shared.join("data/polnear");
    let dev = read_jsonl(&data.join("dev.jsonl"))?;
    let bytes = if eval_only {
        std::fs::read(&out)?
    } else {
        let train = read_jsonl(&data.join("train.jsonl"))?;
        eprintln!("config: {}", serde_json::to_string(&cfg)?);
        let t = Instant::now();
        let bytes = train_ner(&train, &dev, &cfg, &mut |m| eprintln!("{m}"))?;
        eprintln!("trained in {:.1}s", t.elapsed().as_secs_f64());
        std::fs::write(&out, &bytes)?;
        eprintln!("wrote {} ({} bytes)", out.display(), bytes.len());
        bytes
    };
    let tagger = Tagger::from_bytes(&bytes)?;
    println!("{}", evaluate_ner(&tagger, &dev));

    // Speed: tagging only (segmentation done beforehand), best of 3 passes over dev.
    let segmenter = Segmenter::new();
    let segs: Vec<_> = dev.iter().map(|d| segmenter.segment(&d.text)).collect();
    let n_tokens: usize = segs.iter().map(|s| s.tokens.len()).sum();
    let mut best = f64::MAX;
    let mut found = 0;
    for _ in 0..3 {
        let t = Instant::now();
        found = 0;
        for (d, s) in dev.iter().zip(&segs) {
            found += tagger.tag(&d.text, s).len();
        }
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!(
        "tagging: {n_tokens} tokens in {:.3}s = {:.0} tokens/s ({found} mentions)",
        best,
        n_tokens as f64 / best
    );
    // CPU time of this thread (Linux), less sensitive to other load on the machine.
    if let Some(cpu0) = thread_cpu_seconds() {
        let passes = 30;
        let mut total = 0;
        for _ in 0..passes {
            for (d, s) in dev.iter().zip(&segs) {
                total += tagger.tag(&d.text, s).len();
            }
        }
        assert_eq!(total, found * passes, "tagging is not deterministic");
        if let Some(cpu1) = thread_cpu_seconds() {
            let cpu = cpu1 - cpu0;
            println!(
                "tagging, CPU time: {} tokens in {cpu:.2}s = {:.0} tokens/s",
                n_tokens * passes,
                (n_tokens * passes) as f64 / cpu
            );
        }
    }
    let t = Instant::now();
    let mut words = 0;
    found = 0;
    for d in &dev {
        let s = segmenter.segment(&d.text);
        words += d.text.split_whitespace().count();
        found += tagger.tag(&d.text, &s).len();
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "segment+tag: {words} words in {secs:.3}s = {:.0} words/s ({found} mentions)",
        words as f64 / secs
    );
    Ok(())
}

/// User + system CPU seconds of the calling thread, from `/proc/thread-self/stat`.
fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // Fields 14 and 15 of stat(5), counted from 3 after the command name.
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}
