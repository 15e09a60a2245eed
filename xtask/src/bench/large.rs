//! Part "large", a tenant of a million users: **List all users** on the built
//! page with every answer 50 ms late, beside a plain `fetch` pool of the same
//! concurrency in the same page (the floor), and at 200,000 users without a
//! delay; the rows' cost at a million (bytes per user, sort, a Filter
//! keystroke, the exports, the longest task while pages stream in)
//! (`bench/large-page.mjs`); and `listUsageAll` in Node beside a bare fetch
//! pool (`bench/large-node.mjs`). Heavy on two cores: about five minutes.

use super::process::{Background, Harness, run_harness};
use super::table::{Goal, Row};
use super::{Ctx, PartOutput};
use crate::run::{Result, workspace_root};

const PART: &str = "7 large";

/// Requests in flight at once, for ours and the floors.
const CONCURRENCY: &str = "8";

/// Runs the part.
pub fn run(ctx: &Ctx) -> PartOutput {
    let mut out = PartOutput::default();
    let million = if ctx.quick { 100_000 } else { 1_000_000 };
    let many = format_count(million);

    let page = page(ctx, million, "delay", 50, true);
    let mut rows = vec![
        Row::new(
            PART,
            "large.page.delay",
            format!(
                "List all users on the built page, {many} users, 50 ms per answer, concurrency 8"
            ),
        )
        .goal(Goal::RatioAtMost(1.2)),
        Row::new(
            PART,
            "large.page.longest-task",
            format!("longest task while {many} users stream in (a timer chain's longest gap)"),
        ),
        Row::new(
            PART,
            "large.rows.bytes",
            format!("memory per user at {many} rows: wasm memory growth + JS heap growth"),
        )
        .goal(Goal::AtMost(200.0)),
        Row::new(
            PART,
            "large.rows.sort",
            format!("sort {many} rows by Used: click to paint"),
        )
        .goal(Goal::AtMost(300.0)),
        Row::new(
            PART,
            "large.rows.keystroke",
            format!("one Filter keystroke at {many} rows, to paint"),
        )
        .goal(Goal::AtMost(100.0)),
        Row::new(
            PART,
            "large.rows.csv",
            format!("Export CSV of {many} rows: click to download"),
        )
        .goal(Goal::AtMost(5000.0)),
        Row::new(
            PART,
            "large.rows.json",
            format!("Export JSON of {many} rows: click to download"),
        )
        .goal(Goal::AtMost(5000.0)),
    ];
    match &page {
        Ok(h) => {
            out.notes.extend(h.notes.iter().cloned());
            let fill = |row: Row, name: &str| match h.figure(name) {
                Some(f) => row.ours(Some(f)),
                None => row.not_measured("the page gave no figure (see the notes)"),
            };
            let mut filled = Vec::new();
            let mut it = rows.into_iter();
            if let Some(first) = it.next() {
                filled.push(fill(first, "large-page-ours-delay").baseline(
                    "a plain fetch pool of 8 in the same page, reading the bodies (floor)",
                    h.figure("large-page-fetch-delay"),
                ));
            }
            for (row, name) in it.zip([
                "large-page-longest-task-delay",
                "large-bytes-per-user",
                "large-sort",
                "large-keystroke",
                "large-export-csv",
                "large-export-json",
            ]) {
                filled.push(fill(row, name));
            }
            rows = filled;
        }
        Err(e) => {
            let why = e.lines().next().unwrap_or("failed").to_owned();
            rows = rows
                .into_iter()
                .map(|r| r.not_measured(why.clone()))
                .collect();
        }
    }
    out.rows.extend(rows);

    let fast = if ctx.quick { 50_000 } else { 200_000 };
    let fast_row = Row::new(
        PART,
        "large.page.nodelay",
        format!(
            "List all users on the built page, {} users, no delay, concurrency 8",
            format_count(fast)
        ),
    );
    out.rows.push(match page_nodelay(ctx, fast) {
        Ok(h) => {
            out.notes.extend(h.notes.iter().cloned());
            fast_row.ours(h.figure("large-page-ours-nodelay")).baseline(
                "a plain fetch pool of 8 in the same page (floor)",
                h.figure("large-page-fetch-nodelay"),
            )
        }
        Err(e) => fast_row.not_measured(e.lines().next().unwrap_or("failed").to_owned()),
    });

    let node_users = if ctx.quick { 10_000 } else { 50_000 };
    let node_row = Row::new(
        PART,
        "large.node.delay",
        format!(
            "listUsageAll in Node, {} users, 50 ms per answer, concurrency 8",
            format_count(node_users)
        ),
    )
    .goal(Goal::RatioAtMost(1.2));
    out.rows.push(match node(ctx, node_users) {
        Ok(h) => {
            out.notes.extend(h.notes.iter().cloned());
            node_row.ours(h.figure("large-node-ours")).baseline(
                "a bare fetch pool of 8, reading the bodies (floor)",
                h.figure("large-node-fetch"),
            )
        }
        Err(e) => node_row.not_measured(e.lines().next().unwrap_or("failed").to_owned()),
    });
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

fn page_nodelay(ctx: &Ctx, users: u32) -> Result<Harness> {
    page(ctx, users, "nodelay", 0, false)
}

/// The page harness against a sandbox of `users` serving the built page.
fn page(ctx: &Ctx, users: u32, tag: &str, delay_ms: u32, rows: bool) -> Result<Harness> {
    let dist = workspace_root().join(crate::admin::DIST_DIR);
    if !dist.join("index.html").is_file() {
        return Err(format!(
            "the admin page is not built ({} has no index.html; `cargo xtask dist` builds it)",
            crate::admin::DIST_DIR
        ));
    }
    let dist_arg = dist.to_string_lossy().into_owned();
    let users_arg = users.to_string();
    let sandbox = Background::start(
        &format!("sandbox ({users} users, admin page)"),
        ctx.sandbox_bin()?,
        &[
            "--addr",
            "127.0.0.1:0",
            "--users",
            &users_arg,
            "--static",
            &dist_arg,
        ],
        &ctx.out.join(format!("logs/large-{tag}-sandbox.log")),
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
