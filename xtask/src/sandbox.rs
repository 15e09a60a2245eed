//! Starting the sandbox for the test stages that need a KooDrive to talk to.
//!
//! The wasm tests get its URL at compile time (`KOODRIVE_SANDBOX_URL`, read
//! with `option_env!`), so it runs on a fixed port,
//! [`DEFAULT_TEST_PORT`] (or `KOODRIVE_TEST_SANDBOX_PORT`): the same URL
//! every run keeps those test binaries from being rebuilt.

use std::path::PathBuf;
use std::time::Duration;

use crate::run::{self, Cmd, Result, ServiceGuard};

/// The port of the sandbox the wasm tests talk to.
pub const DEFAULT_TEST_PORT: u16 = 18080;

/// The sandbox URL the wasm tests are compiled against.
pub fn test_url() -> String {
    let port = std::env::var("KOODRIVE_TEST_SANDBOX_PORT")
        .ok()
        .and_then(|p| p.parse::<u16>().ok())
        .unwrap_or(DEFAULT_TEST_PORT);
    format!("http://127.0.0.1:{port}")
}

/// Builds the sandbox (debug profile) and returns its binary.
pub fn build() -> Result<PathBuf> {
    run::build_binary("koodrive-sandbox", "koodrive-sandbox", false)
}

/// Builds the sandbox in release (what `cargo xtask serve`, `conformance`
/// and `bench` run) and returns its binary.
pub fn build_release() -> Result<PathBuf> {
    run::build_binary("koodrive-sandbox", "koodrive-sandbox", true)
}

/// Builds and starts a sandbox on `url`'s address with `extra` flags; it is
/// stopped when the guard drops.
pub fn start(url: &str, extra: &[&str]) -> Result<ServiceGuard> {
    let binary = build()?;
    let addr = url.trim_start_matches("http://");
    let cmd = Cmd::new(binary).args(["--addr", addr]).args(extra);
    let guard = ServiceGuard::start("sandbox", &cmd, Duration::from_secs(60)).map_err(|e| {
        format!("{e}\n(is port {addr} taken? set KOODRIVE_TEST_SANDBOX_PORT to another port)")
    })?;
    Ok(guard)
}
