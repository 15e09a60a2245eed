//! The app signature against the independent known-answer vectors, natively.
#![cfg(not(target_arch = "wasm32"))]

mod common;

#[test]
fn every_signing_vector_reproduces_with_its_intermediate_strings() {
    assert_eq!(common::check_signing_vectors(), 4);
}

#[test]
fn x_dates_and_the_clock_behave() {
    common::check_x_date_and_clock();
}

#[test]
fn answers_decode_and_classify() {
    common::check_answers();
}

#[test]
fn batches_are_planned() {
    common::check_batches();
}
