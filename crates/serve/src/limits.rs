//! [`Limits`]: what keeps one bad client from hurting the others: header
//! count and size, the deadlines of every connection (idle, the whole
//! request, each write), the body cap, and how many connections are served
//! at once, in all and from one client address.

use std::time::Duration;

use koodrive_core::MAX_BODY_BYTES;

/// The limits a server applies to every connection and request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// At most this many request headers (more: 431).
    pub max_headers: usize,
    /// At most this many bytes of request line and headers (more: 431). At
    /// least 8192.
    pub max_header_bytes: usize,
    /// The idle deadline: a client that has not sent its whole head within
    /// this time, on a new or an idle kept-alive connection, is
    /// disconnected.
    pub header_read_timeout: Duration,
    /// A client that has not sent its whole body within this time gets 408.
    pub body_read_timeout: Duration,
    /// The whole request: from its head to the answer handed to the
    /// connection (the body read and the app included). Past it the client
    /// gets 503 and the connection is closed.
    pub request_timeout: Duration,
    /// A write of the answer that makes no progress for this long (a client
    /// that does not read what it asked for) closes the connection.
    pub write_timeout: Duration,
    /// The app sees at most this many body bytes plus one: a longer body is
    /// cut to `max_body_bytes + 1`, so the app knows it was too long and
    /// answers 413 at the point of its own checks.
    pub max_body_bytes: usize,
    /// Bodies longer than this are not read at all: the server answers 413
    /// itself and closes the connection.
    pub max_drained_body_bytes: usize,
    /// At most this many connections are served at once; more wait in the
    /// listen queue.
    pub max_connections: usize,
    /// At most this many of them from one client address; more are closed
    /// as soon as they are accepted, so that one address cannot take every
    /// slot.
    pub max_connections_per_client: usize,
}

impl Default for Limits {
    /// 64 headers in 32 KiB, 10 s for the head (and idle), 10 s for the
    /// body, 60 s for the whole request, 10 s for a stalled write, 64 KiB
    /// bodies (longer ones read and dropped up to 1 MiB), 1024 connections,
    /// 256 of them from one address.
    fn default() -> Self {
        Self {
            max_headers: 64,
            max_header_bytes: 32 * 1024,
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            write_timeout: Duration::from_secs(10),
            max_body_bytes: MAX_BODY_BYTES,
            max_drained_body_bytes: 1024 * 1024,
            max_connections: 1024,
            max_connections_per_client: 256,
        }
    }
}
