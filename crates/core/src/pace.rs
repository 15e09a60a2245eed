//! [`Pace`]: how many requests of one pool may be out at once, and when none
//! may. A tenant's rate limit is shared by every request, so the pool reacts
//! as one: a `Retry-After` pauses every request until it has passed; a 429
//! halves the allowance (once per round: the answers of requests sent before
//! the cut do not cut it again); and each run of successes as long as the
//! allowance (of requests sent after the cut) raises it by one, back up to
//! the maximum (additive increase, multiplicative decrease). Pure bookkeeping: the caller passes "now" and
//! does the waiting.

/// Whether a request may go out now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaceWait {
    /// Yes.
    Now,
    /// Not before this time (Unix ms): the pool is paused.
    Until(i64),
    /// Not until a request in flight ends: the allowance is used up.
    Slot,
}

/// How an attempt ended, as far as the pace cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptEnd {
    /// An answer that was not a refusal to serve.
    Success,
    /// HTTP 429, with the `Retry-After` it gave (ms, capped).
    Throttled {
        /// How long the server asked to wait.
        retry_after_ms: Option<u64>,
    },
    /// Another answer with a `Retry-After` (a 503, say): the pool pauses.
    Paused {
        /// How long the server asked to wait.
        retry_after_ms: u64,
    },
    /// Anything else (a network error, a timeout, a cancellation).
    Other,
}

/// The pace of one pool of requests (see the module's documentation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pace {
    max: usize,
    limit: usize,
    in_flight: usize,
    paused_until_ms: i64,
    sent: u64,
    cut_at: u64,
    successes: usize,
}

impl Pace {
    /// A pool of at most `max` requests in flight (at least 1).
    pub fn new(max: usize) -> Self {
        let max = max.max(1);
        Self {
            max,
            limit: max,
            in_flight: 0,
            paused_until_ms: i64::MIN,
            sent: 0,
            cut_at: 0,
            successes: 0,
        }
    }

    /// How many may be in flight now.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// How many are in flight.
    pub fn in_flight(&self) -> usize {
        self.in_flight
    }

    /// Until when the pool is paused (Unix ms), if it is at `now_ms`.
    pub fn paused_until(&self, now_ms: i64) -> Option<i64> {
        (self.paused_until_ms > now_ms).then_some(self.paused_until_ms)
    }

    /// Whether a request may go out at `now_ms`.
    pub fn check(&self, now_ms: i64) -> PaceWait {
        if let Some(until) = self.paused_until(now_ms) {
            PaceWait::Until(until)
        } else if self.in_flight >= self.limit {
            PaceWait::Slot
        } else {
            PaceWait::Now
        }
    }

    /// A request goes out; the ticket goes back with [`Pace::end`].
    pub fn start(&mut self) -> u64 {
        self.in_flight += 1;
        self.sent += 1;
        self.sent - 1
    }

    /// The request of `ticket` ended at `now_ms`.
    pub fn end(&mut self, ticket: u64, end: AttemptEnd, now_ms: i64) {
        self.in_flight = self.in_flight.saturating_sub(1);
        let pause = |until: &mut i64, ms: u64| {
            let ms = i64::try_from(ms).unwrap_or(i64::MAX);
            *until = (*until).max(now_ms.saturating_add(ms));
        };
        match end {
            // Only requests sent after the last cut show the pace it set.
            AttemptEnd::Success if ticket < self.cut_at => {}
            AttemptEnd::Success => {
                self.successes += 1;
                if self.successes >= self.limit && self.limit < self.max {
                    self.limit += 1;
                    self.successes = 0;
                }
            }
            AttemptEnd::Throttled { retry_after_ms } => {
                if ticket >= self.cut_at {
                    self.limit = (self.limit / 2).max(1);
                    self.cut_at = self.sent;
                    self.successes = 0;
                }
                if let Some(ms) = retry_after_ms {
                    pause(&mut self.paused_until_ms, ms);
                }
            }
            AttemptEnd::Paused { retry_after_ms } => {
                pause(&mut self.paused_until_ms, retry_after_ms)
            }
            AttemptEnd::Other => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_go_out_up_to_the_maximum() {
        let mut p = Pace::new(3);
        let tickets: Vec<u64> = (0..3)
            .map(|_| {
                assert_eq!(p.check(0), PaceWait::Now);
                p.start()
            })
            .collect();
        assert_eq!(p.check(0), PaceWait::Slot);
        p.end(tickets[0], AttemptEnd::Success, 0);
        assert_eq!(p.check(0), PaceWait::Now);
    }

    #[test]
    fn a_429_with_retry_after_pauses_everyone_and_halves_the_allowance_once() {
        let mut p = Pace::new(8);
        let tickets: Vec<u64> = (0..8).map(|_| p.start()).collect();
        p.end(
            tickets[0],
            AttemptEnd::Throttled {
                retry_after_ms: Some(1000),
            },
            5_000,
        );
        assert_eq!(p.limit(), 4);
        assert_eq!(p.check(5_500), PaceWait::Until(6_000));
        // The answers of requests already out do not cut it again.
        for &t in &tickets[1..4] {
            p.end(
                t,
                AttemptEnd::Throttled {
                    retry_after_ms: Some(1000),
                },
                5_010,
            );
        }
        assert_eq!(p.limit(), 4);
        assert_eq!(p.check(6_005), PaceWait::Until(6_010));
        for &t in &tickets[4..] {
            p.end(t, AttemptEnd::Other, 5_020);
        }
        assert_eq!(p.check(6_010), PaceWait::Now);
        // A 429 to a request sent after the cut cuts again.
        let t = p.start();
        p.end(
            t,
            AttemptEnd::Throttled {
                retry_after_ms: None,
            },
            7_000,
        );
        assert_eq!(p.limit(), 2);
        assert_eq!(p.check(7_000), PaceWait::Now);
    }

    #[test]
    fn successes_raise_the_allowance_back_to_the_maximum() {
        let mut p = Pace::new(4);
        let early = p.start();
        let t = p.start();
        p.end(
            t,
            AttemptEnd::Throttled {
                retry_after_ms: None,
            },
            0,
        );
        assert_eq!(p.limit(), 2);
        // A request sent before the cut says nothing of the new pace.
        p.end(early, AttemptEnd::Success, 0);
        p.end(early, AttemptEnd::Success, 0);
        assert_eq!(p.limit(), 2);
        let mut limits = Vec::new();
        for _ in 0..20 {
            let t = p.start();
            p.end(t, AttemptEnd::Success, 0);
            limits.push(p.limit());
        }
        assert_eq!(&limits[..6], [2, 3, 3, 3, 4, 4]);
        assert_eq!(limits.last(), Some(&4));
    }

    #[test]
    fn a_503_with_retry_after_pauses_without_cutting() {
        let mut p = Pace::new(4);
        let t = p.start();
        p.end(
            t,
            AttemptEnd::Paused {
                retry_after_ms: 2000,
            },
            100,
        );
        assert_eq!((p.limit(), p.check(100)), (4, PaceWait::Until(2_100)));
        assert_eq!(p.paused_until(2_100), None);
    }
}
