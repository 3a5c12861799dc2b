//! The threads that analyse posted articles: a fixed number of workers fed by a bounded queue,
//! apart from the async thread that accepts and reads connections and from the blocking pool
//! that runs store calls, so that a long analysis delays neither. A request waits for its
//! analysis at most the time budget; a full queue is refused at once.

use crate::error::{ApiError, Code};
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use verbatim_core::Pipeline;

/// What a worker runs: the job checks its own budget.
type Job = Box<dyn FnOnce(&Pipeline) + Send>;

/// When a job should stop: its deadline passed, its requester went away, or the server is
/// stopping. Work checks it between articles (one article's analysis is not interrupted; its
/// length is bounded by `max_article_bytes`).
pub struct Budget {
    deadline: Instant,
    timeout: Duration,
    abandoned: Arc<AtomicBool>,
    stopping: Arc<AtomicBool>,
}

impl Budget {
    pub fn exhausted(&self) -> bool {
        Instant::now() >= self.deadline
            || self.abandoned.load(Ordering::Relaxed)
            || self.stopping.load(Ordering::Relaxed)
    }

    /// The error of a job that stopped for its budget: the one the requester gets at the
    /// deadline, or that the server is stopping.
    pub fn exceeded(&self) -> ApiError {
        if self.stopping.load(Ordering::Relaxed) {
            return stopping();
        }
        over_budget(self.timeout)
    }
}

fn stopping() -> ApiError {
    ApiError::new(Code::Busy, "the server is stopping; nothing was stored")
}

fn over_budget(timeout: Duration) -> ApiError {
    ApiError::new(
        Code::AnalysisTimeout,
        format!(
            "the analysis took longer than the server's {} budget (analysis_timeout); nothing \
             was stored: send fewer or shorter articles per request",
            crate::config::TimeLimit(timeout)
        ),
    )
}

/// Sets its flag when dropped: the requester's future ended (answered, timed out, or the
/// client disconnected), so a job still queued or running for it may stop.
struct Abandon(Arc<AtomicBool>);

impl Drop for Abandon {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// The analysis workers and their queue.
#[derive(Clone)]
pub struct AnalysisPool {
    queue: SyncSender<Job>,
    timeout: Duration,
    queue_len: usize,
    stopping: Arc<AtomicBool>,
}

impl AnalysisPool {
    /// Starts `threads` workers sharing `pipeline`; `queue_len` jobs may wait beyond the ones
    /// running. The workers end when the last handle of the pool is dropped.
    pub fn start(
        pipeline: Arc<Pipeline>,
        threads: usize,
        queue_len: usize,
        timeout: Duration,
    ) -> std::io::Result<AnalysisPool> {
        let (queue, jobs) = sync_channel::<Job>(queue_len);
        let jobs = Arc::new(Mutex::new(jobs));
        for k in 0..threads.max(1) {
            let jobs = Arc::clone(&jobs);
            let pipeline = Arc::clone(&pipeline);
            std::thread::Builder::new()
                .name(format!("verbatim-analyse-{k}"))
                .spawn(move || work(&jobs, &pipeline))?;
        }
        Ok(AnalysisPool {
            queue,
            timeout,
            queue_len,
            stopping: Arc::new(AtomicBool::new(false)),
        })
    }

    /// Tells queued and running jobs to stop at their next check (the server is stopping).
    pub fn stop(&self) {
        self.stopping.store(true, Ordering::Relaxed);
    }

    /// Runs `job` on a worker and waits for its result, at most the time budget (queueing
    /// included). Errors: `busy` (503) when the queue is full or the job never started within
    /// the budget, `analysis_timeout` (422) when it started and did not finish.
    pub async fn run<T, F>(&self, job: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Pipeline, &Budget) -> Result<T, ApiError> + Send + 'static,
    {
        let deadline = Instant::now() + self.timeout;
        let abandoned = Arc::new(AtomicBool::new(false));
        let started = Arc::new(AtomicBool::new(false));
        let budget = Budget {
            deadline,
            timeout: self.timeout,
            abandoned: Arc::clone(&abandoned),
            stopping: Arc::clone(&self.stopping),
        };
        let (tx, rx) = tokio::sync::oneshot::channel();
        let started_flag = Arc::clone(&started);
        let boxed: Job = Box::new(move |pipeline| {
            started_flag.store(true, Ordering::Relaxed);
            if !budget.exhausted() {
                let _ = tx.send(job(pipeline, &budget));
            }
        });
        let _abandon = Abandon(abandoned);
        match self.queue.try_send(boxed) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                return Err(ApiError::new(
                    Code::Busy,
                    format!(
                        "every analysis thread is busy and {} requests are waiting; retry later",
                        self.queue_len
                    ),
                ))
            }
            Err(TrySendError::Disconnected(_)) => {
                return Err(ApiError::internal("the analysis threads have stopped"))
            }
        }
        match tokio::time::timeout_at(deadline.into(), rx).await {
            Ok(Ok(result)) => result,
            Ok(Err(_)) if self.stopping.load(Ordering::Relaxed) => Err(stopping()),
            Ok(Err(_)) => Err(ApiError::internal(
                "an analysis job ended without a result (a panic, see above)",
            )),
            Err(_) if started.load(Ordering::Relaxed) => Err(over_budget(self.timeout)),
            Err(_) => Err(ApiError::new(
                Code::Busy,
                format!(
                    "the analysis threads were busy for the whole {} budget; nothing was \
                     stored, retry later",
                    crate::config::TimeLimit(self.timeout)
                ),
            )),
        }
    }
}

/// A worker: takes jobs until the pool is dropped. A panicking job loses its result (its
/// requester gets a 500) but not the thread.
fn work(jobs: &Mutex<Receiver<Job>>, pipeline: &Pipeline) {
    loop {
        let next = jobs.lock().unwrap_or_else(PoisonError::into_inner).recv();
        let Ok(job) = next else { return };
        let _ = std::panic::catch_unwind(AssertUnwindSafe(|| job(pipeline)));
    }
}
