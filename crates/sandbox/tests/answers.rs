//! What the sandbox answers: known ids once in request order, unknown ids
//! left out, paging over every user exactly once, exact quotas past 2^53 from
//! `--data`, a clear refusal of bad data, and answers that validate against
//! the schemas of `openapi/space-usage.yaml`.
#![cfg(feature = "server")]

mod common;

use std::collections::HashSet;

use common::{PATH, SandboxProcess, temp_dir};
use serde_json::Value;

fn ids_of(answer: &Value) -> Vec<String> {
    answer["data"]
        .as_array()
        .map(|d| {
            d.iter()
                .filter_map(|r| r["userId"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn all_ids(sb: &SandboxProcess) -> Vec<String> {
    let mut ids = Vec::new();
    let mut offset = 0;
    loop {
        let page = sb
            .api(&[], &format!(r#"{{"limit":100,"offset":{offset}}}"#))
            .json();
        let found = ids_of(&page);
        if found.is_empty() {
            return ids;
        }
        offset += found.len();
        ids.extend(found);
    }
}

#[test]
fn paging_covers_every_user_exactly_once() {
    let sb = SandboxProcess::start(&["--users", "1234", "--seed", "7"]);
    let ids = all_ids(&sb);
    assert_eq!(ids.len(), 1234);
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 1234);
    assert!(
        ids.iter()
            .all(|id| id.len() == 19 && id.bytes().all(|b| b.is_ascii_digit()))
    );
    let first = sb.api(&[], "{}").json();
    assert_eq!(first["total"], 1234);
    assert_eq!(
        ids_of(&first),
        ids[..10],
        "limit 10 and offset 0 by default"
    );
}

#[test]
fn unknown_ids_are_left_out_and_total_counts_the_found_ones() {
    let sb = SandboxProcess::start(&[]);
    let known = ids_of(&sb.api(&[], r#"{"limit":3}"#).json());
    let body = serde_json::json!({"userIds": [known[2], "1000000000000000000", known[0], known[2], "x"], "limit": 1, "offset": 9});
    let answer = sb.api(&[], &body.to_string()).json();
    assert_eq!(answer["code"], 0);
    assert_eq!(answer["total"], 2);
    assert_eq!(
        ids_of(&answer),
        [known[2].clone(), known[0].clone()],
        "once each, in request order, uncut"
    );
}

#[test]
fn a_quota_past_two_to_the_53_comes_back_exact_from_data() {
    let dir = temp_dir("data");
    let file = dir.join("users.json");
    std::fs::write(
        &file,
        r#"[{"userId":"1008600000509220652","quota":"18446744073709551615","used":9007199254740993,
            "effectiveTime":"2025-11-12T08:37:14.613Z","expirationTime":"2025-12-12T08:37:14.613Z"},
           {"userId":"1008600000509220653","quota":"9007199254740993","used":0}]"#,
    )
    .unwrap();
    let sb = SandboxProcess::start(&["--data", file.to_str().unwrap()]);
    let answer = sb.api(
        &[],
        r#"{"userIds":["1008600000509220652","1008600000509220653"]}"#,
    );
    let text = answer.text();
    assert!(text.contains(r#""quota":"18446744073709551615""#), "{text}");
    assert!(text.contains(r#""quota":"9007199254740993""#), "{text}");
    assert!(
        text.contains(r#""effectiveTime":"2025-11-12T08:37:14.613Z""#),
        "{text}"
    );
    assert_eq!(
        sb.control("GET", "health", "").json()["data"]["source"],
        "given"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn bad_data_stops_the_sandbox_naming_the_first_bad_record() {
    let dir = temp_dir("bad-data");
    let file = dir.join("users.json");
    std::fs::write(
        &file,
        r#"[{"userId":"1","quota":"5","used":1},{"userId":"2","quota":"5 GB","used":1}]"#,
    )
    .unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_koodrive-sandbox"))
        .args(["--addr", "127.0.0.1:0", "--data"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(r#"record 1 (userId "2"): quota "5 GB" is not a string of digits"#),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// The OpenAPI document, read as JSON.
fn openapi() -> Value {
    serde_norway::from_str(koodrive_sandbox::OPENAPI_YAML).expect("the OpenAPI document is YAML")
}

/// The schema of the JSON answer with this status, able to resolve the
/// document's `#/components/...` references.
fn answer_schema(doc: &Value, status: u16) -> jsonschema::Validator {
    let schema = &doc["paths"][PATH]["post"]["responses"][status.to_string()]["content"]["application/json"]
        ["schema"];
    assert!(
        schema.is_object(),
        "the document has no JSON schema for {status}"
    );
    let root = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "components": doc["components"],
        "allOf": [schema],
    });
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&root)
        .expect("the schema compiles")
}

#[test]
fn real_answers_validate_against_the_openapi_schemas() {
    let doc = openapi();
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["components"]["securitySchemes"]["token"].is_object());
    assert!(doc["components"]["securitySchemes"]["app"].is_object());
    let sb = SandboxProcess::start(&[]);
    let known = ids_of(&sb.api(&[], r#"{"limit":2}"#).json());
    let answers = [
        sb.api(&[], &serde_json::json!({"userIds": known}).to_string()),
        sb.api(&[], r#"{"limit":100,"offset":50}"#),
        sb.api(&[], r#"{"userIds":[1]}"#),
        sb.api(&[("Authorization", "Bearer nope")], "{}"),
        sb.send("POST", "/nope", &[], b"{}").unwrap(),
        sb.send("GET", PATH, &[], b"").unwrap(),
        sb.send("POST", PATH, &[], "x".repeat(70_000).as_bytes())
            .unwrap(),
    ];
    let statuses: Vec<u16> = answers.iter().map(|a| a.status).collect();
    assert_eq!(statuses, [200, 200, 400, 401, 404, 405, 413]);
    for answer in &answers {
        let validator = answer_schema(&doc, answer.status);
        let errors: Vec<String> = validator
            .iter_errors(&answer.json())
            .map(|e| e.to_string())
            .collect();
        assert!(
            errors.is_empty(),
            "{}: {errors:?} in {}",
            answer.status,
            answer.text()
        );
    }
    sb.control(
        "POST",
        "faults",
        r#"{"kind":"apiError","code":"APIGW.0301","msg":"Incorrect IAM authentication"}"#,
    );
    let api_error = sb.api(&[], "{}");
    assert!(
        answer_schema(&doc, 200).is_valid(&api_error.json()),
        "{}",
        api_error.text()
    );
    let bad = serde_json::json!({"code":0,"msg":"success","total":1,"data":[{"userId":"1","quota":1048576,"used":1}]});
    assert!(
        !answer_schema(&doc, 200).is_valid(&bad),
        "a numeric quota is refused by the schema"
    );
}

#[test]
fn the_openapi_document_is_served() {
    let sb = SandboxProcess::start(&[]);
    let answer = sb.send("GET", "/openapi.yaml", &[], b"").unwrap();
    assert_eq!(answer.status, 200);
    assert!(
        answer
            .header("Content-Type")
            .is_some_and(|t| t.starts_with("application/yaml"))
    );
    assert_eq!(answer.text(), koodrive_sandbox::OPENAPI_YAML);
}
