//! Part 2, bulk query: 10,000 ids (200 requests of 50) from Node against the
//! release sandbox, with and without a 50 ms `delay` fault on every answer:
//! `queryUsageAll` at concurrency 4 and 8 beside a bare `fetch` pool (the
//! floor) and a one-at-a-time loop with openapi-fetch (`bench/bulk.mjs`).

use super::process::{Background, Harness, Planned, harness_part, run_harness};
use super::table::{Goal, Row};
use super::{Ctx, PartOutput};
use crate::run::Result;

const PART: &str = "2 bulk";

/// Runs part 2.
pub fn run(ctx: &Ctx) -> PartOutput {
    harness_part(&measure(ctx), planned())
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

fn planned() -> Vec<Planned> {
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
    let sequential = "openapi-fetch, one request at a time";
    let row = |key: &str, what: String, ours| Planned::new(Row::new(PART, key, what), ours);
    vec![
        row("bulk.c8.delay.floor", what(8, true), "ours-c8-delay")
            .against(floor(8), "fetch-c8-delay")
            .goal(Goal::RatioAtMost(1.2)),
        row("bulk.c8.delay.seq", what(8, true), "ours-c8-delay")
            .against(sequential, "openapi-seq-delay")
            .goal(Goal::RatioAtMost(0.2)),
        row("bulk.c4.delay.floor", what(4, true), "ours-c4-delay")
            .against(floor(4), "fetch-c4-delay"),
        row("bulk.c8.nodelay.floor", what(8, false), "ours-c8-nodelay")
            .against(floor(8), "fetch-c8-nodelay"),
        row("bulk.c4.nodelay.floor", what(4, false), "ours-c4-nodelay")
            .against(floor(4), "fetch-c4-nodelay"),
        row("bulk.c8.nodelay.seq", what(8, false), "ours-c8-nodelay")
            .against(sequential, "openapi-seq-nodelay"),
        row(
            "bulk.c8.nodelay.cpu",
            "CPU time of the Node process for those 10,000 ids, no delay, concurrency 8".into(),
            "cpu-ours-c8-nodelay",
        )
        .against("bare fetch pool of 8", "cpu-fetch-c8-nodelay"),
    ]
}
