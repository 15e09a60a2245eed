//! Part 7, snapshots: the gateway's snapshot store at 1,000,000 users × 30
//! daily snapshots (`bench/snapshots`, a native harness): bytes per user per
//! snapshot, the time to store one, one user's 365-point history (on a
//! second file of 100,000 users × 365 snapshots) and one snapshot streamed
//! by a release gateway to the last byte.

use super::process::{Harness, Planned, harness_part, run_program_harness};
use super::table::{Goal, Row};
use super::{Ctx, PartOutput};
use crate::run::{self, Cmd, Result, workspace_root};

const PART: &str = "7 snapshots";

/// Runs part 7.
pub fn run(ctx: &Ctx) -> PartOutput {
    harness_part(&measure(ctx), planned(ctx.quick))
}

fn measure(ctx: &Ctx) -> Result<Harness> {
    run::run(&Cmd::cargo().args([
        "build",
        "--release",
        "-p",
        "koodrive-bench-snapshots",
        "-p",
        "koodrive-gateway",
    ]))?;
    let release = workspace_root().join("target/release");
    let gateway = release.join("koodrive-gateway");
    let out = ctx.out.join("snapshots");
    let (users, days, history_users) = if ctx.quick {
        ("100000", "5", "10000")
    } else {
        ("1000000", "30", "100000")
    };
    run_program_harness(
        &release.join("koodrive-bench-snapshots"),
        &[
            "--users",
            users,
            "--days",
            days,
            "--history-users",
            history_users,
            "--history-days",
            "365",
            "--out",
            &out.to_string_lossy(),
            "--gateway",
            &gateway.to_string_lossy(),
        ],
    )
}

fn planned(quick: bool) -> Vec<Planned> {
    let scale = if quick {
        "100,000 users × 5 snapshots"
    } else {
        "1,000,000 users × 30 daily snapshots"
    };
    let row = |key: &str, what: String, ours| Planned::new(Row::new(PART, key, what), ours);
    vec![
        row(
            "snapshots.bytes",
            format!("database bytes per user per snapshot ({scale})"),
            "bytes-per-user-snapshot",
        ),
        row(
            "snapshots.db",
            format!("database file with its WAL ({scale})"),
            "db-bytes",
        ),
        row(
            "snapshots.store",
            format!("time to store one snapshot: begin, pages of 100, commit ({scale})"),
            "store",
        ),
        row(
            "snapshots.history365",
            "one user's 365-point history (a file of 100,000 users × 365 snapshots)".into(),
            "history-365",
        )
        .goal(Goal::AtMost(10.0)),
        row(
            "snapshots.history30",
            format!("one user's history, in the process ({scale})"),
            "history-30",
        ),
        row(
            "snapshots.history.http",
            format!("GET /__gateway/users/{{id}}/history, to the last byte ({scale})"),
            "history-http",
        ),
        row(
            "snapshots.stream",
            format!(
                "GET /__gateway/snapshots/{{id}}: the newest snapshot to the last byte ({scale})"
            ),
            "stream-http",
        )
        .goal(Goal::AtMost(3000.0)),
        row(
            "snapshots.stream.bytes",
            "the size of that answer (zlib-compressed stored form)".into(),
            "stream-http-bytes",
        ),
        row(
            "snapshots.stream.json",
            format!("the same with Accept: application/json, streamed ({scale})"),
            "stream-http-json",
        )
        .goal(Goal::AtMost(3000.0)),
        row(
            "snapshots.stream.json.bytes",
            "the size of that answer (JSON)".into(),
            "stream-http-json-bytes",
        ),
        row(
            "snapshots.start",
            format!("gateway start-up on that file, its quick_check included ({scale})"),
            "gateway-start",
        ),
    ]
}
