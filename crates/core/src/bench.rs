//! Throughput measurement of the pipeline, for `verbatim bench` and BENCHMARKS.md.

use crate::article::Article;
use crate::pipeline::{Pipeline, StageTimes};
use crate::wire::ExtractRecord;
use std::time::{Duration, Instant};

/// Words as PolNeAR counts them: whitespace-separated tokens.
pub fn count_words(text: &str) -> usize {
    text.split_whitespace().count()
}

/// What one benchmark run measured.
#[derive(Clone, Debug)]
pub struct BenchReport {
    pub n_articles: usize,
    pub n_words: usize,
    /// Attributions found in one pass: a benchmark that finds nothing measured nothing.
    pub n_attributions: usize,
    pub repeats: usize,
    /// Wall time of each pass over all articles.
    pub passes: Vec<Duration>,
    /// Time per stage in the median pass, and the rest of that pass (the JSON record).
    pub stages: StageTimes,
    pub record: Duration,
}

impl BenchReport {
    /// The median pass.
    pub fn median(&self) -> Duration {
        let mut v = self.passes.clone();
        v.sort();
        v.get(v.len() / 2).copied().unwrap_or_default()
    }

    pub fn words_per_sec(&self) -> f64 {
        self.n_words as f64 / self.median().as_secs_f64().max(1e-9)
    }

    pub fn articles_per_sec(&self) -> f64 {
        self.n_articles as f64 / self.median().as_secs_f64().max(1e-9)
    }
}

/// Runs the whole per-article work of `extract` (analysis and the JSON record, serialised to a
/// buffer) over `articles`, `repeats` times on the calling thread.
pub fn run(pipeline: &Pipeline, articles: &[Article], repeats: usize) -> BenchReport {
    let n_words = articles.iter().map(|a| count_words(&a.text)).sum();
    let mut passes = Vec::with_capacity(repeats);
    let mut per_pass: Vec<(StageTimes, Duration)> = Vec::with_capacity(repeats);
    let mut n_attributions = 0;
    let mut buf = Vec::with_capacity(1 << 20);
    for _ in 0..repeats.max(1) {
        let start = Instant::now();
        let mut stages = StageTimes::default();
        let mut record = Duration::ZERO;
        n_attributions = 0;
        for article in articles {
            let analysis = pipeline.analyze_timed(article, &mut Some(&mut stages));
            n_attributions += analysis.attributions.len();
            let t = Instant::now();
            buf.clear();
            // Writing to a Vec cannot fail.
            let _ = crate::json::to_writer(&mut buf, &ExtractRecord::new(article, &analysis));
            record += t.elapsed();
        }
        passes.push(start.elapsed());
        per_pass.push((stages, record));
    }
    // The stage times of the median pass.
    let mut order: Vec<usize> = (0..passes.len()).collect();
    order.sort_by_key(|&i| passes[i]);
    let (stages, record) = per_pass.swap_remove(order[order.len() / 2]);
    BenchReport {
        n_articles: articles.len(),
        n_words,
        n_attributions,
        repeats: repeats.max(1),
        passes,
        stages,
        record,
    }
}
