//! The server bounded on any client: request bodies analysed under a size limit and a time
//! budget off the threads that answer reads, header, body and idle timeouts, the connection
//! cap, a bounded stop on SIGTERM with slow clients connected, health answers while all that
//! goes on, and the token read from a file.

use crate::common::TempDir;
use crate::server::{check_error, get, http, parse_reply, post, Reply, ServeProcess, TOKEN};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::Command;
use std::time::{Duration, Instant};
use verbatim_server::{Running, Server, ServerConfig, TimeLimit};

/// Prose with quotes, `n_bytes` long or a little more.
fn prose(n_bytes: usize) -> String {
    let sentence = "The mayor said on Monday that the bridge would reopen soon. \
                    \"It is safe and it is ready,\" she told reporters at the hall. ";
    sentence.repeat(n_bytes / sentence.len() + 1)
}

/// A POST body of `n_articles` distinct articles of about `n_bytes` each.
fn articles_body(tag: &str, n_articles: usize, n_bytes: usize) -> Vec<u8> {
    let text = prose(n_bytes);
    let items: Vec<Value> = (0..n_articles)
        .map(|i| json!({"id": format!("{tag}-{i}"), "text": format!("{tag} {i}. {text}")}))
        .collect();
    Value::Array(items).to_string().into_bytes()
}

fn server(db: &std::path::Path, change: impl FnOnce(&mut ServerConfig)) -> Running {
    let mut config = ServerConfig {
        addr: "127.0.0.1:0".into(),
        db: db.to_string_lossy().into_owned(),
        token: Some(TOKEN.into()),
        pool_size: 2,
        blocking_threads: 4,
        analysis_threads: 1,
        ..ServerConfig::default()
    };
    change(&mut config);
    Server::new(&config).unwrap().spawn().unwrap()
}

/// The error message of `reply` holds `part`.
fn check_message(reply: &Reply, part: &str) {
    let v = reply.json();
    let message = v["error"]["message"].as_str().unwrap_or("");
    assert!(message.contains(part), "{part:?} not in {v}");
}

fn n_articles(addr: SocketAddr) -> u64 {
    get(addr, "/api/health").json()["stats"]["articles"]
        .as_u64()
        .unwrap()
}

/// Runs `f` on its own thread; the reply and how long it took.
fn in_background<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> std::thread::JoinHandle<(T, Duration)> {
    std::thread::spawn(move || {
        let start = Instant::now();
        let value = f();
        (value, start.elapsed())
    })
}

