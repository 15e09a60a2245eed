//! The sandbox as an axum app: the admin page's files when `--static` is
//! given (for `GET`/`HEAD` outside the API and control paths), and
//! everything else through the pure handler, whose outcome becomes an
//! answer, a delayed answer or a dropped connection.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, Method, Response, StatusCode};
use koodrive_sandbox::{CONTROL_PREFIX, OPENAPI_PATH, Outcome, Sandbox, is_usage_path};
use koodrive_serve::{StaticSite, drop_connection, machine_now_ms};

/// What the app holds.
pub struct SandboxApp {
    /// The handler.
    pub sandbox: Arc<Sandbox>,
    /// The admin page, when served.
    pub site: Option<StaticSite>,
}

/// The router: one fallback that answers every path.
pub fn router(app: Arc<SandboxApp>) -> Router {
    Router::new().fallback(move |request: Request| {
        let app = Arc::clone(&app);
        async move { answer(&app, request).await }
    })
}

/// Paths that are never files of the admin page.
fn is_reserved(path: &str) -> bool {
    path.starts_with(CONTROL_PREFIX)
        || path == OPENAPI_PATH
        || path.starts_with("/koodrive/")
        || is_usage_path(path)
}

async fn answer(app: &SandboxApp, request: Request) -> Response<Body> {
    let (parts, body) = request.into_parts();
    if let Some(site) = &app.site
        && (parts.method == Method::GET || parts.method == Method::HEAD)
        && !is_reserved(parts.uri.path())
    {
        return site.answer(parts.uri.path()).await;
    }
    let _in_flight = koodrive_sandbox::is_api_request(parts.method.as_str(), parts.uri.path())
        .then(|| app.sandbox.api_in_flight());
    // The server has already read the body under its limits.
    let Ok(body) = axum::body::to_bytes(body, usize::MAX).await else {
        return drop_connection();
    };
    // Header values are borrowed as they are; only one that is not visible
    // ASCII is copied (lossily).
    let headers: Vec<(&str, Cow<'_, str>)> = parts
        .headers
        .iter()
        .map(|(name, value)| {
            let text = match value.to_str() {
                Ok(text) => Cow::Borrowed(text),
                Err(_) => String::from_utf8_lossy(value.as_bytes()),
            };
            (name.as_str(), text)
        })
        .collect();
    let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_ref())).collect();
    let request = koodrive_sandbox::Request {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query(),
        headers: &headers,
        body: &body,
    };
    match app.sandbox.handle(&request, machine_now_ms()) {
        Outcome::Respond(answer) => to_http(answer),
        Outcome::Delay { delay_ms, response } => {
            tokio::time::sleep(Duration::from_millis(delay_ms)).await;
            to_http(response)
        }
        Outcome::Drop => drop_connection(),
    }
}

fn to_http(answer: koodrive_sandbox::Response) -> Response<Body> {
    let mut http = Response::new(Body::from(answer.body));
    *http.status_mut() =
        StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = http.headers_mut();
    for (name, value) in answer.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            headers.append(name, value);
        }
    }
    http
}
