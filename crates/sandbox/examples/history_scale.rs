//! The scale of usage history: `users` made-up users aged one day at a time
//! by the sandbox's own rates for `days` days, a snapshot taken each day and
//! kept in a `History` (each coded against the one before, compressed), then
//! every user's trend computed from it, stored as the page keeps it and
//! read back. Prints one JSON object with the
//! stored bytes, the bytes per user per snapshot and the times taken, which
//! `cargo xtask bench` reads.
//!
//! ```sh
//! cargo run --release -p koodrive-sandbox --example history_scale -- 100000 90 [history.kdhistory]
//! ```
//!
//! With a third argument, the history is also written there as one history
//! file (what the page exports and imports).

use std::time::Instant;

use koodrive_core::history::{
    History, Snapshot, SnapshotSource, Trends, store_trends, stored_trends_for,
};
use koodrive_sandbox::Users;

const NOW_MS: i64 = 1_764_244_800_000;
const DAY_MS: i64 = 86_400_000;

fn main() {
    let mut args = std::env::args().skip(1);
    let users: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let days: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(90);
    // Where to write the history file, for the page's benchmark.
    let out: Option<String> = args.next();

    let start = Users::generate(users, 42, NOW_MS);
    let mut history = History::new();
    let mut encode_ms = 0.0;
    for day in 0..days {
        let aged = start.aged(day as f64);
        let snapshot = Snapshot::from_records(
            NOW_MS + day as i64 * DAY_MS,
            SnapshotSource::Listing,
            aged.records(),
        );
        let started = Instant::now();
        if let Err(e) = history.add(snapshot) {
            eprintln!("history_scale: {e}");
            std::process::exit(1);
        }
        encode_ms += started.elapsed().as_secs_f64() * 1000.0;
    }
    let bytes = history.stored_bytes();
    let export = history.export().len();

    let started = Instant::now();
    let decoded = history.snapshots().filter(Result::is_ok).count();
    let decode_ms = started.elapsed().as_secs_f64() * 1000.0;

    let started = Instant::now();
    let trends = match Trends::compute(&history, 0.99) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("history_scale: {e}");
            std::process::exit(1);
        }
    };
    let trends_ms = started.elapsed().as_secs_f64() * 1000.0;
    let growing = trends
        .iter()
        .filter(|(_, t)| t.per_day().is_some_and(|r| r > 0.0))
        .count();

    // The trends as the page keeps them beside the snapshots, and reading
    // them back (what a page opened again does instead of computing them).
    let started = Instant::now();
    let kept = store_trends(&trends, &history, 0.99);
    let store_ms = started.elapsed().as_secs_f64() * 1000.0;
    let started = Instant::now();
    let back = match stored_trends_for(&kept, &history, 0.99) {
        Ok(Some(t)) => t.len(),
        Ok(None) => {
            eprintln!("history_scale: the stored trends read back as stale");
            std::process::exit(1);
        }
        Err(e) => {
            eprintln!("history_scale: {e}");
            std::process::exit(1);
        }
    };
    let read_ms = started.elapsed().as_secs_f64() * 1000.0;
    if back != trends.len() {
        eprintln!(
            "history_scale: {back} stored trends read back, {} expected",
            trends.len()
        );
        std::process::exit(1);
    }

    // One line in the form `cargo xtask bench` reads: each figure a metric
    // with its unit and its one sample, then the plain fields.
    let metric = |unit: &str, value: f64| format!("{{\"unit\":\"{unit}\",\"samples\":[{value}]}}");
    println!(
        "{{\"metrics\":{{\"stored-bytes\":{},\"snapshot-bytes\":{},\"bytes-per-user-snapshot\":{},\"export-bytes\":{},\"encode-ms\":{},\
         \"decode-all-ms\":{},\"trends-ms\":{},\"trends-stored-bytes\":{},\"trends-store-ms\":{},\"trends-read-ms\":{}}},\"users\":{users},\"snapshots\":{days},\
         \"decoded\":{decoded},\"storedBytes\":{bytes},\"exportBytes\":{export},\
         \"bytesPerUserPerSnapshot\":{:.3},\"encodeMsPerSnapshot\":{:.1},\"decodeAllMs\":{decode_ms:.1},\
         \"trendsMs\":{trends_ms:.1},\"trendUsers\":{},\"growing\":{growing}}}",
        metric("bytes", (bytes + kept.len()) as f64),
        metric("bytes", bytes as f64),
        metric("bytes", bytes as f64 / (users * days) as f64),
        metric("bytes", export as f64),
        metric("ms", encode_ms / days as f64),
        metric("ms", decode_ms),
        metric("ms", trends_ms),
        metric("bytes", kept.len() as f64),
        metric("ms", store_ms),
        metric("ms", read_ms),
        bytes as f64 / (users * days) as f64,
        encode_ms / days as f64,
        trends.len(),
    );
    if let Some(path) = out {
        if let Err(e) = std::fs::write(&path, history.export()) {
            eprintln!("history_scale: cannot write {path}: {e}");
            std::process::exit(1);
        }
    }
}
