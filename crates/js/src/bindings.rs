//! `WasmClient` and `WasmPages`: the classes the package's JavaScript wraps.
//! Every method returns a promise; failures reject with a `KooDriveError`
//! made by the factory the JavaScript layer sets (`convert::error_with`), or
//! with what a caller's callback threw.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Object, Promise};
use koodrive_client::koodrive_core::{KooDriveError, Thresholds, ValidationError};
use koodrive_client::{Client, ListProgress, Paging, UsagePages, WebPlatform};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::call::{CallScope, error_of};
use crate::convert::{self, set};
use crate::options::{self, Call, call_options, client_options};

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
    /// The client's `onRetry` (a call's own replaces it).
    on_retry: Option<Function>,
}

impl WasmClient {
    /// The scope of one call, and its options with the scope's signal and
    /// retry hook.
    fn scope(&self, call: Call) -> Result<(CallScope, koodrive_client::CallOptions), JsValue> {
        let scope = CallScope::new(&call.signal, &self.client).map_err(bad_signal)?;
        let mut options = call.options;
        options.signal = Some(scope.cancel.clone());
        options.on_retry = scope.retry_hook(call.on_retry.or_else(|| self.on_retry.clone()));
        Ok((scope, options))
    }
}

#[wasm_bindgen]
impl WasmClient {
    /// Checks `options` (unknown names, missing or conflicting credentials,
    /// ranges) and makes the client; throws a `validation` error object.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<WasmClient, JsValue> {
        let (config, fetch, on_retry) = client_options(&options).map_err(validation)?;
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
        Ok(WasmClient { client, on_retry })
    }

    /// One request: `{ userIds?, limit?, offset? }` → `{ items, total, traceId }`.
    #[wasm_bindgen(js_name = queryUsage)]
    pub fn query_usage(&self, request: JsValue, options: JsValue) -> Promise {
        let client = self.client.clone();
        let prepared = options::request(&request)
            .map_err(validation)
            .and_then(|request| {
                let call = call_options(&options, &[]).map_err(validation)?;
                Ok((request, self.scope(call)?))
            });
        future_to_promise(async move {
            let (request, (scope, opts)) = prepared?;
            let result = client
                .query_usage(&request, &opts)
                .await
                .map_err(|e| scope.rejection(e, None))?;
            let thresholds = client.config().thresholds;
            let o = Object::new();
            set(&o, "items", convert::records(&result.items, &thresholds));
            set(&o, "total", result.total as f64);
            set(&o, "traceId", result.trace_id.as_str());
            Ok(o.into())
        })
    }

    /// Any number of ids → `{ items, missing, failed }`. When the query
    /// stops early (cancelled, or the credentials were refused) the
    /// rejection's error carries `partial` (with `pending`); when
    /// `onProgress` throws, it rejects with what was thrown.
    #[wasm_bindgen(js_name = queryUsageAll)]
    pub fn query_usage_all(&self, ids: JsValue, options: JsValue) -> Promise {
        let client = self.client.clone();
        let prepared = options::id_list(&ids, "ids")
            .map_err(validation)
            .and_then(|ids| {
                let call = call_options(&options, &["onProgress"]).map_err(validation)?;
                let on_progress = call.on_progress.clone();
                Ok((ids, on_progress, self.scope(call)?))
            });
        future_to_promise(async move {
            let (ids, on_progress, (scope, opts)) = prepared?;
            let mut report_progress = |p: koodrive_client::Progress| {
                if let Some(f) = &on_progress {
                    let o = Object::new();
                    set(&o, "done", p.done as f64);
                    set(&o, "total", p.total as f64);
                    scope.callback(f, &o);
                }
            };
            let thresholds = client.config().thresholds;
            let chunk_error = |e: &KooDriveError| error_of(&client, e, None, None);
            let outcome = client
                .query_usage_all(&ids, &opts, &mut report_progress)
                .await;
            match outcome {
                Ok(report) => match scope.thrown() {
                    Some(thrown) => Err(thrown),
                    None => Ok(convert::report(&report, &thresholds, false, &chunk_error)),
                },
                Err(e) => {
                    let partial = convert::report(&e.partial, &thresholds, true, &chunk_error);
                    Err(scope.rejection(e.error, Some(partial)))
                }
            }
        })
    }

    /// Starts a listing of every user: options `{ pageSize, concurrency,
    /// signal, timeoutMs, maxRetries, traceId, onRetry }`. Pages come back in
    /// offset order.
    #[wasm_bindgen(js_name = listPages)]
    pub fn list_pages(&self, options: JsValue) -> Result<WasmPages, JsValue> {
        let call = call_options(&options, &["pageSize", "concurrency"]).map_err(validation)?;
        let paging = paging(call.page_size, call.concurrency);
        let (scope, opts) = self.scope(call)?;
        let pages = self
            .client
            .list_pages(paging, opts)
            .map_err(|e| convert::error(&e))?;
        Ok(WasmPages {
            state: Rc::new(RefCell::new(Some(pages))),
            thresholds: self.client.config().thresholds,
            scope: Rc::new(scope),
        })
    }

    /// Every user into one report `{ items, total, warnings, failedPages }`:
    /// options `{ pageSize, concurrency, onProgress, signal, timeoutMs,
    /// maxRetries, traceId, onRetry }`. When the listing stops early
    /// (cancelled, or the credentials were refused) the rejection's error
    /// carries `partialList` (with `pendingOffsets`); when `onProgress`
    /// throws, it rejects with what was thrown.
    #[wasm_bindgen(js_name = listAll)]
    pub fn list_all(&self, options: JsValue) -> Promise {
        let client = self.client.clone();
        let prepared = call_options(&options, &["pageSize", "concurrency", "onProgress"])
            .map_err(validation)
            .and_then(|call| {
                let paging = paging(call.page_size, call.concurrency);
                let on_progress = call.on_progress.clone();
                Ok((paging, on_progress, self.scope(call)?))
            });
        future_to_promise(async move {
            let (paging, on_progress, (scope, opts)) = prepared?;
            let mut report_progress = |p: ListProgress| {
                if let Some(f) = &on_progress {
                    let o = Object::new();
                    set(&o, "done", p.done as f64);
                    set(&o, "total", p.total.unwrap_or(0) as f64);
                    set(&o, "pagesDone", p.pages_done as f64);
                    set(&o, "pages", p.pages as f64);
                    scope.callback(f, &o);
                }
            };
            let thresholds = client.config().thresholds;
            let page_error = |e: &KooDriveError| error_of(&client, e, None, None);
            let outcome = client
                .list_usage_all(paging, opts, &mut report_progress)
                .await;
            match outcome {
                Ok(report) => match scope.thrown() {
                    Some(thrown) => Err(thrown),
                    None => Ok(convert::list_report(
                        &report,
                        &thresholds,
                        false,
                        &page_error,
                    )),
                },
                Err(e) => {
                    let partial = convert::list_report(&e.partial, &thresholds, true, &page_error);
                    let error = scope.rejection(e.error, None);
                    if error.is_object() {
                        let _ = js_sys::Reflect::set(&error, &"partialList".into(), &partial);
                    }
                    Err(error)
                }
            }
        })
    }
}

