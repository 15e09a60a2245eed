//! The platform natively (cargo feature `native`): HTTP/1.1 by hyper's
//! pooled client, TLS by rustls (the `ring` provider, Mozilla's roots from
//! `webpki-roots`, so no system certificate store is needed), tokio timers,
//! and randomness seeded once from the OS through the standard library's
//! hash keys. Answers are read up to 8 MiB (the `Content-Length` first, then
//! counting) and parsed with core's JSON reader, as on every target; the raw
//! answer is kept for proxies.
//!
//! It needs a tokio runtime with timers (`enable_time`, or `enable_all`);
//! the client's futures are not `Send`, so run them with
//! `Runtime::block_on` or on a `LocalSet`.

use std::collections::hash_map::RandomState;
use std::future::Future;
use std::hash::{BuildHasher as _, Hasher as _};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http_body_util::{BodyExt as _, Full};
use hyper::body::{Bytes, Incoming};
use hyper::header::{CONTENT_LENGTH, DATE, HeaderMap, RETRY_AFTER};
use hyper::{Method, Request, Response};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client as HttpClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use koodrive_core::{BodyProblem, MAX_ANSWER_BYTES, PlannedRequest, SeededRandom, decode_envelope};

use crate::platform::{HttpAnswer, Platform, RawAnswer, TransportError};

/// How long a connection attempt may take before it counts as failed (the
/// client's per-attempt timeout still applies on top).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The SplitMix64 step, as [`SeededRandom`] takes it.
const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// The native platform: hyper over TCP (`http://`) or rustls (`https://`).
///
/// One value keeps a pool of connections; share it (an `Rc` with
/// [`crate::Client::with_shared`], or one client cloned) rather than making
/// one per request.
pub struct NativePlatform {
    http: HttpClient<HttpsConnector<HttpConnector>, Full<Bytes>>,
    random: AtomicU64,
}

impl std::fmt::Debug for NativePlatform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NativePlatform")
    }
}

impl NativePlatform {
    /// A platform with its own connection pool. Fails only when TLS cannot
    /// be set up.
    pub fn new() -> Result<Self, String> {
        let mut tcp = HttpConnector::new();
        tcp.enforce_http(false);
        tcp.set_nodelay(true);
        tcp.set_connect_timeout(Some(CONNECT_TIMEOUT));
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())
            .map_err(|e| format!("cannot set up TLS: {e}"))?
            .https_or_http()
            .enable_http1()
            .wrap_connector(tcp);
        let http = HttpClient::builder(TokioExecutor::new()).build(https);
        let seed = RandomState::new().build_hasher().finish() ^ unix_ms() as u64;
        Ok(Self {
            http,
            random: AtomicU64::new(seed),
        })
    }

    fn build(request: &PlannedRequest) -> Result<Request<Full<Bytes>>, TransportError> {
        let mut builder = Request::builder().method(Method::POST).uri(&request.url);
        for (name, value) in &request.headers {
            builder = builder.header(*name, value.as_str());
        }
        // The error names no header value: they may hold a token.
        builder
            .body(Full::new(Bytes::from(request.body.clone())))
            .map_err(|e| TransportError {
                cause: format!("the request could not be built: {e}"),
            })
    }
}

fn unix_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// An error in words, with its causes (hyper's own message is terse:
/// "client error (Connect)").
fn describe(error: &dyn std::error::Error) -> String {
    let mut words = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !words.contains(&text) {
            words.push_str(": ");
            words.push_str(&text);
        }
        source = cause.source();
    }
    words
}

fn header_text(headers: &HeaderMap, name: hyper::header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Reads the body, counting: `None` once it passes 8 MiB (reading stops).
async fn read_capped(mut body: Incoming) -> Result<Option<Vec<u8>>, TransportError> {
    let mut bytes = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| TransportError {
            cause: format!("the answer broke off while being read: {}", describe(&e)),
        })?;
        let Ok(data) = frame.into_data() else {
            continue; // trailers
        };
        if bytes.len() + data.len() > MAX_ANSWER_BYTES {
            return Ok(None);
        }
        bytes.extend_from_slice(&data);
    }
    Ok(Some(bytes))
}

async fn read_answer(response: Response<Incoming>) -> Result<HttpAnswer, TransportError> {
    let (parts, body) = response.into_parts();
    let headers = &parts.headers;
    let declared = header_text(headers, CONTENT_LENGTH).and_then(|v| v.trim().parse::<u64>().ok());
    let bytes = if declared.is_some_and(|n| n > MAX_ANSWER_BYTES as u64) {
        None // dropping the body closes the connection unread
    } else {
        read_capped(body).await?
    };
    let (body, raw) = match bytes {
        Some(bytes) => (
            decode_envelope(&bytes),
            Some(RawAnswer {
                headers: headers
                    .iter()
                    .map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec()))
                    .collect(),
                body: bytes,
            }),
        ),
        None => (Err(BodyProblem::TooLarge), None),
    };
    Ok(HttpAnswer {
        status: parts.status.as_u16(),
        date: header_text(headers, DATE),
        retry_after: header_text(headers, RETRY_AFTER),
        body,
        raw,
    })
}

impl Platform for NativePlatform {
    fn now_ms(&self) -> i64 {
        unix_ms()
    }

    fn random_u32(&self) -> u32 {
        let state = self.random.fetch_add(GOLDEN_GAMMA, Ordering::Relaxed);
        // `SeededRandom::new(s).next_u64()` is one SplitMix64 step from `s`.
        (SeededRandom::new(state).next_u64() >> 32) as u32
    }

    fn sleep(&self, ms: u64) -> impl Future<Output = ()> {
        tokio::time::sleep(Duration::from_millis(ms))
    }

    fn send(
        &self,
        request: &PlannedRequest,
    ) -> impl Future<Output = Result<HttpAnswer, TransportError>> {
        let built = Self::build(request);
        let http = self.http.clone();
        async move {
            let response = http.request(built?).await.map_err(|e| TransportError {
                cause: describe(&e),
            })?;
            read_answer(response).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_numbers_differ_between_calls_and_platforms() {
        let a = NativePlatform::new().unwrap();
        let b = NativePlatform::new().unwrap();
        let first: Vec<u32> = (0..4).map(|_| a.random_u32()).collect();
        let other: Vec<u32> = (0..4).map(|_| b.random_u32()).collect();
        assert_ne!(first[0], first[1]);
        assert_ne!(first, other);
    }

    #[derive(Debug)]
    struct Layer(&'static str, Option<Box<Layer>>);

    impl std::fmt::Display for Layer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Layer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|e| e as _)
        }
    }

    #[test]
    fn errors_are_told_with_their_causes() {
        let inner = Layer("connection refused", None);
        let outer = Layer("client error (Connect)", Some(Box::new(inner)));
        assert_eq!(
            describe(&outer),
            "client error (Connect): connection refused"
        );
    }
}
