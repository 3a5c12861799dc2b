//! `Store`: a SQLite file or a PostgreSQL server, the same store the CLI reads and writes.
//! Rows come out as the dicts of the CLI's `--format json`.

use crate::items::item_prefix;
use crate::pipeline::{check_jobs, emit_warnings, Pipeline};
use crate::stream::Feeder;
use pyo3::exceptions::{PyFileNotFoundError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde::Serialize;
use std::path::Path;
use std::sync::{Arc, Mutex};
use verbatim_store::{
    is_postgres_url, prepare, ArticleQuery, ClusterQuery, IngestReport, Order, Page, Prepared,
    QuoteQuery, SpeakerQuery,
};

/// Rows asked of the store at a time when paging through more.
const PAGE: u64 = 10_000;

#[pyclass(subclass, module = "verbatim._native", name = "Store")]
pub struct Store {
    /// `None` once closed.
    inner: Mutex<Option<verbatim_store::Store>>,
    target: String,
}

/// A store error as a Python exception: `QueryError` (a `ValueError`) for a bad filter,
/// `StoreError` for the rest.
fn store_err(py: Python<'_>, e: verbatim_store::Error) -> PyErr {
    match e {
        verbatim_store::Error::InvalidQuery(m) => crate::raise(py, "QueryError", m),
        other => crate::raise(py, "StoreError", other.to_string()),
    }
}

/// `limit` as Python gives it: `None` for every row, else at least 1.
fn check_limit(limit: Option<i64>, offset: i64) -> PyResult<(Option<u64>, u64)> {
    let limit = match limit {
        None => None,
        Some(n) if n >= 1 => Some(n as u64),
        Some(n) => {
            return Err(PyValueError::new_err(format!(
                "limit must be a positive number of rows, or None for all of them, not {n}"
            )))
        }
    };
    let offset = u64::try_from(offset)
        .map_err(|_| PyValueError::new_err(format!("offset must be 0 or more, not {offset}")))?;
    Ok((limit, offset))
}

/// Every row of up to `limit` (all for `None`) from `offset` on, asking `PAGE` rows at a time.
fn rows<T>(
    limit: Option<u64>,
    offset: u64,
    mut page: impl FnMut(u64, u64) -> verbatim_store::Result<Page<T>>,
) -> verbatim_store::Result<Vec<T>> {
    let mut out = Vec::new();
    let mut at = offset;
    loop {
        let want = match limit {
            Some(n) => n - out.len() as u64,
            None => PAGE,
        };
        let got = page(want.min(PAGE), at)?;
        out.extend(got.items);
        match got.next_offset {
            Some(next) if limit.is_none_or(|n| (out.len() as u64) < n) => at = next,
            _ => return Ok(out),
        }
    }
}

fn order_of(sort: &str) -> PyResult<Order> {
    match sort {
        "date" => Ok(Order::Date),
        "relevance" => Ok(Order::Relevance),
        other => Err(PyValueError::new_err(format!(
            "sort must be \"date\" or \"relevance\", not {other:?}"
        ))),
    }
}

impl Store {
    /// Runs `f` on the open store without the GIL and converts its result to Python.
    fn with<T: Serialize + Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&mut verbatim_store::Store) -> verbatim_store::Result<T> + Send,
    ) -> PyResult<Py<PyAny>> {
        let result = self.run(py, f)?;
        crate::to_py(py, &result)
    }

    fn run<T: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&mut verbatim_store::Store) -> verbatim_store::Result<T> + Send,
    ) -> PyResult<T> {
        let inner = &self.inner;
        let result = py.detach(|| {
            let mut guard = inner.lock().unwrap_or_else(|p| p.into_inner());
            guard.as_mut().map(f)
        });
        match result {
            None => Err(crate::raise(py, "StoreError", "the store is closed")),
            Some(r) => r.map_err(|e| store_err(py, e)),
        }
    }
}

impl Store {
    /// Stores a batch of rows (one transaction) and empties it; adds up the reports.
    fn write(
        &self,
        py: Python<'_>,
        rows: &mut Vec<Prepared>,
        totals: &mut IngestReport,
    ) -> PyResult<()> {
        let report = self.run(py, |s| s.ingest_prepared(rows))?;
        rows.clear();
        totals.stored += report.stored;
        totals.duplicates += report.duplicates;
        totals.attributions += report.attributions;
        for (origin, message) in &report.warnings {
            crate::warn(py, &format!("{origin}: {message}"))?;
        }
        for (origin, message) in report.failed {
            crate::warn(py, &format!("{origin}: not stored: {message}"))?;
            totals.failed.push((origin, message));
        }
        Ok(())
    }
}

