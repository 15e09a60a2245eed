//! The app's refusals, called through the `Router` with `oneshot`: no
//! socket, no process. Its forwarder points at a closed port, so a request
//! that were forwarded would come back 502, never the refusal asserted.
//! What needs a real upstream (forwarding, signing, the log) is in
//! `tests/`.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use koodrive_core::{BaseUrl, USAGE_PATH};
use koodrive_serve::Cors;
use serde_json::Value;
use tower::ServiceExt as _;

use crate::app::{GatewayApp, router};
use crate::forward::Forwarder;
use crate::settings::{Mode, Settings};

const TOKEN: (&str, &str) = ("Authorization", "Bearer sandbox-token");

/// A token-mode gateway on loopback without a gateway token, allowing `cors`.
fn app(cors: Cors) -> axum::Router {
    let upstream = "http://127.0.0.1:9";
    let settings = Settings {
        upstream: BaseUrl::parse(upstream).unwrap(),
        mode: Mode::Token,
        acting_user_id: None,
        gateway_token: None,
        cors,
        snapshots: None,
    };
    router(Arc::new(GatewayApp {
        settings,
        site: None,
        forwarder: Forwarder::start(upstream.to_owned()).unwrap(),
        loopback_hosts_only: true,
        snapshots: None,
    }))
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn code(&self) -> Value {
        serde_json::from_slice::<Value>(&self.body).unwrap_or(Value::Null)["code"].clone()
    }
}

async fn call(
    app: &axum::Router,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Answer {
    let mut request = Request::builder().method(method).uri(path);
    if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
        request = request.header("host", "127.0.0.1:8080");
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request.body(Body::from(body.to_owned())).unwrap();
    let answer = app.clone().oneshot(request).await.unwrap();
    let (parts, body) = answer.into_parts();
    Answer {
        status: parts.status,
        headers: parts.headers,
        body: axum::body::to_bytes(body, usize::MAX)
            .await
            .unwrap()
            .to_vec(),
    }
}

async fn api(app: &axum::Router, headers: &[(&str, &str)], body: &str) -> Answer {
    let mut all = vec![("X-User-Id", "1"), ("Content-Type", "application/json")];
    all.extend_from_slice(headers);
    call(app, "POST", USAGE_PATH, &all, body).await
}

#[tokio::test]
async fn other_paths_are_404_and_never_forwarded() {
    let app = app(Cors::Origins(Vec::new()));
    for (method, path) in [
        ("POST", "/koodrive/ose/v1/space/usage/overview"),
        ("POST", "/koodrive/ose/v1/space/usage/user/"),
        ("GET", "/__sandbox/stats"),
        ("POST", "/__sandbox/reset"),
        ("GET", "/"),
    ] {
        let answer = call(&app, method, path, &[TOKEN], "{}").await;
        assert_eq!(answer.status, 404, "{method} {path}");
        assert_eq!(answer.code(), "GATEWAY.NOT_FORWARDED");
    }
}

#[tokio::test]
async fn other_methods_on_the_endpoint_are_405() {
    let app = app(Cors::Origins(Vec::new()));
    for method in ["GET", "PUT", "DELETE", "PATCH"] {
        let answer = call(&app, method, USAGE_PATH, &[TOKEN], "{}").await;
        assert_eq!(answer.status, 405, "{method}");
        assert_eq!(answer.header("allow"), Some("POST, OPTIONS"));
    }
}

#[tokio::test]
async fn requests_missing_what_the_mode_needs_are_refused_before_forwarding() {
    let app = app(Cors::Origins(Vec::new()));
    let no_authorization = api(&app, &[], "{}").await;
    assert_eq!(
        (no_authorization.status.as_u16(), no_authorization.code()),
        (401, Value::from("GATEWAY.NO_CREDENTIALS"))
    );
    let headers = [TOKEN, ("Content-Type", "application/json")];
    let no_user = call(&app, "POST", USAGE_PATH, &headers, "{}").await;
    assert_eq!(no_user.status, 400);
    assert!(no_user.text().contains("X-User-Id"));
    let headers = [TOKEN, ("X-User-Id", "1"), ("Content-Type", "text/plain")];
    let form = call(&app, "POST", USAGE_PATH, &headers, "{}").await;
    assert_eq!(form.status, 415);
    for body in [
        r#"{"limit": 0}"#,
        r#"{"userIds": []}"#,
        "not json",
        r#"{"limit": "5"}"#,
        r#"{"userIds": ["\ud800"]}"#,
    ] {
        let answer = api(&app, &[TOKEN], body).await;
        assert_eq!(answer.status, 400, "{body}");
        assert_eq!(answer.code(), "GATEWAY.BAD_REQUEST");
    }
    let big = format!(r#"{{"userIds": ["{}"]}}"#, "1".repeat(70_000));
    assert_eq!(api(&app, &[TOKEN], &big).await.status, 413);
}

#[tokio::test]
async fn pages_on_other_origins_and_rebound_names_get_nothing() {
    let app = app(Cors::from_values(["http://127.0.0.1:8081"]));
    let preflight = |origin: &'static str| {
        let app = app.clone();
        async move {
            let headers = [
                ("Origin", origin),
                ("Access-Control-Request-Method", "POST"),
            ];
            call(&app, "OPTIONS", USAGE_PATH, &headers, "").await
        }
    };
    let allowed = preflight("http://127.0.0.1:8081").await;
    assert_eq!(allowed.status, 204);
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        Some("http://127.0.0.1:8081")
    );
    let allowed_headers = allowed
        .header("access-control-allow-headers")
        .unwrap_or_default();
    for name in [
        "X-Gateway-Token",
        "X-User-Id",
        "Content-Type",
        "Authorization",
    ] {
        assert!(
            allowed_headers.contains(name),
            "{name} in {allowed_headers}"
        );
    }
    let other = preflight("https://evil.example").await;
    assert_eq!(other.header("access-control-allow-origin"), None);
    let rebound = api(&app, &[TOKEN, ("Host", "evil.example:8090")], "{}").await;
    assert_eq!(rebound.status, 421);
}
