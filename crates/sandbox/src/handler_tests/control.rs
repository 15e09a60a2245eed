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

/// A control request as the project's tests send it: JSON, to 127.0.0.1.
fn control(s: &Sandbox, method: &str, name: &str, body: &str) -> (u16, Value) {
    control_with(
        s,
        method,
        name,
        &[
            ("Host", "127.0.0.1:8080"),
            ("Content-Type", "application/json"),
        ],
        body,
    )
}

fn control_with(
    s: &Sandbox,
    method: &str,
    name: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, Value) {
    let (status, body, _) = answer(s.handle(
        &Request::new(
            method,
            &format!("/__sandbox/{name}"),
            headers,
            body.as_bytes(),
        ),
        NOW_MS,
    ));
    (status, body)
}

#[test]
fn control_posts_must_be_json_and_a_refused_one_changes_nothing() {
    let s = sandbox();
    s.set_clock_offset_secs(-60);
    post(&s, &[], "{}");
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        let headers: Vec<(&str, &str)> = content_type
            .map(|t| ("Content-Type", t))
            .into_iter()
            .collect();
        for (name, body) in [
            (
                "faults",
                r#"{"kind":"status","status":200,"body":"<script>alert(1)</script>","contentType":"text/html"}"#,
            ),
            ("clock", r#"{"offsetSecs":600}"#),
            ("reset", ""),
        ] {
            let (status, json) = control_with(&s, "POST", name, &headers, body);
            assert_eq!(status, 415, "{name} as {content_type:?}");
            assert!(
                json["error"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("application/json"),
                "{json}"
            );
        }
    }
    assert_eq!(s.clock_offset_secs(), -60, "the clock did not move");
    assert_eq!(s.stats().requests, 1, "nothing was reset");
    assert_eq!(
        post(&s, &[], "{}").0,
        401,
        "no fault was queued: the X-Date is ahead of the sandbox"
    );
    // JSON is accepted with parameters, and with an empty body for reset;
    // reading and clearing need no content type.
    let json = [("Content-Type", "Application/JSON; charset=utf-8")];
    assert_eq!(control_with(&s, "POST", "reset", &json, "").0, 200);
    assert_eq!(s.stats().requests, 0);
    for (method, name) in [("GET", "health"), ("GET", "stats"), ("DELETE", "faults")] {
        assert_eq!(
            control_with(&s, method, name, &[], "").0,
            200,
            "{method} {name}"
        );
    }
}

#[test]
fn on_loopback_control_requests_must_name_a_loopback_host() {
    let s = Sandbox::new(
        SandboxConfig {
            loopback_control_only: true,
            ..SandboxConfig::default()
        },
        Users::generate(10, 42, NOW_MS),
    );
    let json = ("Content-Type", "application/json");
    for host in [
        Some("evil.example:8080"),
        Some("127.0.0.1.evil.example"),
        Some("10.0.0.1:8080"),
        None,
    ] {
        let mut headers = vec![json];
        headers.extend(host.map(|h| ("Host", h)));
        for (method, name, body) in [
            ("POST", "faults", r#"{"kind":"drop"}"#),
            ("POST", "clock", r#"{"offsetSecs":600}"#),
            ("GET", "stats", ""),
            ("GET", "health", ""),
            ("DELETE", "faults", ""),
        ] {
            assert_eq!(
                control_with(&s, method, name, &headers, body).0,
                421,
                "{method} {name} to {host:?}"
            );
        }
    }
    assert_eq!(s.clock_offset_secs(), 0);
    for host in ["127.0.0.1:8080", "localhost:9", "LOCALHOST", "[::1]:8080"] {
        let (status, _) = control_with(&s, "GET", "health", &[("Host", host)], "");
        assert_eq!(status, 200, "{host}");
    }
    let (status, _) = control_with(
        &s,
        "POST",
        "faults",
        &[("Host", "localhost:8080"), json],
        r#"{"kind":"drop"}"#,
    );
    assert_eq!(status, 200);
    assert_eq!(call(&s, "POST", PATH, &[], "{}"), Outcome::Drop);
}

#[test]
fn a_trace_id_that_is_not_one_is_refused_before_it_is_kept() {
    let s = sandbox();
    s.set_faults(
        parse_fault_orders(br#"{"kind":"status","status":503}"#).unwrap(),
        NOW_MS,
    );
    let long = "a".repeat(30 * 1024);
    let upper = "A".repeat(58);
    for bad in [
        long.as_str(),
        upper.as_str(),
        "t1",
        "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghij-k",
    ] {
        let (status, body, r) = post(&s, &[("X-Traceid", bad)], "{}");
        assert_eq!(status, 400, "{}", &bad[..bad.len().min(60)]);
        assert_eq!(body["code"], CODE_BAD_PARAMETERS);
        let msg = body["msg"].as_str().unwrap_or_default();
        assert!(
            msg.starts_with("X-Traceid must be 58 characters of [0-9a-z]"),
            "{msg}"
        );
        assert!(msg.len() < 200, "the message does not repeat the value");
        let given = r.header("X-Traceid").unwrap_or_default();
        assert_eq!(given.len(), 58, "a new one is given");
    }
    let stats = s.stats();
    assert_eq!(stats.by_status["400"], 4);
    assert!(stats.recent.iter().all(|a| a.trace_id.len() == 58));
    let good = "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijkl";
    let (status, _, r) = post(&s, &[("X-Traceid", good)], "{}");
    assert_eq!(
        status, 503,
        "the fault waited for a request it could answer"
    );
    assert_eq!(r.header("X-Traceid"), Some(good));
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
    let moved = Request::new(
        "POST",
        "/__sandbox/clock",
        &[("Content-Type", "application/json")],
        br#"{"offsetSecs":-120}"#,
    );
    let (_, _, moved_answer) = answer(s.handle(&moved, NOW_MS));
    assert_eq!(
        moved_answer.header("Date"),
        Some("Thu, 27 Nov 2025 11:58:00 GMT"),
        "the answer shows the moved clock"
    );
    s.set_clock_offset_secs(-60);
    let trace = "t1".repeat(29);
    post(&s, &[("X-Traceid", &trace)], "{}");
    let (_, stats) = control(&s, "GET", "stats", "");
    assert_eq!(stats["requests"], 1);
    assert_eq!(stats["recent"][0]["traceId"], trace);
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

#[test]
fn every_answer_carries_the_sandbox_csp_and_nosniff_an_html_fault_included() {
    let s = sandbox();
    s.set_faults(
        parse_fault_orders(
            br#"{"kind":"status","status":200,"body":"<script>alert(document.domain)</script>","contentType":"text/html"}"#,
        )
        .unwrap(),
        NOW_MS,
    );
    let top_level = Request::new("GET", "/koodrive/x", &[("Accept", "text/html")], b"");
    let fault = answer(s.handle(&top_level, NOW_MS)).2;
    assert_eq!(
        fault.header("Content-Type"),
        Some("text/html"),
        "the fault answered"
    );
    let answers = [
        fault,
        post(&s, &[], "{}").2,
        post(&s, &[("Authorization", "Bearer nope")], "{}").2,
        answer(call(
            &s,
            "OPTIONS",
            PATH,
            &[("Origin", "https://a.example")],
            "",
        ))
        .2,
        answer(s.handle(&Request::new("GET", OPENAPI_PATH, &[], b""), NOW_MS)).2,
        answer(s.handle(&Request::new("GET", "/__sandbox/health", &[], b""), NOW_MS)).2,
        answer(s.handle(&Request::new("POST", "/__sandbox/reset", &[], b""), NOW_MS)).2,
    ];
    for r in &answers {
        assert_eq!(
            r.header("Content-Security-Policy"),
            Some("sandbox; default-src 'none'"),
            "{} {:?}",
            r.status,
            r.header("Content-Type")
        );
        assert_eq!(
            r.header("X-Content-Type-Options"),
            Some("nosniff"),
            "{}",
            r.status
        );
    }
}

#[test]
fn advance_ages_the_clock_and_every_user_by_its_own_rate_until_a_reset() {
    let s = sandbox();
    let grower = s
        .users()
        .records()
        .iter()
        .find(|r| s.users().used_per_day(&r.user_id).is_some_and(|d| d > 0.0))
        .map(|r| r.user_id.clone())
        .unwrap();
    let (status, rate) = control(&s, "GET", &format!("users/{grower}/rate"), "");
    assert_eq!(
        (status, &rate["userId"]),
        (200, &Value::from(grower.as_str()))
    );
    let per_day = rate["usedPerDay"].as_f64().unwrap();
    let query = format!(r#"{{"userIds":["{grower}"]}}"#);
    let used_now = |s: &Sandbox, offset_secs: i64| {
        let date = format_x_date(unix_ms_to_datetime(NOW_MS + offset_secs * 1000 - 1000));
        let (status, body, _) = post(s, &[("X-Date", &date)], &query);
        assert_eq!(status, 200, "{body}");
        body["data"][0]["used"].as_f64().unwrap()
    };
    let before = used_now(&s, 0);

    let (status, moved) = control(&s, "POST", "advance", r#"{"days": 10}"#);
    assert_eq!(status, 200, "{moved}");
    assert_eq!(moved["agedDays"], 10.0);
    assert_eq!(moved["nowMs"], NOW_MS + 10 * 86_400_000);
    let after = used_now(&s, 10 * 86_400);
    assert!(
        (after - before - 10.0 * per_day).abs() < 0.06,
        "{before} + 10 × {per_day} ≠ {after}"
    );
    assert_eq!(control(&s, "GET", "health", "").1["agedDays"], 10.0);

    for bad in [
        r#"{"days": -1}"#,
        r#"{"days": "x"}"#,
        "{}",
        "nope",
        r#"{"days": 99999}"#,
    ] {
        assert_eq!(control(&s, "POST", "advance", bad).0, 400, "{bad}");
    }
    assert_eq!(control(&s, "GET", "advance", "").0, 405);
    assert_eq!(control(&s, "GET", "users/0/rate", "").0, 404);

    control(&s, "POST", "reset", "");
    assert_eq!(s.aged_days(), 0.0);
    assert_eq!(used_now(&s, 0), before);
}
