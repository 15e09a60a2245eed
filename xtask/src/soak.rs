//! The soak of `cargo xtask conformance`: the release sandbox under `wrk`,
//! warmed up by 5 s of the mixed load below, for 60 s at its top rate (valid requests only: every answer must be 200),
//! then 30 s of a mixed load with faults staged throughout
//! (`xtask/conformance/mixed.lua`: only the statuses that load and those
//! faults produce may come back). Meanwhile its RSS is sampled from
//! `/proc/PID/status` every second; after both phases it must still answer,
//! its log must hold no panic, and its RSS must not have grown by more than
//! 10% since the end of the warm-up (the mixed 5 s and the first 10 s at
//! the top rate: both loads have made their allocations by then).

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use crate::conformance::start_release_sandbox;
use crate::run::{self, Cmd, Result, workspace_root};

/// Seconds at the top rate, and of the mixed load.
const TOP_SECS: u64 = 60;
const MIXED_SECS: u64 = 30;
/// Seconds of the mixed load that warm up, before the top rate.
const WARM_UP_MIXED_SECS: u64 = 5;
/// Seconds from the start before the RSS baseline is taken.
const WARM_UP_SECS: u64 = WARM_UP_MIXED_SECS + 10;
/// The most the RSS may grow after warm-up.
const MAX_GROWTH: f64 = 0.10;
/// What the mixed load and its faults may answer.
const EXPECTED_MIXED: &[u16] = &[200, 400, 401, 405, 429, 502, 503];

/// Lines of a log that tell of a panic.
pub fn panics_in(log: &Path) -> Result<Vec<String>> {
    let file = fs::File::open(log).map_err(|e| format!("{}: {e}", log.display()))?;
    Ok(BufReader::new(file)
        .lines()
        .map_while(std::result::Result::ok)
        .filter(|l| l.contains("panicked"))
        .take(10)
        .collect())
}

fn rss_kb(pid: u32) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn ensure_wrk() -> Result<()> {
    if run::which("wrk").is_some() {
        return Ok(());
    }
    let uid = run::capture(&Cmd::new("id").arg("-u")).unwrap_or_default();
    if uid != "0" {
        return Err("wrk is missing; install it with: sudo apt-get install -y wrk".into());
    }
    println!("wrk is missing: installing it with apt-get");
    let apt = |args: &[&str]| {
        Cmd::new("apt-get")
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
    };
    run::run(&apt(&["update"]))?;
    run::run(&apt(&["install", "-y", "wrk"]))
}

/// Sends one request with `Connection: close`; the status of the answer.
fn status_of(url: &str, method: &str, path: &str) -> Result<u16> {
    let addr = url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).map_err(|e| format!("{addr}: {e}"))?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    stream
        .write_all(head.as_bytes())
        .map_err(|e| e.to_string())?;
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("{method} {path}: no answer"))
}

/// Runs one wrk phase; its output, printed and returned.
fn wrk(name: &str, script: &str, connections: u32, secs: u64, url: &str) -> Result<String> {
    let log = workspace_root().join(format!("target/conformance/wrk-{name}.log"));
    let cmd = Cmd::new("wrk")
        .args(["-t2", &format!("-c{connections}"), &format!("-d{secs}s")])
        .args(["--latency", "--timeout", "5s", "-s", script, url]);
    run::run_logged(&cmd, &log)?;
    let text = fs::read_to_string(&log).map_err(|e| format!("{}: {e}", log.display()))?;
    println!("{text}");
    Ok(text)
}

fn figure<'a>(text: &'a str, label: &str) -> Option<&'a str> {
    text.lines()
        .find_map(|l| l.trim().strip_prefix(label))
        .map(str::trim)
}

