//! Every check of an API request in the order of docs/sandbox-checks.md, the token forms,
//! app signatures (the known-answer vectors included), bodies and paging.

use koodrive_core::{SigningInput, sign, split_url};
use serde_json::Value;

use super::*;

#[test]
fn a_good_request_gets_its_users() {
    let s = sandbox();
    let id = s.users().records()[3].user_id.clone();
    let (status, body, response) = post(&s, &[], &format!(r#"{{"userIds":["{id}"]}}"#));
    assert_eq!(status, 200);
    assert_eq!(body["code"], 0);
    assert_eq!(body["msg"], "success");
    assert_eq!(body["total"], 1);
    assert_eq!(body["data"][0]["userId"], id.as_str());
    assert_eq!(response.header("Content-Type"), Some(JSON_CONTENT_TYPE));
    assert_eq!(response.header("X-Traceid").map(str::len), Some(58));
}

#[test]
fn each_check_fails_in_the_documented_order_with_its_status_and_code() {
    let s = sandbox();
    let big = format!(r#"{{"userIds":["{}"]}}"#, "1".repeat(MAX_BODY_BYTES));
    let (status, _, r) = answer(call(
        &s,
        "POST",
        "/koodrive/ose/v1/nope",
        &[("X-Date", "")],
        &big,
    ));
    assert_eq!(status, 404, "the path comes first: {}", r.body_text());
    let (status, body, r) = answer(call(&s, "GET", PATH, &[("X-Date", "")], &big));
    assert_eq!((status, &body["code"]), (405, &Value::from(13000102)));
    assert_eq!(r.header("Allow"), Some("POST, OPTIONS"));
    assert_eq!(
        refused(&s, &[("X-Date", "")], &big).0,
        413,
        "the size before the headers"
    );
    assert_eq!(
        refused(&s, &[("X-User-Id", ""), ("X-Date", "")], "{"),
        (
            401,
            13000101,
            "X-User-Id is empty: send the acting user's id".into()
        )
    );
    let (status, code, msg) = refused(&s, &[("X-Date", "2025-11-27T12:00:00Z")], "{");
    assert_eq!((status, code), (401, 13000101));
    assert!(msg.contains("is not of the form yyyyMMddTHHmmssZ"), "{msg}");
    let future = x_date(1200);
    assert_eq!(
        refused(&s, &[("X-Date", &future), ("Authorization", "nope")], "{"),
        (401, 13000101, "X-Date is in the future by 1200 s".into())
    );
    let (_, _, msg) = refused(&s, &[("Authorization", "nope")], "{");
    assert!(msg.starts_with("the access token is not valid"), "{msg}");
    let (status, code, msg) = refused(&s, &[], "{");
    assert_eq!((status, code), (400, 13000102));
    assert!(msg.starts_with("the body is not valid JSON"), "{msg}");
}

#[test]
fn x_date_is_accepted_from_exactly_fifteen_minutes_old_to_now() {
    let s = sandbox();
    for (secs, ok) in [(0, true), (-900, true), (-901, false), (1, false)] {
        let date = x_date(secs);
        let (status, _, msg) = refused(&s, &[("X-Date", &date)], "{}");
        assert_eq!(status == 200, ok, "{secs}: {msg}");
    }
    let date = x_date(1);
    assert_eq!(
        refused(&s, &[("X-Date", &date)], "{}").2,
        "X-Date is in the future by 1 s"
    );
    let date = x_date(-901);
    assert_eq!(
        refused(&s, &[("X-Date", &date)], "{}").2,
        "X-Date is 901 s old, more than the 900 s allowed"
    );
    let (_, _, msg) = refused(&s, &[("X-Date", "")], "{}");
    assert!(msg.starts_with("X-Date is missing"), "{msg}");
    let (_, _, msg) = refused(&s, &[("X-User-Id", "")], "{}");
    assert!(msg.starts_with("X-User-Id is empty"), "{msg}");
}

#[test]
fn the_three_token_forms_are_accepted_and_others_are_not() {
    let s = sandbox();
    for auth in [
        "Bearer sandbox-token",
        "Bearer+sandbox-token",
        "sandbox-token",
        " bearer  sandbox-token ",
    ] {
        assert_eq!(post(&s, &[("Authorization", auth)], "{}").0, 200, "{auth}");
    }
    for auth in [
        "Bearer other",
        "sandbox-token2",
        "Basic sandbox-token",
        "Bearer",
    ] {
        assert_eq!(
            refused(&s, &[("Authorization", auth)], "{}").0,
            401,
            "{auth}"
        );
    }
    let (_, _, msg) = refused(&s, &[("Authorization", "")], "{}");
    assert!(msg.starts_with("Authorization is missing"), "{msg}");
}

fn signed_headers<'a>(host: &'a str, date: &'a str, user: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![("Host", host), ("X-Date", date), ("X-User-Id", user)]
}

#[test]
fn an_app_signature_is_accepted_and_refused_once_anything_signed_changes() {
    let s = sandbox();
    let date = x_date(-1);
    let headers = signed_headers("127.0.0.1:8080", &date, "42");
    let body = r#"{"limit":3}"#;
    let input = SigningInput {
        method: "POST",
        path: PATH,
        query: None,
        headers: &headers,
        body: body.as_bytes(),
    };
    let auth = sign(&input, DEFAULT_APP_ID, DEFAULT_APP_SECRET).authorization;
    let send = |headers: &[(&str, &str)], body: &str| {
        let mut all = headers.to_vec();
        all.push(("Authorization", &auth));
        answer(s.handle(&Request::new("POST", PATH, &all, body.as_bytes()), NOW_MS))
    };
    assert_eq!(send(&headers, body).0, 200);
    let padded = signed_headers(" 127.0.0.1:8080 ", &date, " 42");
    assert_eq!(send(&padded, body).0, 200, "values are trimmed");
    let (status, body_json, _) = send(&headers, r#"{"limit":4}"#);
    assert_eq!(status, 401);
    assert!(
        body_json["msg"]
            .as_str()
            .unwrap_or_default()
            .contains("does not match")
    );
    let other_date = x_date(-2);
    assert_eq!(
        send(&signed_headers("127.0.0.1:8080", &other_date, "42"), body).0,
        401
    );
    assert_eq!(
        send(&signed_headers("localhost:8080", &date, "42"), body).0,
        401
    );
    let tampered = auth.replace("Signature=", "Signature=0");
    let mut all = headers.clone();
    all.push(("Authorization", &tampered));
    assert_eq!(
        answer(s.handle(&Request::new("POST", PATH, &all, body.as_bytes()), NOW_MS)).0,
        401
    );
}

#[test]
fn an_app_signature_that_does_not_cover_host_is_refused() {
    let s = sandbox();
    let date = x_date(-1);
    // Signed without Host: a correct HMAC over x-date and x-user-id only.
    let unsigned_host = [("X-Date", date.as_str()), ("X-User-Id", "42")];
    let body = r#"{"limit":3}"#;
    let input = SigningInput {
        method: "POST",
        path: PATH,
        query: None,
        headers: &unsigned_host,
        body: body.as_bytes(),
    };
    let auth = sign(&input, DEFAULT_APP_ID, DEFAULT_APP_SECRET).authorization;
    assert!(auth.contains("SignedHeaders=x-date;x-user-id,"), "{auth}");
    let mut sent = signed_headers("127.0.0.1:8080", &date, "42");
    sent.push(("Authorization", &auth));
    let (status, json, _) =
        answer(s.handle(&Request::new("POST", PATH, &sent, body.as_bytes()), NOW_MS));
    assert_eq!(status, 401);
    assert_eq!(json["code"], CODE_AUTH_FAILED);
    assert!(
        json["msg"]
            .as_str()
            .unwrap_or_default()
            .contains("SignedHeaders must include host"),
        "{json}"
    );
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Vector {
    name: String,
    method: String,
    url: String,
    headers: std::collections::BTreeMap<String, String>,
    body: String,
    app_id: String,
    app_secret: String,
    authorization: String,
}

#[test]
fn every_post_signing_vector_is_accepted_at_its_own_x_date() {
    let vectors: Vec<Vector> = serde_json::from_str(include_str!(
        "../../../core/tests/data/signing-vectors.json"
    ))
    .unwrap();
    let mut checked = 0;
    for v in vectors.iter().filter(|v| v.method == "POST") {
        let config = SandboxConfig {
            app_id: v.app_id.clone(),
            app_secret: v.app_secret.clone(),
            ..SandboxConfig::default()
        };
        let x_date = koodrive_core::parse_x_date(v.headers["X-Date"].trim()).unwrap();
        let now_ms = (x_date.unix_timestamp_nanos() / 1_000_000) as i64;
        let s = Sandbox::new(config, Users::generate(20, 1, now_ms));
        let url = split_url(&v.url).unwrap();
        let mut headers: Vec<(&str, &str)> =
            vec![("Host", &url.host), ("Authorization", &v.authorization)];
        headers.extend(v.headers.iter().map(|(k, val)| (k.as_str(), val.as_str())));
        let request = Request {
            method: "POST",
            path: &url.path,
            query: url.query.as_deref(),
            headers: &headers,
            body: v.body.as_bytes(),
        };
        let (status, body, _) = answer(s.handle(&request, now_ms));
        assert_eq!(status, 200, "{}: {body}", v.name);
        checked += 1;
    }
    assert_eq!(checked, 3);
}

#[test]
fn bodies_of_the_wrong_shape_are_refused_with_400() {
    let s = sandbox();
    let fifty_one: Vec<String> = (0..51).map(|i| format!("\"{i}\"")).collect();
    for body in [
        r#"{"userIds":[]}"#.to_owned(),
        format!(r#"{{"userIds":[{}]}}"#, fifty_one.join(",")),
        r#"{"userIds":[""]}"#.to_owned(),
        r#"{"userIds":[1505084218764547200]}"#.to_owned(),
        r#"{"limit":0}"#.to_owned(),
        r#"{"limit":101}"#.to_owned(),
        r#"{"offset":-1}"#.to_owned(),
        "not json".to_owned(),
        String::new(),
    ] {
        let (status, code, msg) = refused(&s, &[], &body);
        assert_eq!((status, code), (400, 13000102), "{body}: {msg}");
    }
}

#[test]
fn unknown_and_repeated_ids_and_paging() {
    let s = sandbox();
    let a = s.users().records()[0].user_id.clone();
    let b = s.users().records()[1].user_id.clone();
    let (_, body, _) = post(
        &s,
        &[],
        &format!(r#"{{"userIds":["{b}","9","{a}","{b}"],"limit":1}}"#),
    );
    assert_eq!(body["total"], 2);
    let ids: Vec<&str> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["userId"].as_str())
        .collect();
    assert_eq!(ids, [b.as_str(), a.as_str()]);
    let mut seen = Vec::new();
    let mut offset = 0;
    loop {
        let (_, body, _) = post(&s, &[], &format!(r#"{{"limit":100,"offset":{offset}}}"#));
        assert_eq!(body["total"], 300);
        let page = body["data"].as_array().unwrap().clone();
        if page.is_empty() {
            break;
        }
        offset += page.len();
        seen.extend(
            page.into_iter()
                .map(|r| r["userId"].as_str().unwrap().to_owned()),
        );
    }
    let all: Vec<String> = s
        .users()
        .records()
        .iter()
        .map(|r| r.user_id.clone())
        .collect();
    assert_eq!(seen, all);
    assert_eq!(
        post(&s, &[], "{}").1["data"].as_array().map(Vec::len),
        Some(10)
    );
}
