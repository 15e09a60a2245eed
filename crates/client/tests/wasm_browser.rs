//! Proves the client's Chromium run is a browser calling the sandbox across
//! origins (the test page and the sandbox have different ports: CORS).
#![cfg(target_arch = "wasm32")]

mod common;

use koodrive_client::koodrive_core::SpaceUsageRequest;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn a_browser_page_on_another_origin_reaches_the_sandbox() {
    let window = js_sys::Reflect::get(&js_sys::global(), &"window".into()).unwrap();
    assert!(window.is_object(), "not a browser");
    let location = js_sys::Reflect::get(&window, &"location".into()).unwrap();
    let origin = js_sys::Reflect::get(&location, &"origin".into())
        .unwrap()
        .as_string()
        .unwrap();
    assert_ne!(
        origin,
        common::SANDBOX,
        "the page must be on another origin"
    );
    common::reset().await;
    let r = common::token_client()
        .query_usage(&SpaceUsageRequest::page(3, 0), &Default::default())
        .await
        .unwrap();
    assert_eq!(r.items.len(), 3);
    assert!(r.total >= 3);
    assert_eq!(
        common::stats().await.with_status(200),
        1,
        "the sandbox saw the browser's request"
    );
}
