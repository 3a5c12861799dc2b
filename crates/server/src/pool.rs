//! A small pool of store handles. A `Store` is a blocking connection (rusqlite or the sync
//! postgres client), so each use runs on tokio's blocking pool and takes a handle from here,
//! opening a new one when none is idle. A handle whose use failed with anything but a bad
//! query is dropped rather than reused (the connection may be broken).

use crate::error::ApiError;
use std::sync::{Arc, Mutex, PoisonError};
use verbatim_store::Store;

#[derive(Clone)]
pub struct Pool {
    inner: Arc<Inner>,
}

struct Inner {
    target: String,
    idle: Mutex<Vec<Store>>,
    max_idle: usize,
}

impl Drop for Inner {
    /// The last handle of the pool may go away on the async thread (when the server stops),
    /// where a PostgreSQL client may not be dropped (it blocks on its own runtime): drop the
    /// idle stores on a plain thread.
    fn drop(&mut self) {
        let idle = std::mem::take(self.idle.get_mut().unwrap_or_else(PoisonError::into_inner));
        if idle.is_empty() {
            return;
        }
        if tokio::runtime::Handle::try_current().is_ok() {
            let _ = std::thread::spawn(move || drop(idle)).join();
        }
    }
}

impl Pool {
    /// A pool over `target`, with one handle opened now (so a bad target fails at start).
    pub fn open(target: &str, max_idle: usize) -> verbatim_store::Result<Pool> {
        let first = Store::open(target)?;
        Ok(Pool {
            inner: Arc::new(Inner {
                target: target.to_string(),
                idle: Mutex::new(vec![first]),
                max_idle: max_idle.max(1),
            }),
        })
    }

    fn take(&self) -> verbatim_store::Result<Store> {
        let idle = self
            .inner
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        match idle {
            Some(store) => Ok(store),
            None => Store::open(&self.inner.target),
        }
    }

    fn give_back(&self, store: Store) {
        let mut idle = self
            .inner
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if idle.len() < self.inner.max_idle {
            idle.push(store);
        }
    }

    /// Runs `f` with a store handle on the blocking pool.
    pub async fn run<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, ApiError> + Send + 'static,
    {
        let pool = self.clone();
        let joined = tokio::task::spawn_blocking(move || {
            let mut store = pool.take().map_err(ApiError::internal)?;
            let result = f(&mut store);
            let reusable = match &result {
                Ok(_) => true,
                Err(e) => e.code != crate::error::Code::Internal,
            };
            if reusable {
                pool.give_back(store);
            }
            result
        })
        .await;
        match joined {
            Ok(result) => result,
            // A panic in a store call or in analysis: the handle is dropped with the task.
            Err(e) => Err(ApiError::internal(format!("task failed: {e}"))),
        }
    }
}
