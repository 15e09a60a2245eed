//! Every row of docs/sandbox-checks.md's table over real TCP, in order, with its
//! status, code and a message naming the check; the accepted token forms;
//! the X-Date window at its exact edges; app signatures over the received
//! Host.
#![cfg(feature = "server")]

mod common;

use common::{PATH, SandboxProcess, date_secs, x_date_at_secs, x_date_now};

fn assert_refused(answer: &common::Answer, status: u16, code: i64, msg_part: &str) {
    assert_eq!(answer.status, status, "{}", answer.text());
    assert_eq!(answer.json()["code"], code, "{}", answer.text());
    assert!(
        answer.msg().contains(msg_part),
        "{:?} lacks {msg_part:?}",
        answer.msg()
    );
}

#[test]
fn a_wrong_path_is_404_before_anything_else() {
    let sb = SandboxProcess::start(&[]);
    let answer = sb
        .send("POST", "/koodrive/ose/v1/space/usage/users", &[], b"{")
        .unwrap();
    assert_refused(
        &answer,
        404,
        13000102,
        "there is no endpoint at /koodrive/ose/v1/space/usage/users",
    );
}

#[test]
fn a_wrong_method_is_405_with_allow() {
    let sb = SandboxProcess::start(&[]);
    let answer = sb.send("GET", PATH, &[], b"").unwrap();
    assert_refused(&answer, 405, 13000102, "method GET is not allowed");
    assert_eq!(answer.header("Allow"), Some("POST, OPTIONS"));
    let answer = sb.send("PUT", PATH, &[], b"{}").unwrap();
    assert_eq!(answer.status, 405);
}

