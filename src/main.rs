//! The `verbatim` command line: parses flags, builds the pipeline, prints. Every capability
//! lives in `verbatim-core`; this file is glue.

use anyhow::{bail, Context};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;
use verbatim_core::ingest::{Event, Reader};
use verbatim_core::wire::ExtractRecord;
use verbatim_core::{Article, Pipeline};

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
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Extract {
            paths,
            format,
            attributor,
        } => extract(paths, format, attributor),
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
