//! The stages of `cargo xtask test`, run one after another in the order of
//! [`STAGES`]: banners around each, a stop at the first failing one, and a
//! summary table with the passed/failed counts of the test stages.
//!
//! The wasm test runs are data: [`WASM_SUITES`] lists which package's test
//! targets run in which stage and on which host. A new crate with wasm tests
//! adds a row there; a new kind of stage (the sandbox on a port for the client
//! tests, npm consumer tests, browser end-to-end tests) adds an entry to
//! [`STAGES`] with its own run function, using [`crate::run::ServiceGuard`]
//! for the servers it needs.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::run::{self, Cmd, Result, TestCounts};
use crate::tools::{self, WASM_TARGET};

/// Where a wasm test binary runs, and so which environment the runner gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    /// Node.js (the default of `wasm-bindgen-test-runner`).
    Node,
    /// Headless Chromium through ChromeDriver (`WASM_BINDGEN_USE_BROWSER=1`).
    Chromium,
}

/// One package's wasm test targets run in one stage on one host.
#[derive(Debug, Clone, Copy)]
pub struct WasmSuite {
    /// The stage that runs it (an entry of [`STAGES`] whose run function is [`wasm_stage`]).
    pub stage: &'static str,
    /// The cargo package (`-p`).
    pub package: &'static str,
    /// Its integration test targets (`--test`), i.e. files in `tests/`.
    pub tests: &'static [&'static str],
    /// Where they run.
    pub host: Host,
    /// Whether they talk to a sandbox (started for the stage on
    /// [`crate::sandbox::test_url`], reset by the tests themselves).
    pub sandbox: bool,
}

/// Every wasm test run. `tests/wasm.rs` holds the tests for both hosts;
/// `wasm_node.rs` and `wasm_browser.rs` prove which host they ran in.
pub const WASM_SUITES: &[WasmSuite] = &[
    WasmSuite {
        stage: "wasm-node",
        package: "koodrive-core",
        tests: &["wasm", "wasm_node"],
        host: Host::Node,
        sandbox: false,
    },
    WasmSuite {
        stage: "wasm-node",
        package: "koodrive-client",
        tests: &["sandbox"],
        host: Host::Node,
        sandbox: true,
    },
    WasmSuite {
        stage: "wasm-chromium",
        package: "koodrive-core",
        tests: &["wasm", "wasm_browser"],
        host: Host::Chromium,
        sandbox: false,
    },
    WasmSuite {
        stage: "wasm-chromium",
        package: "koodrive-client",
        tests: &["sandbox", "wasm_browser"],
        host: Host::Chromium,
        sandbox: true,
    },
    // The admin page's components (tests/wasm_browser.rs): table, filters, thresholds, units.
    WasmSuite {
        stage: "wasm-chromium",
        package: "koodrive-admin",
        tests: &["wasm_browser"],
        host: Host::Chromium,
        sandbox: false,
    },
    // The fault matrix (tests/fault_matrix/): every fault against docs/error-kinds.md, printed.
    WasmSuite {
        stage: "wasm-chromium",
        package: "koodrive-client",
        tests: &["fault_matrix"],
        host: Host::Chromium,
        sandbox: true,
    },
];

/// Wasm test targets whose console output is shown even when they pass
/// (`--nocapture`): the fault matrix prints its table.
pub const SHOW_OUTPUT: &[&str] = &["fault_matrix"];

/// Packages whose library must also build for wasm32 without their default
/// (native) features, checked by the clippy stage: the sandbox's handler runs
/// in memory in the browser and in the npm module; the npm binding is
/// wasm-only.
pub const WASM_LIBRARIES: &[&str] = &["koodrive-sandbox", "koodrive-js"];

/// Packages checked by the clippy stage for wasm32 with features on:
/// the admin page with its in-browser demo, and split into the parts it
/// fetches on demand as `cargo xtask dist` builds it.
pub const WASM_FEATURES: &[(&str, &str)] = &[
    ("koodrive-admin", "demo"),
    ("koodrive-admin", "split"),
    ("koodrive-admin", "demo,split"),
];

