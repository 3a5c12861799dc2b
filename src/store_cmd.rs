//! The store commands: `ingest` (analyse and store), and the queries `quotes`, `speakers`,
//! `show`, `articles`, `stats` over a SQLite file or a PostgreSQL server (`--db`).

use crate::extract::input_paths;
use crate::progress::{total_input_bytes, Progress};
use crate::{build_pipeline, pipeline_producer, AttributorChoice};
use anyhow::{bail, Context};
use clap::{Args, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use verbatim_core::ingest::{Event, Item, Reader, SkipCounts};
use verbatim_core::parallel;
use verbatim_core::resolve::Via;
use verbatim_core::wire::Extracted;
use verbatim_core::{Article, CharOffsets, Pipeline, Producer};
use verbatim_store::{
    is_postgres_url, redact, ArticleQuery, ArticleRow, IngestReport, Order, Page, Prepared,
    QuoteQuery, QuoteRow, SpeakerQuery, Store,
};

#[derive(Args)]
pub struct DbArg {
    /// The store: a SQLite file (created by ingest) or a postgres://user@host:port/dbname URL.
    #[arg(long, default_value = "verbatim.db", value_name = "PATH|URL")]
    pub db: String,
}

#[derive(Args)]
pub struct IngestArgs {
    /// Files, directories or `-` (stdin), as for `extract`.
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub db: DbArg,
    /// Articles per transaction (a batch is also committed after 2 seconds).
    #[arg(long, default_value_t = 64)]
    pub batch: usize,
    /// Which attributor finds the attributions.
    #[arg(long, value_enum, default_value_t = AttributorChoice::Model)]
    pub attributor: AttributorChoice,
    /// Worker threads for the analysis (0 = all cores).
    #[arg(long, short = 'j', default_value_t = 0)]
    pub jobs: usize,
    /// Store extract records of another producer (another verbatim version or other models)
    /// as they are, instead of refusing them; the store then mixes outputs of two producers.
    #[arg(long)]
    pub accept_producer: bool,
    /// A speaker rules file to add to the store before ingesting (see `verbatim alias`).
    #[arg(long, value_name = "FILE")]
    pub aliases: Option<PathBuf>,
    #[command(flatten)]
    pub limits: crate::LimitArgs,
    #[command(flatten)]
    pub screen: crate::ScreenArgs,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    /// Aligned columns for reading.
    Table,
    /// One JSON object per line.
    Json,
    /// RFC 4180 CSV with a header line.
    Csv,
}

/// The long help of `--search` (the syntax is the store's, the same in the API and the UI).
fn search_help(what: &str) -> String {
    format!(
        "Words that must all occur in the {what}, matched by English stem (\"tax return\" \
         finds \"tax returns\"; case and accents ignored). \"exact phrase\" in double quotes, \
         OR between two words or phrases (capitals), -word or -\"phrase\" to exclude. \
         Example: --search '\"health care\" repeal OR replace -Obamacare'"
    )
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Sort {
    /// Newest first (publication day), then article, then position in the article.
    Date,
    /// Best full-text match first (needs --search), then by date.
    Relevance,
}

impl From<Sort> for Order {
    fn from(s: Sort) -> Order {
        match s {
            Sort::Date => Order::Date,
            Sort::Relevance => Order::Relevance,
        }
    }
}

/// A `--limit`: a whole number, 1 or more (0 rows is never what was meant).
fn at_least_one(s: &str) -> Result<u64, String> {
    match s.trim().parse::<u64>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err("expected a whole number of rows, 1 or more".into()),
    }
}

/// Paging and output format, shared by the listing commands.
#[derive(Args)]
pub struct PageArgs {
    /// Rows to print (at least 1).
    #[arg(long, default_value_t = 20, value_parser = at_least_one)]
    pub limit: u64,
    /// Rows to skip first (for the next page).
    #[arg(long, default_value_t = 0)]
    pub offset: u64,
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    pub format: TableFormat,
}

#[derive(Args)]
pub struct QuotesArgs {
    #[command(flatten)]
    pub db: DbArg,
    /// Speaker name or part of it, whole words, any case ("Sessions" finds "Jeff Sessions").
    #[arg(long)]
    pub speaker: Option<String>,
    #[arg(long, help = "Search the quote's words", long_help = search_help("quote"))]
    pub search: Option<String>,
    /// Outlet, any case.
    #[arg(long)]
    pub outlet: Option<String>,
    /// First publication day: YYYY, YYYY-MM or YYYY-MM-DD.
    #[arg(long)]
    pub since: Option<String>,
    /// Last publication day, inclusive: YYYY, YYYY-MM or YYYY-MM-DD.
    #[arg(long)]
    pub until: Option<String>,
    /// direct, mixed, indirect, according_to or other.
    #[arg(long)]
    pub kind: Option<String>,
    /// Only cues of these classes, comma-separated: speech (said, told, according to),
    /// writing (wrote, tweeted), thought (believes), intention (plans, wants), evidence
    /// (shows, found), other. `--cue-class speech,writing` keeps statements only.
    #[arg(long, value_name = "CLASSES", value_delimiter = ',')]
    pub cue_class: Vec<String>,
    /// Only quotes whose speaker was found with at least this confidence, from 0 to 1
    /// (`--min-confidence 0.8`: names in the source and well-supported inferences; quotes
    /// without a resolved speaker never pass).
    #[arg(long, value_name = "0..1", value_parser = parse_fraction)]
    pub min_confidence: Option<f64>,
    /// Order: newest first, or best match first (relevance needs --search).
    #[arg(long, value_enum, default_value_t = Sort::Date)]
    pub sort: Sort,
    /// List quote clusters instead: each statement carried by several articles once, with
    /// how many articles and altered wordings (takes --speaker and --altered; see `verbatim
    /// cluster ID` for one cluster).
    #[arg(long, conflicts_with_all = ["search", "outlet", "since", "until", "kind", "cue_class", "min_confidence", "sort"])]
    pub cluster: bool,
    /// With --cluster: only clusters where some outlet's wording differs materially.
    #[arg(long, requires = "cluster")]
    pub altered: bool,
    /// With --cluster: only disputed statements, credited to different speakers by different
    /// outlets (a named person in one, "a White House official" in another counts).
    #[arg(long, requires = "cluster")]
    pub disputed: bool,
    #[command(flatten)]
    pub page: PageArgs,
}

#[derive(Args)]
pub struct SpeakersArgs {
    #[command(flatten)]
    pub db: DbArg,
    /// Only speakers known under this name (whole words, any case).
    #[arg(long)]
    pub name: Option<String>,
    /// person, organization, group, anonymous, document or unknown.
    #[arg(long = "type")]
    pub kind: Option<String>,
    /// Show why the names of the speakers known as NAME were joined: each name quoted, the
    /// rule that linked it, its counts, the speaker's roles.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["name", "kind"])]
    pub explain: Option<String>,
    #[command(flatten)]
    pub page: PageArgs,
}

#[derive(Args)]
pub struct ShowArgs {
    /// The article's store id (a number, as `quotes` and `articles` print) or input id.
    pub article: String,
    #[command(flatten)]
    pub db: DbArg,
    /// `text`: the article with attributions marked; `json`: the stored record.
    #[arg(long, value_enum, default_value_t = crate::Format::Text)]
    pub format: crate::Format,
}

#[derive(Args)]
pub struct ArticlesArgs {
    #[command(flatten)]
    pub db: DbArg,
    #[arg(long, help = "Search headline and text", long_help = search_help("headline or text"))]
    pub search: Option<String>,
    /// Outlet, any case.
    #[arg(long)]
    pub outlet: Option<String>,
    /// First publication day: YYYY, YYYY-MM or YYYY-MM-DD.
    #[arg(long)]
    pub since: Option<String>,
    /// Last publication day, inclusive: YYYY, YYYY-MM or YYYY-MM-DD.
    #[arg(long)]
    pub until: Option<String>,
    /// Order: newest first, or best match first (relevance needs --search).
    #[arg(long, value_enum, default_value_t = Sort::Date)]
    pub sort: Sort,
    #[command(flatten)]
    pub page: PageArgs,
}

#[derive(Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub db: DbArg,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Count quotes by this instead of counting rows: `gender` (person speakers only: the
    /// quotes by women, men and speakers of unknown gender, with shares, in all, per outlet
    /// and per month).
    #[arg(long, value_enum)]
    pub by: Option<StatsBy>,
}

