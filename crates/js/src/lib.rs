//! # koodrive-js
//!
//! The wasm-bindgen binding behind the npm module `koodrive-space-usage`.
//! It exposes `WasmClient` (options checked by name, calls returning
//! promises) and `WasmPages`; the package's thin hand-written JavaScript layer
//! (`web/npm/`) turns them into the idiomatic API: `SpaceUsageClient`,
//! `KooDriveError` (an `Error` subclass), async iterators and `AbortSignal`.
//! The logic stays in Rust: validation, signing, retries, batching, paging.
//!
//! Only built for wasm32; on other targets this crate is empty.

#![warn(missing_docs)]

/// The wasm's global allocator: talc, whose code is smaller than that of
/// Rust's default dlmalloc (see the size table in bench/RESULTS.md).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(target_arch = "wasm32")]
mod bindings;
#[cfg(target_arch = "wasm32")]
mod call;
#[cfg(target_arch = "wasm32")]
mod convert;
#[cfg(target_arch = "wasm32")]
mod options;
#[cfg(target_arch = "wasm32")]
mod signal;
#[cfg(target_arch = "wasm32")]
mod token;

#[cfg(target_arch = "wasm32")]
pub use bindings::{WasmClient, WasmPages};
#[cfg(target_arch = "wasm32")]
pub use convert::set_error_factory;