#[test]
fn posted_articles_are_analysed_under_a_size_limit_and_a_time_budget() {
    let dir = TempDir::new("limits-budget");
    let running = server(&dir.path().join("b.db"), |c| {
        c.max_article_bytes = 4000;
        c.analysis_timeout = TimeLimit(Duration::from_secs(1));
        c.analysis_queue = 1;
    });
    let addr = running.addr();
    // One article over the text limit: 413, whatever the rest of the body holds.
    let mut body: Value = serde_json::from_slice(&articles_body("small", 2, 1000)).unwrap();
    body.as_array_mut()
        .unwrap()
        .push(json!({"id": "big", "text": prose(5000)}));
    let r = post(addr, Some(TOKEN), body.to_string().as_bytes());
    check_error(&r, 413, "payload_too_large", "a long article");
    check_message(&r, "body[2]: \"text\" is");
    assert_eq!(n_articles(addr), 0, "nothing of the request was stored");
    // A request that takes longer than the budget: 422 at the budget, nothing stored.
    let slow = articles_body("slow", 2000, 1500);
    let start = Instant::now();
    let r = post(addr, Some(TOKEN), &slow);
    let took = start.elapsed();
    check_error(&r, 422, "analysis_timeout", "over the budget");
    check_message(&r, "1s budget");
    assert!(
        took < Duration::from_secs(5),
        "answered at the budget: {took:?}"
    );
    assert_eq!(n_articles(addr), 0);
    // A small one within the budget is stored.
    let r = post(addr, Some(TOKEN), &articles_body("ok", 1, 300));
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(n_articles(addr), 1);
    // A body that does not arrive: 408 after the body timeout, not a held connection.
    drop(running);
    let running = server(&dir.path().join("b.db"), |c| {
        c.body_timeout = TimeLimit(Duration::from_millis(300));
    });
    let mut stream = TcpStream::connect(running.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        stream,
        "POST /api/articles HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n[{{\"text\":"
    )
    .unwrap();
    let start = Instant::now();
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    check_error(
        &parse_reply(&raw),
        408,
        "request_timeout",
        "a body that stalls",
    );
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn a_full_analysis_queue_is_refused_with_503_and_reads_go_on() {
    let dir = TempDir::new("limits-queue");
    let running = server(&dir.path().join("q.db"), |c| {
        c.analysis_timeout = TimeLimit(Duration::from_secs(20));
        c.analysis_queue = 1;
    });
    let addr = running.addr();
    // Six requests at once for one thread and one place in the queue: some are refused at
    // once; the others are stored whole or refused whole.
    let body = articles_body("q", 60, 2000);
    let posts: Vec<_> = (0..6)
        .map(|k| {
            let mut body: Value = serde_json::from_slice(&body).unwrap();
            for item in body.as_array_mut().unwrap() {
                let id = format!("{}-{k}", item["id"].as_str().unwrap());
                item["id"] = json!(id);
                item["text"] = json!(format!("{k} {}", item["text"].as_str().unwrap()));
            }
            in_background(move || post(addr, Some(TOKEN), body.to_string().as_bytes()))
        })
        .collect();
    let start = Instant::now();
    let health = get(addr, "/api/health");
    assert_eq!(health.status, 200);
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    let replies: Vec<(Reply, Duration)> = posts.into_iter().map(|p| p.join().unwrap()).collect();
    let mut n_created = 0;
    let mut n_busy = 0;
    for (r, took) in &replies {
        match r.status {
            201 => n_created += 1,
            503 => {
                check_error(r, 503, "busy", "queue full");
                assert_eq!(r.header("retry-after"), Some("1"));
                n_busy += 1;
            }
            _ => check_error(r, 422, "analysis_timeout", "slow machine"),
        }
        assert!(*took < Duration::from_secs(40), "{took:?}");
    }
    assert!(
        n_busy >= 1,
        "six at once for one thread and one queue place"
    );
    assert_eq!(n_articles(addr), 60 * n_created);
}

/// Reads from `stream` until the server closes it; how long that took (None: still open
/// after `max`).
fn time_to_close(stream: &mut TcpStream, max: Duration) -> Option<Duration> {
    let start = Instant::now();
    stream.set_read_timeout(Some(max)).unwrap();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return Some(start.elapsed()),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {
                return Some(start.elapsed())
            }
            Err(_) => return None,
        }
        if start.elapsed() > max {
            return None;
        }
    }
}

