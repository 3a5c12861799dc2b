//! Reading inputs.

use crate::article::Article;
use std::path::PathBuf;

/// What reading the inputs yields, in input order.
#[derive(Debug)]
pub enum Event {
    Article(Box<Article>),
    /// Something odd that did not stop the item (e.g. invalid UTF-8 decoded lossily).
    Warning {
        origin: String,
        message: String,
    },
    /// An item that could not be read; reading goes on with the next one.
    Error {
        origin: String,
        message: String,
    },
}

/// Reads articles from paths (`-` is stdin).
pub struct Reader {
    paths: std::vec::IntoIter<PathBuf>,
    pending: std::collections::VecDeque<Event>,
}

impl Reader {
    pub fn new(paths: Vec<PathBuf>) -> Reader {
        Reader {
            paths: paths.into_iter(),
            pending: Default::default(),
        }
    }
}

impl Iterator for Reader {
    type Item = Event;
    fn next(&mut self) -> Option<Event> {
        loop {
            if let Some(e) = self.pending.pop_front() {
                return Some(e);
            }
            let path = self.paths.next()?;
            let origin = path.display().to_string();
            match std::fs::read_to_string(&path) {
                Ok(text) => {
                    let id = path
                        .file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    let meta = super::recognize(&text);
                    self.pending.push_back(Event::Article(Box::new(Article {
                        id,
                        text,
                        meta,
                        origin,
                    })));
                }
                Err(e) => self.pending.push_back(Event::Error {
                    origin,
                    message: e.to_string(),
                }),
            }
        }
    }
}
