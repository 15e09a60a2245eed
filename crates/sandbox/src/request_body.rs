//! Reading the request body strictly: well-formed JSON, an object, each field
//! of the right type, then the page's rules (through core's
//! [`SpaceUsageRequest::validate`]). Every refusal names the field and what
//! is wrong, e.g. `userIds[2] is a number (5), not a string`.

use koodrive_core::{MAX_LIMIT, SpaceUsageRequest, ValidationError};
use serde_json::Value;

/// Reads and checks a request body.
pub fn parse_request_body(body: &[u8]) -> Result<SpaceUsageRequest, String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(
            "the body is empty: send a JSON object such as {\"userIds\": [\"232323\"]}".into(),
        );
    }
    let value: Value =
        serde_json::from_slice(body).map_err(|e| format!("the body is not valid JSON: {e}"))?;
    let Value::Object(fields) = value else {
        return Err(format!(
            "the body must be a JSON object, not {}",
            describe(&value)
        ));
    };
    let user_ids = match fields.get("userIds") {
        None => None,
        Some(Value::Array(items)) => Some(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| match item {
                    Value::String(id) => Ok(id.clone()),
                    other => Err(format!("userIds[{i}] is {}, not a string", describe(other))),
                })
                .collect::<Result<Vec<_>, _>>()?,
        ),
        Some(other) => {
            return Err(format!(
                "userIds must be an array of 1 to 50 strings, not {}",
                describe(other)
            ));
        }
    };
    let limit = match fields.get("limit") {
        None => None,
        Some(v) => {
            let limit = whole_number("limit", v)?;
            let in_range = u32::try_from(limit)
                .ok()
                .filter(|l| (1..=MAX_LIMIT).contains(l));
            Some(in_range.ok_or_else(|| {
                ValidationError::LimitOutOfRange {
                    limit: i64::try_from(limit).unwrap_or(i64::MAX),
                }
                .to_string()
            })?)
        }
    };
    let offset = match fields.get("offset") {
        None => None,
        Some(v) => {
            let offset = whole_number("offset", v)?;
            Some(u64::try_from(offset).map_err(|_| {
                ValidationError::OffsetOutOfRange {
                    offset: i64::try_from(offset).unwrap_or(i64::MIN),
                }
                .to_string()
            })?)
        }
    };
    let request = SpaceUsageRequest {
        user_ids,
        limit,
        offset,
    };
    request.validate().map_err(|e| e.to_string())?;
    Ok(request)
}

/// Reads a whole number: an integer, or a number written with a fraction
/// of zero (`89.0`, `1e2`), which JSON Schema counts as an integer too.
fn whole_number(name: &str, value: &Value) -> Result<i128, String> {
    /// 2^64: whole floats below it in size convert exactly.
    const TWO_POW_64: f64 = 18_446_744_073_709_551_616.0;
    match value {
        Value::Number(n) => n
            .as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from))
            .or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < TWO_POW_64)
                    .map(|f| f as i128)
            })
            .ok_or_else(|| format!("{name} is {n} but must be a whole number")),
        other => Err(format!(
            "{name} must be a whole number, not {}",
            describe(other)
        )),
    }
}

/// A JSON value's type, with a short view of it, for messages.
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("a boolean ({b})"),
        Value::Number(n) => format!("a number ({n})"),
        // Quoted and escaped by hand, not with `{:?}`: the size-tuned wasm
        // builds (the in-page demo, the npm module's sandbox) print no Debug.
        Value::String(s) => format!(
            "a string (\"{}\")",
            s.chars().take(20).collect::<String>().escape_debug()
        ),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(body: &str) -> String {
        parse_request_body(body.as_bytes()).unwrap_err()
    }

    #[test]
    fn good_bodies_read_as_requests() {
        let r =
            parse_request_body(br#"{"userIds":["1","2"],"limit":10,"offset":0,"x":1}"#).unwrap();
        assert_eq!(
            r.user_ids.as_deref(),
            Some(&["1".to_owned(), "2".to_owned()][..])
        );
        assert_eq!((r.limit, r.offset), (Some(10), Some(0)));
        assert_eq!(
            parse_request_body(b"{}").unwrap(),
            SpaceUsageRequest::default()
        );
    }

    #[test]
    fn whole_numbers_written_with_a_zero_fraction_are_whole_numbers() {
        let r = parse_request_body(br#"{"limit":89.0,"offset":1e2}"#).unwrap();
        assert_eq!((r.limit, r.offset), (Some(89), Some(100)));
        assert_eq!(
            refusal(r#"{"limit":101.0}"#),
            "limit is 101 but must be between 1 and 100"
        );
        let r = parse_request_body(br#"{"offset":2251799813685247.0}"#).unwrap();
        assert_eq!(r.offset, Some(2_251_799_813_685_247), "read exactly");
        let r = parse_request_body(br#"{"offset":9223372036854775807}"#).unwrap();
        assert_eq!(r.offset, Some(i64::MAX as u64));
        assert_eq!(
            refusal(r#"{"offset":9223372036854775808}"#),
            "offset is larger than 9223372036854775807, the largest the endpoint takes"
        );
    }

    #[test]
    fn each_wrong_type_or_range_is_named() {
        assert_eq!(
            refusal(r#"{"userIds":["1",5]}"#),
            "userIds[1] is a number (5), not a string"
        );
        assert!(refusal(r#"{"userIds":[]}"#).starts_with("userIds is empty"));
        let ids: Vec<String> = (0..51).map(|i| format!("\"{i}\"")).collect();
        assert!(refusal(&format!("{{\"userIds\":[{}]}}", ids.join(","))).contains("51 ids"));
        assert_eq!(
            refusal(r#"{"userIds":["1",""]}"#),
            "userIds[1] is empty: remove it or fill in the id"
        );
        assert!(refusal(r#"{"userIds":"1"}"#).starts_with("userIds must be an array"));
        assert!(refusal(r#"{"userIds":null}"#).contains("not null"));
        assert_eq!(
            refusal(r#"{"limit":0}"#),
            "limit is 0 but must be between 1 and 100"
        );
        assert_eq!(
            refusal(r#"{"limit":101}"#),
            "limit is 101 but must be between 1 and 100"
        );
        assert_eq!(
            refusal(r#"{"limit":99999999999}"#),
            "limit is 99999999999 but must be between 1 and 100"
        );
        assert_eq!(
            refusal(r#"{"limit":2.5}"#),
            "limit is 2.5 but must be a whole number"
        );
        assert_eq!(
            refusal(r#"{"limit":1e300}"#),
            "limit is 1e+300 but must be a whole number"
        );
        assert_eq!(
            refusal(r#"{"limit":"10"}"#),
            "limit must be a whole number, not a string (\"10\")"
        );
        assert_eq!(
            refusal(r#"{"offset":-1}"#),
            "offset is -1 but must be 0 or more"
        );
        assert!(refusal(r#"{"userIds":["1"]"#).starts_with("the body is not valid JSON"));
        assert_eq!(
            refusal("[1]"),
            "the body must be a JSON object, not an array"
        );
        assert!(refusal("  ").starts_with("the body is empty"));
    }
}
