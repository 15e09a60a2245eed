//! How a [`crate::Client`] is set up: where, as whom, with which credentials,
//! and the numbers of its policies. Checked once, when the client is made.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use koodrive_core::{BaseUrl, KooDriveError, RetryPolicy, Thresholds, ValidationError};

/// A token, asked for when needed (tokens expire 20 minutes after last use).
pub trait TokenProvider {
    /// The current access token, or why there is none.
    fn token(&self) -> Pin<Box<dyn Future<Output = Result<String, String>>>>;
}

/// Where the access token of token mode comes from.
#[derive(Clone)]
pub enum TokenSource {
    /// A fixed token.
    Fixed(String),
    /// A provider, asked once and again after a 401/403.
    Provider(Rc<dyn TokenProvider>),
    /// A whole `Authorization` value, sent exactly as given, scheme and all:
    /// what a proxy forwarding its caller's token sends (a bare token stays
    /// bare instead of getting `Bearer `).
    Verbatim(String),
}

impl std::fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Fixed(_) => "TokenSource::Fixed(<redacted>)",
            Self::Provider(_) => "TokenSource::Provider",
            Self::Verbatim(_) => "TokenSource::Verbatim(<redacted>)",
        })
    }
}

/// One retry about to happen, as an [`OnRetry`] hook sees it.
#[derive(Debug, Clone, Copy)]
pub struct RetryEvent<'a> {
    /// The attempt that failed (1 for the first).
    pub attempt: u32,
    /// The wait before the next attempt, ms (0 for the clock retry and the
    /// token refresh, which go at once).
    pub delay_ms: u64,
    /// Why the attempt failed.
    pub error: &'a KooDriveError,
}

/// A hook called before each retry, for logging; it cannot change the policy.
#[derive(Clone)]
pub struct OnRetry(pub Rc<dyn Fn(&RetryEvent<'_>)>);

impl std::fmt::Debug for OnRetry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OnRetry")
    }
}

/// The mode of authentication.
#[derive(Clone)]
pub enum Auth {
    /// Token mode.
    Token(TokenSource),
    /// App mode: every request is signed with the app's secret.
    App {
        /// `AppId`.
        app_id: String,
        /// The secret; never sent.
        app_secret: String,
    },
    /// No credentials: the requests go to a gateway that authenticates them
    /// itself (`koodrive-gateway` in app mode, which signs), so no
    /// `Authorization` is sent at all.
    Gateway,
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Token(t) => write!(f, "Auth::Token({t:?})"),
            Self::App { app_id, .. } => write!(
                f,
                "Auth::App {{ app_id: {app_id:?}, app_secret: <redacted> }}"
            ),
            Self::Gateway => f.write_str("Auth::Gateway"),
        }
    }
}

/// A client's settings.
#[derive(Clone)]
pub struct ClientConfig {
    /// Where the endpoint lives.
    pub base_url: BaseUrl,
    /// The acting user, sent as `X-User-Id`.
    pub acting_user_id: String,
    /// How requests authenticate.
    pub auth: Auth,
    /// The host to sign in app mode when a proxy rewrites `Host`.
    pub signing_host: Option<String>,
    /// The `language` header. Default `en-US`.
    pub language: String,
    /// Time allowed for one attempt, ms. Default 15,000.
    pub timeout_ms: u64,
    /// The retry policy (default: 3 retries).
    pub retry: RetryPolicy,
    /// Requests in flight at once in `query_usage_all`. Default 4.
    pub concurrency: usize,
    /// Where `nearing` and `critical` begin.
    pub thresholds: Thresholds,
    /// Sent as `X-Gateway-Token` on every request, for a `koodrive-gateway`
    /// that requires one.
    pub gateway_token: Option<String>,
    /// Called before each retry of every call (a call's own hook replaces it).
    pub on_retry: Option<OnRetry>,
}

// Credentials never reach logs through `{:?}`.
impl std::fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientConfig")
            .field("base_url", &self.base_url)
            .field("acting_user_id", &self.acting_user_id)
            .field("auth", &self.auth)
            .field("signing_host", &self.signing_host)
            .field("language", &self.language)
            .field("timeout_ms", &self.timeout_ms)
            .field("retry", &self.retry)
            .field("concurrency", &self.concurrency)
            .field("thresholds", &self.thresholds)
            .field(
                "gateway_token",
                &self.gateway_token.as_ref().map(|_| "<redacted>"),
            )
            .field("on_retry", &self.on_retry)
            .finish()
    }
}

