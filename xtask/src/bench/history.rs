//! Part 8, history: the usage history the admin page keeps, at 100,000
//! users × 90 daily snapshots, aged by the sandbox's own rates (the native
//! harness `crates/sandbox/examples/history_scale.rs`): the bytes stored, per
//! user per snapshot, the export file, and the time to code one snapshot,
//! to decode them all and to compute every user's trend, and to keep those
//! trends and read them back; then that history
//! in the built page (`bench/history.mjs`, headless Chromium): imported, and
//! ready after a load (read back from IndexedDB with the trends kept beside
//! the snapshots).

use super::process::{Harness, Planned, harness_part, run_program_harness};
use super::table::{Goal, Row};
use super::{Ctx, PartOutput};
use crate::run::{self, Cmd, Result, workspace_root};

const PART: &str = "8 history";

/// The goal for the stored history: 100 MiB.
const STORED_GOAL_BYTES: f64 = 100.0 * 1024.0 * 1024.0;

/// Runs part 8.
pub fn run(ctx: &Ctx) -> PartOutput {
    let mut out = harness_part(&measure(ctx), planned(ctx.quick));
    let page = harness_part(
        &measure_page(ctx),
        vec![
            Planned::new(
                Row::new(
                    PART,
                    "history.import",
                    "the page: importing that history file, to every snapshot listed",
                ),
                "history-import",
            ),
            Planned::new(
                Row::new(
                    PART,
                    "history.ready",
                    "the page: load to the History region and the Growth column ready",
                ),
                "history-ready",
            )
            .goal(Goal::AtMost(2000.0)),
            Planned::new(
                Row::new(
                    PART,
                    "history.ready-computing",
                    "the page: the same without the kept trends (every snapshot decoded, the trends computed)",
                ),
                "history-ready-computing",
            ),
        ],
    );
    out.notes.extend(page.notes);
    out.rows.extend(page.rows);
    out
}

/// Where the history file for the page is written.
fn history_file(ctx: &Ctx) -> std::path::PathBuf {
    ctx.out.join("history").join("history.kdhistory")
}

fn scale(ctx: &Ctx) -> (&'static str, &'static str) {
    if ctx.quick {
        ("10000", "10")
    } else {
        ("100000", "90")
    }
}

fn measure_page(ctx: &Ctx) -> Result<Harness> {
    let file = history_file(ctx);
    if !file.is_file() {
        return Err("the history file was not written (see the native rows)".to_owned());
    }
    super::admin_table::run_on_built_page_with(
        ctx,
        "sandbox (admin page, usage history)",
        "history-sandbox.log",
        "history.mjs",
        3,
        vec![
            ("BENCH_HISTORY_FILE", file.to_string_lossy().into_owned()),
            ("BENCH_HISTORY_SNAPSHOTS", scale(ctx).1.to_owned()),
        ],
    )
}

fn measure(ctx: &Ctx) -> Result<Harness> {
    run::run(&Cmd::cargo().args([
        "build",
        "--release",
        "-p",
        "koodrive-sandbox",
        "--example",
        "history_scale",
    ]))?;
    let program = workspace_root().join("target/release/examples/history_scale");
    let (users, days) = scale(ctx);
    let file = history_file(ctx);
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot make {}: {e}", dir.display()))?;
    }
    run_program_harness(&program, &[users, days, &file.to_string_lossy()])
}

fn planned(quick: bool) -> Vec<Planned> {
    let scale = if quick {
        "10,000 users × 10 snapshots"
    } else {
        "100,000 users × 90 daily snapshots"
    };
    let row = |key: &str, what: String, ours| Planned::new(Row::new(PART, key, what), ours);
    vec![
        row(
            "history.stored",
            format!(
                "usage history as stored in the browser, snapshots and the trends kept beside them ({scale})"
            ),
            "stored-bytes",
        )
        .goal(Goal::AtMost(STORED_GOAL_BYTES)),
        row(
            "history.snapshots",
            format!("of which the snapshots ({scale})"),
            "snapshot-bytes",
        ),
        row(
            "history.bytes",
            format!("stored bytes per user per snapshot ({scale})"),
            "bytes-per-user-snapshot",
        ),
        row(
            "history.export",
            format!("the exported history file ({scale})"),
            "export-bytes",
        ),
        row(
            "history.encode",
            format!("coding one snapshot against the one before, native ({scale})"),
            "encode-ms",
        ),
        row(
            "history.decode",
            format!("decoding every snapshot, native ({scale})"),
            "decode-all-ms",
        ),
        row(
            "history.trends",
            format!("every user's growth and forecast, decoding included, native ({scale})"),
            "trends-ms",
        ),
        row(
            "history.trends-stored",
            format!("those trends as kept beside the snapshots ({scale})"),
            "trends-stored-bytes",
        ),
        row(
            "history.trends-store",
            format!("keeping them: the stored form, native ({scale})"),
            "trends-store-ms",
        ),
        row(
            "history.trends-read",
            format!("reading them back instead of computing them, native ({scale})"),
            "trends-read-ms",
        ),
    ]
}
