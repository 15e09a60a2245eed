//! `koodrive-sandbox`: the sandbox over HTTP. Reads the flags, makes or loads
//! the users, binds, prints `listening on http://ADDR` as its first line,
//! and serves until Ctrl-C or SIGTERM.

mod app;
mod cli;

use std::io::Write as _;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser as _;
use koodrive_sandbox::{MAX_FAULT_MS, Sandbox, USAGE_PATH};
use koodrive_serve::{
    DateSource, Limits, ServeOptions, StaticSite, machine_now_ms, serve, shutdown_signal,
};

use crate::app::{SandboxApp, router};
use crate::cli::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut config = cli.config();
    let sandbox_now_ms =
        machine_now_ms().saturating_add(config.clock_offset_secs.saturating_mul(1000));
    let users = match cli.users(sandbox_now_ms) {
        Ok(users) => users,
        Err(e) => return fail(&e),
    };
    let site = match &cli.static_dir {
        Some(dir) => match StaticSite::open(dir, &cli.connect_src) {
            Ok(site) => Some(site),
            Err(e) => return fail(&e.to_string()),
        },
        None => None,
    };
    let users_description = cli.users_description(users.len());
    let runtime = match koodrive_serve::runtime() {
        Ok(runtime) => runtime,
        Err(e) => return fail(&e),
    };
    runtime.block_on(async move {
        let (listener, addr) = match koodrive_serve::listen(&cli.addr).await {
            Ok(bound) => bound,
            Err(e) => return fail(&e),
        };
        // On loopback, control requests must name a loopback host.
        config.loopback_control_only = addr.ip().is_loopback();
        let sandbox = Arc::new(Sandbox::new(config, users));
        print_banner(
            &addr.to_string(),
            &sandbox,
            &users_description,
            site.as_ref(),
        );
        let clock = Arc::clone(&sandbox);
        let date: DateSource = Arc::new(move || clock.date_header(machine_now_ms()));
        let options = ServeOptions {
            // The whole-request deadline leaves room for the longest `delay`
            // fault (asked for only through the control endpoints).
            limits: Limits {
                request_timeout: Duration::from_millis(MAX_FAULT_MS) + Duration::from_secs(60),
                ..Limits::default()
            },
            cors: Some(sandbox.config().cors.clone()),
            date: Some(date),
            log_requests: true,
        };
        let app = router(Arc::new(SandboxApp { sandbox, site }));
        match serve(listener, app, options, shutdown_signal()).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(&format!("serving failed: {e}")),
        }
    })
}

/// Prints the start-up lines in one write, `listening on http://ADDR` first,
/// so that whoever reads only the first line may close the pipe at once.
fn print_banner(addr: &str, sandbox: &Sandbox, users: &str, site: Option<&StaticSite>) {
    let config = sandbox.config();
    let mut banner = format!("listening on http://{addr}\n");
    banner.push_str(&format!("api: POST http://{addr}{USAGE_PATH}\n"));
    banner.push_str(&format!("users: {users}\n"));
    if config.has_default_credentials() {
        banner.push_str(&format!(
            "credentials: token {}, or app id {} with secret {}; X-User-Id any\n",
            config.token, config.app_id, config.app_secret
        ));
    } else {
        banner.push_str("credentials: as given by --token, --app-id and --app-secret\n");
    }
    match site {
        Some(site) => banner.push_str(&format!(
            "admin page: http://{addr}/ (from {})\n",
            site.root().display()
        )),
        None => banner.push_str("admin page: not served (give --static DIR)\n"),
    }
    banner.push_str(&format!(
        "control: http://{addr}/__sandbox/health, /__sandbox/faults, /__sandbox/clock, /__sandbox/stats, /__sandbox/reset\n"
    ));
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(banner.as_bytes()).and_then(|()| out.flush());
}

fn fail(message: &str) -> ExitCode {
    let _ = writeln!(std::io::stderr().lock(), "koodrive-sandbox: {message}");
    ExitCode::from(2)
}
