//! The server's limits under abuse, each beside well-behaved clients that
//! must not notice: a body announced far beyond the cap and a head too large
//! in bytes. (Many slow clients beside a hundred normal ones: `serving.rs`,
//! where their wait for the read timeouts overlaps the other slow test's.)
#![cfg(feature = "server")]

mod common;

use std::io::{Read as _, Write as _};
use std::net::TcpStream;

use common::{PATH, SandboxProcess};

/// Sends a raw request head and reads whatever comes back until close.
fn raw(addr: &str, head: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    let _ = stream.write_all(head.as_bytes());
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

#[test]
fn a_body_announced_beyond_the_cap_is_refused_before_it_is_sent() {
    let sb = SandboxProcess::start(&[]);
    let head = format!(
        "POST {PATH} HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n",
        2 * 1024 * 1024
    );
    let answer = raw(&sb.addr, &head);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("connection: close"),
        "{answer}"
    );
    assert_eq!(sb.api(&[], "{}").status, 200, "the others are served");
}

#[test]
fn a_head_too_large_in_bytes_is_refused() {
    let sb = SandboxProcess::start(&[]);
    let big = "x".repeat(40 * 1024);
    let answer = sb.send("GET", "/__sandbox/health", &[("X-Big", &big)], b"");
    assert_eq!(answer.map(|a| a.status).ok(), Some(431));
    let fits = "x".repeat(30 * 1024);
    let answer = sb.send("GET", "/__sandbox/health", &[("X-Big", &fits)], b"");
    assert_eq!(answer.map(|a| a.status).ok(), Some(200));
    assert_eq!(
        sb.control("GET", "health", "").status,
        200,
        "the server goes on"
    );
}
