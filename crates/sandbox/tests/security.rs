//! What keeps pages elsewhere and bad inputs from harming the sandbox's
//! origin, over real TCP: control requests only as JSON and only to a
//! loopback name while it listens on loopback (a refused one changes
//! nothing), and trace ids that are not ones refused before they are kept.
#![cfg(feature = "server")]

mod common;

use common::SandboxProcess;

#[test]
fn a_page_elsewhere_cannot_queue_a_fault_or_move_the_clock() {
    let sb = SandboxProcess::start(&[]);
    let html_fault = r#"{"kind":"status","status":200,"body":"<script>alert(document.domain)</script>","contentType":"text/html"}"#;
    // What a form or a `fetch` without a preflight can send: no JSON type.
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ] {
        for (name, body) in [
            ("faults", html_fault),
            ("clock", r#"{"offsetSecs":900}"#),
            ("reset", ""),
        ] {
            let answer = sb
                .send(
                    "POST",
                    &format!("/__sandbox/{name}"),
                    &[("Content-Type", content_type)],
                    body.as_bytes(),
                )
                .expect("an answer");
            assert_eq!(
                answer.status,
                415,
                "{name} as {content_type}: {}",
                answer.text()
            );
        }
    }
    // DNS rebinding: a page on evil.example, re-pointed at 127.0.0.1.
    let rebound = [
        ("Host", "evil.example:8080"),
        ("Content-Type", "application/json"),
    ];
    for (method, name, body) in [
        ("POST", "faults", html_fault),
        ("GET", "stats", ""),
        ("DELETE", "faults", ""),
    ] {
        let answer = sb
            .send(
                method,
                &format!("/__sandbox/{name}"),
                &rebound,
                body.as_bytes(),
            )
            .expect("an answer");
        assert_eq!(answer.status, 421, "{method} {name}: {}", answer.text());
    }
    assert_eq!(
        sb.control("GET", "faults", "").json()["pending"],
        serde_json::json!([])
    );
    assert_eq!(sb.control("GET", "clock", "").json()["offsetSecs"], 0);
    assert_eq!(sb.api(&[], "{}").status, 200, "no fault was queued");
}

#[test]
fn long_trace_ids_are_refused_and_never_kept() {
    let sb = SandboxProcess::start(&[]);
    let long = "x".repeat(30 * 1024);
    for _ in 0..5 {
        let answer = sb.api(&[("X-Traceid", &long)], "{}");
        assert_eq!(answer.status, 400);
        assert!(
            answer
                .msg()
                .starts_with("X-Traceid must be 58 characters of [0-9a-z]"),
            "{}",
            answer.msg()
        );
        assert_eq!(answer.header("X-Traceid").map(str::len), Some(58));
    }
    let stats = sb.control("GET", "stats", "");
    assert!(
        stats.text().len() < 2_000,
        "the stats stay small: {} bytes",
        stats.text().len()
    );
    assert_eq!(stats.json()["byStatus"]["400"], 5);
}
