//! Part "large", a tenant of a million users: **List all users** on the built
//! page with every answer 50 ms late, beside a plain `fetch` pool of the same
//! concurrency in the same page (the floor), and at 200,000 users without a
//! delay; the rows' cost at a million (bytes per user, sort, a Filter
//! keystroke, the exports, the longest task while pages stream in)
//! (`bench/large-page.mjs`); and `listUsageAll` in Node beside a bare fetch
//! pool (`bench/large-node.mjs`). Heavy on two cores: about five minutes.

use super::process::{Background, Harness, Planned, harness_part, run_harness};
use super::table::{Goal, Row};
use super::{Ctx, PartOutput};
use crate::run::Result;

const PART: &str = "7 large";

/// Requests in flight at once, for ours and the floors.
const CONCURRENCY: &str = "8";

/// Runs the part.
pub fn run(ctx: &Ctx) -> PartOutput {
    let million = if ctx.quick { 100_000 } else { 1_000_000 };
    let many = format_count(million);
    let row = |key: &str, what: String, ours| Planned::new(Row::new(PART, key, what), ours);
    let mut out = harness_part(
        &page(ctx, million, "delay", 50, true),
        vec![
            row(
                "large.page.delay",
                format!(
                    "List all users on the built page, {many} users, 50 ms per answer, concurrency 8"
                ),
                "large-page-ours-delay",
            )
            .against(
                "a plain fetch pool of 8 in the same page, reading the bodies (floor)",
                "large-page-fetch-delay",
            )
            .goal(Goal::RatioAtMost(1.2)),
            row(
                "large.page.longest-task",
                format!("longest task while {many} users stream in (a timer chain's longest gap)"),
                "large-page-longest-task-delay",
            ),
            row(
                "large.rows.bytes",
                format!("memory per user at {many} rows: wasm memory growth + JS heap growth"),
                "large-bytes-per-user",
            )
            .goal(Goal::AtMost(200.0)),
            row(
                "large.rows.sort",
                format!("sort {many} rows by Used: click to paint"),
                "large-sort",
            )
            .goal(Goal::AtMost(300.0)),
            row(
                "large.rows.keystroke",
                format!("one Filter keystroke at {many} rows, to paint"),
                "large-keystroke",
            )
            .goal(Goal::AtMost(100.0)),
            row(
                "large.rows.csv",
                format!("Export CSV of {many} rows: click to download"),
                "large-export-csv",
            )
            .goal(Goal::AtMost(5000.0)),
            row(
                "large.rows.json",
                format!("Export JSON of {many} rows: click to download"),
                "large-export-json",
            )
            .goal(Goal::AtMost(5000.0)),
        ],
    );

    let fast = if ctx.quick { 50_000 } else { 200_000 };
    let fast_part = harness_part(
        &page(ctx, fast, "nodelay", 0, false),
        vec![
            row(
                "large.page.nodelay",
                format!(
                    "List all users on the built page, {} users, no delay, concurrency 8",
                    format_count(fast)
                ),
                "large-page-ours-nodelay",
            )
            .against(
                "a plain fetch pool of 8 in the same page (floor)",
                "large-page-fetch-nodelay",
            ),
        ],
    );

    let node_users = if ctx.quick { 10_000 } else { 50_000 };
    let node_part = harness_part(
        &node(ctx, node_users),
        vec![
            row(
                "large.node.delay",
                format!(
                    "listUsageAll in Node, {} users, 50 ms per answer, concurrency 8",
                    format_count(node_users)
                ),
                "large-node-ours",
            )
            .against(
                "a bare fetch pool of 8, reading the bodies (floor)",
                "large-node-fetch",
            )
            .goal(Goal::RatioAtMost(1.2)),
        ],
    );
    for part in [fast_part, node_part] {
        out.notes.extend(part.notes);
        out.rows.extend(part.rows);
    }
    out
}

fn format_count(n: u32) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The page harness against a sandbox of `users` serving the built page.
fn page(ctx: &Ctx, users: u32, tag: &str, delay_ms: u32, rows: bool) -> Result<Harness> {
    let users_arg = users.to_string();
    let sandbox = super::admin_table::built_page_sandbox(
        ctx,
        &format!("sandbox ({users} users, admin page)"),
        users,
        &format!("large-{tag}-sandbox.log"),
    )?;
    let mut env = ctx.node_env()?;
    env.push(("BENCH_SANDBOX_URL", sandbox.url().to_owned()));
    env.push(("BENCH_USERS", users_arg.clone()));
    env.push(("BENCH_TAG", tag.to_owned()));
    env.push(("BENCH_DELAY_MS", delay_ms.to_string()));
    env.push(("BENCH_CONCURRENCY", CONCURRENCY.into()));
    env.push(("BENCH_REPS", if ctx.quick { "1" } else { "3" }.into()));
    env.push(("BENCH_ROWS", if rows { "1" } else { "0" }.into()));
    env.push(("CHROMIUM", crate::tools::CHROMIUM.into()));
    run_harness("large-page.mjs", &env)
}

fn node(ctx: &Ctx, users: u32) -> Result<Harness> {
    let users_arg = users.to_string();
    let sandbox = Background::start(
        &format!("sandbox ({users} users)"),
        ctx.sandbox_bin()?,
        &["--addr", "127.0.0.1:0", "--users", &users_arg],
        &ctx.out.join("logs/large-node-sandbox.log"),
    )?;
    let mut env = ctx.node_env()?;
    env.push(("BENCH_SANDBOX_URL", sandbox.url().to_owned()));
    env.push(("BENCH_USERS", users_arg));
    env.push(("BENCH_DELAY_MS", "50".into()));
    env.push(("BENCH_CONCURRENCY", CONCURRENCY.into()));
    env.push(("BENCH_REPS", if ctx.quick { "1" } else { "3" }.into()));
    run_harness("large-node.mjs", &env)
}
