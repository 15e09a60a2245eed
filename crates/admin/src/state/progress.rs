//! [`Busy`]: a query or listing under way, as the progress bar tells it —
//! how many users are settled, and what it is waiting for when nothing
//! moves ([`Busy::waiting`]): the server asked to slow down, requests wait
//! to be retried, or one answer is slow. So that a wait never looks like a
//! hang.

/// After this long without progress, the bar says it waits for an answer.
pub const SLOW_ANSWER_MS: i64 = 3_000;

/// A bulk query or listing under way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy {
    /// Users settled so far.
    pub done: usize,
    /// All users, once known.
    pub total: Option<usize>,
    /// Requests waiting to be sent again (waits that overlap the latest).
    pub retrying: usize,
    /// Whether the server asked for the latest of those waits.
    pub server_asked: bool,
    /// When the latest wait ends (Unix ms).
    pub wait_until_ms: i64,
    /// When something last moved (Unix ms).
    pub changed_ms: i64,
}

/// What a run under way is waiting for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waiting {
    /// Nothing in particular: answers are coming.
    Nothing,
    /// The server asked to slow down: the next request goes in `secs` seconds.
    ServerAsked {
        /// Seconds left.
        secs: u64,
    },
    /// `requests` failed and go out again, the next in `secs` seconds.
    Retrying {
        /// Requests waiting.
        requests: usize,
        /// Seconds left.
        secs: u64,
    },
    /// No answer for `secs` seconds.
    SlowAnswer {
        /// Seconds since anything moved.
        secs: u64,
    },
}

impl Busy {
    /// A run that starts at `now_ms`.
    pub fn start(now_ms: i64) -> Self {
        Self {
            done: 0,
            total: None,
            retrying: 0,
            server_asked: false,
            wait_until_ms: now_ms,
            changed_ms: now_ms,
        }
    }

    /// `done` of `total` users are settled.
    pub fn progressed(&mut self, done: usize, total: Option<usize>, now_ms: i64) {
        self.done = done;
        self.total = total;
        self.changed_ms = now_ms;
    }

    /// A request failed and waits `delay_ms` before it goes out again;
    /// `server_asked` when the server asked for the wait (a 429, or a
    /// `Retry-After`). Waits that overlap are counted together.
    pub fn retry_wait(&mut self, delay_ms: u64, server_asked: bool, now_ms: i64) {
        if now_ms >= self.wait_until_ms {
            // The earlier waits are over: their requests went out again.
            self.retrying = 0;
        }
        self.retrying += 1;
        self.server_asked = server_asked;
        let until = now_ms.saturating_add(i64::try_from(delay_ms).unwrap_or(i64::MAX));
        self.wait_until_ms = self.wait_until_ms.max(until);
        self.changed_ms = now_ms;
    }

    /// What the run waits for at `now_ms`.
    pub fn waiting(&self, now_ms: i64) -> Waiting {
        let secs = |ms: i64| u64::try_from(ms.max(0)).unwrap_or(0).div_ceil(1000);
        if self.retrying > 0 && now_ms < self.wait_until_ms {
            let left = secs(self.wait_until_ms - now_ms);
            return if self.server_asked {
                Waiting::ServerAsked { secs: left }
            } else {
                Waiting::Retrying {
                    requests: self.retrying,
                    secs: left,
                }
            };
        }
        // After a wait, the time since it ended.
        let still = now_ms - self.changed_ms.max(self.wait_until_ms.min(now_ms));
        if still >= SLOW_ANSWER_MS {
            Waiting::SlowAnswer { secs: secs(still) }
        } else {
            Waiting::Nothing
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wait_the_server_asked_for_counts_down_and_ends() {
        let mut busy = Busy::start(0);
        busy.retry_wait(5_000, true, 1_000);
        assert_eq!(busy.waiting(1_000), Waiting::ServerAsked { secs: 5 });
        assert_eq!(busy.waiting(4_500), Waiting::ServerAsked { secs: 2 });
        assert_eq!(busy.waiting(6_000), Waiting::Nothing);
    }

    #[test]
    fn failed_requests_waiting_are_counted_and_a_slow_answer_is_named() {
        let mut busy = Busy::start(0);
        busy.retry_wait(800, false, 100);
        busy.retry_wait(800, false, 100);
        assert_eq!(
            busy.waiting(100),
            Waiting::Retrying {
                requests: 2,
                secs: 1
            }
        );
        busy.retry_wait(400, false, 2_000);
        assert_eq!(
            busy.waiting(2_000),
            Waiting::Retrying {
                requests: 1,
                secs: 1
            },
            "the earlier waits are over"
        );
        busy.progressed(50, Some(100), 3_000);
        assert_eq!(busy.waiting(5_999), Waiting::Nothing);
        assert_eq!(busy.waiting(18_000), Waiting::SlowAnswer { secs: 15 });
    }
}
