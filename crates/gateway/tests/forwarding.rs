//! The gateway in front of a sandbox on loopback: app mode signs for the
//! caller (who sends no credentials), token mode passes the caller's
//! `Authorization` on unchanged, `X-Date` is the gateway's own and follows
//! the upstream's clock, and answers come back as the upstream gave them.

mod common;

use common::{ACTING_USER, Gateway, Upstream, secret_file};

#[test]
fn app_mode_signs_for_callers_who_send_no_credentials() {
    let upstream = Upstream::demo();
    let gateway = Gateway::signing(&upstream.url, "app-mode", "sandbox-secret", None);
    let answer = gateway.api(&[], r#"{"limit": 5}"#);
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(answer.json()["data"].as_array().map(Vec::len), Some(5));

    let seen = upstream.seen();
    assert_eq!(seen.len(), 1);
    let authorization = seen[0].header("authorization").unwrap();
    assert!(
        authorization.starts_with(
            "HMAC-SHA256 AppId=sandbox-app,SignedHeaders=host;x-date;x-user-id,Signature="
        ),
        "{authorization}"
    );
    // The sandbox checked that signature over the Host it received: the
    // upstream address the gateway was given.
    assert_eq!(seen[0].header("host"), Some(upstream.addr()));
    assert_eq!(seen[0].status, 200);
    assert_eq!(seen[0].header("x-user-id"), Some(ACTING_USER));
    // The answer is the upstream's, byte for byte.
    assert_eq!(answer.body, seen[0].body);
}

#[test]
fn token_mode_passes_the_callers_authorization_on_unchanged() {
    let upstream = Upstream::demo();
    let gateway = Gateway::start(&upstream.url, &[]);
    for value in [
        "sandbox-token",
        "Bearer+sandbox-token",
        "Bearer sandbox-token",
    ] {
        let answer = gateway.api(&[("Authorization", value)], r#"{"limit": 2}"#);
        assert_eq!(answer.status, 200, "{value}: {}", answer.text());
        let seen = upstream.seen();
        assert_eq!(seen.last().unwrap().header("authorization"), Some(value));
    }
    let refused = gateway.api(&[("Authorization", "Bearer expired")], "{}");
    assert_eq!(refused.status, 401);
    assert_eq!(
        refused.json()["code"],
        13000101,
        "the upstream's own refusal"
    );
    assert_eq!(upstream.seen().last().unwrap().body, refused.body);
}

#[test]
fn the_acting_user_and_language_come_from_the_caller_or_the_flag() {
    let upstream = Upstream::demo();
    let gateway = Gateway::start(&upstream.url, &[]);
    let token = ("Authorization", "Bearer sandbox-token");
    gateway.api(&[token, ("language", "zh-CN")], "{}");
    let seen = upstream.seen();
    assert_eq!(seen[0].header("x-user-id"), Some(ACTING_USER));
    assert_eq!(seen[0].header("language"), Some("zh-CN"));
    drop(gateway);

    let gateway = Gateway::start(&upstream.url, &["--acting-user-id", "777"]);
    let answer = gateway.request(
        "POST",
        common::PATH,
        &[token, ("Content-Type", "application/json")],
        "{}",
    );
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(upstream.seen()[1].header("x-user-id"), Some("777"));
}

#[test]
fn x_date_is_the_gateways_own_and_the_trace_id_the_callers() {
    let upstream = Upstream::demo();
    let gateway = Gateway::start(&upstream.url, &[]);
    let trace = "a".repeat(58);
    let answer = gateway.api(
        &[
            ("Authorization", "Bearer sandbox-token"),
            ("X-Date", "20000101T000000Z"),
            ("X-Traceid", &trace),
        ],
        "{}",
    );
    assert_eq!(answer.status, 200, "{}", answer.text());
    let seen = upstream.seen();
    assert_ne!(seen[0].header("x-date"), Some("20000101T000000Z"));
    assert_eq!(seen[0].header("x-traceid"), Some(trace.as_str()));
    assert_eq!(answer.header("x-traceid"), Some(trace.as_str()));
}

#[test]
fn an_upstream_clock_20_minutes_off_is_learned_once_for_every_caller() {
    let upstream = Upstream::start(&["--clock-offset", "-1200"]);
    let gateway = Gateway::signing(&upstream.url, "skew", "sandbox-secret", None);
    for user in ["1", "2", "3"] {
        let answer = gateway.request(
            "POST",
            common::PATH,
            &[("X-User-Id", user), ("Content-Type", "application/json")],
            "{}",
        );
        assert_eq!(answer.status, 200, "{user}: {}", answer.text());
    }
    let statuses: Vec<u16> = upstream.seen().iter().map(|s| s.status).collect();
    assert_eq!(
        statuses,
        [401, 200, 200, 200],
        "one refusal, then the learned clock"
    );
}

#[test]
fn a_429_reaches_the_caller_with_its_retry_after_and_is_not_retried() {
    let upstream = Upstream::demo();
    let gateway = Gateway::start(&upstream.url, &[]);
    upstream.fault(r#"{"kind": "status", "status": 429, "retryAfterSecs": 7}"#);
    let answer = gateway.api(&[("Authorization", "Bearer sandbox-token")], "{}");
    assert_eq!(answer.status, 429);
    assert_eq!(answer.header("retry-after"), Some("7"));
    assert!(answer.header("date").is_some());
    assert_eq!(
        upstream.seen().len(),
        1,
        "the caller's client does the retrying"
    );
}

#[test]
fn no_answer_from_the_upstream_is_a_502_with_the_trace_id() {
    let upstream = Upstream::demo();
    let gateway = Gateway::start(&upstream.url, &[]);
    upstream.fault(r#"{"kind": "drop"}"#);
    let answer = gateway.api(&[("Authorization", "Bearer sandbox-token")], "{}");
    assert_eq!(answer.status, 502, "{}", answer.text());
    assert_eq!(answer.json()["code"], "GATEWAY.UPSTREAM_UNREACHABLE");
    assert_eq!(answer.header("x-traceid").map(str::len), Some(58));

    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let nowhere = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let gateway = Gateway::start(&nowhere, &[]);
    let answer = gateway.api(&[("Authorization", "Bearer sandbox-token")], "{}");
    assert_eq!(answer.status, 502);
}

#[test]
fn health_says_what_the_gateway_does() {
    let upstream = Upstream::demo();
    let gateway = Gateway::start(&upstream.url, &[]);
    let health = gateway.request("GET", "/__gateway/health", &[], "").json();
    assert_eq!(
        health,
        serde_json::json!({"gateway": true, "upstream": upstream.addr(), "signs": false, "needsToken": false,
                           "snapshots": {"on": false}})
    );
    let gateway = Gateway::signing(
        &upstream.url,
        "health",
        "sandbox-secret",
        Some("0123456789abcdef0123"),
    );
    let health = gateway.request("GET", "/__gateway/health", &[], "").json();
    assert_eq!(
        (health["signs"].as_bool(), health["needsToken"].as_bool()),
        (Some(true), Some(true))
    );
}

#[test]
fn the_admin_page_is_served_with_its_hashed_script_policy() {
    let upstream = Upstream::demo();
    let dir = secret_file("site/index.html", "")
        .parent()
        .unwrap()
        .to_path_buf();
    std::fs::write(
        dir.join("index.html"),
        "<html><script>boot()</script></html>",
    )
    .unwrap();
    let gateway = Gateway::start(&upstream.url, &["--static", dir.to_str().unwrap()]);
    let page = gateway.request("GET", "/", &[], "");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("boot()"));
    let csp = page.header("content-security-policy").unwrap();
    assert!(
        csp.contains("'sha256-") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    // API paths are never files.
    assert_eq!(
        gateway
            .request("GET", "/koodrive/ose/v1/other", &[], "")
            .status,
        404
    );
}

#[test]
fn the_rust_client_behind_a_signing_gateway_sends_no_credentials_but_its_gateway_token() {
    use koodrive_client::{Auth, CallOptions, Client, ClientConfig, NativePlatform};
    use koodrive_core::SpaceUsageRequest;

    let upstream = Upstream::demo();
    let gateway = Gateway::signing(
        &upstream.url,
        "client",
        "sandbox-secret",
        Some("0123456789abcdef0123"),
    );
    let mut config = ClientConfig::new(
        &format!("http://{}", gateway.addr),
        ACTING_USER,
        Auth::Gateway,
    )
    .unwrap();
    config.gateway_token = Some("0123456789abcdef0123".into());
    let client = Client::new(config, NativePlatform::new().unwrap()).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let page = runtime
        .block_on(client.query_usage(&SpaceUsageRequest::page(7, 0), &CallOptions::default()))
        .unwrap();
    assert_eq!(page.items.len(), 7);
    let seen = upstream.seen();
    assert!(
        seen[0]
            .header("authorization")
            .unwrap()
            .starts_with("HMAC-SHA256 ")
    );

    // A gateway in token mode shows that the client sent no Authorization.
    let token_mode = Gateway::start(&upstream.url, &[]);
    let base = format!("http://{}", token_mode.addr);
    let config = ClientConfig::new(&base, ACTING_USER, Auth::Gateway).unwrap();
    let client = Client::new(config, NativePlatform::new().unwrap()).unwrap();
    let e = runtime
        .block_on(client.query_usage(&SpaceUsageRequest::page(7, 0), &CallOptions::default()))
        .unwrap_err();
    assert_eq!(e.status, Some(401));
    assert_eq!(
        e.code.map(|c| c.to_string()).as_deref(),
        Some("GATEWAY.NO_CREDENTIALS")
    );
}