/// What `stats --by` groups quotes by.
#[derive(Clone, Copy, ValueEnum)]
pub enum StatsBy {
    /// The gender of person speakers.
    Gender,
}

pub fn open_existing(db: &str) -> anyhow::Result<Store> {
    if !is_postgres_url(db) && db != ":memory:" && !Path::new(db).exists() {
        bail!("no store at {db}: run `verbatim ingest --db {db} PATH...` first");
    }
    Store::open(db).with_context(|| format!("opening the store {}", redact(db)))
}

/// One input item on its way to the store.
enum Work {
    /// An article to analyse.
    Analyse(Box<Article>),
    /// An extract record, analysed already.
    Load(Box<Extracted>),
}

/// Turns a batch into store rows on `jobs` threads, analysing the articles that need it (the
/// one place analysis happens during ingest; the pipeline is built on first need, so a load
/// of records never loads the models), keeping their order.
fn analyze_batch(
    pipeline: &OnceLock<Pipeline>,
    attributor: AttributorChoice,
    work: Vec<Work>,
    jobs: usize,
) -> Vec<Prepared> {
    if work.iter().any(|w| matches!(w, Work::Analyse(_))) {
        pipeline.get_or_init(|| build_pipeline(attributor));
    }
    let mut out = Vec::with_capacity(work.len());
    let analyze = |w: Work| match w {
        Work::Analyse(a) => {
            let pipeline = pipeline
                .get()
                .expect("built above for a batch with articles");
            let analysis = pipeline.analyze(&a);
            verbatim_store::prepare(&a, &analysis)
        }
        Work::Load(r) => verbatim_store::prepare_found(&r.article, &r.entities, &r.attributions),
    };
    let collected: Result<(), std::convert::Infallible> =
        parallel::map_ordered(work, jobs, parallel::default_window(jobs), analyze, |r| {
            out.push(r);
            Ok(())
        });
    let Ok(()) = collected;
    out
}

