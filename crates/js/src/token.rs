//! A JavaScript function as the client's token provider: `() => string |
//! Promise<string>`, asked once and again after a refusal.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;

use js_sys::{Function, Promise};
use koodrive_client::TokenProvider;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

thread_local! {
    /// What the last failing provider threw or rejected with.
    static LAST_FAILURE: RefCell<Option<JsValue>> = const { RefCell::new(None) };
}

/// What the last failing token provider threw or rejected with, once.
pub(crate) fn take_failure() -> Option<JsValue> {
    LAST_FAILURE.with(|f| f.borrow_mut().take())
}

fn failed(e: JsValue) -> String {
    let described = describe(&e);
    LAST_FAILURE.with(|f| *f.borrow_mut() = Some(e));
    described
}

/// Calls a JavaScript function for the token.
pub(crate) struct JsTokenProvider(pub Function);

impl TokenProvider for JsTokenProvider {
    fn token(&self) -> Pin<Box<dyn Future<Output = Result<String, String>>>> {
        let called = self.0.call0(&JsValue::UNDEFINED);
        Box::pin(async move {
            let value = called.map_err(failed)?;
            let value = JsFuture::from(Promise::resolve(&value))
                .await
                .map_err(failed)?;
            value
                .as_string()
                .ok_or_else(|| "accessToken() did not give a string".to_owned())
        })
    }
}

fn describe(e: &JsValue) -> String {
    js_sys::Reflect::get(e, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "accessToken() failed".to_owned())
}
