//! The two modes of authentication, as credentials: an access token, or an
//! app's id and secret (see [`crate::sign`]).

use core::fmt;

use crate::validate::ValidationError;

/// How requests authenticate.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    /// Token mode: the access token from the KooDrive console.
    Token(String),
    /// App mode: requests are signed with HMAC-SHA256.
    App {
        /// The app's id (`AppId`).
        app_id: String,
        /// The app's secret; never sent, only used to sign.
        app_secret: String,
    },
}

impl Credentials {
    /// Token mode.
    pub fn token(token: impl Into<String>) -> Self {
        Self::Token(token.into())
    }

    /// App mode.
    pub fn app(app_id: impl Into<String>, app_secret: impl Into<String>) -> Self {
        Self::App {
            app_id: app_id.into(),
            app_secret: app_secret.into(),
        }
    }

    /// Refuses empty tokens, ids and secrets.
    pub fn validate(&self) -> Result<(), ValidationError> {
        let empty = |name| Err(ValidationError::EmptyCredential { name });
        match self {
            Self::Token(t) if t.trim().is_empty() => empty("accessToken"),
            Self::App { app_id, .. } if app_id.trim().is_empty() => empty("appId"),
            Self::App { app_secret, .. } if app_secret.is_empty() => empty("appSecret"),
            _ => Ok(()),
        }
    }
}

// Secrets never reach logs through `{:?}`.
impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Token(_) => f.write_str("Credentials::Token(<redacted>)"),
            Self::App { app_id, .. } => write!(
                f,
                "Credentials::App {{ app_id: {app_id:?}, app_secret: <redacted> }}"
            ),
        }
    }
}

/// The `Authorization` value of token mode: `Bearer {token}`. The page writes
/// `Bearer+{access_token}`, read here as scheme, space, token; a token that
/// already starts with `Bearer` (either way) is sent as given.
pub fn token_authorization(token: &str) -> String {
    let token = token.trim();
    let has_scheme = token
        .get(..6)
        .is_some_and(|s| s.eq_ignore_ascii_case("bearer"))
        && matches!(token.as_bytes().get(6), Some(b' ' | b'+'));
    if has_scheme {
        token.to_owned()
    } else {
        format!("Bearer {token}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_get_the_bearer_scheme_once() {
        assert_eq!(token_authorization("c69b0f40"), "Bearer c69b0f40");
        assert_eq!(token_authorization("Bearer c69b0f40"), "Bearer c69b0f40");
        assert_eq!(token_authorization("Bearer+c69b0f40"), "Bearer+c69b0f40");
        assert_eq!(token_authorization("BearerToken"), "Bearer BearerToken");
    }

    #[test]
    fn debug_output_hides_secrets() {
        let shown = format!(
            "{:?} {:?}",
            Credentials::token("tok-123"),
            Credentials::app("id", "sec-456")
        );
        assert!(
            !shown.contains("tok-123") && !shown.contains("sec-456"),
            "{shown}"
        );
    }

    #[test]
    fn empty_credentials_are_refused_by_name() {
        assert_eq!(
            Credentials::token(" ").validate(),
            Err(ValidationError::EmptyCredential {
                name: "accessToken"
            })
        );
        assert_eq!(
            Credentials::app("id", "").validate(),
            Err(ValidationError::EmptyCredential { name: "appSecret" })
        );
        assert!(Credentials::app("id", "s").validate().is_ok());
    }
}
