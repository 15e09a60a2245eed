//! # koodrive-serve
//!
//! Serving over HTTP, shared by the two binaries (`koodrive-sandbox` and
//! `koodrive-gateway`) and knowing neither: the accept loop with its
//! [`Limits`] and graceful shutdown ([`serve`], [`shutdown_signal`]), what
//! wraps every request (body cap, panic → 500, the whole-request deadline,
//! CORS, `Date`, the [`hardening`] headers, one log line;
//! [`drop_connection`] for answers that must not be sent), the admin page's
//! files ([`StaticSite`]) and their Content-Security-Policy
//! ([`content_security_policy`]).
//!
//! An app is an `axum::Router`; what it answers is its own business. This
//! crate knows nothing of KooDrive's checks, of the sandbox's faults or of
//! the gateway's forwarding; from the core crate it takes only the wire's
//! body limit, JSON content type and refusal code.
//!
//! The [`cors`] and [`hardening`] modules are pure and always built; everything else needs the
//! cargo feature `server` (on by default), so the sandbox's handler can use
//! [`cors::Cors`] on wasm32.
//!
//! ```no_run
//! use std::sync::Arc;
//! use axum::Router;
//! use koodrive_serve::{ServeOptions, StaticSite, serve, shutdown_signal};
//!
//! # async fn run() -> std::io::Result<()> {
//! let site = Arc::new(StaticSite::open("target/dist/admin", &[]).expect("a built page"));
//! let app = Router::new().fallback(move |request: axum::extract::Request| {
//!     let site = Arc::clone(&site);
//!     async move { site.answer(request.uri().path()).await }
//! });
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! println!("listening on http://{}", listener.local_addr()?);
//! serve(listener, app, ServeOptions::default(), shutdown_signal()).await
//! # }
//! ```

#![warn(missing_docs)]

pub mod cors;
pub mod hardening;

/// Items that exist only with the feature `server`.
macro_rules! server_only {
    ($($item:item)*) => { $( #[cfg(feature = "server")] $item )* };
}

server_only! {
    mod body;
    mod catch_panic;
    mod csp;
    mod limits;
    mod listen;
    mod log;
    mod per_client;
    mod server;
    mod service;
    mod signal;
    mod static_site;
    mod write_deadline;

    pub use body::{BodyProblem, read_capped_body};
    pub use catch_panic::{CatchPanic, panic_message};
    pub use csp::{KOODRIVE_ORIGINS, content_security_policy, inline_hashes, sha256_source};
    pub use limits::Limits;
    pub use listen::{listen, runtime};
    pub use log::{LogLine, MAX_LOGGED_TRACE_CHARS};
    pub use server::{SHUTDOWN_GRACE, serve};
    pub use service::{ConnectionDropped, drop_connection};
    pub use signal::shutdown_signal;
    pub use static_site::{StaticSite, StaticSiteError, content_type};
    pub use write_deadline::WriteDeadline;
}

pub use cors::Cors;

#[cfg(feature = "server")]
use std::sync::Arc;

#[cfg(feature = "server")]
/// Writes the `Date` header of answers that have none.
pub type DateSource = Arc<dyn Fn() -> String + Send + Sync>;

#[cfg(feature = "server")]
/// How [`serve`] treats every request.
#[derive(Clone)]
pub struct ServeOptions {
    /// The limits on connections, heads and bodies.
    pub limits: Limits,
    /// The CORS headers for answers that have none (`None`: add none).
    pub cors: Option<Cors>,
    /// The `Date` of answers that have none (`None`: the machine's clock,
    /// written by hyper).
    pub date: Option<DateSource>,
    /// Whether to write one log line per request on stderr.
    pub log_requests: bool,
}

#[cfg(feature = "server")]
impl Default for ServeOptions {
    /// Default limits, any origin, the machine's clock, logging on.
    fn default() -> Self {
        Self {
            limits: Limits::default(),
            cors: Some(Cors::AnyOrigin),
            date: None,
            log_requests: true,
        }
    }
}

#[cfg(feature = "server")]
impl core::fmt::Debug for ServeOptions {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ServeOptions")
            .field("limits", &self.limits)
            .field("cors", &self.cors)
            .field("date", &self.date.as_ref().map(|_| "<fn>"))
            .field("log_requests", &self.log_requests)
            .finish()
    }
}

#[cfg(feature = "server")]
/// The machine's clock in Unix milliseconds (0 if it reads before 1970).
pub fn machine_now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
