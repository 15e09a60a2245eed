//! Faults, the clock and the stats over real TCP: each fault kind, counted
//! down per API request; CORS and the skewed `Date` on refusals and faults;
//! preflights never faulted or counted; stats with the sandbox's own
//! timestamps, and reset.
#![cfg(feature = "server")]

mod common;

use std::time::Instant;

use common::{PATH, SandboxProcess, date_secs, machine_now_ms};

fn set_fault(sb: &SandboxProcess, json: &str) {
    let answer = sb.control("POST", "faults", json);
    assert_eq!(answer.status, 200, "{}", answer.text());
}

#[test]
fn a_status_fault_sends_its_status_retry_after_body_and_content_type() {
    let sb = SandboxProcess::start(&[]);
    set_fault(
        &sb,
        r#"{"kind":"status","status":503,"retryAfterSecs":1,"body":"<h1>busy</h1>","contentType":"text/html","count":2}"#,
    );
    for _ in 0..2 {
        let answer = sb.api(&[], "{}");
        assert_eq!(answer.status, 503);
        assert_eq!(answer.header("Retry-After"), Some("1"));
        assert_eq!(answer.header("Content-Type"), Some("text/html"));
        assert_eq!(answer.text(), "<h1>busy</h1>");
    }
    assert_eq!(sb.api(&[], "{}").status, 200, "the count ran out");
    set_fault(&sb, r#"{"kind":"status","status":429}"#);
    let answer = sb.api(&[], "{}");
    assert_eq!(
        (answer.status, answer.json()["code"].as_i64()),
        (429, Some(429))
    );
}

#[test]
fn an_api_error_fault_is_http_200_with_its_code() {
    let sb = SandboxProcess::start(&[]);
    set_fault(
        &sb,
        r#"{"kind":"apiError","code":13000301,"msg":"Space not found."}"#,
    );
    let answer = sb.api(&[], "{}");
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.json(),
        serde_json::json!({"code": 13000301, "msg": "Space not found."})
    );
}

#[test]
fn a_delay_fault_answers_normally_after_its_delay() {
    let sb = SandboxProcess::start(&[]);
    set_fault(&sb, r#"{"kind":"delay","delayMs":400}"#);
    let started = Instant::now();
    let answer = sb.api(&[], "{}");
    assert!(
        started.elapsed().as_millis() >= 400,
        "{:?}",
        started.elapsed()
    );
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json()["code"], 0);
}

