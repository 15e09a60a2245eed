//! [`RecordingProxy`]: a loopback proxy that records what passes through,
//! for tests that must see what a client (such as the gateway) sent to its
//! upstream and what came back.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::http::parse_answer;

/// One request that passed, and its answer.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The request's method.
    pub method: String,
    /// The request's target (path and query).
    pub path: String,
    /// The request's headers as received, names lower-case.
    pub headers: Vec<(String, String)>,
    /// The status answered (0: no answer yet, or the connection closed
    /// without one).
    pub status: u16,
    /// The answer's body (de-chunked).
    pub body: Vec<u8>,
}

impl Exchange {
    /// A request header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Forwards every connection's one request to `upstream` unchanged (bar
/// `Connection: close`) and records it; stops accepting when dropped.
pub struct RecordingProxy {
    addr: String,
    seen: Arc<Mutex<Vec<Exchange>>>,
    stopped: Arc<AtomicBool>,
}

impl RecordingProxy {
    /// A proxy on a free loopback port in front of `upstream`
    /// (`127.0.0.1:PORT`).
    pub fn start(upstream: &str) -> Self {
        let listener =
            TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("cannot bind: {e}"));
        let addr = listener
            .local_addr()
            .unwrap_or_else(|e| panic!("{e}"))
            .to_string();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stopped = Arc::new(AtomicBool::new(false));
        let (record, stop, upstream) =
            (Arc::clone(&seen), Arc::clone(&stopped), upstream.to_owned());
        std::thread::spawn(move || {
            for client in listener.incoming() {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(client) = client else { continue };
                let (record, upstream) = (Arc::clone(&record), upstream.clone());
                std::thread::spawn(move || pass(client, &upstream, &record));
            }
        });
        Self {
            addr,
            seen,
            stopped,
        }
    }

    /// `127.0.0.1:PORT`.
    pub fn addr(&self) -> &str {
        &self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every exchange so far, in the order the requests arrived.
    pub fn seen(&self) -> Vec<Exchange> {
        self.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

impl Drop for RecordingProxy {
    fn drop(&mut self) {
        self.stopped.store(true, Ordering::SeqCst);
        // Wakes the accept loop, which then sees the flag.
        let _ = TcpStream::connect(&self.addr);
    }
}

/// Reads one request from `client`, records it, forwards it, records the
/// answer and only then sends it back (so that whoever got the answer finds
/// the exchange whole).
fn pass(client: TcpStream, upstream: &str, record: &Mutex<Vec<Exchange>>) -> Option<()> {
    let mut reader = BufReader::new(client.try_clone().ok()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line).ok()?;
    let mut parts = request_line.split_whitespace();
    let (method, path) = (parts.next()?.to_owned(), parts.next()?.to_owned());
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let length = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;

    // Recorded on arrival (status 0 until the answer comes), so that a test
    // sees a request the upstream holds back.
    let at = record.lock().ok().map(|mut seen| {
        seen.push(Exchange {
            method,
            path,
            headers: headers.clone(),
            status: 0,
            body: Vec::new(),
        });
        seen.len() - 1
    });
    let mut head = request_line.clone();
    for (name, value) in headers.iter().filter(|(n, _)| n != "connection") {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("connection: close\r\n\r\n");
    let mut raw = Vec::new();
    if let Ok(mut out) = TcpStream::connect(upstream) {
        let _ = out.write_all(head.as_bytes());
        let _ = out.write_all(&body);
        let _ = out.read_to_end(&mut raw);
    }
    let answer = parse_answer(raw.clone()).ok();
    if let (Ok(mut seen), Some(at)) = (record.lock(), at)
        && let Some(exchange) = seen.get_mut(at)
    {
        exchange.status = answer.as_ref().map_or(0, |a| a.status);
        exchange.body = answer.map(|a| a.body).unwrap_or_default();
    }
    let mut client = client;
    if !raw.is_empty() {
        let _ = client.write_all(&raw);
    }
    let _ = client.shutdown(Shutdown::Both);
    Some(())
}
