//! cargo-fuzz target `sandbox_handler`: see `harness/sandbox_handler.rs`.
#![no_main]

#[path = "../harness/sandbox_handler.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(data));
