//! The HTTP API and web UI (`verbatim serve`): status codes, paging, filters, auth, the error
//! shape and the OpenAPI routes against a temp SQLite store, and against PostgreSQL when
//! `VERBATIM_TEST_PG` is set; the CLI's start and graceful stop; and the UI in headless
//! Chromium when `/usr/bin/chromium` (or `$VERBATIM_CHROMIUM`) exists.

use crate::common::{verbatim, workspace, PgSchema, TempDir};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use verbatim_server::{Running, Server, ServerConfig};

pub(crate) const TOKEN: &str = "test-token-0123456789";

/// A fresh, empty store, removed on drop.
struct TestDb {
    target: String,
    name: &'static str,
    _dir: Option<TempDir>,
    _pg: Option<PgSchema>,
}

/// SQLite always; PostgreSQL too when `VERBATIM_TEST_PG` holds a URL.
fn backends(test: &str) -> Vec<TestDb> {
    let dir = TempDir::new(&format!("server-{test}"));
    let target = dir.path().join("test.db").to_string_lossy().into_owned();
    let mut dbs = vec![TestDb {
        target,
        name: "sqlite",
        _dir: Some(dir),
        _pg: None,
    }];
    if let Some(pg) = PgSchema::new("s", test) {
        dbs.push(TestDb {
            target: pg.target.clone(),
            name: "postgres",
            _dir: None,
            _pg: Some(pg),
        });
    }
    dbs
}

fn start(db: &TestDb, token: Option<&str>, max_body_bytes: usize) -> Running {
    let config = ServerConfig {
        addr: "127.0.0.1:0".into(),
        db: db.target.clone(),
        token: token.map(str::to_string),
        max_body_bytes,
        pool_size: 2,
        blocking_threads: 2,
        ..ServerConfig::default()
    };
    Server::new(&config)
        .unwrap_or_else(|e| panic!("{}: {e}", db.name))
        .spawn()
        .unwrap()
}

/// A response: status, lower-case headers, body.
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Reply {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One HTTP/1.1 request on its own connection.
pub(crate) fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Reply {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (n, v) in headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    head.push_str("\r\n");
    // The server may answer (413) before reading the whole body; the reply still comes.
    let _ = stream
        .write_all(head.as_bytes())
        .and_then(|_| stream.write_all(body));
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    parse_reply(&raw)
}

/// A whole response as read from the connection.
pub(crate) fn parse_reply(raw: &[u8]) -> Reply {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no response head: {}", String::from_utf8_lossy(raw)));
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    Reply {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(
            String::from_utf8_lossy(&data[..eol])
                .split(';')
                .next()
                .unwrap()
                .trim(),
            16,
        )
        .unwrap();
        if size == 0 {
            break;
        }
        out.extend_from_slice(&data[eol + 2..eol + 2 + size]);
        data = &data[eol + 2 + size + 2..];
    }
    out
}

pub(crate) fn get(addr: SocketAddr, path: &str) -> Reply {
    http(addr, "GET", path, &[], b"")
}

pub(crate) fn post(addr: SocketAddr, token: Option<&str>, body: &[u8]) -> Reply {
    let auth = token.map(|t| format!("Bearer {t}"));
    let mut headers = vec![("Content-Type", "application/json")];
    if let Some(a) = &auth {
        headers.push(("Authorization", a.as_str()));
    }
    http(addr, "POST", "/api/articles", &headers, body)
}

/// Checks an error reply: status, the one JSON shape, the code.
pub(crate) fn check_error(reply: &Reply, status: u16, code: &str, what: &str) {
    assert_eq!(reply.status, status, "{what}: {}", reply.text());
    assert!(
        reply
            .header("content-type")
            .unwrap_or("")
            .starts_with("application/json"),
        "{what}: {:?}",
        reply.headers
    );
    let v = reply.json();
    assert_eq!(v["error"]["code"], code, "{what}: {v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{what}: {v}"
    );
    assert_eq!(v.as_object().unwrap().len(), 1, "{what}: {v}");
}

/// The bundled example articles as a POST body, plus one whose quote holds markup.
fn example_body() -> Value {
    let dir = workspace().join("examples/articles");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    let mut items = Vec::new();
    for p in paths {
        let text = std::fs::read_to_string(&p).unwrap();
        if p.extension().is_some_and(|e| e == "jsonl") {
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                items.push(serde_json::from_str::<Value>(line).unwrap());
            }
        } else {
            let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
            items.push(json!({"id": stem, "text": text}));
        }
    }
    items.push(hostile_article());
    Value::Array(items)
}

const HOSTILE_QUOTE: &str = "I think <script>document.title='pwned'</script> and <img src=x onerror=\"document.title='pwned'\"> are fine";

fn hostile_article() -> Value {
    json!({
        "id": "hostile-markup",
        "title": "Markup <b>in</b> the \"headline\"",
        "outlet": "Test Wire",
        "published": "2017-04-05",
        "url": "javascript:alert(1)",
        "text": format!("Markup test\n\n\"{HOSTILE_QUOTE},\" said Jane Doe, a spokeswoman for the city.\n\nThe council did not comment."),
    })
}

