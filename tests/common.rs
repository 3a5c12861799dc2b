//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs the `verbatim` binary with `args`, feeding `stdin` if given.
pub fn verbatim(args: &[&str], stdin: Option<&[u8]>) -> Output {
    use std::io::Write;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_verbatim"));
    cmd.args(args).current_dir(workspace());
    cmd.stdin(if stdin.is_some() {
        std::process::Stdio::piped()
    } else {
        std::process::Stdio::null()
    });
    cmd.stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("spawn verbatim");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        let input = input.to_vec();
        std::thread::spawn(move || pipe.write_all(&input));
    }
    child.wait_with_output().expect("wait for verbatim")
}

pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shared corpus folder, or `None` with a printed reason (the test then skips).
pub fn shared(test: &str) -> Option<PathBuf> {
    let found = verbatim_core::corpus::find_shared(&workspace());
    if found.is_none() {
        eprintln!("skipping {test}: ../shared/data/polnear not found (set VERBATIM_SHARED)");
    }
    found
}

/// A fresh empty directory under the system temp dir, removed on drop. Each call gets its own
/// directory, even for the same name in tests running at the same time.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let k = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("verbatim-test-{name}-{}-{k}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Parses JSONL output into values.
pub fn json_lines(out: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(out)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON line {l:?}: {e}")))
        .collect()
}

/// The text a code-point span `[s, e]` covers.
pub fn slice_chars(text: &str, span: &serde_json::Value) -> String {
    let s = span[0].as_u64().unwrap() as usize;
    let e = span[1].as_u64().unwrap() as usize;
    text.chars().skip(s).take(e - s).collect()
}

/// A PostgreSQL schema of its own for one test, on the server `VERBATIM_TEST_PG` names;
/// dropped with it. `target` is the connection URL that puts the store in the schema.
pub struct PgSchema {
    admin: String,
    schema: String,
    pub target: String,
}

impl PgSchema {
    /// `None`, with a printed reason, when `VERBATIM_TEST_PG` is not set.
    pub fn new(prefix: &str, test: &str) -> Option<PgSchema> {
        let admin = match std::env::var("VERBATIM_TEST_PG") {
            Ok(url) if !url.is_empty() => url,
            _ => {
                eprintln!("skipping {test} on PostgreSQL: VERBATIM_TEST_PG is not set");
                return None;
            }
        };
        let schema = format!("{prefix}_{test}_{}", std::process::id());
        let mut c = postgres::Client::connect(&admin, postgres::NoTls)
            .unwrap_or_else(|e| panic!("VERBATIM_TEST_PG={admin}: {e}"));
        c.batch_execute(&format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
        ))
        .unwrap();
        let sep = if admin.contains('?') { '&' } else { '?' };
        let target = format!("{admin}{sep}options=-csearch_path%3D{schema}");
        Some(PgSchema {
            admin,
            schema,
            target,
        })
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema));
        }
    }
}
