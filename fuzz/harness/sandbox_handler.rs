//! Fuzz harness of the sandbox's pure handler: up to eight requests as text,
//! separated by a line `=====`, each
//!
//! ```text
//! POST /koodrive/ose/v1/space/usage/user?query
//! Authorization: Bearer sandbox-token
//! X-Date: 20251127T115959Z
//!
//! {"limit": 3}
//! ```
//!
//! answered one after another by one [`Sandbox`] (so a control request can
//! stage a fault or move the clock for the next). Every answer must be a
//! real HTTP answer with the sandbox clock's `Date`, the sandboxing
//! Content-Security-Policy and `nosniff`, and, for API requests, an
//! `X-Traceid` of 58 characters; and the client's classifier must read
//! every answer without panicking, a `code` 0 page as a success.
//!
//! Shared by the cargo-fuzz target `sandbox_handler` and the stable replay
//! of its corpus (`crates/sandbox/tests/fuzz_corpus.rs`).

use koodrive_core::{AnswerHead, classify_json_answer};
use koodrive_sandbox::{
    ANSWER_CSP, CONTROL_PREFIX, Outcome, Request, Sandbox, SandboxConfig, Users,
};

/// The machine's clock: 2025-11-27T12:00:00Z.
const NOW_MS: i64 = 1_764_244_800_000;

thread_local! {
    /// One sandbox per thread (tests run in parallel), reset for each input.
    static SANDBOX: Sandbox = Sandbox::new(SandboxConfig::default(), Users::generate(60, 42, NOW_MS));
}

/// Answers every request of `data`; panics when an invariant breaks.
pub fn run(data: &[u8]) {
    SANDBOX.with(|sandbox| answer_all(sandbox, data));
}

fn answer_all(sandbox: &Sandbox, data: &[u8]) {
    sandbox.reset();
    let text = String::from_utf8_lossy(data);
    for (i, raw) in text.split("\n=====\n").take(8).enumerate() {
        let (head, body) = raw.split_once("\n\n").unwrap_or((raw, ""));
        let mut lines = head.lines();
        let (method, target) = lines
            .next()
            .and_then(|l| l.split_once(' '))
            .unwrap_or(("GET", "/"));
        let headers: Vec<(&str, &str)> = lines.filter_map(|l| l.split_once(':')).collect();
        let request = Request::new(method, target, &headers, body.as_bytes());
        // Each request a little later than the one before.
        let now_ms = NOW_MS + i as i64 * 250;
        let outcome = sandbox.handle(&request, now_ms);
        let Some(answer) = outcome.response() else {
            assert!(matches!(outcome, Outcome::Drop));
            continue;
        };
        assert!(
            (100..=599).contains(&answer.status),
            "status {}",
            answer.status
        );
        let date = answer.header("Date").expect("every answer has a Date");
        assert_eq!(date, sandbox.date_header(now_ms));
        assert_eq!(answer.header("Content-Security-Policy"), Some(ANSWER_CSP));
        assert_eq!(answer.header("X-Content-Type-Options"), Some("nosniff"));
        if method == "OPTIONS" {
            assert_eq!(answer.status, 204);
            continue;
        }
        let is_api = !request.path.starts_with(CONTROL_PREFIX) && request.path != "/openapi.yaml";
        if !is_api {
            continue;
        }
        let trace_id = answer
            .header("X-Traceid")
            .expect("API answers have X-Traceid");
        assert_eq!(trace_id.len(), 58, "only well-formed trace ids are kept");
        let head = AnswerHead {
            status: answer.status,
            date: Some(date),
            retry_after: answer.header("Retry-After"),
            sent_x_date: request.header("X-Date").unwrap_or("20251127T115959Z"),
            trace_id,
            now_ms,
        };
        let classified = classify_json_answer(&head, &answer.body);
        let success = answer.status == 200
            && serde_json::from_slice::<serde_json::Value>(&answer.body)
                .is_ok_and(|v| v["code"] == 0 && v["data"].is_array());
        assert_eq!(classified.is_ok(), success, "{:?}", answer.body_text());
    }
}
