//! `WasmSandbox`: options in (`users`, `seed`, `data`, `token`, `appId`,
//! `appSecret`), requests answered in memory.

use js_sys::{Array, Object, Reflect};
use koodrive_sandbox::{Outcome, Request, Sandbox, SandboxConfig, Users};
use wasm_bindgen::prelude::*;

fn get(o: &JsValue, key: &str) -> Option<JsValue> {
    Reflect::get(o, &JsValue::from_str(key))
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

fn string(o: &JsValue, key: &str) -> Result<Option<String>, JsValue> {
    match get(o, key) {
        None => Ok(None),
        Some(v) => v.as_string().map(Some).ok_or_else(|| {
            JsError::new(&format!("createSandboxFetch: {key} must be a string")).into()
        }),
    }
}

const OPTIONS: &[&str] = &["users", "seed", "data", "token", "appId", "appSecret"];

/// A sandbox in memory.
#[wasm_bindgen]
pub struct WasmSandbox {
    sandbox: Sandbox,
}

#[wasm_bindgen]
impl WasmSandbox {
    /// Makes a sandbox: `users` generated users (default 2000) from `seed`
    /// (default 42), or `data` (an array of UserSpaceQuota, as JSON text);
    /// credentials default to the sandbox's demo ones.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue, data_json: Option<String>) -> Result<WasmSandbox, JsValue> {
        if options.is_object() {
            for key in Object::keys(options.unchecked_ref::<Object>()).iter() {
                let key = key.as_string().unwrap_or_default();
                if !OPTIONS.contains(&key.as_str()) {
                    return Err(JsError::new(&format!(
                        "createSandboxFetch: unknown option {key} (known: {})",
                        OPTIONS.join(", ")
                    ))
                    .into());
                }
            }
        }
        let now_ms = js_sys::Date::now() as i64;
        let count = match get(&options, "users").map(|v| v.as_f64()) {
            None => 2000,
            Some(Some(n)) if n.fract() == 0.0 && (0.0..=1_000_000.0).contains(&n) => n as usize,
            Some(_) => {
                return Err(JsError::new(
                    "createSandboxFetch: users must be a whole number from 0 to 1000000",
                )
                .into());
            }
        };
        let seed = match get(&options, "seed").map(|v| v.as_f64()) {
            None => 42,
            Some(Some(n)) if n.fract() == 0.0 && n >= 0.0 => n as u64,
            Some(_) => {
                return Err(
                    JsError::new("createSandboxFetch: seed must be a whole number ≥ 0").into(),
                );
            }
        };
        let users = match data_json {
            Some(json) => Users::from_json(json.as_bytes()).map_err(|e| {
                JsValue::from(JsError::new(&format!("createSandboxFetch: data: {e}")))
            })?,
            None => Users::generate(count, seed, now_ms),
        };
        let mut config = SandboxConfig::default();
        if let Some(t) = string(&options, "token")? {
            config.token = t;
        }
        if let Some(a) = string(&options, "appId")? {
            config.app_id = a;
        }
        if let Some(s) = string(&options, "appSecret")? {
            config.app_secret = s;
        }
        Ok(WasmSandbox {
            sandbox: Sandbox::new(config, users),
        })
    }

    /// Answers one request: `headers` is an array of `[name, value]` pairs
    /// (the `host` header included). Returns `{ status, headers, body,
    /// delayMs }`, or `{ drop: true }` when the connection is to be closed
    /// without an answer.
    pub fn handle(&self, method: &str, target: &str, headers: Array, body: &[u8]) -> JsValue {
        let pairs: Vec<(String, String)> = headers
            .iter()
            .filter_map(|pair| {
                let pair: Array = pair.dyn_into().ok()?;
                Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
            })
            .collect();
        let borrowed: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let request = Request::new(method, target, &borrowed, body);
        let outcome = self.sandbox.handle(&request, js_sys::Date::now() as i64);
        let out = Object::new();
        let set = |k: &str, v: JsValue| {
            let _ = Reflect::set(&out, &JsValue::from_str(k), &v);
        };
        let (delay_ms, response) = match outcome {
            Outcome::Drop => {
                set("drop", JsValue::TRUE);
                return out.into();
            }
            Outcome::Respond(r) => (0, r),
            Outcome::Delay { delay_ms, response } => (delay_ms, response),
        };
        set("status", JsValue::from(response.status));
        let headers: Array = response
            .headers
            .iter()
            .map(|(n, v)| JsValue::from(Array::of2(&JsValue::from_str(n), &JsValue::from_str(v))))
            .collect();
        set("headers", headers.into());
        set(
            "body",
            js_sys::Uint8Array::from(response.body.as_slice()).into(),
        );
        set("delayMs", JsValue::from_f64(delay_ms as f64));
        out.into()
    }
}
