//! The gateway as an axum app: what each path and method gets. A loopback
//! gateway without a gateway token first refuses requests not addressed to
//! a loopback name (421). Only `POST /koodrive/ose/v1/space/usage/user` is
//! ever forwarded; its checks run in this order, the first failure
//! answering: the gateway token (401), the body size (413),
//! `Content-Type: application/json` (415, so that a page on another origin
//! always needs a preflight), `X-User-Id` (400), in token mode an
//! `Authorization` (401), the body's rules (400). Besides it:
//! `GET /__gateway/health`, preflights, and the admin page's files (never
//! for `/koodrive/…` or `/__…` paths, which are 404). Every answer that is
//! not a file of the page carries `Content-Security-Policy: sandbox;
//! default-src 'none'` and `X-Content-Type-Options: nosniff`, so nothing
//! relayed from upstream can run as a page on the gateway's origin.

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue, Method, Response, StatusCode, header};
use koodrive_core::{
    JSON_CONTENT_TYPE, MAX_BODY_BYTES, SpaceUsageRequest, USAGE_PATH, check_trace_id,
};
use koodrive_serve::StaticSite;
use koodrive_serve::hardening::{self, is_loopback_host};

use crate::forward::{Call, CallAuth, Forwarder};
use crate::relay::{method_not_allowed, refusal, relay};
use crate::settings::{Mode, Settings};
use crate::snapshots::{Snapshots, health_off, http as snapshot_http};

/// Where the admin page learns what the gateway does.
pub const HEALTH_PATH: &str = "/__gateway/health";

/// The request headers a page may send, as a preflight's answer lists them:
/// the endpoint's headers and the gateway's own token.
pub const ALLOW_HEADERS: &str =
    "Authorization, Content-Type, X-User-Id, X-Date, X-Traceid, language, X-Gateway-Token";

/// What the app holds.
pub struct GatewayApp {
    /// The checked settings.
    pub settings: Settings,
    /// The admin page, when served.
    pub site: Option<StaticSite>,
    /// Where calls go.
    pub forwarder: Forwarder,
    /// The snapshots the gateway takes, when asked for.
    pub snapshots: Option<Snapshots>,
    /// Whether requests must name a loopback host (a loopback gateway with
    /// no gateway token: this keeps pages on DNS-rebound names out).
    pub loopback_hosts_only: bool,
}

/// The router: one fallback that answers every path.
pub fn router(app: Arc<GatewayApp>) -> Router {
    Router::new().fallback(move |request: Request| {
        let app = Arc::clone(&app);
        async move { answer(&app, request).await }
    })
}

fn header_text<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// Paths that are never files of the admin page: the API's, and the
/// `/__…/` controls of the gateway and of the sandbox (a page probing for a
/// sandbox gets a 404, not `index.html`).
fn is_reserved(path: &str) -> bool {
    path.starts_with("/koodrive/") || path.starts_with("/__")
}

fn not_found() -> Response<Body> {
    refusal(
        StatusCode::NOT_FOUND,
        "GATEWAY.NOT_FORWARDED",
        &format!("the gateway forwards only POST {USAGE_PATH}"),
    )
}

async fn answer(app: &GatewayApp, request: Request) -> Response<Body> {
    let (parts, body) = request.into_parts();
    let host_ok =
        !app.loopback_hosts_only || header_text(&parts, "host").is_some_and(is_loopback_host);
    let is_read = parts.method == Method::GET || parts.method == Method::HEAD;
    if let Some(site) = &app.site
        && host_ok
        && is_read
        && !is_reserved(parts.uri.path())
    {
        return site.answer(parts.uri.path()).await;
    }
    let mut answer = not_a_file(app, &parts, body, host_ok).await;
    let headers = answer.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(hardening::ANSWER_CSP),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static(hardening::NOSNIFF),
    );
    answer
}

/// Every answer but the page's files.
async fn not_a_file(app: &GatewayApp, parts: &Parts, body: Body, host_ok: bool) -> Response<Body> {
    if !host_ok {
        return refusal(
            StatusCode::MISDIRECTED_REQUEST,
            "GATEWAY.HOST",
            "this gateway answers only requests to its loopback address",
        );
    }
    let path = parts.uri.path();
    let is_read = parts.method == Method::GET || parts.method == Method::HEAD;
    if parts.method == Method::OPTIONS {
        return preflight(app, parts);
    }
    if path == USAGE_PATH {
        if parts.method != Method::POST {
            return method_not_allowed("POST, OPTIONS");
        }
        // The server has already read the body under its limits.
        let Ok(body) = axum::body::to_bytes(body, usize::MAX).await else {
            return refusal(
                StatusCode::BAD_REQUEST,
                "GATEWAY.BAD_REQUEST",
                "the body could not be read",
            );
        };
        return match checked_call(app, parts, &body) {
            Ok(call) => relay(app.forwarder.forward(call).await),
            Err(refused) => *refused,
        };
    }
    if snapshot_http::is_snapshot_path(path) {
        // The same access rule as the API's.
        if let Some(refused) = token_refusal(&app.settings, parts) {
            return refused;
        }
        return snapshot_http::answer(app.snapshots.as_ref(), parts).await;
    }
    if path == HEALTH_PATH {
        if !is_read {
            return method_not_allowed("GET, HEAD, OPTIONS");
        }
        let snapshots = app
            .snapshots
            .as_ref()
            .map_or_else(health_off, Snapshots::health);
        let mut answer = Response::new(Body::from(app.settings.health_json(&snapshots)));
        let headers = answer.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(JSON_CONTENT_TYPE),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        return answer;
    }
    not_found()
}

