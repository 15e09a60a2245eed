//! The checks of an API request, in the order docs/sandbox-checks.md gives;
//! the first that fails answers with its status, KooDrive code and a message
//! naming the check:
//!
//! | check | HTTP | code |
//! |---|---|---|
//! | method and path | 404 / 405 | 13000102 |
//! | body at most 64 KiB | 413 | 13000102 |
//! | `X-User-Id` present and non-empty | 401 | 13000101 |
//! | `X-Date` well-formed | 401 | 13000101 |
//! | `X-Date` within [sandbox now − 15 min, sandbox now] | 401 | 13000101 |
//! | credentials (token or app signature over the received `Host`) | 401 | 13000101 |
//! | JSON well-formed, fields of the right types and ranges | 400 | 13000102 |
//!
//! Before all of them (and before a pending fault), an `X-Traceid` that is
//! sent must be [`TRACE_ID_LEN`] characters of `[0-9a-z]`
//! ([`check_trace_id_header`]): 400, 13000102. So what the stats keep and
//! the log writes of it stays bounded.

use koodrive_core::{
    CODE_AUTH_FAILED, CODE_BAD_PARAMETERS, MAX_BODY_BYTES, SigningInput, SpaceUsageRequest,
    TRACE_ID_LEN, USAGE_PATH, check_x_date_window, parse_x_date, unix_ms_to_datetime, verify,
};

use crate::config::SandboxConfig;
use crate::http::Request;
use crate::request_body::parse_request_body;

/// Why a request was refused: the status, KooDrive's code and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The HTTP status.
    pub status: u16,
    /// KooDrive's code.
    pub code: i64,
    /// What failed, naming the check.
    pub msg: String,
}

impl Refusal {
    fn auth(msg: impl Into<String>) -> Self {
        Self {
            status: 401,
            code: CODE_AUTH_FAILED,
            msg: msg.into(),
        }
    }

    fn parameters(status: u16, msg: impl Into<String>) -> Self {
        Self {
            status,
            code: CODE_BAD_PARAMETERS,
            msg: msg.into(),
        }
    }
}

/// Checks a request's `X-Traceid`, when it sends one: exactly
/// [`TRACE_ID_LEN`] characters of `[0-9a-z]`, what this project's clients
/// make. Anything else is refused (400, [`CODE_BAD_PARAMETERS`]) with a
/// message that names the check but does not repeat the value.
pub fn check_trace_id_header(value: &str) -> Result<(), Refusal> {
    let problem = if value.len() != TRACE_ID_LEN {
        format!("it has {} bytes", value.len())
    } else if !value
        .bytes()
        .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
    {
        "it has characters other than 0-9 and a-z".to_owned()
    } else {
        return Ok(());
    };
    Err(Refusal::parameters(
        400,
        format!(
            "X-Traceid must be {TRACE_ID_LEN} characters of [0-9a-z] ({problem}): send such an id, or none to get a new one"
        ),
    ))
}

/// Whether `path` is the endpoint's: [`USAGE_PATH`], possibly below a path
/// prefix (`/kd/koodrive/ose/v1/space/usage/user`), so that clients with a
/// prefixed base URL can be tried as well.
pub fn is_usage_path(path: &str) -> bool {
    path.ends_with(USAGE_PATH)
}

/// Runs every check in order on a request that arrived when the sandbox
/// clock read `sandbox_now_ms`; gives the request body when all pass.
pub fn check_request(
    request: &Request<'_>,
    config: &SandboxConfig,
    sandbox_now_ms: i64,
) -> Result<SpaceUsageRequest, Refusal> {
    if !is_usage_path(request.path) {
        return Err(Refusal::parameters(
            404,
            format!(
                "there is no endpoint at {}: the API is POST {USAGE_PATH}",
                request.path
            ),
        ));
    }
    if request.method != "POST" {
        return Err(Refusal::parameters(
            405,
            format!(
                "method {} is not allowed on {}: use POST",
                request.method, request.path
            ),
        ));
    }
    if request.body.len() > MAX_BODY_BYTES {
        return Err(Refusal::parameters(
            413,
            format!("the body is larger than the {MAX_BODY_BYTES} bytes (64 KiB) allowed"),
        ));
    }
    match request.header("X-User-Id") {
        None => {
            return Err(Refusal::auth(
                "X-User-Id is missing: send the acting user's id",
            ));
        }
        Some("") => {
            return Err(Refusal::auth(
                "X-User-Id is empty: send the acting user's id",
            ));
        }
        Some(_) => {}
    }
    let x_date = request.header("X-Date").ok_or_else(|| {
        Refusal::auth("X-Date is missing: send the time as yyyyMMddTHHmmssZ (UTC)")
    })?;
    let x_date = parse_x_date(x_date).map_err(Refusal::auth)?;
    check_x_date_window(x_date, unix_ms_to_datetime(sandbox_now_ms))
        .map_err(|rejection| Refusal::auth(rejection.to_string()))?;
    check_credentials(request, config).map_err(Refusal::auth)?;
    parse_request_body(request.body).map_err(|msg| Refusal::parameters(400, msg))
}

fn check_credentials(request: &Request<'_>, config: &SandboxConfig) -> Result<(), String> {
    let Some(value) = request.header("Authorization").filter(|v| !v.is_empty()) else {
        return Err(
            "Authorization is missing: send Bearer {token} or an HMAC-SHA256 app signature".into(),
        );
    };
    if value.starts_with("HMAC-SHA256") {
        let input = SigningInput {
            method: request.method,
            path: request.path,
            query: request.query,
            headers: request.headers,
            body: request.body,
        };
        return verify(value, &input, &config.app_id, &config.app_secret)
            .map_err(|e| format!("the app signature is refused: {e}"));
    }
    if same_secret(bearer_token(value).as_bytes(), config.token.as_bytes()) {
        Ok(())
    } else {
        Err(
            "the access token is not valid (send Bearer {token}, Bearer+{token} or the token)"
                .into(),
        )
    }
}

/// The token in `Bearer {token}`, `Bearer+{token}` or a bare token.
fn bearer_token(value: &str) -> &str {
    let scheme = value
        .get(..6)
        .is_some_and(|s| s.eq_ignore_ascii_case("bearer"));
    match value.as_bytes().get(6) {
        Some(b' ' | b'+') if scheme => value[7..].trim(),
        _ => value,
    }
}

/// Compares two secrets in time that depends only on their lengths.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_token_forms_give_the_token() {
        assert_eq!(bearer_token("Bearer abc"), "abc");
        assert_eq!(bearer_token("bearer   abc"), "abc");
        assert_eq!(bearer_token("Bearer+abc"), "abc");
        assert_eq!(bearer_token("abc"), "abc");
        assert_eq!(bearer_token("BearerX"), "BearerX");
        assert!(same_secret(b"abc", b"abc"));
        assert!(!same_secret(b"abc", b"abd"));
        assert!(!same_secret(b"abc", b"abcd"));
    }

    #[test]
    fn the_endpoint_answers_below_a_path_prefix_too() {
        assert!(is_usage_path(USAGE_PATH));
        assert!(is_usage_path("/kd/koodrive/ose/v1/space/usage/user"));
        assert!(!is_usage_path("/koodrive/ose/v1/space/usage/users"));
        assert!(!is_usage_path("/koodrive/ose/v1/space/usage/user/"));
        assert!(!is_usage_path("/xkoodrive/ose/v1/space/usage/userx"));
    }
}
