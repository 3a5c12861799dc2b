//! The `verbatim` command line: parses flags, builds the pipeline, prints. Every capability
//! lives in `verbatim-core`; this file is glue.

use anyhow::{bail, Context};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;
use verbatim_core::ingest::{Event, Reader};
use verbatim_core::wire::ExtractRecord;
use verbatim_core::{corpus, eval, Article, Pipeline};

/// verbatim reads news articles and records who said what: every direct quote, reported
/// speech and "according to X", as source / cue / content spans with the speaker.
#[derive(Parser)]
#[command(name = "verbatim", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Extract metadata and attributions from articles, one JSON object per article (JSONL).
    ///
    /// Inputs: plain-text articles, JSONL files (one article per line with a "text" field and
    /// optional "id", "title", "url", "published", "outlet"), directories (read recursively),
    /// `-` for stdin, and .gz/.zst of any of these. With no PATH, reads stdin.
    ///
    /// Offsets in the output are Unicode code-point offsets, end exclusive, into "text".
    ///
    /// Examples:
    ///   verbatim extract examples/articles/
    ///   verbatim extract --format text story.txt
    ///   zcat dump.jsonl.gz | verbatim extract > attributions.jsonl
    #[command(verbatim_doc_comment)]
    Extract {
        /// Files, directories or `-` (stdin).
        paths: Vec<PathBuf>,
        /// Output format: `json` (one object per line) or `text` (for reading at a terminal).
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
        /// Which attributor finds the attributions.
        #[arg(long, value_enum, default_value_t = AttributorChoice::Rules)]
        attributor: AttributorChoice,
    },
    /// Score predictions against gold annotations in the PolNeAR JSONL format.
    ///
    /// `--task attributions` (the default) reads predictions (verbatim extract output, or any
    /// JSONL with "id" and "attributions") from --pred or stdin and prints precision, recall
    /// and F1 per role under exact, overlap, span-overlap and token matching, and
    /// attribution-level F1; the definitions are those of ../shared/tools/score.py.
    /// `--task segment` scores verbatim's sentence splitter and tokenizer against the CoreNLP
    /// annotations in the gold file (no predictions needed).
    ///
    /// Examples:
    ///   verbatim extract dev.jsonl | verbatim eval --gold dev.jsonl
    ///   verbatim eval --gold dev.jsonl --pred pred.jsonl --json scores.json
    ///   verbatim eval --gold dev.jsonl --pred pred.jsonl --baseline models/baseline.json
    ///   verbatim eval --task segment --gold dev.jsonl
    #[command(verbatim_doc_comment)]
    Eval {
        /// Gold annotations (PolNeAR JSONL).
        #[arg(long)]
        gold: PathBuf,
        /// Predictions (JSONL); stdin when absent.
        #[arg(long)]
        pred: Option<PathBuf>,
        /// What to score.
        #[arg(long, value_enum, default_value_t = EvalTask::Attributions)]
        task: EvalTask,
        /// Also write every metric to this JSON file (the keys of score.py --json).
        #[arg(long)]
        json: Option<PathBuf>,
        /// Fail (exit 1) when an F1 in this JSON object ({"metric": percent, ...}) drops by more
        /// than --tolerance points.
        #[arg(long)]
        baseline: Option<PathBuf>,
        /// Allowed drop below the baseline, in F1 points.
        #[arg(long, default_value_t = 1.0)]
        tolerance: f64,
        /// With `--task speakers`: a hand-judged sample (TSV: id, start, end, name).
        #[arg(long)]
        sample: Option<PathBuf>,
        /// With `--task speakers`: print N cases with a named speaker, with context, to judge.
        #[arg(long, value_name = "N")]
        write_sample: Option<usize>,
    },
    /// Measure extract throughput (words/s, articles/s) on one thread, model load excluded.
    ///
    /// Runs the whole per-article work of `extract` (analysis and JSON) over every article of
    /// the input, several times, and reports the median pass. Words are whitespace-separated
    /// tokens, as PolNeAR counts them.
    ///
    /// Example:
    ///   verbatim bench ../shared/data/polnear/dev.jsonl --repeat 5
    #[command(verbatim_doc_comment)]
    Bench {
        /// Articles to run over (any input extract takes).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Passes over the input; the median is reported.
        #[arg(long, default_value_t = 5)]
        repeat: usize,
        /// Which attributor to measure.
        #[arg(long, value_enum, default_value_t = AttributorChoice::Rules)]
        attributor: AttributorChoice,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum EvalTask {
    /// Attributions: source, cue, content.
    Attributions,
    /// Sentences and tokens against the CoreNLP annotations.
    Segment,
    /// Named entities against the CoreNLP silver NER.
    Ner,
    /// Speakers of gold sources that are pronouns or common noun phrases: how many get a
    /// named speaker, and (with --sample) the accuracy on a hand-judged sample.
    Speakers,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Json,
    Text,
}

#[derive(Clone, Copy, ValueEnum)]
enum AttributorChoice {
    /// Quote marks, reporting verbs, "according to" and colons.
    Rules,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("verbatim: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == BrokenPipe)
            || e.downcast_ref::<serde_json::Error>()
                .is_some_and(|e| e.io_error_kind() == Some(BrokenPipe))
    })
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Extract {
            paths,
            format,
            attributor,
        } => extract(paths, format, attributor),
        Command::Eval {
            gold,
            pred,
            task,
            json,
            baseline,
            tolerance,
            sample,
            write_sample,
        } => match task {
            EvalTask::Attributions => eval_attributions(
                &gold,
                pred.as_deref(),
                json.as_deref(),
                baseline.as_deref(),
                tolerance,
            ),
            EvalTask::Segment => eval_segment(&gold),
            EvalTask::Ner => eval_ner(&gold),
            EvalTask::Speakers => eval_speakers(&gold, sample.as_deref(), write_sample),
        },
        Command::Bench {
            paths,
            repeat,
            attributor,
        } => bench(paths, repeat, attributor),
    }
}

