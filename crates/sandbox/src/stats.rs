//! What the sandbox has seen of the API (`GET /__sandbox/stats`): how many
//! requests, how many of each status, and the last 1,000 arrivals with their
//! time on the sandbox clock, so tests can check a client's back-off from the
//! sandbox's own timestamps, and the peak of API requests in flight at once
//! (counted by the HTTP server, from arrival to answer, delays included), so
//! tests can check a client's bound on concurrency. Preflights and control
//! requests are not counted.

use std::collections::{BTreeMap, VecDeque};

use serde::Serialize;

/// How many arrivals `recent` keeps.
pub const RECENT_LIMIT: usize = 1000;

/// The status recorded for a request whose connection was dropped unanswered.
pub const DROPPED_STATUS: u16 = 0;

/// One API request as it arrived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Arrival {
    /// When it arrived, Unix milliseconds on the sandbox clock.
    pub at_ms: i64,
    /// The status it got; 0 when the connection was dropped.
    pub status: u16,
    /// Its trace id (the `X-Traceid` it sent, or the one the sandbox gave it).
    pub trace_id: String,
}

/// The counts and recent arrivals.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    /// API requests since the start or the last reset.
    pub requests: u64,
    /// Requests per status, the status written as text (`"200"`; `"0"` for dropped).
    pub by_status: BTreeMap<String, u64>,
    /// The last [`RECENT_LIMIT`] arrivals, oldest first.
    pub recent: VecDeque<Arrival>,
    /// The most API requests in flight at once since the start or the last
    /// reset (0 when nothing serves them over HTTP).
    pub max_in_flight: u64,
}

impl Stats {
    /// Counts one API request.
    pub fn record(&mut self, arrival: Arrival) {
        self.requests += 1;
        *self
            .by_status
            .entry(arrival.status.to_string())
            .or_default() += 1;
        if self.recent.len() == RECENT_LIMIT {
            self.recent.pop_front();
        }
        self.recent.push_back(arrival);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_by_status_and_keeps_the_last_thousand() {
        let mut stats = Stats::default();
        for i in 0..1005 {
            stats.record(Arrival {
                at_ms: i,
                status: if i % 5 == 0 { 401 } else { 200 },
                trace_id: i.to_string(),
            });
        }
        assert_eq!(stats.requests, 1005);
        assert_eq!(stats.by_status["401"], 201);
        assert_eq!(stats.by_status["200"], 804);
        assert_eq!(stats.recent.len(), RECENT_LIMIT);
        assert_eq!(stats.recent.front().map(|a| a.at_ms), Some(5));
        let json = serde_json::to_value(&stats).unwrap();
        assert_eq!(json["maxInFlight"], 0);
        assert_eq!(json["recent"][0]["atMs"], 5);
        assert_eq!(json["byStatus"]["401"], 201);
    }
}
