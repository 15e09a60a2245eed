//! `koodrive-gateway`: the admin page's same-origin gateway to a real
//! KooDrive tenant. It serves the built page (`--static`, with the shared
//! hashed-script CSP), forwards only `POST /koodrive/ose/v1/space/usage/user`
//! through the client crate on its native platform (a fresh `X-Date` from
//! its own skew-corrected clock; in app mode it signs over the upstream's
//! host, so the secret never reaches a browser; in token mode it passes the
//! caller's `Authorization` on unchanged), and answers
//! `GET /__gateway/health`. In app mode, with `--snapshot-every` and
//! `--snapshot-db`, it also lists every user on a schedule and keeps the
//! snapshots in SQLite (`snapshots`). Serving (limits, CORS, `Date`, the
//! request log, graceful shutdown, static files) is the `koodrive-serve`
//! crate, shared with the sandbox.
//!
//! It reads its flags, binds (loopback only unless a gateway token is
//! configured), prints `listening on http://ADDR` as its first line, and
//! serves until Ctrl-C or SIGTERM. It never prints a token, secret or
//! signature.

mod app;
#[cfg(test)]
mod app_tests;
mod cli;
mod forward;
mod relay;
mod settings;
mod snapshots;

use std::io::Write as _;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser as _;
use koodrive_core::USAGE_PATH;
use koodrive_serve::{Limits, ServeOptions, StaticSite, serve, shutdown_signal};

use crate::app::{GatewayApp, HEALTH_PATH, router};
use crate::cli::Cli;
use crate::forward::Forwarder;
use crate::settings::{Mode, Settings};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match cli.settings() {
        Ok(settings) => settings,
        Err(e) => return fail(&e),
    };
    let site = match &cli.static_dir {
        Some(dir) => match StaticSite::open(dir, &cli.connect_src) {
            Ok(site) => Some(site),
            Err(e) => return fail(&e.to_string()),
        },
        None => None,
    };
    let forwarder = match Forwarder::start(settings.upstream.to_string()) {
        Ok(forwarder) => forwarder,
        Err(e) => return fail(&e),
    };
    // Opened before listening: a damaged database stops the gateway at once.
    let snapshots = match (&settings.snapshots, &settings.mode) {
        (Some(snapshot_settings), Mode::App { app_id, app_secret }) => {
            let lister = snapshots::taker::Lister {
                upstream: settings.upstream.to_string(),
                app_id: app_id.clone(),
                app_secret: app_secret.clone(),
            };
            match snapshots::Snapshots::start(snapshot_settings.clone(), lister) {
                Ok(snapshots) => Some(snapshots),
                Err(e) => return fail(&e),
            }
        }
        _ => None,
    };
    let runtime = match koodrive_serve::runtime() {
        Ok(runtime) => runtime,
        Err(e) => return fail(&e),
    };
    runtime.block_on(async move {
        let (listener, addr) = match koodrive_serve::listen(&cli.addr).await {
            Ok(bound) => bound,
            Err(e) => return fail(&e),
        };
        print_banner(&addr.to_string(), &settings, site.as_ref());
        let options = ServeOptions {
            limits: Limits::default(),
            cors: Some(settings.cors.clone()),
            date: None,
            log_requests: true,
        };
        let app = GatewayApp {
            loopback_hosts_only: settings.gateway_token.is_none(),
            settings,
            site,
            forwarder,
            snapshots,
        };
        match serve(listener, router(Arc::new(app)), options, shutdown_signal()).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(&format!("serving failed: {e}")),
        }
    })
}

/// Prints the start-up lines in one write, `listening on http://ADDR` first.
/// Names the app id, never the secret or the gateway token.
fn print_banner(addr: &str, settings: &Settings, site: Option<&StaticSite>) {
    let upstream = settings.upstream.to_string();
    let mut banner = format!("listening on http://{addr}\n");
    banner.push_str(&format!(
        "forwards:     POST http://{addr}{USAGE_PATH} -> {upstream}{USAGE_PATH}\n"
    ));
    banner.push_str(&match &settings.mode {
        Mode::App { app_id, .. } => format!(
            "auth:         app mode: the gateway signs with app id {app_id}; callers send no credentials\n"
        ),
        Mode::Token => {
            "auth:         token mode: each caller's Authorization is passed on unchanged\n".into()
        }
    });
    banner.push_str(&match &settings.acting_user_id {
        Some(id) => format!("X-User-Id:    {id}, on every request\n"),
        None => "X-User-Id:    the caller's\n".into(),
    });
    banner.push_str(if settings.gateway_token.is_some() {
        "access:       every API request must carry X-Gateway-Token\n"
    } else {
        "access:       this machine only (loopback), no gateway token\n"
    });
    banner.push_str(&format!(
        "cors:         {}\n",
        crate::cli::describe_cors(&settings.cors)
    ));
    if settings.upstream.scheme() == "http" {
        banner.push_str(
            "upstream:     cleartext http: tokens and signatures are not encrypted on the way\n",
        );
    }
    match site {
        Some(site) => banner.push_str(&format!(
            "admin page:   http://{addr}/ (from {})\n",
            site.root().display()
        )),
        None => banner.push_str("admin page:   not served (give --static DIR)\n"),
    }
    if let Some(snapshots) = &settings.snapshots {
        banner.push_str(&format!(
            "snapshots:    every {}, kept {} days, in {} (http://{addr}{})\n",
            humantime::format_duration(snapshots.every),
            snapshots.keep_days,
            snapshots.db.display(),
            snapshots::http::SNAPSHOTS_PATH
        ));
    }
    banner.push_str(&format!("health:       http://{addr}{HEALTH_PATH}\n"));
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(banner.as_bytes()).and_then(|()| out.flush());
}

fn fail(message: &str) -> ExitCode {
    let _ = writeln!(std::io::stderr().lock(), "koodrive-gateway: {message}");
    ExitCode::from(2)
}