impl ClientConfig {
    /// Settings with the defaults, checked.
    pub fn new(base_url: &str, acting_user_id: &str, auth: Auth) -> Result<Self, ValidationError> {
        let config = Self {
            base_url: BaseUrl::parse(base_url)?,
            acting_user_id: acting_user_id.trim().to_owned(),
            auth,
            signing_host: None,
            language: "en-US".to_owned(),
            timeout_ms: 15_000,
            retry: RetryPolicy::default(),
            concurrency: 4,
            thresholds: Thresholds::default(),
            gateway_token: None,
            on_retry: None,
        };
        config.validate()?;
        Ok(config)
    }

    /// Checks every setting.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.acting_user_id.trim().is_empty() {
            return Err(ValidationError::MissingActingUserId);
        }
        let option = |name: &str, reason: &str| ValidationError::InvalidOption {
            name: name.to_owned(),
            reason: reason.to_owned(),
        };
        match &self.auth {
            Auth::Token(TokenSource::Fixed(t) | TokenSource::Verbatim(t))
                if t.trim().is_empty() =>
            {
                return Err(ValidationError::EmptyCredential {
                    name: "accessToken",
                });
            }
            Auth::App { app_id, .. } if app_id.trim().is_empty() => {
                return Err(ValidationError::EmptyCredential { name: "appId" });
            }
            Auth::App { app_secret, .. } if app_secret.is_empty() => {
                return Err(ValidationError::EmptyCredential { name: "appSecret" });
            }
            _ => {}
        }
        if self
            .signing_host
            .as_deref()
            .is_some_and(|h| h.trim().is_empty())
        {
            return Err(option("signingHost", "is empty"));
        }
        if self
            .gateway_token
            .as_deref()
            .is_some_and(|t| t.trim().is_empty())
        {
            return Err(option("gatewayToken", "is empty"));
        }
        if self.language.trim().is_empty() {
            return Err(option("language", "is empty (leave it out for en-US)"));
        }
        if self.timeout_ms == 0 {
            return Err(option("timeoutMs", "must be at least 1"));
        }
        if !(1..=64).contains(&self.concurrency) {
            return Err(option("concurrency", "must be between 1 and 64"));
        }
        if self.retry.max_retries > 20 {
            return Err(option("maxRetries", "must be between 0 and 20"));
        }
        Ok(())
    }
}

/// Per-call options.
#[derive(Debug, Clone, Default)]
pub struct CallOptions {
    /// Cancels the call when fired.
    pub signal: Option<crate::CancelSignal>,
    /// Overrides the client's per-attempt timeout.
    pub timeout_ms: Option<u64>,
    /// Overrides the client's retry count.
    pub max_retries: Option<u32>,
    /// A trace id to send on every attempt instead of fresh ones.
    pub trace_id: Option<String>,
    /// Called before each retry of this call, instead of the client's hook.
    pub on_retry: Option<OnRetry>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_checked_when_the_client_is_made() {
        let token = || Auth::Token(TokenSource::Fixed("t".into()));
        assert!(ClientConfig::new("http://127.0.0.1:8080", "42", token()).is_ok());
        assert_eq!(
            ClientConfig::new("http://127.0.0.1:8080", " ", token()).unwrap_err(),
            ValidationError::MissingActingUserId
        );
        assert!(matches!(
            ClientConfig::new("127.0.0.1:8080", "42", token()).unwrap_err(),
            ValidationError::InvalidBaseUrl { .. }
        ));
        let app = Auth::App {
            app_id: "a".into(),
            app_secret: String::new(),
        };
        assert_eq!(
            ClientConfig::new("http://x", "42", app).unwrap_err(),
            ValidationError::EmptyCredential { name: "appSecret" }
        );
        let mut c = ClientConfig::new("http://x", "42", token()).unwrap();
        c.concurrency = 0;
        assert!(
            c.validate()
                .unwrap_err()
                .to_string()
                .contains("concurrency")
        );
    }

    #[test]
    fn debug_output_of_the_settings_hides_the_gateway_token() {
        let mut c = ClientConfig::new("http://x", "42", Auth::Gateway).unwrap();
        c.gateway_token = Some("gw-secret-9".into());
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("gw-secret-9") && shown.contains("Auth::Gateway"),
            "{shown}"
        );
        c.gateway_token = Some(" ".into());
        assert!(
            c.validate()
                .unwrap_err()
                .to_string()
                .contains("gatewayToken")
        );
    }

    #[test]
    fn debug_output_hides_secrets() {
        let shown = format!(
            "{:?} {:?} {:?}",
            Auth::Token(TokenSource::Fixed("tok-1".into())),
            Auth::Token(TokenSource::Verbatim("tok-3".into())),
            Auth::App {
                app_id: "a".into(),
                app_secret: "sec-2".into()
            }
        );
        assert!(
            !shown.contains("tok-1") && !shown.contains("sec-2") && !shown.contains("tok-3"),
            "{shown}"
        );
    }
}