/// What the stages share while they run.
#[derive(Debug, Default)]
pub struct StageCtx {
    /// ChromeDriver found by the tools stage (found on PATH when it was skipped).
    pub chromedriver: Option<PathBuf>,
    /// Test counts of the stage that is running.
    pub counts: TestCounts,
}

/// A stage of `cargo xtask test`.
#[derive(Debug)]
pub struct Stage {
    /// Its name for `--stage` and in the banners.
    pub name: &'static str,
    /// One line for `--list`.
    pub about: &'static str,
    /// Whether it runs tests, so that the summary shows its counts.
    pub runs_tests: bool,
    /// Runs it.
    pub run: fn(&Stage, &mut StageCtx) -> Result<()>,
}

/// The name of the stage that installs what is missing.
pub const TOOLS: &str = "tools";

/// Every stage, in the order they run. The test stages pass `--no-fail-fast`
/// so that one failing test binary does not hide the results of the others;
/// the stage still fails, and the run stops after it.
pub const STAGES: &[Stage] = &[
    Stage {
        name: TOOLS,
        about: "install what is missing (wasm32 target, wasm-bindgen-cli, Chromium, npm packages)",
        runs_tests: false,
        run: tools_stage,
    },
    Stage {
        name: "fmt",
        about: "cargo fmt --check",
        runs_tests: false,
        run: fmt_stage,
    },
    Stage {
        name: "clippy",
        about: "clippy with -D warnings, native and wasm32",
        runs_tests: false,
        run: clippy_stage,
    },
    Stage {
        name: "native",
        about: "cargo test --workspace (native tests and doctests)",
        runs_tests: true,
        run: native_stage,
    },
    Stage {
        name: "wasm-node",
        about: "wasm tests in Node.js",
        runs_tests: true,
        run: wasm_stage,
    },
    Stage {
        name: "wasm-chromium",
        about: "wasm tests in headless Chromium",
        runs_tests: true,
        run: wasm_stage,
    },
    Stage {
        name: "npm",
        about: "the packed npm module in a fresh project: Node tests against the sandbox and through the gateway, tsc --strict, Vite and plain pages in Chromium",
        runs_tests: true,
        run: npm_stage,
    },
    Stage {
        name: "e2e",
        about: "the admin page built with Trunk, served by the sandbox, driven in headless Chromium (node --test web/e2e/; screenshots in target/screenshots/)",
        runs_tests: true,
        run: e2e_stage,
    },
    Stage {
        name: "budgets",
        about: "size budgets: the npm module's main entry and the admin page's first load, gzip (what the npm and e2e stages built)",
        runs_tests: false,
        run: budgets_stage,
    },
];

/// Prints the stages for `--list`.
pub fn list() {
    for stage in STAGES {
        println!("{:<15} {}", stage.name, stage.about);
    }
}

/// The stages to run, in [`STAGES`] order: all of them, or those named with
/// `--stage`; `tools` first unless `skip_tools`.
pub fn select(names: &[String], skip_tools: bool) -> Result<Vec<&'static Stage>> {
    if let Some(unknown) = names
        .iter()
        .find(|n| !STAGES.iter().any(|s| s.name == n.as_str()))
    {
        let known: Vec<&str> = STAGES.iter().map(|s| s.name).collect();
        return Err(format!(
            "unknown stage `{unknown}`; the stages are: {}",
            known.join(", ")
        ));
    }
    let selected: Vec<&Stage> = STAGES
        .iter()
        .filter(|s| names.is_empty() || s.name == TOOLS || names.iter().any(|n| n == s.name))
        .filter(|s| !(skip_tools && s.name == TOOLS))
        .collect();
    if selected.is_empty() {
        return Err("no stage left to run".to_owned());
    }
    Ok(selected)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Ok,
    Failed,
    NotRun,
}

struct Outcome {
    stage: &'static Stage,
    status: Status,
    time: Option<Duration>,
    counts: TestCounts,
}

