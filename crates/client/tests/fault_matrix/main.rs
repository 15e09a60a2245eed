//! The fault matrix in a browser (headless Chromium; it runs in Node too):
//! every fault the sandbox can stage, and what the table of docs/error-kinds.md promises
//! for it — recovered, or the right error kind — and bulk queries of 1,000
//! ids under faults that lose no id. The matrix is printed (`console_log!`,
//! shown with `--nocapture`).
#![cfg(target_arch = "wasm32")]

#[path = "../common/mod.rs"]
mod common;
mod setup;
mod table;

use common::*;
use js_sys::Date;
use koodrive_client::CallOptions;
use koodrive_client::koodrive_core::{ErrorKind, KooDriveError, SpaceUsageRequest};
use setup::*;
use table::Matrix;
use wasm_bindgen_test::wasm_bindgen_test;

/// What a call came to: `recovered`, or the error's kind.
fn outcome<T>(result: &Result<T, KooDriveError>) -> String {
    match result {
        Ok(_) => "recovered".to_owned(),
        Err(e) => e.kind.as_str().to_owned(),
    }
}

fn options(max_retries: Option<u32>, timeout_ms: Option<u64>) -> CallOptions {
    CallOptions {
        max_retries,
        timeout_ms,
        ..Default::default()
    }
}

fn ids3() -> SpaceUsageRequest {
    SpaceUsageRequest::for_user_ids(["1", "2", "3"])
}

/// What one single-request row needs besides its outcome.
type Check = fn(&Result<(), KooDriveError>, &Stats) -> bool;

/// One single-request row of the matrix.
struct Case {
    fault: &'static str,
    staged: Option<&'static str>,
    clock_secs: Option<i64>,
    promised: &'static str,
    max_retries: Option<u32>,
    timeout_ms: Option<u64>,
    /// `Some(announced)`: the answer is 9 MiB from an injected `fetch`.
    nine_mib: Option<bool>,
    check: Check,
}

/// The `status` fault of an HTML 502 page, `$count` times.
macro_rules! html_502 {
    ($count:literal) => {
        concat!(
            r#"{"kind":"status","status":502,"body":"<html><body><h1>502 Bad Gateway</h1></body></html>","contentType":"text/html","count":"#,
            $count,
            "}"
        )
    };
}

fn requests(n: u64) -> impl Fn(&Stats) -> bool {
    move |s| s.requests == n
}

