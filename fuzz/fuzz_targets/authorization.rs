//! cargo-fuzz target `authorization`: see `harness/authorization.rs`.
#![no_main]

#[path = "../harness/authorization.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(data));
