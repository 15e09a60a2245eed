//! The server's clock as this side knows it: an offset learned from the `Date`
//! header of every answer, applied when writing `X-Date`, and the 15-minute
//! window that KooDrive checks `X-Date` against.

use time::OffsetDateTime;

use crate::xdate::{format_x_date, parse_http_date, parse_x_date, unix_ms_to_datetime};

/// How far behind the server's clock an `X-Date` may be (15 minutes).
pub const X_DATE_WINDOW_SECS: i64 = 15 * 60;

/// The offset between the local clock and the server's, learned from `Date`
/// headers. Shared by every request of one client, so one correction serves
/// all later attempts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ServerClock {
    offset_ms: i64,
    learned: bool,
}

impl ServerClock {
    /// A clock already known to be `offset_ms` ahead of the local one.
    pub fn with_offset(offset_ms: i64) -> Self {
        Self {
            offset_ms,
            learned: true,
        }
    }

    /// Milliseconds to add to the local clock to get the server's.
    pub fn offset_ms(&self) -> i64 {
        self.offset_ms
    }

    /// Whether any `Date` header has been seen yet.
    pub fn is_learned(&self) -> bool {
        self.learned
    }

    /// The server's "now", in Unix milliseconds, given the local one.
    pub fn server_now_ms(&self, local_now_ms: i64) -> i64 {
        local_now_ms.saturating_add(self.offset_ms)
    }

    /// The `X-Date` to send at local time `local_now_ms`: the corrected clock
    /// truncated to the second and set one second back, so it is never ahead
    /// of the server.
    pub fn x_date(&self, local_now_ms: i64) -> String {
        let server_secs = self.server_now_ms(local_now_ms).div_euclid(1000) - 1;
        format_x_date(unix_ms_to_datetime(server_secs * 1000))
    }

    /// Learns from an answer's `Date` header received at `local_now_ms`.
    /// Returns `true` when the header was readable. An HTTP date has whole
    /// seconds, which makes the estimate err on the server's past: the safe
    /// side for `X-Date`.
    pub fn observe_date_header(&mut self, local_now_ms: i64, date: &str) -> bool {
        match parse_http_date(date) {
            Some(server) => {
                self.observe_server_time(local_now_ms, server);
                true
            }
            None => false,
        }
    }

    /// Learns that the server's clock read `server` at local time `local_now_ms`.
    pub fn observe_server_time(&mut self, local_now_ms: i64, server: OffsetDateTime) {
        let server_ms = (server.unix_timestamp_nanos() / 1_000_000) as i64;
        self.offset_ms = server_ms.saturating_sub(local_now_ms);
        self.learned = true;
    }
}

/// Why an `X-Date` falls outside the server's window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XDateRejection {
    /// The `X-Date` is ahead of the server's clock by this many seconds.
    Future {
        /// Seconds ahead.
        secs: i64,
    },
    /// The `X-Date` is more than 15 minutes behind; by this many seconds in all.
    Stale {
        /// Seconds behind.
        secs: i64,
    },
}

impl core::fmt::Display for XDateRejection {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Future { secs } => write!(f, "X-Date is in the future by {secs} s"),
            Self::Stale { secs } => write!(
                f,
                "X-Date is {secs} s old, more than the {X_DATE_WINDOW_SECS} s allowed"
            ),
        }
    }
}

/// Checks an `X-Date` against the server's clock at whole seconds: accepted
/// from exactly 15 minutes old up to the server's current second.
pub fn check_x_date_window(
    x_date: OffsetDateTime,
    server_now: OffsetDateTime,
) -> Result<(), XDateRejection> {
    let diff = server_now.unix_timestamp() - x_date.unix_timestamp();
    if diff < 0 {
        Err(XDateRejection::Future { secs: -diff })
    } else if diff > X_DATE_WINDOW_SECS {
        Err(XDateRejection::Stale { secs: diff })
    } else {
        Ok(())
    }
}

/// Whether an `X-Date` that was sent lies outside the window of a server
/// whose `Date` header read `server_date`: the test for a clock refusal.
pub(crate) fn sent_x_date_was_outside(sent_x_date: &str, server_date: OffsetDateTime) -> bool {
    parse_x_date(sent_x_date)
        .map(|sent| check_x_date_window(sent, server_date).is_err())
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW_MS: i64 = 1_764_244_800_000; // 2025-11-27T12:00:00Z

    #[test]
    fn x_date_is_one_second_behind_the_corrected_clock() {
        let clock = ServerClock::default();
        assert_eq!(clock.x_date(NOW_MS + 999), "20251127T115959Z");
        let ahead = ServerClock::with_offset(1_200_000);
        assert_eq!(ahead.x_date(NOW_MS), "20251127T121959Z");
    }

    #[test]
    fn a_date_header_teaches_the_offset() {
        let mut clock = ServerClock::default();
        assert!(!clock.is_learned());
        // The server is 20 minutes behind us.
        assert!(clock.observe_date_header(NOW_MS + 500, "Thu, 27 Nov 2025 11:40:00 GMT"));
        assert!(clock.is_learned());
        assert_eq!(clock.offset_ms(), -1_200_500);
        // The X-Date we now send is inside the server's window.
        let sent = parse_x_date(&clock.x_date(NOW_MS + 1_000)).unwrap();
        let server_now = unix_ms_to_datetime(NOW_MS + 1_000 - 1_200_000);
        assert_eq!(check_x_date_window(sent, server_now), Ok(()));
        assert!(!clock.observe_date_header(NOW_MS, "not a date"));
        assert_eq!(clock.offset_ms(), -1_200_500);
    }

    #[test]
    fn the_window_takes_exactly_fifteen_minutes_and_nothing_ahead() {
        let now = unix_ms_to_datetime(NOW_MS + 700);
        let at = |secs: i64| unix_ms_to_datetime(NOW_MS + secs * 1000);
        assert_eq!(check_x_date_window(at(0), now), Ok(()));
        assert_eq!(check_x_date_window(at(-900), now), Ok(()));
        assert_eq!(
            check_x_date_window(at(-901), now),
            Err(XDateRejection::Stale { secs: 901 })
        );
        assert_eq!(
            check_x_date_window(at(1), now),
            Err(XDateRejection::Future { secs: 1 })
        );
        assert_eq!(
            XDateRejection::Future { secs: 1200 }.to_string(),
            "X-Date is in the future by 1200 s"
        );
    }
}
