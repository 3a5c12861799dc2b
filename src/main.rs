//! The `verbatim` command line: parses flags, builds the pipeline, prints. Every capability
//! lives in `verbatim-core`; this file is glue.

mod evaluate;
mod extract;
mod link_cmd;
mod progress;
mod serve_cmd;
mod store_cmd;
mod train;

use clap::{Parser, Subcommand, ValueEnum};
use evaluate::{bench, eval_attributions, eval_html, eval_ner, eval_segment};
use extract::extract;
use std::path::PathBuf;
use std::process::ExitCode;
use verbatim_core::attribute::RuleAttributor;
use verbatim_core::ingest::{Limits, Screen};
use verbatim_core::{Attributor, Pipeline, Producer};

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
    /// optional "id", "title", "url", "published", "outlet"), HTML pages (main text and the
    /// page's metadata), WARC crawls (one article per HTML response record), directories
    /// (read recursively), `-` for stdin, and .gz/.zst of any of these; formats are told by
    /// content. With no PATH, reads stdin.
    ///
    /// Offsets in the output are Unicode code-point offsets, end exclusive, into "text".
    ///
    /// Examples:
    ///   verbatim extract examples/articles/
    ///   verbatim extract --format text story.txt
    ///   zcat dump.jsonl.gz | verbatim extract > attributions.jsonl
    ///   verbatim extract --jobs 4 crawl.warc.gz saved_pages/
    #[command(verbatim_doc_comment)]
    Extract {
        /// Files, directories or `-` (stdin).
        paths: Vec<PathBuf>,
        /// Output format: `json` (one object per line) or `text` (for reading at a terminal).
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
        /// Which attributor finds the attributions.
        #[arg(long, value_enum, default_value_t = AttributorChoice::Model)]
        attributor: AttributorChoice,
        /// Worker threads (0 = all cores). The output is the same for any number.
        #[arg(long, short = 'j', default_value_t = 0)]
        jobs: usize,
        #[command(flatten)]
        limits: LimitArgs,
        #[command(flatten)]
        screen: ScreenArgs,
    },
    /// Parse articles into dependency trees, printed as CoNLL-U.
    ///
    /// Reads the same inputs as `extract`. Each article starts with `# newdoc id = ID`; each
    /// sentence has `# sent_id = ID-K` and `# text = ...`, then one line per token with the ten
    /// CoNLL-U columns: ID FORM LEMMA UPOS XPOS FEATS HEAD DEPREL DEPS MISC. XPOS is the Penn
    /// tag, UPOS its standard conversion, DEPREL a basic Universal Dependencies label (the
    /// label set of the CoreNLP annotations the parser was trained on); LEMMA, FEATS and DEPS
    /// are `_`. MISC holds `TokenRange=START:END`, Unicode code-point offsets into the article
    /// text, so `text[START:END]` in Python gives FORM.
    ///
    /// Examples:
    ///   verbatim parse story.txt
    ///   verbatim parse ../shared/data/polnear/dev.jsonl > dev.conllu
    ///   echo 'Smith said he won.' | verbatim parse
    #[command(verbatim_doc_comment)]
    Parse {
        /// Files, directories or `-` (stdin).
        paths: Vec<PathBuf>,
        /// Worker threads (0 = all cores). The output is the same for any number.
        #[arg(long, short = 'j', default_value_t = 0)]
        jobs: usize,
        #[command(flatten)]
        limits: LimitArgs,
        #[command(flatten)]
        screen: ScreenArgs,
    },
    /// Score predictions against gold annotations in the PolNeAR JSONL format.
    ///
    /// `--task attributions` (the default) reads predictions (verbatim extract output, or any
    /// JSONL with "id" and "attributions") from --pred or stdin and prints precision, recall
    /// and F1 per role under exact, overlap, span-overlap and token matching, and
    /// attribution-level F1; the definitions are those of ../shared/tools/score.py.
    /// `--task segment` scores verbatim's sentence splitter and tokenizer against the CoreNLP
    /// annotations in the gold file (no predictions needed); `--task parse` the dependency
    /// parser (UAS, LAS) the same way.
    ///
    /// Examples:
    ///   verbatim extract dev.jsonl | verbatim eval --gold dev.jsonl
    ///   verbatim eval --gold dev.jsonl --pred pred.jsonl --json scores.json
    ///   verbatim eval --gold dev.jsonl --pred pred.jsonl --baseline models/baseline.json
    ///   verbatim eval --task segment --gold dev.jsonl
    ///   verbatim eval --task parse --gold dev.jsonl
    ///   verbatim eval --task html --gold ../shared/data/aeb
    #[command(verbatim_doc_comment)]
    Eval {
        /// Gold annotations (PolNeAR JSONL; for `--task html` the benchmark folder).
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
        /// With `--task speakers` and a referent file as --gold (../shared/data/speakers/dev.jsonl):
        /// the PolNeAR file that holds the articles' texts and gold attributions.
        #[arg(long, value_name = "JSONL")]
        texts: Option<PathBuf>,
        /// With `--task speakers`: print the items scored wrong (or all of them), each with its
        /// article id, source offset, text, referent and what was predicted.
        #[arg(long, value_enum, num_args = 0..=1, default_missing_value = "wrong", value_name = "WHICH")]
        show: Option<ShowItems>,
    },
    /// Train a model on PolNeAR-format data, printing dev scores as it goes.
    ///
    /// Same data, config and seed give a byte-identical model file. The binary embeds the
    /// files in models/; after retraining, rebuild to use them.
    ///
    /// Examples:
    ///   verbatim train --train ../shared/data/polnear/train.jsonl --dev ../shared/data/polnear/dev.jsonl --out models/
    ///   verbatim train --task ner --train train.jsonl --dev dev.jsonl --out models/
    ///   verbatim train --task pos --train train.jsonl --dev dev.jsonl --out models/
    ///   verbatim train --task parse --train train.jsonl --dev dev.jsonl --out models/
    #[command(verbatim_doc_comment)]
    Train {
        /// Training data (PolNeAR JSONL).
        #[arg(long)]
        train: PathBuf,
        /// Dev data, for the scores printed per epoch and at the end (never for weights).
        #[arg(long)]
        dev: PathBuf,
        /// Folder to write the model file into (attribution.bin or ner.bin).
        #[arg(long)]
        out: PathBuf,
        /// Which model.
        #[arg(long, value_enum, default_value_t = train::TrainTask::Attribution)]
        task: train::TrainTask,
        /// Training settings as JSON (unknown keys are an error); defaults otherwise.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Seed of the shuffling (overrides the config's).
        #[arg(long)]
        seed: Option<u64>,
        /// For `--task speaker-confidence`: hand-judged referents of train articles (the
        /// format of ../shared/data/speakers/dev.jsonl) [default: data/speakers/train.jsonl].
        #[arg(long)]
        referents: Option<PathBuf>,
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
        #[arg(long, value_enum, default_value_t = AttributorChoice::Model)]
        attributor: AttributorChoice,
    },
    /// Analyse articles and store them, with their entities and attributions, in a store:
    /// a SQLite file (default ./verbatim.db) or a PostgreSQL server (--db postgres://...).
    ///
    /// Ingesting an article again (same URL or same text) stores it once. Articles are written
    /// in batched transactions: a killed ingest loses nothing already committed, and a rerun
    /// stores the rest.
    ///
    /// Records that `verbatim extract` (or the Python package, or the Spark job in
    /// examples/spark/) already wrote are stored as they are, without analysing again: a
    /// JSONL line with `attributions` and `producer` members is such a record. Its producer
    /// must be this binary's (same version and models) unless --accept-producer; linking and
    /// clustering happen here in either case.
    ///
    /// Examples:
    ///   verbatim ingest examples/articles/
    ///   verbatim ingest --db news.db dump.jsonl.gz
    ///   verbatim extract dump.jsonl.gz | gzip > records.jsonl.gz   # on any machine
    ///   verbatim ingest --db news.db records.jsonl.gz             # loads, no analysis
    ///   verbatim ingest --db postgres://verbatim@localhost/news dump.jsonl
    #[command(verbatim_doc_comment)]
    Ingest(store_cmd::IngestArgs),
    /// Who said what: attributions in the store, newest first. Exit status 1 when none match.
    ///
    /// Examples:
    ///   verbatim quotes --speaker Sessions
    ///   verbatim quotes --search "recuse himself" --kind direct --format json
    ///   verbatim quotes --outlet Reuters --since 2017-03 --until 2017-03 --format csv
    ///   verbatim quotes --cluster                 # statements carried by several articles
    #[command(verbatim_doc_comment)]
    Quotes(store_cmd::QuotesArgs),
    /// Who is quoted most: speakers across articles, with quote counts, types and aliases.
    ///
    /// A speaker is one person, organisation or source description across every article:
    /// "Jeff Sessions", "Sessions" and "Attorney General Jeff Sessions" are one speaker;
    /// Bill and Hillary Clinton are two; "a Justice official" is never merged into a person.
    /// --explain shows why names were joined; `verbatim alias` corrects it.
    ///
    /// Examples:
    ///   verbatim speakers --type person --limit 50
    ///   verbatim speakers --name Clinton --format json
    ///   verbatim speakers --explain Sessions
    #[command(verbatim_doc_comment)]
    Speakers(store_cmd::SpeakersArgs),
    /// One quote cluster: the statement, its speaker, every article that carried it with
    /// outlet and publication time (earliest first), and each wording's changes marked.
    ///
    /// A member is ALTERED when its words differ materially from the cluster's reference
    /// wording (words changed, added or silently dropped), not when it is only trimmed,
    /// re-punctuated or elided with "…".
    ///
    /// Examples:
    ///   verbatim quotes --cluster --altered      # find the clusters with altered wordings
    ///   verbatim cluster 12
    ///   verbatim cluster 12 --format json
    #[command(verbatim_doc_comment)]
    Cluster(link_cmd::ClusterArgs),
    /// Correct how speaker names are joined: rules kept in the store, applied to every
    /// article stored and ingested later (`ingest --aliases FILE` brings them to a new store).
    ///
    /// Examples:
    ///   verbatim alias join "Barry Obama" "Barack Obama"
    ///   verbatim alias split "Clinton"
    ///   verbatim alias list > rules.tsv && verbatim alias load rules.tsv --db other.db
    #[command(verbatim_doc_comment)]
    Alias(link_cmd::AliasArgs),
    /// One stored article with its attributions marked: [S1 source] [C1 cue] [Q1 content].
    ///
    /// Examples:
    ///   verbatim show 3                      # by store id (the `article` column of quotes)
    ///   verbatim show ani-2017-03-03-sessions  # by input id (JSONL id or file name stem)
    ///   verbatim show 3 --format json
    #[command(verbatim_doc_comment)]
    Show(store_cmd::ShowArgs),
    /// Stored articles, newest first; --search finds words in headline and text.
    ///
    /// Examples:
    ///   verbatim articles --outlet "Harbor Herald"
    ///   verbatim articles --search '"health care" -Obamacare' --sort relevance
    ///   verbatim articles --since 2017-03 --until 2017-03-31 --format csv
    #[command(verbatim_doc_comment)]
    Articles(store_cmd::ArticlesArgs),
    /// Row counts of the store: articles, attributions, speakers, aliases, entities, clusters;
    /// or, with --by gender, the quotes of person speakers by gender (female, male, unknown:
    /// the gender their articles' evidence agrees on), with shares, per outlet and per month.
    ///
    /// Examples:
    ///   verbatim stats
    ///   verbatim stats --db news.db --json
    ///   verbatim stats --by gender                 # who is quoted: women, men, unknown
    ///   verbatim stats --by gender --json
    #[command(verbatim_doc_comment)]
    Stats(store_cmd::StatsArgs),
    /// Serve the store: an HTTP JSON API (/api/..., described at /api/openapi.json) and a web
    /// UI to search quotes, browse speakers and read articles with attributions highlighted.
    ///
    /// Read-only unless a bearer token is set (--token-file, --token or VERBATIM_TOKEN):
    /// then POST /api/articles analyses and stores articles, on threads of their own and
    /// under a time budget, so reads keep being answered. Every client is bounded (body size,
    /// analysis time, header, body and idle timeouts, a connection cap); Ctrl-C or SIGTERM
    /// stops once open requests finish, or at --shutdown-timeout. TIME is written 30s, 1.5s,
    /// 500ms or 2m.
    ///
    /// Examples:
    ///   verbatim serve                          # http://127.0.0.1:8080 over ./verbatim.db
    ///   verbatim serve --db news.db --addr 0.0.0.0:8080
    ///   (umask 077; openssl rand -hex 16 > token) && verbatim serve --token-file token
    ///   VERBATIM_TOKEN=$(openssl rand -hex 16) verbatim serve --db postgres://verbatim@localhost/news
    #[command(verbatim_doc_comment)]
    Serve(serve_cmd::ServeArgs),
}