fn preflight(app: &GatewayApp, parts: &Parts) -> Response<Body> {
    let mut answer = Response::new(Body::empty());
    *answer.status_mut() = StatusCode::NO_CONTENT;
    let origin = header_text(parts, "origin");
    let headers = answer.headers_mut();
    for (name, value) in app.settings.cors.preflight_headers(origin, ALLOW_HEADERS) {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            headers.append(name, value);
        }
    }
    answer
}

type Refused = Box<Response<Body>>;

fn bad_request(msg: &str) -> Refused {
    Box::new(refusal(StatusCode::BAD_REQUEST, "GATEWAY.BAD_REQUEST", msg))
}

/// The 401 of a request without the gateway token, when one is configured.
fn token_refusal(settings: &Settings, parts: &Parts) -> Option<Response<Body>> {
    let token = settings.gateway_token.as_ref()?;
    let given = parts
        .headers
        .get("x-gateway-token")
        .map(HeaderValue::as_bytes);
    if given.is_some_and(|g| token.matches(g)) {
        return None;
    }
    let what = if given.is_some() { "a wrong" } else { "no" };
    Some(refusal(
        StatusCode::UNAUTHORIZED,
        "GATEWAY.TOKEN",
        &format!("the request carried {what} X-Gateway-Token; this gateway needs its token"),
    ))
}

/// The API request's checks, in order; the call to forward when all pass.
fn checked_call(app: &GatewayApp, parts: &Parts, body: &Bytes) -> Result<Call, Refused> {
    let settings = &app.settings;
    if let Some(refused) = token_refusal(settings, parts) {
        return Err(Box::new(refused));
    }
    if body.len() > MAX_BODY_BYTES {
        return Err(Box::new(refusal(
            StatusCode::PAYLOAD_TOO_LARGE,
            "GATEWAY.TOO_LARGE",
            &format!("the body is larger than the {MAX_BODY_BYTES} bytes allowed"),
        )));
    }
    let json = header_text(parts, "content-type").is_some_and(|t| {
        let media = t.split(';').next().unwrap_or_default().trim();
        media.eq_ignore_ascii_case("application/json")
    });
    if !json {
        return Err(Box::new(refusal(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "GATEWAY.CONTENT_TYPE",
            "send the body as Content-Type: application/json",
        )));
    }
    let acting_user_id = match (&settings.acting_user_id, header_text(parts, "x-user-id")) {
        (Some(fixed), _) => fixed.clone(),
        (None, Some(caller)) => caller.to_owned(),
        (None, None) => {
            return Err(bad_request(
                "X-User-Id is missing (or start the gateway with --acting-user-id)",
            ));
        }
    };
    let auth = match &settings.mode {
        Mode::App { app_id, app_secret } => CallAuth::App {
            app_id: app_id.clone(),
            app_secret: app_secret.clone(),
        },
        Mode::Token => match parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
        {
            Some(value) if !value.trim().is_empty() => CallAuth::Verbatim(value.to_owned()),
            _ => {
                return Err(Box::new(refusal(
                    StatusCode::UNAUTHORIZED,
                    "GATEWAY.NO_CREDENTIALS",
                    "Authorization is missing: this gateway passes each caller's access token on (it signs only when started with --app-id and --app-secret-file)",
                )));
            }
        },
    };
    let request: SpaceUsageRequest = if body.iter().all(u8::is_ascii_whitespace) {
        SpaceUsageRequest::default()
    } else {
        koodrive_core::json::from_slice(body)
            .map_err(|e| bad_request(&format!("the body is not a space-usage request: {e}")))?
    };
    request
        .validate()
        .map_err(|e| bad_request(&e.to_string()))?;
    let trace_id = header_text(parts, "x-traceid")
        .filter(|t| check_trace_id(t).is_ok())
        .map(str::to_owned);
    Ok(Call {
        request,
        acting_user_id,
        language: header_text(parts, "language").unwrap_or("en-US").to_owned(),
        trace_id,
        auth,
    })
}
