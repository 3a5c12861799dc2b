//! Connections: the accept loop, and a watchdog per connection that closes it when its client
//! is too slow or has gone quiet, when it must make room under the connection cap, or when
//! the server stops. This is what `axum::serve` does, plus the limits it lacks.
//!
//! A connection is *answering* while a request of it is in a handler; otherwise it is *idle*.
//! An idle connection is closed `idle_timeout` after it became idle (accept, or its last
//! answer) if no byte of a next request came, and `header_timeout` after the first byte of a
//! request whose head has not been read by then (slowloris). Request bodies and analysis have
//! their own limits in the handler, so an answering connection is never cut here, except at
//! the end of a graceful stop.

use crate::error::{ApiError, Code};
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify};

/// The connection limits (from the checked configuration).
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub header_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_connections: usize,
    pub shutdown_timeout: Duration,
}

/// No time recorded.
const NEVER: u64 = u64::MAX;

/// Milliseconds since the server started: what the per-connection atomics hold.
#[derive(Clone, Copy)]
struct Clock(Instant);

impl Clock {
    fn now(self) -> u64 {
        self.0.elapsed().as_millis() as u64
    }
    fn instant(self, ms: u64) -> Instant {
        self.0 + Duration::from_millis(ms)
    }
}

/// What the watchdog knows of one connection.
struct Conn {
    /// Requests in a handler (0 or 1 with HTTP/1).
    answering: AtomicUsize,
    /// When the connection last became idle.
    idle_since: AtomicU64,
    /// When the first byte after `idle_since` came (`NEVER`: none yet).
    head_since: AtomicU64,
    /// Set (with `evict` notified) when the connection is to close to make room.
    evicted: AtomicBool,
    evict: Notify,
}

impl Conn {
    fn new(now: u64) -> Conn {
        Conn {
            answering: AtomicUsize::new(0),
            idle_since: AtomicU64::new(now),
            head_since: AtomicU64::new(NEVER),
            evicted: AtomicBool::new(false),
            evict: Notify::new(),
        }
    }

    fn is_idle(&self) -> bool {
        self.answering.load(Ordering::Acquire) == 0
    }

    /// Bytes came from the client: if idle, the head of a next request has begun.
    fn saw_bytes(&self, now: u64) {
        if self.is_idle() {
            let _ =
                self.head_since
                    .compare_exchange(NEVER, now, Ordering::AcqRel, Ordering::Relaxed);
        }
    }

    /// When an idle connection is to close, given what it has received.
    fn idle_deadline(&self, limits: &Limits) -> u64 {
        match self.head_since.load(Ordering::Acquire) {
            NEVER => self
                .idle_since
                .load(Ordering::Acquire)
                .saturating_add(limits.idle_timeout.as_millis() as u64),
            head => head.saturating_add(limits.header_timeout.as_millis() as u64),
        }
    }
}

/// Marks a connection answering while a request is in its handler.
struct Answering {
    conn: Arc<Conn>,
    clock: Clock,
}

impl Answering {
    fn begin(conn: &Arc<Conn>, clock: Clock) -> Answering {
        conn.answering.fetch_add(1, Ordering::AcqRel);
        conn.head_since.store(NEVER, Ordering::Release);
        Answering {
            conn: Arc::clone(conn),
            clock,
        }
    }
}

