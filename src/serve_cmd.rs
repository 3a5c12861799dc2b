//! `verbatim serve`: the HTTP JSON API and web UI over a store.

use anyhow::Context;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use verbatim_server::{Server, ServerConfig, TimeLimit};

#[derive(Args)]
pub struct ServeArgs {
    /// The store: a SQLite file or a postgres://user@host:port/dbname URL [default: verbatim.db].
    #[arg(long, value_name = "PATH|URL")]
    pub db: Option<String>,
    /// Address to listen on (port 0: any free port) [default: 127.0.0.1:8080].
    #[arg(long, value_name = "IP:PORT")]
    pub addr: Option<String>,
    /// Bearer token that POST /api/articles requires (at least 16 characters); also read from
    /// the VERBATIM_TOKEN environment variable. Without one the server is read-only. A flag is
    /// visible to every user in `ps`: prefer --token-file.
    #[arg(long, value_name = "TOKEN", conflicts_with = "token_file")]
    pub token: Option<String>,
    /// Read the bearer token from the first line of FILE, which must be private to its owner
    /// (chmod 600), e.g. made with `(umask 077; openssl rand -hex 16 > token)`.
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// Largest request body accepted, in bytes; larger: 413 [default: 10485760].
    #[arg(long, value_name = "BYTES")]
    pub max_body_bytes: Option<usize>,
    /// Longest article text in a request, in bytes; longer: 413 [default: 2097152].
    #[arg(long, value_name = "BYTES")]
    pub max_article_bytes: Option<usize>,
    /// Time budget for analysing one request's articles, waiting for a thread included;
    /// over it: 422 (503 if it never started), nothing stored [default: 30s].
    #[arg(long, value_name = "TIME")]
    pub analysis_timeout: Option<TimeLimit>,
    /// Threads that analyse posted articles, apart from those answering reads
    /// [default: CPU cores - 1, at least 1].
    #[arg(long, value_name = "N")]
    pub analysis_threads: Option<usize>,
    /// Requests that may wait for an analysis thread; more get 503 [default: 8].
    #[arg(long, value_name = "N")]
    pub analysis_queue: Option<usize>,
    /// Time a client has to send a request's headers, from their first byte; then the
    /// connection is closed [default: 10s].
    #[arg(long, value_name = "TIME")]
    pub header_timeout: Option<TimeLimit>,
    /// Time a client has to send a request body; then 408 [default: 30s].
    #[arg(long, value_name = "TIME")]
    pub body_timeout: Option<TimeLimit>,
    /// Time an open connection may wait for its next request; then it is closed
    /// [default: 60s].
    #[arg(long, value_name = "TIME")]
    pub idle_timeout: Option<TimeLimit>,
    /// Connections open at once; past it the longest-idle connection (idle for 1 s at least)
    /// is closed to make room, or, when there is none, the newcomer gets 503 [default: 512].
    /// Keep it below the open-file limit (`ulimit -n`).
    #[arg(long, value_name = "N")]
    pub max_connections: Option<usize>,
    /// On Ctrl-C or SIGTERM, time open requests get to finish before they are cut; nothing
    /// is half-stored [default: 5s].
    #[arg(long, value_name = "TIME")]
    pub shutdown_timeout: Option<TimeLimit>,
    /// A JSON file with the server settings (the fields are the long flags with `_` for `-`,
    /// plus default_page_size, max_page_size, pool_size, blocking_threads; times as strings
    /// like "30s"); flags override it.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// The configuration: defaults, then the file, then VERBATIM_TOKEN, then the flags (a token
/// given one way replaces a token file given another, and the reverse).
pub fn config_of(args: ServeArgs, env_token: Option<String>) -> anyhow::Result<ServerConfig> {
    let mut config = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            serde_json::from_str(&text).with_context(|| format!("in {}", path.display()))?
        }
        None => ServerConfig::default(),
    };
    if let Some(t) = env_token.filter(|t| !t.is_empty()) {
        config.token = Some(t);
        config.token_file = None;
    }
    if let Some(db) = args.db {
        config.db = db;
    }
    if let Some(addr) = args.addr {
        config.addr = addr;
    }
    if let Some(token) = args.token {
        config.token = Some(token);
        config.token_file = None;
    }
    if let Some(path) = args.token_file {
        config.token_file = Some(path);
        config.token = None;
    }
    set(&mut config.max_body_bytes, args.max_body_bytes);
    set(&mut config.max_article_bytes, args.max_article_bytes);
    set(&mut config.analysis_threads, args.analysis_threads);
    set(&mut config.analysis_queue, args.analysis_queue);
    set(&mut config.max_connections, args.max_connections);
    set(&mut config.analysis_timeout, args.analysis_timeout);
    set(&mut config.header_timeout, args.header_timeout);
    set(&mut config.body_timeout, args.body_timeout);
    set(&mut config.idle_timeout, args.idle_timeout);
    set(&mut config.shutdown_timeout, args.shutdown_timeout);
    Ok(config)
}

/// A setting given by a flag replaces the one from the file.
fn set<T>(field: &mut T, flag: Option<T>) {
    if let Some(value) = flag {
        *field = value;
    }
}

pub fn serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let config = config_of(args, std::env::var("VERBATIM_TOKEN").ok())?;
    let server = Server::new(&config)?;
    let read_only = server.config().token.is_none();
    let db = verbatim_store::redact(&server.config().db);
    server.run(|addr| {
        eprintln!(
            "verbatim: serving {db} on http://{addr}/ ({}); Ctrl-C stops",
            if read_only {
                "read-only"
            } else {
                "POST /api/articles with the bearer token"
            }
        );
    })?;
    eprintln!("verbatim: stopped");
    Ok(ExitCode::SUCCESS)
}
