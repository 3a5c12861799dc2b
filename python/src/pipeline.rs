//! `Pipeline`: the models, loaded once; one item with `_extract`, many with `_extract_many`
//! (the Python subclass in `verbatim/__init__.py` adds the keyword arguments).

use crate::items::{analyze, input_from_py, item_prefix, record_json, Done};
use crate::stream::Feeder;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use std::sync::{Arc, Mutex, TryLockError};

#[pyclass(subclass, module = "verbatim._native", name = "Pipeline")]
pub struct Pipeline {
    pub inner: Arc<verbatim_core::Pipeline>,
}

/// `jobs` as Python gives it: 0 for all cores, else at least 1.
pub fn check_jobs(jobs: i64) -> PyResult<usize> {
    usize::try_from(jobs).map_err(|_| {
        PyValueError::new_err(format!(
            "jobs must be 0 (all cores) or a positive number of threads, not {jobs}"
        ))
    })
}

/// Raises the warnings of an item through Python's `warnings`, prefixed with the item.
pub fn emit_warnings(py: Python<'_>, index: Option<usize>, warnings: &[String]) -> PyResult<()> {
    for w in warnings {
        crate::warn(py, &format!("{}{w}", item_prefix(index)))?;
    }
    Ok(())
}

#[pymethods]
impl Pipeline {
    #[new]
    fn new(py: Python<'_>) -> Pipeline {
        Pipeline {
            inner: py.detach(|| Arc::new(verbatim_core::Pipeline::new())),
        }
    }

    /// One item (a text, a dict or an Article) → its record.
    fn _extract(&self, py: Python<'_>, item: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let input = input_from_py(item, None)?;
        let pipeline = Arc::clone(&self.inner);
        let done = py.detach(move || analyze(&pipeline, input, record_json));
        record(py, None, done)
    }

    /// Many items → an iterator of records in input order.
    #[pyo3(signature = (items, jobs = 0, skip_failed = false))]
    fn _extract_many(
        &self,
        items: &Bound<'_, PyAny>,
        jobs: i64,
        skip_failed: bool,
    ) -> PyResult<Records> {
        let jobs = check_jobs(jobs)?;
        let feeder = Feeder::start(Arc::clone(&self.inner), items, jobs, record_json)?;
        Ok(Records {
            feeder: Mutex::new(feeder),
            skip_failed,
        })
    }
}

/// The record of a finished item as a dict, or `InputError` for an item that gave no article.
fn record(py: Python<'_>, index: Option<usize>, done: Done<String>) -> PyResult<Py<PyAny>> {
    emit_warnings(py, index, &done.warnings)?;
    match done.result {
        Ok(json) => crate::loads(py, &json),
        Err(message) => Err(crate::raise(
            py,
            "InputError",
            format!("{}{message}", item_prefix(index)),
        )),
    }
}

/// The iterator `extract_many` returns: records in input order.
#[pyclass(module = "verbatim._native")]
pub struct Records {
    feeder: Mutex<Feeder<String>>,
    skip_failed: bool,
}

#[pymethods]
impl Records {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        let mut feeder = match self.feeder.try_lock() {
            Ok(f) => f,
            Err(TryLockError::WouldBlock) => {
                return Err(PyRuntimeError::new_err(
                    "this extract_many iterator is already being advanced by another thread",
                ))
            }
            Err(TryLockError::Poisoned(p)) => p.into_inner(),
        };
        loop {
            let Some((index, done)) = feeder.next(py)? else {
                return Ok(None);
            };
            if self.skip_failed {
                if let Err(message) = &done.result {
                    emit_warnings(py, Some(index), &done.warnings)?;
                    crate::warn(py, &format!("item {index}: {message}; skipped"))?;
                    continue;
                }
            }
            return record(py, Some(index), done).map(Some);
        }
    }
}
