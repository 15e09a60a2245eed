//! The gateway (`koodrive-gateway`): `cargo xtask serve --upstream URL`
//! builds the admin page and the gateway (release) and runs the gateway in
//! the foreground in front of a real tenant, serving the page from
//! `target/dist/admin/`; the test stages build it in debug for the npm
//! consumer tests.

use std::path::PathBuf;
use std::time::Instant;

use crate::admin::DIST_DIR;
use crate::run::{self, Cmd, Result};

/// The flags of `cargo xtask serve` that put the gateway in front of a tenant.
#[derive(Debug, Clone, Default)]
pub struct GatewayFlags {
    /// `--upstream URL`: the KooDrive endpoint.
    pub upstream: String,
    /// `--app-id ID`: app mode (with `app_secret_file`).
    pub app_id: Option<String>,
    /// `--app-secret-file FILE`.
    pub app_secret_file: Option<PathBuf>,
    /// `--acting-user-id ID`.
    pub acting_user_id: Option<String>,
    /// `--gateway-token-file FILE`.
    pub gateway_token_file: Option<PathBuf>,
}

impl GatewayFlags {
    /// The gateway's own flags for these.
    fn args(&self) -> Vec<String> {
        let mut args = vec!["--upstream".to_owned(), self.upstream.clone()];
        let mut push = |flag: &str, value: Option<String>| {
            if let Some(value) = value {
                args.push(flag.to_owned());
                args.push(value);
            }
        };
        push("--app-id", self.app_id.clone());
        push(
            "--app-secret-file",
            self.app_secret_file
                .as_ref()
                .map(|p| p.display().to_string()),
        );
        push("--acting-user-id", self.acting_user_id.clone());
        push(
            "--gateway-token-file",
            self.gateway_token_file
                .as_ref()
                .map(|p| p.display().to_string()),
        );
        args
    }
}

/// Builds the gateway (`release` or debug profile) and returns its binary.
pub fn build(release: bool) -> Result<PathBuf> {
    run::build_binary("koodrive-gateway", "koodrive-gateway", release)
}

/// Builds the gateway in release and runs it on `addr` with `flags` and
/// `extra` gateway flags until it stops.
pub fn serve(flags: &GatewayFlags, addr: &str, extra: &[String]) -> Result<()> {
    // The page first, as `cargo xtask serve` does for the sandbox.
    crate::admin::build()?;
    let started = Instant::now();
    let binary = build(true)?;
    println!(
        "built the gateway (release) in {}",
        run::format_duration(started.elapsed())
    );
    let cmd = Cmd::new(&binary)
        .args(flags.args())
        .args(["--addr", addr, "--static", DIST_DIR]);
    match &flags.app_id {
        Some(_) => println!("app mode:   the gateway signs; the page needs no secret"),
        None => println!("token mode: the page sends the access token; the gateway passes it on"),
    }
    println!("stop it with Ctrl-C");
    run::run(&cmd.args(extra))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_given_flags_are_passed_on() {
        let flags = GatewayFlags {
            upstream: "https://intl.myhuaweicloud-koodrive.com".into(),
            app_id: Some("id".into()),
            app_secret_file: Some(PathBuf::from("secret.txt")),
            ..GatewayFlags::default()
        };
        assert_eq!(
            flags.args(),
            [
                "--upstream",
                "https://intl.myhuaweicloud-koodrive.com",
                "--app-id",
                "id",
                "--app-secret-file",
                "secret.txt"
            ]
        );
    }
}
