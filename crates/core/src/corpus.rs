//! The PolNeAR corpus format: gold attributions and CoreNLP silver annotations, as JSONL with
//! code-point offsets. Used by training, tuning and evaluation; never by `extract`.

use crate::error::{Error, Result};
use serde::Deserialize;
use std::io::BufRead;
use std::path::{Path, PathBuf};

/// One annotated article.
#[derive(Clone, Debug, Deserialize)]
pub struct GoldDoc {
    pub id: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub attributions: Vec<GoldAttribution>,
    #[serde(default)]
    pub corenlp: Option<CoreNlp>,
    #[serde(default)]
    pub publisher: Option<String>,
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    /// The byline ("None" in PolNeAR when there is none).
    #[serde(default)]
    pub author: Option<String>,
}

/// One attribution; each role a list of `[start, end)` code-point pieces, possibly empty.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
pub struct GoldAttribution {
    #[serde(default)]
    pub source: Vec<[usize; 2]>,
    #[serde(default)]
    pub cue: Vec<[usize; 2]>,
    #[serde(default)]
    pub content: Vec<[usize; 2]>,
}

/// Stanford CoreNLP's automatic annotations (silver quality). Per-token vectors are parallel
/// to `tokens`; `head` indexes tokens of the whole article (-1 for a root).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct CoreNlp {
    #[serde(default)]
    pub sentences: Vec<[usize; 2]>,
    #[serde(default)]
    pub tokens: Vec<[usize; 2]>,
    #[serde(default)]
    pub lemma: Vec<String>,
    #[serde(default)]
    pub pos: Vec<String>,
    #[serde(default)]
    pub ner: Vec<String>,
    #[serde(default)]
    pub head: Vec<i64>,
    #[serde(default)]
    pub dep: Vec<String>,
    /// Chains of mentions `(start, end, is_representative)`.
    #[serde(default)]
    pub coref: Vec<Vec<(usize, usize, bool)>>,
}

impl CoreNlp {
    /// The byte spans of the CoreNLP tokens in `text` (they are code-point offsets).
    pub fn token_spans(&self, text: &str) -> Vec<crate::span::Span> {
        let map = crate::span::CharOffsets::new(text);
        self.tokens
            .iter()
            .map(|&[a, b]| map.span_from_chars(a, b))
            .collect()
    }

    /// The indices of the tokens lying inside the code-point range `start..end`.
    pub fn tokens_within(&self, start: usize, end: usize) -> std::ops::Range<usize> {
        let a = self.tokens.partition_point(|t| t[0] < start);
        let b = self.tokens.partition_point(|t| t[1] <= end).max(a);
        a..b
    }

    /// The runs of consecutive tokens among `tokens` that carry one named-entity class, with
    /// the class's type ([`EntityType::from_corenlp`]), in text order.
    ///
    /// [`EntityType::from_corenlp`]: crate::tag::EntityType::from_corenlp
    pub fn entity_runs(
        &self,
        tokens: std::ops::Range<usize>,
    ) -> impl Iterator<Item = (std::ops::Range<usize>, crate::tag::EntityType)> + '_ {
        let end = tokens.end.min(self.ner.len());
        let mut t = tokens.start;
        std::iter::from_fn(move || {
            while t < end {
                let start = t;
                let label = &self.ner[t];
                t += 1;
                if let Some(kind) = crate::tag::EntityType::from_corenlp(label) {
                    while t < end && self.ner[t] == *label {
                        t += 1;
                    }
                    return Some((start..t, kind));
                }
            }
            None
        })
    }
}

/// Reads a corpus file, one article per line; blank lines are skipped.
pub fn read_jsonl(path: &Path) -> Result<Vec<GoldDoc>> {
    let io = |source| Error::Io {
        path: path.display().to_string(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut docs = Vec::new();
    for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(io)?;
        if line.trim().is_empty() {
            continue;
        }
        let doc: GoldDoc = serde_json::from_str(&line).map_err(|e| Error::Json {
            origin: format!("{}:{}", path.display(), n + 1),
            message: e.to_string(),
        })?;
        docs.push(doc);
    }
    Ok(docs)
}

/// The `shared` folder holding `data/polnear`, if this machine has it: `$VERBATIM_SHARED`,
/// else the first `shared` folder found beside `start` or one of its ancestors.
pub fn find_shared(start: &Path) -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("VERBATIM_SHARED") {
        let dir = PathBuf::from(dir);
        return dir.join("data/polnear").is_dir().then_some(dir);
    }
    start
        .ancestors()
        .take(6)
        .map(|a| a.join("shared"))
        .find(|dir| dir.join("data/polnear").is_dir())
}
