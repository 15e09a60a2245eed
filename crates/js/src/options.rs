//! Reading what JavaScript passes in: client options, call options, request
//! bodies and id lists, each checked with a message that names the option.

use std::rc::Rc;

use js_sys::{Array, Function, Object, Reflect};
use koodrive_client::koodrive_core::{RetryPolicy, SpaceUsageRequest, Thresholds, ValidationError};
use koodrive_client::{Auth, CallOptions, ClientConfig, TokenSource};
use wasm_bindgen::{JsCast, JsValue};

use crate::token::JsTokenProvider;

fn invalid(name: &str, reason: impl Into<String>) -> ValidationError {
    ValidationError::InvalidOption {
        name: name.to_owned(),
        reason: reason.into(),
    }
}

/// An options object: its keys checked against `known`.
struct Options<'a> {
    object: &'a JsValue,
    what: &'a str,
}

impl<'a> Options<'a> {
    fn new(
        value: &'a JsValue,
        what: &'a str,
        known: &[&str],
        required: bool,
    ) -> Result<Option<Self>, ValidationError> {
        if value.is_undefined() || value.is_null() {
            return if required {
                Err(invalid(what, "must be an object"))
            } else {
                Ok(None)
            };
        }
        if !value.is_object() || Array::is_array(value) {
            return Err(invalid(what, "must be an object"));
        }
        for key in Object::keys(value.unchecked_ref::<Object>()).iter() {
            let key = key.as_string().unwrap_or_default();
            if !known.contains(&key.as_str()) {
                return Err(invalid(
                    &key,
                    format!("is not an option of {what} (known: {})", known.join(", ")),
                ));
            }
        }
        Ok(Some(Self {
            object: value,
            what,
        }))
    }

    fn get(&self, key: &str) -> Option<JsValue> {
        Reflect::get(self.object, &JsValue::from_str(key))
            .ok()
            .filter(|v| !v.is_undefined())
    }

    fn string(&self, key: &str) -> Result<Option<String>, ValidationError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_string()
                .map(Some)
                .ok_or_else(|| invalid(key, "must be a string")),
        }
    }

    fn integer(&self, key: &str, min: u64, max: u64) -> Result<Option<u64>, ValidationError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => match v.as_f64() {
                Some(n) if n.fract() == 0.0 && n >= min as f64 && n <= max as f64 => {
                    Ok(Some(n as u64))
                }
                _ => Err(invalid(
                    key,
                    format!("must be a whole number from {min} to {max}"),
                )),
            },
        }
    }

    fn ratio(&self, key: &str) -> Result<Option<f64>, ValidationError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => match v.as_f64() {
                Some(n) if n > 0.0 && n <= 1.0 => Ok(Some(n)),
                _ => Err(invalid(key, "must be a number in (0, 1]")),
            },
        }
    }

    fn function(&self, key: &str) -> Result<Option<Function>, ValidationError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v
                .dyn_into::<Function>()
                .map(Some)
                .map_err(|_| invalid(key, "must be a function")),
        }
    }
}

const CLIENT_OPTIONS: &[&str] = &[
    "baseUrl",
    "actingUserId",
    "accessToken",
    "appId",
    "appSecret",
    "signingHost",
    "language",
    "timeoutMs",
    "maxRetries",
    "concurrency",
    "nearingAt",
    "criticalAt",
    "fetch",
    "retry",
    "onRetry",
    // Read by the JavaScript layer (where the wasm comes from), not here.
    "wasm",
];

