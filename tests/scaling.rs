//! Analysis is linear in the article's length: an article four times as long takes at most
//! six times as long to analyse (see [`MAX_RATIO`]) (every stage: segment, POS, parse, entities, attribute,
//! resolve, and the JSON record with its code-point offsets). A quadratic step would show as
//! 16×. Timed in the process (the pipeline is built once) as the CPU time of the analysing
//! thread (`/proc/thread-self/schedstat`, in nanoseconds; wall time where that is missing),
//! so that other processes on a shared machine do not count; each size the fastest of five
//! runs taken in turn with the other size, one case at a time.

use crate::common::shared;
use std::time::{Duration, Instant};
use verbatim_core::wire::ExtractRecord;
use verbatim_core::{Article, Pipeline};

/// The size of the smaller article; the larger is four times this.
const SMALL_BYTES: usize = 256 * 1024;
const RUNS: usize = 5;
/// The most the 4× article may take, as a multiple of the 1× article's time. Linear code
/// measures 4.0-4.3× alone and up to 4.8× beside the other tests (a larger article misses
/// the caches more); a quadratic step gives 16×, n^1.3 gives 6.1×. The 5× is
/// checked on 1 MB and 4 MB articles in BENCHMARKS.md.
const MAX_RATIO: f64 = 6.0;

/// `pieces` joined by blank lines, repeated as needed, cut to `bytes` at a char boundary.
fn article_of(pieces: &[String], bytes: usize) -> Article {
    let mut text = String::with_capacity(bytes + 4096);
    for piece in pieces.iter().cycle() {
        if text.len() >= bytes {
            break;
        }
        text.push_str(piece);
        text.push_str("\n\n");
    }
    let mut end = bytes.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    Article {
        id: "scaling".into(),
        text,
        ..Article::default()
    }
}

/// The CPU time this thread has run, if the kernel reports it.
fn thread_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

/// One analysis and its JSON record; returns the time and the number of attributions (so
/// that a run that finds nothing is seen).
fn analyse(pipeline: &Pipeline, article: &Article) -> (Duration, usize) {
    let (cpu, wall) = (thread_cpu_time(), Instant::now());
    let analysis = pipeline.analyze(article);
    let record = ExtractRecord::new(article, &analysis);
    let json = serde_json::to_vec(&record).unwrap();
    let took = match (cpu, thread_cpu_time()) {
        (Some(a), Some(b)) => b.saturating_sub(a),
        _ => wall.elapsed(),
    };
    assert!(json.len() > article.text.len() / 2);
    (took, analysis.attributions.len())
}

/// Asserts that `pieces` made 4× as long take at most [`MAX_RATIO`]× the time.
fn check_linear(name: &str, pieces: &[String], min_attributions: usize) {
    // One measurement at a time: the cases would otherwise compete for the caches.
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let pipeline = Pipeline::new();
    let small = article_of(pieces, SMALL_BYTES);
    let large = article_of(pieces, 4 * SMALL_BYTES);
    let (mut t_small, mut t_large) = (Duration::MAX, Duration::MAX);
    let (mut n_small, mut n_large) = (0, 0);
    for _ in 0..RUNS {
        let (t, n) = analyse(&pipeline, &small);
        (t_small, n_small) = (t_small.min(t), n);
        let (t, n) = analyse(&pipeline, &large);
        (t_large, n_large) = (t_large.min(t), n);
    }
    let ratio = t_large.as_secs_f64() / t_small.as_secs_f64();
    eprintln!(
        "{name}: {} bytes {:.3} s ({n_small} attributions), {} bytes {:.3} s ({n_large}): {ratio:.2}×",
        small.text.len(),
        t_small.as_secs_f64(),
        large.text.len(),
        t_large.as_secs_f64()
    );
    assert!(
        n_large >= min_attributions,
        "{name}: only {n_large} attributions found"
    );
    assert!(
        ratio <= MAX_RATIO,
        "{name}: 4× the text took {ratio:.2}× the time ({:?} vs {:?})",
        t_large,
        t_small
    );
}

fn repeated(unit: &str) -> Vec<String> {
    vec![unit.repeat(1000)]
}

/// One sentence with no end: the sentence cap keeps every per-sentence step bounded.
#[test]
fn run_on_words_scale_linearly() {
    check_linear("'word ' run-on", &[" word".repeat(SMALL_BYTES)], 0);
}

/// Text full of cues: linking and speaker resolution.
#[test]
fn cue_dense_text_scales_linearly() {
    check_linear(
        "'Word said.'",
        &repeated("Word said. Word said. Smith said it works. "),
        1000,
    );
}

/// Text full of quotations and pronoun speakers.
#[test]
fn quote_dense_text_scales_linearly() {
    check_linear(
        "quotes",
        &repeated("\"Yes,\" he said. \"No,\" Senator Jane Smith told reporters. "),
        1000,
    );
}

/// Real prose: the PolNeAR dev texts one after another.
#[test]
fn real_prose_scales_linearly() {
    let Some(shared) = shared("real_prose_scales_linearly") else {
        return;
    };
    let dev = verbatim_core::corpus::read_jsonl(&shared.join("data/polnear/dev.jsonl")).unwrap();
    let texts: Vec<String> = dev.into_iter().map(|d| d.text).collect();
    check_linear("PolNeAR dev prose", &texts, 1000);
}
