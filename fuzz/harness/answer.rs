//! Fuzz harness of the answer decoder: any bytes as an answer's body go
//! through [`decode_envelope`] and [`classify_answer`] under a set of answer
//! heads (every status the table of docs/error-kinds.md names, with and without `Date`
//! and `Retry-After`). An input whose first line is
//! `#head STATUS|DATE|RETRY-AFTER` adds a head of its own.
//!
//! Shared by the cargo-fuzz target `answer` and the stable replay of its
//! corpus (`crates/core/tests/fuzz_corpus.rs`).

use koodrive_core::{
    AnswerHead, ErrorKind, MAX_ANSWER_BYTES, Thresholds, classify_answer, decode_envelope,
};

/// The X-Date the answered request carried.
const SENT_X_DATE: &str = "20251127T120000Z";
/// The local clock when the answer came: 2025-11-27T12:00:00Z.
const NOW_MS: i64 = 1_764_244_800_000;
const TRACE_ID: &str = "fuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfu";
const IN_WINDOW: &str = "Thu, 27 Nov 2025 12:00:05 GMT";
const OUTSIDE: &str = "Thu, 27 Nov 2025 11:40:00 GMT";

const HEADS: &[(u16, Option<&str>, Option<&str>)] = &[
    (200, None, None),
    (200, Some(IN_WINDOW), None),
    (400, Some(OUTSIDE), None),
    (400, Some(IN_WINDOW), None),
    (401, Some(OUTSIDE), None),
    (401, Some(IN_WINDOW), None),
    (401, None, None),
    (403, None, None),
    (404, None, None),
    (418, Some("not a date"), None),
    (429, Some(IN_WINDOW), Some("2")),
    (500, None, None),
    (502, None, Some("Thu, 27 Nov 2025 12:00:30 GMT")),
    (503, Some(IN_WINDOW), Some("99999999999999999999")),
    (504, None, Some("soon")),
];

/// Splits off a `#head STATUS|DATE|RETRY-AFTER` first line.
fn own_head(data: &[u8]) -> (Option<(u16, String, String)>, &[u8]) {
    let Some(rest) = data.strip_prefix(b"#head ") else {
        return (None, data);
    };
    let end = rest.iter().position(|b| *b == b'\n').unwrap_or(rest.len());
    let line = String::from_utf8_lossy(&rest[..end]).into_owned();
    let body = rest.get(end + 1..).unwrap_or_default();
    let mut parts = line.splitn(3, '|');
    let status = parts.next().and_then(|s| s.trim().parse::<u16>().ok());
    let date = parts.next().unwrap_or_default().to_owned();
    let retry = parts.next().unwrap_or_default().to_owned();
    (status.map(|s| (s, date, retry)), body)
}

/// Decodes and classifies `data` under every head; panics when an
/// invariant of the table in docs/error-kinds.md breaks.
pub fn run(data: &[u8]) {
    let (own, body) = own_head(data);
    let envelope = decode_envelope(body);
    if body.len() > MAX_ANSWER_BYTES {
        assert!(envelope.is_err());
    }
    let mut heads: Vec<(u16, Option<&str>, Option<&str>)> = HEADS.to_vec();
    if let Some((status, date, retry)) = &own {
        heads.push((*status, Some(date.as_str()), Some(retry.as_str())));
    }
    let thresholds = Thresholds::default();
    for (status, date, retry_after) in heads {
        let head = AnswerHead {
            status,
            date,
            retry_after,
            sent_x_date: SENT_X_DATE,
            trace_id: TRACE_ID,
            now_ms: NOW_MS,
        };
        match classify_answer(&head, envelope.clone()) {
            Ok(page) => {
                assert_eq!(status, 200, "only HTTP 200 succeeds");
                for item in &page.items {
                    let ratio = item.used_ratio();
                    assert!(ratio.is_none_or(|r| !r.is_nan()));
                    let _ = item.state(&thresholds).as_str();
                    let _ = (item.quota_value(), item.problem());
                    let _ = (item.expires_in_ms(NOW_MS), item.is_expired(NOW_MS));
                }
            }
            Err(e) => {
                assert_eq!(e.status, Some(status));
                assert_eq!(e.trace_id.as_deref(), Some(TRACE_ID));
                assert!(!e.message.is_empty());
                if status == 200 {
                    assert!(matches!(e.kind, ErrorKind::Api | ErrorKind::Decode));
                    assert!(!e.retryable);
                }
                if matches!(status, 429 | 500 | 502 | 503 | 504) {
                    assert_eq!(e.kind, ErrorKind::Http);
                    assert!(e.retryable);
                }
                let _ = e.to_string();
            }
        }
    }
}
