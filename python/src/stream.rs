//! Many items through the pipeline: core's `parallel::map_ordered` on a thread of its own,
//! fed from a Python iterator and drained in input order, the GIL released while waiting.
//!
//! The Python iterator can only be advanced with the GIL, so the calling thread pulls and
//! converts items ([`input_from_py`]) and the map runs on a coordinator thread (which, with
//! one job, also does the work). `map_ordered` hands a result on only when it holds the next
//! item or the input has ended, so up to `2 × window` items are kept outstanding: more than
//! its window, which is what guarantees progress; memory stays bounded by that.

use crate::items::{analyze, input_from_py, Done, Input};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyIterator;
use std::sync::mpsc::{channel, sync_channel, Receiver, SyncSender};
use std::sync::Arc;
use verbatim_core::parallel::{default_window, effective_jobs, map_ordered};
use verbatim_core::{Analysis, Article, Pipeline};

/// Stack of the coordinator thread: with one job it extracts HTML pages, which recurse deeply
/// (the same as core's worker threads).
const COORDINATOR_STACK: usize = 64 << 20;

/// How an analysed article becomes the result of its item.
pub type Finish<R> = fn(&Article, &Analysis) -> Result<R, String>;

pub struct Feeder<R> {
    source: Py<PyIterator>,
    /// `None` once the source is exhausted (or failed): the map then drains.
    tx: Option<SyncSender<Input>>,
    /// Taken while waiting without the GIL, put back after.
    rx: Option<Receiver<Done<R>>>,
    sent: usize,
    received: usize,
    outstanding: usize,
    /// An error of the source or of converting an item, raised when its turn comes (after
    /// the results of the items before it).
    pending: Option<PyErr>,
}

impl<R: Send + 'static> Feeder<R> {
    /// Starts the map over `items` (any iterable) on `jobs` workers (0 = all cores).
    pub fn start(
        pipeline: Arc<Pipeline>,
        items: &Bound<'_, PyAny>,
        jobs: usize,
        finish: Finish<R>,
    ) -> PyResult<Feeder<R>> {
        let source = items.try_iter()?.unbind();
        let jobs = effective_jobs(jobs);
        let window = default_window(jobs);
        let (tx, in_rx) = sync_channel::<Input>(2 * window);
        let (out_tx, rx) = channel::<Done<R>>();
        std::thread::Builder::new()
            .name("verbatim-coordinator".into())
            .stack_size(COORDINATOR_STACK)
            .spawn(move || {
                // A send error means the consumer is gone: stop.
                let _ = map_ordered(
                    in_rx,
                    jobs,
                    window,
                    |input| analyze(&pipeline, input, finish),
                    |done| out_tx.send(done),
                );
            })
            .map_err(|e| PyRuntimeError::new_err(format!("starting a thread: {e}")))?;
        Ok(Feeder {
            source,
            tx: Some(tx),
            rx: Some(rx),
            sent: 0,
            received: 0,
            outstanding: 2 * window,
            pending: None,
        })
    }

    /// The next item's result in input order, with its index; `None` after the last one.
    pub fn next(&mut self, py: Python<'_>) -> PyResult<Option<(usize, Done<R>)>> {
        while self.sent - self.received < self.outstanding {
            let Some(tx) = &self.tx else { break };
            let mut source = self.source.bind(py).clone();
            let input = match source.next() {
                None => {
                    self.tx = None;
                    break;
                }
                Some(item) => item.and_then(|obj| input_from_py(&obj, Some(self.sent))),
            };
            match input.map(|input| tx.send(input)) {
                Ok(Ok(())) => self.sent += 1,
                Ok(Err(_)) => {
                    self.pending = Some(crate::raise(py, "Error", STOPPED));
                    self.tx = None;
                }
                Err(e) => {
                    self.pending = Some(e);
                    self.tx = None;
                }
            }
        }
        if self.received == self.sent {
            return match self.pending.take() {
                Some(e) => Err(e),
                None => Ok(None),
            };
        }
        let rx = self
            .rx
            .take()
            .ok_or_else(|| crate::raise(py, "Error", STOPPED))?;
        let (rx, done) = py.detach(move || {
            let done = rx.recv();
            (rx, done)
        });
        self.rx = Some(rx);
        match done {
            Ok(done) => {
                self.received += 1;
                Ok(Some((self.received - 1, done)))
            }
            Err(_) => {
                self.tx = None;
                self.sent = self.received;
                Err(crate::raise(py, "Error", STOPPED))
            }
        }
    }
}

const STOPPED: &str = "internal error: the analysis threads stopped (a bug in verbatim: \
                       please report it with the input)";