impl Drop for Answering {
    fn drop(&mut self) {
        self.conn
            .idle_since
            .store(self.clock.now(), Ordering::Release);
        self.conn.head_since.store(NEVER, Ordering::Release);
        self.conn.answering.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The open connections, for the cap and for waiting on them at shutdown.
#[derive(Default)]
struct Registry {
    conns: Mutex<HashMap<u64, Arc<Conn>>>,
    next_id: AtomicU64,
    emptied: Notify,
}

impl Registry {
    fn len(&self) -> usize {
        self.conns
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    fn add(self: &Arc<Self>, conn: Arc<Conn>) -> Registered {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.conns
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id, conn);
        Registered {
            registry: Arc::clone(self),
            id,
        }
    }

    /// Asks the connection idle the longest to close; false when every connection is
    /// answering a request, closing, or became idle less than `EVICT_GRACE` ago (`now`).
    fn evict_idlest(&self, now: u64) -> bool {
        let conns = self.conns.lock().unwrap_or_else(PoisonError::into_inner);
        let grace = EVICT_GRACE.as_millis() as u64;
        let victim = conns
            .iter()
            .filter(|(_, c)| {
                c.is_idle()
                    && !c.evicted.load(Ordering::Acquire)
                    && c.idle_since.load(Ordering::Acquire).saturating_add(grace) <= now
            })
            .min_by_key(|(id, c)| (c.idle_since.load(Ordering::Acquire), **id))
            .map(|(_, c)| Arc::clone(c));
        match victim {
            Some(c) => {
                c.evicted.store(true, Ordering::Release);
                c.evict.notify_one();
                true
            }
            None => false,
        }
    }

    /// Waits until no connection is open.
    async fn all_closed(&self) {
        loop {
            let emptied = self.emptied.notified();
            if self.len() == 0 {
                return;
            }
            emptied.await;
        }
    }
}

/// A connection idle for less than this is not evicted: a client that just connected, or
/// was just answered, has had no time to send its request (which may be in flight already).
const EVICT_GRACE: Duration = Duration::from_secs(1);

/// Removes its connection from the registry when the connection's task ends.
struct Registered {
    registry: Arc<Registry>,
    id: u64,
}

impl Drop for Registered {
    fn drop(&mut self) {
        let mut conns = self
            .registry
            .conns
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        conns.remove(&self.id);
        if conns.is_empty() {
            self.registry.emptied.notify_waiters();
        }
    }
}

/// A TCP stream that tells its connection's watchdog when bytes arrive, and that puts the
/// JSON error shape and the security headers on the bare answers hyper itself writes to a
/// request it cannot parse (400, 414, 431).
struct Watched {
    stream: TcpStream,
    conn: Arc<Conn>,
    clock: Clock,
    /// Bytes of a replaced answer still to write, and how many of them are written.
    pending: Vec<u8>,
    sent: usize,
}

impl Watched {
    fn new(stream: TcpStream, conn: Arc<Conn>, clock: Clock) -> Watched {
        Watched {
            stream,
            conn,
            clock,
            pending: Vec::new(),
            sent: 0,
        }
    }

    /// Writes what is left of a replaced answer; ready when nothing is.
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.sent < self.pending.len() {
            let n = match Pin::new(&mut self.stream).poll_write(cx, &self.pending[self.sent..]) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => n,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            };
            self.sent += n;
        }
        self.pending = Vec::new();
        self.sent = 0;
        Poll::Ready(Ok(()))
    }

    /// Takes `head` in place of what it replaces: queues it and writes what it can now.
    fn poll_replace(&mut self, cx: &mut Context<'_>, head: Vec<u8>) -> Poll<io::Result<()>> {
        self.pending = head;
        self.sent = 0;
        match self.poll_pending(cx) {
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            // The rest goes out on the next write, flush or shutdown.
            _ => Poll::Ready(Ok(())),
        }
    }
}

/// Our answer in place of hyper's own: `buf` is exactly the head of an empty 400, 414 or 431,
/// written while no handler has the request. (Our handlers never answer an empty 4xx.)
fn replace_parser_answer(conn: &Conn, buf: &[u8]) -> Option<Vec<u8>> {
    if !conn.is_idle() || !buf.ends_with(b"\r\n\r\n") {
        return None;
    }
    let code = match buf.get(..13)? {
        b"HTTP/1.1 400 " => Code::BadParameter,
        b"HTTP/1.1 414 " => Code::UriTooLong,
        b"HTTP/1.1 431 " => Code::HeadersTooLarge,
        _ => return None,
    };
    let head = std::str::from_utf8(buf).ok()?.to_ascii_lowercase();
    if !head.contains("\r\ncontent-length: 0\r\n") || head.contains("\r\ncontent-type:") {
        return None;
    }
    let message = match code {
        Code::UriTooLong => "the request target is longer than 65,534 bytes",
        Code::HeadersTooLarge => "the request head has too many or too large header fields",
        _ => "malformed HTTP request: its head could not be parsed",
    };
    Some(raw_answer(&ApiError::new(code, message), "").into_bytes())
}