#[test]
fn the_api_answers_with_status_codes_paging_filters_and_auth() {
    for db in backends("api") {
        let name = db.name;
        let server = start(&db, Some(TOKEN), 64 * 1024);
        let addr = server.addr();

        // --- writes: auth, body checks, ingest, idempotence
        let body = serde_json::to_vec(&example_body()).unwrap();
        check_error(&post(addr, None, &body), 401, "unauthorized", name);
        check_error(
            &post(addr, Some("wrong-token-0123456789"), &body),
            401,
            "unauthorized",
            name,
        );
        let r = post(addr, None, &body);
        assert!(r
            .header("www-authenticate")
            .is_some_and(|v| v.starts_with("Bearer")));
        check_error(
            &post(addr, Some(TOKEN), b"{not json"),
            400,
            "bad_parameter",
            name,
        );
        check_error(
            &post(addr, Some(TOKEN), b"{\"id\": \"x\"}"),
            400,
            "bad_parameter",
            name,
        );
        check_error(&post(addr, Some(TOKEN), b"[]"), 400, "bad_parameter", name);
        check_error(
            &post(addr, Some(TOKEN), b"[{\"text\": \"a\", \"tilte\": \"b\"}]"),
            400,
            "bad_parameter",
            name,
        );
        let big = serde_json::to_vec(&json!({"text": "word ".repeat(20_000)})).unwrap();
        check_error(
            &post(addr, Some(TOKEN), &big),
            413,
            "payload_too_large",
            name,
        );

        let r = post(addr, Some(TOKEN), &body);
        assert_eq!(r.status, 201, "{name}: {}", r.text());
        let report = r.json();
        let n_items = example_body().as_array().unwrap().len() as u64;
        assert_eq!(report["stored"], n_items, "{name}: {report}");
        assert!(report["attributions"].as_u64().unwrap() >= 10, "{report}");
        let ids = report["articles"].as_array().unwrap();
        assert_eq!(ids.len() as u64, n_items);
        assert!(ids.iter().all(|a| a["id"].as_i64().is_some()), "{report}");
        let r = post(addr, Some(TOKEN), &body);
        assert_eq!(r.status, 200, "{name}: {}", r.text());
        assert_eq!(r.json()["duplicates"], n_items);
        assert_eq!(r.json()["stored"], 0);
        // A single object, with a date the reader cannot read: stored, with a warning.
        let one = json!({"text": "\"It works,\" Ann Lee said.", "published": "someday"});
        let r = post(addr, Some(TOKEN), one.to_string().as_bytes());
        assert_eq!(r.status, 201, "{}", r.text());
        assert_eq!(r.json()["warnings"][0]["item"], 0, "{}", r.text());

        // --- min_confidence: checked, and every quote it keeps is at least that sure.
        for bad in ["1.5", "-1", "sure"] {
            let r = get(addr, &format!("/api/quotes?min_confidence={bad}"));
            check_error(&r, 400, "bad_parameter", bad);
        }
        let every = get(addr, "/api/quotes?limit=500").json();
        let sure = get(addr, "/api/quotes?limit=500&min_confidence=0.8").json();
        let at_least = |q: &Value| {
            q["resolved"]["confidence"]
                .as_f64()
                .is_some_and(|c| c >= 0.8)
        };
        let want = every["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|q| at_least(q))
            .count();
        assert_eq!(sure["total"], want as u64, "{sure}");
        assert!(
            sure["items"].as_array().unwrap().iter().all(at_least),
            "{sure}"
        );

        // --- health
        let h = get(addr, "/api/health");
        assert_eq!(h.status, 200);
        let h = h.json();
        assert_eq!(h["status"], "ok");
        assert_eq!(h["read_only"], false);
        assert_eq!(h["backend"], name);
        assert_eq!(h["stats"]["articles"], n_items + 1);

        // --- quotes: default page, filters, paging
        let all = get(addr, "/api/quotes?limit=500").json();
        let n_quotes = all["items"].as_array().unwrap().len();
        assert!(n_quotes >= 10, "{all}");
        assert_eq!(all["next_offset"], Value::Null);
        let first = get(addr, "/api/quotes").json();
        assert_eq!(first["limit"], 20);
        assert_eq!(first["offset"], 0);
        let mut paged = Vec::new();
        let mut offset = 0;
        loop {
            let page = get(addr, &format!("/api/quotes?limit=3&offset={offset}")).json();
            let items = page["items"].as_array().unwrap();
            assert!(items.len() <= 3);
            paged.extend(items.iter().map(|q| q["id"].clone()));
            match page["next_offset"].as_u64() {
                Some(next) => {
                    assert_eq!(next, offset + 3);
                    offset = next;
                }
                None => break,
            }
        }
        let all_ids: Vec<Value> = all["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| q["id"].clone())
            .collect();
        assert_eq!(
            paged, all_ids,
            "{name}: pages concatenate to the whole list"
        );

        let by = |q: &str| -> Vec<Value> {
            let r = get(addr, &format!("/api/quotes?{q}"));
            assert_eq!(r.status, 200, "{q}: {}", r.text());
            r.json()["items"].as_array().unwrap().clone()
        };
        let sessions = by("speaker=sessions");
        assert!(!sessions.is_empty());
        assert!(
            sessions.iter().all(|q| q["speaker"] == "Jeff Sessions"),
            "{sessions:?}"
        );
        let direct = by("kind=direct&limit=500");
        assert!(!direct.is_empty() && direct.len() < n_quotes);
        assert!(direct.iter().all(|q| q["kind"] == "direct"));
        let think = by("search=think");
        assert!(!think.is_empty());
        assert!(think.iter().all(|q| q["content_text"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("think")));
        let ledger = by("outlet=Capitol%20Ledger&limit=500");
        assert!(!ledger.is_empty());
        assert!(ledger.iter().all(|q| q["outlet"] == "Capitol Ledger"));
        let april = by("since=2017-04&until=2017-04-30");
        assert!(!april.is_empty());
        assert!(
            april
                .iter()
                .all(|q| q["published"].as_str().unwrap().starts_with("2017-04")),
            "{april:?}"
        );
        assert!(by("search=think&speaker=nobody%20here").is_empty());
        assert_eq!(
            by("search=&speaker=&outlet=&kind=&limit=").len(),
            by("").len(),
            "empty values are absent"
        );
        let relevance = by("search=recuse&sort=relevance&limit=1");
        assert_eq!(relevance.len(), 1);
        // The markup is data: stored and returned as it was sent.
        let hostile = by("search=fine&outlet=test%20wire");
        assert_eq!(hostile.len(), 1, "{hostile:?}");
        assert!(hostile[0]["content_text"]
            .as_str()
            .unwrap()
            .contains("<script>document.title='pwned'</script>"));

        // --- bad parameters: 400 with the JSON error
        for q in [
            "limit=0",
            "limit=501",
            "limit=abc",
            "offset=-1",
            "kind=quote",
            "since=2017-3",
            "until=march",
            "sort=best",
            "speaker_id=x",
            "article_id=0",
            "limit=1&limit=2",
            "colour=red",
            "search=%22%22",
            "speaker=%2C%2C",
        ] {
            check_error(
                &get(addr, &format!("/api/quotes?{q}")),
                400,
                "bad_parameter",
                q,
            );
        }
        check_error(
            &get(addr, "/api/speakers?type=alien"),
            400,
            "bad_parameter",
            "type",
        );
        check_error(
            &get(addr, "/api/articles?since=x"),
            400,
            "bad_parameter",
            "articles since",
        );
        check_error(
            &get(addr, "/api/health?verbose=1"),
            400,
            "bad_parameter",
            "health params",
        );

        // --- speakers
        let speakers = get(addr, "/api/speakers?limit=500").json();
        let list = speakers["items"].as_array().unwrap();
        let jeff = list
            .iter()
            .find(|s| s["name"] == "Jeff Sessions")
            .expect("Jeff Sessions");
        let counts: Vec<i64> = list
            .iter()
            .map(|s| s["n_quotes"].as_i64().unwrap())
            .collect();
        assert!(counts.windows(2).all(|w| w[0] >= w[1]), "most quoted first");
        let id = jeff["id"].as_i64().unwrap();
        let one = get(addr, &format!("/api/speakers/{id}"));
        assert_eq!(one.status, 200, "{}", one.text());
        let one = one.json();
        assert_eq!(one["name"], "Jeff Sessions");
        let timeline = one["timeline"].as_array().unwrap();
        let in_months: i64 = timeline.iter().map(|m| m["quotes"].as_i64().unwrap()).sum();
        assert_eq!(
            in_months + one["undated"].as_i64().unwrap(),
            one["n_quotes"].as_i64().unwrap(),
            "{one}"
        );
        assert!(timeline.iter().any(|m| m["month"] == "2017-03"), "{one}");
        let people = get(addr, "/api/speakers?type=person&limit=500").json();
        assert!(people["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["type"] == "person"));
        check_error(
            &get(addr, "/api/speakers/999999"),
            404,
            "not_found",
            "no speaker",
        );
        check_error(
            &get(addr, "/api/speakers/abc"),
            400,
            "bad_parameter",
            "speaker id",
        );
        check_error(
            &get(addr, "/api/speakers/0"),
            400,
            "bad_parameter",
            "speaker 0",
        );

        // --- articles
        let arts = get(addr, "/api/articles?limit=500").json();
        assert_eq!(arts["items"].as_array().unwrap().len() as u64, n_items + 1);
        let found = get(addr, "/api/articles?search=recuse").json();
        assert!(!found["items"].as_array().unwrap().is_empty());
        let hostile = get(addr, "/api/articles/hostile-markup");
        assert_eq!(hostile.status, 200, "{}", hostile.text());
        let hostile = hostile.json();
        assert_eq!(hostile["key"], "hostile-markup");
        let by_id = get(addr, &format!("/api/articles/{}", hostile["id"])).json();
        assert_eq!(by_id, hostile);
        let attrs = hostile["attributions"].as_array().unwrap();
        assert!(!attrs.is_empty(), "{hostile}");
        // Spans are code points into the text.
        let text: Vec<char> = hostile["text"].as_str().unwrap().chars().collect();
        for a in attrs {
            for s in a["content"].as_array().unwrap() {
                let (s, e) = (
                    s[0].as_u64().unwrap() as usize,
                    s[1].as_u64().unwrap() as usize,
                );
                assert!(s < e && e <= text.len());
            }
        }
        check_error(
            &get(addr, "/api/articles/no-such-article"),
            404,
            "not_found",
            "no article",
        );
        check_error(
            &get(addr, "/api/articles/%FF"),
            400,
            "bad_parameter",
            "bad UTF-8 id",
        );

        // --- routes and methods that do not exist: JSON, never HTML
        check_error(&get(addr, "/api/nothing"), 404, "not_found", "route");
        check_error(&get(addr, "/nothing"), 404, "not_found", "ui route");
        check_error(
            &http(addr, "DELETE", "/api/quotes", &[], b""),
            405,
            "method_not_allowed",
            "DELETE",
        );
        check_error(
            &http(addr, "PUT", "/api/articles/1", &[], b"{}"),
            405,
            "method_not_allowed",
            "PUT",
        );

        // --- the UI and its headers
        let page = get(addr, "/");
        assert_eq!(page.status, 200);
        assert!(page
            .header("content-type")
            .unwrap()
            .starts_with("text/html"));
        assert!(page.text().contains("/assets/app.js"));
        assert!(page
            .header("content-security-policy")
            .unwrap()
            .contains("script-src 'self'"));
        assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
        for path in [
            "/assets/app.js",
            "/assets/app.css",
            "/speakers/1",
            "/articles/hostile-markup",
            "/clusters/1",
        ] {
            assert_eq!(get(addr, path).status, 200, "{path}");
        }
        server.stop().unwrap();
    }
}

#[test]
fn every_route_of_the_openapi_document_answers() {
    for db in backends("openapi") {
        let server = start(&db, Some(TOKEN), 1 << 20);
        let addr = server.addr();
        let doc = get(addr, "/api/openapi.json");
        assert_eq!(doc.status, 200);
        let doc = doc.json();
        // The same statement in two articles, so that there is a cluster to ask for.
        let articles = json!([
            {"id": "oa-1", "text": "\"We are ready to vote on the budget next week,\" Maria Lopez said on Monday."},
            {"id": "oa-2", "text": "Maria Lopez said: \"We are ready to vote on the budget next week.\""},
        ]);
        let stored = post(addr, Some(TOKEN), articles.to_string().as_bytes()).json();
        let article_id = stored["articles"][0]["id"].as_i64().unwrap();
        let speaker_id = get(addr, "/api/speakers").json()["items"][0]["id"]
            .as_i64()
            .unwrap();
        let clusters = get(addr, "/api/clusters").json();
        let cluster_id = clusters["items"][0]["id"].as_i64().expect("a cluster");
        let quote_id = get(addr, "/api/quotes").json()["items"][0]["id"]
            .as_i64()
            .expect("a quote");
        let mut checked = 0;
        for (path, item) in doc["paths"].as_object().unwrap() {
            let concrete = path
                .replace("/speakers/{id}", &format!("/speakers/{speaker_id}"))
                .replace("/articles/{id}", &format!("/articles/{article_id}"))
                .replace("/clusters/{id}", &format!("/clusters/{cluster_id}"))
                .replace("/quotes/{id}", &format!("/quotes/{quote_id}"));
            for (method, op) in item.as_object().unwrap() {
                let reply = match method.as_str() {
                    "get" => get(addr, &concrete),
                    "post" => {
                        let body = json!({"text": "\"Another day,\" Maria Lopez said."});
                        post(addr, Some(TOKEN), body.to_string().as_bytes())
                    }
                    other => panic!("unexpected method {other} in the document"),
                };
                let ok: Vec<u16> = op["responses"]
                    .as_object()
                    .unwrap()
                    .keys()
                    .filter(|k| k.starts_with('2'))
                    .map(|k| k.parse().unwrap())
                    .collect();
                assert!(
                    ok.contains(&reply.status),
                    "{method} {concrete}: {} {}",
                    reply.status,
                    reply.text()
                );
                checked += 1;
            }
        }
        assert_eq!(checked, verbatim_server::API_ROUTES.len());
        server.stop().unwrap();
    }
}

#[test]
fn a_read_only_server_refuses_writes_and_serves_reads() {
    let db = backends("readonly").remove(0);
    // Fill the store, then serve it without a token.
    let writer = start(&db, Some(TOKEN), 1 << 20);
    let body = json!({"id": "r1", "text": "\"Fine,\" Bo Ek said."});
    assert_eq!(
        post(writer.addr(), Some(TOKEN), body.to_string().as_bytes()).status,
        201
    );
    writer.stop().unwrap();
    let server = start(&db, None, 1 << 20);
    let addr = server.addr();
    check_error(
        &post(addr, Some(TOKEN), body.to_string().as_bytes()),
        403,
        "read_only",
        "with token",
    );
    check_error(&post(addr, None, b"{}"), 403, "read_only", "without token");
    assert_eq!(get(addr, "/api/health").json()["read_only"], true);
    assert_eq!(get(addr, "/api/articles/r1").status, 200);
}

#[test]
fn a_server_without_a_store_or_with_a_bad_config_does_not_start() {
    let dir = TempDir::new("server-nostore");
    let missing = dir.path().join("missing.db").to_string_lossy().into_owned();
    let config = ServerConfig {
        addr: "127.0.0.1:0".into(),
        db: missing.clone(),
        ..ServerConfig::default()
    };
    let err = Server::new(&config).err().expect("no store");
    assert!(err.to_string().contains("no store at"), "{err}");
    assert!(
        !std::path::Path::new(&missing).exists(),
        "not created when read-only"
    );
    let out = verbatim(&["serve", "--db", &missing, "--addr", "127.0.0.1:0"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no store at"));
    let out = verbatim(&["serve", "--db", &missing, "--token", "short"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 16"));
    let conf = dir.path().join("server.json");
    std::fs::write(&conf, r#"{"adress": "127.0.0.1:0"}"#).unwrap();
    let out = verbatim(&["serve", "--config", conf.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("unknown field"),
        "{out:?}"
    );
}

/// `verbatim serve` as a process: prints its address, answers, stops on SIGINT with status 0.
pub(crate) struct ServeProcess {
    pub(crate) child: std::process::Child,
    pub(crate) addr: SocketAddr,
}

impl ServeProcess {
    pub(crate) fn start(args: &[&str], token_env: Option<&str>) -> ServeProcess {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_verbatim"));
        cmd.arg("serve").args(args);
        ServeProcess::spawn(cmd, token_env)
    }

    /// Starts `cmd` (which runs, or execs, `verbatim serve`) and reads the address it prints.
    pub(crate) fn spawn(mut cmd: Command, token_env: Option<&str>) -> ServeProcess {
        cmd.current_dir(workspace());
        cmd.env_remove("VERBATIM_TOKEN");
        if let Some(t) = token_env {
            cmd.env("VERBATIM_TOKEN", t);
        }
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        stderr.read_line(&mut line).unwrap();
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        // Keep draining stderr so the child never blocks on it.
        std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
        ServeProcess { child, addr }
    }

    /// SIGINT, then the exit status (None if it had to be killed).
    pub(crate) fn interrupt(&mut self) -> Option<i32> {
        self.signal("-INT", Duration::from_secs(20))
    }

    /// Sends `signal` (`-INT`, `-TERM`), then waits up to `wait` for the exit status (None if
    /// it had to be killed).
    pub(crate) fn signal(&mut self, signal: &str, wait: Duration) -> Option<i32> {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args([signal, &pid]).status();
        assert!(sent.is_ok_and(|s| s.success()));
        let deadline = Instant::now() + wait;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        None
    }
}

impl Drop for ServeProcess {
    /// A failed test still stops its server.
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

#[test]
fn the_serve_command_serves_and_stops_on_ctrl_c() {
    let dir = TempDir::new("server-cli");
    let db = dir.path().join("cli.db").to_string_lossy().into_owned();
    // A token from the environment lets a new store be created and filled.
    let mut server = ServeProcess::start(&["--db", &db, "--addr", "127.0.0.1:0"], Some(TOKEN));
    let body = json!({"id": "c1", "text": "\"Serve it,\" Kim Park said."});
    let r = post(server.addr, Some(TOKEN), body.to_string().as_bytes());
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(
        get(server.addr, "/api/health").json()["stats"]["articles"],
        1
    );
    assert_eq!(server.interrupt(), Some(0), "a graceful stop exits 0");
    // Then read-only over the same file.
    let mut server = ServeProcess::start(&["--db", &db, "--addr", "127.0.0.1:0"], None);
    check_error(
        &post(server.addr, Some(TOKEN), b"{}"),
        403,
        "read_only",
        "read-only CLI",
    );
    let quotes = get(server.addr, "/api/quotes").json();
    assert!(
        quotes["items"][0]["content_text"]
            .as_str()
            .unwrap()
            .contains("Serve it"),
        "{quotes}"
    );
    assert_eq!(server.interrupt(), Some(0));
}

// ---- the web UI in headless Chromium ------------------------------------------------------

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("VERBATIM_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    path.exists().then_some(path)
}

/// Headless Chromium without network side traffic, on a fresh profile of its own.
fn headless(chromium: &PathBuf, profile: &TempDir) -> Command {
    let mut c = Command::new(chromium);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()));
    c
}

/// The DOM of `url` after its scripts ran.
fn dump_dom(chromium: &PathBuf, url: &str) -> String {
    let profile = TempDir::new("chromium");
    let out = headless(chromium, &profile)
        .args(["--virtual-time-budget=5000", "--dump-dom", url])
        .stdin(Stdio::null())
        .output()
        .expect("run chromium");
    let dom = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        dom.contains("</html>"),
        "chromium gave no DOM for {url}: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    dom
}

#[test]
fn the_ui_searches_and_highlights_attributions_in_chromium() {
    let Some(chromium) = chromium() else {
        eprintln!("skipping the browser test: /usr/bin/chromium not found (.ci/run installs it)");
        return;
    };
    let db = backends("ui").remove(0);
    let server = start(&db, Some(TOKEN), 1 << 20);
    let addr = server.addr();
    let body = serde_json::to_vec(&example_body()).unwrap();
    assert_eq!(post(addr, Some(TOKEN), &body).status, 201);

    // Search: quote cards with speaker, quote, outlet, date and a link to the article.
    let dom = dump_dom(&chromium, &format!("http://{addr}/?q=think"));
    assert!(dom.contains("class=\"card\""), "no cards:\n{dom}");
    assert!(dom.contains("Quotes found"), "{dom}");
    assert!(dom.contains("href=\"/articles/"), "{dom}");
    assert!(dom.contains("class=\"speaker\""), "{dom}");
    // The quote with markup is text: escaped in the DOM, never run.
    assert!(
        dom.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;"),
        "{dom}"
    );
    assert!(!dom.contains("<script>document.title"), "{dom}");
    assert!(!dom.contains("<img src=\"x\""), "{dom}");
    assert!(
        !dom.contains("<title>pwned"),
        "a script from the data ran:\n{dom}"
    );
    assert!(!dom.contains("href=\"javascript:"), "{dom}");

    // The article page: attributions highlighted by role, with a legend.
    let hostile = get(addr, "/api/articles/hostile-markup").json();
    let dom = dump_dom(
        &chromium,
        &format!("http://{addr}/articles/{}", hostile["id"]),
    );
    for role in ["source", "cue", "content"] {
        assert!(
            dom.contains(&format!("<mark class=\"{role}\"")),
            "no {role} mark:\n{dom}"
        );
    }
    assert!(dom.contains("class=\"legend\""), "{dom}");
    assert!(
        dom.contains("Markup &lt;b&gt;in&lt;/b&gt; the \"headline\""),
        "{dom}"
    );
    assert!(!dom.contains("<title>pwned"), "{dom}");
    assert!(!dom.contains("href=\"javascript:"), "{dom}");

    // A speaker page: the timeline chart and their quotes.
    let sessions = get(addr, "/api/speakers?name=Sessions").json();
    let id = &sessions["items"][0]["id"];
    let dom = dump_dom(&chromium, &format!("http://{addr}/speakers/{id}"));
    assert!(dom.contains("Jeff Sessions"), "{dom}");
    assert!(dom.contains("class=\"timeline\""), "{dom}");
    assert!(dom.contains("class=\"bar\""), "{dom}");
    assert!(dom.contains("class=\"card\""), "{dom}");

    // A quote page: the statement, its speaker, every outlet and date, the change marked.
    let altered = get(addr, "/api/clusters?altered=true").json();
    let id = &altered["items"][0]["id"];
    let dom = dump_dom(&chromium, &format!("http://{addr}/clusters/{id}"));
    assert!(dom.contains("Jeff Sessions"), "{dom}");
    for outlet in [
        "Delhi Gazette",
        "Harbor Herald",
        "Lakeside Tribune",
        "Evening Bulletin",
    ] {
        assert!(dom.contains(outlet), "no {outlet}:\n{dom}");
    }
    assert!(dom.contains("<ins"), "{dom}");
    assert!(dom.contains("election"), "{dom}");
    assert!(dom.contains("<del"), "{dom}");
    assert!(dom.contains("class=\"earliest\""), "{dom}");
    assert!(dom.contains("class=\"card altered-card\""), "{dom}");
    assert!(dom.contains("2017-03-03T08:30:00+05:30"), "{dom}");

    // An inferred speaker shows as inferred: the source's words, an arrow, the name, and how
    // it was found on hover; a named one shows the name alone.
    let all = get(addr, "/api/quotes?limit=500").json();
    let via = |q: &Value| q["resolved"]["via"].as_str().unwrap_or("").to_string();
    let inferred = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| !matches!(via(q).as_str(), "" | "name" | "none") && q["speaker_id"].is_i64())
        .expect("the examples have a pronoun or description source");
    let dom = dump_dom(
        &chromium,
        &format!("http://{addr}/quotes/{}", inferred["id"]),
    );
    let source = inferred["source_text"].as_str().unwrap();
    let speaker = inferred["speaker"].as_str().unwrap();
    let shown = format!(
        "<span class=\"source-words\">{}</span> → <a class=\"speaker\"",
        source
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    );
    assert!(dom.contains(&shown), "no {shown:?}:\n{dom}");
    assert!(dom.contains(speaker), "{dom}");
    assert!(
        dom.contains(&format!("title=\"found by {}", via(inferred))),
        "{dom}"
    );
    assert!(dom.contains("class=\"provenance\""), "{dom}");
    let named = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| via(q) == "name")
        .expect("a named source");
    let dom = dump_dom(&chromium, &format!("http://{addr}/quotes/{}", named["id"]));
    assert!(!dom.contains("class=\"inferred\""), "{dom}");
    server.stop().unwrap();
}

/// The bundled disputed example as a POST body.
fn disputed_body() -> Value {
    let path = workspace().join("examples/disputed/shutdown-three-outlets.jsonl");
    let text = std::fs::read_to_string(path).unwrap();
    let items: Vec<Value> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    Value::Array(items)
}

#[test]
fn disputed_clusters_are_filtered_and_badged() {
    let db = backends("disputed").remove(0);
    let server = start(&db, Some(TOKEN), 1 << 20);
    let addr = server.addr();
    let body = serde_json::to_vec(&disputed_body()).unwrap();
    assert_eq!(post(addr, Some(TOKEN), &body).status, 201);
    let all = get(addr, "/api/clusters").json();
    let disputed = get(addr, "/api/clusters?disputed=true").json();
    let ids = |v: &Value| -> Vec<i64> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(all["items"].as_array().unwrap().len(), 3, "{all}");
    assert_eq!(ids(&disputed).len(), 2, "{disputed}");
    for c in disputed["items"].as_array().unwrap() {
        assert_eq!(c["disputed"], true, "{c}");
        assert!(c["credits"].as_array().unwrap().len() >= 2, "{c}");
    }
    let undisputed: Vec<&Value> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["disputed"] == false)
        .collect();
    assert_eq!(undisputed.len(), 1, "{all}");
    let bad = get(addr, "/api/clusters?disputed=maybe");
    check_error(&bad, 400, "bad_parameter", "disputed=maybe");

    let Some(chromium) = chromium() else {
        eprintln!("skipping the browser half: /usr/bin/chromium not found (.ci/run installs it)");
        server.stop().unwrap();
        return;
    };
    let id = ids(&disputed)[0];
    let dom = dump_dom(&chromium, &format!("http://{addr}/clusters/{id}"));
    assert!(dom.contains("class=\"disputed\""), "no badge:\n{dom}");
    assert!(dom.contains("class=\"credits\""), "{dom}");
    assert!(dom.contains("according to Capitol Ledger"), "{dom}");
    assert!(dom.contains("first published: a tie between"), "{dom}");
    assert!(dom.contains("earliest (tie)"), "{dom}");
    let calm = undisputed[0]["id"].as_i64().unwrap();
    let dom = dump_dom(&chromium, &format!("http://{addr}/clusters/{calm}"));
    assert!(dom.contains("first published by"), "{dom}");
    assert!(!dom.contains("class=\"disputed\""), "{dom}");
    assert!(!dom.contains("class=\"credits\""), "{dom}");
    server.stop().unwrap();
}

// ---- index pages, totals, downloads and permalinks ----------------------------------------

/// The bundled examples, the disputed example and one article under a feed key as outlet.
fn index_body() -> Value {
    let mut items = example_body().as_array().unwrap().clone();
    items.extend(disputed_body().as_array().unwrap().iter().cloned());
    items.push(json!({
        "id": "feed-key-outlet",
        "outlet": "wash-post",
        "published": "2017-05-01",
        "text": "\"The budget is balanced,\" Senator Maria Lopez said on Monday.",
    }));
    Value::Array(items)
}

fn item_ids(v: &Value) -> Vec<i64> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect()
}

#[test]
fn lists_have_totals_csv_downloads_sorting_and_filters() {
    for db in backends("index") {
        let name = db.name;
        let server = start(&db, Some(TOKEN), 1 << 20);
        let addr = server.addr();
        let body = serde_json::to_vec(&index_body()).unwrap();
        assert_eq!(post(addr, Some(TOKEN), &body).status, 201, "{name}");

        // Totals: every page says how many results there are in all.
        let all = get(addr, "/api/quotes?limit=500").json();
        let n = all["items"].as_array().unwrap().len() as u64;
        assert!(n > 20, "{name}: {n}");
        let one = get(addr, "/api/quotes?limit=1").json();
        assert_eq!(one["total"], n, "{name}");
        let searched = get(addr, "/api/quotes?search=shutdown&limit=1").json();
        assert!(
            searched["total"].as_u64().unwrap() > 1,
            "{name}: {searched}"
        );
        let far = get(addr, "/api/quotes?search=shutdown&offset=400").json();
        assert_eq!(far["total"], searched["total"], "{name}");
        let articles = get(addr, "/api/articles?limit=500").json();
        let n_articles = articles["items"].as_array().unwrap().len();
        assert!(n_articles > 10, "{name}: {articles}");
        assert_eq!(
            get(addr, "/api/articles?limit=2").json()["total"],
            n_articles,
            "{name}"
        );

        // CSV downloads with the CLI's columns, one record per row.
        let csv = get(addr, "/api/quotes?limit=500&format=csv");
        assert_eq!(csv.status, 200, "{name}");
        assert_eq!(
            csv.header("content-type"),
            Some("text/csv; charset=utf-8"),
            "{name}"
        );
        assert!(
            csv.header("content-disposition")
                .is_some_and(|d| d.contains("quotes.csv")),
            "{name}"
        );
        let text = csv.text();
        assert!(
            text.starts_with("id,article,published,outlet,speaker"),
            "{text}"
        );
        let records = text
            .lines()
            .filter(|l| {
                l.split(',')
                    .next()
                    .is_some_and(|f| f.parse::<i64>().is_ok())
            })
            .count();
        assert_eq!(records as u64, n, "{name}");
        for (path, header) in [
            ("/api/speakers?format=csv", "id,name,type,quotes"),
            ("/api/articles?format=csv", "id,key,published,outlet"),
            ("/api/clusters?format=csv", "id,speaker,first_day"),
        ] {
            let reply = get(addr, path);
            assert!(
                reply.text().starts_with(header),
                "{name} {path}: {}",
                reply.text()
            );
        }

        // Outlets with their own names.
        let outlets = get(addr, "/api/outlets").json();
        let names: Vec<(&str, &str)> = outlets
            .as_array()
            .unwrap()
            .iter()
            .map(|o| (o["outlet"].as_str().unwrap(), o["name"].as_str().unwrap()))
            .collect();
        assert!(
            names.contains(&("wash-post", "The Washington Post")),
            "{name}: {names:?}"
        );
        assert!(
            names.contains(&("Harbor Herald", "Harbor Herald")),
            "{name}: {names:?}"
        );

        // Speakers: sorted by name, filtered by outlet and days; bad days are errors.
        let by_name = get(addr, "/api/speakers?sort=name&limit=500").json();
        let listed: Vec<String> = by_name["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap().to_lowercase())
            .collect();
        let mut sorted = listed.clone();
        sorted.sort();
        assert_eq!(listed, sorted, "{name}");
        let herald = get(addr, "/api/speakers?outlet=harbor%20herald&limit=500").json();
        let herald_ids = item_ids(&herald);
        assert!(
            !herald_ids.is_empty()
                && (herald_ids.len() as u64) < by_name["total"].as_u64().unwrap(),
            "{name}: {herald}"
        );
        let june = get(addr, "/api/speakers?since=2017-06&until=2017-06").json();
        let june_names: Vec<&str> = june["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap())
            .collect();
        assert!(
            june_names.contains(&"Sean Spicer"),
            "{name}: {june_names:?}"
        );
        assert!(
            !june_names.contains(&"Jeff Sessions"),
            "{name}: {june_names:?}"
        );

        for path in [
            "/api/quotes?format=xml",
            "/api/quotes/abc",
            "/api/speakers?since=2016-13",
            "/api/speakers?sort=best",
            "/api/clusters?speaker_type=alien",
            "/api/clusters?sort=size",
        ] {
            check_error(&get(addr, path), 400, "bad_parameter", path);
        }

        // Clusters: filtered by outlet, speaker type and days, sorted by date.
        let ledger = get(addr, "/api/clusters?outlet=Capitol%20Ledger").json();
        assert!(!item_ids(&ledger).is_empty(), "{name}");
        for c in ledger["items"].as_array().unwrap() {
            assert!(
                c["outlets"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|o| o == "Capitol Ledger"),
                "{c}"
            );
        }
        let recent = get(addr, "/api/clusters?sort=recent&limit=500").json();
        let days: Vec<&str> = recent["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["first_day"].as_str().unwrap())
            .collect();
        let mut desc = days.clone();
        desc.sort_by(|a, b| b.cmp(a));
        assert_eq!(days, desc, "{name}");
        let march = get(addr, "/api/clusters?until=2017-03&limit=500").json();
        assert!(
            march["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|c| c["first_day"].as_str().unwrap() < "2017-04"),
            "{march}"
        );
        assert!(
            march["total"].as_u64().unwrap() < recent["total"].as_u64().unwrap(),
            "{name}"
        );
        let people = get(addr, "/api/clusters?speaker_type=anonymous").json();
        for c in people["items"].as_array().unwrap() {
            let id = c["speaker_id"].as_i64().unwrap();
            let sp = get(addr, &format!("/api/speakers/{id}")).json();
            assert_eq!(sp["type"], "anonymous", "{name}: {c}");
        }

        // One quote by id, with how its speaker was linked.
        let first = &all["items"][0];
        let id = first["id"].as_i64().unwrap();
        let quote = get(addr, &format!("/api/quotes/{id}")).json();
        assert_eq!(quote["content_text"], first["content_text"], "{name}");
        let linked = all["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["speaker"] == "Jeff Sessions")
            .unwrap();
        let linked = get(addr, &format!("/api/quotes/{}", linked["id"])).json();
        assert!(
            linked["speaker_link"]["reason"]
                .as_str()
                .is_some_and(|r| !r.is_empty()),
            "{name}: {linked}"
        );
        check_error(
            &get(addr, "/api/quotes/999999"),
            404,
            "not_found",
            "missing quote",
        );
        server.stop().unwrap();
    }
}

/// Saves a PNG of `url` at `width`x`height` to `path`.
fn screenshot(chromium: &PathBuf, url: &str, (width, height): (u32, u32), path: &std::path::Path) {
    let profile = TempDir::new("chromium-shot");
    let out = headless(chromium, &profile)
        .arg("--hide-scrollbars")
        .arg(format!("--window-size={width},{height}"))
        .arg(format!("--screenshot={}", path.display()))
        .args(["--virtual-time-budget=5000", url])
        .stdin(Stdio::null())
        .output()
        .expect("run chromium");
    let png = std::fs::read(path).unwrap_or_default();
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "no screenshot of {url} at {width}px: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn every_page_kind_renders_its_key_elements_at_desktop_and_phone_width() {
    let Some(chromium) = chromium() else {
        eprintln!("skipping the browser test: /usr/bin/chromium not found (.ci/run installs it)");
        return;
    };
    let db = backends("pages").remove(0);
    let server = start(&db, Some(TOKEN), 1 << 20);
    let addr = server.addr();
    let body = serde_json::to_vec(&index_body()).unwrap();
    assert_eq!(post(addr, Some(TOKEN), &body).status, 201);
    let sessions = get(addr, "/api/speakers?name=Jeff%20Sessions").json()["items"][0]["id"].clone();
    let spicer_article = get(addr, "/api/articles/tribune-2017-06-10-funding").json();
    let direct = spicer_article["attributions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["kind"] == "direct" && !q["cluster"].is_null())
        .expect("a direct quote in a cluster")["id"]
        .clone();
    let disputed = get(addr, "/api/clusters?disputed=true").json()["items"][0]["id"].clone();
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&shots).unwrap();

    let pages: Vec<(&str, String, Vec<&str>)> = vec![
        (
            "search",
            "/?q=shutdown".into(),
            vec![
                "class=\"card\"",
                "class=\"total\"",
                "class=\"download-csv\"",
                "format=csv",
                "class=\"download-json\"",
                // Paraphrase is labelled and never in quote marks; direct quotes are.
                "<span class=\"label\">paraphrase: </span>that the shutdown would end soon",
                "class=\"quote direct",
                // Dates for people, with the zone the article gave.
                "10 June 2017, 09:30 (UTC-05:00)",
                "class=\"permalink\" href=\"/quotes/",
            ],
        ),
        (
            "search-filters",
            "/?q=budget&outlet=wash-post".into(),
            vec![
                "The Washington Post (1)",
                "<option value=\"wash-post\" selected=\"\"",
                "class=\"card\"",
            ],
        ),
        (
            "speakers",
            "/speakers?sort=name".into(),
            vec![
                "class=\"index speaker-index\"",
                "speakers in all",
                "name=\"type\"",
                "name=\"outlet\"",
                "name=\"since\"",
                "rel=\"next\"",
            ],
        ),
        (
            "speaker",
            format!("/speakers/{sessions}"),
            vec![
                "Jeff Sessions",
                "class=\"timeline\"",
                "class=\"bar\"",
                "month-label",
                "axis-title",
                "Mar 2017",
                "speaker-filter",
                "class=\"card\"",
            ],
        ),
        (
            "speaker-filtered",
            format!("/speakers/{sessions}?q=recuse"),
            vec!["recuse", "class=\"total\"", "class=\"card\""],
        ),
        (
            "articles",
            "/articles".into(),
            vec![
                "class=\"index article-index\"",
                "class=\"total\"",
                "The Washington Post",
                "name=\"outlet\"",
            ],
        ),
        (
            "article",
            format!("/articles/{}", spicer_article["id"]),
            vec![
                "<mark class=\"source\"",
                "<mark class=\"content\"",
                "class=\"num\" href=\"#w1\"",
                "num-who",
                "id=\"w1\"",
                "Who said what",
                "10 June 2017",
            ],
        ),
        (
            "clusters",
            "/clusters?only=disputed".into(),
            vec![
                "class=\"index cluster-index\"",
                "class=\"disputed\"",
                "class=\"total\"",
                "name=\"speaker_type\"",
            ],
        ),
        (
            "cluster",
            format!("/clusters/{disputed}"),
            vec![
                "class=\"disputed\"",
                "class=\"credits\"",
                "Capitol Ledger",
                "class=\"permalink\"",
            ],
        ),
        (
            "quote",
            format!("/quotes/{direct}"),
            vec![
                "How the speaker was found",
                "class=\"how-found\"",
                "In the article",
                "class=\"article-text\"",
                "Other outlets",
                "class=\"other-outlets\"",
                "this version",
            ],
        ),
        (
            "not-found",
            "/quotes/999999".into(),
            vec!["class=\"error\"", "no quote 999999"],
        ),
    ];
    for (kind, path, expected) in &pages {
        let url = format!("http://{addr}{path}");
        let dom = dump_dom(&chromium, &url);
        for e in expected {
            assert!(dom.contains(e), "{kind}: no {e:?} in\n{dom}");
        }
        // A null from the data or the page code is never printed.
        assert!(!dom.contains("null"), "{kind}: \"null\" printed:\n{dom}");
        assert!(
            !dom.contains("undefined"),
            "{kind}: \"undefined\" printed:\n{dom}"
        );
        for (label, size) in [("desktop", (1280, 900)), ("phone", (390, 844))] {
            screenshot(
                &chromium,
                &url,
                size,
                &shots.join(format!("{kind}-{label}.png")),
            );
        }
    }
    eprintln!("screenshots in {}", shots.display());
    server.stop().unwrap();
}

#[test]
fn api_answers_follow_the_openapi_schemas() {
    use crate::schema::{assert_valid, load, undescribed};
    let doc = load("crates/server/assets/openapi.json");
    let mut missing = Vec::new();
    undescribed(&doc, &doc["components"]["schemas"], "schemas", &mut missing);
    assert!(missing.is_empty(), "undescribed: {missing:?}");
    let db = backends("schemas").remove(0);
    let server = start(&db, Some(TOKEN), 1 << 20);
    let addr = server.addr();
    let body = serde_json::to_vec(&index_body()).unwrap();
    let stored = post(addr, Some(TOKEN), &body);
    let schema = |name: &str| json!({"$ref": format!("#/components/schemas/{name}")});
    assert_valid(
        &doc,
        &schema("IngestReport"),
        &stored.json(),
        "POST /api/articles",
    );
    let quotes = get(addr, "/api/quotes?limit=500").json();
    let first_quote = quotes["items"][0]["id"].clone();
    let speaker = get(addr, "/api/speakers").json()["items"][0]["id"].clone();
    let cluster = get(addr, "/api/clusters?disputed=true").json()["items"][0]["id"].clone();
    let article = get(addr, "/api/articles/ani-2017-03-03-sessions").json()["id"].clone();
    let answers = [
        ("/api/health".to_string(), "Health"),
        ("/api/quotes?limit=500".into(), "QuotePage"),
        (format!("/api/quotes/{first_quote}"), "QuoteDetail"),
        ("/api/speakers?limit=500".into(), "SpeakerPage"),
        (format!("/api/speakers/{speaker}"), "SpeakerDetail"),
        ("/api/articles?limit=500".into(), "ArticleSummaryPage"),
        (format!("/api/articles/{article}"), "Article"),
        ("/api/clusters?limit=500".into(), "ClusterPage"),
        (format!("/api/clusters/{cluster}"), "Cluster"),
        ("/api/quotes?limit=0".into(), "Error"),
        ("/api/stats".into(), "Stats"),
        ("/api/stats?by=gender".into(), "GenderStats"),
        ("/api/stats?by=age".into(), "Error"),
    ];
    for (path, name) in answers {
        assert_valid(&doc, &schema(name), &get(addr, &path).json(), &path);
    }
    // Persons only: the gender table counts every quote of a person speaker once.
    let genders = get(addr, "/api/stats?by=gender").json();
    let items = quotes["items"].as_array().unwrap();
    let persons = items.iter().filter(|q| q["speaker_type"] == "person");
    let female = persons
        .clone()
        .filter(|q| q["speaker_gender"] == "female")
        .count();
    assert_eq!(
        genders["total"]["total"],
        persons.count() as u64,
        "{genders}"
    );
    assert_eq!(genders["total"]["female"], female as u64, "{genders}");
    let outlets = get(addr, "/api/outlets").json();
    for o in outlets.as_array().unwrap() {
        assert_valid(&doc, &schema("Outlet"), o, "/api/outlets");
    }
    // Every quote of the store on its own page too.
    for q in quotes["items"].as_array().unwrap() {
        let one = get(addr, &format!("/api/quotes/{}", q["id"])).json();
        assert_valid(&doc, &schema("QuoteDetail"), &one, "quote");
    }
    server.stop().unwrap();
}
