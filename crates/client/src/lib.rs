//! # koodrive-client
//!
//! The async client of KooDrive's "Querying Space Usage by User" endpoint.
//! Its decisions are `koodrive-core`'s pure policies; its contact with the
//! world goes through one small seam, [`Platform`]: sending a request, the
//! clock, timers and randomness. On wasm32, [`WebPlatform`] is that seam in
//! JavaScript (`fetch`, `Date.now`, `setTimeout`, `crypto.getRandomValues`)
//! and works in browsers and in Node ≥ 20. Natively, the cargo feature
//! `native` adds `NativePlatform` (hyper, rustls, tokio timers).
//!
//! - [`Client::query_usage`]: one request (at most 50 ids), with retries,
//!   `Retry-After`, clock-skew correction, per-attempt timeout and
//!   cancellation ([`CancelSignal`]).
//! - [`Client::query_usage_all`]: any number of ids, deduplicated and split
//!   into requests of 50, run with bounded concurrency and progress; every id
//!   ends in exactly one of items, missing or failed.
//! - [`Client::list_usage_pages`] and [`Client::list_pages`]: every user of
//!   the tenant, page by page, several pages at a time and handed back in
//!   offset order; a 429's `Retry-After` pauses the whole pool and lowers its
//!   concurrency. [`Client::list_usage_all`] gathers a listing into one
//!   report, and [`Paging::resume`] fetches only what an interrupted one
//!   missed.
//! - [`Client::exchange`]: one request whose result is the last attempt's
//!   answer as it came, for a proxy to pass on; [`Client::with_shared`] makes
//!   a client per caller that shares the platform and the learned
//!   [`SharedClock`].

#![warn(missing_docs)]

mod batch;
mod cancel;
mod client;
mod config;
mod exchange;
#[cfg(all(feature = "native", not(target_arch = "wasm32")))]
mod native;
mod pages;
mod platform;
mod pool;
mod race;
#[cfg(target_arch = "wasm32")]
mod web;

#[cfg(test)]
mod fake;
#[cfg(test)]
mod tests;

pub use batch::{BatchError, Progress};
pub use cancel::{CancelSignal, Cancelled};
pub use client::{Client, SharedClock, UsageResult};
pub use config::{
    Auth, CallOptions, ClientConfig, OnRetry, RetryEvent, TokenProvider, TokenSource,
};
pub use exchange::Exchange;
pub use koodrive_core;
#[cfg(all(feature = "native", not(target_arch = "wasm32")))]
pub use native::NativePlatform;
pub use pages::{
    FailedPage, ListError, ListProgress, ListReport, PageEvent, Paging, Resume, UsagePageResult,
    UsagePages,
};
pub use platform::{HttpAnswer, Platform, RawAnswer, TransportError};
#[cfg(target_arch = "wasm32")]
pub use web::WebPlatform;
