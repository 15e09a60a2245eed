//! How a sandbox is set up: its credentials, the offset of its clock, its
//! cross-origin rules and the seed of the trace ids it makes up. The users
//! are given separately (see [`crate::Users`]).

use core::fmt;

use koodrive_serve::cors::Cors;

/// The access token a sandbox accepts unless told otherwise.
pub const DEFAULT_TOKEN: &str = "sandbox-token";
/// The app id a sandbox accepts unless told otherwise.
pub const DEFAULT_APP_ID: &str = "sandbox-app";
/// The app secret a sandbox accepts unless told otherwise.
pub const DEFAULT_APP_SECRET: &str = "sandbox-secret";

/// A sandbox's settings.
#[derive(Clone, PartialEq, Eq)]
pub struct SandboxConfig {
    /// The access token of token mode.
    pub token: String,
    /// The app id of app mode.
    pub app_id: String,
    /// The app secret of app mode.
    pub app_secret: String,
    /// How far the sandbox clock runs from the machine's, in seconds, at the
    /// start and after a reset.
    pub clock_offset_secs: i64,
    /// Which origins may call.
    pub cors: Cors,
    /// The seed of the trace ids given to requests that bring none.
    pub trace_seed: u64,
    /// Whether control requests (`/__sandbox/…`) must be addressed to a
    /// loopback `Host` (`localhost`, `127.0.0.1`, `[::1]`, any port). The
    /// server sets it when it listens on loopback, so that a page on a
    /// domain re-pointed at 127.0.0.1 (DNS rebinding) cannot reach them;
    /// off in memory, where no network is involved.
    pub loopback_control_only: bool,
}

impl Default for SandboxConfig {
    /// The demo credentials, the machine's clock, any origin, control
    /// requests to any `Host`.
    fn default() -> Self {
        Self {
            token: DEFAULT_TOKEN.to_owned(),
            app_id: DEFAULT_APP_ID.to_owned(),
            app_secret: DEFAULT_APP_SECRET.to_owned(),
            clock_offset_secs: 0,
            cors: Cors::AnyOrigin,
            trace_seed: 0x5a4d_b0c5,
            loopback_control_only: false,
        }
    }
}

impl SandboxConfig {
    /// Whether the credentials are the demo ones that anybody may know.
    pub fn has_default_credentials(&self) -> bool {
        self.token == DEFAULT_TOKEN
            && self.app_id == DEFAULT_APP_ID
            && self.app_secret == DEFAULT_APP_SECRET
    }
}

// Secrets never reach logs through `{:?}`.
impl fmt::Debug for SandboxConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxConfig")
            .field("token", &"<redacted>")
            .field("app_id", &self.app_id)
            .field("app_secret", &"<redacted>")
            .field("clock_offset_secs", &self.clock_offset_secs)
            .field("cors", &self.cors)
            .field("loopback_control_only", &self.loopback_control_only)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_the_secrets() {
        let config = SandboxConfig {
            token: "tok-123".into(),
            app_secret: "sec-456".into(),
            ..SandboxConfig::default()
        };
        let shown = format!("{config:?}");
        assert!(
            !shown.contains("tok-123") && !shown.contains("sec-456"),
            "{shown}"
        );
        assert!(!config.has_default_credentials());
        assert!(SandboxConfig::default().has_default_credentials());
    }
}