/// The soak; prints its figures.
pub fn soak() -> Result<()> {
    ensure_wrk()?;
    let sandbox = start_release_sandbox("sandbox-soak")?;
    let pid = sandbox.guard.pid();
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = {
        let stop = Arc::clone(&stop);
        thread::spawn(move || {
            let started = Instant::now();
            let mut samples = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                if let Some(kb) = rss_kb(pid) {
                    samples.push((started.elapsed().as_secs(), kb));
                }
                thread::sleep(Duration::from_secs(1));
            }
            samples
        })
    };
    let before = rss_kb(pid).unwrap_or(0);
    let top = wrk(
        "warm-up",
        "xtask/conformance/mixed.lua",
        32,
        WARM_UP_MIXED_SECS,
        &sandbox.url,
    )
    .and_then(|_| {
        let _ = status_of(&sandbox.url, "DELETE", "/__sandbox/faults");
        wrk(
            "top",
            "xtask/conformance/top.lua",
            64,
            TOP_SECS,
            &sandbox.url,
        )
    });
    let mixed = top.and_then(|top| {
        wrk(
            "mixed",
            "xtask/conformance/mixed.lua",
            32,
            MIXED_SECS,
            &sandbox.url,
        )
        .map(|mixed| (top, mixed))
    });
    let _ = status_of(&sandbox.url, "DELETE", "/__sandbox/faults");
    let health = status_of(&sandbox.url, "GET", "/__sandbox/health");
    thread::sleep(Duration::from_secs(1));
    stop.store(true, Ordering::Relaxed);
    let samples = sampler.join().unwrap_or_default();
    let panicked = panics_in(&sandbox.log)?;
    let log_lines = fs::read(&sandbox.log).map_or(0, |b| b.iter().filter(|c| **c == b'\n').count());
    drop(sandbox);
    let (top, mixed) = mixed?;

    let mut problems = Vec::new();
    let top_rate = figure(&top, "Requests/sec:").unwrap_or("?");
    let top_non_2xx = figure(&top, "Non-2xx or 3xx responses:").unwrap_or("0");
    if top_non_2xx != "0" {
        problems.push(format!(
            "{top_non_2xx} answers at the top rate were not 200"
        ));
    }
    if let Some(errors) = figure(&top, "Socket errors:") {
        problems.push(format!("socket errors at the top rate: {errors}"));
    }
    let mut statuses: Vec<(u16, u64)> = mixed
        .lines()
        .filter_map(|l| {
            let mut w = l.strip_prefix("status ")?.split_whitespace();
            Some((w.next()?.parse().ok()?, w.next()?.parse().ok()?))
        })
        .collect();
    statuses.sort_unstable();
    for (status, count) in &statuses {
        if !EXPECTED_MIXED.contains(status) {
            problems.push(format!("{count} unexpected answers with status {status}"));
        }
    }
    match health {
        Ok(200) => {}
        other => problems.push(format!("the sandbox no longer answers health: {other:?}")),
    }
    if !panicked.is_empty() {
        problems.push(format!("the log shows panics: {panicked:?}"));
    }
    let baseline = samples
        .iter()
        .find(|(secs, _)| *secs >= WARM_UP_SECS)
        .map_or(before, |(_, kb)| *kb);
    let peak = samples.iter().map(|(_, kb)| *kb).max().unwrap_or(0);
    let last = samples.last().map_or(0, |(_, kb)| *kb);
    let growth = (last as f64 - baseline as f64) / baseline.max(1) as f64;
    if growth > MAX_GROWTH {
        problems.push(format!(
            "RSS grew by {:.1}% after warm-up ({baseline} kB to {last} kB)",
            growth * 100.0
        ));
    }

    println!("soak figures:");
    println!(
        "  top rate, {TOP_SECS} s, 64 connections: {top_rate} requests/s, non-2xx {top_non_2xx}"
    );
    println!(
        "  latency at the top rate: p50 {}, p99 {}",
        figure(&top, "50%").unwrap_or("?"),
        figure(&top, "99%").unwrap_or("?")
    );
    println!(
        "  mixed with faults, {MIXED_SECS} s, 32 connections: {} requests/s; statuses {statuses:?}; connections dropped by faults: {}",
        figure(&mixed, "Requests/sec:").unwrap_or("?"),
        figure(&mixed, "Socket errors:").unwrap_or("none")
    );
    println!(
        "  RSS: {before} kB at start, {baseline} kB after {WARM_UP_SECS} s of warm-up, peak {peak} kB, {last} kB at the end ({:+.1}%)",
        growth * 100.0
    );
    println!("  log: {log_lines} lines, {} panics", panicked.len());
    if problems.is_empty() {
        println!("soak: ok");
        Ok(())
    } else {
        Err(format!("soak failed: {}", problems.join("; ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrks_figures_are_read_by_their_labels() {
        let out = "  Latency Distribution\n     50%    2.81ms\n     99%   77.40ms\nRequests/sec:  20036.37\n";
        assert_eq!(figure(out, "Requests/sec:"), Some("20036.37"));
        assert_eq!(figure(out, "99%"), Some("77.40ms"));
        assert_eq!(figure(out, "Non-2xx or 3xx responses:"), None);
    }
}
