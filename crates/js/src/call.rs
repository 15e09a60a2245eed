//! What one call shares between its parts: the cancellation linked to the
//! caller's `AbortSignal`, the caller's callbacks (a callback that throws
//! stops the call, which then rejects with what it threw), and the turning
//! of the client's errors into JavaScript ones with their original `cause`.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Object, Reflect};
use koodrive_client::koodrive_core::{ErrorKind, KooDriveError};
use koodrive_client::{CancelSignal, Client, OnRetry, RetryEvent, WebPlatform};
use wasm_bindgen::JsValue;

use crate::convert::{self, set};
use crate::signal::SignalLink;

/// One call in progress.
pub(crate) struct CallScope {
    /// Fired by the caller's signal, or by a callback that threw.
    pub cancel: CancelSignal,
    link: SignalLink,
    thrown: Rc<RefCell<Option<JsValue>>>,
    client: Client<WebPlatform>,
}

impl CallScope {
    /// Links `signal` (an `AbortSignal` or undefined) to a new scope.
    pub(crate) fn new(signal: &JsValue, client: &Client<WebPlatform>) -> Result<Self, String> {
        let (cancel, link) = SignalLink::new(signal)?;
        Ok(Self {
            cancel,
            link,
            thrown: Rc::default(),
            client: client.clone(),
        })
    }

    /// Calls the caller's `f(arg)`; when it throws, the call stops and
    /// rejects with the thrown value.
    pub(crate) fn callback(&self, f: &Function, arg: &JsValue) {
        guarded(&self.thrown, &self.cancel, f, arg);
    }

    /// The client's retry hook calling `f({ attempt, delayMs, error })`.
    pub(crate) fn retry_hook(&self, f: Option<Function>) -> Option<OnRetry> {
        let f = f?;
        let (thrown, cancel, client) = (
            Rc::clone(&self.thrown),
            self.cancel.clone(),
            self.client.clone(),
        );
        Some(OnRetry(Rc::new(move |event: &RetryEvent<'_>| {
            let o = Object::new();
            set(&o, "attempt", event.attempt);
            set(&o, "delayMs", event.delay_ms as f64);
            set(&o, "error", error_of(&client, event.error, None, None));
            guarded(&thrown, &cancel, &f, &o);
        })))
    }

    /// A callback threw: what it threw, which the call rejects with.
    pub(crate) fn thrown(&self) -> Option<JsValue> {
        self.thrown.borrow_mut().take()
    }

    /// The JavaScript error for `e`, which ends this call: with the caller's
    /// `signal.reason` as `cause` when it was cancelled (kind `timeout` when
    /// that reason is a `TimeoutError`, as from `AbortSignal.timeout`).
    pub(crate) fn rejection(&self, mut e: KooDriveError, partial: Option<JsValue>) -> JsValue {
        if let Some(thrown) = self.thrown() {
            return thrown;
        }
        let mut cause = None;
        if e.kind == ErrorKind::Aborted {
            let reason = self.link.reason();
            if !reason.is_undefined() {
                let name = Reflect::get(&reason, &"name".into())
                    .ok()
                    .and_then(|n| n.as_string());
                if name.as_deref() == Some("TimeoutError") {
                    e.kind = ErrorKind::Timeout;
                    e.message = format!("the call's signal timed out: {}", e.message);
                }
                cause = Some(reason);
            }
        }
        error_of(&self.client, &e, cause, partial)
    }
}

fn guarded(thrown: &RefCell<Option<JsValue>>, cancel: &CancelSignal, f: &Function, arg: &JsValue) {
    if let Err(e) = f.call1(&JsValue::UNDEFINED, arg) {
        let mut slot = thrown.borrow_mut();
        if slot.is_none() {
            *slot = Some(e);
        }
        cancel.cancel();
    }
}

/// The JavaScript error for `e` (with `partial` when given); its `cause` is
/// `cause`, or else the JavaScript value that failed its last attempt (the
/// `fetch` rejection).
pub(crate) fn error_of(
    client: &Client<WebPlatform>,
    e: &KooDriveError,
    cause: Option<JsValue>,
    partial: Option<JsValue>,
) -> JsValue {
    let cause = cause.or_else(|| match e.kind {
        ErrorKind::Network => e
            .trace_id
            .as_deref()
            .and_then(|t| client.platform().original_error(t)),
        // The access token function threw or rejected.
        ErrorKind::Auth if e.cause.is_some() => crate::token::take_failure(),
        _ => None,
    });
    convert::error_with(e, cause.as_ref(), partial.as_ref())
}
