//! Rust values to plain JavaScript objects: records (with `usedRatio` and
//! `state`), results, reports and errors. Built with `Reflect` directly, so
//! no serializer ships in the wasm. Records, the bulk of every answer, are
//! built with property names made once ([`RecordKeys`]) and plain property
//! stores (`o[k] = v`), so that a record costs one JavaScript string per
//! wire string and nothing more.

use std::cell::RefCell;

use js_sys::{Array, Function, Object, Reflect};
use koodrive_client::ListReport;
use koodrive_client::koodrive_core::{
    ApiCode, BatchReport, KooDriveError, PageProblem, Thresholds, UsageState, UserSpaceQuota,
};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// A plain object built here: its properties are stored with `o[k] = v`
    /// (no `Reflect.set` wrapped in a try/catch for each).
    #[wasm_bindgen(extends = Object, js_name = Object)]
    type Plain;

    #[wasm_bindgen(method, structural, indexing_setter)]
    fn put(this: &Plain, key: &JsValue, value: &JsValue);
}

/// The property names of a record, and the five states, as JavaScript
/// strings made once.
struct RecordKeys {
    user_id: JsValue,
    quota: JsValue,
    used: JsValue,
    times: [JsValue; 3],
    used_ratio: JsValue,
    state: JsValue,
    states: [JsValue; 5],
}

impl RecordKeys {
    fn new() -> Self {
        Self {
            user_id: "userId".into(),
            quota: "quota".into(),
            used: "used".into(),
            times: [
                "createTime".into(),
                "effectiveTime".into(),
                "expirationTime".into(),
            ],
            used_ratio: "usedRatio".into(),
            state: "state".into(),
            states: UsageState::ALL.map(|s| JsValue::from_str(s.as_str())),
        }
    }

    fn state(&self, state: UsageState) -> &JsValue {
        let index = UsageState::ALL
            .iter()
            .position(|s| *s == state)
            .unwrap_or(UsageState::ALL.len() - 1);
        &self.states[index]
    }
}

thread_local! {
    static KEYS: RecordKeys = RecordKeys::new();
    static ERROR_FACTORY: RefCell<Option<Function>> = const { RefCell::new(None) };
}

/// Makes the package's errors with `factory(fields)` from now on (the
/// JavaScript layer passes `fields => new KooDriveError(fields)`), so every
/// error, also inside reports and retry events, is a `KooDriveError`.
#[wasm_bindgen(js_name = setErrorFactory)]
pub fn set_error_factory(factory: Function) {
    ERROR_FACTORY.with(|f| *f.borrow_mut() = Some(factory));
}

/// Sets `key` on `target` (plain objects: cannot fail).
pub(crate) fn set(target: &Object, key: &str, value: impl Into<JsValue>) {
    let _ = Reflect::set(target, &JsValue::from_str(key), &value.into());
}

fn opt_f64(v: Option<f64>) -> JsValue {
    v.map_or(JsValue::NULL, JsValue::from_f64)
}

fn record_with(keys: &RecordKeys, item: &UserSpaceQuota, thresholds: &Thresholds) -> JsValue {
    let o: Plain = Object::new().unchecked_into();
    o.put(&keys.user_id, &JsValue::from_str(&item.user_id));
    o.put(&keys.quota, &JsValue::from_str(&item.quota));
    o.put(&keys.used, &opt_f64(item.used));
    let times = [
        &item.create_time,
        &item.effective_time,
        &item.expiration_time,
    ];
    for (key, value) in keys.times.iter().zip(times) {
        if let Some(v) = value {
            o.put(key, &JsValue::from_str(v));
        }
    }
    o.put(&keys.used_ratio, &opt_f64(item.used_ratio()));
    o.put(&keys.state, keys.state(item.state(thresholds)));
    o.into()
}

/// An array of records as JavaScript sees them: the wire's names, absent
/// times absent, plus `usedRatio` (number or null) and `state`.
pub(crate) fn records(items: &[UserSpaceQuota], thresholds: &Thresholds) -> Array {
    KEYS.with(|keys| {
        let array = Array::new_with_length(items.len() as u32);
        for (i, item) in items.iter().enumerate() {
            array.set(i as u32, record_with(keys, item, thresholds));
        }
        array
    })
}

/// An array of strings.
pub(crate) fn strings(values: &[String]) -> Array {
    values.iter().map(|s| JsValue::from_str(s)).collect()
}

/// A bulk query's report: `{ items, missing, failed: [{ userIds, error }] }`
/// (and `pending` when it is a partial report); `error` turns each chunk's
/// error into JavaScript.
pub(crate) fn report(
    r: &BatchReport,
    thresholds: &Thresholds,
    with_pending: bool,
    error: &dyn Fn(&KooDriveError) -> JsValue,
) -> JsValue {
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

/// A listing's report: `{ items, total, warnings, failedPages: [{ offset,
/// limit, error }] }` (and `pendingOffsets` when it is a partial report);
/// `error` turns each page's error into JavaScript.
pub(crate) fn list_report(
    r: &ListReport,
    thresholds: &Thresholds,
    with_pending: bool,
    error: &dyn Fn(&KooDriveError) -> JsValue,
) -> JsValue {
    let o = Object::new();
    set(&o, "items", records(&r.items, thresholds));
    set(&o, "total", r.total as f64);
    set(&o, "warnings", warnings(&r.warnings));
    let failed: Array = r
        .failed_pages
        .iter()
        .map(|f| {
            let page = Object::new();
            set(&page, "offset", f.offset as f64);
            set(&page, "limit", f.limit);
            set(&page, "error", error(&f.error));
            JsValue::from(page)
        })
        .collect();
    set(&o, "failedPages", failed);
    if with_pending {
        let pending: Array = r
            .pending_offsets
            .iter()
            .map(|&n| JsValue::from_f64(n as f64))
            .collect();
        set(&o, "pendingOffsets", pending);
    }
    o.into()
}

/// Paging problems as the sentences people read.
pub(crate) fn warnings(problems: &[PageProblem]) -> Array {
    problems
        .iter()
        .map(|p| JsValue::from_str(&p.to_string()))
        .collect()
}

/// An error without a cause (see [`error_with`]).
pub(crate) fn error(e: &KooDriveError) -> JsValue {
    error_with(e, None, None)
}

/// An error: a `KooDriveError` once the JavaScript layer set the factory,
/// else its fields as a plain object marked `__koodrive`. `cause` is the
/// original JavaScript value behind it; `partial` the report of a bulk query
/// that stopped.
pub(crate) fn error_with(
    e: &KooDriveError,
    cause: Option<&JsValue>,
    partial: Option<&JsValue>,
) -> JsValue {
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
    if let Some(c) = cause {
        set(&o, "cause", c.clone());
    }
    if let Some(p) = partial {
        set(&o, "partial", p.clone());
    }
    ERROR_FACTORY.with(|f| match &*f.borrow() {
        Some(factory) => factory.call1(&JsValue::UNDEFINED, &o).unwrap_or(o.into()),
        None => o.into(),
    })
}
