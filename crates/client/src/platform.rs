//! The one seam between the client and the world: sending a planned request,
//! the clock, timers and randomness. On wasm32 it is JavaScript
//! ([`crate::WebPlatform`]: `fetch`, `Date.now`, `setTimeout`,
//! `crypto.getRandomValues`); natively, with the `native` feature, it is
//! hyper and tokio (`NativePlatform`); tests use fakes. Everything else in
//! the client is platform-independent.

use std::future::Future;

use koodrive_core::{AnswerEnvelope, BodyProblem, PlannedRequest};

/// An answer as the transport read it: the status, the headers the
/// classifier needs (when readable: cross-origin pages only see exposed
/// ones), and the body parsed into an envelope or why it could not be.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpAnswer {
    /// The HTTP status.
    pub status: u16,
    /// The `Date` header.
    pub date: Option<String>,
    /// The `Retry-After` header.
    pub retry_after: Option<String>,
    /// The parsed body (at most 8 MiB are read).
    pub body: Result<AnswerEnvelope, BodyProblem>,
    /// The answer as received, for platforms that keep it (the native one
    /// does; `fetch` in a browser does not): what a proxy passes on.
    pub raw: Option<RawAnswer>,
}

/// An answer's headers and body exactly as they came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawAnswer {
    /// Every header, in the order received; names lower-case, values as bytes.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The whole body (at most 8 MiB).
    pub body: Vec<u8>,
}

/// No answer came (connection refused or reset, DNS, CORS refusal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportError {
    /// The platform's own words.
    pub cause: String,
}

/// What the client needs from its platform.
///
/// Futures need not be `Send`: the client runs on one thread (a browser, Node,
/// or a single-threaded runtime).
pub trait Platform {
    /// The local clock, Unix milliseconds.
    fn now_ms(&self) -> i64;

    /// A uniformly random `u32`.
    fn random_u32(&self) -> u32;

    /// Completes after `ms` milliseconds. Dropping the future must cancel
    /// its timer, so nothing outlives the call.
    fn sleep(&self, ms: u64) -> impl Future<Output = ()>;

    /// Sends one request and reads its answer. Dropping the future before it
    /// completes must abort the request.
    fn send(
        &self,
        request: &PlannedRequest,
    ) -> impl Future<Output = Result<HttpAnswer, TransportError>>;
}

/// Adapts a [`Platform`] to core's [`koodrive_core::RandomSource`].
pub(crate) struct PlatformRandom<'a, P: Platform>(pub &'a P);

impl<P: Platform> koodrive_core::RandomSource for PlatformRandom<'_, P> {
    fn next_u32(&mut self) -> u32 {
        self.0.random_u32()
    }
}
