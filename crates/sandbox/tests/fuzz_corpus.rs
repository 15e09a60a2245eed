//! The committed fuzz corpus of the sandbox's handler
//! (`fuzz/corpus/sandbox_handler`), replayed on stable through the very
//! harness the cargo-fuzz target runs (`fuzz/harness/sandbox_handler.rs`),
//! plus a small mutation loop over the same seeds with proptest.

#[path = "../../../fuzz/replay.rs"]
mod replay;
#[path = "../../../fuzz/harness/sandbox_handler.rs"]
mod sandbox_handler;

use proptest::prelude::*;

#[test]
fn every_request_in_the_corpus_is_answered_without_panicking() {
    assert!(replay::replay("sandbox_handler", sandbox_handler::run) >= 20);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_requests_never_panic(seed in any::<prop::sample::Index>(), edits in replay::edits()) {
        sandbox_handler::run(&replay::mutate("sandbox_handler", seed, &edits));
    }
}
