//! CORS and the sandbox clock's `Date` on every answer, faults counted down
//! (also under concurrent requests), the control endpoints, and 100,000 users.

use std::sync::Arc;

use serde_json::Value;

use super::*;

#[test]
fn preflights_and_every_answer_carry_cors_and_the_sandbox_date() {
    let s = sandbox();
    s.set_clock_offset_secs(-1200);
    let (status, _, r) = answer(call(
        &s,
        "OPTIONS",
        PATH,
        &[("Origin", "https://admin.example")],
        "",
    ));
    assert_eq!(status, 204);
    let allowed = r.header("Access-Control-Allow-Headers").unwrap_or_default();
    for name in [
        "Authorization",
        "Content-Type",
        "X-User-Id",
        "X-Date",
        "X-Traceid",
        "language",
    ] {
        assert!(allowed.contains(name), "{name} in {allowed}");
    }
    assert!(
        !allowed.contains("X-Gateway-Token"),
        "the sandbox reads no gateway token: {allowed}"
    );
    let (status, _, r) = post(&s, &[], "{}");
    assert_eq!(
        status, 401,
        "the X-Date is 20 minutes ahead of the sandbox now"
    );
    assert_eq!(r.header("Date"), Some("Thu, 27 Nov 2025 11:40:00 GMT"));
    assert_eq!(r.header("Access-Control-Allow-Origin"), Some("*"));
    assert_eq!(
        r.header("Access-Control-Expose-Headers"),
        Some("Date, Retry-After, X-Traceid")
    );
    assert_eq!(s.stats().requests, 1, "the preflight is not counted");
}

