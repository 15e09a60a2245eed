//! `cargo xtask fuzz [SECONDS]`: runs every cargo-fuzz target of `fuzz/`
//! for SECONDS each (default 30) on nightly with libFuzzer, and prints a
//! table of executions, corpus sizes and crashes.
//!
//! The committed seeds in `fuzz/corpus/<target>/` are read, never written:
//! what libFuzzer finds goes to `target/fuzz/corpus/<target>/`, crashes to
//! `target/fuzz/artifacts/<target>/`, the full output to
//! `target/fuzz/logs/<target>.log`. A fixed crash is kept by copying its
//! input into the committed corpus, which `cargo xtask test` replays on
//! stable (`crates/core/tests/fuzz_corpus.rs`, `crates/sandbox/tests/fuzz_corpus.rs`).
//!
//! Nightly cannot be installed here when the machine has no toolchain
//! downloads; the command then says so and exits non-zero with the command
//! that installs it. `cargo-fuzz` is installed from crates.io when missing.

use std::fs;
use std::path::Path;
use std::time::Instant;

use crate::run::{self, Cmd, Result, workspace_root};

/// The fuzz targets, as named in `fuzz/Cargo.toml`.
pub const TARGETS: &[&str] = &["answer", "authorization", "sandbox_handler", "dates"];

/// Seconds per target when none are given.
pub const DEFAULT_SECONDS: u64 = 30;

/// The figures of one target's run.
#[derive(Debug, Default)]
struct Figures {
    runs: u64,
    secs: u64,
    seeds: usize,
    found: usize,
    crashes: Vec<String>,
}

/// Checks nightly and cargo-fuzz, then fuzzes every target for `seconds`.
pub fn fuzz(seconds: u64) -> Result<()> {
    let toolchains = run::capture(&Cmd::new("rustup").args(["toolchain", "list"]))?;
    if !toolchains.lines().any(|l| l.starts_with("nightly")) {
        return Err(
            "cargo xtask fuzz needs the nightly toolchain (cargo-fuzz builds with libFuzzer and \
             -Zsanitizer), and it is not installed. Install it with:\n    \
             rustup toolchain install nightly --profile minimal\n\
             Meanwhile `cargo xtask test` replays every committed corpus on stable."
                .to_owned(),
        );
    }
    if run::which("cargo-fuzz").is_none() {
        println!("cargo-fuzz is missing: installing it from crates.io (about a minute)");
        run::run(&Cmd::cargo().args(["install", "cargo-fuzz", "--locked"]))?;
    }
    let root = workspace_root();
    for dir in ["corpus", "artifacts", "logs"] {
        fs::create_dir_all(root.join("target/fuzz").join(dir))
            .map_err(|e| format!("cannot create target/fuzz/{dir}: {e}"))?;
    }
    run::run(&nightly_fuzz().args(["build", "--fuzz-dir", "fuzz", "--target-dir", "target/fuzz"]))?;

    let mut table = Vec::new();
    for target in TARGETS {
        table.push((*target, run_target(target, seconds)?));
    }
    println!();
    println!(
        "{:<16} {:>6} {:>12} {:>10} {:>8} {:>8} {:>8}",
        "target", "secs", "runs", "runs/s", "seeds", "found", "crashes"
    );
    for (target, f) in &table {
        println!(
            "{:<16} {:>6} {:>12} {:>10} {:>8} {:>8} {:>8}",
            target,
            f.secs,
            f.runs,
            f.runs / f.secs.max(1),
            f.seeds,
            f.found,
            f.crashes.len()
        );
    }
    let crashes: Vec<&String> = table.iter().flat_map(|(_, f)| &f.crashes).collect();
    if crashes.is_empty() {
        println!("no crashes; new inputs are in target/fuzz/corpus/ (not committed)");
        Ok(())
    } else {
        Err(format!(
            "the fuzzers found crashes: {crashes:?}\n(reproduce one with `cargo +nightly fuzz run \
             --fuzz-dir fuzz --target-dir target/fuzz TARGET FILE`; once fixed, copy it into \
             fuzz/corpus/TARGET/ so that the stable replay keeps it)"
        ))
    }
}

/// Runs and seconds from libFuzzer's last words, "Done 1660625 runs in 21 second(s)".
fn done_line(log: &str) -> Option<(u64, u64)> {
    log.lines().rev().find_map(|line| {
        let mut words = line.strip_prefix("Done ")?.split_whitespace();
        let runs = words.next()?.parse().ok()?;
        let secs = words.nth(2)?.parse().ok()?;
        Some((runs, secs))
    })
}

/// `cargo +nightly fuzz` (through rustup's proxy, not `$CARGO`).
fn nightly_fuzz() -> Cmd {
    Cmd::new("cargo").args(["+nightly", "fuzz"])
}

fn count_files(dir: &Path) -> usize {
    fs::read_dir(dir).map_or(0, |entries| entries.filter_map(|e| e.ok()).count())
}

fn run_target(target: &str, seconds: u64) -> Result<Figures> {
    let root = workspace_root();
    let found_dir = root.join("target/fuzz/corpus").join(target);
    let artifacts = root.join("target/fuzz/artifacts").join(target);
    fs::create_dir_all(&found_dir).map_err(|e| e.to_string())?;
    fs::create_dir_all(&artifacts).map_err(|e| e.to_string())?;
    let log_path = root.join(format!("target/fuzz/logs/{target}.log"));
    let cmd = nightly_fuzz()
        .args([
            "run",
            "--fuzz-dir",
            "fuzz",
            "--target-dir",
            "target/fuzz",
            target,
        ])
        .arg(&found_dir)
        .arg(root.join("fuzz/corpus").join(target))
        .arg("--")
        .arg(format!("-max_total_time={seconds}"))
        .arg(format!("-artifact_prefix={}/", artifacts.display()))
        .arg("-print_final_stats=1");
    println!();
    println!("==> fuzz {target} for {seconds} s (log: target/fuzz/logs/{target}.log)");
    let started = Instant::now();
    let status = run::run_logged(&cmd, &log_path);
    let log = fs::read_to_string(&log_path).unwrap_or_default();
    let mut figures = Figures {
        secs: started.elapsed().as_secs(),
        seeds: count_files(&root.join("fuzz/corpus").join(target)),
        found: count_files(&found_dir),
        ..Figures::default()
    };
    if let Some((runs, secs)) = done_line(&log) {
        (figures.runs, figures.secs) = (runs, secs);
    }
    figures.crashes = fs::read_dir(&artifacts)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.path().display().to_string())
                .collect()
        })
        .unwrap_or_default();
    println!(
        "<== {target}: {} runs in {} s, {} crash(es)",
        figures.runs,
        figures.secs,
        figures.crashes.len()
    );
    if status.is_err() || !figures.crashes.is_empty() {
        let tail: Vec<&str> = log.lines().rev().take(40).collect();
        for line in tail.iter().rev() {
            println!("    {line}");
        }
        if figures.crashes.is_empty() {
            return Err(format!(
                "fuzzing {target} failed: {}",
                status.err().unwrap_or_default()
            ));
        }
    }
    Ok(figures)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libfuzzers_summary_gives_runs_and_seconds() {
        let log = "#1024 pulse cov: 10\nDone 1660625 runs in 21 second(s)\nstat::x: 1\n";
        assert_eq!(done_line(log), Some((1_660_625, 21)));
        assert_eq!(done_line("INFO: Seed: 1"), None);
    }
}
