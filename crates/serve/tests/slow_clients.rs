//! Connection slots under abuse, with the serve crate in-process and
//! small limits: a flood of slow readers (clients that ask for a large
//! answer and never read it) from one address cannot stop a client on
//! another address being served, because one address holds at most its
//! share of the slots and a write that makes no progress ends its
//! connection; and a request that is never answered ends in a 503 at the
//! whole-request deadline (sandboxed by CSP, as every answer of the server
//! that is not a page file). Clients on other addresses connect from
//! 127.0.0.2 (all of 127.0.0.0/8 is loopback).
//!
//! Nothing here waits on a timer to synchronise: each test waits for an
//! answer, with a generous guard so that a regression fails instead of
//! hanging.
#![cfg(feature = "server")]

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::routing::get;
use koodrive_serve::{Limits, ServeOptions, serve};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpSocket, TcpStream};

/// A failing test fails after this instead of hanging.
const HANG_GUARD: Duration = Duration::from_secs(120);

/// Far more than the socket buffers of a loopback connection hold.
const BIG: usize = 32 * 1024 * 1024;

fn app() -> Router {
    let big = Bytes::from(vec![b'x'; BIG]);
    Router::new()
        .route("/ok", get(|| async { "fine" }))
        .route(
            "/big",
            get(move || {
                let big = big.clone();
                async move { Body::from(big) }
            }),
        )
        .route("/never", get(std::future::pending::<&'static str>))
}

/// Serves [`app`] under `limits` until the test's runtime ends.
async fn start(limits: Limits) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let options = ServeOptions {
        limits,
        log_requests: false,
        ..ServeOptions::default()
    };
    tokio::spawn(serve(listener, app(), options, std::future::pending()));
    addr
}

/// A connection from `from` (an address on this machine).
async fn connect_from(from: [u8; 4], to: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::from((from, 0))).unwrap();
    socket.connect(to).await.unwrap()
}

/// A slow reader: asks for the big answer and never reads it.
async fn slow_reader(to: SocketAddr) -> TcpStream {
    let mut stream = connect_from([127, 0, 0, 1], to).await;
    // A connection the server closed at once (past the address's share)
    // may refuse the write: that is what the test wants.
    let _ = stream
        .write_all(b"GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
        .await;
    stream
}

/// `GET path` from 127.0.0.2: the answer's status line.
async fn get_from_elsewhere(to: SocketAddr, path: &str) -> String {
    head_from_elsewhere(to, path)
        .await
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// `GET path` from 127.0.0.2: the answer's head, names in lower case.
async fn head_from_elsewhere(to: SocketAddr, path: &str) -> String {
    let exchange = async {
        let mut stream = connect_from([127, 0, 0, 2], to).await;
        let head = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        stream.write_all(head.as_bytes()).await.unwrap();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer).await;
        let text = String::from_utf8_lossy(&answer).into_owned();
        let head = text.split("\r\n\r\n").next().unwrap_or_default();
        head.lines()
            .map(|l| match l.split_once(':') {
                Some((name, value)) => format!("{}:{value}", name.to_ascii_lowercase()),
                None => l.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    tokio::time::timeout(HANG_GUARD, exchange)
        .await
        .unwrap_or_else(|_| panic!("GET {path} from 127.0.0.2 was never answered"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_slow_readers_from_one_address_does_not_stop_another_client() {
    // Writes never time out here: only the share per address protects.
    let addr = start(Limits {
        max_connections: 16,
        max_connections_per_client: 8,
        write_timeout: Duration::from_secs(3600),
        ..Limits::default()
    })
    .await;
    let mut flood = Vec::new();
    for _ in 0..16 {
        flood.push(slow_reader(addr).await);
    }
    assert_eq!(get_from_elsewhere(addr, "/ok").await, "HTTP/1.1 200 OK");
    drop(flood);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_reader_loses_its_slot_at_the_write_deadline() {
    // Every slot taken by one address's slow readers: only the write
    // deadline can free one.
    let addr = start(Limits {
        max_connections: 4,
        max_connections_per_client: 4,
        write_timeout: Duration::from_secs(1),
        ..Limits::default()
    })
    .await;
    let mut flood = Vec::new();
    for _ in 0..4 {
        flood.push(slow_reader(addr).await);
    }
    assert_eq!(get_from_elsewhere(addr, "/ok").await, "HTTP/1.1 200 OK");
    drop(flood);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_never_answered_ends_at_the_whole_request_deadline() {
    let addr = start(Limits {
        request_timeout: Duration::from_secs(1),
        ..Limits::default()
    })
    .await;
    let head = head_from_elsewhere(addr, "/never").await;
    assert!(
        head.starts_with("HTTP/1.1 503 Service Unavailable"),
        "{head}"
    );
    // The server's own answers cannot become pages either.
    assert!(
        head.contains("content-security-policy: sandbox; default-src 'none'"),
        "{head}"
    );
    assert!(head.contains("x-content-type-options: nosniff"), "{head}");
    assert_eq!(get_from_elsewhere(addr, "/ok").await, "HTTP/1.1 200 OK");
}
