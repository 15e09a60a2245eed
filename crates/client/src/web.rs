//! The platform in JavaScript, for browsers and Node ≥ 20: `fetch` (the
//! global one, or one given, always called with `this` bound to
//! `globalThis`), `Date.now`, `setTimeout`/`clearTimeout` and
//! `crypto.getRandomValues`. gloo-net is not used: it needs `window` or a
//! worker scope, and Node has neither.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use js_sys::{Function, Object, Promise, Reflect, Uint8Array};
use koodrive_core::{AnswerEnvelope, BodyProblem, MAX_ANSWER_BYTES, PlannedRequest};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::platform::{HttpAnswer, Platform, TransportError};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);

    type AbortController;
    #[wasm_bindgen(constructor, catch)]
    fn new() -> Result<AbortController, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn signal(this: &AbortController) -> JsValue;
    #[wasm_bindgen(method)]
    fn abort(this: &AbortController, reason: &JsValue);
}

fn get(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Calls `target[name](...args)`; a missing method or a throw is an `Err`.
fn call(target: &JsValue, name: &str, args: &[&JsValue]) -> Result<JsValue, JsValue> {
    let f: Function = get(target, name)
        .dyn_into()
        .map_err(|_| JsValue::from_str(&format!("{name} is not a function")))?;
    match args {
        [] => f.call0(target),
        [a] => f.call1(target, a),
        [a, b] => f.call2(target, a, b),
        _ => Err(JsValue::from_str("too many arguments")),
    }
}

/// A JavaScript error in words: its message, and its cause's code and
/// message when it has one (Node's `fetch failed` hides the reason there).
pub(crate) fn describe_js_error(e: &JsValue) -> String {
    let message = get(e, "message")
        .as_string()
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".into());
    let cause = get(e, "cause");
    if cause.is_object() {
        let code = get(&cause, "code").as_string();
        let detail = get(&cause, "message").as_string();
        match (code, detail) {
            (Some(c), Some(d)) => format!("{message} ({c}: {d})"),
            (Some(c), None) => format!("{message} ({c})"),
            (None, Some(d)) => format!("{message} ({d})"),
            (None, None) => message,
        }
    } else {
        message
    }
}

/// How many attempts' JavaScript errors [`WebPlatform::original_error`] keeps.
const KEPT_ERRORS: usize = 32;

/// The JavaScript platform.
pub struct WebPlatform {
    fetch: Function,
    random: RefCell<Vec<u32>>,
    /// The JavaScript values that failed the last attempts (a `fetch`
    /// rejection, a stream error), by the attempt's trace id.
    failures: Rc<RefCell<Vec<(String, JsValue)>>>,
}

impl WebPlatform {
    /// Uses `globalThis.fetch`.
    pub fn new() -> Result<Self, String> {
        let fetch = get(&js_sys::global(), "fetch");
        Self::with_fetch(fetch).map_err(|_| {
            "this JavaScript environment has no global fetch: use Node 20 or later, or pass the fetch option".to_owned()
        })
    }

    /// Uses the given `fetch` function (called with `this` = `globalThis`).
    pub fn with_fetch(fetch: JsValue) -> Result<Self, String> {
        let fetch: Function = fetch
            .dyn_into()
            .map_err(|_| "fetch is not a function".to_owned())?;
        Ok(Self {
            fetch,
            random: RefCell::new(Vec::new()),
            failures: Rc::default(),
        })
    }

    /// The JavaScript value that failed the attempt with `trace_id` when it
    /// got no answer (the `TypeError` of `fetch`, with its `cause`), so a
    /// binding can hand the original to its caller. The last few are kept.
    pub fn original_error(&self, trace_id: &str) -> Option<JsValue> {
        self.failures
            .borrow()
            .iter()
            .rev()
            .find(|(t, _)| t == trace_id)
            .map(|(_, e)| e.clone())
    }

    fn refill_random(&self) -> Vec<u32> {
        let buffer = js_sys::Uint32Array::new_with_length(64);
        let crypto = get(&js_sys::global(), "crypto");
        if call(&crypto, "getRandomValues", &[&buffer]).is_ok() {
            buffer.to_vec()
        } else {
            // No Web Crypto: Math.random is enough for trace ids and jitter.
            (0..64)
                .map(|_| (js_sys::Math::random() * 4_294_967_296.0) as u32)
                .collect()
        }
    }
}

/// A `setTimeout` whose timer is cleared when the future is dropped, so no
/// timer outlives the call (nothing keeps Node running afterwards).
struct Timer {
    id: JsValue,
    done: JsFuture,
}

impl Timer {
    fn new(ms: u64) -> Self {
        let mut id = JsValue::UNDEFINED;
        let promise = Promise::new(&mut |resolve, _| {
            id = set_timeout(&resolve, ms as f64);
        });
        Self {
            id,
            done: JsFuture::from(promise),
        }
    }
}

impl Future for Timer {
    type Output = ();
    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        std::pin::Pin::new(&mut self.done).poll(cx).map(|_| ())
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        clear_timeout(&self.id);
    }
}

/// Aborts the request when dropped before the answer was read.
struct AbortOnDrop(Option<AbortController>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(c) = self.0.take() {
            c.abort(&JsValue::from_str(
                "the attempt was stopped (timeout or cancellation)",
            ));
        }
    }
}

impl Platform for WebPlatform {
    fn now_ms(&self) -> i64 {
        js_sys::Date::now() as i64
    }

    fn random_u32(&self) -> u32 {
        let mut pool = self.random.borrow_mut();
        if pool.is_empty() {
            *pool = self.refill_random();
        }
        pool.pop().unwrap_or_default()
    }