/// The rows of one analysed article, for the store.
fn prepared(
    article: &verbatim_core::Article,
    analysis: &verbatim_core::Analysis,
) -> Result<Prepared, String> {
    Ok(prepare(article, analysis))
}

#[pymethods]
impl Store {
    #[new]
    #[pyo3(signature = (target, create = true))]
    fn new(py: Python<'_>, target: &Bound<'_, PyAny>, create: bool) -> PyResult<Store> {
        let target: String = py
            .import("os")?
            .getattr("fspath")?
            .call1((target,))?
            .extract()?;
        if !create
            && !is_postgres_url(&target)
            && target != ":memory:"
            && !Path::new(&target).exists()
        {
            return Err(PyFileNotFoundError::new_err(format!(
                "no store at {target} (create=True makes one)"
            )));
        }
        let opened = py.detach(|| verbatim_store::Store::open(&target));
        let store = opened.map_err(|e| {
            crate::raise(py, "StoreError", format!("opening the store {target}: {e}"))
        })?;
        Ok(Store {
            inner: Mutex::new(Some(store)),
            target,
        })
    }

    /// What the store was opened with (a path, or a PostgreSQL URL).
    #[getter]
    fn target(&self) -> &str {
        &self.target
    }

    /// `"sqlite"` or `"postgres"`.
    #[getter]
    fn backend(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.with(py, |s| Ok(s.backend()))
    }

    /// Closes the store (later calls raise `StoreError`); closing twice is fine.
    fn close(&self, py: Python<'_>) {
        let inner = &self.inner;
        py.detach(|| {
            inner.lock().unwrap_or_else(|p| p.into_inner()).take();
        });
    }

