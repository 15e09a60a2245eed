//! Core compiled to wasm32, run by wasm-bindgen-test in Node and (with
//! `WASM_BINDGEN_USE_BROWSER=1`) in headless Chromium: the same checks as
//! natively, so platform differences (float formatting, 64-bit integers,
//! hashing, time) would show.
#![cfg(target_arch = "wasm32")]

mod common;

use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn every_signing_vector_reproduces_with_its_intermediate_strings() {
    assert_eq!(common::check_signing_vectors(), 4);
}

#[wasm_bindgen_test]
fn x_dates_and_the_clock_behave() {
    common::check_x_date_and_clock();
}

#[wasm_bindgen_test]
fn answers_decode_and_classify() {
    common::check_answers();
}

#[wasm_bindgen_test]
fn batches_are_planned() {
    common::check_batches();
}
