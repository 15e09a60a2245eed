//! [`Connection`]: where the page sends its requests and as whom — endpoint,
//! acting user, token or app signature, language — and the client settings
//! made from it. Prefilled with the sandbox's demo credentials so the first
//! query against a sandbox works at once. Credentials live in memory; only
//! an opt-in "remember for this tab" copies them to session storage
//! ([`Connection::to_pairs`] / [`Connection::from_pairs`]).

use koodrive_client::{Auth, ClientConfig, TokenSource};
use koodrive_core::{ErrorKind, KooDriveError, Thresholds};

use super::i18n::Lang;
use super::messages::AuthKind;

/// The sandbox's default access token.
pub const SANDBOX_TOKEN: &str = "sandbox-token";
/// The sandbox's default app id.
pub const SANDBOX_APP_ID: &str = "sandbox-app";
/// The sandbox's default app secret.
pub const SANDBOX_APP_SECRET: &str = "sandbox-secret";
/// The acting user of the prefilled connection (the endpoint page's example).
pub const DEMO_ACTING_USER: &str = "1505084218764547200";

/// How requests authenticate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuthMode {
    /// `Authorization: Bearer {token}`.
    #[default]
    Token,
    /// The HMAC-SHA256 app signature.
    App,
}

/// What `GET /__gateway/health` said: the page is served by a
/// `koodrive-gateway` that forwards its requests to `upstream`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayInfo {
    /// The upstream's host, as the gateway names it.
    pub upstream: String,
    /// The gateway signs every request itself (app mode): the page sends no credentials.
    pub signs: bool,
    /// Every request must carry `X-Gateway-Token`.
    pub needs_token: bool,
    /// The gateway keeps snapshots of every user's usage (its health's
    /// `snapshots.on`), which the History region shows.
    pub snapshots: bool,
}

/// The connection form's values.
#[derive(Clone, PartialEq)]
pub struct Connection {
    /// The base URL (may carry a path prefix).
    pub endpoint: String,
    /// Sent as `X-User-Id`.
    pub acting_user_id: String,
    /// Token or app signature.
    pub mode: AuthMode,
    /// The access token (token mode).
    pub token: String,
    /// The app id (app mode).
    pub app_id: String,
    /// The app secret (app mode); never sent.
    pub app_secret: String,
    /// The page's language, sent as the `language` header.
    pub lang: Lang,
    /// The gateway the page is served by, when it is (never stored).
    pub gateway: Option<GatewayInfo>,
    /// The gateway's token, sent as `X-Gateway-Token` (never stored).
    pub gateway_token: String,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("endpoint", &self.endpoint)
            .field("acting_user_id", &self.acting_user_id)
            .field("mode", &self.mode)
            .field("app_id", &self.app_id)
            .field("lang", &self.lang)
            .field("gateway", &self.gateway)
            .finish_non_exhaustive()
    }
}

/// Session-storage keys, one per field.
const KEYS: [&str; 7] = [
    "koodrive-admin.endpoint",
    "koodrive-admin.actingUserId",
    "koodrive-admin.mode",
    "koodrive-admin.token",
    "koodrive-admin.appId",
    "koodrive-admin.appSecret",
    "koodrive-admin.language",
];

impl Connection {
    /// The prefilled connection: `origin` with the sandbox's credentials.
    pub fn sandbox_defaults(origin: &str) -> Self {
        Self {
            endpoint: origin.to_owned(),
            acting_user_id: DEMO_ACTING_USER.to_owned(),
            mode: AuthMode::Token,
            token: SANDBOX_TOKEN.to_owned(),
            app_id: SANDBOX_APP_ID.to_owned(),
            app_secret: SANDBOX_APP_SECRET.to_owned(),
            lang: Lang::EnUs,
            gateway: None,
            gateway_token: String::new(),
        }
    }

    /// The connection behind the gateway that serves the page at `origin`:
    /// the endpoint is `origin`; a gateway that signs needs no credentials
    /// here (they are cleared), one that does not takes an access token only.
    pub fn behind_gateway(&mut self, info: GatewayInfo, origin: &str) {
        self.endpoint = origin.to_owned();
        self.mode = AuthMode::Token;
        self.app_id.clear();
        self.app_secret.clear();
        if info.signs || self.token == SANDBOX_TOKEN {
            self.token.clear();
        }
        self.gateway = Some(info);
    }

    /// Whether a gateway signs the requests (no credentials in the page).
    pub fn gateway_signs(&self) -> bool {
        self.gateway.as_ref().is_some_and(|g| g.signs)
    }

    /// Which kind of credentials the advice of an error should speak of.
    pub fn auth_kind(&self) -> AuthKind {
        if self.gateway_signs() {
            return AuthKind::Gateway;
        }
        match self.mode {
            AuthMode::Token => AuthKind::Token,
            AuthMode::App => AuthKind::App,
        }
    }

    /// The client settings, checked (a `validation` error names the field).
    pub fn client_config(&self, thresholds: Thresholds) -> Result<ClientConfig, KooDriveError> {
        let token = || Auth::Token(TokenSource::Fixed(self.token.trim().to_owned()));
        let auth = match (&self.gateway, self.mode) {
            (Some(g), _) if g.signs => Auth::Gateway,
            // Behind a gateway that does not sign, a token only: the gateway
            // replaces the X-Date an app signature covers.
            (Some(_), _) | (None, AuthMode::Token) => token(),
            (None, AuthMode::App) => Auth::App {
                app_id: self.app_id.trim().to_owned(),
                app_secret: self.app_secret.clone(),
            },
        };
        let mut config = ClientConfig::new(self.endpoint.trim(), &self.acting_user_id, auth)?;
        if self.gateway.as_ref().is_some_and(|g| g.needs_token) {
            let given = self.gateway_token.trim();
            if given.is_empty() {
                return Err(KooDriveError::new(
                    ErrorKind::Validation,
                    "the Gateway token is empty: enter the token this gateway was started with",
                ));
            }
            config.gateway_token = Some(given.to_owned());
        }
        config.language = self.lang.tag().to_owned();
        config.thresholds = thresholds;
        config.validate()?;
        Ok(config)
    }