#[test]
fn faults_answer_in_place_of_the_api_and_count_down() {
    let s = sandbox();
    let set = |json: &str| s.set_faults(parse_fault_orders(json.as_bytes()).unwrap(), NOW_MS);
    set(r#"{"kind":"status","status":503,"retryAfterSecs":1,"count":2}"#);
    let (_, _, r) = answer(call(&s, "OPTIONS", PATH, &[], ""));
    assert_eq!(r.status, 204, "preflights are never faulted");
    for _ in 0..2 {
        let (status, body, r) = post(&s, &[], "{}");
        assert_eq!((status, r.header("Retry-After")), (503, Some("1")));
        assert_eq!(body["code"], 503);
        assert!(r.header("Date").is_some() && r.header("Access-Control-Allow-Origin").is_some());
    }
    assert_eq!(post(&s, &[], "{}").0, 200);
    set(r#"{"kind":"apiError","code":13000301,"msg":"Space not found."}"#);
    let (status, body, _) = post(&s, &[], "{}");
    assert_eq!((status, body["code"].as_i64()), (200, Some(13000301)));
    set(r#"{"kind":"garbage"}"#);
    let (status, body, _) = post(&s, &[], "{}");
    assert_eq!((status, body), (200, Value::Null));
    set(r#"{"kind":"delay","delayMs":1500}"#);
    match call(&s, "POST", PATH, &[], "{}") {
        Outcome::Delay { delay_ms, response } => {
            assert_eq!((delay_ms, response.status), (1500, 200))
        }
        other => panic!("{other:?}"),
    }
    set(r#"{"kind":"drop"}"#);
    assert_eq!(call(&s, "POST", PATH, &[], "{}"), Outcome::Drop);
    set(r#"{"kind":"down","durationMs":3000}"#);
    let at = |ms: i64| s.handle(&Request::new("GET", "/x", &[], b""), ms);
    assert_eq!(at(NOW_MS + 2_999), Outcome::Drop);
    assert_eq!(answer(at(NOW_MS + 3_000)).0, 404);
    let stats = s.stats();
    assert_eq!(stats.by_status["503"], 2);
    assert_eq!(stats.by_status["0"], 2, "drop and down are recorded as 0");
    assert_eq!(stats.requests, 9);
}

#[test]
fn concurrent_requests_each_take_their_own_fault() {
    let s = Arc::new(sandbox());
    s.set_faults(
        parse_fault_orders(br#"{"kind":"drop","count":100}"#).unwrap(),
        NOW_MS,
    );
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let s = Arc::clone(&s);
            std::thread::spawn(move || {
                (0..40)
                    .filter(|_| call(&s, "POST", PATH, &[], "{}") == Outcome::Drop)
                    .count()
            })
        })
        .collect();
    let dropped: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
    assert_eq!(dropped, 100);
    assert_eq!(s.stats().requests, 320);
}

fn control(s: &Sandbox, method: &str, name: &str, body: &str) -> (u16, Value) {
    let (status, body, _) = answer(s.handle(
        &Request::new(method, &format!("/__sandbox/{name}"), &[], body.as_bytes()),
        NOW_MS,
    ));
    (status, body)
}

#[test]
fn control_endpoints_report_and_reset() {
    let s = sandbox();
    let (status, health) = control(&s, "GET", "health", "");
    assert_eq!(
        (status, &health["sandbox"], &health["users"]),
        (200, &Value::Bool(true), &Value::from(300))
    );
    assert_eq!(health["auth"], serde_json::json!(["token", "app"]));
    assert_eq!(health["data"]["source"], "generated");
    let (status, clock) = control(&s, "POST", "clock", r#"{"offsetSecs":-60}"#);
    assert_eq!(
        (status, &clock["nowMs"]),
        (200, &Value::from(NOW_MS - 60_000))
    );
    assert_eq!(clock["date"], "Thu, 27 Nov 2025 11:59:00 GMT");
    assert_eq!(control(&s, "POST", "clock", r#"{"offsetSecs":"x"}"#).0, 400);
    let moved = Request::new("POST", "/__sandbox/clock", &[], br#"{"offsetSecs":-120}"#);
    let (_, _, moved_answer) = answer(s.handle(&moved, NOW_MS));
    assert_eq!(
        moved_answer.header("Date"),
        Some("Thu, 27 Nov 2025 11:58:00 GMT"),
        "the answer shows the moved clock"
    );
    s.set_clock_offset_secs(-60);
    post(&s, &[("X-Traceid", "t1")], "{}");
    let (_, stats) = control(&s, "GET", "stats", "");
    assert_eq!(stats["requests"], 1);
    assert_eq!(stats["recent"][0]["traceId"], "t1");
    assert_eq!(stats["recent"][0]["atMs"], NOW_MS - 60_000);
    assert_eq!(
        control(&s, "POST", "faults", r#"{"kind":"drop"}"#).1["pending"][0]["kind"],
        "drop"
    );
    assert_eq!(control(&s, "POST", "faults", r#"{"kind":"?"}"#).0, 400);
    assert_eq!(control(&s, "POST", "reset", "").0, 200);
    assert_eq!(s.stats(), Stats::default());
    assert_eq!(s.clock_offset_secs(), 0);
    assert_eq!(
        control(&s, "GET", "faults", "").1["pending"],
        serde_json::json!([])
    );
    assert_eq!(control(&s, "GET", "reset", "").0, 405);
    assert_eq!(control(&s, "GET", "nope", "").0, 404);
    let (status, _, r) = answer(s.handle(&Request::new("GET", OPENAPI_PATH, &[], b""), NOW_MS));
    assert_eq!(status, 200);
    assert!(r.body_text().contains("openapi: 3.1"));
    assert_eq!(s.stats().requests, 0, "control requests are not counted");
}

#[test]
fn a_hundred_thousand_users_load_and_answer() {
    let s = Sandbox::new(
        SandboxConfig::default(),
        Users::generate(100_000, 9, NOW_MS),
    );
    let ids: Vec<String> = s
        .users()
        .records()
        .iter()
        .rev()
        .step_by(2_000)
        .map(|r| format!("\"{}\"", r.user_id))
        .collect();
    assert_eq!(ids.len(), 50);
    let (status, body, _) = post(&s, &[], &format!(r#"{{"userIds":[{}]}}"#, ids.join(",")));
    assert_eq!((status, &body["total"]), (200, &Value::from(50)));
    let (_, body, _) = post(&s, &[], r#"{"limit":100,"offset":99950}"#);
    assert_eq!(
        (
            body["total"].as_u64(),
            body["data"].as_array().map(Vec::len)
        ),
        (Some(100_000), Some(50))
    );
}
