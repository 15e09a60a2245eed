//! How a record's fields sit in a row, compactly but exactly: a quota of
//! canonical digits that fits an `i64` is an integer (any other text stays
//! text); a time is Unix milliseconds when formatting them back gives the
//! very text received (the wire's `2025-11-12T08:37:14.613Z`), text
//! otherwise; `used` is a REAL (SQLite writes whole values as integers).

use koodrive_core::{UserSpaceQuota, format_iso8601, parse_iso8601, unix_ms_to_datetime};
use rusqlite::types::{Value, ValueRef};

/// A quota as stored.
pub fn quota_value(quota: &str) -> Value {
    let canonical = quota == "0" || (!quota.starts_with('0') && !quota.is_empty());
    match quota.parse::<i64>() {
        Ok(n) if canonical && quota.bytes().all(|b| b.is_ascii_digit()) => Value::Integer(n),
        _ => Value::Text(quota.to_owned()),
    }
}

/// A time as stored.
pub fn time_value(time: Option<&str>) -> Value {
    let Some(text) = time else {
        return Value::Null;
    };
    if let Some(t) = parse_iso8601(text) {
        let ms = (t.unix_timestamp_nanos() / 1_000_000) as i64;
        if format_iso8601(unix_ms_to_datetime(ms)) == text {
            return Value::Integer(ms);
        }
    }
    Value::Text(text.to_owned())
}

/// About how many bytes SQLite takes for `value` in a record (its serial
/// type's size, plus one byte of header).
pub fn stored_size(value: &Value) -> u64 {
    1 + match value {
        Value::Null => 0,
        Value::Integer(n) => match n.unsigned_abs() {
            0..=1 => 0,
            2..=0x7f => 1,
            0x80..=0x7fff => 2,
            0x8000..=0x7f_ffff => 3,
            0x80_0000..=0x7fff_ffff => 4,
            0x8000_0000..=0x7fff_ffff_ffff => 6,
            _ => 8,
        },
        Value::Real(r) if r.fract() == 0.0 && r.abs() < 1e15 => {
            stored_size(&Value::Integer(*r as i64)) - 1
        }
        Value::Real(_) => 8,
        Value::Text(t) => t.len() as u64,
        Value::Blob(b) => b.len() as u64,
    }
}

/// A stored quota read back.
pub fn quota_text(value: ValueRef<'_>) -> String {
    match value {
        ValueRef::Integer(n) => n.to_string(),
        ValueRef::Text(t) | ValueRef::Blob(t) => String::from_utf8_lossy(t).into_owned(),
        ValueRef::Real(r) => r.to_string(),
        ValueRef::Null => String::new(),
    }
}

/// A stored time read back.
pub fn time_text(value: ValueRef<'_>) -> Option<String> {
    match value {
        ValueRef::Integer(ms) => Some(format_iso8601(unix_ms_to_datetime(ms))),
        ValueRef::Text(t) | ValueRef::Blob(t) => Some(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Real(_) | ValueRef::Null => None,
    }
}

/// A stored `used` read back.
pub fn used_number(value: ValueRef<'_>) -> Option<f64> {
    match value {
        ValueRef::Real(r) => Some(r),
        ValueRef::Integer(n) => Some(n as f64),
        _ => None,
    }
}

/// A stored quota read back as a number, when it is one a snapshot of the
/// page keeps (canonical digits that fit a `u64`).
pub fn quota_number(value: ValueRef<'_>) -> Option<u64> {
    match value {
        ValueRef::Integer(n) => u64::try_from(n).ok(),
        ValueRef::Text(t) => {
            // The record's own rule for quota text, with a stand-in id and
            // `used` (only the quota is asked about).
            let text = String::from_utf8_lossy(t).into_owned();
            let record = record("0".to_owned(), text, Some(0.0), [None, None, None]);
            record.quota_value()
        }
        _ => None,
    }
}

/// A stored time read back as Unix milliseconds.
pub fn time_ms(value: ValueRef<'_>) -> Option<i64> {
    match value {
        ValueRef::Integer(ms) => Some(ms),
        ValueRef::Text(t) => std::str::from_utf8(t)
            .ok()
            .and_then(parse_iso8601)
            .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64),
        ValueRef::Real(_) | ValueRef::Null | ValueRef::Blob(_) => None,
    }
}

/// A record rebuilt from its stored fields.
pub fn record(
    user_id: String,
    quota: String,
    used: Option<f64>,
    times: [Option<String>; 3],
) -> UserSpaceQuota {
    let mut record = UserSpaceQuota::new(user_id, 0, 0.0);
    record.quota = quota;
    record.used = used;
    let [create, effective, expiration] = times;
    record.create_time = create;
    record.effective_time = effective;
    record.expiration_time = expiration;
    record
}

#[cfg(test)]
mod tests {
    use super::*;

    fn back(value: &Value) -> ValueRef<'_> {
        ValueRef::from(value)
    }

    #[test]
    fn quotas_come_back_exactly_and_are_integers_only_when_that_is_exact() {
        for quota in ["0", "1048576", "9223372036854775807"] {
            let stored = quota_value(quota);
            assert!(matches!(stored, Value::Integer(_)), "{quota}");
            assert_eq!(quota_text(back(&stored)), quota);
        }
        for quota in ["007", "", "18446744073709551615", "12a", "-1", "+5"] {
            let stored = quota_value(quota);
            assert!(matches!(stored, Value::Text(_)), "{quota}");
            assert_eq!(quota_text(back(&stored)), quota);
        }
    }

    #[test]
    fn times_come_back_exactly_and_are_integers_only_in_the_wire_s_own_form() {
        let wire = "2025-11-12T08:37:14.613Z";
        let stored = time_value(Some(wire));
        assert!(matches!(stored, Value::Integer(_)));
        assert_eq!(time_text(back(&stored)).as_deref(), Some(wire));
        for other in [
            "2025-11-12T08:37:14Z",
            "2025-11-12T16:37:14.613+08:00",
            "soon",
        ] {
            let stored = time_value(Some(other));
            assert!(matches!(stored, Value::Text(_)), "{other}");
            assert_eq!(time_text(back(&stored)).as_deref(), Some(other));
        }
        assert_eq!(time_value(None), Value::Null);
        assert_eq!(time_text(back(&Value::Null)), None);
    }
}
