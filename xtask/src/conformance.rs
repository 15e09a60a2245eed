//! `cargo xtask conformance`: the sandbox (release build) against its own
//! OpenAPI document and under load.
//!
//! 1. Schema-based testing: schemathesis (from PyPI, in the virtualenv
//!    `target/venv` made on first use) runs every applicable check
//!    (`--checks all`) against `openapi/space-usage.yaml`, in token mode;
//!    `xtask/conformance/hooks.py` gives well-formed X-Dates a fresh time.
//! 2. Soak (`soak`): `wrk` (installed with apt-get when missing) at the
//!    sandbox's top rate, then a mixed load with faults staged throughout;
//!    no unexpected status, no panic in the sandbox's log, and its memory
//!    (RSS) not growing by more than 10% after warm-up.
//!
//! Logs go to `target/conformance/`. It fails when any check fails.

use std::fs;
use std::path::PathBuf;
use std::time::Duration;

use crate::run::{self, Cmd, Result, ServiceGuard, workspace_root};
use crate::soak;

/// The schemathesis release the virtualenv gets.
pub const SCHEMATHESIS: &str = "schemathesis==4.32.5";

/// Test cases per run of schemathesis.
const MAX_EXAMPLES: &str = "1000";

/// A started sandbox whose stderr (its request log) goes to a file.
pub struct LoggedSandbox {
    /// Kills it when dropped.
    pub guard: ServiceGuard,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// Its log.
    pub log: PathBuf,
}

/// Builds the sandbox in release and starts it on a free port, its log in
/// `target/conformance/{name}.log`.
pub fn start_release_sandbox(name: &str) -> Result<LoggedSandbox> {
    let binary = crate::sandbox::build_release()?;
    let log = workspace_root().join(format!("target/conformance/{name}.log"));
    let addr = format!("127.0.0.1:{}", run::free_port()?);
    let guard = ServiceGuard::start_logged(
        "sandbox",
        &Cmd::new(&binary).args(["--addr", &addr]),
        &log,
        Duration::from_secs(60),
    )?;
    Ok(LoggedSandbox {
        guard,
        url: format!("http://{addr}"),
        log,
    })
}

/// Runs the schema-based tests, then the soak; prints their figures.
pub fn conformance() -> Result<()> {
    let st = ensure_schemathesis()?;
    let sandbox = start_release_sandbox("sandbox-schemathesis")?;
    let schema = schemathesis(&st, &sandbox.url);
    let panicked = soak::panics_in(&sandbox.log)?;
    drop(sandbox);
    let (generated, schema_ok) = schema?;
    println!("schemathesis: {generated}");
    if !panicked.is_empty() {
        return Err(format!("the sandbox panicked: {panicked:?}"));
    }
    if !schema_ok {
        return Err(
            "schemathesis found failures (above; log in target/conformance/schemathesis.log)"
                .into(),
        );
    }
    soak::soak()
}

/// The `st` of `target/venv`, made and filled when missing.
fn ensure_schemathesis() -> Result<PathBuf> {
    let root = workspace_root();
    let venv = root.join("target/venv");
    let st = venv.join("bin/st");
    let version = venv.join("bin/pip");
    let pinned = SCHEMATHESIS.trim_start_matches("schemathesis==");
    let current = run::capture(&Cmd::new(&st).arg("--version")).unwrap_or_default();
    if current.ends_with(pinned) {
        return Ok(st);
    }
    println!("schemathesis {pinned} is missing: installing it from PyPI into target/venv");
    if !version.is_file() {
        run::run(&Cmd::new("python3").args(["-m", "venv"]).arg(&venv))?;
    }
    run::run(&Cmd::new(&version).args(["install", "--quiet", SCHEMATHESIS]))?;
    Ok(st)
}

/// Runs schemathesis against `url`; returns its "N generated, M passed"
/// line and whether it passed.
fn schemathesis(st: &PathBuf, url: &str) -> Result<(String, bool)> {
    let root = workspace_root();
    let log = root.join("target/conformance/schemathesis.log");
    let cmd = Cmd::new(st)
        .args(["run", "openapi/space-usage.yaml", "--url", url])
        .args(["--checks", "all", "--max-examples", MAX_EXAMPLES])
        .args(["--workers", "2", "--continue-on-failure"])
        .args(["--generation-database", "none", "--no-color"])
        .args(["-H", "Authorization: Bearer sandbox-token"])
        .env("PYTHONPATH", root.join("xtask/conformance"))
        .env("SCHEMATHESIS_HOOKS", "hooks");
    let passed = run::run_logged(&cmd, &log).is_ok();
    let text = fs::read_to_string(&log).map_err(|e| format!("{}: {e}", log.display()))?;
    println!("{text}");
    let generated = text
        .lines()
        .find(|l| l.contains(" generated"))
        .map(|l| l.trim().to_owned())
        .ok_or("schemathesis printed no summary")?;
    Ok((generated, passed))
}
