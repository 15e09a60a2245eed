//! The gateway's flags, and turning them into checked [`Settings`]: the
//! upstream parsed (cleartext `http://` only to a loopback host, unless
//! `--insecure-upstream`), the secret files read (their content never
//! printed), the rule that a gateway other machines can reach needs a
//! gateway token, and the CORS policy (no empty entry; any origin never for
//! a gateway that signs without a gateway token).

use std::net::{SocketAddr, ToSocketAddrs as _};
use std::path::{Path, PathBuf};

use clap::Parser;
use koodrive_core::BaseUrl;
use koodrive_serve::Cors;
use koodrive_serve::hardening::is_loopback_host;

use crate::settings::{GatewayToken, Mode, Settings};

/// A same-origin gateway to a KooDrive tenant: serves the admin page and
/// forwards only the space-usage endpoint, signing app requests itself.
#[derive(Debug, Parser)]
#[command(name = "koodrive-gateway", version, about, long_about = None)]
pub struct Cli {
    /// The KooDrive endpoint, e.g. https://intl.myhuaweicloud-koodrive.com.
    /// Cleartext http:// only to a loopback host, unless --insecure-upstream.
    #[arg(long, value_name = "URL")]
    pub upstream: String,
    /// Allow a cleartext http:// upstream on another machine: tokens and
    /// signatures then cross the network unencrypted.
    #[arg(long = "insecure-upstream")]
    pub insecure_upstream: bool,
    /// Where to listen (host:port); port 0 picks a free one. Loopback only,
    /// unless --gateway-token-file is given.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8090")]
    pub addr: String,
    /// Serve the built admin page from this folder at `/`.
    #[arg(long = "static", value_name = "DIR")]
    pub static_dir: Option<PathBuf>,
    /// App mode: the app's id; the gateway signs every forwarded request.
    #[arg(long = "app-id", value_name = "ID", requires = "app_secret_file")]
    pub app_id: Option<String>,
    /// App mode: a file holding the app's secret (which never leaves the gateway).
    #[arg(long = "app-secret-file", value_name = "FILE", requires = "app_id")]
    pub app_secret_file: Option<PathBuf>,
    /// The X-User-Id to send on every request (default: the caller's X-User-Id).
    #[arg(long = "acting-user-id", value_name = "ID")]
    pub acting_user_id: Option<String>,
    /// A file holding the token every API request must carry in X-Gateway-Token.
    #[arg(long = "gateway-token-file", value_name = "FILE")]
    pub gateway_token_file: Option<PathBuf>,
    /// Origins of other pages that may call the gateway from a browser
    /// (repeat, or separate with commas); by default only the gateway's own.
    /// `*` (or `any`) allows every origin: refused for a gateway that signs
    /// without a gateway token. An empty entry is an error.
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    pub allow_origin: Vec<String>,
    /// App mode: take a snapshot of every user this often (e.g. 24h), kept in --snapshot-db.
    #[arg(
        long = "snapshot-every",
        value_name = "INTERVAL",
        requires = "snapshot_db"
    )]
    pub snapshot_every: Option<String>,
    /// The SQLite file that keeps the snapshots (created when missing).
    #[arg(long = "snapshot-db", value_name = "FILE", requires = "snapshot_every")]
    pub snapshot_db: Option<PathBuf>,
    /// Delete snapshots taken more than this many days before the newest [default: 400].
    #[arg(long = "keep-days", value_name = "DAYS", requires = "snapshot_db")]
    pub keep_days: Option<u32>,
    /// More origins the admin page may connect to (added to its CSP).
    #[arg(long = "connect-src", value_name = "ORIGIN", num_args = 1..)]
    pub connect_src: Vec<String>,
}

/// The shortest gateway token accepted.
pub const MIN_GATEWAY_TOKEN_CHARS: usize = 16;

/// Reads a one-line secret file: surrounding whitespace (the final newline
/// an editor adds) is dropped; an empty file is refused.
fn read_secret(flag: &str, path: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{flag} {}: cannot be read ({e})", path.display()))?;
    let secret = text.trim();
    if secret.is_empty() {
        return Err(format!("{flag} {}: the file is empty", path.display()));
    }
    Ok(secret.to_owned())
}

