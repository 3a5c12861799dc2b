//! verbatim-server: the HTTP JSON API and the web UI over a verbatim store.
//!
//! [`ServerConfig`] (serde; CLI flags or a JSON file) is checked by [`Server::new`], which
//! also opens the store. [`Server::run`] serves until Ctrl-C or SIGTERM and then lets open
//! requests finish, up to the shutdown timeout; [`Server::spawn`] serves on a background
//! thread (tests, embedding).
//!
//! Routes (described by the OpenAPI document at `/api/openapi.json`):
//!
//! | route | what |
//! | --- | --- |
//! | `GET /api/quotes` | attributions, filtered like `verbatim quotes`, paged (`format=csv`) |
//! | `GET /api/quotes/{id}` | one attribution, with the rule that linked its speaker |
//! | `GET /api/outlets` | every outlet, with the name it calls itself |
//! | `GET /api/stats` | row counts; `by=gender`: person quotes by gender, per outlet and month |
//! | `GET /api/speakers`, `GET /api/speakers/{id}` | speakers; one with its monthly timeline |
//! | `GET /api/articles`, `GET /api/articles/{id}` | articles; one whole, with attributions |
//! | `GET /api/clusters`, `GET /api/clusters/{id}` | quote clusters; one with every outlet's wording |
//! | `POST /api/articles` | analyse and store articles (bearer token) |
//! | `GET /api/health`, `GET /api/openapi.json` | liveness and row counts; the API description |
//! | `GET /`, `/speakers[/{id}]`, `/articles[/{id}]`, `/clusters[/{id}]`, `/quotes/{id}` | the web UI |
//!
//! Every error is `{"error": {"code", "message"}}` with the status of [`error::CODES`].
//!
//! Store calls are blocking: each runs on tokio's blocking pool with a handle from a small
//! pool of open stores. Posted articles are analysed on threads of their own under a time
//! budget; connections have header and idle timeouts and a cap (see `conn`).

mod analysis;
mod api;
pub mod body;
pub mod config;
mod conn;
pub mod error;
mod json;
mod params;
mod pool;
mod ui;

pub use api::{timeline, Month};
pub use config::{Checked, ConfigError, ServerConfig, TimeLimit};
pub use error::{ApiError, Code};

use axum::extract::DefaultBodyLimit;
use axum::http::HeaderValue;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use verbatim_core::Pipeline;

/// The routes of the JSON API (method, path), as the OpenAPI document lists them.
pub const API_ROUTES: &[(&str, &str)] = &[
    ("GET", "/api/health"),
    ("GET", "/api/openapi.json"),
    ("GET", "/api/quotes"),
    ("GET", "/api/quotes/{id}"),
    ("GET", "/api/outlets"),
    ("GET", "/api/stats"),
    ("GET", "/api/speakers"),
    ("GET", "/api/speakers/{id}"),
    ("GET", "/api/articles"),
    ("POST", "/api/articles"),
    ("GET", "/api/articles/{id}"),
    ("GET", "/api/clusters"),
    ("GET", "/api/clusters/{id}"),
];

/// The paths of the web UI.
pub const UI_ROUTES: &[&str] = &[
    "/",
    "/speakers",
    "/speakers/{id}",
    "/articles",
    "/articles/{id}",
    "/clusters",
    "/clusters/{id}",
    "/quotes/{id}",
];

/// State shared by the handlers.
#[derive(Clone)]
pub(crate) struct App {
    pool: pool::Pool,
    /// Started only when writes are allowed (a token is set).
    analysis: Option<analysis::AnalysisPool>,
    config: Arc<Checked>,
}