#[test]
fn an_oversized_body_is_413_before_the_headers_are_checked() {
    let sb = SandboxProcess::start(&[]);
    let body = format!(r#"{{"userIds":["{}"]}}"#, "1".repeat(70 * 1024));
    let answer = sb.send("POST", PATH, &[], body.as_bytes()).unwrap();
    assert_refused(&answer, 413, 13000102, "larger than the 65536 bytes");
    let just_fits = format!(r#"{{"limit":10{}}}"#, " ".repeat(64 * 1024 - 12));
    assert_eq!(just_fits.len(), 64 * 1024);
    assert_eq!(sb.api(&[], &just_fits).status, 200);
}

#[test]
fn a_missing_or_empty_acting_user_is_401() {
    let sb = SandboxProcess::start(&[]);
    assert_refused(
        &sb.api(&[("X-User-Id", "")], "{}"),
        401,
        13000101,
        "X-User-Id is missing",
    );
    assert_refused(
        &sb.api(&[("X-User-Id", "   ")], "{}"),
        401,
        13000101,
        "X-User-Id is empty",
    );
}

#[test]
fn a_missing_or_malformed_x_date_is_401() {
    let sb = SandboxProcess::start(&[]);
    assert_refused(
        &sb.api(&[("X-Date", "")], "{}"),
        401,
        13000101,
        "X-Date is missing",
    );
    for bad in [
        "2025-11-03T07:01:40Z",
        "20251103T070140",
        "20251332T070140Z",
    ] {
        assert_refused(&sb.api(&[("X-Date", bad)], "{}"), 401, 13000101, "X-Date");
    }
}

#[test]
fn an_x_date_exactly_fifteen_minutes_old_is_accepted() {
    let sb = SandboxProcess::start(&[]);
    // Retried only when the sandbox's second moved on between reading its
    // clock and answering; the answer's Date tells which second it judged in.
    for _ in 0..50 {
        let base = sb.now_ms().div_euclid(1000);
        let answer = sb.api(&[("X-Date", &x_date_at_secs(base - 900))], "{}");
        if date_secs(&answer) == base {
            assert_eq!(answer.status, 200, "{}", answer.text());
            let older = sb.api(
                &[("X-Date", &x_date_at_secs(date_secs(&answer) - 901))],
                "{}",
            );
            if date_secs(&older) == date_secs(&answer) {
                assert_refused(
                    &older,
                    401,
                    13000101,
                    "X-Date is 901 s old, more than the 900 s allowed",
                );
            }
            return;
        }
    }
    panic!("the sandbox never answered within the second it was asked in");
}

#[test]
fn an_x_date_one_second_in_the_future_is_refused() {
    let sb = SandboxProcess::start(&[]);
    for _ in 0..50 {
        let base = sb.now_ms().div_euclid(1000);
        let answer = sb.api(&[("X-Date", &x_date_at_secs(base + 1))], "{}");
        if date_secs(&answer) == base {
            assert_refused(&answer, 401, 13000101, "X-Date is in the future by 1 s");
            return;
        }
    }
    panic!("the sandbox never answered within the second it was asked in");
}

#[test]
fn a_missing_or_wrong_token_is_401() {
    let sb = SandboxProcess::start(&[]);
    assert_refused(
        &sb.api(&[("Authorization", "")], "{}"),
        401,
        13000101,
        "Authorization is missing",
    );
    for wrong in ["Bearer nope", "nope", "Bearer+nope", "Basic sandbox-token"] {
        assert_refused(
            &sb.api(&[("Authorization", wrong)], "{}"),
            401,
            13000101,
            "the access token is not valid",
        );
    }
}

#[test]
fn the_three_token_forms_are_accepted() {
    let sb = SandboxProcess::start(&["--token", "c69b0f40"]);
    for form in ["Bearer c69b0f40", "Bearer+c69b0f40", "c69b0f40"] {
        let answer = sb.api(&[("Authorization", form)], "{}");
        assert_eq!(answer.status, 200, "{form}: {}", answer.text());
    }
}

#[test]
fn an_app_signed_request_is_accepted_and_refused_once_anything_signed_changes() {
    let sb = SandboxProcess::start(&[]);
    let body = r#"{"limit":3}"#;
    let date = x_date_now();
    let (authorization, headers) = sb.signed(&date, body);
    let send = |headers: &[(String, String)], authorization: &str, body: &str| {
        let mut all: Vec<(&str, &str)> = headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        all.push(("Authorization", authorization));
        sb.send("POST", PATH, &all, body.as_bytes()).unwrap()
    };
    let ok = send(&headers, &authorization, body);
    assert_eq!(ok.status, 200, "{}", ok.text());
    assert_eq!(ok.json()["data"].as_array().map(Vec::len), Some(3));

    let padded: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| (n.clone(), format!("  {v} ")))
        .collect();
    assert_eq!(
        send(&padded, &authorization, body).status,
        200,
        "header values are trimmed"
    );

    let changed_body = send(&headers, &authorization, r#"{"limit":4}"#);
    assert_refused(&changed_body, 401, 13000101, "the signature does not match");

    let other_date = x_date_at_secs(common::machine_now_ms().div_euclid(1000) - 5);
    let mut redated = headers.clone();
    redated[1].1 = other_date;
    assert_refused(
        &send(&redated, &authorization, body),
        401,
        13000101,
        "does not match",
    );

    let mut rehosted = headers.clone();
    rehosted[0].1 = sb.addr.replace("127.0.0.1", "localhost");
    assert_refused(
        &send(&rehosted, &authorization, body),
        401,
        13000101,
        "does not match",
    );

    let resigned = authorization.replace("Signature=", "Signature=ab");
    assert_refused(
        &send(&headers, &resigned, body),
        401,
        13000101,
        "does not match",
    );
    let other_app = authorization.replace("AppId=sandbox-app", "AppId=other");
    assert_refused(
        &send(&headers, &other_app, body),
        401,
        13000101,
        "AppId \"other\" is not known",
    );
}

#[test]
fn json_of_the_wrong_shape_is_400_naming_the_field() {
    let sb = SandboxProcess::start(&[]);
    let fifty_one: Vec<String> = (0..51).map(|i| format!("\"{i}\"")).collect();
    let cases = [
        (r#"{"userIds":[]}"#.to_owned(), "userIds is empty"),
        (
            format!(r#"{{"userIds":[{}]}}"#, fifty_one.join(",")),
            "userIds has 51 ids",
        ),
        (r#"{"userIds":["1",""]}"#.to_owned(), "userIds[1] is empty"),
        (
            r#"{"userIds":[1505084218764547200]}"#.to_owned(),
            "userIds[0] is a number",
        ),
        (
            r#"{"limit":0}"#.to_owned(),
            "limit is 0 but must be between 1 and 100",
        ),
        (r#"{"limit":101}"#.to_owned(), "limit is 101"),
        (
            r#"{"offset":-1}"#.to_owned(),
            "offset is -1 but must be 0 or more",
        ),
        (
            r#"{"userIds":["1"]"#.to_owned(),
            "the body is not valid JSON",
        ),
        ("[]".to_owned(), "the body must be a JSON object"),
    ];
    for (body, msg) in cases {
        assert_refused(&sb.api(&[], &body), 400, 13000102, msg);
    }
}

#[test]
fn too_many_headers_are_refused_by_the_server() {
    let sb = SandboxProcess::start(&[]);
    let names: Vec<String> = (0..100).map(|i| format!("X-Filler-{i}")).collect();
    let headers: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "x")).collect();
    let answer = sb.send("GET", "/__sandbox/health", &headers, b"");
    assert!(answer.is_err() || answer.is_ok_and(|a| a.status == 431));
    assert_eq!(
        sb.control("GET", "health", "").status,
        200,
        "the server goes on"
    );
}
