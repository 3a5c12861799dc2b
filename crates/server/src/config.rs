//! The server's configuration: a serde struct (a JSON file or CLI flags fill it) checked once
//! into the settings the server runs with.

use serde::{Deserialize, Serialize};
use std::net::SocketAddr;

/// How to run the server. Unknown fields are an error, so a typo in a config file is caught.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Address to listen on; port 0 picks a free port.
    pub addr: String,
    /// The store: a SQLite file or a `postgres://` URL.
    pub db: String,
    /// The bearer token `POST /api/articles` requires. `None`: the server is read-only.
    pub token: Option<String>,
    /// The largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Page size when a request gives no `limit`.
    pub default_page_size: u64,
    /// The largest `limit` a request may ask for.
    pub max_page_size: u64,
    /// Store handles kept open between requests.
    pub pool_size: usize,
    /// Threads that run store queries and analysis (tokio's blocking pool).
    pub blocking_threads: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            addr: "127.0.0.1:8080".into(),
            db: "verbatim.db".into(),
            token: None,
            max_body_bytes: 10 << 20,
            default_page_size: 20,
            max_page_size: 500,
            pool_size: 8,
            blocking_threads: 8,
        }
    }
}

/// Why a configuration cannot run.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("addr {0:?}: expected IP:PORT, e.g. 127.0.0.1:8080")]
    Addr(String),
    #[error("db: {0}")]
    Db(String),
    #[error("token: {0}")]
    Token(String),
    #[error("{0}")]
    Limit(String),
}

/// A configuration that passed [`ServerConfig::check`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    pub addr: SocketAddr,
    pub db: String,
    pub token: Option<String>,
    pub max_body_bytes: usize,
    pub default_page_size: u64,
    pub max_page_size: u64,
    pub pool_size: usize,
    pub blocking_threads: usize,
}

/// The largest page the store returns (`verbatim_store`'s `MAX_LIMIT`, which it does not
/// export); a larger `limit` would be silently cut.
pub const STORE_MAX_LIMIT: u64 = 100_000;

/// The shortest token accepted: a guessable token is no protection.
pub const MIN_TOKEN_LEN: usize = 16;

impl ServerConfig {
    /// Checks every field (not the store itself: [`crate::Server::new`] opens it).
    pub fn check(&self) -> Result<Checked, ConfigError> {
        let addr: SocketAddr = self
            .addr
            .trim()
            .parse()
            .map_err(|_| ConfigError::Addr(self.addr.clone()))?;
        let db = self.db.trim();
        if db.is_empty() {
            return Err(ConfigError::Db("empty".into()));
        }
        if db == ":memory:" {
            return Err(ConfigError::Db(
                ":memory: is private to one connection; give a file or a postgres:// URL".into(),
            ));
        }
        let token = match &self.token {
            None => None,
            Some(t) if t.chars().count() < MIN_TOKEN_LEN => {
                return Err(ConfigError::Token(format!(
                    "at least {MIN_TOKEN_LEN} characters"
                )))
            }
            Some(t) if !t.chars().all(|c| c.is_ascii_graphic()) => {
                return Err(ConfigError::Token(
                    "printable ASCII without spaces only (it travels in an HTTP header)".into(),
                ))
            }
            Some(t) => Some(t.clone()),
        };
        let max_limit = STORE_MAX_LIMIT;
        if self.max_page_size == 0 || self.max_page_size > max_limit {
            return Err(ConfigError::Limit(format!(
                "max_page_size {}: expected 1..={max_limit}",
                self.max_page_size
            )));
        }
        if self.default_page_size == 0 || self.default_page_size > self.max_page_size {
            return Err(ConfigError::Limit(format!(
                "default_page_size {}: expected 1..=max_page_size ({})",
                self.default_page_size, self.max_page_size
            )));
        }
        if self.max_body_bytes < 1024 {
            return Err(ConfigError::Limit(format!(
                "max_body_bytes {}: expected at least 1024",
                self.max_body_bytes
            )));
        }
        if self.pool_size == 0 || self.blocking_threads == 0 {
            return Err(ConfigError::Limit(
                "pool_size and blocking_threads must be at least 1".into(),
            ));
        }
        Ok(Checked {
            addr,
            db: db.to_string(),
            token,
            max_body_bytes: self.max_body_bytes,
            default_page_size: self.default_page_size,
            max_page_size: self.max_page_size,
            pool_size: self.pool_size,
            blocking_threads: self.blocking_threads,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(json: &str, expected: Result<(), &str>) {
        let config: ServerConfig = match serde_json::from_str(json) {
            Ok(c) => c,
            Err(e) => {
                let e = e.to_string();
                match expected {
                    Err(want) => assert!(e.contains(want), "{json}: {e}"),
                    Ok(()) => panic!("{json}: {e}"),
                }
                return;
            }
        };
        match (config.check(), expected) {
            (Ok(_), Ok(())) => {}
            (Err(e), Err(want)) => assert!(e.to_string().contains(want), "{json}: {e}"),
            (got, want) => panic!("{json}: got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn configs_are_checked() {
        check("{}", Ok(()));
        check(r#"{"addr": "0.0.0.0:0", "db": "x.db"}"#, Ok(()));
        check(r#"{"addr": "[::1]:8080"}"#, Ok(()));
        check(r#"{"addr": "localhost:8080"}"#, Err("addr"));
        check(r#"{"addr": "127.0.0.1"}"#, Err("addr"));
        check(r#"{"db": ""}"#, Err("db: empty"));
        check(r#"{"db": ":memory:"}"#, Err(":memory:"));
        check(r#"{"token": "short"}"#, Err("at least 16"));
        check(r#"{"token": "0123456789abcdef"}"#, Ok(()));
        check(r#"{"token": "0123456789 abcdef"}"#, Err("printable ASCII"));
        check(r#"{"token": "0123456789abcdéf"}"#, Err("printable ASCII"));
        check(r#"{"max_page_size": 0}"#, Err("max_page_size"));
        check(r#"{"max_page_size": 100001}"#, Err("max_page_size"));
        check(r#"{"default_page_size": 600}"#, Err("default_page_size"));
        check(r#"{"default_page_size": 0}"#, Err("default_page_size"));
        check(r#"{"max_body_bytes": 10}"#, Err("max_body_bytes"));
        check(r#"{"pool_size": 0}"#, Err("pool_size"));
        check(r#"{"adr": "127.0.0.1:1"}"#, Err("unknown field `adr`"));
        check(r#"{"token": 5}"#, Err("invalid type"));
    }

    #[test]
    fn defaults_listen_on_loopback() {
        let c = ServerConfig::default().check().unwrap();
        assert!(c.addr.ip().is_loopback());
        assert_eq!(c.addr.port(), 8080);
        assert_eq!(c.token, None);
    }
}
