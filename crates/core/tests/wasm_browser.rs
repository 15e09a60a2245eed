//! Proves the Chromium stage really runs in a browser: it touches `window`,
//! `document` and the user agent.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsValue;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn get(target: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

#[wasm_bindgen_test]
fn this_suite_runs_in_chromium() {
    let global = js_sys::global();
    let window = get(&global, "window");
    assert!(window.is_object(), "no window: not a browser");
    let document = get(&window, "document");
    assert!(get(&document, "body").is_object(), "no document.body");
    let agent = get(&get(&window, "navigator"), "userAgent")
        .as_string()
        .unwrap_or_default();
    assert!(
        agent.contains("Chrome"),
        "user agent {agent:?} is not Chromium's"
    );
}
