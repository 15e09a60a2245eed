//! # koodrive-js-sandbox
//!
//! The wasm behind `koodrive-space-usage/sandbox`: the sandbox's pure
//! handler (`koodrive-sandbox` without its server) in memory, so consumers
//! can test their code against a KooDrive stand-in that keeps every documented rule without a
//! network. The package's JavaScript turns [`WasmSandbox::handle`] into a
//! `fetch` function. A separate wasm file: the main entry never loads it.
//!
//! Only built for wasm32; on other targets this crate is empty.

#![warn(missing_docs)]

/// The wasm's global allocator: talc, whose code is smaller than that of
/// Rust's default dlmalloc (see the size table in bench/RESULTS.md).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(target_arch = "wasm32")]
mod binding;

#[cfg(target_arch = "wasm32")]
pub use binding::WasmSandbox;