/// Why the server cannot start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("configuration: {0}")]
    Config(#[from] ConfigError),
    #[error("no store at {0}: run `verbatim ingest --db {0} PATH...` first, or start with --token to fill it over HTTP")]
    NoStore(String),
    #[error("opening the store {0}: {1}")]
    Store(String, verbatim_store::Error),
    #[error("listening on {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// A checked configuration with its store open, ready to serve.
pub struct Server {
    app: App,
}

impl Server {
    /// Checks `config` and opens the store. A SQLite file that does not exist is created only
    /// when a token is set (otherwise the server could only ever serve an empty store).
    pub fn new(config: &ServerConfig) -> Result<Server, StartError> {
        let checked = config.check()?;
        let db = checked.db.clone();
        if !verbatim_store::is_postgres_url(&db)
            && checked.token.is_none()
            && !Path::new(&db).exists()
        {
            return Err(StartError::NoStore(db));
        }
        let pool = pool::Pool::open(&db, checked.pool_size)
            .map_err(|e| StartError::Store(verbatim_store::redact(&db), e))?;
        let analysis = match checked.token {
            Some(_) => Some(analysis::AnalysisPool::start(
                Arc::new(Pipeline::new()),
                checked.analysis_threads,
                checked.analysis_queue,
                checked.analysis_timeout,
            )?),
            None => None,
        };
        Ok(Server {
            app: App {
                pool,
                analysis,
                config: Arc::new(checked),
            },
        })
    }

    pub fn config(&self) -> &Checked {
        &self.app.config
    }

    /// The routes, with their state, body limit and security headers.
    pub fn router(&self) -> Router {
        let api = Router::new()
            .route("/api/health", get(api::health))
            .route("/api/openapi.json", get(api::openapi))
            .route("/api/quotes", get(api::quotes))
            .route("/api/quotes/{id}", get(api::quote))
            .route("/api/outlets", get(api::outlets))
            .route("/api/stats", get(api::stats))
            .route("/api/speakers", get(api::speakers))
            .route("/api/speakers/{id}", get(api::speaker))
            .route("/api/articles", get(api::articles).post(api::post_articles))
            .route("/api/articles/{id}", get(api::article))
            .route("/api/clusters", get(api::clusters))
            .route("/api/clusters/{id}", get(api::cluster));
        let ui = UI_ROUTES
            .iter()
            .fold(Router::new(), |r, path| r.route(path, get(ui::index)))
            .route("/assets/app.js", get(ui::app_js))
            .route("/assets/app.css", get(ui::app_css));
        api.merge(ui)
            .fallback(api::not_found)
            .method_not_allowed_fallback(api::method_not_allowed)
            .layer(DefaultBodyLimit::max(self.app.config.max_body_bytes))
            .layer(axum::middleware::map_response(security_headers))
            .with_state(self.app.clone())
    }

    /// Binds the configured address now (so the port is known and a busy port fails here),
    /// then serves on a background thread until [`Running::stop`] or drop.
    pub fn spawn(self) -> Result<Running, StartError> {
        let listener = self.bind()?;
        let addr = listener.local_addr()?;
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let runtime = self.runtime()?;
        let thread = std::thread::Builder::new()
            .name("verbatim-serve".into())
            .spawn(move || {
                self.serve(runtime, listener, async {
                    let _ = rx.await;
                })
            })?;
        Ok(Running {
            addr,
            stop: Some(tx),
            thread: Some(thread),
        })
    }

    /// Serves until Ctrl-C (SIGINT) or SIGTERM, then stops within the shutdown timeout:
    /// open requests finish or are cut at its end. `ready` is called with the bound address
    /// once the server accepts connections.
    pub fn run(self, ready: impl FnOnce(SocketAddr)) -> Result<(), StartError> {
        let listener = self.bind()?;
        let addr = listener.local_addr()?;
        let runtime = self.runtime()?;
        // Signal handlers are installed before `ready` says the server is up.
        let stop = {
            let _context = runtime.enter();
            shutdown_signal()
        };
        ready(addr);
        self.serve(runtime, listener, stop)?;
        Ok(())
    }

    /// Serves on `runtime` until `stop`, then waits for what is still running until the
    /// shutdown deadline; the store handles are closed when the server is dropped on return.
    fn serve(
        self,
        runtime: tokio::runtime::Runtime,
        listener: std::net::TcpListener,
        stop: impl std::future::Future<Output = ()>,
    ) -> std::io::Result<()> {
        let config = &self.app.config;
        let limits = conn::Limits {
            header_timeout: config.header_timeout,
            idle_timeout: config.idle_timeout,
            max_connections: config.max_connections,
            shutdown_timeout: config.shutdown_timeout,
        };
        let router = self.router();
        let deadline = runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener)?;
            Ok::<_, std::io::Error>(conn::serve(listener, router, limits, stop).await)
        })?;
        // Queued and running analyses stop at their next check; store calls still running
        // get what is left of the deadline.
        if let Some(analysis) = &self.app.analysis {
            analysis.stop();
        }
        runtime.shutdown_timeout(deadline.saturating_duration_since(std::time::Instant::now()));
        drop(self);
        Ok(())
    }

    fn bind(&self) -> Result<std::net::TcpListener, StartError> {
        let addr = self.app.config.addr;
        let listener = std::net::TcpListener::bind(addr).map_err(|e| StartError::Bind(addr, e))?;
        listener.set_nonblocking(true)?;
        Ok(listener)
    }

    /// One thread for the async I/O (every handler is small); store calls and analysis run on
    /// the blocking pool.
    fn runtime(&self) -> std::io::Result<tokio::runtime::Runtime> {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .max_blocking_threads(self.app.config.blocking_threads)
            .build()
    }
}

