//! Part 2, bulk query: 10,000 ids (200 requests of 50) from Node against the
//! release sandbox, with and without a 50 ms `delay` fault on every answer:
//! `queryUsageAll` at concurrency 4 and 8 beside a bare `fetch` pool (the
//! floor) and a one-at-a-time loop with openapi-fetch (`bench/bulk.mjs`).

use super::process::{Background, Harness, run_harness};
use super::table::{Goal, Row};
use super::{Ctx, PartOutput};
use crate::run::Result;

const PART: &str = "2 bulk";

/// Runs part 2.
pub fn run(ctx: &Ctx) -> PartOutput {
    let mut out = PartOutput::default();
    match measure(ctx) {
        Ok(harness) => {
            out.notes.extend(harness.notes.iter().cloned());
            out.rows = rows(&harness);
        }
        Err(e) => {
            out.rows
                .push(Row::new(PART, "bulk.c8.delay.floor", "bulk query").not_measured(e));
        }
    }
    out
}

fn measure(ctx: &Ctx) -> Result<Harness> {
    let sandbox = Background::start(
        "sandbox (10,000 users)",
        ctx.sandbox_bin()?,
        &["--addr", "127.0.0.1:0", "--users", "10000"],
        &ctx.out.join("logs/bulk-sandbox.log"),
    )?;
    let mut env = ctx.node_env()?;
    env.push(("BENCH_SANDBOX_URL", sandbox.url().to_owned()));
    env.push(("BENCH_IDS", "10000".into()));
    env.push(("BENCH_DELAY_MS", "50".into()));
    env.push(("BENCH_CONCURRENCY", "4,8".into()));
    env.push(("BENCH_REPS", if ctx.quick { "1" } else { "5" }.into()));
    run_harness("bulk.mjs", &env)
}

fn rows(h: &Harness) -> Vec<Row> {
    let what = |c: u32, delay: bool| {
        format!(
            "10,000 ids (200 requests of 50){}: queryUsageAll, concurrency {c}",
            if delay {
                ", 50 ms per answer"
            } else {
                ", no delay"
            }
        )
    };
    let floor = |c: u32| format!("bare fetch pool of {c}, reads the bodies (floor)");
    vec![
        Row::new(PART, "bulk.c8.delay.floor", what(8, true))
            .ours(h.figure("ours-c8-delay"))
            .baseline(floor(8), h.figure("fetch-c8-delay"))
            .goal(Goal::RatioAtMost(1.2)),
        Row::new(PART, "bulk.c8.delay.seq", what(8, true))
            .ours(h.figure("ours-c8-delay"))
            .baseline(
                "openapi-fetch, one request at a time",
                h.figure("openapi-seq-delay"),
            )
            .goal(Goal::RatioAtMost(0.2)),
        Row::new(PART, "bulk.c4.delay.floor", what(4, true))
            .ours(h.figure("ours-c4-delay"))
            .baseline(floor(4), h.figure("fetch-c4-delay")),
        Row::new(PART, "bulk.c8.nodelay.floor", what(8, false))
            .ours(h.figure("ours-c8-nodelay"))
            .baseline(floor(8), h.figure("fetch-c8-nodelay")),
        Row::new(PART, "bulk.c4.nodelay.floor", what(4, false))
            .ours(h.figure("ours-c4-nodelay"))
            .baseline(floor(4), h.figure("fetch-c4-nodelay")),
        Row::new(PART, "bulk.c8.nodelay.seq", what(8, false))
            .ours(h.figure("ours-c8-nodelay"))
            .baseline(
                "openapi-fetch, one request at a time",
                h.figure("openapi-seq-nodelay"),
            ),
        Row::new(
            PART,
            "bulk.c8.nodelay.cpu",
            "CPU time of the Node process for those 10,000 ids, no delay, concurrency 8",
        )
        .ours(h.figure("cpu-ours-c8-nodelay"))
        .baseline("bare fetch pool of 8", h.figure("cpu-fetch-c8-nodelay")),
    ]
}
