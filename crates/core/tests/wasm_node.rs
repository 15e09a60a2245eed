//! Proves the Node stage really runs in Node.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn this_suite_runs_in_node() {
    let global = js_sys::global();
    let process = js_sys::Reflect::get(&global, &JsValue::from_str("process")).unwrap();
    let versions = js_sys::Reflect::get(&process, &JsValue::from_str("versions")).unwrap();
    let node = js_sys::Reflect::get(&versions, &JsValue::from_str("node")).unwrap();
    assert!(
        node.as_string().is_some_and(|v| !v.is_empty()),
        "no process.versions.node"
    );
    let window = js_sys::Reflect::get(&global, &JsValue::from_str("window")).unwrap();
    assert!(window.is_undefined(), "a window exists: this is not Node");
}
