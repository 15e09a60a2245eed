//! `cargo xtask bench`: measures what the project claims against what users
//! would otherwise pick, side by side in one run, and prints one table.
//!
//! The parts, each in its own module (the harnesses they run live in
//! `bench/`): [`sizes`] (deterministic), [`bulk`] (10,000 ids against the
//! sandbox), [`overhead`] (CPU per request), [`admin_table`] (the admin page
//! at 100,000 users in headless Chromium), [`throughput`] (`wrk` against
//! the sandbox), [`directory`] (a 100,000-row directory CSV joined to
//! 100,000 usage rows in the admin page), [`snapshots`] (the gateway's
//! snapshot store at a million users), [`history`] (the admin page's
//! usage history at 100,000 users × 90 snapshots) and [`large`] (a million
//! users listed in the admin page and from Node, beside fetch pools). Every
//! timed figure is compared
//! with its baseline measured in the same run, in turns, several times; the
//! table shows the median and the range. A part that cannot run says why in its rows instead of
//! failing the others.
//!
//! A full run writes `bench/RESULTS.md` (with the machine, the load average
//! and how to reproduce); `--quick` or `--part` runs write
//! `target/bench/RESULTS.md` instead. Every run writes
//! `target/bench/figures.json`; a copy of it taken before a round of fixes,
//! `bench/before-fixes.json`, adds a "before fixes" column.
//!
//! [`budgets`] holds the size budgets that `cargo xtask test` enforces.

mod admin_table;
pub mod budgets;
mod bulk;
mod directory;
mod history;
mod large;
mod machine;
mod overhead;
mod process;
mod sizes;
mod snapshots;
mod stats;
mod table;
mod throughput;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use serde_json::{Value, json};

use crate::npm;
use crate::run::{self, Result, workspace_root};
use machine::{Machine, load_average};
use table::{Row, Verdict};

/// The parts, in the order they run.
pub const PARTS: &[&str] = &[
    "sizes",
    "bulk",
    "overhead",
    "admin",
    "throughput",
    "directory",
    "snapshots",
    "history",
    "large",
];

/// Flags of `cargo xtask bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Fewer and shorter runs, for trying the harnesses (results go to target/bench/).
    #[arg(long)]
    quick: bool,
    /// Run only this part (repeatable): sizes, bulk, overhead, admin, throughput, directory, snapshots, history, large.
    #[arg(long = "part", value_name = "NAME")]
    parts: Vec<String>,
    /// Do not check or install tools.
    #[arg(long)]
    skip_tools: bool,
}

/// What every part gets.
pub struct Ctx {
    /// Fewer, shorter runs.
    pub quick: bool,
    /// `target/bench/`: logs, prepared files, bundles.
    pub out: PathBuf,
    /// The npm package, built for this run.
    pub package: Result<npm::Package>,
    /// The release sandbox and the floor server.
    bins: Result<(PathBuf, PathBuf)>,
}

impl Ctx {
    /// The release build of `koodrive-sandbox`.
    pub fn sandbox_bin(&self) -> Result<&Path> {
        self.bins
            .as_ref()
            .map(|(s, _)| s.as_path())
            .map_err(Clone::clone)
    }

    /// The bare hyper server of the throughput floor.
    pub fn floor_bin(&self) -> Result<&Path> {
        self.bins
            .as_ref()
            .map(|(_, f)| f.as_path())
            .map_err(Clone::clone)
    }

    /// The environment every Node harness needs: the package and web/node_modules.
    pub fn node_env(&self) -> Result<Vec<(&'static str, String)>> {
        let package = self.package.as_ref().map_err(Clone::clone)?;
        Ok(vec![
            (
                "BENCH_PACKAGE_DIR",
                package.dir.to_string_lossy().into_owned(),
            ),
            (
                "BENCH_NODE_MODULES",
                workspace_root()
                    .join("web/node_modules")
                    .to_string_lossy()
                    .into_owned(),
            ),
        ])
    }
}

/// What a part measured.
#[derive(Debug, Default)]
pub struct PartOutput {
    /// Its rows of the table.
    pub rows: Vec<Row>,
    /// Notes on how it measured.
    pub notes: Vec<String>,
    /// Sections of the results file: (title, Markdown).
    pub sections: Vec<(String, String)>,
}

