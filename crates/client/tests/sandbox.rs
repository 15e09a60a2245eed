//! The client in wasm against a running sandbox, in Node and (with
//! `WASM_BINDGEN_USE_BROWSER=1`) in headless Chromium. `cargo xtask test`
//! starts the sandbox; every test resets it first, and tests run one after
//! another.
#![cfg(target_arch = "wasm32")]

mod common;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use common::*;
use koodrive_client::koodrive_core::{ErrorKind, SpaceUsageRequest};
use koodrive_client::{Auth, CallOptions, CancelSignal, Paging, TokenSource};
use wasm_bindgen_test::wasm_bindgen_test;

fn ids_request(ids: &[String]) -> SpaceUsageRequest {
    SpaceUsageRequest::for_user_ids(ids.to_vec())
}

fn no_retries() -> CallOptions {
    CallOptions {
        max_retries: Some(0),
        ..Default::default()
    }
}

#[wasm_bindgen_test]
async fn token_mode_with_a_string_queries_known_ids() {
    reset().await;
    let ids = known_ids(3).await;
    let r = token_client()
        .query_usage(&ids_request(&ids), &Default::default())
        .await
        .unwrap();
    let got: Vec<_> = r.items.iter().map(|i| i.user_id.clone()).collect();
    assert_eq!(got, ids);
    assert_eq!(r.trace_id.len(), 58);
}

#[wasm_bindgen_test]
async fn token_mode_with_a_provider_is_asked_again_after_a_refusal() {
    reset().await;
    let ids = known_ids(2).await;
    let asked = Rc::new(Cell::new(0));
    let provider = Tokens(
        RefCell::new(vec!["expired-token", "sandbox-token"]),
        asked.clone(),
    );
    let client = client(Auth::Token(TokenSource::Provider(Rc::new(provider))));
    let r = client
        .query_usage(&ids_request(&ids), &Default::default())
        .await
        .unwrap();
    assert_eq!(r.items.len(), 2);
    assert_eq!(asked.get(), 2);
    let s = stats().await;
    assert_eq!((s.with_status(401), s.with_status(200)), (1, 2));
}

#[wasm_bindgen_test]
async fn app_mode_signs_requests_the_sandbox_accepts() {
    reset().await;
    let ids = known_ids(5).await;
    let r = app_client()
        .query_usage(&ids_request(&ids), &Default::default())
        .await
        .unwrap();
    assert_eq!(r.items.len(), 5);
}

#[wasm_bindgen_test]
async fn invalid_input_sends_nothing() {
    reset().await;
    let too_many: Vec<String> = (0..51).map(|i| i.to_string()).collect();
    let e = token_client()
        .query_usage(&ids_request(&too_many), &Default::default())
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Validation);
    let e = token_client()
        .query_usage_all(&["1", ""], &Default::default(), &mut |_| {})
        .await
        .unwrap_err();
    assert_eq!(e.error.kind, ErrorKind::Validation);
    assert_eq!(stats().await.requests, 0);
}

