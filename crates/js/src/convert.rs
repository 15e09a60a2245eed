//! Rust values to plain JavaScript objects: records (with `usedRatio` and
//! `state`), results, reports and errors. Built with `Reflect` directly, so
//! no serializer ships in the wasm.

use js_sys::{Array, Object, Reflect};
use koodrive_client::koodrive_core::{
    ApiCode, BatchReport, KooDriveError, Thresholds, UserSpaceQuota,
};
use wasm_bindgen::JsValue;

/// Sets `key` on `target` (plain objects: cannot fail).
pub(crate) fn set(target: &Object, key: &str, value: impl Into<JsValue>) {
    let _ = Reflect::set(target, &JsValue::from_str(key), &value.into());
}

fn opt_f64(v: Option<f64>) -> JsValue {
    v.map_or(JsValue::NULL, JsValue::from_f64)
}

/// A record as JavaScript sees it: the wire's names, absent times absent,
/// plus `usedRatio` (number or null) and `state`.
pub(crate) fn record(item: &UserSpaceQuota, thresholds: &Thresholds) -> JsValue {
    let o = Object::new();
    set(&o, "userId", item.user_id.as_str());
    set(&o, "quota", item.quota.as_str());
    set(&o, "used", opt_f64(item.used));
    for (key, value) in [
        ("createTime", &item.create_time),
        ("effectiveTime", &item.effective_time),
        ("expirationTime", &item.expiration_time),
    ] {
        if let Some(v) = value {
            set(&o, key, v.as_str());
        }
    }
    set(&o, "usedRatio", opt_f64(item.used_ratio()));
    set(&o, "state", item.state(thresholds).as_str());
    o.into()
}

/// An array of records.
pub(crate) fn records(items: &[UserSpaceQuota], thresholds: &Thresholds) -> Array {
    items.iter().map(|i| record(i, thresholds)).collect()
}

/// An array of strings.
pub(crate) fn strings(values: &[String]) -> Array {
    values.iter().map(|s| JsValue::from_str(s)).collect()
}

/// A bulk query's report: `{ items, missing, failed: [{ userIds, error }] }`
/// (and `pending` when it is a partial report).
pub(crate) fn report(r: &BatchReport, thresholds: &Thresholds, with_pending: bool) -> JsValue {
    let o = Object::new();
    set(&o, "items", records(&r.items, thresholds));
    set(&o, "missing", strings(&r.missing));
    let failed: Array = r
        .failed
        .iter()
        .map(|f| {
            let chunk = Object::new();
            set(&chunk, "userIds", strings(&f.user_ids));
            set(&chunk, "error", error(&f.error));
            JsValue::from(chunk)
        })
        .collect();
    set(&o, "failed", failed);
    if with_pending {
        set(&o, "pending", strings(&r.pending));
    }
    o.into()
}

/// An error as a plain object; the package's JavaScript turns it into a
/// `KooDriveError`. `__koodrive` marks it as ours.
pub(crate) fn error(e: &KooDriveError) -> JsValue {
    let o = Object::new();
    set(&o, "__koodrive", true);
    set(&o, "kind", e.kind.as_str());
    set(&o, "message", e.message.as_str());
    set(&o, "status", e.status.map_or(JsValue::NULL, JsValue::from));
    set(
        &o,
        "code",
        match &e.code {
            Some(ApiCode::Number(n)) => JsValue::from_f64(*n as f64),
            Some(ApiCode::Text(t)) => JsValue::from_str(t),
            None => JsValue::NULL,
        },
    );
    set(
        &o,
        "msg",
        e.msg.as_deref().map_or(JsValue::NULL, JsValue::from_str),
    );
    set(
        &o,
        "traceId",
        e.trace_id
            .as_deref()
            .map_or(JsValue::NULL, JsValue::from_str),
    );
    set(&o, "retryable", e.retryable);
    set(&o, "attempts", e.attempts);
    set(
        &o,
        "retryAfterMs",
        e.retry_after_ms
            .map_or(JsValue::NULL, |ms| JsValue::from_f64(ms as f64)),
    );
    if let Some(v) = &e.validation {
        set(&o, "rule", v.rule());
    }
    if let Some(c) = &e.cause {
        set(&o, "cause", c.as_str());
    }
    o.into()
}