/// `cargo xtask bench`.
pub fn bench(args: &BenchArgs) -> Result<()> {
    if let Some(unknown) = args.parts.iter().find(|p| !PARTS.contains(&p.as_str())) {
        return Err(format!(
            "unknown part `{unknown}`; the parts are: {}",
            PARTS.join(", ")
        ));
    }
    let selected: Vec<&str> = PARTS
        .iter()
        .copied()
        .filter(|p| args.parts.is_empty() || args.parts.iter().any(|a| a == p))
        .collect();
    let full = !args.quick && args.parts.is_empty();
    let started = Instant::now();
    let machine = Machine::read();
    let load_start = load_average();
    if !args.skip_tools {
        crate::tools::ensure_all()?;
    }
    let out = workspace_root().join("target/bench");
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    println!("\n==> building what the benchmarks run (release)");
    let ctx = Ctx {
        quick: args.quick,
        out: out.clone(),
        bins: build_binaries(),
        package: npm::build(),
    };

    let mut rows = Vec::new();
    let mut notes: Vec<(String, String)> = Vec::new();
    let mut sections = Vec::new();
    let mut loads = Vec::new();
    for part in &selected {
        println!("\n==> bench part {part} (load average {})", load_average());
        loads.push(format!("{part}: {}", load_average()));
        let part_started = Instant::now();
        let output = match *part {
            "sizes" => sizes::run(&ctx),
            "bulk" => bulk::run(&ctx),
            "overhead" => overhead::run(&ctx),
            "admin" => admin_table::run(&ctx),
            "directory" => directory::run(&ctx),
            "snapshots" => snapshots::run(&ctx),
            "history" => history::run(&ctx),
            "large" => large::run(&ctx),
            _ => throughput::run(&ctx),
        };
        println!(
            "<== bench part {part} in {}",
            run::format_duration(part_started.elapsed())
        );
        rows.extend(output.rows);
        notes.extend(output.notes.into_iter().map(|n| ((*part).to_owned(), n)));
        sections.extend(output.sections);
    }
    let load_end = load_average();

    let before_path = workspace_root().join("bench/before-fixes.json");
    let before_text = std::fs::read_to_string(&before_path).ok();
    let before = before_text.as_deref().and_then(table::read_before);
    let before_meta = before_text
        .as_deref()
        .and_then(|t| serde_json::from_str::<Value>(t).ok());
    let table = table::markdown(&rows, before.as_ref());
    println!("\n{table}");
    println!("load average (1/5/15 min): {load_start} at the start, {load_end} at the end");

    let figures = json!({
        "date": machine.date,
        "commit": machine.commit,
        "quick": args.quick,
        "rows": rows.iter().map(|r| (r.key.clone(), r.to_json())).collect::<serde_json::Map<_, _>>(),
    });
    let figures_path = out.join("figures.json");
    write(
        &figures_path,
        &serde_json::to_string_pretty(&figures).unwrap_or_default(),
    )?;

    let report = Report {
        machine: &machine,
        full,
        quick: args.quick,
        parts: &selected,
        table: &table,
        rows: &rows,
        notes: &notes,
        sections: &sections,
        load_start: &load_start,
        load_end: &load_end,
        loads: &loads,
        before_meta: before.as_ref().and(before_meta.as_ref()),
        minutes: started.elapsed().as_secs_f64() / 60.0,
    };
    let results = if full {
        workspace_root().join("bench/RESULTS.md")
    } else {
        out.join("RESULTS.md")
    };
    write(&results, &report.markdown())?;
    println!(
        "written: {} (and {})",
        results
            .strip_prefix(workspace_root())
            .unwrap_or(&results)
            .display(),
        figures_path
            .strip_prefix(workspace_root())
            .unwrap_or(&figures_path)
            .display()
    );
    Ok(())
}

fn write(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Builds the release sandbox and the floor server, one cargo call each
/// (a `--bin` filter would apply to both packages of one call).
fn build_binaries() -> Result<(PathBuf, PathBuf)> {
    let sandbox = crate::sandbox::build_release()?;
    let floor = run::build_binary("koodrive-bench-floor", "koodrive-bench-floor", true)?;
    Ok((sandbox, floor))
}

/// Everything `bench/RESULTS.md` says.
struct Report<'a> {
    machine: &'a Machine,
    full: bool,
    quick: bool,
    parts: &'a [&'a str],
    table: &'a str,
    rows: &'a [Row],
    notes: &'a [(String, String)],
    sections: &'a [(String, String)],
    load_start: &'a str,
    load_end: &'a str,
    loads: &'a [String],
    before_meta: Option<&'a Value>,
    minutes: f64,
}