/// Resolves on Ctrl-C (SIGINT) or SIGTERM. The handlers are installed when this is called,
/// not when the future is first polled, so a signal sent as soon as the server says it is
/// ready is not missed.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let mut signals = {
        use tokio::signal::unix::{signal, SignalKind};
        [SignalKind::interrupt(), SignalKind::terminate()].map(|kind| signal(kind).ok())
    };
    async move {
        #[cfg(unix)]
        {
            let [interrupt, terminate] = &mut signals;
            let wait = |s: &mut Option<tokio::signal::unix::Signal>| {
                let s = s.take();
                async move {
                    match s {
                        Some(mut s) => {
                            s.recv().await;
                        }
                        // No handler possible: serve until killed.
                        None => std::future::pending::<()>().await,
                    }
                }
            };
            tokio::select! {
                _ = wait(interrupt) => {},
                _ = wait(terminate) => {},
            }
        }
        #[cfg(not(unix))]
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    for (name, value) in ui::SECURITY_HEADERS {
        headers.insert(*name, HeaderValue::from_static(value));
    }
    response
}

/// A server running on a background thread.
pub struct Running {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<std::io::Result<()>>>,
}

impl Running {
    /// The address it listens on (the real port when the configuration said 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, lets open requests finish (up to the shutdown timeout), and waits for
    /// the thread.
    pub fn stop(mut self) -> std::io::Result<()> {
        self.finish()
    }

    fn finish(&mut self) -> std::io::Result<()> {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        match self.thread.take() {
            Some(t) => t
                .join()
                .unwrap_or_else(|_| Err(std::io::Error::other("server thread panicked"))),
            None => Ok(()),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_openapi_document_lists_exactly_the_api_routes() {
        let doc: serde_json::Value = serde_json::from_str(ui::OPENAPI).unwrap();
        assert_eq!(doc["openapi"].as_str().map(|v| &v[..2]), Some("3."));
        let mut listed = Vec::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                if ["get", "post", "put", "delete", "patch"].contains(&method.as_str()) {
                    listed.push((method.to_uppercase(), path.clone()));
                }
            }
        }
        listed.sort();
        let mut routes: Vec<(String, String)> = API_ROUTES
            .iter()
            .map(|(m, p)| (m.to_string(), p.to_string()))
            .collect();
        routes.sort();
        assert_eq!(listed, routes);
    }

    #[test]
    fn the_openapi_document_names_every_error_code() {
        let doc: serde_json::Value = serde_json::from_str(ui::OPENAPI).unwrap();
        let codes = &doc["components"]["schemas"]["Error"]["properties"]["error"]["properties"]
            ["code"]["enum"];
        let mut listed: Vec<&str> = codes
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        listed.sort_unstable();
        let mut names: Vec<&str> = error::CODES.iter().map(|(_, n, _)| *n).collect();
        names.sort_unstable();
        assert_eq!(listed, names);
    }

    #[test]
    fn the_page_loads_only_its_own_assets() {
        assert!(ui::INDEX_HTML.contains("src=\"/assets/app.js\""));
        assert!(ui::INDEX_HTML.contains("href=\"/assets/app.css\""));
        assert!(
            !ui::INDEX_HTML.contains("<script>"),
            "no inline script under the CSP"
        );
        assert!(
            !ui::APP_JS.contains("innerHTML"),
            "DOM is built with textContent"
        );
        assert!(!ui::APP_JS.contains("insertAdjacentHTML"));
        assert!(!ui::APP_JS.contains("document.write"));
    }
}
