//! `verbatim serve`: the HTTP JSON API and web UI over a store.

use anyhow::Context;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use verbatim_server::{Server, ServerConfig};

#[derive(Args)]
pub struct ServeArgs {
    /// The store: a SQLite file or a postgres://user@host:port/dbname URL [default: verbatim.db].
    #[arg(long, value_name = "PATH|URL")]
    pub db: Option<String>,
    /// Address to listen on (port 0: any free port) [default: 127.0.0.1:8080].
    #[arg(long, value_name = "IP:PORT")]
    pub addr: Option<String>,
    /// Bearer token that POST /api/articles requires (at least 16 characters); also read from
    /// the VERBATIM_TOKEN environment variable. Without one the server is read-only.
    #[arg(long, value_name = "TOKEN")]
    pub token: Option<String>,
    /// Largest request body accepted, in bytes [default: 10485760].
    #[arg(long, value_name = "BYTES")]
    pub max_body_bytes: Option<usize>,
    /// A JSON file with the server settings (addr, db, token, max_body_bytes,
    /// default_page_size, max_page_size, pool_size, blocking_threads); flags override it.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// The configuration: defaults, then the file, then VERBATIM_TOKEN, then the flags.
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
    }
    if let Some(db) = args.db {
        config.db = db;
    }
    if let Some(addr) = args.addr {
        config.addr = addr;
    }
    if let Some(token) = args.token {
        config.token = Some(token);
    }
    if let Some(n) = args.max_body_bytes {
        config.max_body_bytes = n;
    }
    Ok(config)
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
