//! Checks shared by the native and the wasm test binaries, so the same
//! behaviour is proven on every platform core runs on.
#![allow(dead_code)]

use koodrive_core::{
    AnswerHead, ErrorKind, ServerClock, SigningInput, Thresholds, UsageState, classify_json_answer,
    format_x_date, parse_x_date, plan_batches, sign, split_url, verify,
};
use serde::Deserialize;

/// The known-answer vectors of the app signature, computed independently.
pub const SIGNING_VECTORS: &str = include_str!("../data/signing-vectors.json");

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Vector {
    name: String,
    method: String,
    url: String,
    headers: std::collections::BTreeMap<String, String>,
    body: String,
    app_id: String,
    app_secret: String,
    canonical_request: String,
    string_to_sign: String,
    signature: String,
    authorization: String,
}

/// Every vector reproduces, intermediate strings included, and verifies.
/// Returns how many vectors were checked.
pub fn check_signing_vectors() -> usize {
    let vectors: Vec<Vector> = serde_json::from_str(SIGNING_VECTORS).expect("vectors parse");
    assert!(!vectors.is_empty());
    for v in &vectors {
        let url = split_url(&v.url).expect("vector url");
        let mut headers: Vec<(&str, &str)> = vec![("host", url.host.as_str())];
        headers.extend(v.headers.iter().map(|(k, val)| (k.as_str(), val.as_str())));
        let input = SigningInput {
            method: &v.method,
            path: &url.path,
            query: url.query.as_deref(),
            headers: &headers,
            body: v.body.as_bytes(),
        };
        let sig = sign(&input, &v.app_id, &v.app_secret);
        assert_eq!(
            sig.canonical_request, v.canonical_request,
            "{}: canonical request",
            v.name
        );
        assert_eq!(
            sig.string_to_sign, v.string_to_sign,
            "{}: string to sign",
            v.name
        );
        assert_eq!(sig.signature, v.signature, "{}: signature", v.name);
        assert_eq!(
            sig.authorization, v.authorization,
            "{}: authorization",
            v.name
        );
        assert_eq!(
            verify(&v.authorization, &input, &v.app_id, &v.app_secret),
            Ok(()),
            "{}",
            v.name
        );
    }
    vectors.len()
}

/// X-Date formatting, parsing and the clock offset behave the same everywhere.
pub fn check_x_date_and_clock() {
    let t = parse_x_date("20251103T070140Z").expect("parses");
    assert_eq!(format_x_date(t), "20251103T070140Z");
    let mut clock = ServerClock::default();
    assert!(clock.observe_date_header(1_764_244_800_000, "Thu, 27 Nov 2025 12:20:00 GMT"));
    assert_eq!(clock.offset_ms(), 1_200_000);
    assert_eq!(clock.x_date(1_764_244_800_000), "20251127T121959Z");
}

/// Answers decode leniently and classify per docs/error-kinds.md.
pub fn check_answers() {
    let head = AnswerHead {
        status: 200,
        date: None,
        retry_after: None,
        sent_x_date: "20251127T120000Z",
        trace_id: "t",
        now_ms: 0,
    };
    let body = br#"{"code":0,"msg":"success","total":3,"data":[
        {"userId":"1","quota":"18446744073709551615","used":1.7e19},
        {"userId":"2","quota":"0","used":0},
        {"userId":"3","quota":"abc","used":1}]}"#;
    let page = classify_json_answer(&head, body).expect("success");
    let t = Thresholds::default();
    assert_eq!(page.items[0].quota_value(), Some(u64::MAX));
    assert_eq!(page.items[0].state(&t), UsageState::Nearing);
    assert_eq!(page.items[1].state(&t), UsageState::Normal);
    assert_eq!(page.items[2].state(&t), UsageState::Unknown);
    let err = classify_json_answer(&head, b"<html>").unwrap_err();
    assert_eq!(err.kind, ErrorKind::Decode);
}

/// Batching dedupes in first-seen order and splits by 50.
pub fn check_batches() {
    let ids: Vec<String> = (0..120).map(|i| (i % 101).to_string()).collect();
    let plan = plan_batches(&ids).expect("valid");
    assert_eq!(plan.unique_ids().len(), 101);
    assert_eq!(plan.chunk_count(), 3);
}
