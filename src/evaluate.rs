//! `verbatim eval` and `verbatim bench`: quality against gold, and throughput.

use crate::{build_pipeline, AttributorChoice};
use anyhow::{bail, Context};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;
use verbatim_core::ingest::{Event, Reader};
use verbatim_core::{corpus, eval, Pipeline};

pub fn eval_attributions(
    gold_path: &Path,
    pred_path: Option<&Path>,
    json_path: Option<&Path>,
    baseline_path: Option<&Path>,
    tolerance: f64,
) -> anyhow::Result<ExitCode> {
    let gold = corpus::read_jsonl(gold_path)?;
    let pred = match pred_path {
        Some(p) => {
            let file = std::fs::File::open(p).with_context(|| format!("{}", p.display()))?;
            eval::read_predictions(std::io::BufReader::new(file), &p.display().to_string())?
        }
        None => {
            if std::io::stdin().is_terminal() {
                bail!(
                    "no predictions: give --pred FILE or pipe `verbatim extract` output to stdin"
                );
            }
            eval::read_predictions(std::io::stdin().lock(), "-")?
        }
    };
    let scores = eval::score(&gold, &pred);
    for w in scores.warnings() {
        eprintln!("verbatim: warning: {w}");
    }
    println!("{}", scores.table());
    if let Some(p) = json_path {
        let body = verbatim_core::json::to_string_pretty(&scores.to_json())?;
        std::fs::write(p, body + "\n").with_context(|| format!("{}", p.display()))?;
    }
    if let Some(p) = baseline_path {
        let raw = std::fs::read_to_string(p).with_context(|| format!("{}", p.display()))?;
        let baseline: serde_json::Value =
            serde_json::from_str(&raw).with_context(|| format!("{}: invalid JSON", p.display()))?;
        if let Err(failures) = eval::check_baseline(&scores, &baseline, tolerance) {
            for f in &failures {
                eprintln!("verbatim: below baseline: {f}");
            }
            return Ok(ExitCode::from(1));
        }
        eprintln!(
            "verbatim: every metric of {} is within {tolerance} points",
            p.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn eval_segment(gold_path: &Path) -> anyhow::Result<ExitCode> {
    let gold = corpus::read_jsonl(gold_path)?;
    println!("{}", verbatim_core::segment::evaluate(&gold));
    Ok(ExitCode::SUCCESS)
}

pub fn eval_parse(gold_path: &Path) -> anyhow::Result<ExitCode> {
    let gold = corpus::read_jsonl(gold_path)?;
    let scores = verbatim_core::parse::evaluate(
        &verbatim_core::parse::Parser::embedded(),
        &verbatim_core::pos::PosTagger::embedded(),
        &gold,
    );
    println!("{scores}");
    Ok(ExitCode::SUCCESS)
}

pub fn eval_ner(gold_path: &Path) -> anyhow::Result<ExitCode> {
    let gold = corpus::read_jsonl(gold_path)?;
    println!(
        "{}",
        verbatim_core::tag::evaluate_ner(&verbatim_core::tag::Tagger::embedded(), &gold)
    );
    Ok(ExitCode::SUCCESS)
}

pub fn eval_speakers(
    gold_path: &Path,
    texts: Option<&Path>,
    show: Option<crate::ShowItems>,
) -> anyhow::Result<ExitCode> {
    let raw =
        std::fs::read_to_string(gold_path).with_context(|| format!("{}", gold_path.display()))?;
    let is_referents = raw
        .lines()
        .find(|l| !l.trim().is_empty())
        .and_then(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .is_some_and(|v| v.get("referent").is_some());
    let pipeline = Pipeline::new();
    // The silver path resolves the gold sources once, for its form table and for the score.
    let (docs, items, label, mut gold_resolved) = if is_referents {
        let Some(texts) = texts else {
            bail!(
                "{} holds referent items: give --texts with the PolNeAR file of their articles \
                 (e.g. --texts ../shared/data/polnear/dev.jsonl)",
                gold_path.display()
            );
        };
        let items = eval::read_referents(&raw)
            .map_err(|e| anyhow::anyhow!("{}: {e}", gold_path.display()))?;
        let docs = corpus::read_jsonl(texts)?;
        let missing: Vec<&str> = items
            .iter()
            .filter(|i| !docs.iter().any(|d| d.id == i.id))
            .map(|i| i.id.as_str())
            .collect();
        if let Some(m) = missing.first() {
            bail!(
                "{} items name articles that {} does not hold (first: {m})",
                missing.len(),
                texts.display()
            );
        }
        (docs, items, "hand-judged referents", None)
    } else {
        if texts.is_some() {
            bail!(
                "--texts goes with a referent file as --gold; {} is a PolNeAR file",
                gold_path.display()
            );
        }
        let docs = corpus::read_jsonl(gold_path)?;
        let items = eval::silver_referents(&docs, false);
        if items.is_empty() {
            bail!(
                "{}: no CoreNLP coreference chain holds a pronoun or nominal gold source: nothing to score",
                gold_path.display()
            );
        }
        let form = eval::evaluate_speakers(&pipeline, &docs);
        print!("{form}");
        let resolved = Some(form.sources);
        (
            docs,
            items,
            "silver referents (CoreNLP coreference)",
            resolved,
        )
    };
    println!("{label}: {} items", items.len());
    for (title, gold_sources) in [("end to end", false), ("on gold sources", true)] {
        let resolved = if gold_sources {
            gold_resolved.take()
        } else {
            None
        };
        let preds = match resolved {
            Some(resolved) => resolved,
            None => eval::predicted_sources(&pipeline, &docs, gold_sources),
        };
        let score = eval::score_referents(&items, &preds);
        println!("## {title}");
        print!("{score}");
        if let Some(which) = show {
            let all = matches!(which, crate::ShowItems::All);
            for o in score.outcomes.iter().filter(|o| all || !o.right) {
                let got = match &o.got {
                    None => "MISSED".to_string(),
                    Some(p) => format!(
                        "{:?} ({}, {}, {:.2})",
                        p.name.as_deref().unwrap_or("-"),
                        p.kind.map_or("-", |k| k.as_str()),
                        p.evidence.map_or("-", |e| e.as_str()),
                        p.confidence.unwrap_or(0.0)
                    ),
                };
                println!(
                    "  {}\t{}\t{}\t{:?}\tgold {:?}\tgot {got}",
                    if o.right { "right" } else { "WRONG" },
                    o.item.id,
                    o.item.source[0][0],
                    o.item.source_text,
                    o.item.referent
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn bench(
    paths: Vec<PathBuf>,
    repeat: usize,
    choice: AttributorChoice,
) -> anyhow::Result<ExitCode> {
    let load_start = Instant::now();
    let pipeline = build_pipeline(choice);
    let load = load_start.elapsed();
    let mut articles = Vec::new();
    for event in Reader::new(paths) {
        match event {
            Event::Article(a) => articles.push(*a),
            Event::Warning { origin, message } => {
                eprintln!("verbatim: warning: {origin}: {message}")
            }
            Event::Skipped { origin, reason } => eprintln!("verbatim: warning: {origin}: {reason}"),
            Event::Error { origin, message } => bail!("{origin}: {message}"),
        }
    }
    if articles.is_empty() {
        bail!("no articles to measure");
    }
    let report = verbatim_core::bench::run(&pipeline, &articles, repeat);
    if report.n_attributions == 0 {
        bail!(
            "the pipeline found no attribution in {} articles: nothing was measured",
            report.n_articles
        );
    }
    println!("pipeline load   {:>10.1} ms", load.as_secs_f64() * 1e3);
    println!("articles        {:>10}", report.n_articles);
    println!("words           {:>10}", report.n_words);
    println!("attributions    {:>10}", report.n_attributions);
    println!(
        "median pass     {:>10.1} ms  (of {})",
        report.median().as_secs_f64() * 1e3,
        report.repeats
    );
    println!("words/s         {:>10.0}", report.words_per_sec());
    println!("articles/s      {:>10.1}", report.articles_per_sec());
    println!("time per stage in the median pass:");
    let total = report.median().as_secs_f64().max(1e-9);
    let stages = verbatim_core::pipeline::STAGES
        .iter()
        .zip(report.stages.0)
        .chain(std::iter::once((&"record", report.record)));
    for (name, d) in stages {
        println!(
            "  {name:<13} {:>10.1} ms  {:>5.1}%",
            d.as_secs_f64() * 1e3,
            100.0 * d.as_secs_f64() / total
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `eval --task html`: the article-extraction benchmark in folder `dir`.
pub fn eval_html(dir: &Path, json: Option<&Path>) -> anyhow::Result<ExitCode> {
    let r = eval::aeb::evaluate_dir(dir).map_err(anyhow::Error::msg)?;
    let b = &r.body;
    println!(
        "article-extraction benchmark: {} pages, {} without text",
        b.pages, r.failed
    );
    println!(
        "body (4-word shingles): precision {:.3}  recall {:.3}  F1 {:.3}  accuracy {:.3}",
        b.precision, b.recall, b.f1, b.accuracy
    );
    let line = |label: &str, a: &eval::aeb::Agreement| {
        let pct = |n: usize, d: usize| 100.0 * n as f64 / d.max(1) as f64;
        println!(
            "{label:<28} pages showing it {:>3}, extracted {:>3}, agree {:>3} ({:.1}% of shown)",
            a.shown,
            a.extracted,
            a.agree,
            pct(a.agree, a.shown)
        );
    };
    line("headline vs <h1>", &r.title_vs_h1);
    line("headline vs og:title", &r.title_vs_og);
    line("published vs date in URL", &r.date_vs_url);
    line("published vs declared date", &r.date_vs_declared);
    let coverage: Vec<String> = r.coverage.iter().map(|(k, n)| format!("{k} {n}")).collect();
    println!("pages with field: {}", coverage.join(", "));
    println!(
        "speed: {:.1} pages/s on one thread ({:.2} s decoding and extracting)",
        b.pages as f64 / r.seconds.max(1e-9),
        r.seconds
    );
    if let Some(path) = json {
        let agreement = |a: &eval::aeb::Agreement| serde_json::json!({"shown": a.shown, "extracted": a.extracted, "agree": a.agree});
        let value = serde_json::json!({
            "pages": b.pages, "failed": r.failed,
            "precision": b.precision, "recall": b.recall, "f1": b.f1, "accuracy": b.accuracy,
            "title_vs_h1": agreement(&r.title_vs_h1), "title_vs_og": agreement(&r.title_vs_og),
            "date_vs_url": agreement(&r.date_vs_url),
            "date_vs_declared": agreement(&r.date_vs_declared),
            "coverage": r.coverage.iter().map(|(k, n)| (k.to_string(), *n))
                .collect::<std::collections::BTreeMap<_, _>>(),
            "seconds": r.seconds,
        });
        std::fs::write(path, verbatim_core::json::to_string_pretty(&value)? + "\n")
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(ExitCode::SUCCESS)
}