/// `retry: { maxRetries, baseDelayMs, maxDelayMs }` over the default policy,
/// and the top-level `maxRetries` (the same number, given once).
fn retry_policy(o: &Options<'_>) -> Result<RetryPolicy, ValidationError> {
    let mut policy = RetryPolicy::default();
    let top = o.integer("maxRetries", 0, 20)?;
    let value = o.get("retry");
    let nested = match &value {
        None => None,
        Some(v) => Options::new(
            v,
            "retry",
            &["maxRetries", "baseDelayMs", "maxDelayMs"],
            true,
        )?,
    };
    if let Some(r) = &nested {
        if top.is_some() && r.get("maxRetries").is_some() {
            return Err(invalid(
                "maxRetries",
                "is given twice: at the top level and in retry; give it once",
            ));
        }
        if let Some(n) = r.integer("maxRetries", 0, 20)? {
            policy.max_retries = n as u32;
        }
        if let Some(ms) = r.integer("baseDelayMs", 0, 600_000)? {
            policy.base_delay_ms = ms;
        }
        if let Some(ms) = r.integer("maxDelayMs", 0, 600_000)? {
            policy.max_delay_ms = ms;
        }
        if policy.max_delay_ms < policy.base_delay_ms {
            return Err(invalid(
                "retry.maxDelayMs",
                format!(
                    "is {} but must be at least baseDelayMs ({})",
                    policy.max_delay_ms, policy.base_delay_ms
                ),
            ));
        }
    }
    if let Some(n) = top {
        policy.max_retries = n as u32;
    }
    Ok(policy)
}

/// The client's settings, the `fetch` to use (`undefined` for the global
/// one) and the client's `onRetry`.
pub(crate) fn client_options(
    value: &JsValue,
) -> Result<(ClientConfig, JsValue, Option<Function>), ValidationError> {
    let Some(o) = Options::new(value, "SpaceUsageClient options", CLIENT_OPTIONS, true)? else {
        return Err(invalid("options", "must be an object"));
    };
    let base_url = o.string("baseUrl")?.ok_or_else(|| {
        invalid(
            "baseUrl",
            "is required, e.g. https://intl.myhuaweicloud-koodrive.com",
        )
    })?;
    let acting = o
        .string("actingUserId")?
        .ok_or(ValidationError::MissingActingUserId)?;
    let token = o.get("accessToken");
    let app_id = o.string("appId")?;
    let app_secret = o.string("appSecret")?;
    let auth = match (token, app_id, app_secret) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            return Err(ValidationError::ConflictingCredentials);
        }
        (Some(t), None, None) => match t.as_string() {
            Some(s) => Auth::Token(TokenSource::Fixed(s)),
            None => match t.dyn_into::<Function>() {
                Ok(f) => Auth::Token(TokenSource::Provider(Rc::new(JsTokenProvider(f)))),
                Err(_) => {
                    return Err(invalid(
                        "accessToken",
                        "must be a string or a function returning one",
                    ));
                }
            },
        },
        (None, Some(app_id), Some(app_secret)) => Auth::App { app_id, app_secret },
        (None, Some(_), None) => return Err(invalid("appSecret", "is required with appId")),
        (None, None, Some(_)) => return Err(invalid("appId", "is required with appSecret")),
        (None, None, None) => return Err(ValidationError::MissingCredentials),
    };
    let signing_host = o.string("signingHost")?;
    if signing_host.is_some() && matches!(auth, Auth::Token(_)) {
        return Err(invalid(
            "signingHost",
            "applies to app mode (appId/appSecret) only",
        ));
    }
    let mut config = ClientConfig::new(&base_url, &acting, auth)?;
    config.signing_host = signing_host;
    if let Some(l) = o.string("language")? {
        config.language = l;
    }
    if let Some(t) = o.integer("timeoutMs", 1, 600_000)? {
        config.timeout_ms = t;
    }
    config.retry = retry_policy(&o)?;
    if let Some(c) = o.integer("concurrency", 1, 64)? {
        config.concurrency = c as usize;
    }
    let nearing = o.ratio("nearingAt")?;
    let critical = o.ratio("criticalAt")?;
    if nearing.is_some() || critical.is_some() {
        let d = Thresholds::default();
        config.thresholds = Thresholds::new(
            nearing.unwrap_or(d.nearing_at()),
            critical.unwrap_or(d.critical_at()),
        )?;
    }
    config.validate()?;
    let fetch = match o.get("fetch") {
        None => JsValue::UNDEFINED,
        Some(f) if f.is_function() => f,
        Some(_) => return Err(invalid("fetch", "must be a function like globalThis.fetch")),
    };
    let on_retry = o.function("onRetry")?;
    Ok((config, fetch, on_retry))
}