fn build_pipeline(choice: AttributorChoice) -> Pipeline {
    match choice {
        AttributorChoice::Rules => Pipeline::new(),
    }
}

fn input_paths(paths: Vec<PathBuf>) -> anyhow::Result<Vec<PathBuf>> {
    if paths.is_empty() {
        if std::io::stdin().is_terminal() {
            bail!("no input: give files or directories, or pipe articles to stdin (see --help)");
        }
        return Ok(vec![PathBuf::from("-")]);
    }
    Ok(paths)
}

fn extract(
    paths: Vec<PathBuf>,
    format: Format,
    choice: AttributorChoice,
) -> anyhow::Result<ExitCode> {
    let paths = input_paths(paths)?;
    let pipeline = build_pipeline(choice);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut progress = Progress::new();
    let mut n_failed = 0usize;
    for event in Reader::new(paths) {
        match event {
            Event::Article(article) => {
                let analysis = pipeline.analyze(&article);
                let record = ExtractRecord::new(&article, &analysis);
                match format {
                    Format::Json => {
                        serde_json::to_writer(&mut out, &record).context("writing output")?;
                        writeln!(out).context("writing output")?;
                    }
                    Format::Text => {
                        write_text(&mut out, &article, &record).context("writing output")?
                    }
                }
                progress.article(&article);
            }
            Event::Warning { origin, message } => {
                progress.clear();
                eprintln!("verbatim: warning: {origin}: {message}");
            }
            Event::Error { origin, message } => {
                progress.clear();
                eprintln!("verbatim: error: {origin}: {message}");
                n_failed += 1;
            }
        }
    }
    out.flush().context("writing output")?;
    progress.finish();
    if n_failed > 0 {
        eprintln!("verbatim: {n_failed} input item(s) failed; the rest were processed");
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

fn eval_attributions(
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
        let body = serde_json::to_string_pretty(&scores.to_json())?;
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

fn eval_segment(gold_path: &Path) -> anyhow::Result<ExitCode> {
    let gold = corpus::read_jsonl(gold_path)?;
    println!("{}", verbatim_core::segment::evaluate(&gold));
    Ok(ExitCode::SUCCESS)
}

fn eval_ner(gold_path: &Path) -> anyhow::Result<ExitCode> {
    let gold = corpus::read_jsonl(gold_path)?;
    println!(
        "{}",
        verbatim_core::tag::evaluate_ner(&verbatim_core::tag::Tagger::embedded(), &gold)
    );
    Ok(ExitCode::SUCCESS)
}

fn eval_speakers(
    gold_path: &Path,
    sample: Option<&Path>,
    write_sample: Option<usize>,
) -> anyhow::Result<ExitCode> {
    let gold = corpus::read_jsonl(gold_path)?;
    let result = eval::evaluate_speakers(&Pipeline::new(), &gold);
    println!("{result}");
    if let Some(n) = write_sample {
        // A spread-out, deterministic sample of the named cases: every k-th.
        let named: Vec<_> = result.cases.iter().filter(|c| c.named.is_some()).collect();
        let step = (named.len() / n.max(1)).max(1);
        println!("# id\tstart\tend\tresolved\tsource\tcontext");
        for c in named.iter().step_by(step).take(n) {
            let name = c.named.as_deref().unwrap_or("-");
            println!(
                "{}\t{}\t{}\t{name}\t{}\t…{}",
                c.id, c.source[0], c.source[1], c.source_text, c.context
            );
        }
    }
    if let Some(path) = sample {
        let raw = std::fs::read_to_string(path).with_context(|| format!("{}", path.display()))?;
        let judged =
            eval::read_judged(&raw).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let (correct, n, missing) = eval::judged_accuracy(&result, &judged);
        for m in &missing {
            eprintln!("verbatim: warning: judged case not found among the gold sources: {m}");
        }
        println!(
            "hand-judged sample: {correct}/{n} names correct ({:.1}%)",
            100.0 * correct as f64 / n.max(1) as f64
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn bench(paths: Vec<PathBuf>, repeat: usize, choice: AttributorChoice) -> anyhow::Result<ExitCode> {
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
    Ok(ExitCode::SUCCESS)
}

/// `Speaker — "content" (cue)`, one line per attribution, under a header per article.
fn write_text(
    out: &mut impl Write,
    article: &Article,
    record: &ExtractRecord,
) -> std::io::Result<()> {
    let text = &article.text;
    let offsets = verbatim_core::CharOffsets::new(text);
    let join = |pieces: &[[usize; 2]]| -> String {
        pieces
            .iter()
            .map(|&[s, e]| offsets.span_from_chars(s, e).slice(text).trim().to_string())
            .collect::<Vec<_>>()
            .join(" … ")
    };
    writeln!(out, "== {} ==", record.id)?;
    if let Some(h) = &record.headline {
        writeln!(out, "headline:  {h}")?;
    }
    for (label, value) in [
        ("published", &record.published),
        ("updated", &record.updated),
        ("byline", &record.byline),
    ] {
        if let Some(v) = value {
            writeln!(out, "{label}:{:>width$}{v}", "", width = 11 - label.len())?;
        }
    }
    if let Some(d) = &record.dateline {
        let parts: Vec<&str> = [&d.place, &d.date, &d.agency]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        writeln!(out, "dateline:  {}", parts.join(" · "))?;
    }
    writeln!(out, "{} attribution(s)", record.attributions.len())?;
    for a in &record.attributions {
        let speaker = match &a.speaker {
            Some(s) => s.name.clone(),
            None if !a.source.is_empty() => join(&a.source),
            None => "(no source)".to_string(),
        };
        let content = join(&a.content);
        let content = content.trim_matches(|c: char| {
            verbatim_core::attribute::is_double_quote(c) || c.is_whitespace()
        });
        writeln!(
            out,
            "  {speaker} — \"{content}\" ({}; {})",
            join(&a.cue),
            a.kind
        )?;
    }
    writeln!(out)
}

/// A one-line progress report on stderr, only when stderr is a terminal.
struct Progress {
    enabled: bool,
    start: Instant,
    last: Instant,
    n_articles: usize,
    n_bytes: usize,
}

impl Progress {
    fn new() -> Progress {
        let now = Instant::now();
        Progress {
            enabled: std::io::stderr().is_terminal(),
            start: now,
            last: now,
            n_articles: 0,
            n_bytes: 0,
        }
    }

    fn article(&mut self, article: &Article) {
        self.n_articles += 1;
        self.n_bytes += article.text.len();
        if self.enabled && self.last.elapsed().as_millis() >= 250 {
            self.last = Instant::now();
            let secs = self.start.elapsed().as_secs_f64().max(1e-9);
            eprint!(
                "\r{} articles, {:.1} MB, {:.0} articles/s   ",
                self.n_articles,
                self.n_bytes as f64 / 1e6,
                self.n_articles as f64 / secs
            );
        }
    }

    fn clear(&self) {
        if self.enabled && self.n_articles > 0 {
            eprint!("\r\x1b[2K");
        }
    }

    fn finish(&self) {
        self.clear();
    }
}