#[derive(Clone, Copy, ValueEnum)]
pub enum EvalTask {
    /// Attributions: source, cue, content.
    Attributions,
    /// Sentences and tokens against the CoreNLP annotations.
    Segment,
    /// Named entities against the CoreNLP silver NER.
    Ner,
    /// Dependency parses against the CoreNLP silver: UAS and LAS on the tokens whose spans
    /// match a silver token (predicted tokens and tags).
    Parse,
    /// Speakers of sources that are pronouns or common noun phrases. With a referent file as
    /// --gold and --texts: the figures of score_speakers.py, end to end and on gold sources.
    /// With a PolNeAR file as --gold: the same figures against silver referents from its
    /// CoreNLP coreference chains (a development measure on train), and how many get a name.
    Speakers,
    /// HTML main-text extraction on the article-extraction benchmark (--gold is its folder,
    /// with ground-truth.json and html/): body precision, recall, F1, accuracy with the
    /// benchmark's metric, title and date agreement with the pages' own metadata, pages/s.
    Html,
}

/// Which scored items `eval --task speakers --show` prints.
#[derive(Clone, Copy, ValueEnum)]
pub enum ShowItems {
    /// The items scored wrong.
    Wrong,
    /// Every item, marked right or WRONG.
    All,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Json,
    Text,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum AttributorChoice {
    /// The trained model (embedded in the binary).
    Model,
    /// The transparent rule baseline: quote marks, reporting verbs, "according to", colons.
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
            eprintln!("verbatim: {}", error_text(&err));
            ExitCode::from(2)
        }
    }
}

