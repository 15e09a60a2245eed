//! From an answer to a result: `(status, headers, body)` becomes a page of
//! records or a typed [`KooDriveError`], exactly as the table of docs/error-kinds.md says.
//! The body comes in already parsed into an [`AnswerEnvelope`] (by
//! [`decode_envelope`], the [`crate::json`] reader on every target), or as
//! the reason it could not be.

use crate::answer::{AnswerEnvelope, ApiCode, DataField};
use crate::clock::sent_x_date_was_outside;
use crate::error::{ErrorKind, KooDriveError};
use crate::quota::UserSpaceQuota;
use crate::retry::parse_retry_after;
use crate::xdate::{parse_http_date, parse_x_date};

/// Answers larger than this (8 MiB) are refused without being read whole.
pub const MAX_ANSWER_BYTES: usize = 8 * 1024 * 1024;

/// A successful answer's content.
#[derive(Debug, Clone, PartialEq)]
pub struct UsagePage {
    /// The records, in the server's order.
    pub items: Vec<UserSpaceQuota>,
    /// The server's `total` (the number of items when it sent none).
    pub total: u64,
}

/// What the classifier needs of an answer besides its body.
#[derive(Debug, Clone, Copy)]
pub struct AnswerHead<'a> {
    /// The HTTP status.
    pub status: u16,
    /// The `Date` header, when readable.
    pub date: Option<&'a str>,
    /// The `Retry-After` header, when readable.
    pub retry_after: Option<&'a str>,
    /// The `X-Date` the request carried.
    pub sent_x_date: &'a str,
    /// The request's `X-Traceid`.
    pub trace_id: &'a str,
    /// The local clock when the answer came, Unix ms (for `Retry-After` dates).
    pub now_ms: i64,
}

/// Why a body could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyProblem {
    /// Not JSON, or not a JSON object; the parser's words.
    NotJson(String),
    /// Larger than [`MAX_ANSWER_BYTES`].
    TooLarge,
}

impl core::fmt::Display for BodyProblem {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::NotJson(why) => write!(f, "it is not a KooDrive JSON answer ({why})"),
            Self::TooLarge => write!(f, "it is larger than {MAX_ANSWER_BYTES} bytes"),
        }
    }
}

fn server_said(code: &Option<ApiCode>, msg: &Option<String>) -> String {
    match (code, msg) {
        (Some(c), Some(m)) => format!(", code {c}: {m}"),
        (Some(c), None) => format!(", code {c}"),
        (None, Some(m)) => format!(": {m}"),
        (None, None) => String::new(),
    }
}

fn minutes(secs: i64) -> String {
    let secs = secs.unsigned_abs();
    if secs >= 60 {
        format!("{} minutes", (secs + 30) / 60)
    } else {
        format!("{secs} seconds")
    }
}

/// The message of an `auth` error: what the server said, `advice` fitting
/// the mode of authentication, and, when the answer had no readable `Date`
/// (so the clock could not be checked), the clock as the other likely cause.
pub fn credentials_refused(
    status: u16,
    code: &Option<ApiCode>,
    msg: &Option<String>,
    date_readable: bool,
    advice: &str,
) -> String {
    let mut message = format!(
        "the server refused the credentials (HTTP {status}{}): {advice}",
        server_said(code, msg)
    );
    if !date_readable {
        message.push_str(
            "; the answer had no readable Date, so a local clock off by more than 15 minutes is the other likely cause",
        );
    }
    message
}

