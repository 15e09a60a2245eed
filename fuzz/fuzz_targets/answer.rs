//! cargo-fuzz target `answer`: see `harness/answer.rs`.
#![no_main]

#[path = "../harness/answer.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(data));