pub fn ingest(args: IngestArgs) -> anyhow::Result<ExitCode> {
    let paths = input_paths(args.paths)?;
    // A missing input is refused before the store is opened, so a typo creates no empty store.
    if let Some(missing) = paths.iter().find(|p| p.as_os_str() != "-" && !p.exists()) {
        anyhow::bail!(
            "{}: no such file or directory; nothing was stored",
            missing.display()
        );
    }
    let db = args.db.db.clone();
    let mut store =
        Store::open(&db).with_context(|| format!("opening the store {}", redact(&db)))?;
    if let Some(file) = &args.aliases {
        crate::link_cmd::load_rules_file(&mut store, file)?;
    }
    // The quote index is not brought up to date after every batch (indexing a batch costs
    // about as much as writing it): a SQLite store's on a thread of its own, every second (on
    // the other core), while this one writes, and at the end; else every 10 s and at the end.
    let background_index = Store::index_in_background(&db, Duration::from_secs(1));
    store.defer_index(if background_index.is_some() {
        Duration::MAX
    } else {
        Duration::from_secs(10)
    });
    let pipeline = OnceLock::new();
    let producer = pipeline_producer(args.attributor);
    let batch_size = args.batch.max(1);
    let reader = Reader::new(paths.clone())
        .with_limits(verbatim_core::ingest::Limits::from(args.limits))
        .with_screen(args.screen.into())
        .with_records();
    let progress = Progress::new(total_input_bytes(&paths), reader.bytes_read());
    let start = Instant::now();
    // The store is written on its own thread while the next batch is analysed, so ingest
    // runs at the speed of the pipeline.
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Prepared>>(2);
    let writer_db = db.clone();
    let writer = std::thread::spawn(move || -> anyhow::Result<(IngestReport, usize)> {
        let mut progress = progress;
        let mut totals = IngestReport::default();
        let mut n_failed = 0;
        for rows in rx {
            let report = store
                .ingest_prepared(&rows)
                .with_context(|| format!("writing to the store {}", redact(&writer_db)))?;
            for (origin, message) in &report.failed {
                progress.clear();
                eprintln!("verbatim: error: {origin}: not stored: {message}");
            }
            for (origin, message) in &report.warnings {
                progress.clear();
                eprintln!("verbatim: warning: {origin}: {message}");
            }
            n_failed += report.failed.len();
            totals.stored += report.stored;
            totals.duplicates += report.duplicates;
            totals.attributions += report.attributions;
            totals.retries += report.retries;
            for _ in &rows {
                progress.article();
            }
        }
        if let Some(background) = background_index {
            background
                .finish()
                .with_context(|| format!("indexing the quotes in {}", redact(&writer_db)))?;
        }
        store
            .sync_index()
            .with_context(|| format!("indexing the quotes in {}", redact(&writer_db)))?;
        progress.clear();
        Ok((totals, n_failed))
    });
    let mut n_failed = 0usize;
    let mut batch: Vec<Work> = Vec::new();
    let mut batch_start = Instant::now();
    let interactive = std::io::stderr().is_terminal();
    let clear_line = || {
        if interactive {
            eprint!("\r\x1b[2K");
        }
    };
    let mut skipped = SkipCounts::default();
    for item in reader.items() {
        let work = match item {
            Item::Record(record) => {
                if !args.accept_producer && record.producer != producer {
                    clear_line();
                    eprintln!(
                        "verbatim: error: {}: {}",
                        record.article.origin,
                        other_producer(&record.producer, &producer)
                    );
                    n_failed += 1;
                    continue;
                }
                Work::Load(record)
            }
            item => match item.into_event() {
                Event::Article(article) => Work::Analyse(article),
                Event::Warning { origin, message } => {
                    clear_line();
                    eprintln!("verbatim: warning: {origin}: {message}");
                    continue;
                }
                Event::Skipped { origin, reason } => {
                    clear_line();
                    eprintln!("verbatim: warning: {origin}: {reason}");
                    skipped.add(&reason);
                    continue;
                }
                Event::Error { origin, message } => {
                    clear_line();
                    eprintln!("verbatim: error: {origin}: {message}");
                    n_failed += 1;
                    continue;
                }
            },
        };
        if batch.is_empty() {
            batch_start = Instant::now();
        }
        batch.push(work);
        if batch.len() >= batch_size || batch_start.elapsed() >= Duration::from_secs(2) {
            let work = std::mem::take(&mut batch);
            if tx
                .send(analyze_batch(&pipeline, args.attributor, work, args.jobs))
                .is_err()
            {
                break; // the writer failed; its error is reported below
            }
        }
    }
    if !batch.is_empty() {
        let _ = tx.send(analyze_batch(&pipeline, args.attributor, batch, args.jobs));
    }
    drop(tx);
    let (totals, failed_writes) = writer
        .join()
        .map_err(|_| anyhow::anyhow!("the store writer thread panicked"))??;
    n_failed += failed_writes;
    if totals.retries > 0 {
        eprintln!(
            "verbatim: {} transaction(s) written again after a conflict with another writer",
            totals.retries
        );
    }
    eprintln!(
        "verbatim: stored {} article(s) with {} attribution(s), skipped {} already stored{}, \
         in {:.1} s ({})",
        totals.stored,
        totals.attributions,
        totals.duplicates,
        skipped
            .summary()
            .map(|s| format!(", {s}"))
            .unwrap_or_default(),
        start.elapsed().as_secs_f64(),
        if is_postgres_url(&db) {
            "PostgreSQL"
        } else {
            db.as_str()
        },
    );
    if n_failed > 0 {
        eprintln!("verbatim: {n_failed} input item(s) failed; the rest were stored");
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

/// Why a record of `found` is refused by an ingest whose records are `ours`: each value
/// that differs, theirs and ours.
fn other_producer(found: &Producer, ours: &Producer) -> String {
    let mut differ = Vec::new();
    if found.verbatim != ours.verbatim {
        differ.push(format!(
            "verbatim {} (this binary: {})",
            found.verbatim, ours.verbatim
        ));
    }
    let stages: std::collections::BTreeSet<&String> =
        found.models.keys().chain(ours.models.keys()).collect();
    for stage in stages {
        let (theirs, mine) = (found.models.get(stage), ours.models.get(stage));
        if theirs != mine {
            let show = |id: Option<&String>| id.map_or("none", String::as_str).to_string();
            differ.push(format!(
                "{stage} model {} (this binary: {})",
                show(theirs),
                show(mine)
            ));
        }
    }
    format!(
        "extract record of another producer: {}; not stored (extract it again with this \
         binary, or pass --accept-producer to store it as it is)",
        differ.join(", ")
    )
}

/// `s` cut or padded to exactly `width` characters.
pub fn fit(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n <= width {
        format!("{s}{}", " ".repeat(width - n))
    } else {
        let mut out: String = s.chars().take(width.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn write_csv_row(out: &mut impl Write, fields: &[&str]) -> std::io::Result<()> {
    out.write_all(verbatim_store::csv::record(fields).as_bytes())
}

/// For a table with nothing to show: says so on stderr (no bare header) and gives exit
/// status 1; `None` when there are rows, or for JSON and CSV (an empty JSON output or a CSV
/// header is still well-formed).
pub fn nothing_found<T>(page: &Page<T>, format: TableFormat, what: &str) -> Option<ExitCode> {
    if !page.items.is_empty() || !matches!(format, TableFormat::Table) {
        return None;
    }
    if page.total > 0 {
        eprintln!(
            "verbatim: no {what} at --offset {} ({} in all)",
            page.offset, page.total
        );
    } else {
        eprintln!("verbatim: no {what} match");
    }
    Some(ExitCode::from(1))
}

fn exit_for<T>(page: &Page<T>) -> ExitCode {
    if page.items.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The speaker column of the quotes table: wide enough for "he → Jeff Sessions [pronoun 0.73]".
const SPEAKER_WIDTH: usize = 34;

fn speaker_label(r: &QuoteRow) -> String {
    match &r.speaker {
        Some(s) => s.clone(),
        None if !r.source_text.is_empty() => r.source_text.clone(),
        None => "(no source)".into(),
    }
}

/// A stored quote's speaker as a reader should see it: inferred speakers as inferred ("he →
/// Jeff Sessions [pronoun 0.73]"), else the name or the source's words.
fn row_speaker(r: &QuoteRow) -> String {
    match &r.speaker {
        Some(name) => {
            let resolved = r.resolved.as_ref();
            shown_speaker(
                &r.source_text,
                name,
                resolved.and_then(|x| x.via.as_deref()),
                resolved.and_then(|x| x.confidence),
            )
        }
        None => speaker_label(r),
    }
}

/// The speaker as a reader should see it: the name when the source named them (or nothing
/// was resolved), else the source's words, an arrow and the name, with how it was inferred
/// and how confident that is: `he → Donald Trump [pronoun 0.78]`.
pub fn shown_speaker(
    source: &str,
    name: &str,
    via: Option<&str>,
    confidence: Option<f64>,
) -> String {
    let source = source.trim();
    match via.and_then(Via::parse) {
        Some(via) if via.inferred() && !source.is_empty() => {
            let confidence = confidence.map(|c| format!(" {c:.2}")).unwrap_or_default();
            format!("{source} \u{2192} {name} [{}{confidence}]", via.as_str())
        }
        _ => name.to_string(),
    }
}

/// A confidence bound from the command line: a number from 0 to 1.
fn parse_fraction(v: &str) -> Result<f64, String> {
    let x: f64 = v
        .trim()
        .parse()
        .map_err(|_| format!("{v:?} is not a number (expected 0 to 1, e.g. 0.8)"))?;
    if !(0.0..=1.0).contains(&x) {
        return Err(format!("{v} is not from 0 to 1 (e.g. 0.8)"));
    }
    Ok(x)
}

fn day_of(published: &Option<String>) -> String {
    published
        .as_deref()
        .map(|p| p.chars().take(10).collect())
        .unwrap_or_else(|| "-".into())
}

pub fn quotes(args: QuotesArgs) -> anyhow::Result<ExitCode> {
    if args.cluster {
        return crate::link_cmd::clusters(
            &args.db.db,
            args.speaker,
            (args.altered, args.disputed),
            &args.page,
        );
    }
    let mut store = open_existing(&args.db.db)?;
    let page = store.quotes(&QuoteQuery {
        speaker: args.speaker,
        speaker_id: None,
        search: args.search,
        outlet: args.outlet,
        since: args.since,
        until: args.until,
        kind: args.kind,
        cue_classes: args.cue_class,
        article_id: None,
        cluster: None,
        min_confidence: args.min_confidence,
        order: args.sort.into(),
        limit: args.page.limit,
        offset: args.page.offset,
    })?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if let Some(code) = nothing_found(&page, args.page.format, "quotes") {
        return Ok(code);
    }
    match args.page.format {
        TableFormat::Json => {
            for r in &page.items {
                verbatim_core::json::to_writer(&mut out, r)?;
                writeln!(out)?;
            }
        }
        TableFormat::Csv => {
            out.write_all(verbatim_store::csv::table(&page.items).as_bytes())?;
        }
        TableFormat::Table => {
            writeln!(
                out,
                "{}  {}  {}  {}  {}  quote",
                fit("date", 10),
                fit("article", 7),
                fit("outlet", 10),
                fit("speaker", SPEAKER_WIDTH),
                fit("kind", 12)
            )?;
            for r in &page.items {
                let content = one_line(&r.content_text);
                let speaker = row_speaker(r);
                writeln!(
                    out,
                    "{}  {}  {}  {}  {}  {}",
                    fit(&day_of(&r.published), 10),
                    fit(&r.article.to_string(), 7),
                    fit(r.outlet.as_deref().unwrap_or("-"), 10),
                    fit(&one_line(&speaker), SPEAKER_WIDTH),
                    fit(&r.kind, 12),
                    fit(&content, 90).trim_end()
                )?;
            }
            if let Some(next) = page.next_offset {
                writeln!(out, "(more: --offset {next})")?;
            }
        }
    }
    out.flush()?;
    Ok(exit_for(&page))
}

pub fn speakers(args: SpeakersArgs) -> anyhow::Result<ExitCode> {
    if let Some(name) = &args.explain {
        return crate::link_cmd::explain(&args.db.db, name, args.page.format);
    }
    let mut store = open_existing(&args.db.db)?;
    let page = store.speakers(&SpeakerQuery {
        name: args.name,
        kind: args.kind,
        limit: args.page.limit,
        offset: args.page.offset,
        ..Default::default()
    })?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if let Some(code) = nothing_found(&page, args.page.format, "speakers") {
        return Ok(code);
    }
    match args.page.format {
        TableFormat::Json => {
            for r in &page.items {
                verbatim_core::json::to_writer(&mut out, r)?;
                writeln!(out)?;
            }
        }
        TableFormat::Csv => {
            out.write_all(verbatim_store::csv::table(&page.items).as_bytes())?;
        }
        TableFormat::Table => {
            writeln!(out, "quotes  articles  type          name (also: aliases)")?;
            for r in &page.items {
                let others: Vec<&str> = r
                    .aliases
                    .iter()
                    .map(String::as_str)
                    .filter(|a| *a != r.name)
                    .collect();
                let also = if others.is_empty() {
                    String::new()
                } else {
                    format!("  (also: {})", one_line(&others.join("; ")))
                };
                writeln!(
                    out,
                    "{:>6}  {:>8}  {}  {}{}",
                    r.n_quotes,
                    r.n_articles,
                    fit(&r.kind, 12),
                    one_line(&r.name),
                    also
                )?;
            }
            if let Some(next) = page.next_offset {
                writeln!(out, "(more: --offset {next})")?;
            }
        }
    }
    out.flush()?;
    Ok(exit_for(&page))
}

pub fn articles(args: ArticlesArgs) -> anyhow::Result<ExitCode> {
    let mut store = open_existing(&args.db.db)?;
    let page = store.articles(&ArticleQuery {
        search: args.search,
        outlet: args.outlet,
        since: args.since,
        until: args.until,
        order: args.sort.into(),
        limit: args.page.limit,
        offset: args.page.offset,
    })?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if let Some(code) = nothing_found(&page, args.page.format, "articles") {
        return Ok(code);
    }
    match args.page.format {
        TableFormat::Json => {
            for r in &page.items {
                verbatim_core::json::to_writer(&mut out, r)?;
                writeln!(out)?;
            }
        }
        TableFormat::Csv => {
            out.write_all(verbatim_store::csv::table(&page.items).as_bytes())?;
        }
        TableFormat::Table => {
            writeln!(
                out,
                "{}  {}  {}  quotes  headline (or input id)",
                fit("id", 7),
                fit("date", 10),
                fit("outlet", 10)
            )?;
            for r in &page.items {
                writeln!(
                    out,
                    "{}  {}  {}  {:>6}  {}",
                    fit(&r.id.to_string(), 7),
                    fit(&day_of(&r.published), 10),
                    fit(r.outlet.as_deref().unwrap_or("-"), 10),
                    r.n_attributions,
                    fit(&one_line(r.headline.as_deref().unwrap_or(&r.key)), 90).trim_end()
                )?;
            }
            if let Some(next) = page.next_offset {
                writeln!(out, "(more: --offset {next})")?;
            }
        }
    }
    out.flush()?;
    Ok(exit_for(&page))
}

pub fn stats(args: StatsArgs) -> anyhow::Result<ExitCode> {
    let mut store = open_existing(&args.db.db)?;
    let mut out = std::io::stdout().lock();
    if let Some(StatsBy::Gender) = args.by {
        let g = store.gender_stats()?;
        if args.json {
            verbatim_core::json::to_writer(&mut out, &g)?;
            writeln!(out)?;
        } else {
            write!(out, "{}", gender_table(&g))?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let s = store.stats()?;
    if args.json {
        verbatim_core::json::to_writer(&mut out, &s)?;
        writeln!(out)?;
    } else {
        for (label, n) in [
            ("articles", s.articles),
            ("attributions", s.attributions),
            ("speakers", s.speakers),
            ("aliases", s.aliases),
            ("entities", s.entities),
            ("clusters", s.clusters),
        ] {
            writeln!(out, "{label:<13}{n}")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `stats --by gender` as a table: a line per group with counts and shares.
fn gender_table(g: &verbatim_store::GenderStats) -> String {
    let mut out = format!("Counted: {}.\n\n", g.counted);
    let line = |c: &verbatim_store::GenderCounts| {
        let cell = |n: i64, s: f64| format!("{n:>6} {:>5.1}%", s * 100.0);
        format!(
            "{} {} {} {} {:>7}\n",
            fit(&c.group, 24),
            cell(c.female, c.female_share),
            cell(c.male, c.male_share),
            cell(c.unknown, c.unknown_share),
            c.total
        )
    };
    let header = format!(
        "{} {:>13} {:>13} {:>13} {:>7}\n",
        fit("", 24),
        "female",
        "male",
        "unknown",
        "total"
    );
    out.push_str(&header);
    out.push_str(&line(&g.total));
    for (title, rows) in [("by outlet", &g.by_outlet), ("by month", &g.by_month)] {
        out.push_str(&format!("\n{title}\n"));
        for c in rows {
            out.push_str(&line(c));
        }
    }
    out
}

pub fn show(args: ShowArgs) -> anyhow::Result<ExitCode> {
    let mut store = open_existing(&args.db.db)?;
    let Some(article) = store.article(&args.article)? else {
        eprintln!("verbatim: no article {:?} in the store", args.article);
        return Ok(ExitCode::from(1));
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match args.format {
        crate::Format::Json => {
            verbatim_core::json::to_writer(&mut out, &article)?;
            writeln!(out)?;
        }
        crate::Format::Text => write_marked(&mut out, &article)?,
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The text with every attribution's spans bracketed: `[S1 source]`, `[C1 cue]`,
/// `[Q1 content]`; then one line per attribution.
pub fn marked_text(article: &ArticleRow) -> String {
    let text = &article.text;
    let offsets = CharOffsets::new(text);
    // (byte position, opener?, attribution, role order, label)
    let mut marks: Vec<(usize, bool, usize, usize, String)> = Vec::new();
    for (i, a) in article.attributions.iter().enumerate() {
        for (role, letter, spans) in [(0, 'S', &a.source), (1, 'C', &a.cue), (2, 'Q', &a.content)] {
            for &[s, e] in spans {
                let span = offsets.span_from_chars(s, e);
                marks.push((span.start, true, i, role, format!("[{letter}{} ", i + 1)));
                marks.push((span.end, false, i, role, "]".into()));
            }
        }
    }
    // At one position, closers come before openers; closers innermost-first.
    marks.sort_by(|a, b| {
        a.0.cmp(&b.0).then(a.1.cmp(&b.1)).then_with(|| {
            if a.1 {
                (a.2, a.3).cmp(&(b.2, b.3))
            } else {
                (b.2, b.3).cmp(&(a.2, a.3))
            }
        })
    });
    let mut out = String::with_capacity(text.len() + marks.len() * 4);
    let mut pos = 0;
    for (at, _, _, _, label) in &marks {
        let at = (*at).min(text.len());
        if at > pos {
            out.push_str(&text[pos..at]);
            pos = at;
        }
        out.push_str(label);
    }
    out.push_str(&text[pos..]);
    out
}

fn write_marked(out: &mut impl Write, a: &ArticleRow) -> std::io::Result<()> {
    writeln!(out, "== article {} ({}) ==", a.id, a.key)?;
    for (label, value) in [
        ("headline", &a.headline),
        ("outlet", &a.outlet),
        ("published", &a.published),
        ("updated", &a.updated),
        ("byline", &a.byline),
        ("url", &a.url),
    ] {
        if let Some(v) = value {
            writeln!(out, "{label}:{:>width$}{v}", "", width = 11 - label.len())?;
        }
    }
    writeln!(out)?;
    writeln!(out, "{}", marked_text(a).trim_end())?;
    writeln!(out)?;
    writeln!(out, "{} attribution(s)", a.attributions.len())?;
    for (i, q) in a.attributions.iter().enumerate() {
        let speaker = match (&q.speaker, &q.speaker_type) {
            (Some(_), Some(kind)) => format!("{} ({kind})", row_speaker(q)),
            _ => speaker_label(q),
        };
        writeln!(
            out,
            "  [{}] {} — {}: {}",
            i + 1,
            one_line(&speaker),
            q.kind,
            one_line(&q.content_text)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_fit(s: &str, width: usize, expected: &str) {
        assert_eq!(fit(s, width), expected, "{s:?} {width}");
    }

    fn check_shown(source: &str, via: Option<&str>, expected: &str) {
        assert_eq!(
            shown_speaker(source, "Donald Trump", via, Some(0.784)),
            expected,
            "{source:?} {via:?}"
        );
    }

    #[test]
    fn inferred_speakers_show_the_source_an_arrow_and_the_name() {
        check_shown(
            "he",
            Some("pronoun"),
            "he \u{2192} Donald Trump [pronoun 0.78]",
        );
        check_shown(
            " the GOP nominee ",
            Some("description"),
            "the GOP nominee \u{2192} Donald Trump [description 0.78]",
        );
        check_shown("Trump", Some("name"), "Donald Trump");
        check_shown("someone", Some("none"), "Donald Trump");
        check_shown("he", None, "Donald Trump");
        check_shown("", Some("pronoun"), "Donald Trump");
        assert_eq!(
            shown_speaker("I", "Ann Lee", Some("byline"), None),
            "I \u{2192} Ann Lee [byline]"
        );
    }

    #[test]
    fn fit_pads_and_cuts_by_characters() {
        check_fit("abc", 5, "abc  ");
        check_fit("abcdef", 4, "abc…");
        check_fit("Zoë", 3, "Zoë");
        check_fit("😀😀😀", 2, "😀…");
        check_fit("", 2, "  ");
        check_fit("abc", 0, "…");
    }

    fn quote(i: i64, source: [usize; 2], cue: [usize; 2], content: [usize; 2]) -> QuoteRow {
        QuoteRow {
            id: i,
            article: 1,
            article_key: "k".into(),
            index: i,
            kind: "direct".into(),
            cue_class: "speech".into(),
            source_text: String::new(),
            cue_text: String::new(),
            content_text: String::new(),
            source: vec![source],
            cue: vec![cue],
            content: vec![content],
            speaker: None,
            speaker_id: None,
            speaker_type: None,
            speaker_gender: None,
            resolved: None,
            cluster: None,
            altered: false,
            outlet: None,
            headline: None,
            published: None,
            url: None,
        }
    }

    fn check_marked(text: &str, quotes: Vec<QuoteRow>, expected: &str) {
        let article = ArticleRow {
            id: 1,
            key: "k".into(),
            url: None,
            outlet: None,
            headline: None,
            published: None,
            updated: None,
            dateline: None,
            byline: None,
            origin: "-".into(),
            hash: String::new(),
            text: text.into(),
            entities: Vec::new(),
            attributions: quotes,
        };
        assert_eq!(marked_text(&article), expected, "{text:?}");
    }

    #[test]
    fn attributions_are_marked_in_the_text() {
        check_marked(
            "\"Hi,\" Ann said.",
            vec![quote(1, [6, 9], [10, 14], [0, 5])],
            "[Q1 \"Hi,\"] [S1 Ann] [C1 said].",
        );
        // code points, not bytes
        check_marked(
            "«Ça va», dit Zoë.",
            vec![quote(1, [13, 16], [9, 12], [0, 7])],
            "[Q1 «Ça va»], [C1 dit] [S1 Zoë].",
        );
        check_marked("No quotes.", vec![], "No quotes.");
        check_marked("", vec![], "");
        // two attributions sharing a source
        check_marked(
            "A said x. A said y.",
            vec![
                quote(1, [0, 1], [2, 6], [7, 8]),
                quote(2, [0, 1], [12, 16], [17, 18]),
            ],
            "[S1 [S2 A]] [C1 said] [Q1 x]. A [C2 said] [Q2 y].",
        );
    }
}
