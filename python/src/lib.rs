//! `verbatim._native`: the Rust half of the `verbatim` Python package.
//!
//! [`pipeline`] holds `Pipeline` (one article, or many in input order on worker threads),
//! [`article`] the `Article` class and `read`, [`store`] the `Store`. Records cross into
//! Python as the JSON the CLI prints (`verbatim_core::wire`), decoded by Python's `json`, so a
//! record from Python and a line from `verbatim extract` are the same data by construction.
//! The exception classes live in Python (`verbatim/_errors.py`, so they can also derive from
//! `ValueError`); [`raise`] builds them.

mod article;
mod items;
mod pipeline;
mod store;
mod stream;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyString;
use serde::Serialize;
use std::ffi::CString;

/// Python's `json.loads`, looked up once.
fn json_loads(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    static LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    LOADS
        .get_or_try_init(py, || {
            Ok::<_, PyErr>(py.import("json")?.getattr("loads")?.unbind())
        })
        .map(|f| f.bind(py))
}

/// A JSON document (as `verbatim` prints it) as Python objects.
fn loads(py: Python<'_>, json: &str) -> PyResult<Py<PyAny>> {
    Ok(json_loads(py)?.call1((PyString::new(py, json),))?.unbind())
}

/// A serialisable Rust value as Python objects (dicts keep the field order of the JSON).
fn to_py<T: Serialize>(py: Python<'_>, value: &T) -> PyResult<Py<PyAny>> {
    let json = verbatim_core::json::to_string(value)
        .map_err(|e| PyRuntimeError::new_err(format!("encoding a result: {e}")))?;
    loads(py, &json)
}

/// An exception of `verbatim._errors` (`Error`, `InputError`, `StoreError`, `QueryError`).
fn raise(py: Python<'_>, class: &str, message: impl Into<String>) -> PyErr {
    let message = message.into();
    match py
        .import("verbatim._errors")
        .and_then(|m| m.getattr(class))
        .and_then(|c| c.call1((message,)))
    {
        Ok(exc) => PyErr::from_value(exc),
        Err(e) => e,
    }
}

/// Emits `verbatim.InputWarning(message)` through Python's `warnings` (an error if the user
/// turned warnings into errors).
fn warn(py: Python<'_>, message: &str) -> PyResult<()> {
    let category = py.import("verbatim._errors")?.getattr("InputWarning")?;
    let text = CString::new(message.replace('\0', " "))
        .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
    PyErr::warn(py, &category, &text, 1)
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<pipeline::Pipeline>()?;
    m.add_class::<pipeline::Records>()?;
    m.add_class::<article::Article>()?;
    m.add_class::<article::Articles>()?;
    m.add_class::<store::Store>()?;
    m.add_function(wrap_pyfunction!(article::read, m)?)?;
    Ok(())
}