    /// Analyses and stores items (as `extract_many` takes them), `batch` per transaction.
    #[pyo3(signature = (items, pipeline, jobs = 0, batch = 64))]
    fn _ingest<'py>(
        &self,
        py: Python<'py>,
        items: &Bound<'py, PyAny>,
        pipeline: PyRef<'py, Pipeline>,
        jobs: i64,
        batch: i64,
    ) -> PyResult<Bound<'py, PyDict>> {
        let jobs = check_jobs(jobs)?;
        let batch = usize::try_from(batch)
            .ok()
            .filter(|&b| b >= 1)
            .ok_or_else(|| {
                PyValueError::new_err(format!("batch must be at least 1, not {batch}"))
            })?;
        let mut feeder = Feeder::start(Arc::clone(&pipeline.inner), items, jobs, prepared)?;
        let mut totals = IngestReport::default();
        let mut rows: Vec<Prepared> = Vec::with_capacity(batch);
        while let Some((index, done)) = feeder.next(py)? {
            emit_warnings(py, Some(index), &done.warnings)?;
            match done.result {
                Ok(p) => rows.push(p),
                Err(message) => {
                    let origin = item_prefix(Some(index));
                    let origin = origin.trim_end_matches([':', ' ']).to_string();
                    crate::warn(py, &format!("{origin}: {message}; not stored"))?;
                    totals.failed.push((origin, message));
                }
            }
            if rows.len() >= batch {
                self.write(py, &mut rows, &mut totals)?;
            }
        }
        if !rows.is_empty() {
            self.write(py, &mut rows, &mut totals)?;
        }
        let dict = PyDict::new(py);
        dict.set_item("stored", totals.stored)?;
        dict.set_item("duplicates", totals.duplicates)?;
        dict.set_item("attributions", totals.attributions)?;
        dict.set_item("failed", totals.failed)?;
        Ok(dict)
    }

    /// Attributions with their article's metadata, newest first (or best match first).
    #[pyo3(signature = (*, speaker = None, search = None, outlet = None, since = None,
        until = None, kind = None, cue_class = None, speaker_id = None, article = None,
        cluster = None, min_confidence = None, sort = "date", limit = Some(20), offset = 0))]
    #[allow(clippy::too_many_arguments)]
    fn quotes(
        &self,
        py: Python<'_>,
        speaker: Option<String>,
        search: Option<String>,
        outlet: Option<String>,
        since: Option<String>,
        until: Option<String>,
        kind: Option<String>,
        cue_class: Option<String>,
        speaker_id: Option<i64>,
        article: Option<i64>,
        cluster: Option<i64>,
        min_confidence: Option<f64>,
        sort: &str,
        limit: Option<i64>,
        offset: i64,
    ) -> PyResult<Py<PyAny>> {
        let (limit, offset) = check_limit(limit, offset)?;
        let q = QuoteQuery {
            speaker,
            speaker_id,
            search,
            outlet,
            since,
            until,
            kind,
            cue_classes: cue_class
                .as_deref()
                .map_or_else(Vec::new, verbatim_store::split_list),
            article_id: article,
            cluster,
            min_confidence,
            order: order_of(sort)?,
            ..QuoteQuery::default()
        };
        self.with(py, |s| {
            rows(limit, offset, |limit, offset| {
                s.quotes(&QuoteQuery {
                    limit,
                    offset,
                    ..q.clone()
                })
            })
        })
    }

    /// Canonical speakers, most quoted first.
    #[pyo3(signature = (*, name = None, r#type = None, limit = Some(20), offset = 0))]
    fn speakers(
        &self,
        py: Python<'_>,
        name: Option<String>,
        r#type: Option<String>,
        limit: Option<i64>,
        offset: i64,
    ) -> PyResult<Py<PyAny>> {
        let (limit, offset) = check_limit(limit, offset)?;
        self.with(py, |s| {
            rows(limit, offset, |limit, offset| {
                s.speakers(&SpeakerQuery {
                    name: name.clone(),
                    kind: r#type.clone(),
                    limit,
                    offset,
                    ..SpeakerQuery::default()
                })
            })
        })
    }

    /// One speaker by store id, with its roles; `None` if there is none.
    fn speaker(&self, py: Python<'_>, id: i64) -> PyResult<Py<PyAny>> {
        self.with(py, |s| s.speaker(id))
    }

    /// Why the speakers known as `name` have the names they have.
    fn explain(&self, py: Python<'_>, name: String) -> PyResult<Py<PyAny>> {
        self.with(py, |s| s.explain(&name))
    }

    /// The whole article (text, entities, attributions) by store id (int) or input id (str).
    fn article(&self, py: Python<'_>, id: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let id = if let Ok(n) = id.extract::<i64>() {
            n.to_string()
        } else if let Ok(key) = id.extract::<String>() {
            key
        } else {
            return Err(pyo3::exceptions::PyTypeError::new_err(format!(
                "an article id is a store id (int) or an input id (str), not {}",
                id.get_type().name()?
            )));
        };
        self.with(py, |s| s.article(&id))
    }

    /// Articles (metadata only), newest first (or best match first with `search`).
    #[pyo3(signature = (*, search = None, outlet = None, since = None, until = None,
        sort = "date", limit = Some(20), offset = 0))]
    #[allow(clippy::too_many_arguments)]
    fn articles(
        &self,
        py: Python<'_>,
        search: Option<String>,
        outlet: Option<String>,
        since: Option<String>,
        until: Option<String>,
        sort: &str,
        limit: Option<i64>,
        offset: i64,
    ) -> PyResult<Py<PyAny>> {
        let (limit, offset) = check_limit(limit, offset)?;
        let q = ArticleQuery {
            search,
            outlet,
            since,
            until,
            order: order_of(sort)?,
            ..ArticleQuery::default()
        };
        self.with(py, |s| {
            rows(limit, offset, |limit, offset| {
                s.articles(&ArticleQuery {
                    limit,
                    offset,
                    ..q.clone()
                })
            })
        })
    }

    /// Quote clusters (one statement carried by several articles), largest first.
    #[pyo3(signature = (*, speaker = None, altered = false, min_size = 2, limit = Some(20),
        offset = 0))]
    fn clusters(
        &self,
        py: Python<'_>,
        speaker: Option<String>,
        altered: bool,
        min_size: u64,
        limit: Option<i64>,
        offset: i64,
    ) -> PyResult<Py<PyAny>> {
        let (limit, offset) = check_limit(limit, offset)?;
        self.with(py, |s| {
            rows(limit, offset, |limit, offset| {
                s.clusters(&ClusterQuery {
                    speaker: speaker.clone(),
                    altered,
                    min_size,
                    limit,
                    offset,
                    ..ClusterQuery::default()
                })
            })
        })
    }

    /// One cluster with every member's wording, earliest first; `None` if there is none.
    fn cluster(&self, py: Python<'_>, id: i64) -> PyResult<Py<PyAny>> {
        self.with(py, |s| s.cluster(id))
    }

    /// Row counts: articles, attributions, speakers, aliases, entities, clusters.
    fn stats(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.with(py, |s| s.stats())
    }

    fn __repr__(&self) -> String {
        format!("Store({:?})", self.target)
    }
}