/// Whether every address `addr` names is a loopback one.
pub fn is_loopback_only(addr: &str) -> Result<bool, String> {
    let resolved: Vec<SocketAddr> = addr
        .to_socket_addrs()
        .map_err(|e| format!("--addr {addr}: not an address to listen on ({e})"))?
        .collect();
    if resolved.is_empty() {
        return Err(format!("--addr {addr}: names no address"));
    }
    Ok(resolved.iter().all(|a| a.ip().is_loopback()))
}

/// The CORS policy of `--allow-origin` values: each entry an origin
/// (`scheme://host[:port]`), or `*`/`any` for every origin. An empty entry
/// (an unset shell variable) is an error, and so is any origin for a gateway
/// that signs (`signs`) and has no gateway token (`has_token`): every page
/// on the web could then query the tenant as the app.
pub fn allowed_origins(values: &[String], signs: bool, has_token: bool) -> Result<Cors, String> {
    let mut origins = Vec::new();
    let mut any = false;
    for value in values {
        for entry in value.split(',') {
            let origin = entry.trim().trim_end_matches('/');
            if origin.is_empty() {
                return Err(format!(
                    "--allow-origin {value:?} has an empty entry (an unset shell variable?): name each origin, such as https://admin.example, or leave the flag out to allow only the gateway's own page"
                ));
            }
            if origin == "*" || origin.eq_ignore_ascii_case("any") {
                any = true;
                continue;
            }
            let parsed = BaseUrl::parse(origin)
                .ok()
                .filter(|b| b.prefix().is_empty());
            let Some(parsed) = parsed else {
                return Err(format!(
                    "--allow-origin {origin:?} is not an origin: give scheme://host[:port], such as https://admin.example"
                ));
            };
            origins.push(parsed.origin());
        }
    }
    if !any {
        return Ok(Cors::Origins(origins));
    }
    if signs && !has_token {
        return Err(
            "--allow-origin * is refused: this gateway signs every request as the app and needs no token, so every web page you visit could query the tenant through it. Name the origins that may call, or give --gateway-token-file FILE".into(),
        );
    }
    Ok(Cors::AnyOrigin)
}

/// The CORS policy in words, for the start-up lines.
pub fn describe_cors(cors: &Cors) -> String {
    match cors {
        Cors::AnyOrigin => "any origin (Access-Control-Allow-Origin: *)".into(),
        Cors::Origins(origins) if origins.is_empty() => "only the gateway's own page".into(),
        Cors::Origins(origins) => format!("the gateway's own page and {}", origins.join(", ")),
    }
}

/// Refuses a cleartext upstream on another machine unless `insecure`.
fn check_upstream_scheme(upstream: &BaseUrl, insecure: bool) -> Result<(), String> {
    if upstream.scheme() == "https" || insecure || is_loopback_host(upstream.host()) {
        return Ok(());
    }
    Err(format!(
        "--upstream {upstream}: refusing cleartext http:// to another machine, which would send access tokens and signatures unencrypted. Use https://, or give --insecure-upstream if the network between is yours"
    ))
}

