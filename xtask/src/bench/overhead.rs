//! Part 3, client overhead per request: the CPU time of Node to build,
//! sign, send, read and decode one 50-record answer, against a local Node
//! `http` server in another process that answers a fixed body
//! (`bench/overhead.mjs`, `bench/fixed-server.mjs`).

use super::process::{Harness, run_harness};
use super::table::{Goal, Row};
use super::{Ctx, PartOutput};
use crate::run::Result;

const PART: &str = "3 overhead";

/// Runs part 3.
pub fn run(ctx: &Ctx) -> PartOutput {
    let mut out = PartOutput::default();
    match measure(ctx) {
        Ok(h) => {
            out.notes.extend(h.notes.iter().cloned());
            out.rows = rows(&h);
        }
        Err(e) => out
            .rows
            .push(Row::new(PART, "overhead.token", "client overhead per request").not_measured(e)),
    }
    out
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

fn rows(h: &Harness) -> Vec<Row> {
    let baseline = "openapi-fetch + JSON.parse, token mode";
    vec![
        Row::new(
            PART,
            "overhead.token",
            "CPU per request, 50 records: queryUsage, token mode",
        )
        .ours(h.figure("cpu-ours-token"))
        .baseline(baseline, h.figure("cpu-openapi-fetch"))
        .goal(Goal::RatioAtMost(1.5)),
        Row::new(
            PART,
            "overhead.app",
            "CPU per request, 50 records: queryUsage, app mode (HMAC-SHA256)",
        )
        .ours(h.figure("cpu-ours-app"))
        .baseline(baseline, h.figure("cpu-openapi-fetch"))
        .goal(Goal::RatioAtMost(1.5)),
        Row::new(
            PART,
            "overhead.openapi",
            "CPU per request, 50 records: openapi-fetch itself",
        )
        .ours(h.figure("cpu-openapi-fetch"))
        .baseline("bare fetch + JSON.parse", h.figure("cpu-bare-fetch")),
        Row::new(
            PART,
            "overhead.token.wall",
            "wall time per request, one after another: queryUsage, token mode",
        )
        .ours(h.figure("wall-ours-token"))
        .baseline(baseline, h.figure("wall-openapi-fetch")),
    ]
}
