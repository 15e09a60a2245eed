//! The test-control endpoints under `/__sandbox/` (never part of the KooDrive
//! API, never faulted or counted):
//!
//! - `GET /__sandbox/health`: `{"sandbox": true, "users": n, "auth": [...], ...}`;
//! - `GET|POST|DELETE /__sandbox/faults`: see, set or clear pending faults;
//! - `GET|POST /__sandbox/clock`: read or move the sandbox clock (`{"offsetSecs": n}`);
//! - `GET /__sandbox/stats`: requests, counts by status, recent arrivals;
//! - `POST /__sandbox/reset`: zero the stats, clear faults and the clock
//!   offset, users back to day 0;
//! - `POST /__sandbox/advance` (`{"days": n}`): age the sandbox `n` days (the
//!   clock moves ahead, every user's usage by its own daily rate);
//! - `GET /__sandbox/users/{userId}/rate`: `{"userId": "…", "usedPerDay": x}`.
//!
//! Before any of them, two checks keep pages elsewhere out: when the
//! sandbox listens on loopback, the `Host` must be a loopback name (421
//! otherwise, against DNS rebinding); and every `POST` must be
//! `Content-Type: application/json`, also with an empty body (415
//! otherwise), which no page on another origin can send without a preflight.
//! A refused request changes nothing.

use serde_json::{Value, json};

use crate::faults::parse_fault_orders;
use crate::handler::Sandbox;
use crate::http::{Request, Response};
use crate::users::DataSource;
use koodrive_core::USAGE_PATH;
use koodrive_serve::hardening::is_loopback_host;

/// The largest clock offset accepted, in seconds (about ten years).
pub const MAX_CLOCK_OFFSET_SECS: i64 = 315_360_000;

/// A control endpoint's error: `{"error": msg}`.
pub(crate) fn error(status: u16, msg: &str) -> Response {
    Response::json(status, json!({ "error": msg }).to_string())
}

fn ok(value: &Value) -> Response {
    Response::json(200, value.to_string())
}

fn method_not_allowed(request: &Request<'_>, allow: &'static str) -> Response {
    let mut answer = error(
        405,
        &format!(
            "method {} is not allowed on {}: use {allow}",
            request.method, request.path
        ),
    );
    answer.set_header("Allow", format!("{allow}, OPTIONS"));
    answer
}

/// Whether a `Content-Type` is JSON (`application/json`, parameters allowed).
fn is_json(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|t| {
        let media = t.split(';').next().unwrap_or_default().trim();
        media.eq_ignore_ascii_case("application/json")
    })
}

/// The refusal of a control request that may not be served, if any.
fn refusal(sandbox: &Sandbox, request: &Request<'_>) -> Option<Response> {
    if sandbox.config().loopback_control_only
        && !request.header("Host").is_some_and(is_loopback_host)
    {
        return Some(error(
            421,
            "control requests must be addressed to a loopback name (localhost, 127.0.0.1 or [::1]) while the sandbox listens on loopback",
        ));
    }
    if request.method == "POST" && !is_json(request.header("Content-Type")) {
        return Some(error(
            415,
            "control requests that change something must be sent as Content-Type: application/json (also with an empty body)",
        ));
    }
    None
}

