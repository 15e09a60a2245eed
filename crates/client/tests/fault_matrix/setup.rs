//! What the rows are made of: clients with an injected `fetch` (a 9 MiB
//! answer; the sandbox taken down mid-batch), the 1,000 ids of the bulk
//! rows, and the check that a bulk report lost none of them.

use std::collections::HashMap;

use js_sys::Function;
use koodrive_client::koodrive_core::BatchReport;
use koodrive_client::{Client, ClientConfig, WebPlatform};
use wasm_bindgen::JsValue;

use crate::common::{SANDBOX, token_client};

/// A token-mode client whose `fetch` is the given JavaScript function.
pub fn client_with_fetch(fetch: JsValue) -> Client<WebPlatform> {
    let auth =
        koodrive_client::Auth::Token(koodrive_client::TokenSource::Fixed("sandbox-token".into()));
    let config = ClientConfig::new(SANDBOX, "1505084218764547200", auth).unwrap();
    Client::new(config, WebPlatform::with_fetch(fetch).unwrap()).unwrap()
}

/// A `fetch` that answers 9 MiB of spaces, announced or streamed.
pub fn nine_mib_fetch(announced: bool) -> JsValue {
    let body = if announced {
        "const big = 9 * 1024 * 1024;
         return Promise.resolve(new Response(new Uint8Array(big).fill(32),
           { headers: { 'Content-Length': String(big) } }));"
    } else {
        "let sent = 0; const big = 9 * 1024 * 1024;
         const stream = new ReadableStream({ pull(c) {
           if (sent >= big) { c.close(); return; }
           c.enqueue(new Uint8Array(1024 * 1024).fill(32)); sent += 1024 * 1024; } });
         return Promise.resolve(new Response(stream));"
    };
    Function::new_with_args("url, init", body).into()
}

/// A `fetch` whose 6th request first takes the sandbox down for 3 s.
pub fn down_midway_fetch() -> JsValue {
    let make = Function::new_with_args(
        "sandbox",
        "let calls = 0;
         return async function (url, init) {
           calls += 1;
           if (calls === 6) {
             await fetch(sandbox + '/__sandbox/faults', { method: 'POST',
               headers: { 'Content-Type': 'application/json' },
               body: JSON.stringify({ kind: 'down', durationMs: 3000 }) });
           }
           return fetch(url, init);
         };",
    );
    make.call1(&JsValue::NULL, &SANDBOX.into()).unwrap()
}

/// 700 known ids and 300 unknown ones, interleaved.
pub async fn thousand_ids() -> Vec<String> {
    let client = token_client();
    let mut pages = client.list_usage_pages(100, Default::default()).unwrap();
    let mut known = Vec::new();
    while known.len() < 700 {
        let page = pages.next_page().await.unwrap().expect("enough users");
        known.extend(page.items.into_iter().map(|i| i.user_id));
    }
    let mut known = known.into_iter();
    (0..1000)
        .map(|i| {
            if i % 10 < 3 {
                format!("6{i:018}")
            } else {
                known.next().unwrap()
            }
        })
        .collect()
}

/// Every id in exactly one of items / missing / failed; the counts in words.
pub fn account_for(ids: &[String], report: &BatchReport) -> String {
    let mut place: HashMap<&str, &str> = HashMap::new();
    let failed: Vec<&String> = report.failed.iter().flat_map(|c| &c.user_ids).collect();
    let lists: [(&str, Vec<&String>); 3] = [
        ("items", report.items.iter().map(|i| &i.user_id).collect()),
        ("missing", report.missing.iter().collect()),
        ("failed", failed.clone()),
    ];
    for (list, members) in &lists {
        for id in members {
            let earlier = place.insert(id.as_str(), list);
            assert!(earlier.is_none(), "{id} is in {earlier:?} and in {list}");
        }
    }
    for id in ids {
        assert!(place.contains_key(id.as_str()), "{id} is lost");
    }
    assert!(report.pending.is_empty());
    format!(
        "{} items + {} missing + {} failed = {}",
        report.items.len(),
        report.missing.len(),
        failed.len(),
        place.len()
    )
}
