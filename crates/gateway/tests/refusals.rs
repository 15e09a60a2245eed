//! What the gateway refuses with a real upstream behind it, and what it
//! never tells: a missing or wrong gateway token (and a right one that stays
//! at the gateway), a reachable address without a gateway token; and no
//! secret, token or signature in any answer, header or log line. Refusals
//! that need no socket (other paths and methods, callers without what the
//! mode needs, other origins, rebound names) are the app's unit tests
//! (`src/app_tests.rs`), through the router with `oneshot`.

mod common;

use common::{Gateway, PATH, Upstream, secret_file};

const TOKEN: (&str, &str) = ("Authorization", "Bearer sandbox-token");

#[test]
fn a_missing_or_wrong_gateway_token_is_refused_before_forwarding() {
    let upstream = Upstream::demo();
    let token = secret_file("refusal-token", "correct-horse-battery-staple\n");
    let gateway = Gateway::start(
        &upstream.url,
        &["--gateway-token-file", token.to_str().unwrap()],
    );
    let missing = gateway.api(&[TOKEN], "{}");
    let wrong = gateway.api(
        &[TOKEN, ("X-Gateway-Token", "correct-horse-battery-stapler")],
        "{}",
    );
    for answer in [&missing, &wrong] {
        assert_eq!(answer.status, 401);
        assert_eq!(answer.json()["code"], "GATEWAY.TOKEN");
    }
    assert!(upstream.seen().is_empty());
    let right = gateway.api(
        &[TOKEN, ("X-Gateway-Token", "correct-horse-battery-staple")],
        "{}",
    );
    assert_eq!(right.status, 200, "{}", right.text());
    assert_eq!(
        upstream.seen()[0].header("x-gateway-token"),
        None,
        "it stays at the gateway"
    );
}

#[test]
fn a_reachable_address_without_a_gateway_token_exits_with_a_clear_message() {
    let upstream = Upstream::demo();
    let Err((status, output)) = Gateway::try_start(&upstream.url, &["--addr", "0.0.0.0:0"]) else {
        panic!("the gateway started on 0.0.0.0 without a token");
    };
    assert_eq!(status.code(), Some(2));
    assert!(
        output.contains("refusing to listen on 0.0.0.0:0"),
        "{output}"
    );
    assert!(output.contains("--gateway-token-file"), "{output}");

    let token = secret_file("bind-token", "0123456789abcdef0123");
    let gateway = Gateway::try_start(
        &upstream.url,
        &[
            "--addr",
            "0.0.0.0:0",
            "--gateway-token-file",
            token.to_str().unwrap(),
        ],
    );
    let gateway = gateway.unwrap_or_else(|(_, output)| panic!("{output}"));
    let port = gateway.addr.rsplit(':').next().unwrap().to_owned();
    let local = format!("127.0.0.1:{port}");
    let answer = koodrive_testkit::send(&local, "GET", "/__gateway/health", &[], b"").unwrap();
    assert_eq!(answer.json()["needsToken"], true);
}

