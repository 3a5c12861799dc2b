//! `verbatim extract`: articles in, one JSON record (or a readable block) per article out.

use crate::progress::{total_input_bytes, Progress};
use crate::{build_pipeline, AttributorChoice, Format};
use anyhow::{bail, Context};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use verbatim_core::ingest::{Event, Item, Limits, Reader, Screen, Skip, SkipCounts};
use verbatim_core::parallel::{default_window, map_ordered};
use verbatim_core::wire::ExtractRecord;
use verbatim_core::Article;

pub fn input_paths(paths: Vec<PathBuf>) -> anyhow::Result<Vec<PathBuf>> {
    if paths.is_empty() {
        if std::io::stdin().is_terminal() {
            bail!("no input: give files or directories, or pipe articles to stdin (see --help)");
        }
        return Ok(vec![PathBuf::from("-")]);
    }
    Ok(paths)
}

/// What a worker hands back for one input item, in input order.
enum Done {
    Record(Vec<u8>),
    Warning(String),
    Skipped(String, Skip),
    Error(String),
}

/// Extracts every article of the inputs on `jobs` worker threads (0 = all cores); the output
/// is in input order and identical for any number of jobs.
pub fn extract(
    paths: Vec<PathBuf>,
    format: Format,
    choice: AttributorChoice,
    jobs: usize,
    limits: Limits,
    screen: Screen,
) -> anyhow::Result<ExitCode> {
    let pipeline = build_pipeline(choice);
    process(paths, jobs, limits, screen, |article, bytes| {
        let analysis = pipeline.analyze(article);
        let record = ExtractRecord::new(article, &analysis);
        match format {
            Format::Json => verbatim_core::json::to_writer(&mut *bytes, &record)
                .map_err(std::io::Error::from)
                .and_then(|()| writeln!(bytes)),
            Format::Text => write_text(bytes, article, &record),
        }
    })
}

/// `verbatim parse`: the CoNLL-U of every article of the inputs (segment, POS, parse).
pub fn parse(
    paths: Vec<PathBuf>,
    jobs: usize,
    limits: Limits,
    screen: Screen,
) -> anyhow::Result<ExitCode> {
    let pipeline = verbatim_core::SyntaxPipeline::new();
    process(paths, jobs, limits, screen, |article, bytes| {
        let (seg, syntax) = pipeline.syntax(&article.text);
        let mut out = String::with_capacity(article.text.len() * 4);
        verbatim_core::parse::conllu::write(&article.id, &article.text, &seg, &syntax, &mut out);
        bytes.extend_from_slice(out.as_bytes());
        Ok(())
    })
}

/// Reads the inputs, renders each article with `render` on `jobs` worker threads and writes
/// the results to stdout in input order; warnings, skipped and failed items go to stderr
/// (failures: exit 2), with a summary line when some were skipped or failed.
fn process(
    paths: Vec<PathBuf>,
    jobs: usize,
    limits: Limits,
    screen: Screen,
    render: impl Fn(&Article, &mut Vec<u8>) -> std::io::Result<()> + Sync,
) -> anyhow::Result<ExitCode> {
    let paths = input_paths(paths)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let reader = Reader::new(paths.clone())
        .with_limits(limits)
        .with_screen(screen);
    let mut progress = Progress::new(total_input_bytes(&paths), reader.bytes_read());
    let mut n_failed = 0usize;
    let mut skipped = SkipCounts::default();
    let work = |item: Item| -> Done {
        match item.into_event() {
            Event::Article(article) => {
                let mut bytes = Vec::with_capacity(article.text.len() * 2 + 256);
                match render(&article, &mut bytes) {
                    Ok(()) => Done::Record(bytes),
                    Err(e) => Done::Error(format!("{}: writing the record: {e}", article.origin)),
                }
            }
            Event::Warning { origin, message } => Done::Warning(format!("{origin}: {message}")),
            Event::Skipped { origin, reason } => Done::Skipped(origin, reason),
            Event::Error { origin, message } => Done::Error(format!("{origin}: {message}")),
        }
    };
    let sink = |done: Done| -> anyhow::Result<()> {
        match done {
            Done::Record(bytes) => {
                out.write_all(&bytes).context("writing output")?;
                progress.article();
            }
            Done::Warning(m) => {
                progress.clear();
                eprintln!("verbatim: warning: {m}");
            }
            Done::Skipped(origin, reason) => {
                progress.clear();
                eprintln!("verbatim: warning: {origin}: {reason}");
                skipped.add(&reason);
            }
            Done::Error(m) => {
                progress.clear();
                eprintln!("verbatim: error: {m}");
                n_failed += 1;
            }
        }
        Ok(())
    };
    map_ordered(reader.items(), jobs, default_window(jobs), work, sink)?;
    out.flush().context("writing output")?;
    progress.clear();
    if let Some(counts) = skipped.summary() {
        eprintln!(
            "verbatim: {} article(s) skipped ({counts})",
            skipped.total()
        );
    }
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
            Some(s) => crate::store_cmd::shown_speaker(
                &join(&a.source),
                &s.name,
                Some(s.via.as_str()),
                Some(s.confidence),
            ),
            None if !a.source.is_empty() => join(&a.source),
            None => "(no source)".to_string(),
        };
        let content = join(&a.content);
        // Only a direct quote is shown in quote marks: paraphrase is not the speaker's words.
        let content = if a.kind == "direct" {
            let words = content.trim_matches(|c: char| {
                verbatim_core::attribute::is_quote_mark(c) || c.is_whitespace()
            });
            format!("\u{201c}{words}\u{201d}")
        } else {
            content.trim().to_string()
        };
        writeln!(
            out,
            "  {speaker} — {content} ({}; {}{})",
            join(&a.cue),
            a.kind,
            // Statements other than speech say what they are: a belief, a plan, a finding.
            if a.cue_class == "speech" {
                String::new()
            } else {
                format!("; {}", a.cue_class)
            }
        )?;
    }
    writeln!(out)
}