#[test]
fn slow_heads_and_idle_connections_are_closed_on_time() {
    let dir = TempDir::new("limits-timeouts");
    let running = server(&dir.path().join("t.db"), |c| {
        c.header_timeout = TimeLimit(Duration::from_millis(400));
        c.idle_timeout = TimeLimit(Duration::from_millis(1500));
    });
    let addr = running.addr();
    let max = Duration::from_secs(15);
    // A head trickled in: closed about header_timeout after its first byte, although bytes
    // keep coming.
    let mut slow = TcpStream::connect(addr).unwrap();
    let trickle = {
        let mut slow = slow.try_clone().unwrap();
        std::thread::spawn(move || {
            for b in b"GET /api/health HTTP/1.1\r\nHost: x\r\n" {
                if slow.write_all(&[*b]).is_err() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        })
    };
    let took = time_to_close(&mut slow, max).expect("a slow head is cut");
    assert!(
        took >= Duration::from_millis(300) && took < Duration::from_secs(10),
        "{took:?}"
    );
    trickle.join().unwrap();
    // A silent connection: closed after idle_timeout, not before the header timeout.
    let mut silent = TcpStream::connect(addr).unwrap();
    let took = time_to_close(&mut silent, max).expect("an idle connection is closed");
    assert!(
        took >= Duration::from_millis(1200) && took < Duration::from_secs(10),
        "{took:?}"
    );
    // A kept-alive connection: answered twice, then closed when idle.
    let mut kept = TcpStream::connect(addr).unwrap();
    for _ in 0..2 {
        kept.write_all(b"GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        let mut buf = [0u8; 4096];
        kept.set_read_timeout(Some(max)).unwrap();
        let n = kept.read(&mut buf).unwrap();
        assert!(buf[..n].starts_with(b"HTTP/1.1 200"), "{:?}", &buf[..n]);
        std::thread::sleep(Duration::from_millis(600));
    }
    let took = time_to_close(&mut kept, max).expect("an idle keep-alive connection is closed");
    assert!(took < Duration::from_secs(10), "{took:?}");
}

/// The `verbatim serve` process under a lower open-file limit, with `args`.
fn serve_process(db: &str, nofile: u32, args: &[&str]) -> ServeProcess {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!(
            "ulimit -n {nofile} && bin=\"$0\" && db=\"$1\" && shift && \
             exec \"$bin\" serve --db \"$db\" --addr 127.0.0.1:0 \"$@\""
        ))
        .arg(env!("CARGO_BIN_EXE_verbatim"))
        .arg(db)
        .args(args);
    ServeProcess::spawn(cmd, Some(TOKEN))
}

/// Open file descriptors of process `pid`.
fn open_files(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, |d| d.count())
}

/// Times `n` health requests one after another: (median, max).
fn health_latencies(addr: SocketAddr, n: usize) -> (Duration, Duration) {
    let mut times: Vec<Duration> = (0..n)
        .map(|_| {
            let start = Instant::now();
            let r = get(addr, "/api/health");
            assert_eq!(r.status, 200, "{}", r.text());
            start.elapsed()
        })
        .collect();
    times.sort();
    (times[n / 2], times[n - 1])
}