#[test]
fn no_secret_token_or_signature_reaches_an_answer_or_the_log() {
    let app_secret = "s3cret-Of-The-App-4f9c2e";
    let gateway_token = "gateway-T0ken-7d1a0b93e5";
    let upstream = Upstream::start(&["--app-secret", app_secret]);
    upstream
        .fault(r#"[{"kind": "status", "status": 503}, {"kind": "apiError", "code": 13000301}]"#);
    let gateway = Gateway::signing(&upstream.url, "grep", app_secret, Some(gateway_token));
    let with_token = ("X-Gateway-Token", gateway_token);
    let answers = [
        gateway.api(&[with_token], "{}"),
        gateway.api(&[with_token], "{}"),
        gateway.api(&[with_token], r#"{"limit": 3}"#),
        gateway.api(
            &[with_token, ("X-Date", "garbage")],
            r#"{"userIds": ["1"]}"#,
        ),
        gateway.api(&[("X-Gateway-Token", "wrong")], "{}"),
        gateway.api(&[with_token], "not json"),
        gateway.request("GET", "/__gateway/health", &[], ""),
        gateway.request("GET", "/nothing", &[], ""),
    ];
    let statuses: Vec<u16> = answers.iter().map(|a| a.status).collect();
    assert_eq!(statuses, [503, 200, 200, 200, 401, 400, 200, 404]);
    let log = gateway.stop();
    assert!(
        log.contains("POST /koodrive/ose/v1/space/usage/user 200"),
        "{log}"
    );
    let signatures: Vec<String> = upstream
        .seen()
        .iter()
        .filter_map(|s| {
            s.header("authorization")?
                .split("Signature=")
                .nth(1)
                .map(str::to_owned)
        })
        .collect();
    assert_eq!(signatures.len(), 4);
    for (what, secret) in [("app secret", app_secret), ("gateway token", gateway_token)]
        .into_iter()
        .chain(signatures.iter().map(|s| ("signature", s.as_str())))
    {
        assert!(!log.contains(secret), "the {what} is in the log:\n{log}");
        for answer in &answers {
            let text = String::from_utf8_lossy(&answer.raw);
            assert!(
                !text.contains(secret),
                "the {what} is in an answer:\n{text}"
            );
        }
    }
}

#[test]
fn an_empty_allow_origin_stops_the_gateway_and_the_banner_names_the_cors_policy() {
    let upstream = Upstream::demo();
    // `--allow-origin "$UNSET"`: an error, never every origin.
    let Err((status, output)) = Gateway::try_start(&upstream.url, &["--allow-origin", ""]) else {
        panic!("the gateway started with an empty --allow-origin");
    };
    assert_eq!(status.code(), Some(2));
    assert!(output.contains("empty entry"), "{output}");
    let secret = secret_file("cors-secret", "the-app-secret\n");
    let signing = [
        "--app-id",
        "a",
        "--app-secret-file",
        secret.to_str().unwrap(),
    ];
    let Err((status, output)) = Gateway::try_start(
        &upstream.url,
        &[&signing[..], &["--allow-origin", "*"]].concat(),
    ) else {
        panic!("a signing gateway without a token started for every origin");
    };
    assert_eq!(status.code(), Some(2));
    assert!(output.contains("--allow-origin * is refused"), "{output}");

    let own = Gateway::start(&upstream.url, &[]).stop();
    assert!(
        own.contains("cors:         only the gateway's own page\n"),
        "{own}"
    );
    let listed = Gateway::start(&upstream.url, &["--allow-origin", "http://127.0.0.1:8081"]).stop();
    assert!(
        listed.contains("cors:         the gateway's own page and http://127.0.0.1:8081\n"),
        "{listed}"
    );
}

#[test]
fn a_cleartext_upstream_on_another_machine_is_refused_without_insecure_upstream() {
    // 192.0.2.0/24 is for documentation: nothing is sent there.
    let Err((status, output)) = Gateway::try_start("http://192.0.2.10:8080", &[]) else {
        panic!("the gateway started with a cleartext upstream on another machine");
    };
    assert_eq!(status.code(), Some(2));
    assert!(output.contains("--insecure-upstream"), "{output}");
    let insecure = Gateway::start("http://192.0.2.10:8080", &["--insecure-upstream"]).stop();
    assert!(insecure.contains("cleartext http"), "{insecure}");
}

#[test]
fn an_html_answer_relayed_from_upstream_cannot_run_as_a_page() {
    let upstream = Upstream::demo();
    upstream.fault(
        r#"{"kind":"status","status":200,"body":"<script>alert(document.domain)</script>","contentType":"text/html"}"#,
    );
    let gateway = Gateway::start(&upstream.url, &[]);
    let relayed = gateway.api(&[TOKEN], "{}");
    assert_eq!(
        relayed.header("content-type"),
        Some("text/html"),
        "the fault was relayed"
    );
    let answers = [
        relayed,
        gateway.api(&[TOKEN], "{}"),
        gateway.request("GET", "/__gateway/health", &[], ""),
        gateway.request("GET", "/nothing", &[], ""),
        gateway.request("OPTIONS", PATH, &[("Origin", "https://a.example")], ""),
        gateway.request("POST", PATH, &[TOKEN, ("Host", "evil.example")], "{}"),
    ];
    for answer in &answers {
        assert_eq!(
            answer.header("content-security-policy"),
            Some("sandbox; default-src 'none'"),
            "{} {}",
            answer.status,
            answer.text()
        );
        assert_eq!(
            answer.header("x-content-type-options"),
            Some("nosniff"),
            "{}",
            answer.status
        );
    }
}
