//! When to try again, as a pure function: full jitter over
//! `min(8 s, 200 ms × 2^attempt)`, `Retry-After` (capped at 60 s) in its
//! place, one uncounted retry for a clock refusal, and one token refresh.

use crate::error::{ErrorKind, KooDriveError};
use crate::random::RandomSource;
use crate::xdate::parse_http_date;

/// The numbers of the retry policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (the clock retry and the token
    /// refresh are not counted). Default 3.
    pub max_retries: u32,
    /// The first backoff ceiling, 200 ms.
    pub base_delay_ms: u64,
    /// The largest backoff ceiling, 8 s.
    pub max_delay_ms: u64,
    /// The largest wait a `Retry-After` can impose, 60 s.
    pub retry_after_cap_ms: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            base_delay_ms: 200,
            max_delay_ms: 8_000,
            retry_after_cap_ms: 60_000,
        }
    }
}

/// What has been spent so far on one request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AttemptState {
    /// Counted retries made so far.
    pub retries: u32,
    /// Whether the one clock retry was used.
    pub clock_retry_used: bool,
    /// Whether the one token refresh was used.
    pub token_refresh_used: bool,
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryDecision {
    /// Wait `delay_ms`, then try again; `counted` says whether it counts
    /// against `max_retries`.
    Retry {
        /// How long to wait first.
        delay_ms: u64,
        /// Whether this retry counts against `max_retries`.
        counted: bool,
    },
    /// Ask the token provider for a new token, then try again at once.
    RefreshToken,
    /// Stop and report the error.
    GiveUp,
}

impl RetryPolicy {
    /// The backoff ceiling before retry number `attempt` (0 for the first):
    /// `min(max_delay, base × 2^attempt)`.
    pub fn ceiling_ms(&self, attempt: u32) -> u64 {
        self.base_delay_ms
            .saturating_mul(1u64.checked_shl(attempt).unwrap_or(u64::MAX))
            .min(self.max_delay_ms)
    }

    /// Decides what follows `error`, given what was already spent and whether
    /// a token provider can be asked for a fresh token.
    pub fn decide(
        &self,
        state: &AttemptState,
        error: &KooDriveError,
        can_refresh_token: bool,
        random: &mut dyn RandomSource,
    ) -> RetryDecision {
        match error.kind {
            ErrorKind::Clock if !state.clock_retry_used => RetryDecision::Retry {
                delay_ms: 0,
                counted: false,
            },
            ErrorKind::Auth if can_refresh_token && !state.token_refresh_used => {
                RetryDecision::RefreshToken
            }
            ErrorKind::Clock | ErrorKind::Auth => RetryDecision::GiveUp,
            _ if error.retryable && state.retries < self.max_retries => {
                let delay_ms = match error.retry_after_ms {
                    Some(ms) => ms.min(self.retry_after_cap_ms),
                    None => random.below(self.ceiling_ms(state.retries) + 1),
                };
                RetryDecision::Retry {
                    delay_ms,
                    counted: true,
                }
            }
            _ => RetryDecision::GiveUp,
        }
    }
}

impl RetryPolicy {
    /// Finishes the message of the error a request ends with, so it says what
    /// happened after the retries: how many attempts a retried kind got (or
    /// that `maxRetries` was 0), and that a clock refusal came again after
    /// the corrected retry. Other kinds are left as they are.
    pub fn conclude(&self, error: &mut KooDriveError, state: &AttemptState) {
        match error.kind {
            ErrorKind::Clock if state.clock_retry_used => error.message.push_str(
                "; it was sent again with the corrected clock and refused again: check this machine's clock and time zone",
            ),
            _ if error.retryable && error.kind != ErrorKind::Clock => {
                if state.retries == 0 && self.max_retries == 0 {
                    error.message.push_str("; not retried (maxRetries is 0)");
                } else {
                    error.message.push_str(&format!(
                        "; still failing after {} attempts: try again later, or allow more retries (maxRetries)",
                        error.attempts.max(state.retries + 1)
                    ));
                }
            }
            _ => {}
        }
    }
}