impl Cli {
    /// Checks the flags and reads the files they name.
    pub fn settings(&self) -> Result<Settings, String> {
        let upstream = BaseUrl::parse(&self.upstream)
            .map_err(|e| format!("--upstream {}: {e}", self.upstream))?;
        check_upstream_scheme(&upstream, self.insecure_upstream)?;
        let mode = match (&self.app_id, &self.app_secret_file) {
            (Some(app_id), Some(file)) if !app_id.trim().is_empty() => Mode::App {
                app_id: app_id.trim().to_owned(),
                app_secret: read_secret("--app-secret-file", file)?,
            },
            (Some(_), _) => return Err("--app-id is empty".into()),
            _ => Mode::Token,
        };
        let gateway_token = match &self.gateway_token_file {
            Some(file) => {
                let token = read_secret("--gateway-token-file", file)?;
                if token.chars().count() < MIN_GATEWAY_TOKEN_CHARS {
                    return Err(format!(
                        "--gateway-token-file {}: the token is shorter than {MIN_GATEWAY_TOKEN_CHARS} characters; use a long random one (e.g. `openssl rand -hex 32`)",
                        file.display()
                    ));
                }
                Some(GatewayToken::new(&token))
            }
            None => None,
        };
        if gateway_token.is_none() && !is_loopback_only(&self.addr)? {
            return Err(format!(
                "refusing to listen on {}: other machines could reach it, and anyone who can reach the gateway can query the tenant through it. Listen on a loopback address (127.0.0.1:PORT), or give --gateway-token-file FILE so that every API request must carry that token in X-Gateway-Token",
                self.addr
            ));
        }
        let acting_user_id = match self.acting_user_id.as_deref().map(str::trim) {
            Some("") => return Err("--acting-user-id is empty".into()),
            other => other.map(str::to_owned),
        };
        let snapshots = crate::snapshots::settings_from_flags(
            self.snapshot_every.as_deref(),
            self.snapshot_db.as_deref(),
            self.keep_days,
            matches!(mode, Mode::App { .. }),
            acting_user_id.as_deref(),
        )?;
        let cors = allowed_origins(
            &self.allow_origin,
            matches!(mode, Mode::App { .. }),
            gateway_token.is_some(),
        )?;
        Ok(Settings {
            upstream,
            mode,
            acting_user_id,
            gateway_token,
            cors,
            snapshots,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory as _;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("koodrive-gateway").chain(args.iter().copied()))
    }

    #[test]
    fn the_flags_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn the_upstream_is_required_and_the_defaults_are_safe() {
        assert!(parse(&[]).is_err());
        let cli = parse(&["--upstream", "https://intl.myhuaweicloud-koodrive.com"]).unwrap();
        assert_eq!(cli.addr, "127.0.0.1:8090");
        let settings = cli.settings().unwrap();
        assert!(matches!(settings.mode, Mode::Token));
        assert!(settings.gateway_token.is_none());
        assert_eq!(settings.cors, Cors::Origins(Vec::new()));
        assert_eq!(settings.upstream.host(), "intl.myhuaweicloud-koodrive.com");
    }

    #[test]
    fn app_id_and_secret_file_come_together() {
        let up = ["--upstream", "http://127.0.0.1:1"];
        assert!(parse(&[&up[..], &["--app-id", "a"]].concat()).is_err());
        assert!(parse(&[&up[..], &["--app-secret-file", "f"]].concat()).is_err());
    }

    #[test]
    fn a_reachable_address_needs_a_gateway_token() {
        let cli = parse(&["--upstream", "http://127.0.0.1:1", "--addr", "0.0.0.0:0"]).unwrap();
        let e = cli.settings().unwrap_err();
        assert!(e.contains("--gateway-token-file"), "{e}");
        assert!(is_loopback_only("127.0.0.1:0").unwrap());
        assert!(is_loopback_only("[::1]:0").unwrap());
        assert!(!is_loopback_only("0.0.0.0:0").unwrap());
        assert!(is_loopback_only("not an address").is_err());
    }

    fn app_args<'a>(secret: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
        let mut args = vec![
            "--upstream",
            "https://intl.myhuaweicloud-koodrive.com",
            "--app-id",
            "a",
            "--app-secret-file",
            secret,
        ];
        args.extend_from_slice(extra);
        args
    }

    #[test]
    fn an_empty_allow_origin_entry_is_an_error_not_every_origin() {
        for value in [
            "",
            " ",
            "https://a.example,",
            ",https://a.example",
            "https://a.example,,https://b.example",
        ] {
            let cli = parse(&["--upstream", "https://x.example", "--allow-origin", value]).unwrap();
            let e = cli.settings().unwrap_err();
            assert!(e.contains("empty entry"), "{value:?}: {e}");
        }
        let e = parse(&[
            "--upstream",
            "https://x.example",
            "--allow-origin",
            "admin.example",
        ])
        .unwrap()
        .settings()
        .unwrap_err();
        assert!(e.contains("is not an origin"), "{e}");
        let cors = parse(&[
            "--upstream",
            "https://x.example",
            "--allow-origin",
            "https://a.example/, http://127.0.0.1:8081",
        ])
        .unwrap()
        .settings()
        .unwrap()
        .cors;
        assert_eq!(
            cors,
            Cors::Origins(vec![
                "https://a.example".into(),
                "http://127.0.0.1:8081".into()
            ])
        );
    }