    /// The fields as session-storage pairs.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mode = match self.mode {
            AuthMode::Token => "token",
            AuthMode::App => "app",
        };
        // Behind a gateway that signs, the page holds no credentials to store.
        let credential = |v: &String| {
            if self.gateway_signs() {
                String::new()
            } else {
                v.clone()
            }
        };
        let values = [
            self.endpoint.clone(),
            self.acting_user_id.clone(),
            mode.to_owned(),
            credential(&self.token),
            credential(&self.app_id),
            credential(&self.app_secret),
            self.lang.tag().to_owned(),
        ];
        KEYS.into_iter().zip(values).collect()
    }

    /// A connection read back from session storage; `None` when nothing was stored.
    pub fn from_pairs(get: impl Fn(&str) -> Option<String>) -> Option<Self> {
        let endpoint = get(KEYS[0])?;
        let text = |i: usize| get(KEYS[i]).unwrap_or_default();
        Some(Self {
            endpoint,
            acting_user_id: text(1),
            mode: if text(2) == "app" {
                AuthMode::App
            } else {
                AuthMode::Token
            },
            token: text(3),
            app_id: text(4),
            app_secret: text(5),
            lang: Lang::from_tag(&text(6)).unwrap_or_default(),
            gateway: None,
            gateway_token: String::new(),
        })
    }

    /// Every session-storage key, to forget them.
    pub fn storage_keys() -> [&'static str; 7] {
        KEYS
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    #[test]
    fn the_prefilled_connection_makes_a_valid_client() -> Result<(), KooDriveError> {
        let mut c = Connection::sandbox_defaults("http://127.0.0.1:8080");
        c.lang = Lang::ZhCn;
        let config = c.client_config(Thresholds::default())?;
        assert_eq!(config.language, "zh-CN");
        assert_eq!(config.acting_user_id, DEMO_ACTING_USER);
        c.mode = AuthMode::App;
        assert!(matches!(
            c.client_config(Thresholds::default())?.auth,
            Auth::App { .. }
        ));
        c.endpoint = "not a url".into();
        assert!(c.client_config(Thresholds::default()).is_err());
        Ok(())
    }

    #[test]
    fn behind_a_gateway_that_signs_no_credentials_are_sent_or_stored() -> Result<(), KooDriveError>
    {
        let mut c = Connection::sandbox_defaults("http://elsewhere");
        c.mode = AuthMode::App;
        let info = GatewayInfo {
            upstream: "koodrive.example".into(),
            signs: true,
            needs_token: true,
            snapshots: false,
        };
        c.behind_gateway(info, "http://127.0.0.1:8090");
        assert_eq!(c.endpoint, "http://127.0.0.1:8090");
        assert_eq!(c.auth_kind(), AuthKind::Gateway);
        // The gateway token is required, then sent.
        assert_eq!(
            c.client_config(Thresholds::default())
                .map(|_| ())
                .unwrap_err()
                .kind,
            ErrorKind::Validation
        );
        c.gateway_token = "gw-9".into();
        let config = c.client_config(Thresholds::default())?;
        assert!(matches!(config.auth, Auth::Gateway));
        assert_eq!(config.gateway_token.as_deref(), Some("gw-9"));
        for (_, value) in c.to_pairs() {
            assert!(
                value != SANDBOX_APP_SECRET && value != SANDBOX_TOKEN && value != "gw-9",
                "{value}"
            );
        }
        Ok(())
    }

    #[test]
    fn behind_a_gateway_that_does_not_sign_a_token_is_sent() -> Result<(), KooDriveError> {
        let mut c = Connection::sandbox_defaults("http://127.0.0.1:8090");
        c.mode = AuthMode::App;
        let info = GatewayInfo {
            upstream: "koodrive.example".into(),
            signs: false,
            needs_token: false,
            snapshots: false,
        };
        c.behind_gateway(info, "http://127.0.0.1:8090");
        assert_eq!(c.mode, AuthMode::Token);
        c.token = "tok".into();
        let config = c.client_config(Thresholds::default())?;
        assert!(matches!(config.auth, Auth::Token(_)));
        assert_eq!(config.gateway_token, None);
        Ok(())
    }

    #[test]
    fn debug_output_hides_the_credentials() {
        let shown = format!("{:?}", Connection::sandbox_defaults("http://x"));
        assert!(
            !shown.contains(SANDBOX_TOKEN) && !shown.contains(SANDBOX_APP_SECRET),
            "{shown}"
        );
    }

    #[test]
    fn session_pairs_round_trip() {
        let mut c = Connection::sandbox_defaults("http://x");
        c.mode = AuthMode::App;
        let stored: HashMap<&str, String> = c.to_pairs().into_iter().collect();
        let back = Connection::from_pairs(|k| stored.get(k).cloned());
        assert_eq!(back, Some(c));
        assert_eq!(Connection::from_pairs(|_| None), None);
    }
}
