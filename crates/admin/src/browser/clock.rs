//! Now, and the browser's time zone: its name and its offset at an instant.

use js_sys::{Date, Object, Reflect};
use wasm_bindgen::JsValue;

/// Now, in Unix milliseconds.
pub fn now_ms() -> i64 {
    Date::now() as i64
}

/// The local offset from UTC at `ms`, in minutes east of UTC (daylight
/// saving included).
pub fn local_offset_minutes(ms: i64) -> i32 {
    let date = Date::new(&JsValue::from_f64(ms as f64));
    -(date.get_timezone_offset() as i32)
}

/// The browser's IANA time zone name (`Europe/Paris`), or empty.
pub fn time_zone_name() -> String {
    let format = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &Object::new());
    let options = format.resolved_options();
    Reflect::get(&options, &JsValue::from_str("timeZone"))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}
