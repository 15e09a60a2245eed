//! `cargo xtask serve`: builds the admin page into `target/dist/admin/` and
//! the sandbox in release, and runs the sandbox in the foreground on
//! 127.0.0.1:8080 (or `--addr`) serving the page, printing the address and
//! the demo credentials. Ctrl-C stops it.

use crate::admin::DIST_DIR;
use crate::run::{self, Cmd, Result};

/// Builds and runs the sandbox on `addr` with `extra` flags until it stops.
pub fn serve(addr: &str, extra: &[String]) -> Result<()> {
    let dist = crate::admin::build()?;
    crate::admin::print_first_load(DIST_DIR, &crate::admin::first_load(&dist)?);
    let binary = crate::sandbox::build_release()?;
    let url = if addr.ends_with(":0") {
        "a free port (see `listening on` below)".to_owned()
    } else {
        format!("http://{addr}")
    };
    println!("sandbox:    {url}");
    let cmd = Cmd::new(&binary).args(["--addr", addr, "--static", DIST_DIR]);
    println!("admin page: / (from {DIST_DIR})");
    println!("api:        POST /koodrive/ose/v1/space/usage/user");
    println!("token mode: Authorization: Bearer sandbox-token");
    println!("app mode:   app id sandbox-app, app secret sandbox-secret (HMAC-SHA256)");
    println!("X-User-Id:  any non-empty value");
    println!("stop it with Ctrl-C");
    run::run(&cmd.args(extra))
}
