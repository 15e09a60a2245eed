//! `WasmClient` and `WasmPages`: the classes the package's JavaScript wraps.
//! Every method returns a promise; failures reject with a plain error object
//! (see `convert::error`) that the JavaScript layer turns into a
//! `KooDriveError`.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Object, Promise};
use koodrive_client::koodrive_core::{KooDriveError, Thresholds, ValidationError};
use koodrive_client::{Client, UsagePages, WebPlatform};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::convert::{self, set};
use crate::options::{self, call_options, client_options};
use crate::signal::SignalLink;

fn validation(e: ValidationError) -> JsValue {
    convert::error(&KooDriveError::validation(e))
}

fn bad_signal(reason: String) -> JsValue {
    validation(ValidationError::InvalidOption {
        name: "signal".into(),
        reason,
    })
}

/// A client of the endpoint, made from checked options.
#[wasm_bindgen]
pub struct WasmClient {
    client: Client<WebPlatform>,
}

#[wasm_bindgen]
impl WasmClient {
    /// Checks `options` (unknown names, missing or conflicting credentials,
    /// ranges) and makes the client; throws a `validation` error object.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<WasmClient, JsValue> {
        let (config, fetch) = client_options(&options).map_err(validation)?;
        let platform = if fetch.is_undefined() {
            WebPlatform::new()
        } else {
            WebPlatform::with_fetch(fetch)
        }
        .map_err(|reason| {
            validation(ValidationError::InvalidOption {
                name: "fetch".into(),
                reason,
            })
        })?;
        let client = Client::new(config, platform).map_err(|e| convert::error(&e))?;
        Ok(WasmClient { client })
    }

    /// One request: `{ userIds?, limit?, offset? }` → `{ items, total, traceId }`.
    #[wasm_bindgen(js_name = queryUsage)]
    pub fn query_usage(&self, request: JsValue, options: JsValue) -> Promise {
        let client = self.client.clone();
        future_to_promise(async move {
            let request = options::request(&request).map_err(validation)?;
            let call = call_options(&options, &[]).map_err(validation)?;
            let (cancel, _link) = SignalLink::new(&call.signal).map_err(bad_signal)?;
            let mut opts = call.options;
            opts.signal = Some(cancel);
            let result = client
                .query_usage(&request, &opts)
                .await
                .map_err(|e| convert::error(&e))?;
            let thresholds = client.config().thresholds;
            let o = Object::new();
            set(&o, "items", convert::records(&result.items, &thresholds));
            set(&o, "total", result.total as f64);
            set(&o, "traceId", result.trace_id.as_str());
            Ok(o.into())
        })
    }

    /// Any number of ids → `{ items, missing, failed }`; on cancellation the
    /// rejection's error object carries `partial` (with `pending`).
    #[wasm_bindgen(js_name = queryUsageAll)]
    pub fn query_usage_all(&self, ids: JsValue, options: JsValue) -> Promise {
        let client = self.client.clone();
        future_to_promise(async move {
            let ids = options::id_list(&ids, "ids").map_err(validation)?;
            let call = call_options(&options, &["onProgress"]).map_err(validation)?;
            let (cancel, _link) = SignalLink::new(&call.signal).map_err(bad_signal)?;
            let mut opts = call.options;
            opts.signal = Some(cancel);
            let on_progress = call.on_progress;
            let mut report_progress = |p: koodrive_client::Progress| {
                if let Some(f) = &on_progress {
                    let o = Object::new();
                    set(&o, "done", p.done as f64);
                    set(&o, "total", p.total as f64);
                    // A throwing callback must not break the query.
                    let _ = f.call1(&JsValue::UNDEFINED, &o);
                }
            };
            let thresholds = client.config().thresholds;
            match client
                .query_usage_all(&ids, &opts, &mut report_progress)
                .await
            {
                Ok(report) => Ok(convert::report(&report, &thresholds, false)),
                Err(e) => {
                    let error = convert::error(&e.error);
                    let _ = js_sys::Reflect::set(
                        &error,
                        &"partial".into(),
                        &convert::report(&e.partial, &thresholds, true),
                    );
                    Err(error)
                }
            }
        })
    }

    /// Starts a listing of every user: options `{ pageSize, signal,
    /// timeoutMs, maxRetries, traceId }`.
    #[wasm_bindgen(js_name = listPages)]
    pub fn list_pages(&self, options: JsValue) -> Result<WasmPages, JsValue> {
        let call = call_options(&options, &["pageSize"]).map_err(validation)?;
        let (cancel, link) = SignalLink::new(&call.signal).map_err(bad_signal)?;
        let mut opts = call.options;
        opts.signal = Some(cancel);
        let pages = self
            .client
            .list_usage_pages(call.page_size.unwrap_or(100), opts)
            .map_err(|e| convert::error(&e))?;
        Ok(WasmPages {
            state: Rc::new(RefCell::new(Some(pages))),
            thresholds: self.client.config().thresholds,
            _link: Rc::new(link),
        })
    }
}

/// A listing in progress.
#[wasm_bindgen]
pub struct WasmPages {
    state: Rc<RefCell<Option<UsagePages<WebPlatform>>>>,
    thresholds: Thresholds,
    _link: Rc<SignalLink>,
}

#[wasm_bindgen]
impl WasmPages {
    /// The next page `{ items, total, offset, traceId, warnings }`, or
    /// `undefined` when the listing is complete.
    pub fn next(&self) -> Promise {
        let state = Rc::clone(&self.state);
        let link = Rc::clone(&self._link);
        let thresholds = self.thresholds;
        future_to_promise(async move {
            let taken = state.borrow_mut().take();
            let Some(mut pages) = taken else {
                return Err(validation(ValidationError::InvalidOption {
                    name: "next()".into(),
                    reason: "is already running: wait for the previous page".into(),
                }));
            };
            let next = pages.next_page().await;
            *state.borrow_mut() = Some(pages);
            drop(link);
            match next {
                None => Ok(JsValue::UNDEFINED),
                Some(Err(e)) => Err(convert::error(&e)),
                Some(Ok(page)) => {
                    let o = Object::new();
                    set(&o, "items", convert::records(&page.items, &thresholds));
                    set(&o, "total", page.total as f64);
                    set(&o, "offset", page.offset as f64);
                    set(&o, "traceId", page.trace_id.as_str());
                    let warnings: js_sys::Array = page
                        .problems
                        .iter()
                        .map(|p| JsValue::from_str(&p.to_string()))
                        .collect();
                    set(&o, "warnings", warnings);
                    Ok(o.into())
                }
            }
        })
    }
}
