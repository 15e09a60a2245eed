//! Time formats on the wire: `X-Date` (`yyyyMMdd'T'HHmmss'Z'`, UTC), HTTP
//! dates (the `Date` and `Retry-After` headers, IMF-fixdate) and the ISO-8601
//! times of the answer. Times cross the API as Unix milliseconds (`i64`).

use time::format_description::FormatItem;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};

const X_DATE: &[FormatItem<'static>] =
    format_description!("[year][month][day]T[hour][minute][second]Z");
const HTTP_DATE: &[FormatItem<'static>] = format_description!(
    "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
);

/// Unix milliseconds as a UTC date-time (clamped to the representable range).
pub fn unix_ms_to_datetime(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).unwrap_or(if ms < 0 {
        OffsetDateTime::UNIX_EPOCH
    } else {
        // Far beyond any real clock; keeps callers total.
        OffsetDateTime::UNIX_EPOCH + time::Duration::days(365 * 8000)
    })
}

/// Formats a UTC instant as an `X-Date`, e.g. `20251103T070140Z`
/// (sub-second part dropped).
pub fn format_x_date(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(X_DATE)
        .unwrap_or_default()
}

/// Parses an `X-Date`: exactly 16 characters `yyyyMMddTHHmmssZ`, in UTC.
pub fn parse_x_date(value: &str) -> Result<OffsetDateTime, String> {
    let bytes = value.as_bytes();
    let shaped = bytes.len() == 16
        && bytes[8] == b'T'
        && bytes[15] == b'Z'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 8 || i == 15 || b.is_ascii_digit());
    if !shaped {
        return Err(format!(
            "X-Date {value:?} is not of the form yyyyMMddTHHmmssZ (e.g. 20251103T070140Z)"
        ));
    }
    PrimitiveDateTime::parse(value, X_DATE)
        .map(PrimitiveDateTime::assume_utc)
        .map_err(|e| format!("X-Date {value:?} is not a real date and time: {e}"))
}

/// Formats an HTTP date (IMF-fixdate), e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
pub fn format_http_date(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(HTTP_DATE)
        .unwrap_or_default()
}

/// Parses an HTTP date in IMF-fixdate form; `None` when unreadable.
pub fn parse_http_date(value: &str) -> Option<OffsetDateTime> {
    PrimitiveDateTime::parse(value.trim(), HTTP_DATE)
        .ok()
        .map(PrimitiveDateTime::assume_utc)
}

/// Parses an ISO-8601 / RFC 3339 time such as `2025-11-12T08:37:14.613Z`.
pub fn parse_iso8601(value: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(value.trim(), &Rfc3339).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x_date_matches_the_pages_example() {
        let t = parse_x_date("20251103T070140Z").unwrap();
        assert_eq!(t.unix_timestamp(), 1_762_153_300);
        assert_eq!(format_x_date(t), "20251103T070140Z");
    }

    #[test]
    fn malformed_x_dates_are_refused_with_the_expected_form() {
        for bad in [
            "",
            "20251103T070140",
            "2025-11-03T07:01:40Z",
            "20251303T070140Z",
            "20251103T250140Z",
            "20251103t070140z",
            "+2025110T070140Z",
        ] {
            let err = parse_x_date(bad).unwrap_err();
            assert!(err.contains("X-Date"), "{err}");
        }
    }

    #[test]
    fn http_dates_round_trip() {
        let t = parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(t.unix_timestamp(), 784_111_777);
        assert_eq!(format_http_date(t), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert!(parse_http_date("yesterday").is_none());
    }

    #[test]
    fn answer_times_parse_with_milliseconds() {
        let t = parse_iso8601("2025-11-12T08:37:14.613Z").unwrap();
        assert_eq!(t.millisecond(), 613);
        assert!(parse_iso8601("12/11/2025").is_none());
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn x_date_format_then_parse_gives_the_same_second(secs in 0i64..253_402_300_799) {
            let t = OffsetDateTime::from_unix_timestamp(secs).unwrap();
            let text = format_x_date(t);
            prop_assert_eq!(text.len(), 16);
            prop_assert_eq!(parse_x_date(&text).unwrap(), t);
        }

        #[test]
        fn x_date_parser_never_panics(s in "\\PC{0,24}") {
            let _ = parse_x_date(&s);
        }

        #[test]
        fn http_date_format_then_parse_gives_the_same_second(secs in 0i64..253_402_300_799) {
            let t = OffsetDateTime::from_unix_timestamp(secs).unwrap();
            prop_assert_eq!(parse_http_date(&format_http_date(t)).unwrap(), t);
        }
    }
}
