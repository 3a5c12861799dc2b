//! The server's configuration: a serde struct (a JSON file or CLI flags fill it) checked once
//! into the settings the server runs with.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;
use verbatim_core::ingest::Limits;

/// A time limit, written `30s`, `1.5s`, `500ms` or `2m` (flags and config files alike).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimeLimit(pub Duration);

impl TimeLimit {
    pub const fn secs(n: u64) -> TimeLimit {
        TimeLimit(Duration::from_secs(n))
    }
}

impl std::str::FromStr for TimeLimit {
    type Err = String;

    fn from_str(s: &str) -> Result<TimeLimit, String> {
        let s = s.trim();
        let split = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(s.len());
        let (number, unit) = s.split_at(split);
        let scale = match unit.trim() {
            "ms" => 0.001,
            "s" | "" => 1.0,
            "m" | "min" => 60.0,
            _ => {
                return Err(format!(
                    "{s:?}: expected a time such as 30s, 1.5s, 500ms or 2m"
                ))
            }
        };
        match number.parse::<f64>() {
            Ok(n) if n.is_finite() && n * scale <= 86_400.0 => {
                Ok(TimeLimit(Duration::from_secs_f64(n * scale)))
            }
            _ => Err(format!(
                "{s:?}: expected a time such as 30s, 1.5s, 500ms or 2m (at most a day)"
            )),
        }
    }
}

impl std::fmt::Display for TimeLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ms = self.0.as_millis();
        if ms.is_multiple_of(1000) {
            write!(f, "{}s", ms / 1000)
        } else {
            write!(f, "{ms}ms")
        }
    }
}

impl Serialize for TimeLimit {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TimeLimit {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<TimeLimit, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

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
    /// A file holding the token (its first line), so that the secret is in no process listing.
    pub token_file: Option<PathBuf>,
    /// The largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// The longest article text of a request, in bytes (as `ingest --max-article-bytes`).
    pub max_article_bytes: usize,
    /// How long the analysis of one request may take, queueing included.
    pub analysis_timeout: TimeLimit,
    /// Threads that analyse posted articles (apart from the threads that answer reads).
    pub analysis_threads: usize,
    /// Requests that may wait for an analysis thread; more are refused with 503.
    pub analysis_queue: usize,
    /// How long a client may take to send a request's head, from its first byte.
    pub header_timeout: TimeLimit,
    /// How long a request body may take to arrive.
    pub body_timeout: TimeLimit,
    /// How long an open connection may sit without a request.
    pub idle_timeout: TimeLimit,
    /// Connections open at once; past it the longest idle one is closed to make room.
    pub max_connections: usize,
    /// On SIGTERM/Ctrl-C, how long open requests may take to finish before they are cut.
    pub shutdown_timeout: TimeLimit,
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
            token_file: None,
            max_body_bytes: 10 << 20,
            max_article_bytes: Limits::MAX_ARTICLE_BYTES,
            analysis_timeout: TimeLimit::secs(30),
            analysis_threads: default_analysis_threads(),
            analysis_queue: 8,
            header_timeout: TimeLimit::secs(10),
            body_timeout: TimeLimit::secs(30),
            idle_timeout: TimeLimit::secs(60),
            max_connections: 512,
            shutdown_timeout: TimeLimit::secs(5),
            default_page_size: 20,
            max_page_size: 500,
            pool_size: 8,
            blocking_threads: 8,
        }
    }
}

/// One analysis thread per core but one, which is left to the threads that answer reads.
pub fn default_analysis_threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get().saturating_sub(1))
        .max(1)
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
    pub max_article_bytes: usize,
    pub analysis_timeout: Duration,
    pub analysis_threads: usize,
    pub analysis_queue: usize,
    pub header_timeout: Duration,
    pub body_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_connections: usize,
    pub shutdown_timeout: Duration,
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
        let from_file = match (&self.token, &self.token_file) {
            (Some(_), Some(_)) => {
                return Err(ConfigError::Token(
                    "give the token or a token file, not both".into(),
                ))
            }
            (None, Some(path)) => Some(read_token_file(path)?),
            _ => None,
        };
        let token = match from_file.as_ref().or(self.token.as_ref()) {
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
        if self.max_article_bytes == 0 {
            return Err(ConfigError::Limit(
                "max_article_bytes 0: expected at least 1".into(),
            ));
        }
        if self.pool_size == 0
            || self.blocking_threads == 0
            || self.analysis_threads == 0
            || self.max_connections == 0
        {
            return Err(ConfigError::Limit(
                "pool_size, blocking_threads, analysis_threads and max_connections must be at least 1"
                    .into(),
            ));
        }
        let timeouts = [
            ("analysis_timeout", self.analysis_timeout),
            ("header_timeout", self.header_timeout),
            ("body_timeout", self.body_timeout),
            ("idle_timeout", self.idle_timeout),
        ];
        if let Some((name, t)) = timeouts
            .iter()
            .find(|(_, t)| t.0 < Duration::from_millis(10))
        {
            return Err(ConfigError::Limit(format!(
                "{name} {t}: expected at least 10ms"
            )));
        }
        Ok(Checked {
            addr,
            db: db.to_string(),
            token,
            max_body_bytes: self.max_body_bytes,
            max_article_bytes: self.max_article_bytes,
            analysis_timeout: self.analysis_timeout.0,
            analysis_threads: self.analysis_threads,
            analysis_queue: self.analysis_queue,
            header_timeout: self.header_timeout.0,
            body_timeout: self.body_timeout.0,
            idle_timeout: self.idle_timeout.0,
            max_connections: self.max_connections,
            shutdown_timeout: self.shutdown_timeout.0,
            default_page_size: self.default_page_size,
            max_page_size: self.max_page_size,
            pool_size: self.pool_size,
            blocking_threads: self.blocking_threads,
        })
    }
}