/// A whole HTTP/1.1 answer that closes the connection: the error shape, the security headers
/// and `extra` header lines; for answers written below the router.
fn raw_answer(error: &ApiError, extra: &str) -> String {
    let body = error.body().to_string();
    let status = error.code.status();
    let mut head = format!(
        "HTTP/1.1 {} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         connection: close\r\n{extra}",
        status.as_u16(),
        status.canonical_reason().unwrap_or(""),
        body.len()
    );
    for (name, value) in crate::ui::SECURITY_HEADERS {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    head.push_str(&body);
    head
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.conn.saw_bytes(self.clock.now());
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        std::task::ready!(this.poll_pending(cx))?;
        if let Some(answer) = replace_parser_answer(&this.conn, buf) {
            return this.poll_replace(cx, answer).map_ok(|()| buf.len());
        }
        Pin::new(&mut this.stream).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        std::task::ready!(self.poll_pending(cx))?;
        Pin::new(&mut self.stream).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        std::task::ready!(self.poll_pending(cx))?;
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        std::task::ready!(this.poll_pending(cx))?;
        let mut filled = bufs.iter().filter(|b| !b.is_empty());
        if let (Some(only), None) = (filled.next(), filled.next()) {
            if let Some(answer) = replace_parser_answer(&this.conn, only) {
                return this.poll_replace(cx, answer).map_ok(|()| only.len());
            }
        }
        Pin::new(&mut this.stream).poll_write_vectored(cx, bufs)
    }
    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

/// Why the watchdog ended a connection's wait.
enum Wake {
    /// Idle past its limit, or evicted: close now.
    Close,
    /// The server is stopping.
    Stop,
}

/// Returns when the connection must close or the server stops.
async fn watchdog(
    conn: &Conn,
    clock: Clock,
    limits: &Limits,
    stop: &mut watch::Receiver<bool>,
) -> Wake {
    loop {
        if *stop.borrow() {
            return Wake::Stop;
        }
        // An answering connection is checked again after the shorter timeout.
        let recheck =
            clock.now() + limits.header_timeout.min(limits.idle_timeout).as_millis() as u64;
        let deadline = if conn.is_idle() {
            let deadline = conn.idle_deadline(limits);
            if deadline <= clock.now() {
                return Wake::Close;
            }
            deadline.min(recheck)
        } else {
            recheck
        };
        tokio::select! {
            _ = tokio::time::sleep_until(clock.instant(deadline).into()) => {}
            _ = conn.evict.notified() => {
                if conn.is_idle() {
                    return Wake::Close;
                }
                // It became busy meanwhile: it stays, and no longer counts as evicted.
                conn.evicted.store(false, Ordering::Release);
            }
            _ = stop.changed() => {}
        }
    }
}

/// Serves one connection until it ends, its watchdog closes it, or the server stops (an idle
/// connection closes within `IDLE_STOP_GRACE`; an answering one finishes its request, or is
/// dropped with the runtime at the shutdown deadline).
async fn serve_connection(
    stream: TcpStream,
    router: Router,
    conn: Arc<Conn>,
    clock: Clock,
    limits: Limits,
    mut stop: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let io = TokioIo::new(Watched::new(stream, Arc::clone(&conn), clock));
    let tower = TowerToHyperService::new(router);
    let service_conn = Arc::clone(&conn);
    let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
        let answering = Answering::begin(&service_conn, clock);
        let answer = hyper::service::Service::call(&tower, req);
        async move {
            let response = answer.await;
            drop(answering);
            response
        }
    });
    let mut builder = http1::Builder::new();
    // Our watchdog times the head (hyper's header timeout would also cut idle keep-alive).
    builder.header_read_timeout(None);
    let connection = builder.serve_connection(io, service);
    tokio::pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => return,
        wake = watchdog(&conn, clock, &limits, &mut stop) => {
            if matches!(wake, Wake::Close) {
                return;
            }
        }
    }
    // Stopping: hyper closes a connection between requests at once and lets a request in a
    // handler finish (the stop's deadline bounds it). An idle one may still be writing an
    // answer, or be stuck in a head that will never end: it gets a moment, not the deadline.
    connection.as_mut().graceful_shutdown();
    if conn.is_idle() {
        let _ = tokio::time::timeout(IDLE_STOP_GRACE, connection).await;
    } else {
        let _ = connection.await;
    }
}

