//! Part 7, snapshots: the gateway's snapshot store at 1,000,000 users × 30
//! daily snapshots (`bench/snapshots`, a native harness): bytes per user per
//! snapshot, the time to store one, one user's 365-point history (on a
//! second file of 100,000 users × 365 snapshots) and one snapshot streamed
//! by a release gateway to the last byte.

use super::process::{Harness, run_program_harness};
use super::table::{Goal, Row};
use super::{Ctx, PartOutput};
use crate::run::{self, Cmd, Result, workspace_root};

const PART: &str = "7 snapshots";

/// Runs part 7.
pub fn run(ctx: &Ctx) -> PartOutput {
    let mut out = PartOutput::default();
    match measure(ctx) {
        Ok(h) => {
            out.notes.extend(h.notes.iter().cloned());
            out.rows = rows(&h, ctx.quick);
        }
        Err(e) => out.rows.push(
            Row::new(
                PART,
                "snapshots.stream",
                "one snapshot streamed by the gateway",
            )
            .not_measured(e),
        ),
    }
    out
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

fn rows(h: &Harness, quick: bool) -> Vec<Row> {
    let scale = if quick {
        "100,000 users × 5 snapshots"
    } else {
        "1,000,000 users × 30 daily snapshots"
    };
    vec![
        Row::new(
            PART,
            "snapshots.bytes",
            format!("database bytes per user per snapshot ({scale})"),
        )
        .ours(h.figure("bytes-per-user-snapshot")),
        Row::new(
            PART,
            "snapshots.db",
            format!("database file with its WAL ({scale})"),
        )
        .ours(h.figure("db-bytes")),
        Row::new(
            PART,
            "snapshots.store",
            format!("time to store one snapshot: begin, pages of 100, commit ({scale})"),
        )
        .ours(h.figure("store")),
        Row::new(
            PART,
            "snapshots.history365",
            "one user's 365-point history (a file of 100,000 users × 365 snapshots)",
        )
        .ours(h.figure("history-365"))
        .goal(Goal::AtMost(10.0)),
        Row::new(
            PART,
            "snapshots.history30",
            format!("one user's history, in the process ({scale})"),
        )
        .ours(h.figure("history-30")),
        Row::new(
            PART,
            "snapshots.history.http",
            format!("GET /__gateway/users/{{id}}/history, to the last byte ({scale})"),
        )
        .ours(h.figure("history-http")),
        Row::new(
            PART,
            "snapshots.stream",
            format!(
                "GET /__gateway/snapshots/{{id}}: the newest snapshot to the last byte ({scale})"
            ),
        )
        .ours(h.figure("stream-http"))
        .goal(Goal::AtMost(3000.0)),
        Row::new(
            PART,
            "snapshots.stream.bytes",
            "the size of that answer (zlib-compressed stored form)",
        )
        .ours(h.figure("stream-http-bytes")),
        Row::new(
            PART,
            "snapshots.stream.json",
            format!("the same with Accept: application/json, streamed ({scale})"),
        )
        .ours(h.figure("stream-http-json"))
        .goal(Goal::AtMost(3000.0)),
        Row::new(
            PART,
            "snapshots.stream.json.bytes",
            "the size of that answer (JSON)",
        )
        .ours(h.figure("stream-http-json-bytes")),
        Row::new(
            PART,
            "snapshots.start",
            format!("gateway start-up on that file, its quick_check included ({scale})"),
        )
        .ours(h.figure("gateway-start")),
    ]
}
