//! An ordered parallel map with back-pressure, on std threads and channels.
//!
//! [`map_ordered`] reads items from an iterator on the calling thread, runs `f` on `jobs`
//! worker threads, and hands the results to `sink` on the calling thread **in input order**.
//! At most `window` items are between the iterator and the sink at any time (queued, being
//! processed, or finished and waiting for an earlier one), so memory stays flat however long
//! the input is, and a slow sink slows the reading down.
//!
//! ```
//! use verbatim_core::parallel::map_ordered;
//! let mut out = Vec::new();
//! map_ordered(1..=100u64, 4, 16, |x| x * x, |y| -> Result<(), ()> {
//!     out.push(y);
//!     Ok(())
//! })
//! .unwrap();
//! assert_eq!(out, (1..=100u64).map(|x| x * x).collect::<Vec<_>>());
//! ```

use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Mutex};
use std::thread;

/// Stack size of the worker threads: deep HTML trees recurse deeply.
const WORKER_STACK: usize = 64 << 20;

/// `jobs` as given, or all cores for 0.
pub fn effective_jobs(jobs: usize) -> usize {
    if jobs > 0 {
        jobs
    } else {
        thread::available_parallelism().map_or(1, |n| n.get())
    }
}

/// A sensible in-flight window for `jobs` workers: enough queued work to keep every worker
/// busy while the reader and the sink take their turns.
pub fn default_window(jobs: usize) -> usize {
    effective_jobs(jobs).saturating_mul(4).max(4)
}

/// Maps `f` over `items` on `jobs` worker threads (0 = all cores) and passes the results to
/// `sink` in input order, with at most `window` (at least 1) items in flight.
///
/// The iterator and the sink run on the calling thread; with one job `f` does too (no thread is
/// started), so `jobs = 1` is truly single-threaded. The first error of `sink` stops the
/// reading; items already in flight are dropped unprocessed where possible, and the error is
/// returned. A panic in `f` is propagated to the caller once the workers have stopped.
pub fn map_ordered<I, T, R, E, F, S>(
    items: I,
    jobs: usize,
    window: usize,
    f: F,
    mut sink: S,
) -> Result<(), E>
where
    I: IntoIterator<Item = T>,
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
    S: FnMut(R) -> Result<(), E>,
{
    let jobs = effective_jobs(jobs);
    if jobs == 1 {
        // One job: everything on the calling thread, item by item.
        for item in items {
            sink(f(item))?;
        }
        return Ok(());
    }
    let window = window.max(1);
    let stop = AtomicBool::new(false);
    let (job_tx, job_rx) = mpsc::sync_channel::<(usize, T)>(window);
    let job_rx = Mutex::new(job_rx);
    let (res_tx, res_rx) = mpsc::channel::<(usize, thread::Result<R>)>();
    thread::scope(|scope| {
        for i in 0..jobs {
            let res_tx = res_tx.clone();
            let (job_rx, f, stop) = (&job_rx, &f, &stop);
            thread::Builder::new()
                .name(format!("verbatim-worker-{i}"))
                .stack_size(WORKER_STACK)
                .spawn_scoped(scope, move || loop {
                    let next = match job_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok((seq, item)) = next else { return };
                    if stop.load(Ordering::Relaxed) {
                        continue;
                    }
                    let result = panic::catch_unwind(AssertUnwindSafe(|| f(item)));
                    if res_tx.send((seq, result)).is_err() {
                        return;
                    }
                })
                .expect("spawning a worker thread");
        }
        drop(res_tx);
        let mut order = Reorder {
            next: 0,
            done: BTreeMap::new(),
        };
        let mut sent = 0usize;
        let mut outcome = Ok(());
        let mut job_tx = Some(job_tx);
        for item in items {
            while sent - order.next >= window {
                outcome = order.receive(&res_rx, &mut sink);
                if outcome.is_err() {
                    break;
                }
            }
            if outcome.is_err() {
                break;
            }
            let Some(tx) = &job_tx else { break };
            if tx.send((sent, item)).is_err() {
                break;
            }
            sent += 1;
        }
        // No more input: let the workers finish what is queued and exit.
        job_tx.take();
        if outcome.is_err() {
            stop.store(true, Ordering::Relaxed);
            return outcome;
        }
        while order.next < sent {
            outcome = order.receive(&res_rx, &mut sink);
            if outcome.is_err() {
                stop.store(true, Ordering::Relaxed);
                break;
            }
        }
        outcome
    })
}