impl Report<'_> {
    fn markdown(&self) -> String {
        let m = self.machine;
        let mut s = String::from("# Benchmarks\n\n");
        let _ = writeln!(
            s,
            "Written by `cargo xtask bench` on {} at commit `{}` in {:.1} minutes; run it \
             again rather than editing this file.{}\n",
            m.date,
            m.commit,
            self.minutes,
            if self.full {
                String::new()
            } else {
                format!(
                    " **Partial run** ({}{}): not the committed results.",
                    if self.quick { "--quick, " } else { "" },
                    self.parts.join(", ")
                )
            }
        );
        let _ = writeln!(s, "- Machine: {}", m.summary());
        let _ = writeln!(
            s,
            "- Load average (1/5/15 min): {} at the start, {} at the end; at the start of \
             each part: {}",
            self.load_start,
            self.load_end,
            self.loads.join("; ")
        );
        let _ = writeln!(
            s,
            "- Timed figures: the median of several runs, the range (smallest–largest) in \
             brackets; ours and the baseline run in turns, in rotating order, so that both \
             see the same machine. The ratio's range pairs the runs of each turn.\n"
        );
        s.push_str("## Results\n\n");
        s.push_str(self.table);
        if let Some(meta) = self.before_meta {
            let _ = writeln!(
                s,
                "\n\"before fixes\": the same command on {} at commit `{}`, before the fixes \
                 below (`bench/before-fixes.json`).",
                meta.get("date").and_then(Value::as_str).unwrap_or("?"),
                meta.get("commit").and_then(Value::as_str).unwrap_or("?")
            );
            if let Some(fixes) = meta.get("fixes").and_then(Value::as_array) {
                s.push_str("\nFixes:\n");
                for fix in fixes.iter().filter_map(Value::as_str) {
                    let _ = writeln!(s, "- {fix}");
                }
            }
        }
        s.push_str("\n## Goals\n\n");
        for row in self.rows {
            let verdict = row.verdict();
            if matches!(verdict, Verdict::Info) {
                continue;
            }
            let figure = match (&row.ours, &row.baseline, row.ratio()) {
                (Some(f), Some((name, _)), Some((r, _))) => {
                    format!("{} = {r:.2}× {name}", f.display())
                }
                (Some(f), _, _) => f.display(),
                (None, _, _) => "—".into(),
            };
            let state = match verdict {
                Verdict::Met => "met".to_owned(),
                Verdict::Missed(by) => format!("**missed** ({by})"),
                Verdict::NotMeasured(why) => format!("not measured ({why})"),
                Verdict::Info => String::new(),
            };
            let _ = writeln!(s, "- {} — {}: {figure}; {state}", row.part, row.what);
        }
        if !self.notes.is_empty() {
            s.push_str("\n## Notes\n\n");
            for (part, note) in self.notes {
                let _ = writeln!(s, "- {part}: {note}");
            }
        }
        for (title, body) in self.sections {
            let _ = write!(s, "\n## {title}\n\n{body}");
        }
        s.push_str(REPRODUCE);
        s
    }
}

const REPRODUCE: &str = r#"
## How to reproduce

```sh
cargo xtask bench                   # every part, about 5 minutes; writes bench/RESULTS.md
cargo xtask bench --quick           # one short run of each, to try things (target/bench/RESULTS.md)
cargo xtask bench --part overhead   # one part: sizes, bulk, overhead, admin, throughput, directory, snapshots, history, large
```

It installs what is missing like `cargo xtask test` does (Node packages of
`web/`, Chromium; `wrk` with apt-get when running as root), builds the
sandbox and `bench/floor` in release and the npm package, and runs the
harnesses of `bench/` (Node; progress on the terminal, servers' logs in
`target/bench/logs/`). `twiggy` (`cargo install twiggy`) is optional: with
it, the sizes part says what takes the room in the wasm. The admin and
directory parts need the built page (`cargo xtask dist`); without it, their
rows say so.

- `bench/bulk.mjs`: 10,000 ids from the sandbox's listing; `queryUsageAll`
  (a new client each run), a bare `fetch` pool sending the same requests
  with the same headers, and openapi-fetch one request at a time; the
  sandbox adds 50 ms to every answer with a `delay` fault, then none.
- `bench/overhead.mjs`: sequential requests against `bench/fixed-server.mjs`
  (Node `http` in another process, a fixed 50-record body); CPU time of
  the client process by `process.cpuUsage()`.
- `bench/admin.mjs`: playwright-core and `/usr/bin/chromium`, by the
  accessible names of docs/accessible-names.md; times taken in the page
  (`performance.now()`, a MutationObserver, and the first task after the
  next animation frame as the paint).
- `bench/directory.mjs`: the same way, a 100,000-row directory CSV (the
  sandbox's ids, shuffled) imported and joined after "List all users";
  in turns with a floor in the page's JavaScript (`TextDecoder`, split,
  a `Map` by id); memory after a forced GC (the wasm's linear memory,
  `performance.memory`, CDP `Performance.getMetrics`).
- `bench/large-page.mjs`: the same way, "List all users" of a million
  users (50 ms per answer) and of 200,000 (no delay), each beside a plain
  `fetch` pool of the same concurrency run in the same page; then, at the
  million rows, memory per user (wasm linear memory and JS heap after a
  forced GC, CDP), sort, a Filter keystroke and both exports (click to
  download). `bench/large-node.mjs`: `listUsageAll` from Node beside a bare
  `fetch` pool. The part takes several minutes on two cores.
- `bench/wrk-prep.mjs` + `wrk -t1 -c8`: one 50-id query, token and app mode
  (signed by the npm module, X-Date fresh each turn); `bench/floor` answers
  the same body with bare hyper.

Timings depend on the machine and on what else runs: on a 2-core machine,
run nothing else meanwhile and compare ratios rather than absolute figures.
To add a "before fixes" column, copy `target/bench/figures.json` of a run
before a change to `bench/before-fixes.json` (with a `fixes` list).
"#;