#[test]
fn a_drop_fault_closes_the_connection_unanswered() {
    let sb = SandboxProcess::start(&[]);
    set_fault(&sb, r#"{"kind":"drop","count":2}"#);
    assert!(sb.try_api(&[], "{}").is_err());
    assert!(sb.try_api(&[], "{}").is_err());
    assert_eq!(sb.api(&[], "{}").status, 200);
}

#[test]
fn a_garbage_fault_is_http_200_that_is_not_json() {
    let sb = SandboxProcess::start(&[]);
    set_fault(&sb, r#"{"kind":"garbage"}"#);
    let answer = sb.api(&[], "{}");
    assert_eq!(answer.status, 200);
    assert!(serde_json::from_slice::<serde_json::Value>(&answer.body).is_err());
}

#[test]
fn a_down_fault_drops_every_api_request_until_cleared() {
    let sb = SandboxProcess::start(&[]);
    set_fault(&sb, r#"{"kind":"down","durationMs":600000}"#);
    for _ in 0..3 {
        assert!(sb.try_api(&[], "{}").is_err());
    }
    assert_eq!(
        sb.control("GET", "health", "").status,
        200,
        "control stays up"
    );
    let pending = sb.control("GET", "faults", "").json();
    assert!(pending["downForMs"].as_i64().is_some_and(|ms| ms > 0));
    assert_eq!(sb.control("DELETE", "faults", "").status, 200);
    assert_eq!(sb.api(&[], "{}").status, 200);
}

#[test]
fn a_bad_fault_request_is_refused_with_a_reason() {
    let sb = SandboxProcess::start(&[]);
    let answer = sb.control("POST", "faults", r#"{"kind":"status","status":700}"#);
    assert_eq!(answer.status, 400);
    assert!(
        answer.json()["error"]
            .as_str()
            .is_some_and(|e| e.contains("from 200 to 599"))
    );
}

#[test]
fn refusals_and_faults_carry_cors_and_the_skewed_date() {
    let sb = SandboxProcess::start(&["--clock-offset", "-1200"]);
    let before = machine_now_ms().div_euclid(1000) - 1200;
    let refused = sb.api(&[("Origin", "http://localhost:8081")], "{}");
    let after = machine_now_ms().div_euclid(1000) - 1200;
    assert_eq!(refused.status, 401);
    assert!(
        refused.msg().starts_with("X-Date is in the future by"),
        "{}",
        refused.msg()
    );
    assert!(
        (before..=after).contains(&date_secs(&refused)),
        "the Date runs 20 minutes behind"
    );
    for answer in [&refused, &{
        set_fault(&sb, r#"{"kind":"status","status":503}"#);
        sb.api(&[], "{}")
    }] {
        assert_eq!(answer.header("Access-Control-Allow-Origin"), Some("*"));
        assert_eq!(
            answer.header("Access-Control-Expose-Headers"),
            Some("Date, Retry-After, X-Traceid")
        );
        assert!(date_secs(answer) <= machine_now_ms().div_euclid(1000) - 1200);
    }
}

#[test]
fn preflights_are_answered_but_never_faulted_or_counted() {
    let sb = SandboxProcess::start(&["--allow-origin", "http://localhost:8081"]);
    set_fault(&sb, r#"{"kind":"drop"}"#);
    let preflight = sb
        .send(
            "OPTIONS",
            PATH,
            &[
                ("Origin", "http://localhost:8081"),
                ("Access-Control-Request-Method", "POST"),
            ],
            b"",
        )
        .unwrap();
    assert_eq!(preflight.status, 204);
    assert_eq!(
        preflight.header("Access-Control-Allow-Origin"),
        Some("http://localhost:8081")
    );
    assert!(
        preflight
            .header("Access-Control-Allow-Headers")
            .is_some_and(|h| h.contains("X-Date"))
    );
    assert!(preflight.header("Date").is_some());
    assert_eq!(sb.control("GET", "stats", "").json()["requests"], 0);
    assert!(
        sb.try_api(&[], "{}").is_err(),
        "the fault is still there for the API request"
    );
    let other = sb.api(&[("Origin", "http://evil.example")], "{}");
    assert_eq!(other.header("Access-Control-Allow-Origin"), None);
}

#[test]
fn the_clock_endpoint_moves_the_sandbox_clock() {
    let sb = SandboxProcess::start(&[]);
    let moved = sb.control("POST", "clock", r#"{"offsetSecs":3600}"#).json();
    assert_eq!(moved["offsetSecs"], 3600);
    let answer = sb.api(&[], "{}");
    assert_eq!(answer.status, 401, "an X-Date an hour behind is stale");
    assert!(
        answer.msg().contains("more than the 900 s allowed"),
        "{}",
        answer.msg()
    );
    assert!(date_secs(&answer) >= machine_now_ms().div_euclid(1000) + 3599);
    assert_eq!(
        sb.control("POST", "clock", r#"{"offsetSecs":0}"#).status,
        200
    );
    assert_eq!(sb.api(&[], "{}").status, 200);
}

#[test]
fn stats_record_arrivals_on_the_sandbox_clock_and_reset_clears_everything() {
    let sb = SandboxProcess::start(&["--clock-offset", "30"]);
    let trace = "t".repeat(58);
    let before = sb.now_ms();
    let _ = sb.api(&[("X-Traceid", &trace)], "{}");
    let _ = sb.api(&[("Authorization", "Bearer nope")], "{}");
    set_fault(&sb, r#"{"kind":"drop"}"#);
    let _ = sb.try_api(&[], "{}");
    let after = sb.now_ms();
    let stats = sb.control("GET", "stats", "").json();
    assert_eq!(stats["requests"], 3);
    assert_eq!(
        stats["byStatus"],
        serde_json::json!({"200": 1, "401": 1, "0": 1})
    );
    let recent = stats["recent"].as_array().unwrap();
    assert_eq!(recent[0]["traceId"], trace.as_str());
    assert_eq!(recent[2]["status"], 0);
    for arrival in recent {
        let at = arrival["atMs"].as_i64().unwrap();
        assert!(
            (before..=after).contains(&at),
            "{at} not in {before}..={after}"
        );
    }
    set_fault(&sb, r#"{"kind":"drop"}"#);
    sb.control("POST", "clock", r#"{"offsetSecs":-50}"#);
    assert_eq!(sb.control("POST", "reset", "").status, 200);
    let stats = sb.control("GET", "stats", "").json();
    assert_eq!(
        (
            stats["requests"].as_u64(),
            stats["recent"].as_array().map(Vec::len)
        ),
        (Some(0), Some(0))
    );
    assert_eq!(
        sb.control("GET", "clock", "").json()["offsetSecs"],
        30,
        "back to --clock-offset"
    );
    assert_eq!(sb.api(&[], "{}").status, 200, "the fault is gone");
}

#[test]
fn stats_report_the_most_api_requests_in_flight_at_once() {
    let sb = SandboxProcess::start(&[]);
    assert_eq!(sb.control("GET", "stats", "").json()["maxInFlight"], 0);
    // Three delayed requests at once, then one alone.
    set_fault(&sb, r#"{"kind":"delay","delayMs":500,"count":3}"#);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..3).map(|_| scope.spawn(|| sb.api(&[], "{}"))).collect();
        for h in handles {
            assert_eq!(h.join().unwrap().status, 200);
        }
    });
    assert_eq!(sb.api(&[], "{}").status, 200);
    let stats = sb.control("GET", "stats", "").json();
    assert_eq!(
        (stats["requests"].as_u64(), stats["maxInFlight"].as_u64()),
        (Some(4), Some(3))
    );
    // Control requests are not API requests; a reset starts over.
    sb.control("POST", "reset", "");
    assert_eq!(sb.control("GET", "stats", "").json()["maxInFlight"], 0);
    sb.api(&[], "{}");
    assert_eq!(sb.control("GET", "stats", "").json()["maxInFlight"], 1);
}