/// Reads `Retry-After`: whole seconds, or an HTTP date measured from `now_ms`
/// (the server's clock when known). `None` when unreadable.
pub fn parse_retry_after(value: &str, now_ms: i64) -> Option<u64> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return value.parse::<u64>().ok().map(|s| s.saturating_mul(1000));
    }
    let at = parse_http_date(value)?;
    let at_ms = at.unix_timestamp().saturating_mul(1000);
    Some(at_ms.saturating_sub(now_ms).max(0) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::SeededRandom;

    fn err(kind: ErrorKind) -> KooDriveError {
        let mut e = KooDriveError::new(kind, "x");
        if kind == ErrorKind::Http {
            e.retryable = true;
        }
        e
    }

    #[test]
    fn ceilings_double_up_to_eight_seconds() {
        let p = RetryPolicy::default();
        let c: Vec<u64> = (0..8).map(|a| p.ceiling_ms(a)).collect();
        assert_eq!(c, [200, 400, 800, 1600, 3200, 6400, 8000, 8000]);
        assert_eq!(p.ceiling_ms(200), 8000);
    }

    #[test]
    fn jitter_stays_under_the_ceiling_and_retries_stop_at_the_maximum() {
        let p = RetryPolicy::default();
        let mut r = SeededRandom::new(9);
        for retries in 0..3 {
            let state = AttemptState {
                retries,
                ..Default::default()
            };
            for _ in 0..50 {
                match p.decide(&state, &err(ErrorKind::Network), false, &mut r) {
                    RetryDecision::Retry {
                        delay_ms,
                        counted: true,
                    } => {
                        assert!(delay_ms <= p.ceiling_ms(retries))
                    }
                    other => panic!("{other:?}"),
                }
            }
        }
        let spent = AttemptState {
            retries: 3,
            ..Default::default()
        };
        assert_eq!(
            p.decide(&spent, &err(ErrorKind::Http), false, &mut r),
            RetryDecision::GiveUp
        );
    }

    #[test]
    fn retry_after_replaces_the_backoff_and_is_capped() {
        let p = RetryPolicy::default();
        let mut r = SeededRandom::new(1);
        let mut e = err(ErrorKind::Http);
        e.retry_after_ms = Some(1000);
        let s = AttemptState::default();
        assert_eq!(
            p.decide(&s, &e, false, &mut r),
            RetryDecision::Retry {
                delay_ms: 1000,
                counted: true
            }
        );
        e.retry_after_ms = Some(3_600_000);
        assert_eq!(
            p.decide(&s, &e, false, &mut r),
            RetryDecision::Retry {
                delay_ms: 60_000,
                counted: true
            }
        );
    }

    #[test]
    fn the_clock_retry_is_once_and_uncounted() {
        let p = RetryPolicy {
            max_retries: 0,
            ..Default::default()
        };
        let mut r = SeededRandom::new(1);
        let e = err(ErrorKind::Clock);
        let s = AttemptState::default();
        assert_eq!(
            p.decide(&s, &e, false, &mut r),
            RetryDecision::Retry {
                delay_ms: 0,
                counted: false
            }
        );
        let used = AttemptState {
            clock_retry_used: true,
            ..s
        };
        assert_eq!(p.decide(&used, &e, false, &mut r), RetryDecision::GiveUp);
    }

    #[test]
    fn auth_refreshes_the_token_once_when_a_provider_exists() {
        let p = RetryPolicy::default();
        let mut r = SeededRandom::new(1);
        let e = err(ErrorKind::Auth);
        let s = AttemptState::default();
        assert_eq!(p.decide(&s, &e, false, &mut r), RetryDecision::GiveUp);
        assert_eq!(p.decide(&s, &e, true, &mut r), RetryDecision::RefreshToken);
        let used = AttemptState {
            token_refresh_used: true,
            ..s
        };
        assert_eq!(p.decide(&used, &e, true, &mut r), RetryDecision::GiveUp);
    }

    #[test]
    fn errors_that_are_final_are_not_retried() {
        let p = RetryPolicy::default();
        let mut r = SeededRandom::new(1);
        for kind in [
            ErrorKind::Validation,
            ErrorKind::Aborted,
            ErrorKind::Api,
            ErrorKind::Decode,
        ] {
            assert_eq!(
                p.decide(&AttemptState::default(), &err(kind), true, &mut r),
                RetryDecision::GiveUp
            );
        }
    }

    #[test]
    fn final_messages_say_what_the_retries_did() {
        let p = RetryPolicy::default();
        let mut e = err(ErrorKind::Http);
        e.message = "the service answered HTTP 503, which is usually temporary".into();
        e.attempts = 4;
        p.conclude(
            &mut e,
            &AttemptState {
                retries: 3,
                ..Default::default()
            },
        );
        assert!(e.message.ends_with("still failing after 4 attempts: try again later, or allow more retries (maxRetries)"), "{}", e.message);
        assert!(!e.message.contains("is retried"), "{}", e.message);
        let none = RetryPolicy {
            max_retries: 0,
            ..p
        };
        let mut e = err(ErrorKind::Network);
        none.conclude(&mut e, &AttemptState::default());
        assert!(
            e.message.ends_with("not retried (maxRetries is 0)"),
            "{}",
            e.message
        );
        let mut e = err(ErrorKind::Clock);
        p.conclude(
            &mut e,
            &AttemptState {
                clock_retry_used: true,
                ..Default::default()
            },
        );
        assert!(e.message.contains("refused again"), "{}", e.message);
        let mut e = err(ErrorKind::Api);
        p.conclude(&mut e, &AttemptState::default());
        assert_eq!(e.message, "x");
    }

    #[test]
    fn retry_after_values_read() {
        let now = 784_111_777_000;
        assert_eq!(parse_retry_after("1", now), Some(1000));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:40 GMT", now),
            Some(3000)
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now),
            Some(0)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
    }
}