fn cases() -> Vec<Case> {
    let case = |fault, staged, promised, check: Check| Case {
        fault,
        staged,
        clock_secs: None,
        promised,
        max_retries: None,
        timeout_ms: None,
        nine_mib: None,
        check,
    };
    vec![
        case(
            "503 ×2",
            Some(r#"{"kind":"status","status":503,"count":2}"#),
            "recovered",
            |_, s| requests(3)(s),
        ),
        case(
            "429 + Retry-After: 1 ×2",
            Some(r#"{"kind":"status","status":429,"retryAfterSecs":1,"count":2}"#),
            "recovered",
            |_, s| {
                let at = s.arrivals_ms();
                at.len() == 3 && at[1] - at[0] >= 1000.0 && at[2] - at[1] >= 1000.0
            },
        ),
        case(
            "drop",
            Some(r#"{"kind":"drop","count":1}"#),
            "recovered",
            |_, s| requests(2)(s),
        ),
        // A browser silently retries a request whose reused keep-alive
        // connection closed unanswered: two drops make one surface.
        Case {
            max_retries: Some(0),
            ..case(
                "drop ×2, maxRetries 0",
                Some(r#"{"kind":"drop","count":2}"#),
                "network",
                |r, _| r.as_ref().is_err_and(|e| e.retryable),
            )
        },
        Case {
            timeout_ms: Some(300),
            ..case(
                "delay 1500 ms > timeout 300 ms",
                Some(r#"{"kind":"delay","delayMs":1500,"count":1}"#),
                "recovered",
                |_, s| requests(2)(s),
            )
        },
        Case {
            timeout_ms: Some(300),
            max_retries: Some(0),
            ..case(
                "delay 1500 ms > timeout 300 ms, maxRetries 0",
                Some(r#"{"kind":"delay","delayMs":1500,"count":1}"#),
                "timeout",
                |_, s| requests(1)(s),
            )
        },
        case(
            "garbage",
            Some(r#"{"kind":"garbage","count":1}"#),
            "decode",
            |r, s| requests(1)(s) && r.as_ref().is_err_and(|e| e.status == Some(200)),
        ),
        case("HTML 502 page", Some(html_502!(1)), "recovered", |_, s| {
            requests(2)(s)
        }),
        Case {
            max_retries: Some(1),
            ..case(
                "HTML 502 page ×2, maxRetries 1",
                Some(html_502!(2)),
                "http",
                |r, _| {
                    r.as_ref().is_err_and(|e| {
                        e.status == Some(502) && e.attempts == 2 && e.code.is_none()
                    })
                },
            )
        },
        case(
            "apiError on HTTP 200",
            Some(r#"{"kind":"apiError","code":13000301,"msg":"Space not found.","count":1}"#),
            "api",
            |r, s| {
                requests(1)(s)
                    && r.as_ref()
                        .is_err_and(|e| e.msg.as_deref() == Some("Space not found."))
            },
        ),
        case(
            "401",
            Some(r#"{"kind":"status","status":401,"count":1}"#),
            "auth",
            |r, s| requests(1)(s) && r.as_ref().is_err_and(|e| e.status == Some(401)),
        ),
        Case {
            clock_secs: Some(-1800),
            ..case("sandbox clock −30 min", None, "recovered", |_, s| {
                requests(2)(s) && s.with_status(401) == 1
            })
        },
        Case {
            clock_secs: Some(1800),
            ..case("sandbox clock +30 min", None, "recovered", |_, s| {
                requests(2)(s) && s.with_status(401) == 1
            })
        },
        Case {
            nine_mib: Some(true),
            ..case(
                "answer of 9 MiB (Content-Length)",
                None,
                "decode",
                |r, _| {
                    r.as_ref()
                        .is_err_and(|e| e.message.contains("larger than 8388608 bytes"))
                },
            )
        },
        Case {
            nine_mib: Some(false),
            ..case("answer of 9 MiB (streamed)", None, "decode", |r, _| {
                r.as_ref()
                    .is_err_and(|e| e.message.contains("larger than 8388608 bytes"))
            })
        },
    ]
}

/// Runs one single-request row: reset, stage, call, check, record.
async fn single(m: &mut Matrix, case: &Case) {
    reset().await;
    if let Some(offset) = case.clock_secs {
        move_clock(offset).await;
    }
    if let Some(json) = case.staged {
        fault(json).await;
    }
    let client = match case.nine_mib {
        Some(announced) => client_with_fetch(nine_mib_fetch(announced)),
        None => token_client(),
    };
    let started = Date::now();
    let result = client
        .query_usage(&ids3(), &options(case.max_retries, case.timeout_ms))
        .await
        .map(|_| ());
    let ms = Date::now() - started;
    let seen = stats().await;
    let got = outcome(&result);
    m.record(case.fault, case.promised, case.promised, &got, got.clone());
    m.check((case.check)(&result, &seen), || {
        format!("{}: {result:?}, {} requests", case.fault, seen.requests)
    });
    if let Some(row) = m.rows.last_mut() {
        row.requests = seen.requests;
        row.ms = ms;
    }
}

#[wasm_bindgen_test]
async fn every_fault_has_the_documented_outcome() {
    let mut m = Matrix::default();
    for case in cases() {
        single(&mut m, &case).await;
    }

    // Bulk queries of 1,000 ids.
    reset().await;
    let ids = thousand_ids().await;
    let bulk: [(&str, Option<&str>, bool); 3] = [
        ("down 3 s mid-batch, 1,000 ids", None, true),
        (
            "mixed faults, 1,000 ids",
            Some(
                r#"[{"kind":"status","status":503,"count":2},{"kind":"garbage"},{"kind":"drop"},{"kind":"apiError","code":13000102,"msg":"Verify parameters failed."},{"kind":"status","status":429,"retryAfterSecs":1},{"kind":"delay","delayMs":50,"count":3}]"#,
            ),
            false,
        ),
        ("no fault, 1,000 ids", None, false),
    ];
    for (name, staged, down) in bulk {
        reset().await;
        if let Some(json) = staged {
            fault(json).await;
        }
        let client = if down {
            client_with_fetch(down_midway_fetch())
        } else {
            token_client()
        };
        let started = Date::now();
        let result = client
            .query_usage_all(&ids, &Default::default(), &mut |_| {})
            .await;
        let ms = Date::now() - started;
        let seen = stats().await;
        let (got, shown) = match &result {
            Ok(report) => ("recovered".to_owned(), account_for(&ids, report)),
            Err(e) => (e.error.kind.as_str().to_owned(), e.error.message.clone()),
        };
        m.record(name, "each id in one list", "recovered", &got, shown);
        if let Some(row) = m.rows.last_mut() {
            row.requests = seen.requests;
            row.ms = ms;
        }
        let Ok(report) = result else { continue };
        let kinds: Vec<ErrorKind> = report.failed.iter().map(|c| c.error.kind).collect();
        if down {
            m.check(seen.with_status(0) >= 1, || {
                "down: nothing was dropped".into()
            });
            m.check(kinds.iter().all(|k| *k == ErrorKind::Network), || {
                format!("down: {kinds:?}")
            });
        } else if staged.is_some() {
            let mut sorted: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
            sorted.sort_unstable();
            m.check(sorted == ["api", "decode"], || {
                format!("mixed: failed kinds {sorted:?}")
            });
        } else {
            m.check(
                report.items.len() == 700 && report.missing.len() == 300,
                || "no fault: lost ids".into(),
            );
        }
    }
    reset().await;

    m.print();
    assert!(
        m.broken.is_empty(),
        "rows that did not hold: {:#?}",
        m.broken
    );
}
