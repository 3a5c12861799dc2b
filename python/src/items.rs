//! What `extract`, `extract_many` and `Store.ingest` take, and the work done on one item.
//!
//! A text or a dict becomes one JSONL line read by core's `Reader`, so its fields, placeholder
//! values, dates and the metadata recognised in the text are exactly those of `verbatim
//! extract` on a JSONL file; a `verbatim.Article` (from `read`) is analysed as it is.

use crate::article::Article;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyString, PyTuple};
use std::io::Cursor;
use verbatim_core::ingest::{Event, Reader};
use verbatim_core::wire::ExtractRecord;
use verbatim_core::Pipeline;

/// One input item, converted while the GIL is held; the rest happens without it.
pub enum Input {
    /// A JSON object with the JSONL fields (`text`, `id`, `title`, ...).
    Line(String),
    Article(Box<verbatim_core::Article>),
}

/// Converts an item (the `index`-th of many, for messages): a `str` (the text), a mapping
/// with the JSONL fields, or an `Article`. Anything else is a `TypeError`.
pub fn input_from_py(obj: &Bound<'_, PyAny>, index: Option<usize>) -> PyResult<Input> {
    if let Ok(article) = obj.cast::<Article>() {
        return Ok(Input::Article(Box::new(article.get().inner.clone())));
    }
    if let Ok(text) = obj.cast::<PyString>() {
        let line = serde_json::json!({ "text": text.to_cow()? }).to_string();
        return Ok(Input::Line(line));
    }
    let py = obj.py();
    let is_mapping = py
        .import("collections.abc")?
        .getattr("Mapping")
        .and_then(|mapping| obj.is_instance(&mapping))?;
    if is_mapping {
        // json.dumps, with dates and datetimes as ISO 8601 (verbatim/_items.py).
        let args = PyTuple::new(py, [obj.clone(), index.into_pyobject(py)?.into_any()])?;
        let line: String = py
            .import("verbatim._items")?
            .getattr("item_json")?
            .call1(args)?
            .extract()?;
        return Ok(Input::Line(line));
    }
    Err(PyTypeError::new_err(format!(
        "{}expected a text (str), a dict with a \"text\" field or a verbatim.Article, got {}",
        item_prefix(index),
        obj.get_type().name()?
    )))
}

/// The article of an input, or why there is none; with the warnings reading it gave.
pub fn article_of(input: Input) -> (Result<verbatim_core::Article, String>, Vec<String>) {
    let line = match input {
        Input::Article(article) => return (Ok(*article), Vec::new()),
        Input::Line(line) => line,
    };
    let reader = Reader::new(vec!["-".into()]).with_stdin(Cursor::new(line.into_bytes()));
    let mut article = None;
    let mut warnings = Vec::new();
    let mut error = None;
    for event in reader {
        match event {
            Event::Article(a) => article = Some(*a),
            Event::Warning { message, .. } => warnings.push(message),
            Event::Error { message, .. } => error = Some(message),
            Event::Skipped { reason, .. } => error = Some(reason.to_string()),
        }
    }
    match (article, error) {
        (Some(article), None) => (Ok(article), warnings),
        (_, error) => {
            // A blank text is a warning for the CLI ("empty, no article"): here it is the reason.
            let message = error
                .or_else(|| warnings.pop())
                .unwrap_or_else(|| "no article".into());
            (Err(message), warnings)
        }
    }
}

/// What a worker hands back for one item: the result or why the item gave none, and the
/// warnings reading it gave.
pub struct Done<R> {
    pub result: Result<R, String>,
    pub warnings: Vec<String>,
}

/// Reads and analyses one item; `finish` turns the analysed article into the result.
pub fn analyze<R>(
    pipeline: &Pipeline,
    input: Input,
    finish: fn(&verbatim_core::Article, &verbatim_core::Analysis) -> Result<R, String>,
) -> Done<R> {
    let (article, warnings) = article_of(input);
    let result = article.and_then(|article| finish(&article, &pipeline.analyze(&article)));
    Done { result, warnings }
}

/// The `verbatim extract` line of an analysed article (without the newline).
pub fn record_json(
    article: &verbatim_core::Article,
    analysis: &verbatim_core::Analysis,
) -> Result<String, String> {
    verbatim_core::json::to_string(&ExtractRecord::new(article, analysis))
        .map_err(|e| format!("encoding the record: {e}"))
}

/// `"item N: "` for the `N`-th of many items, nothing for a single one.
pub fn item_prefix(index: Option<usize>) -> String {
    index.map(|i| format!("item {i}: ")).unwrap_or_default()
}
