//! Answers going back to the caller: the upstream's, unchanged but for the
//! hop-by-hop headers (this connection's business, not the caller's), the
//! CORS headers (the gateway's own policy replaces them), `Set-Cookie` (the
//! gateway forwards no cookies, so none come back) and `Content-Length`
//! (recomputed from the same bytes); and the gateway's own refusals, as a
//! KooDrive-style `{"code": "GATEWAY.…", "msg": "…"}`.

use std::io::Write as _;

use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, Response, StatusCode, header};
use koodrive_client::Exchange;
use koodrive_core::{ErrorKind, KooDriveError};
use koodrive_core::{JSON_CONTENT_TYPE, json};

/// Headers that belong to one connection (RFC 9110 §7.6.1), never relayed.
const HOP_BY_HOP: [&str; 9] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// Whether an upstream answer's header is passed on; `listed` holds the
/// names the upstream's own `Connection` header marks as hop-by-hop.
fn is_relayed(name: &str, listed: &[String]) -> bool {
    !(HOP_BY_HOP.contains(&name)
        || name.starts_with("access-control-")
        || name == "set-cookie"
        || name == "content-length"
        || listed.iter().any(|l| l == name))
}

/// The gateway's own answer: `status` with a KooDrive-style body.
pub fn refusal(status: StatusCode, code: &str, msg: &str) -> Response<Body> {
    let mut body = String::from("{\"code\":");
    json::push_string(&mut body, code);
    body.push_str(",\"msg\":");
    json::push_string(&mut body, msg);
    body.push('}');
    let mut answer = Response::new(Body::from(body));
    *answer.status_mut() = status;
    answer.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(JSON_CONTENT_TYPE),
    );
    answer
}

/// A 405 for a path that answers only the methods `allow` names (also in
/// its `Allow` header).
pub fn method_not_allowed(allow: &'static str) -> Response<Body> {
    let mut answer = refusal(
        StatusCode::METHOD_NOT_ALLOWED,
        "GATEWAY.METHOD",
        &format!("this path answers only {allow}"),
    );
    answer
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allow));
    answer
}

/// The answer to a forwarded call.
pub fn relay(result: Result<Exchange, KooDriveError>) -> Response<Body> {
    match result {
        Ok(exchange) => {
            let trace = exchange.trace_id.clone();
            let Some(raw) = exchange.raw else {
                return with_trace(
                    refusal(
                        StatusCode::BAD_GATEWAY,
                        "GATEWAY.UPSTREAM_ANSWER",
                        "the upstream's answer was larger than 8 MiB and was not passed on",
                    ),
                    &trace,
                );
            };
            let listed: Vec<String> = raw
                .headers
                .iter()
                .filter(|(name, _)| name == "connection")
                .flat_map(|(_, value)| {
                    String::from_utf8_lossy(value)
                        .split(',')
                        .map(|n| n.trim().to_ascii_lowercase())
                        .collect::<Vec<_>>()
                })
                .collect();
            let mut answer = Response::new(Body::from(raw.body));
            *answer.status_mut() =
                StatusCode::from_u16(exchange.status).unwrap_or(StatusCode::BAD_GATEWAY);
            let headers = answer.headers_mut();
            for (name, value) in &raw.headers {
                if !is_relayed(name, &listed) {
                    continue;
                }
                if let (Ok(name), Ok(value)) = (
                    HeaderName::from_bytes(name.as_bytes()),
                    HeaderValue::from_bytes(value),
                ) {
                    headers.append(name, value);
                }
            }
            answer
        }
        Err(error) => {
            let (status, code, what) = match error.kind {
                ErrorKind::Timeout => (
                    StatusCode::GATEWAY_TIMEOUT,
                    "GATEWAY.UPSTREAM_TIMEOUT",
                    "the upstream did not answer in time",
                ),
                ErrorKind::Validation => (
                    StatusCode::BAD_REQUEST,
                    "GATEWAY.BAD_REQUEST",
                    "the request was refused before forwarding",
                ),
                _ => (
                    StatusCode::BAD_GATEWAY,
                    "GATEWAY.UPSTREAM_UNREACHABLE",
                    "the upstream could not be reached",
                ),
            };
            if error.kind != ErrorKind::Validation {
                // A closed stderr is no reason to fail the answer.
                let _ = writeln!(
                    std::io::stderr().lock(),
                    "upstream: {what}: {}",
                    error.message
                );
            }
            let answer = refusal(status, code, &format!("{what}: {}", error.message));
            match &error.trace_id {
                Some(trace) => with_trace(answer, trace),
                None => answer,
            }
        }
    }
}

fn with_trace(mut answer: Response<Body>, trace_id: &str) -> Response<Body> {
    if let Ok(value) = HeaderValue::from_str(trace_id) {
        answer.headers_mut().insert("x-traceid", value);
    }
    answer
}

#[cfg(test)]
mod tests {
    use koodrive_client::RawAnswer;

    use super::*;

    fn exchange(headers: &[(&str, &str)], status: u16) -> Exchange {
        Exchange {
            status,
            raw: Some(RawAnswer {
                headers: headers
                    .iter()
                    .map(|(n, v)| ((*n).to_owned(), v.as_bytes().to_vec()))
                    .collect(),
                body: b"{\"code\":429}".to_vec(),
            }),
            outcome: Err(KooDriveError::new(ErrorKind::Http, "busy")),
            trace_id: "t".repeat(58),
            attempts: 1,
        }
    }

    #[test]
    fn upstream_answers_lose_only_hop_by_hop_cors_and_cookie_headers() {
        let answer = relay(Ok(exchange(
            &[
                ("retry-after", "7"),
                ("date", "Thu, 27 Nov 2025 12:00:00 GMT"),
                ("x-traceid", "abc"),
                ("connection", "keep-alive, x-private"),
                ("x-private", "1"),
                ("keep-alive", "timeout=5"),
                ("transfer-encoding", "chunked"),
                ("access-control-allow-origin", "*"),
                ("set-cookie", "session=1"),
                ("content-length", "12"),
                ("content-type", "application/json"),
            ],
            429,
        )));
        assert_eq!(answer.status(), 429);
        let names: Vec<&str> = answer.headers().keys().map(|n| n.as_str()).collect();
        assert_eq!(
            names,
            ["retry-after", "date", "x-traceid", "content-type"],
            "{names:?}"
        );
    }

    #[test]
    fn refusals_are_json_with_their_code_and_message_escaped() {
        let msg = "a \"quoted\" \\ path\nand \u{2028} line";
        let answer = refusal(StatusCode::BAD_REQUEST, "GATEWAY.BAD_REQUEST", msg);
        assert_eq!(answer.headers()["content-type"], JSON_CONTENT_TYPE);
        let body = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(axum::body::to_bytes(answer.into_body(), usize::MAX))
            .unwrap();
        let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            value,
            serde_json::json!({"code": "GATEWAY.BAD_REQUEST", "msg": msg})
        );
    }

    #[test]
    fn no_answer_becomes_502_or_504_with_the_trace_id() {
        let mut e = KooDriveError::new(ErrorKind::Timeout, "slow").with_trace_id("t1");
        let answer = relay(Err(e.clone()));
        assert_eq!(answer.status(), 504);
        assert_eq!(answer.headers()["x-traceid"], "t1");
        e.kind = ErrorKind::Network;
        assert_eq!(relay(Err(e)).status(), 502);
    }
}
