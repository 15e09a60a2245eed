//! The committed fuzz corpora of the core's targets (`fuzz/corpus/answer`,
//! `authorization`, `dates`), replayed on stable through the very harnesses
//! the cargo-fuzz targets run (`fuzz/harness/`), plus a small mutation loop
//! over the same seeds with proptest: no input may panic or break an
//! invariant. `cargo xtask fuzz` explores further on nightly.
#![cfg(not(target_arch = "wasm32"))]

#[path = "../../../fuzz/harness/answer.rs"]
mod answer;
#[path = "../../../fuzz/harness/authorization.rs"]
mod authorization;
#[path = "../../../fuzz/harness/dates.rs"]
mod dates;
#[path = "../../../fuzz/replay.rs"]
mod replay;

use proptest::prelude::*;

#[test]
fn every_answer_in_the_corpus_decodes_and_classifies_without_panicking() {
    assert!(replay::replay("answer", answer::run) >= 20);
}

#[test]
fn every_authorization_in_the_corpus_parses_and_verifies_without_panicking() {
    assert!(replay::replay("authorization", authorization::run) >= 15);
}

#[test]
fn every_date_in_the_corpus_parses_without_panicking() {
    assert!(replay::replay("dates", dates::run) >= 20);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_answers_never_panic(seed in any::<prop::sample::Index>(), edits in replay::edits()) {
        answer::run(&replay::mutate("answer", seed, &edits));
    }

    #[test]
    fn mutated_authorizations_never_panic(seed in any::<prop::sample::Index>(), edits in replay::edits()) {
        authorization::run(&replay::mutate("authorization", seed, &edits));
    }

    #[test]
    fn mutated_dates_never_panic(seed in any::<prop::sample::Index>(), edits in replay::edits()) {
        dates::run(&replay::mutate("dates", seed, &edits));
    }
}
