//! The one-line progress report of `extract`, `parse` and `ingest`: on stderr, only when
//! stderr is a terminal (never in piped or redirected output), redrawn at most every 250 ms.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// No ETA before this much time has passed: the first articles (model loading, a slow
/// first file) say little about the rest.
const ETA_MIN_SECS: f64 = 2.0;
/// No ETA before this share of the input is done.
const ETA_MIN_DONE: f64 = 0.01;

pub struct Progress {
    enabled: bool,
    /// Bytes of the plain input files, when known: the bar and the ETA.
    total_bytes: Option<u64>,
    start: Instant,
    last: Instant,
    n_articles: u64,
    /// Bytes read from the input files so far (the reader's counter).
    bytes_read: Arc<AtomicU64>,
}

impl Progress {
    /// A report over inputs of `total_bytes` (see [`total_input_bytes`]) of which
    /// `bytes_read` have been read ([`Reader::bytes_read`](verbatim_core::ingest::Reader));
    /// silent unless stderr is a terminal.
    pub fn new(total_bytes: Option<u64>, bytes_read: Arc<AtomicU64>) -> Progress {
        let now = Instant::now();
        Progress {
            enabled: std::io::stderr().is_terminal(),
            total_bytes,
            start: now,
            last: now,
            n_articles: 0,
            bytes_read,
        }
    }

    /// One more article done.
    pub fn article(&mut self) {
        self.n_articles += 1;
        if !self.enabled || self.last.elapsed() < Duration::from_millis(250) {
            return;
        }
        self.last = Instant::now();
        let done = self
            .total_bytes
            .filter(|&t| t > 0)
            .map(|t| (self.bytes_read.load(Ordering::Relaxed) as f64 / t as f64).min(1.0));
        let line = status_line(self.n_articles, self.start.elapsed().as_secs_f64(), done);
        eprint!("\r\x1b[2K{line}");
    }

    /// Clears the line (before a message, and at the end).
    pub fn clear(&self) {
        if self.enabled && self.n_articles > 0 {
            eprint!("\r\x1b[2K");
        }
    }
}

/// The report after `n_articles` in `secs`, `done` the share of the input when known.
fn status_line(n_articles: u64, secs: f64, done: Option<f64>) -> String {
    let rate = n_articles as f64 / secs.max(1e-9);
    let counts = format!("{n_articles} articles, {rate:.0} articles/s");
    let Some(done) = done else {
        return counts;
    };
    let width = 30;
    let filled = ((done * width as f64) as usize).min(width);
    let eta = eta(secs, done).map_or_else(|| "--".to_string(), clock);
    format!(
        "[{}{}] {:>3.0}%  {counts}, ETA {eta}",
        "#".repeat(filled),
        "-".repeat(width - filled),
        done * 100.0
    )
}

/// Seconds left when `done` of the work took `secs`: `None` until at least
/// [`ETA_MIN_SECS`] have passed and [`ETA_MIN_DONE`] is done, since an estimate from the first
/// moments is wild.
fn eta(secs: f64, done: f64) -> Option<f64> {
    (secs >= ETA_MIN_SECS && done >= ETA_MIN_DONE).then(|| secs * (1.0 - done) / done)
}

fn clock(secs: f64) -> String {
    let s = secs.round() as u64;
    format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// Bytes of the input files as stored, for the bar and the ETA; `None` when stdin is an input.
pub fn total_input_bytes(paths: &[PathBuf]) -> Option<u64> {
    fn walk(p: &Path, total: &mut u64) -> Option<()> {
        let meta = std::fs::metadata(p).ok()?;
        if meta.is_dir() {
            for entry in std::fs::read_dir(p).ok()? {
                walk(&entry.ok()?.path(), total)?;
            }
        } else {
            *total += meta.len();
        }
        Some(())
    }
    let mut total = 0;
    for p in paths {
        if p.as_os_str() == "-" {
            return None;
        }
        walk(p, &mut total)?;
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eta_waits_for_enough_work() {
        let check = |secs: f64, done: f64, expected: Option<f64>| {
            assert_eq!(eta(secs, done), expected, "{secs} s, {done} done")
        };
        // The first article after 0.3 s, 0.1% of the input: no estimate (it would say 5 min).
        check(0.3, 0.001, None);
        // Two seconds in but under 1% done, or 10% done within a second: still none.
        check(5.0, 0.005, None);
        check(0.9, 0.1, None);
        check(2.0, 0.01, Some(198.0));
        check(10.0, 0.5, Some(10.0));
        check(30.0, 1.0, Some(0.0));
    }

    #[test]
    fn status_lines() {
        assert_eq!(status_line(12, 0.5, None), "12 articles, 24 articles/s");
        assert_eq!(
            status_line(3, 0.5, Some(0.002)),
            "[------------------------------]   0%  3 articles, 6 articles/s, ETA --"
        );
        assert_eq!(
            status_line(500, 20.0, Some(0.25)),
            "[#######-----------------------]  25%  500 articles, 25 articles/s, ETA 0:01:00"
        );
        assert!(
            status_line(1000, 40.0, Some(1.0)).starts_with(&format!("[{}] 100%", "#".repeat(30)))
        );
        assert_eq!(clock(0.0), "0:00:00");
        assert_eq!(clock(61.4), "0:01:01");
        assert_eq!(clock(3725.4), "1:02:05");
    }
}