/// Classifies one answer. `body` is the parsed envelope, or why there is
/// none.
pub fn classify_answer(
    head: &AnswerHead<'_>,
    body: Result<AnswerEnvelope, BodyProblem>,
) -> Result<UsagePage, KooDriveError> {
    let status = head.status;
    let (code, msg) = match &body {
        Ok(env) => (env.code.clone(), env.msg.clone()),
        Err(_) => (None, None),
    };
    let finish = |mut e: KooDriveError| {
        e.status = Some(status);
        e.trace_id = Some(head.trace_id.to_owned());
        if e.code.is_none() {
            e.code = code.clone();
        }
        if e.msg.is_none() {
            e.msg = msg.clone();
        }
        e
    };

    if status == 200 {
        let env = body.map_err(|p| finish(KooDriveError::decode(status, p.to_string())))?;
        return match (&env.code, env.data) {
            (Some(c), DataField::Items(items)) if c.is_success() => {
                let total = env.total.unwrap_or(items.len() as u64);
                Ok(UsagePage { items, total })
            }
            (Some(c), _) if c.is_success() => Err(finish(KooDriveError::decode(
                status,
                "it has code 0 but no data array",
            ))),
            (Some(c), _) => Err(finish(KooDriveError::new(
                ErrorKind::Api,
                format!(
                    "KooDrive refused the request (code {c}: {})",
                    env.msg.as_deref().unwrap_or("no message")
                ),
            ))),
            (None, _) => Err(finish(KooDriveError::decode(
                status,
                "it has no code field; it is not a KooDrive answer",
            ))),
        };
    }

    let server_date = head.date.and_then(parse_http_date);
    if matches!(status, 400 | 401)
        && let Some(date) = server_date
        && sent_x_date_was_outside(head.sent_x_date, date)
    {
        let skew = parse_x_date(head.sent_x_date)
            .map(|sent| sent.unix_timestamp() - date.unix_timestamp())
            .unwrap_or(0);
        let direction = if skew > 0 { "ahead of" } else { "behind" };
        return Err(finish(KooDriveError::new(
            ErrorKind::Clock,
            format!(
                "the server refused the request's X-Date (HTTP {status}{}): this clock is about {} {direction} the server's",
                server_said(&code, &msg),
                minutes(skew)
            ),
        )));
    }

    if matches!(status, 401 | 403) {
        let message = credentials_refused(
            status,
            &code,
            &msg,
            server_date.is_some(),
            "check the access token, or the app id and secret",
        );
        return Err(finish(KooDriveError::new(ErrorKind::Auth, message)));
    }

    if matches!(status, 429 | 500 | 502 | 503 | 504) {
        let mut e = KooDriveError::new(
            ErrorKind::Http,
            format!(
                "the service answered HTTP {status}{}, which is usually temporary",
                server_said(&code, &msg)
            ),
        );
        e.retryable = true;
        e.retry_after_ms = head.retry_after.and_then(|v| {
            parse_retry_after(
                v,
                server_date.map_or(head.now_ms, |d| d.unix_timestamp() * 1000),
            )
        });
        return Err(finish(e));
    }

    let is_koodrive_error = body.as_ref().is_ok_and(|env| env.code.is_some());
    let e = if is_koodrive_error {
        KooDriveError::new(
            ErrorKind::Api,
            format!(
                "KooDrive refused the request (HTTP {status}{})",
                server_said(&code, &msg)
            ),
        )
    } else {
        KooDriveError::new(
            ErrorKind::Http,
            format!("the service answered HTTP {status} without a KooDrive error body"),
        )
    };
    Err(finish(e))
}

/// Parses a body into an [`AnswerEnvelope`] with the [`crate::json`] reader.
pub fn decode_envelope(body: &[u8]) -> Result<AnswerEnvelope, BodyProblem> {
    decode_envelope_with(body, |text| text.parse().unwrap_or(f64::NAN))
}

/// [`decode_envelope`] with another parser for fractional numbers (see
/// [`crate::json::from_slice_with`]).
pub fn decode_envelope_with(
    body: &[u8],
    parse_f64: fn(&str) -> f64,
) -> Result<AnswerEnvelope, BodyProblem> {
    if body.len() > MAX_ANSWER_BYTES {
        return Err(BodyProblem::TooLarge);
    }
    match body.iter().find(|b| !b.is_ascii_whitespace()) {
        None => Err(BodyProblem::NotJson("the body is empty".into())),
        Some(b'{') => crate::json::from_slice_with(body, parse_f64)
            .map_err(|e| BodyProblem::NotJson(e.to_string())),
        Some(_) => Err(BodyProblem::NotJson(
            "the answer is not a JSON object".into(),
        )),
    }
}