/// Runs the stages in order, stopping at the first that fails; prints the
/// summary table and the `total: N passed, M failed` line either way.
pub fn run_all(stages: &[&'static Stage]) -> Result<()> {
    let mut ctx = StageCtx::default();
    let mut outcomes: Vec<Outcome> = stages
        .iter()
        .map(|&stage| Outcome {
            stage,
            status: Status::NotRun,
            time: None,
            counts: TestCounts::default(),
        })
        .collect();
    let mut failure = None;
    for outcome in &mut outcomes {
        let stage = outcome.stage;
        println!();
        println!("==> stage {}", stage.name);
        ctx.counts = TestCounts::default();
        let started = Instant::now();
        let result = (stage.run)(stage, &mut ctx);
        let time = started.elapsed();
        outcome.time = Some(time);
        outcome.counts = ctx.counts;
        match result {
            Ok(()) => {
                outcome.status = Status::Ok;
                println!(
                    "<== stage {} ok in {}",
                    stage.name,
                    run::format_duration(time)
                );
            }
            Err(err) => {
                outcome.status = Status::Failed;
                println!(
                    "<== stage {} FAILED in {}",
                    stage.name,
                    run::format_duration(time)
                );
                failure = Some(format!("stage {} failed: {err}", stage.name));
                break;
            }
        }
    }
    println!();
    if let Some(failure) = &failure {
        eprintln!("error: {failure}");
    }
    print_summary(&outcomes);
    failure.map_or(Ok(()), Err)
}

fn print_summary(outcomes: &[Outcome]) {
    println!("summary:");
    println!(
        "  {:<15} {:<8} {:>8} {:>8} {:>8}",
        "stage", "result", "time", "passed", "failed"
    );
    let mut total = TestCounts::default();
    for outcome in outcomes {
        let status = match outcome.status {
            Status::Ok => "ok",
            Status::Failed => "FAILED",
            Status::NotRun => "not run",
        };
        let time = outcome
            .time
            .map_or_else(|| "-".to_owned(), run::format_duration);
        let (passed, failed) = if outcome.stage.runs_tests && outcome.status != Status::NotRun {
            (
                outcome.counts.passed.to_string(),
                outcome.counts.failed.to_string(),
            )
        } else {
            ("-".to_owned(), "-".to_owned())
        };
        println!(
            "  {:<15} {:<8} {:>8} {:>8} {:>8}",
            outcome.stage.name, status, time, passed, failed
        );
        total.add(outcome.counts);
    }
    println!("total: {} passed, {} failed", total.passed, total.failed);
}

fn tools_stage(_stage: &Stage, ctx: &mut StageCtx) -> Result<()> {
    let tools = tools::ensure_all()?;
    ctx.chromedriver = Some(tools.chromedriver);
    Ok(())
}

fn fmt_stage(_stage: &Stage, _ctx: &mut StageCtx) -> Result<()> {
    run::run(&Cmd::cargo().args(["fmt", "--all", "--", "--check"]))
}

fn clippy_stage(_stage: &Stage, _ctx: &mut StageCtx) -> Result<()> {
    run::run(&Cmd::cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    let mut wasm_packages: Vec<&str> = WASM_SUITES.iter().map(|s| s.package).collect();
    wasm_packages.sort_unstable();
    wasm_packages.dedup();
    let mut cmd = Cmd::cargo().arg("clippy");
    for package in wasm_packages {
        cmd = cmd.args(["-p", package]);
    }
    run::run(&cmd.args([
        "--target",
        WASM_TARGET,
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    for package in WASM_LIBRARIES {
        run::run(&Cmd::cargo().args([
            "clippy",
            "-p",
            package,
            "--no-default-features",
            "--target",
            WASM_TARGET,
            "--",
            "-D",
            "warnings",
        ]))?;
    }
    for (package, feature) in WASM_FEATURES {
        run::run(&Cmd::cargo().args([
            "clippy",
            "-p",
            package,
            "--features",
            feature,
            "--target",
            WASM_TARGET,
            "--",
            "-D",
            "warnings",
        ]))?;
    }
    Ok(())
}

fn native_stage(_stage: &Stage, ctx: &mut StageCtx) -> Result<()> {
    run::run_streaming(
        &Cmd::cargo().args(["test", "--workspace", "--no-fail-fast"]),
        &mut ctx.counts,
    )
}

/// Runs every row of [`WASM_SUITES`] that belongs to this stage.
fn wasm_stage(stage: &Stage, ctx: &mut StageCtx) -> Result<()> {
    let suites: Vec<&WasmSuite> = WASM_SUITES
        .iter()
        .filter(|s| s.stage == stage.name)
        .collect();
    if suites.is_empty() {
        return Err(format!("WASM_SUITES has no row for stage {}", stage.name));
    }
    let sandbox_url = crate::sandbox::test_url();
    let _sandbox = if suites.iter().any(|s| s.sandbox) {
        Some(crate::sandbox::start(&sandbox_url, &[])?)
    } else {
        None
    };
    for suite in suites {
        let mut cmd = Cmd::cargo().args([
            "test",
            "--no-fail-fast",
            "-p",
            suite.package,
            "--target",
            WASM_TARGET,
        ]);
        if suite.sandbox {
            cmd = cmd.env("KOODRIVE_SANDBOX_URL", &sandbox_url);
        }
        for test in suite.tests {
            cmd = cmd.args(["--test", test]);
        }
        if suite.tests.iter().any(|t| SHOW_OUTPUT.contains(t)) {
            cmd = cmd.args(["--", "--nocapture"]);
        }
        match suite.host {
            Host::Node => {}
            Host::Chromium => {
                let chromedriver = match &ctx.chromedriver {
                    Some(path) => path.clone(),
                    None => run::which("chromedriver")
                        .ok_or("chromedriver is not on PATH (run the tools stage to install it)")?,
                };
                cmd = cmd
                    .env("WASM_BINDGEN_USE_BROWSER", "1")
                    .env("CHROMEDRIVER", chromedriver);
            }
        }
        run::run_streaming(&cmd, &mut ctx.counts)?;
    }
    Ok(())
}

/// Consumer tests of the npm module, against a sandbox on a free port.
fn npm_stage(_stage: &Stage, ctx: &mut StageCtx) -> Result<()> {
    let binary = crate::sandbox::build()?;
    let gateway = crate::gateway::build(false)?;
    let url = format!("http://127.0.0.1:{}", run::free_port()?);
    let _sandbox = crate::sandbox::start(&url, &[])?;
    crate::npm::consumer_tests(&mut ctx.counts, &url, &binary, &gateway)
}

/// Browser end-to-end tests of the admin page.
fn e2e_stage(_stage: &Stage, ctx: &mut StageCtx) -> Result<()> {
    crate::admin::e2e(&mut ctx.counts)
}

/// Size budgets (xtask/src/bench/budgets.rs): nothing grows past its ceiling.
fn budgets_stage(_stage: &Stage, _ctx: &mut StageCtx) -> Result<()> {
    crate::bench::budgets::stage()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(stages: &[&Stage]) -> Vec<&'static str> {
        stages.iter().map(|s| s.name).collect()
    }

    #[test]
    fn selects_all_by_default() -> Result<()> {
        assert_eq!(names(&select(&[], false)?).len(), STAGES.len());
        Ok(())
    }

    #[test]
    fn selects_in_order_with_tools_first() -> Result<()> {
        let picked = select(&["wasm-node".to_owned(), "fmt".to_owned()], false)?;
        assert_eq!(names(&picked), ["tools", "fmt", "wasm-node"]);
        let picked = select(&["native".to_owned()], true)?;
        assert_eq!(names(&picked), ["native"]);
        Ok(())
    }

    #[test]
    fn rejects_unknown_stage() {
        assert!(select(&["nope".to_owned()], false).is_err());
    }

    #[test]
    fn every_wasm_suite_has_its_stage() {
        for suite in WASM_SUITES {
            let stage = STAGES.iter().find(|s| s.name == suite.stage);
            assert!(stage.is_some_and(|s| s.runs_tests), "{}", suite.stage);
        }
    }
}
