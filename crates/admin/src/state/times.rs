//! Times as the page shows them: relative to now ("in 3 days", "expired
//! 2 days ago"), exact with their time zone (local or UTC, for hover and
//! keyboard focus), dates for the table, and ISO-8601 UTC for exports.
//! The browser's time zone is passed in; nothing here reads a clock.

use koodrive_core::{format_iso8601, unix_ms_to_datetime};
use time::UtcOffset;

use super::i18n::Lang;

/// Milliseconds in a day.
pub const DAY_MS: i64 = 86_400_000;
const HOUR_MS: i64 = 3_600_000;
const MINUTE_MS: i64 = 60_000;

/// Which clock the exact times are shown on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum TimeZoneView {
    /// The browser's zone, by name (`Asia/Shanghai`), with each instant's
    /// offset from UTC found by the caller (daylight saving changes it).
    Local {
        /// The IANA name, or empty when the browser does not tell.
        name: String,
    },
    /// Coordinated Universal Time.
    #[default]
    Utc,
}

/// How long until (or since) an expiry, in words: `in 3 days`,
/// `expired 2 days ago`; whole units, rounded down.
pub fn relative_expiry(expires_in_ms: i64, lang: Lang) -> String {
    let zh = lang == Lang::ZhCn;
    let span = expires_in_ms.unsigned_abs();
    let (count, unit_en, unit_zh) = if span >= DAY_MS as u64 {
        (span / DAY_MS as u64, "day", "天")
    } else if span >= HOUR_MS as u64 {
        (span / HOUR_MS as u64, "hour", "小时")
    } else if span >= MINUTE_MS as u64 {
        (span / MINUTE_MS as u64, "minute", "分钟")
    } else {
        return match (expires_in_ms > 0, zh) {
            (true, false) => "in less than a minute".to_owned(),
            (true, true) => "不到 1 分钟后到期".to_owned(),
            (false, false) => "expired just now".to_owned(),
            (false, true) => "刚刚到期".to_owned(),
        };
    };
    let plural = if count == 1 { "" } else { "s" };
    match (expires_in_ms > 0, zh) {
        (true, false) => format!("in {count} {unit_en}{plural}"),
        (true, true) => format!("{count} {unit_zh}后到期"),
        (false, false) => format!("expired {count} {unit_en}{plural} ago"),
        (false, true) => format!("{count} {unit_zh}前已到期"),
    }
}

/// `UTC+08:00`, `UTC−05:00`, `UTC` for an offset in minutes east of UTC.
pub fn offset_label(offset_minutes: i32) -> String {
    if offset_minutes == 0 {
        return "UTC".to_owned();
    }
    let sign = if offset_minutes > 0 { '+' } else { '-' };
    let m = offset_minutes.unsigned_abs();
    format!("UTC{sign}{:02}:{:02}", m / 60, m % 60)
}

fn at_offset(ms: i64, offset_minutes: i32) -> time::OffsetDateTime {
    let offset =
        UtcOffset::from_whole_seconds(offset_minutes.saturating_mul(60)).unwrap_or(UtcOffset::UTC);
    unix_ms_to_datetime(ms).to_offset(offset)
}

/// The exact time with its zone, for hover and focus:
/// `2025-12-12 16:37:14 Asia/Shanghai (UTC+08:00)` or `2025-12-12 08:37:14 UTC`.
/// `offset_minutes` is the local offset at that instant (ignored for UTC).
pub fn exact_time(ms: i64, zone: &TimeZoneView, offset_minutes: i32) -> String {
    let (t, label) = match zone {
        TimeZoneView::Utc => (at_offset(ms, 0), "UTC".to_owned()),
        TimeZoneView::Local { name }
            if name.is_empty() || *name == offset_label(offset_minutes) =>
        {
            (at_offset(ms, offset_minutes), offset_label(offset_minutes))
        }
        TimeZoneView::Local { name } => (
            at_offset(ms, offset_minutes),
            format!("{name} ({})", offset_label(offset_minutes)),
        ),
    };
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02} {label}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// The date of an instant in the zone: `2025-11-12`.
pub fn date_only(ms: i64, zone: &TimeZoneView, offset_minutes: i32) -> String {
    let offset = match zone {
        TimeZoneView::Utc => 0,
        TimeZoneView::Local { .. } => offset_minutes,
    };
    let t = at_offset(ms, offset);
    format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day())
}

/// An instant in ISO-8601 UTC with milliseconds, for exports.
pub fn iso_utc(ms: i64) -> String {
    format_iso8601(unix_ms_to_datetime(ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_reads_in_whole_units() {
        let en = Lang::EnUs;
        assert_eq!(relative_expiry(3 * DAY_MS + 5 * HOUR_MS, en), "in 3 days");
        assert_eq!(relative_expiry(DAY_MS, en), "in 1 day");
        assert_eq!(relative_expiry(-2 * DAY_MS - 1, en), "expired 2 days ago");
        assert_eq!(relative_expiry(5 * HOUR_MS, en), "in 5 hours");
        assert_eq!(relative_expiry(-90_000, en), "expired 1 minute ago");
        assert_eq!(relative_expiry(10_000, en), "in less than a minute");
        assert_eq!(relative_expiry(3 * DAY_MS, Lang::ZhCn), "3 天后到期");
    }

    #[test]
    fn exact_times_carry_their_zone() {
        let ms = 1_765_528_634_613; // 2025-12-12T08:37:14.613Z
        assert_eq!(
            exact_time(ms, &TimeZoneView::Utc, 480),
            "2025-12-12 08:37:14 UTC"
        );
        let shanghai = TimeZoneView::Local {
            name: "Asia/Shanghai".into(),
        };
        assert_eq!(
            exact_time(ms, &shanghai, 480),
            "2025-12-12 16:37:14 Asia/Shanghai (UTC+08:00)"
        );
        let unnamed = TimeZoneView::Local {
            name: String::new(),
        };
        assert_eq!(
            exact_time(ms, &unnamed, -300),
            "2025-12-12 03:37:14 UTC-05:00"
        );
        assert_eq!(date_only(ms, &shanghai, 16 * 60), "2025-12-13");
        assert_eq!(iso_utc(ms), "2025-12-12T08:37:14.613Z");
    }
}
