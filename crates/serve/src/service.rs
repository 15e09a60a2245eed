//! What happens around every request, whatever the app: the body is read
//! under the limits, the app (an `axum::Router`) is called with a panic
//! caught as a 500 and within the whole-request deadline (503 past it), an
//! app's "drop this connection" answer closes the connection unanswered,
//! answers without CORS headers or `Date` get them, answers without a
//! Content-Security-Policy (all but the page's files) get
//! `sandbox; default-src 'none'`, every answer gets `nosniff`, and one log
//! line is written.

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Request, Response, StatusCode, header};
use hyper::body::Incoming;
use tower::ServiceExt as _;

use super::ServeOptions;
use super::body::{BodyProblem, read_capped_body};
use super::catch_panic::{CatchPanic, panic_message};
use super::log::LogLine;

/// Marks an answer that must not be sent: the connection is closed instead
/// (see [`drop_connection`]).
#[derive(Debug, Clone, Copy)]
struct DropConnectionMarker;

/// An answer that tells the server to close the connection without
/// answering: what a `drop` fault or a crashed upstream looks like.
pub fn drop_connection() -> Response<Body> {
    let mut answer = Response::new(Body::empty());
    answer.extensions_mut().insert(DropConnectionMarker);
    answer
}

/// The error that makes hyper close a connection without an answer.
#[derive(Debug)]
pub struct ConnectionDropped;

impl core::fmt::Display for ConnectionDropped {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("the connection was dropped on purpose")
    }
}

impl std::error::Error for ConnectionDropped {}

/// What every connection's requests share.
pub(crate) struct Shared {
    pub(crate) app: Router,
    pub(crate) options: ServeOptions,
}

fn json_error(status: StatusCode, code: i64, msg: &str) -> Response<Body> {
    let mut body = format!("{{\"code\":{code},\"msg\":");
    koodrive_core::json::push_string(&mut body, msg);
    body.push('}');
    let mut answer = Response::new(Body::from(body));
    *answer.status_mut() = status;
    answer.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(koodrive_core::JSON_CONTENT_TYPE),
    );
    answer
}

fn body_problem_answer(problem: BodyProblem, limits: &super::Limits) -> Response<Body> {
    let mut answer = match problem {
        BodyProblem::TooLarge => json_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            koodrive_core::CODE_BAD_PARAMETERS,
            &format!(
                "the body is larger than the {} bytes allowed",
                limits.max_body_bytes
            ),
        ),
        BodyProblem::TooSlow => json_error(
            StatusCode::REQUEST_TIMEOUT,
            koodrive_core::CODE_BAD_PARAMETERS,
            &format!(
                "the body did not arrive within {} s",
                limits.body_read_timeout.as_secs()
            ),
        ),
        BodyProblem::Broken => json_error(
            StatusCode::BAD_REQUEST,
            koodrive_core::CODE_BAD_PARAMETERS,
            "the body could not be read",
        ),
    };
    answer
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    answer
}

/// The size of a request's head as sent: request line and header lines.
/// hyper bounds its read buffer, not the head, so a head that arrives in
/// few reads can pass its bound; this is the check of
/// [`super::Limits::max_header_bytes`].
fn head_bytes(parts: &axum::http::request::Parts) -> usize {
    let line = parts.method.as_str().len() + parts.uri.to_string().len() + 11;
    let headers: usize = parts
        .headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum();
    line + headers + 2
}

fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Serves one request.
pub(crate) async fn handle(
    shared: Arc<Shared>,
    request: Request<Incoming>,
) -> Result<Response<Body>, ConnectionDropped> {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let method = parts.method.clone();
    let path = parts.uri.path().to_owned();
    let origin = header_text(&parts.headers, "origin").map(str::to_owned);
    let request_trace = header_text(&parts.headers, "x-traceid").map(str::to_owned);
    let content_length =
        header_text(&parts.headers, "content-length").and_then(|v| v.trim().parse::<u64>().ok());
    let limits = shared.options.limits;

    let mut answer = if head_bytes(&parts) > limits.max_header_bytes {
        let mut answer = json_error(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            koodrive_core::CODE_BAD_PARAMETERS,
            &format!(
                "the request's head is larger than the {} bytes allowed",
                limits.max_header_bytes
            ),
        );
        answer
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        answer
    } else {
        let answered = async {
            match read_capped_body(body, content_length, &limits).await {
                Ok(bytes) => {
                    let request = Request::from_parts(parts, Body::from(bytes));
                    match CatchPanic::new(shared.app.clone().oneshot(request)).await {
                        Ok(Ok(answer)) => answer,
                        Ok(Err(never)) => match never {},
                        Err(panic) => {
                            let _ = std::io::Write::write_all(
                                &mut std::io::stderr().lock(),
                                format!("request handler panicked: {}\n", panic_message(&*panic))
                                    .as_bytes(),
                            );
                            json_error(
                                StatusCode::INTERNAL_SERVER_ERROR,
                                500,
                                "the server failed while answering; see its log",
                            )
                        }
                    }
                }
                Err(problem) => body_problem_answer(problem, &limits),
            }
        };
        match tokio::time::timeout(limits.request_timeout, answered).await {
            Ok(answer) => answer,
            Err(_) => {
                let mut answer = json_error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    500,
                    &format!(
                        "the request was not answered within {} s",
                        limits.request_timeout.as_secs()
                    ),
                );
                answer
                    .headers_mut()
                    .insert(header::CONNECTION, HeaderValue::from_static("close"));
                answer
            }
        }
    };

    let trace_id = header_text(answer.headers(), "x-traceid")
        .map(str::to_owned)
        .or(request_trace);
    let mut line = LogLine {
        method: method.as_str(),
        path: &path,
        status: Some(answer.status().as_u16()),
        latency: started.elapsed(),
        trace_id: trace_id.as_deref(),
    };
    if answer.extensions().get::<DropConnectionMarker>().is_some() {
        line.status = None;
        if shared.options.log_requests {
            line.write();
        }
        return Err(ConnectionDropped);
    }
    let headers = answer.headers_mut();
    if let Some(cors) = &shared.options.cors
        && !headers.contains_key(header::ACCESS_CONTROL_EXPOSE_HEADERS)
    {
        for (name, value) in cors.answer_headers(origin.as_deref()) {
            if let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(&value),
            ) {
                headers.append(name, value);
            }
        }
    }
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(crate::hardening::ANSWER_CSP),
        );
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static(crate::hardening::NOSNIFF),
    );
    if let Some(date) = &shared.options.date
        && !headers.contains_key(header::DATE)
        && let Ok(value) = HeaderValue::from_str(&date())
    {
        headers.insert(header::DATE, value);
    }
    if shared.options.log_requests {
        line.write();
    }
    Ok(answer)
}
