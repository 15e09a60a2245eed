//! Part 3, client overhead per request: the CPU time of Node to build,
//! sign, send, read and decode one 50-record answer, against a local Node
//! `http` server in another process that answers a fixed body
//! (`bench/overhead.mjs`, `bench/fixed-server.mjs`).

use super::process::{Harness, Planned, harness_part, run_harness};
use super::table::{Goal, Row};
use super::{Ctx, PartOutput};
use crate::run::Result;

const PART: &str = "3 overhead";

/// Runs part 3.
pub fn run(ctx: &Ctx) -> PartOutput {
    harness_part(&measure(ctx), planned())
}

fn measure(ctx: &Ctx) -> Result<Harness> {
    let mut env = ctx.node_env()?;
    env.push(("BENCH_REPS", if ctx.quick { "3" } else { "7" }.into()));
    env.push((
        "BENCH_REQUESTS",
        if ctx.quick { "300" } else { "2000" }.into(),
    ));
    run_harness("overhead.mjs", &env)
}

fn planned() -> Vec<Planned> {
    let baseline = "openapi-fetch + JSON.parse, token mode";
    let row = |key: &str, what: &str, ours| Planned::new(Row::new(PART, key, what), ours);
    vec![
        row(
            "overhead.token",
            "CPU per request, 50 records: queryUsage, token mode",
            "cpu-ours-token",
        )
        .against(baseline, "cpu-openapi-fetch")
        .goal(Goal::RatioAtMost(1.5)),
        row(
            "overhead.app",
            "CPU per request, 50 records: queryUsage, app mode (HMAC-SHA256)",
            "cpu-ours-app",
        )
        .against(baseline, "cpu-openapi-fetch")
        .goal(Goal::RatioAtMost(1.5)),
        row(
            "overhead.openapi",
            "CPU per request, 50 records: openapi-fetch itself",
            "cpu-openapi-fetch",
        )
        .against("bare fetch + JSON.parse", "cpu-bare-fetch"),
        row(
            "overhead.token.wall",
            "wall time per request, one after another: queryUsage, token mode",
            "wall-ours-token",
        )
        .against(baseline, "wall-openapi-fetch"),
    ]
}
