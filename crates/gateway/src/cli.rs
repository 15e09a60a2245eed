//! The gateway's flags, and turning them into checked [`Settings`]: the
//! upstream parsed, the secret files read (their content never printed), and
//! the rule that a gateway other machines can reach needs a gateway token.

use std::net::{SocketAddr, ToSocketAddrs as _};
use std::path::{Path, PathBuf};

use clap::Parser;
use koodrive_core::BaseUrl;
use koodrive_serve::Cors;

use crate::settings::{GatewayToken, Mode, Settings};

/// A same-origin gateway to a KooDrive tenant: serves the admin page and
/// forwards only the space-usage endpoint, signing app requests itself.
#[derive(Debug, Parser)]
#[command(name = "koodrive-gateway", version, about, long_about = None)]
pub struct Cli {
    /// The KooDrive endpoint, e.g. https://intl.myhuaweicloud-koodrive.com.
    #[arg(long, value_name = "URL")]
    pub upstream: String,
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

impl Cli {
    /// Checks the flags and reads the files they name.
    pub fn settings(&self) -> Result<Settings, String> {
        let upstream = BaseUrl::parse(&self.upstream)
            .map_err(|e| format!("--upstream {}: {e}", self.upstream))?;
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
        let cors = if self.allow_origin.is_empty() {
            Cors::Origins(Vec::new())
        } else {
            Cors::from_values(&self.allow_origin)
        };
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
