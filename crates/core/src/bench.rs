//! Throughput measurement of the pipeline, for `verbatim bench` and BENCHMARKS.md.

use crate::article::Article;
use crate::pipeline::Pipeline;
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
    let mut n_attributions = 0;
    let mut buf = Vec::with_capacity(1 << 20);
    for _ in 0..repeats.max(1) {
        let start = Instant::now();
        n_attributions = 0;
        for article in articles {
            let analysis = pipeline.analyze(article);
            n_attributions += analysis.attributions.len();
            buf.clear();
            // Writing to a Vec cannot fail.
            let _ = serde_json::to_writer(&mut buf, &ExtractRecord::new(article, &analysis));
        }
        passes.push(start.elapsed());
    }
    BenchReport {
        n_articles: articles.len(),
        n_words,
        n_attributions,
        repeats: repeats.max(1),
        passes,
    }
}
