//! Fuzz harness of the time formats: any text through `X-Date`, HTTP-date,
//! ISO-8601 and `Retry-After` parsing, the server clock learning from a
//! `Date`, and the sandbox's X-Date window. What parses must format back to
//! the same text (the formats are fixed-width).
//!
//! Shared by the cargo-fuzz target `dates` and the stable replay of its
//! corpus (`crates/core/tests/fuzz_corpus.rs`).

use koodrive_core::{
    ServerClock, check_x_date_window, format_http_date, format_iso8601, format_x_date,
    parse_http_date, parse_iso8601, parse_retry_after, parse_x_date, unix_ms_to_datetime,
};

/// 2025-11-27T12:00:00Z.
const NOW_MS: i64 = 1_764_244_800_000;

/// Parses `data` every way; panics when an invariant breaks.
pub fn run(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for value in [text.as_ref(), text.trim()] {
        if let Ok(t) = parse_x_date(value) {
            assert_eq!(format_x_date(t), value, "X-Date round trip");
            let _ = check_x_date_window(t, unix_ms_to_datetime(NOW_MS));
        }
        if let Some(t) = parse_http_date(value) {
            assert_eq!(format_http_date(t), value.trim(), "HTTP-date round trip");
        }
        if let Some(t) = parse_iso8601(value) {
            let _ = format_iso8601(t);
        }
        let _ = parse_retry_after(value, NOW_MS);
        let mut clock = ServerClock::default();
        if clock.observe_date_header(NOW_MS, value) {
            assert!(clock.is_learned());
            assert_eq!(clock.x_date(NOW_MS).len(), 16);
        }
    }
}
