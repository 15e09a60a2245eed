//! Time formats on the wire: `X-Date` (`yyyyMMdd'T'HHmmss'Z'`, UTC), HTTP
//! dates (the `Date` and `Retry-After` headers, IMF-fixdate) and the ISO-8601
//! times of the answer. Times cross the API as Unix milliseconds (`i64`).

//!
//! `X-Date` and HTTP dates are fixed-width, so they are read and written digit
//! by digit here, with `time` doing the calendar: its format-description
//! machinery would add some 40 KB to every wasm build (measured with twiggy),
//! most of the npm module's budget.

use time::format_description::well_known::Rfc3339;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset, Weekday};

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Unix milliseconds as a UTC date-time (clamped to the representable range).
pub fn unix_ms_to_datetime(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).unwrap_or(if ms < 0 {
        OffsetDateTime::UNIX_EPOCH
    } else {
        // Far beyond any real clock; keeps callers total.
        OffsetDateTime::UNIX_EPOCH + time::Duration::days(365 * 8000)
    })
}

/// Appends `value` as exactly `width` decimal digits (zero-padded; years
/// beyond 9999 are clamped, which no real clock reaches).
fn push_digits(out: &mut String, value: u32, width: u32) {
    let value = value.min(10u32.pow(width) - 1);
    for i in (0..width).rev() {
        out.push(char::from(b'0' + (value / 10u32.pow(i) % 10) as u8));
    }
}

/// Reads the decimal digits of `bytes[range]`; `None` if any is not a digit.
fn digits(bytes: &[u8], range: core::ops::Range<usize>) -> Option<u32> {
    bytes.get(range)?.iter().try_fold(0u32, |acc, b| {
        b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
    })
}

fn utc(
    year: u32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
) -> Option<OffsetDateTime> {
    let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
    let date =
        Date::from_calendar_date(i32::try_from(year).ok()?, month, u8::try_from(day).ok()?).ok()?;
    let time = Time::from_hms(
        u8::try_from(hour).ok()?,
        u8::try_from(minute).ok()?,
        u8::try_from(second).ok()?,
    )
    .ok()?;
    Some(PrimitiveDateTime::new(date, time).assume_utc())
}

fn year_of(t: &OffsetDateTime) -> u32 {
    u32::try_from(t.year()).unwrap_or(0)
}

/// Formats a UTC instant as an `X-Date`, e.g. `20251103T070140Z`
/// (sub-second part dropped).
pub fn format_x_date(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    let mut out = String::with_capacity(16);
    push_digits(&mut out, year_of(&t), 4);
    push_digits(&mut out, u32::from(u8::from(t.month())), 2);
    push_digits(&mut out, u32::from(t.day()), 2);
    out.push('T');
    push_digits(&mut out, u32::from(t.hour()), 2);
    push_digits(&mut out, u32::from(t.minute()), 2);
    push_digits(&mut out, u32::from(t.second()), 2);
    out.push('Z');
    out
}

/// Parses an `X-Date`: exactly 16 characters `yyyyMMddTHHmmssZ`, in UTC.
pub fn parse_x_date(value: &str) -> Result<OffsetDateTime, String> {
    let b = value.as_bytes();
    let shaped = b.len() == 16 && b[8] == b'T' && b[15] == b'Z';
    let fields = shaped
        .then(|| {
            Some((
                digits(b, 0..4)?,
                digits(b, 4..6)?,
                digits(b, 6..8)?,
                digits(b, 9..11)?,
                digits(b, 11..13)?,
                digits(b, 13..15)?,
            ))
        })
        .flatten();
    let Some((y, mo, d, h, mi, s)) = fields else {
        return Err(format!(
            "X-Date \"{value}\" is not of the form yyyyMMddTHHmmssZ (e.g. 20251103T070140Z)"
        ));
    };
    utc(y, mo, d, h, mi, s).ok_or_else(|| format!("X-Date \"{value}\" is not a real date and time"))
}

