//! What the gateway refuses with a real upstream behind it, and what it
//! never tells: a missing or wrong gateway token (and a right one that stays
//! at the gateway), a reachable address without a gateway token; and no
//! secret, token or signature in any answer, header or log line. Refusals
//! that need no socket (other paths and methods, callers without what the
//! mode needs, other origins, rebound names) are the app's unit tests
//! (`src/app_tests.rs`), through the router with `oneshot`.

mod common;

use common::{Gateway, Upstream, secret_file};

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