    #[test]
    fn any_origin_is_refused_for_a_gateway_that_signs_without_a_token() {
        let dir = std::env::temp_dir().join(format!("gateway-cors-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let secret = dir.join("secret");
        std::fs::write(&secret, "the-app-secret\n").unwrap();
        let token = dir.join("token");
        std::fs::write(&token, "a-gateway-token-0123456789\n").unwrap();
        let secret = secret.to_str().unwrap();
        for any in ["*", "any", "https://a.example,*"] {
            let e = parse(&app_args(secret, &["--allow-origin", any]))
                .unwrap()
                .settings()
                .unwrap_err();
            assert!(e.contains("--allow-origin * is refused"), "{any}: {e}");
            // With a gateway token, or in token mode, it is the caller's choice.
            let with_token = app_args(
                secret,
                &[
                    "--allow-origin",
                    any,
                    "--gateway-token-file",
                    token.to_str().unwrap(),
                ],
            );
            assert_eq!(
                parse(&with_token).unwrap().settings().unwrap().cors,
                Cors::AnyOrigin
            );
            let token_mode = ["--upstream", "https://x.example", "--allow-origin", any];
            assert_eq!(
                parse(&token_mode).unwrap().settings().unwrap().cors,
                Cors::AnyOrigin
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_cors_policy_is_described_in_words() {
        assert_eq!(
            describe_cors(&Cors::Origins(Vec::new())),
            "only the gateway's own page"
        );
        assert_eq!(
            describe_cors(&Cors::Origins(vec!["https://a.example".into()])),
            "the gateway's own page and https://a.example"
        );
        assert!(describe_cors(&Cors::AnyOrigin).starts_with("any origin"));
    }

    #[test]
    fn a_cleartext_upstream_on_another_machine_needs_insecure_upstream() {
        for upstream in [
            "http://intl.myhuaweicloud-koodrive.com",
            "http://10.0.0.5:8080/kd",
        ] {
            let e = parse(&["--upstream", upstream])
                .unwrap()
                .settings()
                .unwrap_err();
            assert!(e.contains("--insecure-upstream"), "{upstream}: {e}");
            let insecure = parse(&["--upstream", upstream, "--insecure-upstream"]).unwrap();
            assert!(insecure.settings().is_ok(), "{upstream}");
        }
        for upstream in [
            "https://intl.myhuaweicloud-koodrive.com",
            "http://127.0.0.1:8080",
            "http://localhost:8080",
            "http://[::1]:8080",
        ] {
            assert!(
                parse(&["--upstream", upstream]).unwrap().settings().is_ok(),
                "{upstream}"
            );
        }
    }

    #[test]
    fn unreadable_empty_or_short_secret_files_are_refused_by_name() {
        let dir = std::env::temp_dir().join(format!("gateway-cli-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let empty = dir.join("empty");
        std::fs::write(&empty, "\n").unwrap();
        let short = dir.join("short");
        std::fs::write(&short, "abc\n").unwrap();
        let cases = [
            (
                vec!["--app-id", "a", "--app-secret-file", "/nonexistent/x"],
                "cannot be read",
            ),
            (
                vec![
                    "--app-id",
                    "a",
                    "--app-secret-file",
                    empty.to_str().unwrap(),
                ],
                "empty",
            ),
            (
                vec!["--gateway-token-file", short.to_str().unwrap()],
                "shorter than",
            ),
        ];
        for (flags, expected) in cases {
            let mut args = vec!["--upstream", "http://127.0.0.1:1"];
            args.extend(flags);
            let e = parse(&args).unwrap().settings().unwrap_err();
            assert!(e.contains(expected), "{e}");
            assert!(!e.contains("abc"), "the file's content is not shown: {e}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
