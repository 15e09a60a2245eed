//! The sandbox's flags (README.md, "The sandbox", lists them), and turning them into the users and
//! the settings of the sandbox.

use std::path::PathBuf;

use clap::Parser;
use koodrive_sandbox::{
    Cors, DEFAULT_APP_ID, DEFAULT_APP_SECRET, DEFAULT_TOKEN, MAX_CLOCK_OFFSET_SECS, SandboxConfig,
    Users,
};

/// The most users `--users` makes up.
const MAX_GENERATED_USERS: u32 = 1_000_000;

/// A local stand-in for KooDrive's space-usage endpoint, for development,
/// demos and tests.
#[derive(Debug, Parser)]
#[command(name = "koodrive-sandbox", version, about, long_about = None)]
pub struct Cli {
    /// Where to listen (host:port); port 0 picks a free one.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// How many users to make up.
    #[arg(long, value_name = "N", default_value_t = 2000,
          value_parser = clap::value_parser!(u32).range(0..=i64::from(MAX_GENERATED_USERS)))]
    pub users: u32,
    /// The seed of the made-up users (the same seed gives the same users).
    #[arg(long, value_name = "S", default_value_t = 42)]
    pub seed: u64,
    /// Serve the users of this file instead: a JSON array of UserSpaceQuota.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["users", "seed"])]
    pub data: Option<PathBuf>,
    /// The access token accepted in token mode.
    #[arg(long, value_name = "TOKEN", default_value = DEFAULT_TOKEN)]
    pub token: String,
    /// The app id accepted in app (HMAC-SHA256) mode.
    #[arg(long = "app-id", value_name = "ID", default_value = DEFAULT_APP_ID)]
    pub app_id: String,
    /// The app secret of app mode.
    #[arg(long = "app-secret", value_name = "SECRET", default_value = DEFAULT_APP_SECRET)]
    pub app_secret: String,
    /// Serve the built admin page from this folder at `/`.
    #[arg(long = "static", value_name = "DIR")]
    pub static_dir: Option<PathBuf>,
    /// Run the sandbox clock this many seconds from the machine's.
    #[arg(long = "clock-offset", value_name = "SECONDS", default_value_t = 0,
          allow_negative_numbers = true,
          value_parser = clap::value_parser!(i64).range(-MAX_CLOCK_OFFSET_SECS..=MAX_CLOCK_OFFSET_SECS))]
    pub clock_offset: i64,
    /// Origins that may call from a browser (`any`, or origins such as
    /// http://localhost:8081; repeat or separate with commas).
    #[arg(long = "allow-origin", value_name = "ORIGIN", default_value = "any")]
    pub allow_origin: Vec<String>,
    /// More origins the admin page may connect to (added to its CSP).
    #[arg(long = "connect-src", value_name = "ORIGIN", num_args = 1..)]
    pub connect_src: Vec<String>,
}

impl Cli {
    /// The sandbox's settings.
    pub fn config(&self) -> SandboxConfig {
        SandboxConfig {
            token: self.token.clone(),
            app_id: self.app_id.clone(),
            app_secret: self.app_secret.clone(),
            clock_offset_secs: self.clock_offset,
            cors: Cors::from_values(&self.allow_origin),
            ..SandboxConfig::default()
        }
    }

    /// The users: read from `--data`, or made up from `--users` and `--seed`
    /// relative to the sandbox clock's now.
    pub fn users(&self, sandbox_now_ms: i64) -> Result<Users, String> {
        match &self.data {
            Some(path) => {
                let bytes = std::fs::read(path)
                    .map_err(|e| format!("cannot read --data {}: {e}", path.display()))?;
                Users::from_json(&bytes).map_err(|e| format!("--data {}: {e}", path.display()))
            }
            None => Ok(Users::generate(
                self.users as usize,
                self.seed,
                sandbox_now_ms,
            )),
        }
    }

    /// What the users are, for the start-up lines.
    pub fn users_description(&self, count: usize) -> String {
        match &self.data {
            Some(path) => format!("{count} from {}", path.display()),
            None => format!("{count} generated from seed {}", self.seed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory as _;

    #[test]
    fn the_flags_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn defaults_are_the_documented_ones() {
        let cli = Cli::parse_from(["koodrive-sandbox"]);
        assert_eq!(cli.addr, "127.0.0.1:8080");
        assert_eq!((cli.users, cli.seed, cli.clock_offset), (2000, 42, 0));
        assert_eq!(cli.config(), SandboxConfig::default());
        let cli = Cli::parse_from([
            "koodrive-sandbox",
            "--clock-offset",
            "-1200",
            "--connect-src",
            "http://a",
            "http://b",
        ]);
        assert_eq!(cli.clock_offset, -1200);
        assert_eq!(cli.connect_src, ["http://a", "http://b"]);
        assert!(
            Cli::try_parse_from(["koodrive-sandbox", "--data", "x.json", "--users", "5"]).is_err()
        );
    }
}