#[wasm_bindgen_test]
async fn two_503s_then_success_take_three_requests() {
    reset().await;
    let ids = known_ids(1).await;
    reset().await;
    fault(r#"{"kind":"status","status":503,"count":2}"#).await;
    let r = token_client()
        .query_usage(&ids_request(&ids), &Default::default())
        .await;
    assert!(r.is_ok(), "{r:?}");
    let s = stats().await;
    assert_eq!((s.requests, s.with_status(503)), (3, 2));
}

#[wasm_bindgen_test]
async fn a_429_with_retry_after_is_waited_out() {
    reset().await;
    let ids = known_ids(1).await;
    reset().await;
    fault(r#"{"kind":"status","status":429,"retryAfterSecs":1,"count":1}"#).await;
    token_client()
        .query_usage(&ids_request(&ids), &Default::default())
        .await
        .unwrap();
    let at = stats().await.arrivals_ms();
    assert_eq!(at.len(), 2);
    assert!(
        at[1] - at[0] >= 1000.0,
        "the retry came {} ms after the 429",
        at[1] - at[0]
    );
}

#[wasm_bindgen_test]
async fn each_fault_gives_its_documented_kind() {
    let cases: [(&str, ErrorKind, Option<u64>); 5] = [
        // More drops than the connections a browser keeps: a browser
        // silently retries a request whose reused keep-alive connection
        // closed without an answer (Node does not), and after a listing of
        // several pages at a time it keeps several such connections.
        (r#"{"kind":"drop","count":8}"#, ErrorKind::Network, None),
        (r#"{"kind":"garbage","count":1}"#, ErrorKind::Decode, None),
        (
            r#"{"kind":"apiError","code":13000301,"msg":"Space not found.","count":1}"#,
            ErrorKind::Api,
            None,
        ),
        (
            r#"{"kind":"status","status":502,"body":"<html><body>Bad Gateway</body></html>","contentType":"text/html","count":1}"#,
            ErrorKind::Http,
            None,
        ),
        (
            r#"{"kind":"delay","delayMs":1500,"count":1}"#,
            ErrorKind::Timeout,
            Some(300),
        ),
    ];
    for (json, kind, timeout) in cases {
        reset().await;
        fault(json).await;
        let opts = CallOptions {
            timeout_ms: timeout,
            ..no_retries()
        };
        let result = token_client()
            .query_usage(&ids_request(&["1".into()]), &opts)
            .await;
        let e = result.expect_err(json);
        assert_eq!(e.kind, kind, "{json}: {e}");
        assert_eq!(e.attempts, 1, "{json}");
        assert_eq!(e.trace_id.as_ref().map(String::len), Some(58));
    }
}

#[wasm_bindgen_test]
async fn a_skewed_sandbox_clock_is_corrected_once_for_a_parallel_batch() {
    for offset in [-1200, 1200] {
        reset().await;
        let ids = known_ids(100).await;
        let mut many = ids.clone();
        many.extend((0..200).map(|i| format!("9{i:018}")));
        reset().await;
        move_clock(offset).await;
        let report = token_client()
            .query_usage_all(&many, &Default::default(), &mut |_| {})
            .await
            .unwrap();
        assert_eq!(report.items.len(), 100, "offset {offset}");
        assert_eq!(report.missing.len(), 200);
        assert!(report.failed.is_empty());
        assert_eq!(
            stats().await.with_status(401),
            1,
            "offset {offset}: one correction"
        );
    }
}

#[wasm_bindgen_test]
async fn cancelling_mid_batch_stops_requests_and_keeps_the_partial_report() {
    reset().await;
    fault(r#"{"kind":"delay","delayMs":50,"count":1000}"#).await;
    let ids: Vec<String> = (0..1000).map(|i| format!("8{i:018}")).collect();
    let signal = CancelSignal::new();
    let s = signal.clone();
    let opts = CallOptions {
        signal: Some(signal),
        ..Default::default()
    };
    let err = token_client()
        .query_usage_all(&ids, &opts, &mut |p| {
            if p.done >= 100 {
                s.cancel();
            }
        })
        .await
        .unwrap_err();
    assert_eq!(err.error.kind, ErrorKind::Aborted);
    let p = &err.partial;
    assert!(p.missing.len() >= 100);
    assert!(!p.pending.is_empty());
    assert_eq!(p.items.len() + p.missing.len() + p.pending.len(), 1000);
    let seen = stats().await.requests;
    assert!(seen < 20, "{seen} requests reached the sandbox");
}

#[wasm_bindgen_test]
async fn a_thousand_ids_with_duplicates_unknowns_and_a_failing_chunk_lose_none() {
    reset().await;
    let known = known_ids(100).await;
    let mut ids: Vec<String> = Vec::new();
    for round in 0..8 {
        ids.extend(known.iter().cloned());
        ids.extend((0..25).map(|i| format!("7{round}{i:017}")));
    }
    ids.extend(known.iter().take(50).cloned());
    assert_eq!(ids.len(), 1050);
    reset().await;
    fault(r#"{"kind":"apiError","code":13000102,"msg":"Verify parameters failed.","count":1}"#)
        .await;
    let report = token_client()
        .query_usage_all(&ids, &Default::default(), &mut |_| {})
        .await
        .unwrap();
    let failed: usize = report.failed.iter().map(|f| f.user_ids.len()).sum();
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.items.len() + report.missing.len() + failed, 300);
    assert!(report.pending.is_empty());
}

/// Every user, listed with `concurrency` requests at once: the pages' offsets,
/// the ids in order, and the warnings.
async fn list_all(concurrency: usize) -> (Vec<u64>, Vec<String>, Vec<String>) {
    let client = token_client();
    let mut pages = client
        .list_pages(
            Paging::new(100).with_concurrency(concurrency),
            Default::default(),
        )
        .unwrap();
    let (mut offsets, mut ids, mut warnings) = (Vec::new(), Vec::new(), Vec::new());
    while let Some(page) = pages.next_page().await {
        let page = page.unwrap();
        offsets.push(page.offset);
        ids.extend(page.items.into_iter().map(|i| i.user_id));
        warnings.extend(page.problems.iter().map(ToString::to_string));
    }
    (offsets, ids, warnings)
}

#[wasm_bindgen_test]
async fn parallel_pages_arrive_in_offset_order_and_hold_every_user_once() {
    reset().await;
    let (_, one_by_one, _) = list_all(1).await;
    reset().await;
    let (offsets, ids, warnings) = list_all(6).await;
    assert_eq!(offsets, (0..20).map(|i| i * 100).collect::<Vec<u64>>());
    assert_eq!(ids.len(), 2000);
    assert_eq!(ids, one_by_one);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(stats().await.requests, 20);
}

#[wasm_bindgen_test]
async fn a_listing_never_has_more_requests_in_flight_than_its_concurrency() {
    for concurrency in [1, 3] {
        reset().await;
        fault(r#"{"kind":"delay","delayMs":30,"count":100}"#).await;
        let (_, ids, _) = list_all(concurrency).await;
        assert_eq!(ids.len(), 2000);
        let peak = stats().await.max_in_flight();
        assert!(
            peak <= concurrency as u64,
            "{peak} requests in flight at once with a concurrency of {concurrency}"
        );
        if concurrency > 1 {
            assert!(peak > 1, "the pages went out one at a time");
        }
    }
}

/// A listing whose second request gets `body` (an answer of HTTP 200)
/// instead of its page; the first goes through untouched.
async fn list_with_second_answer(body: &str) -> (Vec<String>, Vec<String>) {
    reset().await;
    let order = format!(
        r#"[{{"kind":"delay","delayMs":0,"count":1}},{{"kind":"status","status":200,"contentType":"application/json","body":{}}}]"#,
        js_sys::JSON::stringify(&body.into())
            .unwrap()
            .as_string()
            .unwrap()
    );
    fault(&order).await;
    let (_, ids, warnings) = list_all(4).await;
    (ids, warnings)
}

#[wasm_bindgen_test]
async fn each_paging_check_is_a_warning_and_the_page_is_asked_for_again() {
    reset().await;
    let (_, every, _) = list_all(1).await;
    let first = &every[0];
    let cases = [
        (
            r#"{"code":0,"msg":"success","total":2000,"data":[]}"#.to_owned(),
            "came back short",
        ),
        (
            r#"{"code":0,"msg":"success","total":2001,"data":[]}"#.to_owned(),
            "changed while listing",
        ),
        (
            format!(
                r#"{{"code":0,"msg":"success","total":2000,"data":[{{"userId":"{first}","quota":"1","used":0}}]}}"#
            ),
            "appeared again",
        ),
    ];
    for (body, warning) in cases {
        let (ids, warnings) = list_with_second_answer(&body).await;
        assert!(
            warnings.iter().any(|w| w.contains(warning)),
            "{warning}: {warnings:?}"
        );
        assert_eq!(ids, every, "{warning}: every user once, in order");
        let s = stats().await;
        assert!(s.requests >= 21, "{warning}: the page was asked for again");
    }
}

#[wasm_bindgen_test]
async fn a_429_burst_pauses_the_whole_pool() {
    reset().await;
    fault(
        r#"[{"kind":"delay","delayMs":0,"count":1},{"kind":"status","status":429,"retryAfterSecs":1,"count":2}]"#,
    )
    .await;
    let concurrency = 4;
    let (_, ids, _) = list_all(concurrency).await;
    assert_eq!(ids.len(), 2000);
    let arrivals = stats().await.arrivals();
    let first = arrivals.iter().position(|(_, s)| *s == 429).unwrap();
    let at = arrivals[first].0;
    // Requests already on their way when the 429 came may arrive after it;
    // nothing else comes until its Retry-After has passed.
    let during: Vec<_> = arrivals[first + 1..]
        .iter()
        .filter(|(t, _)| *t < at + 990.0)
        .collect();
    assert!(
        during.len() < concurrency,
        "{} requests within the pause: {during:?}",
        during.len()
    );
    assert!(arrivals.iter().any(|(t, _)| *t >= at + 1000.0));
}