/// Answers a request to a control endpoint.
pub(crate) fn answer(sandbox: &Sandbox, request: &Request<'_>, machine_now_ms: i64) -> Response {
    if let Some(refused) = refusal(sandbox, request) {
        return refused;
    }
    let name = request.path.trim_start_matches("/__sandbox/");
    match (name, request.method) {
        ("health", "GET" | "HEAD") => ok(&health(sandbox)),
        ("health", _) => method_not_allowed(request, "GET"),
        ("faults", "GET") => ok(&sandbox.fault_summary(machine_now_ms)),
        ("faults", "POST") => match parse_fault_orders(request.body) {
            Ok(orders) => {
                sandbox.set_faults(orders, machine_now_ms);
                ok(&sandbox.fault_summary(machine_now_ms))
            }
            Err(msg) => error(400, &msg),
        },
        ("faults", "DELETE") => {
            sandbox.clear_faults();
            ok(&sandbox.fault_summary(machine_now_ms))
        }
        ("faults", _) => method_not_allowed(request, "GET, POST, DELETE"),
        ("clock", "GET") => ok(&clock(sandbox, machine_now_ms)),
        ("clock", "POST") => match clock_offset(request.body) {
            Ok(secs) => {
                sandbox.set_clock_offset_secs(secs);
                ok(&clock(sandbox, machine_now_ms))
            }
            Err(msg) => error(400, &msg),
        },
        ("clock", _) => method_not_allowed(request, "GET, POST"),
        ("stats", "GET") => match serde_json::to_string(&sandbox.stats()) {
            Ok(body) => Response::json(200, body),
            Err(e) => error(500, &e.to_string()),
        },
        ("stats", _) => method_not_allowed(request, "GET"),
        ("reset", "POST") => {
            sandbox.reset();
            ok(&json!({"reset": true}))
        }
        ("reset", _) => method_not_allowed(request, "POST"),
        ("advance", "POST") => match advance_days(request.body, sandbox) {
            Ok(days) => {
                sandbox.advance(days);
                let mut answer = clock(sandbox, machine_now_ms);
                answer["agedDays"] = json!(sandbox.aged_days());
                ok(&answer)
            }
            Err(msg) => error(400, &msg),
        },
        ("advance", _) => method_not_allowed(request, "POST"),
        (users, method) if users.starts_with("users/") && users.ends_with("/rate") => {
            let id = &users["users/".len()..users.len() - "/rate".len()];
            match method {
                "GET" | "HEAD" => match sandbox.users().used_per_day(id) {
                    Some(rate) => ok(&json!({"userId": id, "usedPerDay": rate})),
                    None => error(
                        404,
                        &format!("there is no user \"{}\" in the sandbox", id.escape_debug()),
                    ),
                },
                _ => method_not_allowed(request, "GET"),
            }
        }
        _ => error(
            404,
            &format!(
                "there is no control endpoint at {}: try health, faults, clock, stats, reset, advance or users/{{userId}}/rate",
                request.path
            ),
        ),
    }
}

fn health(sandbox: &Sandbox) -> Value {
    let config = sandbox.config();
    let users = sandbox.users();
    let data = match users.source() {
        DataSource::Generated { seed } => json!({"source": "generated", "seed": seed}),
        DataSource::Given => json!({"source": "given"}),
    };
    json!({
        "sandbox": true,
        "version": env!("CARGO_PKG_VERSION"),
        "endpoint": USAGE_PATH,
        "users": users.len(),
        "data": data,
        "auth": ["token", "app"],
        "appId": config.app_id,
        "defaultCredentials": config.has_default_credentials(),
        "clockOffsetSecs": sandbox.clock_offset_secs(),
        "agedDays": sandbox.aged_days(),
    })
}

fn clock(sandbox: &Sandbox, machine_now_ms: i64) -> Value {
    json!({
        "offsetSecs": sandbox.clock_offset_secs(),
        "nowMs": sandbox.now_ms(machine_now_ms),
        "date": sandbox.date_header(machine_now_ms),
    })
}

fn clock_offset(body: &[u8]) -> Result<i64, String> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    let secs = value
        .get("offsetSecs")
        .ok_or("send {\"offsetSecs\": n}, n seconds from the machine's clock")?;
    secs.as_i64()
        .filter(|s| s.abs() <= MAX_CLOCK_OFFSET_SECS)
        .ok_or_else(|| {
            format!("offsetSecs is {secs} but must be a whole number of seconds within ±{MAX_CLOCK_OFFSET_SECS}")
        })
}

/// The most days one `advance` may move the sandbox.
const MAX_ADVANCE_DAYS: f64 = 3650.0;

fn advance_days(body: &[u8], sandbox: &Sandbox) -> Result<f64, String> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    let days = value
        .get("days")
        .ok_or("send {\"days\": n}, how many days the sandbox should age")?;
    let n = days
        .as_f64()
        .filter(|d| (0.0..=MAX_ADVANCE_DAYS).contains(d))
        .ok_or_else(|| {
            format!("days is {days} but must be a number from 0 to {MAX_ADVANCE_DAYS}")
        })?;
    let offset_after = sandbox.clock_offset_secs() as f64 + n * 86_400.0;
    if offset_after > MAX_CLOCK_OFFSET_SECS as f64 {
        return Err(format!(
            "the sandbox clock would run more than {MAX_CLOCK_OFFSET_SECS} s ahead: reset it first"
        ));
    }
    Ok(n)
}