/// The error and its causes joined by ": ", each cause left out when the text so far already
/// says it (library errors often repeat their source in their own message).
fn error_text(err: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in err.chain() {
        let part = cause.to_string();
        // SQLite's "Error code 14: unable to open database file" after a message that said
        // "unable to open database file" is a repeat too.
        let said = part
            .strip_prefix("Error code ")
            .and_then(|rest| rest.split_once(": "))
            .filter(|(code, _)| code.bytes().all(|b| b.is_ascii_digit()))
            .map_or(part.as_str(), |(_, said)| said);
        if text.contains(part.trim()) || text.contains(said.trim()) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&part);
    }
    text
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

/// What one input item may cost; an item over a limit is skipped with an error naming it,
/// and the rest of the input goes on (exit status 2).
#[derive(clap::Args)]
pub struct LimitArgs {
    /// The longest article text in bytes (a plain-text file, a JSONL "text"); a longer
    /// article is skipped, and no more than this is read of a plain-text file.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::MAX_ARTICLE_BYTES)]
    pub max_article_bytes: usize,
    /// The longest JSONL line in bytes; a longer line is skipped without being held in
    /// memory.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::MAX_LINE_BYTES)]
    pub max_line_bytes: usize,
    /// The most bytes a gzip or zstd input may expand to; past it the rest of that file is
    /// skipped with an error.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::MAX_DECOMPRESSED_BYTES)]
    pub max_decompressed_bytes: u64,
    /// The most a gzip or zstd input may expand, as a multiple of its compressed size, once
    /// it has given 64 MiB (a decompression bomb); past it the rest of that file is skipped
    /// with an error.
    #[arg(long, value_name = "N", default_value_t = Limits::MAX_COMPRESSION_RATIO)]
    pub max_compression_ratio: u64,
    /// The deepest element nesting of an HTML page; a deeper page is skipped with an error.
    #[arg(long, value_name = "N", default_value_t = Limits::MAX_HTML_DEPTH)]
    pub max_html_depth: usize,
}