/// Formats an HTTP date (IMF-fixdate), e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
pub fn format_http_date(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    let mut out = String::with_capacity(29);
    out.push_str(WEEKDAYS[usize::from(t.weekday().number_days_from_monday())]);
    out.push_str(", ");
    push_digits(&mut out, u32::from(t.day()), 2);
    out.push(' ');
    out.push_str(MONTHS[usize::from(u8::from(t.month()) - 1)]);
    out.push(' ');
    push_digits(&mut out, year_of(&t), 4);
    out.push(' ');
    push_digits(&mut out, u32::from(t.hour()), 2);
    out.push(':');
    push_digits(&mut out, u32::from(t.minute()), 2);
    out.push(':');
    push_digits(&mut out, u32::from(t.second()), 2);
    out.push_str(" GMT");
    out
}

/// Parses an HTTP date in IMF-fixdate form (`Sun, 06 Nov 1994 08:49:37 GMT`);
/// `None` when unreadable or when the weekday does not match the date.
pub fn parse_http_date(value: &str) -> Option<OffsetDateTime> {
    let v = value.trim();
    let b = v.as_bytes();
    let shaped = b.len() == 29
        && &b[3..5] == b", "
        && &b[25..] == b" GMT"
        && [7, 11, 16].iter().all(|&i| b[i] == b' ')
        && b[19] == b':'
        && b[22] == b':';
    if !shaped {
        return None;
    }
    let weekday = WEEKDAYS.iter().position(|w| w.as_bytes() == &b[0..3])?;
    let month = MONTHS.iter().position(|m| m.as_bytes() == &b[8..11])? as u32 + 1;
    let t = utc(
        digits(b, 12..16)?,
        month,
        digits(b, 5..7)?,
        digits(b, 17..19)?,
        digits(b, 20..22)?,
        digits(b, 23..25)?,
    )?;
    let expected: Weekday = t.weekday();
    (usize::from(expected.number_days_from_monday()) == weekday).then_some(t)
}

/// Parses an ISO-8601 / RFC 3339 time such as `2025-11-12T08:37:14.613Z`.
pub fn parse_iso8601(value: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(value.trim(), &Rfc3339).ok()
}

/// Formats a UTC instant as the answer's times are written: ISO-8601 with
/// milliseconds, e.g. `2025-11-12T08:37:14.613Z`.
pub fn format_iso8601(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    let mut out = String::with_capacity(24);
    push_digits(&mut out, year_of(&t), 4);
    out.push('-');
    push_digits(&mut out, u32::from(u8::from(t.month())), 2);
    out.push('-');
    push_digits(&mut out, u32::from(t.day()), 2);
    out.push('T');
    push_digits(&mut out, u32::from(t.hour()), 2);
    out.push(':');
    push_digits(&mut out, u32::from(t.minute()), 2);
    out.push(':');
    push_digits(&mut out, u32::from(t.second()), 2);
    out.push('.');
    push_digits(&mut out, u32::from(t.millisecond()), 3);
    out.push('Z');
    out
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
        assert_eq!(format_iso8601(t), "2025-11-12T08:37:14.613Z");
        assert_eq!(
            format_iso8601(unix_ms_to_datetime(1_762_153_300_007)),
            "2025-11-03T07:01:40.007Z"
        );
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use super::*;
    use proptest::prelude::*;
    use time::macros::format_description;

    proptest! {
        #[test]
        fn x_date_format_then_parse_gives_the_same_second(secs in 0i64..253_402_300_799) {
            let t = OffsetDateTime::from_unix_timestamp(secs).unwrap();
            let text = format_x_date(t);
            prop_assert_eq!(text.len(), 16);
            prop_assert_eq!(parse_x_date(&text).unwrap(), t);
        }

        #[test]
        fn x_date_and_http_date_match_times_own_formatting(secs in 0i64..253_402_300_799) {
            let t = OffsetDateTime::from_unix_timestamp(secs).unwrap();
            let x = t.format(format_description!("[year][month][day]T[hour][minute][second]Z")).unwrap();
            prop_assert_eq!(format_x_date(t), x);
            let http = t
                .format(format_description!(
                    "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
                ))
                .unwrap();
            prop_assert_eq!(format_http_date(t), http);
        }

        #[test]
        fn iso8601_matches_times_own_formatting(ms in 0i64..253_402_300_799_999) {
            let t = unix_ms_to_datetime(ms);
            let iso = t
                .format(format_description!(
                    "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
                ))
                .unwrap();
            prop_assert_eq!(format_iso8601(t), iso);
        }

        #[test]
        fn http_date_parser_never_panics(s in "\\PC{0,40}") {
            let _ = parse_http_date(&s);
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
