//! cargo-fuzz target `dates`: see `harness/dates.rs`.
#![no_main]

#[path = "../harness/dates.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(data));
