//! `verbatim train`: trains a model from PolNeAR-format data and writes its file.

use anyhow::Context;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;
use verbatim_core::attribute::{train, ModelAttributor, TrainConfig};
use verbatim_core::parse::{train_parser, ParseTrainConfig, Parser};
use verbatim_core::pos::{train_tagger, PosTagger, PosTrainConfig};
use verbatim_core::tag::{train_ner, NerTrainConfig, Tagger};
use verbatim_core::{corpus, eval, Pipeline};

/// Where `train --task speaker-confidence` finds the hand-judged train referents by default.
const DEFAULT_REFERENTS: &str = "data/speakers/train.jsonl";

/// What to train.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum TrainTask {
    /// The attribution model (`attribution.bin`).
    Attribution,
    /// The named-entity tagger (`ner.bin`).
    Ner,
    /// The part-of-speech tagger (`pos.bin`).
    Pos,
    /// The dependency parser (`parse.bin`), over the tags of the embedded POS tagger.
    Parse,
    /// The first-name gender table (`first_names.tsv`), from train's coreference chains.
    FirstNames,
    /// The words that end a person's name in Title-Case text (`name_breaks.tsv`), counted
    /// from train (dev is not used).
    NameBreaks,
    /// How often each resolver rule names the right speaker (`speaker_confidence.tsv`): the
    /// embedded pipeline on train's gold sources against the hand-judged train referents
    /// (`--referents`, default data/speakers/train.jsonl) and CoreNLP's coreference (dev is
    /// not used).
    SpeakerConfidence,
}

pub fn run(
    task: TrainTask,
    train_path: &Path,
    dev_path: &Path,
    out_dir: &Path,
    config_path: Option<&Path>,
    seed: Option<u64>,
    referents: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let config_text = match config_path {
        Some(p) => Some(std::fs::read_to_string(p).with_context(|| format!("{}", p.display()))?),
        None => None,
    };
    let parse_config = |what: &str| -> anyhow::Result<serde_json::Value> {
        Ok(match &config_text {
            Some(t) => {
                serde_json::from_str(t).with_context(|| format!("{what} config: invalid JSON"))?
            }
            None => serde_json::json!({}),
        })
    };
    let start = Instant::now();
    let train_docs = corpus::read_jsonl(train_path)?;
    let dev_docs = corpus::read_jsonl(dev_path)?;
    eprintln!(
        "read {} train and {} dev articles",
        train_docs.len(),
        dev_docs.len()
    );
    std::fs::create_dir_all(out_dir).with_context(|| format!("{}", out_dir.display()))?;
    let mut progress = |line: &str| eprintln!("{line}");
    let (file, bytes) = match task {
        TrainTask::Attribution => {
            let mut config: TrainConfig = serde_json::from_value(parse_config("attribution")?)
                .context("attribution config")?;
            if let Some(seed) = seed {
                config.seed = seed;
            }
            let bytes = train(&train_docs, &dev_docs, &config, &mut progress)?;
            let model = ModelAttributor::from_bytes(&bytes)?;
            report_dev(Pipeline::with_attributor(Box::new(model)), &dev_docs);
            ("attribution.bin", bytes)
        }
        TrainTask::Ner => {
            let mut config: NerTrainConfig =
                serde_json::from_value(parse_config("ner")?).context("ner config")?;
            if let Some(seed) = seed {
                config.seed = seed;
            }
            let bytes = train_ner(&train_docs, &dev_docs, &config, &mut progress)?;
            println!(
                "{}",
                verbatim_core::tag::evaluate_ner(&Tagger::from_bytes(&bytes)?, &dev_docs)
            );
            ("ner.bin", bytes)
        }
        TrainTask::Pos => {
            let mut config: PosTrainConfig =
                serde_json::from_value(parse_config("pos")?).context("pos config")?;
            if let Some(seed) = seed {
                config.seed = seed;
            }
            let bytes = train_tagger(&train_docs, &dev_docs, &config, &mut progress);
            ("pos.bin", bytes)
        }
        TrainTask::Parse => {
            let mut config: ParseTrainConfig =
                serde_json::from_value(parse_config("parse")?).context("parse config")?;
            if let Some(seed) = seed {
                config.seed = seed;
            }
            let tagger = PosTagger::embedded();
            let bytes = train_parser(&train_docs, &dev_docs, &tagger, &config, &mut progress)?;
            println!(
                "dev: {}",
                verbatim_core::parse::evaluate(&Parser::from_bytes(&bytes)?, &tagger, &dev_docs)
            );
            ("parse.bin", bytes)
        }
        TrainTask::FirstNames => {
            let table = verbatim_core::resolve::learn_first_names(&train_docs);
            eprintln!("{} first names", table.lines().count() - 1);
            ("first_names.tsv", table.into_bytes())
        }
        TrainTask::NameBreaks => {
            let table = verbatim_core::tag::name_breaks::count_name_breaks(&train_docs);
            ("name_breaks.tsv", table.into_bytes())
        }
        TrainTask::SpeakerConfidence => {
            let path = referents.unwrap_or(Path::new(DEFAULT_REFERENTS));
            let raw = std::fs::read_to_string(path).with_context(|| {
                format!(
                    "{}: the hand-judged train referents (give --referents PATH)",
                    path.display()
                )
            })?;
            let judged = eval::read_referents(&raw)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            if let Some(i) = judged
                .iter()
                .find(|i| !train_docs.iter().any(|d| d.id == i.id))
            {
                anyhow::bail!(
                    "{}: item of article {} that {} does not hold: the referents must be of train articles",
                    path.display(),
                    i.id,
                    train_path.display()
                );
            }
            let table = eval::learn_speaker_confidence(&Pipeline::new(), &train_docs, &judged);
            ("speaker_confidence.tsv", table.into_bytes())
        }
    };
    let path: PathBuf = out_dir.join(file);
    std::fs::write(&path, &bytes).with_context(|| format!("{}", path.display()))?;
    eprintln!(
        "wrote {} ({} bytes) in {:.1}s",
        path.display(),
        bytes.len(),
        start.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

/// Runs the whole pipeline with the new model over dev and prints the full score table.
fn report_dev(pipeline: Pipeline, dev: &[corpus::GoldDoc]) {
    println!(
        "{}",
        eval::score(dev, &eval::predict(&pipeline, dev)).table()
    );
}
