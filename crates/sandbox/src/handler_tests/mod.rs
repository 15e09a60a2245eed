//! The handler end to end, without a network: every check in order, the
//! token forms and app signatures (the known-answer vectors included) in
//! `checks`; CORS, the sandbox clock's `Date`, faults, the control endpoints
//! and scale in `control`. Here: the helpers they share.

mod checks;
mod control;

use koodrive_core::{format_x_date, unix_ms_to_datetime};
use serde_json::Value;

pub(super) use crate::*;

pub(super) const NOW_MS: i64 = 1_764_244_800_500; // 2025-11-27T12:00:00.5Z
pub(super) const PATH: &str = "/koodrive/ose/v1/space/usage/user";

pub(super) fn sandbox() -> Sandbox {
    Sandbox::new(SandboxConfig::default(), Users::generate(300, 42, NOW_MS))
}

pub(super) fn x_date(offset_secs: i64) -> String {
    format_x_date(unix_ms_to_datetime(NOW_MS + offset_secs * 1000))
}

/// A token-mode request with these headers replaced or added.
pub(super) fn call(
    sandbox: &Sandbox,
    method: &str,
    path: &str,
    extra: &[(&str, &str)],
    body: &str,
) -> Outcome {
    let date = x_date(-1);
    let mut headers: Vec<(&str, &str)> = vec![
        ("Host", "127.0.0.1:8080"),
        ("Authorization", "Bearer sandbox-token"),
        ("X-User-Id", "1505084218764547200"),
        ("X-Date", &date),
    ];
    for (name, value) in extra {
        headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        if !value.is_empty() || *name == "X-User-Id" {
            headers.push((name, value));
        }
    }
    sandbox.handle(
        &Request::new(method, path, &headers, body.as_bytes()),
        NOW_MS,
    )
}

pub(super) fn answer(outcome: Outcome) -> (u16, Value, Response) {
    let response = outcome.into_response().expect("an answer");
    let body = serde_json::from_slice(&response.body).unwrap_or(Value::Null);
    (response.status, body, response)
}

pub(super) fn post(
    sandbox: &Sandbox,
    extra: &[(&str, &str)],
    body: &str,
) -> (u16, Value, Response) {
    answer(call(sandbox, "POST", PATH, extra, body))
}

pub(super) fn refused(sandbox: &Sandbox, extra: &[(&str, &str)], body: &str) -> (u16, i64, String) {
    let (status, body, _) = post(sandbox, extra, body);
    (
        status,
        body["code"].as_i64().unwrap_or_default(),
        body["msg"].as_str().unwrap_or_default().to_owned(),
    )
}