/// Which articles are analysed.
#[derive(clap::Args)]
pub struct ScreenArgs {
    /// Which languages to analyse: `english` skips others with a warning, `any` analyses all.
    ///
    /// `english`: an article detected with confidence to be in another language (from its
    /// first 2 KB; texts under 200 characters are never judged) is skipped with a warning
    /// naming it and counted in the summary; plain-text files that are clearly not prose
    /// (tables, CSV, code) are skipped the same way. `any`: analyse every article as English
    /// text, whatever its language.
    #[arg(long, value_enum, default_value_t = LangChoice::English)]
    pub lang: LangChoice,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LangChoice {
    /// English articles only; others are skipped with a warning.
    English,
    /// Every article, whatever its language.
    Any,
}

impl From<ScreenArgs> for Screen {
    fn from(a: ScreenArgs) -> Screen {
        Screen {
            english_only: a.lang == LangChoice::English,
            prose_only: true,
        }
    }
}

impl From<LimitArgs> for Limits {
    fn from(a: LimitArgs) -> Limits {
        Limits {
            max_article_bytes: a.max_article_bytes,
            max_line_bytes: a.max_line_bytes,
            max_decompressed_bytes: a.max_decompressed_bytes,
            max_compression_ratio: a.max_compression_ratio,
            max_html_depth: a.max_html_depth,
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Extract {
            paths,
            format,
            attributor,
            jobs,
            limits,
            screen,
        } => extract(
            paths,
            format,
            attributor,
            jobs,
            limits.into(),
            screen.into(),
        ),
        Command::Parse {
            paths,
            jobs,
            limits,
            screen,
        } => extract::parse(paths, jobs, limits.into(), screen.into()),
        Command::Eval {
            gold,
            pred,
            task,
            json,
            baseline,
            tolerance,
            texts,
            show,
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
            EvalTask::Parse => evaluate::eval_parse(&gold),
            EvalTask::Speakers => evaluate::eval_speakers(&gold, texts.as_deref(), show),
            EvalTask::Html => eval_html(&gold, json.as_deref()),
        },
        Command::Train {
            train: train_path,
            dev,
            out,
            task,
            config,
            seed,
            referents,
        } => train::run(
            task,
            &train_path,
            &dev,
            &out,
            config.as_deref(),
            seed,
            referents.as_deref(),
        ),
        Command::Bench {
            paths,
            repeat,
            attributor,
        } => bench(paths, repeat, attributor),
        Command::Ingest(args) => store_cmd::ingest(args),
        Command::Quotes(args) => store_cmd::quotes(args),
        Command::Speakers(args) => store_cmd::speakers(args),
        Command::Cluster(args) => link_cmd::cluster(args),
        Command::Alias(args) => link_cmd::alias(args),
        Command::Show(args) => store_cmd::show(args),
        Command::Articles(args) => store_cmd::articles(args),
        Command::Stats(args) => store_cmd::stats(args),
        Command::Serve(args) => serve_cmd::serve(args),
    }
}

pub fn build_pipeline(choice: AttributorChoice) -> Pipeline {
    match choice {
        AttributorChoice::Model => Pipeline::new(),
        AttributorChoice::Rules => Pipeline::with_attributor(Box::new(RuleAttributor::new())),
    }
}

/// The producer of [`build_pipeline`]'s records, without loading the models.
pub fn pipeline_producer(choice: AttributorChoice) -> Producer {
    match choice {
        AttributorChoice::Model => Producer::embedded(),
        AttributorChoice::Rules => Producer::with_attribution(RuleAttributor::new().model_id()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_texts_say_each_cause_once() {
        let io = std::io::Error::other("unable to open database file");
        let err = anyhow::Error::new(io).context("SQLite: unable to open database file");
        let err = err.context("opening the store x.db");
        assert_eq!(
            error_text(&err),
            "opening the store x.db: SQLite: unable to open database file"
        );
        let code = anyhow::anyhow!("Error code 14: unable to open database file");
        let err = code.context("SQLite: unable to open database file: x.db");
        assert_eq!(
            error_text(&err),
            "SQLite: unable to open database file: x.db"
        );
        let err = anyhow::anyhow!("disk full").context("writing out.jsonl");
        assert_eq!(error_text(&err), "writing out.jsonl: disk full");
    }
}