/// How long an idle connection may take to finish writing its last answer once the server
/// is stopping.
const IDLE_STOP_GRACE: Duration = Duration::from_millis(500);

/// Answers a connection over the cap with a 503 and closes it (at most this many at once;
/// beyond, the connection is closed unanswered).
const MAX_REFUSING: usize = 64;

async fn refuse(mut stream: TcpStream, refusing: Arc<AtomicUsize>) {
    let error = ApiError::new(
        Code::Busy,
        "too many open connections (max_connections); retry later",
    );
    let head = raw_answer(&error, "retry-after: 1\r\n");
    // Write the answer, then read what the client still sends for a moment before closing:
    // closing with unread bytes would reset the connection and could lose the answer.
    let write = async {
        stream.write_all(head.as_bytes()).await?;
        stream.shutdown().await?;
        let mut sink = [0u8; 8192];
        while tokio::io::AsyncReadExt::read(&mut stream, &mut sink).await? > 0 {}
        Ok::<(), io::Error>(())
    };
    let _ = tokio::time::timeout(Duration::from_secs(1), write).await;
    refusing.fetch_sub(1, Ordering::AcqRel);
}

/// Accepts and serves connections until `stop` resolves, then stops accepting, closes idle
/// connections, lets answering ones finish for up to `shutdown_timeout`, and returns (what is
/// still open is dropped with the runtime). Returns the deadline of the stop.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    stop: impl Future<Output = ()>,
) -> Instant {
    let clock = Clock(Instant::now());
    let registry = Arc::new(Registry::default());
    let refusing = Arc::new(AtomicUsize::new(0));
    let (stop_tx, stop_rx) = watch::channel(false);
    tokio::pin!(stop);
    let mut last_accept_error: Option<Instant> = None;
    loop {
        let accepted = tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => accepted,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of file descriptors, or a connection reset before it was accepted: say
                // so at most once a second and back off briefly rather than spin.
                if last_accept_error.is_none_or(|t| t.elapsed() >= Duration::from_secs(1)) {
                    eprintln!("verbatim serve: accepting a connection: {e}");
                    last_accept_error = Some(Instant::now());
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        if registry.len() >= limits.max_connections && !registry.evict_idlest(clock.now()) {
            if refusing.fetch_add(1, Ordering::AcqRel) < MAX_REFUSING {
                tokio::spawn(refuse(stream, Arc::clone(&refusing)));
            } else {
                refusing.fetch_sub(1, Ordering::AcqRel);
            }
            continue;
        }
        let conn = Arc::new(Conn::new(clock.now()));
        let registered = registry.add(Arc::clone(&conn));
        let task = serve_connection(stream, router.clone(), conn, clock, limits, stop_rx.clone());
        tokio::spawn(async move {
            task.await;
            drop(registered);
        });
    }
    let deadline = Instant::now() + limits.shutdown_timeout;
    drop(listener);
    let _ = stop_tx.send(true);
    let _ = tokio::time::timeout_at(deadline.into(), registry.all_closed()).await;
    deadline
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits {
            header_timeout: Duration::from_millis(100),
            idle_timeout: Duration::from_millis(1000),
            max_connections: 2,
            shutdown_timeout: Duration::from_millis(100),
        }
    }

    #[test]
    fn idle_connections_get_the_idle_timeout_and_started_heads_the_header_timeout() {
        let conn = Conn::new(50);
        assert_eq!(conn.idle_deadline(&limits()), 1050);
        conn.saw_bytes(400);
        assert_eq!(conn.idle_deadline(&limits()), 500);
        conn.saw_bytes(450);
        assert_eq!(
            conn.idle_deadline(&limits()),
            500,
            "timed from the first byte"
        );
        let clock = Clock(Instant::now());
        let conn = Arc::new(conn);
        let answering = Answering::begin(&conn, clock);
        assert!(!conn.is_idle());
        conn.saw_bytes(600);
        assert_eq!(
            conn.head_since.load(Ordering::Relaxed),
            NEVER,
            "a body is no head"
        );
        drop(answering);
        assert!(conn.is_idle());
        let since = conn.idle_since.load(Ordering::Relaxed);
        assert_eq!(conn.idle_deadline(&limits()), since + 1000);
    }

    #[test]
    fn only_hypers_own_empty_answers_are_replaced() {
        let conn = Conn::new(0);
        let bare = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\n\
                     date: Mon, 07 Dec 2026 12:00:00 GMT\r\n\r\n";
        let answer = String::from_utf8(replace_parser_answer(&conn, bare).unwrap()).unwrap();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap();
        assert!(
            head.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"),
            "{head}"
        );
        assert!(head.contains("content-type: application/json"), "{head}");
        assert!(head.contains("x-content-type-options: nosniff"), "{head}");
        assert!(
            head.contains(&format!("content-length: {}", body.len())),
            "{head}"
        );
        let v: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(v["error"]["code"], "headers_too_large");
        let bad = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n";
        assert!(replace_parser_answer(&conn, bad)
            .unwrap()
            .starts_with(b"HTTP/1.1 400 Bad Request"));
        // Ours (a body, a type), other statuses, a part of a head: left alone.
        let ours = b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 0\r\n\r\n";
        assert!(replace_parser_answer(&conn, ours).is_none());
        assert!(replace_parser_answer(
            &conn,
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 9\r\n\r\n"
        )
        .is_none());
        assert!(replace_parser_answer(
            &conn,
            b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n"
        )
        .is_none());
        assert!(
            replace_parser_answer(&conn, b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n")
                .is_none()
        );
        let conn = Arc::new(conn);
        let _answering = Answering::begin(&conn, Clock(Instant::now()));
        assert!(
            replace_parser_answer(&conn, bad).is_none(),
            "a handler's answer"
        );
    }

    #[test]
    fn eviction_picks_the_longest_idle_connection_never_an_answering_one() {
        let registry = Arc::new(Registry::default());
        let clock = Clock(Instant::now());
        let old = Arc::new(Conn::new(10));
        let new = Arc::new(Conn::new(20));
        let busy = Arc::new(Conn::new(0));
        let young = Arc::new(Conn::new(900));
        let _r = [&old, &new, &busy, &young].map(|c| registry.add(Arc::clone(c)));
        let _answering = Answering::begin(&busy, clock);
        assert_eq!(registry.len(), 4);
        let now = 1500;
        assert!(registry.evict_idlest(now));
        assert!(old.evicted.load(Ordering::Relaxed));
        assert!(registry.evict_idlest(now));
        assert!(new.evicted.load(Ordering::Relaxed));
        assert!(
            !registry.evict_idlest(now),
            "an answering connection and one idle for less than the grace are left"
        );
        assert!(!busy.evicted.load(Ordering::Relaxed));
        assert!(registry.evict_idlest(now + 500), "past its grace");
        assert!(young.evicted.load(Ordering::Relaxed));
        drop(_r);
        assert_eq!(registry.len(), 0);
    }
}