/// The token in `path`: its first line, without the line end. The file must be readable by
/// its owner only, as an SSH key must, since it holds the secret.
fn read_token_file(path: &std::path::Path) -> Result<String, ConfigError> {
    let shown = path.display();
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError::Token(format!("reading the token file {shown}: {e}")))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map_err(|e| ConfigError::Token(format!("the token file {shown}: {e}")))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(ConfigError::Token(format!(
                "the token file {shown} is readable by others (mode {:o}): chmod 600 it",
                mode & 0o777
            )));
        }
    }
    let token = text.lines().next().unwrap_or("").trim_end_matches('\r');
    if token.is_empty() {
        return Err(ConfigError::Token(format!(
            "the token file {shown} is empty"
        )));
    }
    Ok(token.to_string())
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
        check(r#"{"max_article_bytes": 0}"#, Err("max_article_bytes"));
        check(r#"{"analysis_threads": 0}"#, Err("analysis_threads"));
        check(r#"{"max_connections": 0}"#, Err("max_connections"));
        check(r#"{"header_timeout": "1ms"}"#, Err("header_timeout 1ms"));
        check(
            r#"{"idle_timeout": "1.5s", "body_timeout": "500ms"}"#,
            Ok(()),
        );
        check(r#"{"analysis_timeout": "2m"}"#, Ok(()));
        check(r#"{"analysis_timeout": 30}"#, Err("invalid type"));
        check(
            r#"{"analysis_timeout": "30 parsecs"}"#,
            Err("expected a time"),
        );
        check(
            r#"{"token": "0123456789abcdef", "token_file": "/t"}"#,
            Err("not both"),
        );
        check(
            r#"{"token_file": "/nonexistent/token"}"#,
            Err("reading the token file /nonexistent/token"),
        );
    }

    fn check_time(text: &str, expected: Result<Duration, &str>) {
        match (text.parse::<TimeLimit>(), expected) {
            (Ok(t), Ok(d)) => {
                assert_eq!(t.0, d, "{text}");
                assert_eq!(t.to_string().parse::<TimeLimit>(), Ok(t), "{text}");
            }
            (Err(e), Err(part)) => assert!(e.contains(part), "{text}: {e}"),
            (got, want) => panic!("{text}: got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn time_limits_read_units() {
        check_time("30s", Ok(Duration::from_secs(30)));
        check_time("30", Ok(Duration::from_secs(30)));
        check_time(" 1.5s ", Ok(Duration::from_millis(1500)));
        check_time("500ms", Ok(Duration::from_millis(500)));
        check_time("2m", Ok(Duration::from_secs(120)));
        check_time("2 min", Ok(Duration::from_secs(120)));
        check_time("", Err("expected a time"));
        check_time("s", Err("expected a time"));
        check_time("-1s", Err("expected a time"));
        check_time("1h", Err("expected a time"));
        check_time("1e9s", Err("expected a time"));
        check_time("2000m", Err("at most a day"));
        assert_eq!(TimeLimit::secs(5).to_string(), "5s");
        assert_eq!(TimeLimit(Duration::from_millis(250)).to_string(), "250ms");
    }

    #[test]
    fn a_token_file_gives_the_token_and_must_be_private() {
        let dir = std::env::temp_dir().join(format!("verbatim-token-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("token");
        std::fs::write(&path, "0123456789abcdef\nsecond line ignored\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            let config = ServerConfig {
                token_file: Some(path.clone()),
                ..ServerConfig::default()
            };
            let e = config.check().unwrap_err().to_string();
            assert!(e.contains("readable by others (mode 644)"), "{e}");
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        let config = ServerConfig {
            token_file: Some(path.clone()),
            ..ServerConfig::default()
        };
        assert_eq!(
            config.check().unwrap().token.as_deref(),
            Some("0123456789abcdef")
        );
        std::fs::write(&path, "short\n").unwrap();
        assert!(config
            .check()
            .unwrap_err()
            .to_string()
            .contains("at least 16"));
        std::fs::write(&path, "").unwrap();
        assert!(config.check().unwrap_err().to_string().contains("is empty"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn defaults_listen_on_loopback() {
        let c = ServerConfig::default().check().unwrap();
        assert!(c.addr.ip().is_loopback());
        assert_eq!(c.addr.port(), 8080);
        assert_eq!(c.token, None);
    }
}
