//! The processes a benchmark runs: servers in the background whose log goes
//! to a file (the sandbox logs every request, which must not flood the
//! terminal while `wrk` sends tens of thousands a second), the Node
//! harnesses whose last line of stdout is their result, and quiet commands
//! whose output is read.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use super::PartOutput;
use super::stats::{Figure, Unit};
use super::table::{Goal, Row};
use crate::run::{Cmd, Result, ServiceGuard, child_path, workspace_root};

fn command(program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut command = Command::new(program);
    command
        .current_dir(workspace_root())
        .env("PATH", child_path())
        .stdin(Stdio::null());
    command
}

/// Runs a command without printing it and returns its stdout.
pub fn capture_quiet(program: &str, args: &[&str]) -> Result<String> {
    let output = command(program)
        .args(args)
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(format!(
            "{program} {} failed ({}): {}",
            args.join(" "),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

/// A server running in the background for as long as the guard lives
/// (xtask's one process guard, [`ServiceGuard`]); its stderr goes to a log
/// file, its first stdout line names its address.
pub struct Background {
    _guard: ServiceGuard,
    url: String,
}

impl Background {
    /// Starts `program args`, its stderr into `log`, and waits up to a
    /// minute for a first line `listening on http://ADDR`.
    pub fn start(name: &str, program: &Path, args: &[&str], log: &Path) -> Result<Self> {
        let guard = ServiceGuard::start_logged(
            name,
            &Cmd::new(program).args(args),
            log,
            Duration::from_secs(60),
        )?;
        let url = guard
            .url()
            .ok_or_else(|| format!("{name}'s first line has no address: {}", guard.first_line()))?
            .to_owned();
        Ok(Self { _guard: guard, url })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }
}

/// What a harness measured: samples by metric, notes, and its other fields.
#[derive(Debug, Clone, Default)]
pub struct Harness {
    /// Metric name → (unit, samples in the order taken).
    pub metrics: BTreeMap<String, (Unit, Vec<f64>)>,
    /// Notes for the results.
    pub notes: Vec<String>,
    /// The whole result line, for harness-specific fields.
    pub raw: Value,
}

impl Harness {
    /// The figure of one metric.
    pub fn figure(&self, name: &str) -> Option<Figure> {
        let (unit, samples) = self.metrics.get(name)?;
        Figure::of(*unit, samples)
    }
}

/// A row planned before its harness runs, with the names of the figures
/// that fill it: its own, and its baseline's.
pub struct Planned {
    row: Row,
    ours: &'static str,
    baseline: Option<(String, &'static str)>,
}

impl Planned {
    /// `row`, to be filled with the harness's figure `ours`.
    pub fn new(row: Row, ours: &'static str) -> Self {
        Self {
            row,
            ours,
            baseline: None,
        }
    }

    /// Its baseline: `name`, filled with the figure `metric` of the same run.
    pub fn against(mut self, name: impl Into<String>, metric: &'static str) -> Self {
        self.baseline = Some((name.into(), metric));
        self
    }

    /// What its figure must reach.
    pub fn goal(mut self, goal: Goal) -> Self {
        self.row = self.row.goal(goal);
        self
    }

    /// The row filled from `h`; without its own figure it says so.
    fn fill(self, h: &Harness) -> Row {
        let Some(ours) = h.figure(self.ours) else {
            return self
                .row
                .not_measured("the harness gave no figure (see the notes)");
        };
        let row = self.row.ours(Some(ours));
        match self.baseline {
            Some((name, metric)) => row.baseline(name, h.figure(metric)),
            None => row,
        }
    }
}

/// The rows one harness fills, with its notes: when it could not run, every
/// planned row is there, saying why (the first line of the error).
pub fn harness_part(measured: &Result<Harness>, planned: Vec<Planned>) -> PartOutput {
    let mut out = PartOutput::default();
    match measured {
        Ok(h) => {
            out.notes.extend(h.notes.iter().cloned());
            out.rows = planned.into_iter().map(|p| p.fill(h)).collect();
        }
        Err(e) => {
            let why = e.lines().next().unwrap_or("failed");
            out.rows = planned
                .into_iter()
                .map(|p| p.row.not_measured(why))
                .collect();
        }
    }
    out
}

/// Runs `node bench/SCRIPT` with `env`: its progress (stderr) goes to the
/// terminal, its last stdout line is read as the result. A harness that
/// reports `error` is an `Err` with its words.
pub fn run_harness(script: &str, env: &[(&str, String)]) -> Result<Harness> {
    println!("$ node bench/{script}");
    let mut cmd = command("node");
    cmd.arg(Path::new("bench").join(script))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    for (key, value) in env {
        cmd.env(key, value);
    }
    let output = cmd
        .output()
        .map_err(|e| format!("cannot run node bench/{script}: {e}"))?;
    read_result(&format!("bench/{script}"), &output)
}

/// Runs a native harness (`program args`) the same way: progress on stderr,
/// the result as the last stdout line.
pub fn run_program_harness(program: &Path, args: &[&str]) -> Result<Harness> {
    let shown = program.strip_prefix(workspace_root()).unwrap_or(program);
    println!("$ {} {}", shown.display(), args.join(" "));
    let output = command(program)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", program.display()))?;
    read_result(&shown.display().to_string(), &output)
}

/// Reads a harness's result line (`label` names it in errors).
fn read_result(label: &str, output: &std::process::Output) -> Result<Harness> {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with('{'))
        .ok_or_else(|| format!("{label} ended ({}) without a result", output.status))?;
    let raw: Value = serde_json::from_str(line)
        .map_err(|e| format!("{label}: unreadable result ({e}): {line}"))?;
    if let Some(error) = raw.get("error").and_then(Value::as_str) {
        return Err(error.to_owned());
    }
    let mut harness = Harness {
        raw: raw.clone(),
        ..Harness::default()
    };
    if let Some(metrics) = raw.get("metrics").and_then(Value::as_object) {
        for (name, metric) in metrics {
            let unit = metric
                .get("unit")
                .and_then(Value::as_str)
                .and_then(Unit::parse)
                .ok_or_else(|| format!("{label}: metric {name} has no known unit"))?;
            let samples = metric
                .get("samples")
                .and_then(Value::as_array)
                .map(|s| s.iter().filter_map(Value::as_f64).collect())
                .unwrap_or_default();
            harness.metrics.insert(name.clone(), (unit, samples));
        }
    }
    if let Some(notes) = raw.get("notes").and_then(Value::as_array) {
        harness.notes = notes
            .iter()
            .filter_map(|n| n.as_str().map(str::to_owned))
            .collect();
    }
    if !output.status.success() {
        return Err(format!("{label} failed ({})", output.status));
    }
    Ok(harness)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::table::Verdict;

    fn planned() -> Vec<Planned> {
        vec![
            Planned::new(Row::new("9 test", "t.sort", "sort"), "sort")
                .against("the floor", "floor-sort")
                .goal(Goal::RatioAtMost(1.2)),
            Planned::new(Row::new("9 test", "t.export", "export"), "export"),
        ]
    }

    #[test]
    fn a_harness_fills_its_rows_and_a_missing_figure_is_said() {
        let mut h = Harness::default();
        h.metrics.insert("sort".into(), (Unit::Ms, vec![110.0]));
        h.metrics
            .insert("floor-sort".into(), (Unit::Ms, vec![100.0]));
        h.notes.push("ran on a quiet machine".into());
        let out = harness_part(&Ok(h), planned());
        assert_eq!(out.notes, ["ran on a quiet machine"]);
        assert_eq!(out.rows[0].verdict(), Verdict::Met);
        assert_eq!(
            out.rows[0].baseline.as_ref().map(|b| b.0.as_str()),
            Some("the floor")
        );
        assert!(
            matches!(&out.rows[1].verdict(), Verdict::NotMeasured(why) if why.contains("no figure"))
        );
    }

    #[test]
    fn a_harness_that_cannot_run_leaves_every_row_saying_why() {
        let out = harness_part(
            &Err("the admin page is not built\nmore detail".into()),
            planned(),
        );
        assert_eq!(out.rows.len(), 2);
        for row in &out.rows {
            assert_eq!(
                row.verdict(),
                Verdict::NotMeasured("the admin page is not built".into())
            );
        }
    }
}
