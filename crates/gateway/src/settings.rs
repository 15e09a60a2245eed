//! What the gateway runs with, once its flags are checked: the upstream, the
//! mode (who authenticates), the acting user, the gateway token and the CORS
//! policy. Secrets live here and nowhere else; `Debug` never shows them.

use koodrive_core::BaseUrl;
use koodrive_serve::Cors;
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

/// Who authenticates the forwarded requests.
#[derive(Clone)]
pub enum Mode {
    /// Token mode: each caller's own `Authorization` is passed on unchanged.
    Token,
    /// App mode: the gateway signs every request with the app's secret;
    /// callers send no credentials.
    App {
        /// The app's id.
        app_id: String,
        /// The app's secret, read from `--app-secret-file`.
        app_secret: String,
    },
}

impl std::fmt::Debug for Mode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Token => f.write_str("Mode::Token"),
            Self::App { app_id, .. } => {
                write!(
                    f,
                    "Mode::App {{ app_id: {app_id:?}, app_secret: <redacted> }}"
                )
            }
        }
    }
}

/// The token every API request must carry in `X-Gateway-Token`, kept only as
/// its SHA-256 so that comparing takes the same time whatever is sent.
#[derive(Clone)]
pub struct GatewayToken([u8; 32]);

impl GatewayToken {
    /// The token read from `--gateway-token-file`.
    pub fn new(token: &str) -> Self {
        Self(Sha256::digest(token.as_bytes()).into())
    }

    /// Whether `given` is the token, compared in constant time (over
    /// digests, so even the length is not told).
    pub fn matches(&self, given: &[u8]) -> bool {
        let given: [u8; 32] = Sha256::digest(given).into();
        self.0.ct_eq(&given).into()
    }
}

impl std::fmt::Debug for GatewayToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("GatewayToken(<redacted>)")
    }
}

/// The gateway's checked settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where requests are forwarded.
    pub upstream: BaseUrl,
    /// Who authenticates them.
    pub mode: Mode,
    /// The `X-User-Id` of every request, when fixed by `--acting-user-id`.
    pub acting_user_id: Option<String>,
    /// The token API requests must carry, when one is configured.
    pub gateway_token: Option<GatewayToken>,
    /// Which other origins may call from a browser.
    pub cors: Cors,
    /// Snapshots taken by the gateway itself, when asked for.
    pub snapshots: Option<crate::snapshots::SnapshotSettings>,
}

impl Settings {
    /// Whether the gateway signs requests itself (app mode).
    pub fn signs(&self) -> bool {
        matches!(self.mode, Mode::App { .. })
    }

    /// The answer of `GET /__gateway/health`, with the snapshots' state
    /// (JSON written by [`crate::snapshots`]).
    pub fn health_json(&self, snapshots: &str) -> String {
        let mut out = String::with_capacity(160 + snapshots.len());
        let mut o = koodrive_core::json::Object::new(&mut out);
        o.bool("gateway", true)
            .str("upstream", self.upstream.host())
            .bool("signs", self.signs())
            .bool("needsToken", self.gateway_token.is_some())
            .raw("snapshots", snapshots);
        o.finish();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gateway_token_matches_only_itself() {
        let token = GatewayToken::new("a-long-gateway-token-0123");
        assert!(token.matches(b"a-long-gateway-token-0123"));
        assert!(!token.matches(b"a-long-gateway-token-0124"));
        assert!(!token.matches(b""));
        assert!(!format!("{token:?}").contains("gateway-token-0123"));
    }

    #[test]
    fn health_says_where_whether_it_signs_and_whether_it_needs_a_token() {
        let settings = Settings {
            upstream: BaseUrl::parse("https://intl.myhuaweicloud-koodrive.com").unwrap(),
            mode: Mode::App {
                app_id: "id".into(),
                app_secret: "the-secret".into(),
            },
            acting_user_id: None,
            gateway_token: Some(GatewayToken::new("x")),
            cors: Cors::Origins(Vec::new()),
            snapshots: None,
        };
        let health: serde_json::Value =
            serde_json::from_str(&settings.health_json(r#"{"on":false}"#)).unwrap();
        assert_eq!(
            health,
            serde_json::json!({"gateway": true, "upstream": "intl.myhuaweicloud-koodrive.com",
                               "signs": true, "needsToken": true, "snapshots": {"on": false}})
        );
        assert!(!format!("{settings:?}").contains("the-secret"));
    }
}
