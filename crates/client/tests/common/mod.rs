//! The wasm tests' side of the sandbox: its URL (fixed at compile time, so
//! the test binaries are not rebuilt from run to run), its control endpoints,
//! and clients set up for it.
#![allow(dead_code)]

use std::rc::Rc;

use js_sys::{Object, Promise, Reflect};
use koodrive_client::{Auth, Client, ClientConfig, TokenProvider, TokenSource, WebPlatform};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The sandbox the test stage started (`KOODRIVE_SANDBOX_URL` at compile time).
pub const SANDBOX: &str = match option_env!("KOODRIVE_SANDBOX_URL") {
    Some(url) => url,
    None => "http://127.0.0.1:18080",
};

fn get(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Calls a control endpoint with plain `fetch` (every `POST` as JSON, also
/// without a body); returns the parsed JSON answer.
pub async fn control(method: &str, path: &str, body: Option<&str>) -> JsValue {
    let init = Object::new();
    Reflect::set(&init, &"method".into(), &method.into()).unwrap();
    if let Some(b) = body {
        Reflect::set(&init, &"body".into(), &b.into()).unwrap();
    }
    if method == "POST" {
        let headers = Object::new();
        Reflect::set(&headers, &"Content-Type".into(), &"application/json".into()).unwrap();
        Reflect::set(&init, &"headers".into(), &headers).unwrap();
    }
    let fetch: js_sys::Function = get(&js_sys::global(), "fetch").dyn_into().unwrap();
    let url = format!("{SANDBOX}{path}");
    let promise: Promise = fetch
        .call2(&js_sys::global(), &url.into(), &init)
        .unwrap()
        .dyn_into()
        .unwrap();
    let response = JsFuture::from(promise)
        .await
        .unwrap_or_else(|e| panic!("the sandbox at {SANDBOX} does not answer: {e:?}"));
    let status = get(&response, "status").as_f64().unwrap_or(0.0);
    let text_fn: js_sys::Function = get(&response, "text").dyn_into().unwrap();
    let text = JsFuture::from(
        text_fn
            .call0(&response)
            .unwrap()
            .dyn_into::<Promise>()
            .unwrap(),
    )
    .await
    .unwrap();
    let text = text.as_string().unwrap_or_default();
    assert!(
        (200.0..300.0).contains(&status),
        "{method} {path}: HTTP {status}: {text}"
    );
    if text.is_empty() {
        JsValue::NULL
    } else {
        js_sys::JSON::parse(&text).unwrap()
    }
}

/// Resets the sandbox: stats, faults and clock.
pub async fn reset() {
    control("POST", "/__sandbox/reset", None).await;
}

/// Queues a fault (`/__sandbox/faults`).
pub async fn fault(json: &str) {
    control("POST", "/__sandbox/faults", Some(json)).await;
}

/// Moves the sandbox clock.
pub async fn move_clock(offset_secs: i64) {
    control(
        "POST",
        "/__sandbox/clock",
        Some(&format!("{{\"offsetSecs\":{offset_secs}}}")),
    )
    .await;
}

/// The sandbox's stats.
pub struct Stats {
    pub requests: u64,
    pub json: JsValue,
}

impl Stats {
    /// Answers seen with `status`.
    pub fn with_status(&self, status: u16) -> u64 {
        get(&get(&self.json, "byStatus"), &status.to_string())
            .as_f64()
            .unwrap_or(0.0) as u64
    }

    /// The most API requests in flight at once since the last reset.
    pub fn max_in_flight(&self) -> u64 {
        get(&self.json, "maxInFlight").as_f64().unwrap_or(0.0) as u64
    }

    /// `(atMs, status)` of the recent arrivals, oldest first.
    pub fn arrivals(&self) -> Vec<(f64, u16)> {
        let recent: js_sys::Array = get(&self.json, "recent").dyn_into().unwrap();
        recent
            .iter()
            .map(|r| {
                (
                    get(&r, "atMs").as_f64().unwrap(),
                    get(&r, "status").as_f64().unwrap() as u16,
                )
            })
            .collect()
    }

    /// `atMs` of the recent arrivals, oldest first.
    pub fn arrivals_ms(&self) -> Vec<f64> {
        let recent: js_sys::Array = get(&self.json, "recent").dyn_into().unwrap();
        recent
            .iter()
            .map(|r| get(&r, "atMs").as_f64().unwrap())
            .collect()
    }
}

/// Reads `/__sandbox/stats`.
pub async fn stats() -> Stats {
    let json = control("GET", "/__sandbox/stats", None).await;
    Stats {
        requests: get(&json, "requests").as_f64().unwrap_or(0.0) as u64,
        json,
    }
}

/// A client in token mode with the sandbox's token.
pub fn token_client() -> Client<WebPlatform> {
    client(Auth::Token(TokenSource::Fixed("sandbox-token".into())))
}

/// A client in app mode with the sandbox's app credentials.
pub fn app_client() -> Client<WebPlatform> {
    client(Auth::App {
        app_id: "sandbox-app".into(),
        app_secret: "sandbox-secret".into(),
    })
}

/// A client with `auth`.
pub fn client(auth: Auth) -> Client<WebPlatform> {
    let config = ClientConfig::new(SANDBOX, "1505084218764547200", auth).unwrap();
    Client::new(config, WebPlatform::new().unwrap()).unwrap()
}

/// A token provider that hands out its tokens in turn, counting calls.
pub struct Tokens(
    pub std::cell::RefCell<Vec<&'static str>>,
    pub Rc<std::cell::Cell<u32>>,
);

impl TokenProvider for Tokens {
    fn token(
        &self,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<String, String>>>> {
        self.1.set(self.1.get() + 1);
        let mut tokens = self.0.borrow_mut();
        let t = if tokens.len() > 1 {
            tokens.remove(0)
        } else {
            tokens[0]
        };
        Box::pin(std::future::ready(Ok(t.to_owned())))
    }
}

/// The first `n` user ids the sandbox knows, by listing.
pub async fn known_ids(n: u32) -> Vec<String> {
    let client = token_client();
    let mut pages = client.list_usage_pages(n, Default::default()).unwrap();
    let page = pages.next_page().await.unwrap().unwrap();
    page.items.into_iter().map(|i| i.user_id).collect()
}