    fn sleep(&self, ms: u64) -> impl Future<Output = ()> {
        Timer::new(ms)
    }

    fn send(
        &self,
        request: &PlannedRequest,
    ) -> impl Future<Output = Result<HttpAnswer, TransportError>> {
        let started = start_fetch(&self.fetch, request);
        let failures = Rc::clone(&self.failures);
        let trace_id = request.trace_id.clone();
        async move {
            let outcome = async {
                let (promise, mut guard) = started?;
                let response = JsFuture::from(promise).await.map_err(|e| JsFailure {
                    cause: describe_js_error(&e),
                    original: e,
                })?;
                let answer = read_answer(&response).await;
                guard.0 = None;
                answer
            }
            .await;
            outcome.map_err(|failure| {
                let mut kept = failures.borrow_mut();
                if kept.len() == KEPT_ERRORS {
                    kept.remove(0);
                }
                kept.push((trace_id, failure.original));
                TransportError {
                    cause: failure.cause,
                }
            })
        }
    }
}

/// A transport failure with the JavaScript value behind it.
struct JsFailure {
    cause: String,
    original: JsValue,
}

impl JsFailure {
    fn from_js(e: JsValue) -> Self {
        Self {
            cause: describe_js_error(&e),
            original: e,
        }
    }
}

fn start_fetch(
    fetch: &Function,
    request: &PlannedRequest,
) -> Result<(Promise, AbortOnDrop), JsFailure> {
    let fail = JsFailure::from_js;
    let headers = Object::new();
    for (name, value) in &request.headers {
        Reflect::set(
            &headers,
            &JsValue::from_str(name),
            &JsValue::from_str(value),
        )
        .map_err(fail)?;
    }
    let init = Object::new();
    let controller = AbortController::new().ok();
    let set = |k: &str, v: &JsValue| Reflect::set(&init, &JsValue::from_str(k), v).map(|_| ());
    set("method", &JsValue::from_str("POST")).map_err(fail)?;
    set("headers", &headers).map_err(fail)?;
    set("body", &JsValue::from_str(&request.body)).map_err(fail)?;
    set("credentials", &JsValue::from_str("omit")).map_err(fail)?;
    set("cache", &JsValue::from_str("no-store")).map_err(fail)?;
    if let Some(c) = &controller {
        set("signal", &c.signal()).map_err(fail)?;
    }
    let returned = fetch
        .call2(&js_sys::global(), &JsValue::from_str(&request.url), &init)
        .map_err(fail)?;
    Ok((Promise::resolve(&returned), AbortOnDrop(controller)))
}

async fn read_answer(response: &JsValue) -> Result<HttpAnswer, JsFailure> {
    let status = get(response, "status").as_f64().unwrap_or(0.0) as u16;
    let headers = get(response, "headers");
    let header = |name: &str| {
        call(&headers, "get", &[&JsValue::from_str(name)])
            .ok()
            .and_then(|v| v.as_string())
    };
    let date = header("date");
    let retry_after = header("retry-after");
    let declared = header("content-length").and_then(|v| v.trim().parse::<u64>().ok());
    let body = if declared.is_some_and(|n| n > MAX_ANSWER_BYTES as u64) {
        let _ = call(&get(response, "body"), "cancel", &[]);
        Err(BodyProblem::TooLarge)
    } else {
        match read_body(response).await? {
            Some(bytes) => Ok(parse_envelope(&bytes)),
            None => Err(BodyProblem::TooLarge),
        }
        .and_then(|r| r)
    };
    Ok(HttpAnswer {
        status,
        date,
        retry_after,
        body,
        raw: None,
    })
}

/// Reads the body, counting: `None` once it passes 8 MiB (reading stops).
async fn read_body(response: &JsValue) -> Result<Option<Vec<u8>>, JsFailure> {
    let fail = |e: JsValue| JsFailure {
        cause: format!(
            "the answer broke off while being read: {}",
            describe_js_error(&e)
        ),
        original: e,
    };
    let stream = get(response, "body");
    let reader = if stream.is_object() {
        call(&stream, "getReader", &[]).ok()
    } else {
        None
    };
    let Some(reader) = reader else {
        // No stream (an injected fetch may give a plain object): read as text.
        let text = JsFuture::from(Promise::resolve(
            &call(response, "text", &[]).map_err(fail)?,
        ))
        .await
        .map_err(fail)?;
        let text = text.as_string().unwrap_or_default();
        return Ok((text.len() <= MAX_ANSWER_BYTES).then(|| text.into_bytes()));
    };
    let mut bytes = Vec::new();
    loop {
        let chunk = JsFuture::from(Promise::resolve(&call(&reader, "read", &[]).map_err(fail)?))
            .await
            .map_err(fail)?;
        if get(&chunk, "done").as_bool().unwrap_or(true) {
            return Ok(Some(bytes));
        }
        let value: Uint8Array = get(&chunk, "value").unchecked_into();
        if bytes.len() + value.length() as usize > MAX_ANSWER_BYTES {
            let _ = call(&reader, "cancel", &[]);
            return Ok(None);
        }
        let start = bytes.len();
        bytes.resize(start + value.length() as usize, 0);
        value.copy_to(&mut bytes[start..]);
    }
}

/// Reads the answer with core's JSON reader (`koodrive_core::json`), as
/// every target does: straight from the bytes, no JSON library in the wasm,
/// no round trip through JavaScript objects; fractional numbers by the
/// host's `parseFloat`, which keeps Rust's float parser out of the wasm.
fn parse_envelope(bytes: &[u8]) -> Result<AnswerEnvelope, BodyProblem> {
    koodrive_core::decode_envelope_with(bytes, js_sys::parse_float)
}
