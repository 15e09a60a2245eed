//! Part 5, sandbox throughput: 50-id queries a second on loopback with
//! `wrk`, beside a bare hyper server that answers the same body
//! (`koodrive-bench-floor`, the floor): the sandbox with 2,000 users in
//! token mode, with 100,000 users, and in app mode (an HMAC-SHA256
//! signature verified on every request). The requests are prepared by
//! `bench/wrk-prep.mjs` (ids from the sandbox's listing; app headers signed
//! by the npm module, with an X-Date valid for the run) once per turn.

use std::path::{Path, PathBuf};

use super::process::{Background, capture_quiet, run_harness};
use super::stats::{Figure, Unit};
use super::table::{Goal, Row};
use super::{Ctx, PartOutput};
use crate::run::{self, Cmd, Result};

const PART: &str = "5 throughput";

/// wrk's settings: one thread (the other core is the server's), 8 connections.
const WRK_THREADS: &str = "-t1";
const WRK_CONNECTIONS: &str = "-c8";

/// Runs part 5.
pub fn run(ctx: &Ctx) -> PartOutput {
    let mut out = PartOutput::default();
    match measure(ctx, &mut out.notes) {
        Ok(rows) => out.rows = rows,
        Err(e) => out.rows.push(
            Row::new(PART, "rps.token", "sandbox throughput")
                .not_measured(e.lines().next().unwrap_or("failed").to_owned()),
        ),
    }
    out
}

/// `wrk`, installed with apt-get when missing and running as root.
fn ensure_wrk() -> Result<PathBuf> {
    if let Some(wrk) = run::which("wrk") {
        return Ok(wrk);
    }
    let root = capture_quiet("id", &["-u"]).is_ok_and(|uid| uid.trim() == "0");
    if !root {
        return Err(
            "wrk is not installed: `sudo apt-get install -y wrk`, then run the bench again".into(),
        );
    }
    println!("wrk is missing: installing it with apt-get");
    if run::run(&Cmd::new("apt-get").args(["install", "-y", "wrk"])).is_err() {
        run::run(&Cmd::new("apt-get").arg("update"))?;
        run::run(&Cmd::new("apt-get").args(["install", "-y", "wrk"]))?;
    }
    run::which("wrk").ok_or_else(|| "wrk is still not on PATH after apt-get install".into())
}

/// What `wrk-prep.mjs` wrote for one sandbox.
struct Prepared {
    token: String,
    app: String,
    body: String,
}

fn prepare(ctx: &Ctx, url: &str, name: &str) -> Result<Prepared> {
    let mut env = ctx.node_env()?;
    env.push(("BENCH_SANDBOX_URL", url.to_owned()));
    env.push((
        "BENCH_OUT_DIR",
        ctx.out.join("wrk").to_string_lossy().into_owned(),
    ));
    env.push(("BENCH_NAME", name.to_owned()));
    std::fs::create_dir_all(ctx.out.join("wrk")).map_err(|e| e.to_string())?;
    let h = run_harness("wrk-prep.mjs", &env)?;
    let file = |key: &str| {
        h.raw
            .pointer(&format!("/files/{key}"))
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| format!("wrk-prep.mjs wrote no {key} file"))
    };
    Ok(Prepared {
        token: file("token")?,
        app: file("app")?,
        body: file("body")?,
    })
}

/// One wrk run: requests a second; any non-2xx answer or socket error fails it.
fn wrk(wrk: &Path, script: &str, url: &str, seconds: u32) -> Result<f64> {
    let target = format!("{url}{}", "/koodrive/ose/v1/space/usage/user");
    let duration = format!("-d{seconds}s");
    println!("$ wrk {WRK_THREADS} {WRK_CONNECTIONS} {duration} -s {script} {target}");
    let output = capture_quiet(
        &wrk.to_string_lossy(),
        &[
            WRK_THREADS,
            WRK_CONNECTIONS,
            &duration,
            "-s",
            script,
            &target,
        ],
    )?;
    if let Some(line) = output
        .lines()
        .find(|l| l.contains("Non-2xx") || l.contains("Socket errors"))
    {
        return Err(format!("wrk saw failures: {}", line.trim()));
    }
    let rps = output
        .lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .ok_or_else(|| format!("no Requests/sec in wrk's output:\n{output}"))?;
    println!("  {rps:.0} requests/s");
    Ok(rps)
}

fn measure(ctx: &Ctx, notes: &mut Vec<String>) -> Result<Vec<Row>> {
    let wrk_bin = ensure_wrk()?;
    let sandbox_bin = ctx.sandbox_bin()?;
    let logs = ctx.out.join("logs");
    let small = Background::start(
        "sandbox (2,000 users)",
        sandbox_bin,
        &["--addr", "127.0.0.1:0"],
        &logs.join("throughput-sandbox.log"),
    )?;
    let large = Background::start(
        "sandbox (100,000 users)",
        sandbox_bin,
        &["--addr", "127.0.0.1:0", "--users", "100000"],
        &logs.join("throughput-sandbox-100k.log"),
    )?;
    let first = prepare(ctx, small.url(), "small")?;
    let floor = Background::start(
        "bare hyper server (floor)",
        ctx.floor_bin()?,
        &["127.0.0.1:0", &first.body],
        &logs.join("throughput-floor.log"),
    )?;
    let body_bytes = std::fs::metadata(&first.body).map_or(0, |m| m.len());
    let reps = if ctx.quick { 1 } else { 5 };
    let seconds = if ctx.quick { 2 } else { 5 };
    notes.push(format!(
        "wrk {WRK_THREADS} {WRK_CONNECTIONS}, {seconds} s a run, {reps} runs each in turns; \
         answers of {body_bytes} bytes (50 records); the sandbox logs every request to a file"
    ));

    let names = ["floor", "token", "100k", "app"];
    let mut samples: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
    for rep in 0..reps {
        // Fresh requests each turn: the app signature's X-Date stays young.
        let small_req = prepare(ctx, small.url(), "small")?;
        let large_req = prepare(ctx, large.url(), "large")?;
        for k in 0..names.len() {
            let i = (k + rep) % names.len();
            let rps = match names[i] {
                "floor" => wrk(&wrk_bin, &small_req.token, floor.url(), seconds)?,
                "token" => wrk(&wrk_bin, &small_req.token, small.url(), seconds)?,
                "100k" => wrk(&wrk_bin, &large_req.token, large.url(), seconds)?,
                _ => wrk(&wrk_bin, &small_req.app, small.url(), seconds)?,
            };
            samples[i].push(rps);
        }
    }
    let figure = |i: usize| Figure::of(Unit::PerSec, &samples[i]);
    let floor_name = "bare hyper server, same body (floor)";
    Ok(vec![
        Row::new(
            PART,
            "rps.token",
            "50-id queries/s: sandbox, 2,000 users, token mode",
        )
        .ours(figure(1))
        .baseline(floor_name, figure(0))
        .goal(Goal::RatioAtLeast(0.5)),
        Row::new(
            PART,
            "rps.100k",
            "50-id queries/s: sandbox, 100,000 users, token mode",
        )
        .ours(figure(2))
        .baseline(floor_name, figure(0))
        .goal(Goal::RatioAtLeast(0.5)),
        Row::new(
            PART,
            "rps.app",
            "50-id queries/s: sandbox, 2,000 users, app mode (signature checked)",
        )
        .ours(figure(3))
        .baseline(floor_name, figure(0))
        .goal(Goal::RatioAtLeast(0.5)),
    ])
}
