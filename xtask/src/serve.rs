//! `cargo xtask serve`: builds the sandbox in release and runs it in the
//! foreground on 127.0.0.1:8080 (or `--addr`), serving the admin page from
//! `target/dist/admin/` when it has been built, and printing the address and
//! the demo credentials. Ctrl-C stops it.

use std::time::Instant;

use crate::run::{self, Cmd, Result};

/// Where the built admin page lives, relative to the workspace root.
pub const ADMIN_DIR: &str = "target/dist/admin";

/// Builds and runs the sandbox on `addr` with `extra` flags until it stops.
pub fn serve(addr: &str, extra: &[String]) -> Result<()> {
    let dist = crate::admin::build()?;
    crate::admin::print_first_load(crate::admin::DIST_DIR, &crate::admin::first_load(&dist)?);
    let started = Instant::now();
    run::run(&Cmd::cargo().args([
        "build",
        "--release",
        "-p",
        "koodrive-sandbox",
        "--bin",
        "koodrive-sandbox",
    ]))?;
    println!(
        "built the sandbox (release) in {}",
        run::format_duration(started.elapsed())
    );
    let root = run::workspace_root();
    let binary = root.join("target/release/koodrive-sandbox");
    if !binary.is_file() {
        return Err(format!(
            "the sandbox was built but {} is missing",
            binary.display()
        ));
    }
    let url = if addr.ends_with(":0") {
        "a free port (see `listening on` below)".to_owned()
    } else {
        format!("http://{addr}")
    };
    println!("sandbox:    {url}");
    let mut cmd = Cmd::new(&binary).args(["--addr", addr]);
    if root.join(ADMIN_DIR).join("index.html").is_file() {
        cmd = cmd.args(["--static", ADMIN_DIR]);
        println!("admin page: / (from {ADMIN_DIR})");
    } else {
        println!(
            "admin page: not built yet (it comes in a later version); the API is served on its own"
        );
    }
    println!("api:        POST /koodrive/ose/v1/space/usage/user");
    println!("token mode: Authorization: Bearer sandbox-token");
    println!("app mode:   app id sandbox-app, app secret sandbox-secret (HMAC-SHA256)");
    println!("X-User-Id:  any non-empty value");
    println!("stop it with Ctrl-C");
    run::run(&cmd.args(extra))
}
