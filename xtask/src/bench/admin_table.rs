//! Part 4, the admin page's table at 100,000 users: the release sandbox
//! serving the built page (`--users 100000 --static target/dist/admin`),
//! driven in headless Chromium through playwright-core by the accessible
//! names of docs/accessible-names.md (`bench/admin.mjs`). When the page is not built or
//! the run fails, the rows say so instead of failing the bench.

use super::process::{Background, Harness, Planned, harness_part, run_harness};
use super::table::{Goal, Row};
use super::{Ctx, PartOutput};
use crate::run::{Result, workspace_root};

const PART: &str = "4 admin";

fn planned() -> Vec<Planned> {
    let row = |key: &str, what: &str, ours| Planned::new(Row::new(PART, key, what), ours);
    vec![
        row(
            "admin.first-paint",
            "100,000 users: first answer to the first painted rows",
            "admin-first-paint",
        ),
        row(
            "admin.list-all",
            "List all users: click to 100,000 users shown",
            "admin-list-all",
        ),
        row("admin.sort", "sort by Used: click to paint", "admin-sort").goal(Goal::AtMost(150.0)),
        row(
            "admin.keystroke",
            "one Filter keystroke to paint",
            "admin-keystroke",
        )
        .goal(Goal::AtMost(50.0)),
        row(
            "admin.rows",
            "table rows in the DOM (`tr`)",
            "admin-dom-rows",
        )
        .goal(Goal::AtMost(300.0)),
    ]
}

/// Runs part 4.
pub fn run(ctx: &Ctx) -> PartOutput {
    harness_part(&measure(ctx), planned())
}

fn measure(ctx: &Ctx) -> Result<Harness> {
    run_on_built_page(
        ctx,
        "sandbox (100,000 users, admin page)",
        "admin-sandbox.log",
        "admin.mjs",
        7,
    )
}

/// Runs the page harness `script` against the built admin page, served by a
/// release sandbox of 100,000 users (logged to `logs/LOG`), `reps` turns
/// (2 with `--quick`). Shared by parts 4 and 6.
pub(super) fn run_on_built_page(
    ctx: &Ctx,
    label: &str,
    log: &str,
    script: &str,
    reps: u32,
) -> Result<Harness> {
    run_on_built_page_with(ctx, label, log, script, reps, Vec::new())
}

/// [`run_on_built_page`] with more environment for the harness.
pub(super) fn run_on_built_page_with(
    ctx: &Ctx,
    label: &str,
    log: &str,
    script: &str,
    reps: u32,
    extra_env: Vec<(&'static str, String)>,
) -> Result<Harness> {
    let sandbox = built_page_sandbox(ctx, label, 100_000, log)?;
    let mut env = ctx.node_env()?;
    env.push(("BENCH_SANDBOX_URL", sandbox.url().to_owned()));
    env.push(("BENCH_USERS", "100000".into()));
    let reps = if ctx.quick { 2 } else { reps };
    env.push(("BENCH_REPS", reps.to_string()));
    env.push(("CHROMIUM", crate::tools::CHROMIUM.into()));
    env.extend(extra_env);
    run_harness(script, &env)
}

/// A release sandbox of `users` serving the built admin page, logged to
/// `logs/LOG`; an error when the page is not built.
pub(super) fn built_page_sandbox(
    ctx: &Ctx,
    label: &str,
    users: u32,
    log: &str,
) -> Result<Background> {
    let dist = workspace_root().join(crate::admin::DIST_DIR);
    if !dist.join("index.html").is_file() {
        return Err(format!(
            "the admin page is not built ({} has no index.html; `cargo xtask dist` builds it)",
            crate::admin::DIST_DIR
        ));
    }
    let dist_arg = dist.to_string_lossy().into_owned();
    let users_arg = users.to_string();
    Background::start(
        label,
        ctx.sandbox_bin()?,
        &[
            "--addr",
            "127.0.0.1:0",
            "--users",
            &users_arg,
            "--static",
            &dist_arg,
        ],
        &ctx.out.join("logs").join(log),
    )
}