/// The paging of a listing: pages of 100 unless told, at the client's
/// concurrency unless told.
fn paging(page_size: Option<u32>, concurrency: Option<usize>) -> Paging {
    Paging {
        page_size: page_size.unwrap_or(100),
        concurrency,
        resume: None,
    }
}

/// A listing in progress.
#[wasm_bindgen]
pub struct WasmPages {
    state: Rc<RefCell<Option<UsagePages<WebPlatform>>>>,
    thresholds: Thresholds,
    scope: Rc<CallScope>,
}

#[wasm_bindgen]
impl WasmPages {
    /// The next page `{ items, total, offset, traceId, warnings }`, or
    /// `undefined` when the listing is complete.
    pub fn next(&self) -> Promise {
        let state = Rc::clone(&self.state);
        let scope = Rc::clone(&self.scope);
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
            match next {
                None => Ok(JsValue::UNDEFINED),
                Some(Err(e)) => Err(scope.rejection(e, None)),
                Some(Ok(page)) => {
                    let o = Object::new();
                    set(&o, "items", convert::records(&page.items, &thresholds));
                    set(&o, "total", page.total as f64);
                    set(&o, "offset", page.offset as f64);
                    set(&o, "traceId", page.trace_id.as_str());
                    set(&o, "warnings", convert::warnings(&page.problems));
                    Ok(o.into())
                }
            }
        })
    }
}