/// Opens `n` connections that send half a request head and then nothing.
fn slowloris(addr: SocketAddr, n: usize) -> Vec<TcpStream> {
    (0..n)
        .filter_map(|_| {
            let mut s = TcpStream::connect(addr).ok()?;
            let _ = s.write_all(b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Slow: ");
            Some(s)
        })
        .collect()
}

#[test]
fn health_answers_while_large_posts_are_analysed_and_idle_sockets_pass_the_file_limit() {
    let dir = TempDir::new("limits-health");
    let db = dir.path().join("h.db").to_string_lossy().into_owned();
    let mut server = serve_process(
        &db,
        256,
        &[
            "--max-connections",
            "100",
            "--analysis-threads",
            "1",
            "--analysis-timeout",
            "8s",
        ],
    );
    let addr = server.addr;
    let pid = server.child.id();
    let (idle_median, _) = health_latencies(addr, 5);
    // Eight pathological posts (one long sentence each, 400 KB) and 400 idle sockets, more
    // than the server may open files.
    let pathological = json!({"text": "word ".repeat(80_000)}).to_string();
    let posts: Vec<_> = (0..8)
        .map(|k| {
            let body = pathological.replacen("word", &format!("w{k}"), 1);
            in_background(move || post(addr, Some(TOKEN), body.as_bytes()).status)
        })
        .collect();
    // The posts connect first (a connection that comes while the cap is full of connections
    // younger than the eviction grace is refused: another test's matter).
    std::thread::sleep(Duration::from_millis(300));
    let held = slowloris(addr, 400);
    // Past the eviction grace (1 s), idle connections make room for new ones.
    std::thread::sleep(Duration::from_millis(1200));
    let (busy_median, busy_max) = health_latencies(addr, 20);
    let files = open_files(pid);
    eprintln!(
        "health: {idle_median:?} idle; {busy_median:?} median, {busy_max:?} max under load; \
         {} sockets held by the client, {files} files open in the server",
        held.len()
    );
    assert!(busy_median < Duration::from_millis(500), "{busy_median:?}");
    assert!(busy_max < Duration::from_secs(3), "{busy_max:?}");
    assert!(files <= 100 + 64 + 32, "{files} open files");
    for p in posts {
        let (status, took) = p.join().unwrap();
        assert!([201, 422, 503].contains(&status), "{status}");
        assert!(took < Duration::from_secs(60), "{took:?}");
    }
    drop(held);
    assert_eq!(server.signal("-TERM", Duration::from_secs(15)), Some(0));
}

#[test]
fn sigterm_stops_the_server_within_its_deadline_with_slow_clients_connected() {
    let dir = TempDir::new("limits-stop");
    let db = dir.path().join("s.db").to_string_lossy().into_owned();
    let mut server = serve_process(&db, 1024, &["--shutdown-timeout", "3s"]);
    let addr = server.addr;
    // An article in analysis when the signal comes finishes and is stored.
    let body = articles_body("inflight", 20, 3000);
    let inflight = in_background(move || post(addr, Some(TOKEN), &body));
    let held = slowloris(addr, 50);
    // A client stuck sending a body (answering, so the deadline cuts it).
    let mut stuck = TcpStream::connect(addr).unwrap();
    write!(
        stuck,
        "POST /api/articles HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n\
         Content-Length: 100000\r\n\r\n[{{\"text\":"
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let start = Instant::now();
    let status = server.signal("-TERM", Duration::from_secs(20));
    let took = start.elapsed();
    assert_eq!(status, Some(0), "a graceful stop exits 0");
    assert!(took < Duration::from_secs(10), "stopped in {took:?}");
    let (reply, _) = inflight.join().unwrap();
    drop(held);
    // The store is whole: a new server reads it, with the in-flight request's articles when
    // it was answered 201.
    let mut again = ServeProcess::start(&["--db", &db, "--addr", "127.0.0.1:0"], None);
    let stored = n_articles(again.addr);
    match reply.status {
        201 => assert_eq!(stored, 20),
        _ => assert_eq!(stored, 0, "{}", reply.text()),
    }
    assert_eq!(again.interrupt(), Some(0));
    eprintln!(
        "stopped in {took:?}; the in-flight request got {}",
        reply.status
    );
}

#[test]
fn the_token_can_come_from_a_private_file() {
    let dir = TempDir::new("limits-token");
    let db = dir.path().join("k.db").to_string_lossy().into_owned();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, format!("{TOKEN}\n")).unwrap();
    let path = token_file.to_str().unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&token_file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = crate::common::verbatim(&["serve", "--db", &db, "--token-file", path], None);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("readable by others") && err.contains("chmod 600"),
        "{err}"
    );
    let out = crate::common::verbatim(
        &["serve", "--db", &db, "--token-file", path, "--token", TOKEN],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cannot be used with"),
        "{out:?}"
    );
    std::fs::set_permissions(&token_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_verbatim"));
    cmd.args([
        "serve",
        "--db",
        &db,
        "--addr",
        "127.0.0.1:0",
        "--token-file",
        path,
    ]);
    let mut server = ServeProcess::spawn(cmd, None);
    let body = json!({"id": "t1", "text": "\"From a file,\" Ann Lee said."}).to_string();
    let r = post(server.addr, Some(TOKEN), body.as_bytes());
    assert_eq!(r.status, 201, "{}", r.text());
    check_error(
        &post(server.addr, Some("wrong-token-0123456789"), body.as_bytes()),
        401,
        "unauthorized",
        "another token",
    );
    let r = http(server.addr, "GET", "/api/health", &[], b"");
    assert_eq!(r.json()["read_only"], false);
    assert_eq!(server.interrupt(), Some(0));
}

/// Sends `raw` bytes as they are and reads the whole answer.
fn raw_request(addr: SocketAddr, raw: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let _ = stream.write_all(raw);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    parse_reply(&answer)
}

#[test]
fn the_http_parsers_own_answers_carry_the_error_shape_and_security_headers() {
    let dir = TempDir::new("limits-parser");
    let running = server(&dir.path().join("p.db"), |_| {});
    let addr = running.addr();
    let many_headers: String = (0..120).map(|i| format!("X-H{i}: v\r\n")).collect();
    let cases: Vec<(String, Vec<u8>, u16, &str)> = vec![
        (
            "a header line without a colon".into(),
            b"GET /api/health HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n".to_vec(),
            400,
            "bad_parameter",
        ),
        (
            "not HTTP".into(),
            b"HELLO THERE\r\n\r\n".to_vec(),
            400,
            "bad_parameter",
        ),
        (
            "120 header fields".into(),
            format!("GET /api/health HTTP/1.1\r\nHost: x\r\n{many_headers}\r\n").into_bytes(),
            431,
            "headers_too_large",
        ),
        (
            "a 70,000-byte target".into(),
            format!("GET /{} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(70_000)).into_bytes(),
            414,
            "uri_too_long",
        ),
    ];
    for (what, raw, status, code) in cases {
        let reply = raw_request(addr, &raw);
        check_error(&reply, status, code, &what);
        assert_eq!(
            reply.header("x-content-type-options"),
            Some("nosniff"),
            "{what}: {:?}",
            reply.headers
        );
        assert!(reply.header("content-security-policy").is_some(), "{what}");
    }
    // The server still answers.
    assert_eq!(get(addr, "/api/health").status, 200);
}

#[test]
fn past_the_connection_cap_the_longest_idle_connection_makes_room() {
    let dir = TempDir::new("limits-cap");
    let running = server(&dir.path().join("c.db"), |c| c.max_connections = 5);
    let addr = running.addr();
    let mut held: Vec<TcpStream> = (0..5).map(|_| TcpStream::connect(addr).unwrap()).collect();
    // Let the server accept all five before the sixth comes.
    std::thread::sleep(Duration::from_millis(200));
    // All five just connected (their requests may be on the way): the newcomer is refused.
    let r = get(addr, "/api/health");
    check_error(&r, 503, "busy", "over the cap, all connections young");
    assert_eq!(r.header("retry-after"), Some("1"));
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    assert!(r.text().contains("max_connections"), "{}", r.text());
    // Past the eviction grace the oldest idle one is closed for the newcomer.
    std::thread::sleep(Duration::from_millis(1200));
    assert_eq!(get(addr, "/api/health").status, 200);
    let closed = held
        .iter_mut()
        .filter_map(|s| time_to_close(s, Duration::from_millis(500)))
        .count();
    assert_eq!(closed, 1, "exactly one held connection made room");
    // Stopping with only idle connections (silent ones, a head stuck half-way) takes a moment,
    // not the 5 s shutdown timeout.
    let stuck = slowloris(addr, 1);
    std::thread::sleep(Duration::from_millis(100));
    let start = Instant::now();
    running.stop().unwrap();
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
    drop((held, stuck));
}

#[test]
fn bad_limit_flags_are_clear_errors() {
    for (args, message) in [
        (
            &["--analysis-timeout", "3h"][..],
            "expected a time such as 30s, 1.5s, 500ms or 2m",
        ),
        (
            &["--header-timeout", "1ms"],
            "header_timeout 1ms: expected at least 10ms",
        ),
        (
            &["--max-connections", "0"],
            "max_connections must be at least 1",
        ),
        (
            &["--analysis-threads", "x"],
            "invalid value 'x' for '--analysis-threads",
        ),
    ] {
        let mut all = vec!["serve", "--db", "/nonexistent/verbatim.db"];
        all.extend(args);
        let out = crate::common::verbatim(&all, None);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(message), "{args:?}: {err}");
    }
}