/// Call options, the `signal` and (for bulk queries) `onProgress`.
pub(crate) struct Call {
    pub options: CallOptions,
    pub signal: JsValue,
    pub on_progress: Option<Function>,
    pub on_retry: Option<Function>,
    pub page_size: Option<u32>,
    pub concurrency: Option<usize>,
}

/// Reads call options; `extra` names the options this method takes beyond
/// `signal`, `timeoutMs`, `maxRetries`, `traceId` and `onRetry`.
pub(crate) fn call_options(value: &JsValue, extra: &[&str]) -> Result<Call, ValidationError> {
    let mut known = vec!["signal", "timeoutMs", "maxRetries", "traceId", "onRetry"];
    known.extend_from_slice(extra);
    let mut call = Call {
        options: CallOptions::default(),
        signal: JsValue::UNDEFINED,
        on_progress: None,
        on_retry: None,
        page_size: None,
        concurrency: None,
    };
    let Some(o) = Options::new(value, "call options", &known, false)? else {
        return Ok(call);
    };
    call.signal = o.get("signal").unwrap_or(JsValue::UNDEFINED);
    call.options.timeout_ms = o.integer("timeoutMs", 1, 600_000)?;
    call.options.max_retries = o.integer("maxRetries", 0, 20)?.map(|n| n as u32);
    call.options.trace_id = o.string("traceId")?;
    call.on_retry = o.function("onRetry")?;
    if extra.contains(&"onProgress") {
        call.on_progress = o.function("onProgress")?;
    }
    if extra.contains(&"pageSize") {
        call.page_size = o.integer("pageSize", 1, 100)?.map(|n| n as u32);
    }
    if extra.contains(&"concurrency") {
        call.concurrency = o.integer("concurrency", 1, 64)?.map(|n| n as usize);
    }
    let _ = o.what;
    Ok(call)
}

/// A request body `{ userIds?, limit?, offset? }`.
pub(crate) fn request(value: &JsValue) -> Result<SpaceUsageRequest, ValidationError> {
    let Some(o) = Options::new(value, "the request", &["userIds", "limit", "offset"], false)?
    else {
        return Ok(SpaceUsageRequest::default());
    };
    let user_ids = match o.get("userIds") {
        None => None,
        Some(v) => Some(id_list(&v, "userIds")?),
    };
    let limit = match o.get("limit") {
        None => None,
        Some(v) => match v.as_f64() {
            Some(n) if n.fract() == 0.0 && (1.0..=100.0).contains(&n) => Some(n as u32),
            _ => {
                return Err(ValidationError::LimitOutOfRange {
                    limit: v.as_f64().unwrap_or(-1.0) as i64,
                });
            }
        },
    };
    let offset = match o.get("offset") {
        None => None,
        Some(v) => match v.as_f64() {
            Some(n) if n.fract() == 0.0 && (0.0..=9_007_199_254_740_991.0).contains(&n) => {
                Some(n as u64)
            }
            _ => {
                return Err(ValidationError::OffsetOutOfRange {
                    offset: v.as_f64().unwrap_or(-1.0) as i64,
                });
            }
        },
    };
    let request = SpaceUsageRequest {
        user_ids,
        limit,
        offset,
    };
    request.validate()?;
    Ok(request)
}

/// An array of id strings.
pub(crate) fn id_list(value: &JsValue, name: &str) -> Result<Vec<String>, ValidationError> {
    if !Array::is_array(value) {
        return Err(invalid(name, "must be an array of id strings"));
    }
    let array: &Array = value.unchecked_ref();
    array
        .iter()
        .enumerate()
        .map(|(i, v)| v.as_string().ok_or_else(|| invalid(&format!("{name}[{i}]"), "must be a string (ids are strings: 19-digit numbers lose digits as JavaScript numbers)")))
        .collect()
}
