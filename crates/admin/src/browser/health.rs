//! Is the endpoint the sandbox? `GET {endpoint}/__sandbox/health` answers
//! `{"sandbox": true, ...}` there; a real KooDrive answers something else,
//! and a static host or nothing at all answers no JSON. Is the page served
//! by a `koodrive-gateway`? `GET {origin}/__gateway/health` answers
//! `{"gateway": true, "upstream": …, "signs": …, "needsToken": …,
//! "snapshots": {"on": …}}` there.

use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestCredentials, RequestInit, Response};

use crate::state::connection::GatewayInfo;

/// What the endpoint said about itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    /// The sandbox: its data are demo data.
    Sandbox,
    /// A service answered in JSON, but not the sandbox (a gateway, a real tenant).
    Service,
    /// No service: nothing answered, or something that answers no JSON (a
    /// static host's 404 page). The in-browser demo is offered then.
    Unreachable,
}

/// Asks `endpoint` whether it is the sandbox.
pub async fn check(endpoint: &str) -> Health {
    let Some(window) = web_sys::window() else {
        return Health::Unreachable;
    };
    let url = format!("{}/__sandbox/health", endpoint.trim().trim_end_matches('/'));
    let Ok(answer) = JsFuture::from(window.fetch_with_str(&url)).await else {
        return Health::Unreachable;
    };
    let Ok(response) = answer.dyn_into::<Response>() else {
        return Health::Unreachable;
    };
    let Ok(json) = response.json() else {
        return Health::Unreachable;
    };
    match JsFuture::from(json).await {
        Ok(body)
            if response.ok()
                && Reflect::get(&body, &JsValue::from_str("sandbox")).ok()
                    == Some(JsValue::TRUE) =>
        {
            Health::Sandbox
        }
        Ok(_) => Health::Service,
        Err(_) => Health::Unreachable,
    }
}

/// Asks the page's own `origin` whether it is a gateway (without credentials);
/// `None` for anything but a 200 JSON answer with `"gateway": true`.
pub async fn gateway(origin: &str) -> Option<GatewayInfo> {
    let window = web_sys::window()?;
    let url = format!("{}/__gateway/health", origin.trim().trim_end_matches('/'));
    let init = RequestInit::new();
    init.set_credentials(RequestCredentials::Omit);
    let answer = JsFuture::from(window.fetch_with_str_and_init(&url, &init))
        .await
        .ok()?;
    let response = answer.dyn_into::<Response>().ok()?;
    if response.status() != 200 {
        return None;
    }
    let body = JsFuture::from(response.json().ok()?).await.ok()?;
    let field = |name: &str| Reflect::get(&body, &JsValue::from_str(name)).ok();
    if field("gateway") != Some(JsValue::TRUE) {
        return None;
    }
    Some(GatewayInfo {
        upstream: field("upstream")
            .and_then(|v| v.as_string())
            .unwrap_or_default(),
        signs: field("signs") == Some(JsValue::TRUE),
        needs_token: field("needsToken") == Some(JsValue::TRUE),
        snapshots: field("snapshots")
            .filter(JsValue::is_object)
            .and_then(|s| Reflect::get(&s, &JsValue::from_str("on")).ok())
            == Some(JsValue::TRUE),
    })
}
