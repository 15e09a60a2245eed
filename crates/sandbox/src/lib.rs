//! # koodrive-sandbox
//!
//! A local stand-in for KooDrive's "Querying Space Usage by User" endpoint
//! (`POST /koodrive/ose/v1/space/usage/user`), stricter than the real one:
//! it checks every rule of the endpoint's page in a fixed order, and it can
//! be told to fail in the ways a real service fails (faults), to run its clock
//! off the machine's, and to report what it has seen.
//!
//! The library is a pure handler, [`Sandbox`]: a [`Request`] and the machine's
//! "now" in, an [`Outcome`] out. It does no I/O, so it builds for wasm32 and
//! the npm module and the admin page can run it in memory. The binary
//! `koodrive-sandbox` (cargo feature `server`, on by default) serves it over
//! HTTP with the `koodrive-serve` crate, which the gateway shares.
//!
//! It reads and writes JSON with `serde_json`, not with the core's reader
//! that the client uses: a stand-in sharing the client's reader could not
//! catch that reader's mistakes.
//!
//! ```
//! use koodrive_sandbox::{Request, Sandbox, SandboxConfig, Users};
//!
//! let now_ms = 1_764_244_800_000; // 2025-11-27T12:00:00Z, the machine's clock
//! let users = Users::generate(100, 42, now_ms);
//! let sandbox = Sandbox::new(SandboxConfig::default(), users);
//! let headers = [
//!     ("Host", "127.0.0.1:8080"),
//!     ("Authorization", "Bearer sandbox-token"),
//!     ("X-User-Id", "1505084218764547200"),
//!     ("X-Date", "20251127T115959Z"),
//! ];
//! let body = br#"{"limit": 5}"#;
//! let request = Request::new("POST", "/koodrive/ose/v1/space/usage/user", &headers, body);
//! let answer = sandbox.handle(&request, now_ms).into_response().unwrap();
//! assert_eq!(answer.status, 200);
//! assert_eq!(answer.header("Date"), Some("Thu, 27 Nov 2025 12:00:00 GMT"));
//! assert!(answer.body_text().contains(r#""total":100"#));
//! ```

#![warn(missing_docs)]

mod checks;
mod config;
mod control;
mod data;
mod faults;
mod generate;
mod handler;
mod http;
mod query;
mod rates;
mod request_body;
mod stats;
mod users;

#[cfg(test)]
mod handler_tests;

pub use checks::{Refusal, check_request, check_trace_id_header, is_usage_path};
pub use config::{DEFAULT_APP_ID, DEFAULT_APP_SECRET, DEFAULT_TOKEN, SandboxConfig};
pub use control::MAX_CLOCK_OFFSET_SECS;
pub use data::DataError;
pub use faults::{Fault, FaultOrder, MAX_FAULT_MS, parse_fault_orders};
pub use generate::generate_users;
pub use handler::{
    ALLOW_HEADERS, ANSWER_CSP, CONTROL_PREFIX, InFlight, OPENAPI_PATH, OPENAPI_YAML, Sandbox,
    harden, is_api_request,
};
pub use http::{Outcome, Request, Response};
pub use request_body::parse_request_body;
pub use stats::{Arrival, DROPPED_STATUS, RECENT_LIMIT, Stats};
pub use users::{DataSource, Users};

/// The endpoint's path, its body limit, its JSON content type and KooDrive's
/// codes for refusals (from the core crate).
pub use koodrive_core::{
    CODE_AUTH_FAILED, CODE_BAD_PARAMETERS, JSON_CONTENT_TYPE, MAX_BODY_BYTES, USAGE_PATH,
};
/// Which origins may call (from the serving crate, whose server writes the
/// same headers on answers that do not come from the handler).
pub use koodrive_serve::cors::Cors;