/// Results that arrived early, waiting for the ones before them.
struct Reorder<R> {
    next: usize,
    done: BTreeMap<usize, R>,
}

impl<R> Reorder<R> {
    /// Waits for one result, then passes every result now in order to the sink.
    fn receive<E>(
        &mut self,
        rx: &mpsc::Receiver<(usize, thread::Result<R>)>,
        sink: &mut impl FnMut(R) -> Result<(), E>,
    ) -> Result<(), E> {
        let (seq, result) = rx
            .recv()
            .expect("a worker thread ended with items in flight");
        match result {
            Ok(r) => {
                self.done.insert(seq, r);
            }
            Err(payload) => panic::resume_unwind(payload),
        }
        while let Some(r) = self.done.remove(&self.next) {
            self.next += 1;
            sink(r)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    fn check(n: usize, jobs: usize, window: usize) {
        let mut out = Vec::new();
        let r: Result<(), ()> = map_ordered(
            0..n,
            jobs,
            window,
            |x| {
                // Uneven work, so results finish out of order.
                if x % 7 == 0 {
                    thread::sleep(std::time::Duration::from_micros(200));
                }
                x * 3
            },
            |y| {
                out.push(y);
                Ok(())
            },
        );
        assert!(r.is_ok());
        assert_eq!(
            out,
            (0..n).map(|x| x * 3).collect::<Vec<_>>(),
            "{n} {jobs} {window}"
        );
    }

    #[test]
    fn results_come_in_input_order() {
        for (n, jobs, window) in [
            (0, 1, 1),
            (1, 1, 1),
            (10, 1, 1),
            (10, 4, 1),
            (100, 2, 3),
            (100, 4, 16),
            (1000, 3, 8),
            (50, 8, 100),
            (5, 0, 0),
        ] {
            check(n, jobs, window);
        }
    }

    #[test]
    fn in_flight_items_never_exceed_the_window() {
        for (jobs, window) in [(1, 1), (2, 2), (4, 3), (3, 10)] {
            let in_flight = AtomicUsize::new(0);
            let max_seen = AtomicUsize::new(0);
            let items = (0..300).inspect(|_| {
                let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                max_seen.fetch_max(now, Ordering::SeqCst);
            });
            let r: Result<(), ()> = map_ordered(
                items,
                jobs,
                window,
                |x: i32| x,
                |_| {
                    in_flight.fetch_sub(1, Ordering::SeqCst);
                    Ok(())
                },
            );
            assert!(r.is_ok());
            // The iterator yields one item before waiting for room for it.
            let max = max_seen.load(Ordering::SeqCst);
            assert!(max <= window + 1, "jobs {jobs} window {window}: {max}");
        }
    }

    #[test]
    fn a_sink_error_stops_the_reading() {
        let pulled = AtomicUsize::new(0);
        let items = (0..100_000).inspect(|_| {
            pulled.fetch_add(1, Ordering::SeqCst);
        });
        let mut seen = 0;
        let r = map_ordered(
            items,
            2,
            4,
            |x: i32| x,
            |x| {
                seen += 1;
                if x == 10 {
                    Err(x)
                } else {
                    Ok(())
                }
            },
        );
        assert_eq!(r, Err(10));
        assert_eq!(seen, 11);
        assert!(pulled.load(Ordering::SeqCst) < 100);
    }

    #[test]
    fn a_panic_in_f_reaches_the_caller() {
        let r = panic::catch_unwind(|| {
            let _ = map_ordered(
                0..50,
                3,
                4,
                |x: i32| {
                    assert!(x != 20, "boom");
                    x
                },
                |_| -> Result<(), ()> { Ok(()) },
            );
        });
        assert!(r.is_err());
    }

    #[test]
    fn effective_jobs_defaults_to_all_cores() {
        assert_eq!(effective_jobs(3), 3);
        assert!(effective_jobs(0) >= 1);
        assert!(default_window(1) >= 4);
    }
}
