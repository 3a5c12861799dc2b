//! `Article` (one article as core's reader made it) and `read` (any input the CLI reads).

use crate::pipeline::emit_warnings;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::path::PathBuf;
use std::sync::Mutex;
use verbatim_core::ingest::{Event, Reader};

/// An article read from a file: its exact text and the metadata found in the input or the
/// text. Pass it to `extract`, `extract_many` or `Store.ingest` as it is: nothing is lost on
/// the way (ids, page metadata).
#[pyclass(frozen, module = "verbatim._native")]
pub struct Article {
    pub inner: verbatim_core::Article,
}

#[pymethods]
impl Article {
    #[getter]
    fn id(&self) -> &str {
        &self.inner.id
    }
    #[getter]
    fn text(&self) -> &str {
        &self.inner.text
    }
    #[getter]
    fn headline(&self) -> Option<&str> {
        self.inner.meta.headline.as_deref()
    }
    #[getter]
    fn published(&self) -> Option<String> {
        self.inner.meta.published.map(|t| t.to_string())
    }
    #[getter]
    fn updated(&self) -> Option<String> {
        self.inner.meta.updated.map(|t| t.to_string())
    }
    #[getter]
    fn byline(&self) -> Option<&str> {
        self.inner.meta.byline.as_deref()
    }
    #[getter]
    fn outlet(&self) -> Option<&str> {
        self.inner.meta.outlet.as_deref()
    }
    #[getter]
    fn url(&self) -> Option<&str> {
        self.inner.meta.url.as_deref()
    }
    /// Where the article came from: `path`, `path:LINE` (JSONL) or `path#N` (WARC record).
    #[getter]
    fn origin(&self) -> &str {
        &self.inner.origin
    }
    #[getter]
    fn dateline<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let Some(d) = &self.inner.meta.dateline else {
            return Ok(None);
        };
        let dict = PyDict::new(py);
        dict.set_item("place", d.place.as_deref())?;
        dict.set_item("date", d.date.map(|t| t.to_string()))?;
        dict.set_item("agency", d.agency.as_deref())?;
        Ok(Some(dict))
    }

    /// The fields as a dict (`headline` ... `text`, `origin`), the names of the extract
    /// record; saved as JSONL, `verbatim extract` reads it back.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        dict.set_item("id", self.id())?;
        dict.set_item("headline", self.headline())?;
        dict.set_item("published", self.published())?;
        dict.set_item("updated", self.updated())?;
        dict.set_item("dateline", self.dateline(py)?)?;
        dict.set_item("byline", self.byline())?;
        dict.set_item("outlet", self.outlet())?;
        dict.set_item("url", self.url())?;
        dict.set_item("text", self.text())?;
        dict.set_item("origin", self.origin())?;
        Ok(dict)
    }

    fn __len__(&self) -> usize {
        self.inner.text.chars().count()
    }

    fn __repr__(&self) -> String {
        let headline = self.headline().unwrap_or("");
        let short: String = headline.chars().take(60).collect();
        let more = if short.len() < headline.len() {
            "…"
        } else {
            ""
        };
        format!(
            "Article(id={:?}, headline={:?}, chars={})",
            self.inner.id,
            format!("{short}{more}"),
            self.__len__()
        )
    }
}

/// `read(paths, raise_errors)`: the articles of files and directories, in input order.
#[pyfunction]
#[pyo3(signature = (paths, raise_errors = false))]
pub fn read(paths: Vec<PathBuf>, raise_errors: bool) -> Articles {
    Articles {
        reader: Mutex::new(Reader::new(paths)),
        raise_errors,
    }
}

/// The iterator of `read`: warnings go to Python's `warnings`; an unreadable item is a
/// warning too (the reading goes on, as in the CLI) unless `errors="raise"`.
#[pyclass(module = "verbatim._native")]
pub struct Articles {
    reader: Mutex<Reader>,
    raise_errors: bool,
}

#[pymethods]
impl Articles {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<Article>> {
        let mut reader = self.reader.try_lock().map_err(|_| {
            PyRuntimeError::new_err(
                "this read iterator is already being advanced by another thread",
            )
        })?;
        loop {
            // Reading, decompressing and HTML extraction run without the GIL.
            let reader: &mut Reader = &mut reader;
            let Some(event) = py.detach(|| reader.next()) else {
                return Ok(None);
            };
            match event {
                Event::Article(inner) => return Ok(Some(Article { inner: *inner })),
                Event::Warning { origin, message } => {
                    emit_warnings(py, None, &[format!("{origin}: {message}")])?
                }
                Event::Skipped { origin, reason } => {
                    emit_warnings(py, None, &[format!("{origin}: {reason}")])?
                }
                Event::Error { origin, message } if self.raise_errors => {
                    return Err(crate::raise(
                        py,
                        "InputError",
                        format!("{origin}: {message}"),
                    ))
                }
                Event::Error { origin, message } => {
                    emit_warnings(py, None, &[format!("{origin}: {message}; skipped")])?
                }
            }
        }
    }
}
