//! [`KooDriveError`]: every way a call can fail, as a [`ErrorKind`] a program
//! matches on and a message a person can act on, with what the server said
//! and the trace id to quote.

use core::fmt;

use crate::answer::ApiCode;
use crate::validate::ValidationError;

/// What kind of failure, as in the table of docs/error-kinds.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// Input refused before sending; nothing was sent.
    Validation,
    /// No answer: connection refused or reset, DNS, CORS refusal.
    Network,
    /// The attempt's timer fired.
    Timeout,
    /// The caller cancelled.
    Aborted,
    /// KooDrive answered with an error code.
    Api,
    /// The answer could not be read (not JSON, wrong shape, too large).
    Decode,
    /// `X-Date` was outside the server's 15-minute window.
    Clock,
    /// The credentials were refused (401/403).
    Auth,
    /// An HTTP status without a KooDrive error body.
    Http,
}

impl ErrorKind {
    /// The kind's name as JavaScript sees it: `validation`, `network`, ….
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Validation => "validation",
            Self::Network => "network",
            Self::Timeout => "timeout",
            Self::Aborted => "aborted",
            Self::Api => "api",
            Self::Decode => "decode",
            Self::Clock => "clock",
            Self::Auth => "auth",
            Self::Http => "http",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failed call. `message` is for people; the other fields for programs.
#[derive(Debug, Clone, PartialEq)]
pub struct KooDriveError {
    /// What kind of failure.
    pub kind: ErrorKind,
    /// What happened and what to do, in words.
    pub message: String,
    /// The HTTP status, when an answer came.
    pub status: Option<u16>,
    /// KooDrive's `code`, when the answer carried one.
    pub code: Option<ApiCode>,
    /// KooDrive's `msg`, as sent.
    pub msg: Option<String>,
    /// The `X-Traceid` of the (last) attempt.
    pub trace_id: Option<String>,
    /// Whether the policy retries this kind of failure.
    pub retryable: bool,
    /// How many attempts were made (0 when nothing was sent).
    pub attempts: u32,
    /// The server's `Retry-After`, in milliseconds, when readable.
    pub retry_after_ms: Option<u64>,
    /// The rule that failed, for `validation` errors.
    pub validation: Option<ValidationError>,
    /// The underlying cause in words (e.g. the platform's network error).
    pub cause: Option<String>,
}

impl KooDriveError {
    /// An error of `kind` with `message` and nothing else yet.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        let retryable = matches!(
            kind,
            ErrorKind::Network | ErrorKind::Timeout | ErrorKind::Clock
        );
        Self {
            kind,
            message: message.into(),
            status: None,
            code: None,
            msg: None,
            trace_id: None,
            retryable,
            attempts: 0,
            retry_after_ms: None,
            validation: None,
            cause: None,
        }
    }

    /// Input refused before sending.
    pub fn validation(error: ValidationError) -> Self {
        let mut e = Self::new(ErrorKind::Validation, error.to_string());
        e.validation = Some(error);
        e
    }

    /// No answer came; `cause` is the platform's own words.
    pub fn network(url: &str, cause: impl Into<String>) -> Self {
        let cause = cause.into();
        let mut e = Self::new(
            ErrorKind::Network,
            format!(
                "no answer from {url}: {cause} (is the address right and the service up? In a browser, a page on another origin also needs the service to allow it through CORS)"
            ),
        );
        e.cause = Some(cause);
        e
    }

    /// The attempt took longer than `timeout_ms`.
    pub fn timeout(timeout_ms: u64) -> Self {
        Self::new(
            ErrorKind::Timeout,
            format!("no answer within {timeout_ms} ms (raise timeoutMs if the service is slow)"),
        )
    }

    /// The caller cancelled.
    pub fn aborted() -> Self {
        Self::new(
            ErrorKind::Aborted,
            "the request was cancelled by its caller",
        )
    }

    /// The answer could not be read.
    pub fn decode(status: u16, what: impl Into<String>) -> Self {
        let mut e = Self::new(
            ErrorKind::Decode,
            format!(
                "the answer (HTTP {status}) could not be read: {}",
                what.into()
            ),
        );
        e.status = Some(status);
        e
    }

    /// Sets the trace id.
    pub fn with_trace_id(mut self, trace_id: impl Into<String>) -> Self {
        self.trace_id = Some(trace_id.into());
        self
    }
}

impl fmt::Display for KooDriveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(t) = &self.trace_id {
            write!(f, " [trace id {t}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for KooDriveError {}

impl From<ValidationError> for KooDriveError {
    fn from(e: ValidationError) -> Self {
        Self::validation(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_have_their_javascript_names_and_retry_defaults() {
        assert_eq!(ErrorKind::Validation.as_str(), "validation");
        assert!(KooDriveError::timeout(15_000).retryable);
        assert!(!KooDriveError::aborted().retryable);
        let v = KooDriveError::validation(ValidationError::NoUserIds);
        assert_eq!(v.kind, ErrorKind::Validation);
        assert!(!v.retryable);
        assert_eq!(v.attempts, 0);
        let shown = KooDriveError::timeout(5).with_trace_id("abc").to_string();
        assert!(shown.contains("5 ms") && shown.contains("abc"), "{shown}");
    }
}
