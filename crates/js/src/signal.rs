//! Linking a JavaScript `AbortSignal` to the client's `CancelSignal` by hand
//! (`AbortSignal.any` is missing in early Node 20). The listener is removed
//! when the call ends, so long-lived signals do not collect listeners.

use js_sys::{Function, Reflect};
use koodrive_client::CancelSignal;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// A link from an `AbortSignal`; dropping it removes the listener.
pub(crate) struct SignalLink {
    signal: JsValue,
    listener: Option<Closure<dyn FnMut()>>,
}

impl SignalLink {
    /// Links `signal` (an `AbortSignal`, or undefined) to a new
    /// [`CancelSignal`], fired at once when `signal` already fired.
    pub(crate) fn new(signal: &JsValue) -> Result<(CancelSignal, SignalLink), String> {
        let cancel = CancelSignal::new();
        if signal.is_undefined() || signal.is_null() {
            return Ok((
                cancel,
                SignalLink {
                    signal: JsValue::UNDEFINED,
                    listener: None,
                },
            ));
        }
        let add: Function = Reflect::get(signal, &"addEventListener".into())
            .ok()
            .and_then(|f| f.dyn_into().ok())
            .ok_or_else(|| "signal must be an AbortSignal".to_owned())?;
        if Reflect::get(signal, &"aborted".into())
            .ok()
            .and_then(|v| v.as_bool())
            == Some(true)
        {
            cancel.cancel();
        }
        let fired = cancel.clone();
        let listener = Closure::<dyn FnMut()>::new(move || fired.cancel());
        let _ = add.call2(signal, &"abort".into(), listener.as_ref());
        Ok((
            cancel,
            SignalLink {
                signal: signal.clone(),
                listener: Some(listener),
            },
        ))
    }
}

impl SignalLink {
    /// The signal's `reason` (undefined without a signal or before it fired).
    pub(crate) fn reason(&self) -> JsValue {
        if self.signal.is_undefined() {
            return JsValue::UNDEFINED;
        }
        Reflect::get(&self.signal, &"reason".into()).unwrap_or(JsValue::UNDEFINED)
    }
}

impl Drop for SignalLink {
    fn drop(&mut self) {
        if let Some(listener) = self.listener.take()
            && let Some(remove) = Reflect::get(&self.signal, &"removeEventListener".into())
                .ok()
                .and_then(|f| f.dyn_into::<Function>().ok())
        {
            let _ = remove.call2(&self.signal, &"abort".into(), listener.as_ref());
        }
    }
}