/// [`classify_answer`] over raw body bytes, parsed with [`decode_envelope`].
pub fn classify_json_answer(
    head: &AnswerHead<'_>,
    body: &[u8],
) -> Result<UsagePage, KooDriveError> {
    classify_answer(head, decode_envelope(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SENT: &str = "20251127T120000Z";

    fn head(status: u16, date: Option<&'static str>) -> AnswerHead<'static> {
        AnswerHead {
            status,
            date,
            retry_after: None,
            sent_x_date: SENT,
            trace_id: "t",
            now_ms: 1_764_244_800_000,
        }
    }

    fn kind(status: u16, date: Option<&'static str>, body: &str) -> ErrorKind {
        classify_json_answer(&head(status, date), body.as_bytes())
            .unwrap_err()
            .kind
    }

    const OK: &str =
        r#"{"code":0,"msg":"success","data":[{"userId":"1","quota":"10","used":1}],"total":1}"#;
    const KOO_ERR: &str = r#"{"code":13000101,"msg":"Bad Request"}"#;
    const IN_WINDOW: Option<&str> = Some("Thu, 27 Nov 2025 12:00:05 GMT");

    #[test]
    fn success_gives_the_page() {
        let page = classify_json_answer(&head(200, None), OK.as_bytes()).unwrap();
        assert_eq!(page.items.len(), 1);
        assert_eq!(page.total, 1);
    }

    #[test]
    fn each_row_of_the_error_kinds_table_gives_its_kind() {
        assert_eq!(
            kind(
                200,
                None,
                r#"{"code":13000102,"msg":"Verify parameters failed."}"#
            ),
            ErrorKind::Api
        );
        assert_eq!(kind(200, None, "<html>oops</html>"), ErrorKind::Decode);
        assert_eq!(
            kind(200, None, r#"{"code":0,"msg":"success""#),
            ErrorKind::Decode
        );
        assert_eq!(
            kind(200, None, r#"{"code":0,"msg":"success"}"#),
            ErrorKind::Decode
        );
        assert_eq!(kind(200, None, r#"{"data":[]}"#), ErrorKind::Decode);
        assert_eq!(
            kind(401, Some("Thu, 27 Nov 2025 12:20:00 GMT"), KOO_ERR),
            ErrorKind::Clock
        );
        assert_eq!(
            kind(400, Some("Thu, 27 Nov 2025 11:40:00 GMT"), KOO_ERR),
            ErrorKind::Clock
        );
        assert_eq!(kind(401, IN_WINDOW, KOO_ERR), ErrorKind::Auth);
        assert_eq!(kind(403, None, ""), ErrorKind::Auth);
        for s in [429, 500, 502, 503, 504] {
            assert_eq!(kind(s, None, "<html>busy</html>"), ErrorKind::Http, "{s}");
        }
        assert_eq!(kind(400, IN_WINDOW, KOO_ERR), ErrorKind::Api);
        assert_eq!(kind(404, None, "not found"), ErrorKind::Http);
        assert_eq!(
            kind(418, None, r#"{"code":"APIGW.0101","msg":"x"}"#),
            ErrorKind::Api
        );
    }

    #[test]
    fn errors_carry_what_the_server_said_and_the_trace_id() {
        let e = classify_json_answer(
            &head(200, None),
            br#"{"code":"APIGW.0301","msg":"Incorrect IAM authentication"}"#,
        )
        .unwrap_err();
        assert_eq!(e.code, Some(ApiCode::Text("APIGW.0301".into())));
        assert_eq!(e.msg.as_deref(), Some("Incorrect IAM authentication"));
        assert_eq!(e.trace_id.as_deref(), Some("t"));
        assert_eq!(e.status, Some(200));
        assert!(!e.retryable);
    }

    #[test]
    fn auth_without_a_readable_date_names_the_clock() {
        let e = classify_json_answer(&head(401, None), KOO_ERR.as_bytes()).unwrap_err();
        assert!(
            e.message.contains("clock off by more than 15 minutes"),
            "{}",
            e.message
        );
        let e = classify_json_answer(&head(401, IN_WINDOW), KOO_ERR.as_bytes()).unwrap_err();
        assert!(!e.message.contains("clock"), "{}", e.message);
    }

    #[test]
    fn clock_errors_say_how_far_off_the_clock_is() {
        let e = classify_json_answer(
            &head(401, Some("Thu, 27 Nov 2025 11:43:00 GMT")),
            KOO_ERR.as_bytes(),
        )
        .unwrap_err();
        assert!(e.message.contains("17 minutes ahead of"), "{}", e.message);
        assert!(e.retryable);
    }

    #[test]
    fn retry_after_is_read_in_seconds_and_as_a_date() {
        let mut h = head(429, Some("Thu, 27 Nov 2025 12:00:00 GMT"));
        h.retry_after = Some("2");
        assert_eq!(
            classify_json_answer(&h, b"").unwrap_err().retry_after_ms,
            Some(2000)
        );
        h.retry_after = Some("Thu, 27 Nov 2025 12:00:30 GMT");
        assert_eq!(
            classify_json_answer(&h, b"").unwrap_err().retry_after_ms,
            Some(30_000)
        );
    }

    #[test]
    fn oversized_bodies_are_refused() {
        let big = vec![b' '; MAX_ANSWER_BYTES + 1];
        assert_eq!(decode_envelope(&big), Err(BodyProblem::TooLarge));
    }
}
