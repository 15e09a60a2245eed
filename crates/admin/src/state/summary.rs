//! What the shown rows add up to: [`Summary`] (users, totals, overall usage,
//! counts per state, expiring soon), the usage [`histogram`] and the
//! [`top_by_used`] list. Each is one pass over the shown rows; [`tally`]
//! makes all three in one pass.

use koodrive_core::UsageState;

use super::filters::{BUCKETS, bucket_of_row};
use super::rows::{Row, Rows, state_index};
use super::times::DAY_MS;
use super::units::WireUnit;

/// "Expiring soon" in the summary: within this many days (expired ones not counted).
pub const EXPIRING_SOON_DAYS: i64 = 30;

/// Totals of the shown rows.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Summary {
    /// Rows shown.
    pub users: usize,
    /// Sum of the usable quotas, in bytes.
    pub total_quota_bytes: f64,
    /// Sum of the usable `used`, in bytes.
    pub total_used_bytes: f64,
    /// Rows per state, in [`UsageState::ALL`] order.
    pub per_state: [usize; 5],
    /// Rows whose quota expires within [`EXPIRING_SOON_DAYS`] and has not
    /// yet (what the filter "Expires within (days)" shows for 30).
    pub expiring_soon: usize,
    /// Rows whose quota has expired (what the filter "Expired" shows).
    pub expired: usize,
}

impl Summary {
    /// Total used over total quota; `None` when there is no quota.
    pub fn overall_ratio(&self) -> Option<f64> {
        (self.total_quota_bytes > 0.0).then(|| self.total_used_bytes / self.total_quota_bytes)
    }
}

/// Adds rows up into a [`Summary`], one at a time.
struct Adder {
    summary: Summary,
    unit: WireUnit,
    now_ms: i64,
}

impl Adder {
    fn new(unit: WireUnit, now_ms: i64) -> Self {
        Self {
            summary: Summary::default(),
            unit,
            now_ms,
        }
    }

    fn add(&mut self, row: Row<'_>, state: UsageState) {
        let s = &mut self.summary;
        s.users += 1;
        if let (Some(q), Some(u)) = (row.quota(), row.used()) {
            s.total_quota_bytes += self.unit.to_bytes(q as f64);
            s.total_used_bytes += self.unit.to_bytes(u);
        }
        s.per_state[state_index(state)] += 1;
        if row
            .expires_in_ms(self.now_ms)
            .is_some_and(|left| left > 0 && left <= EXPIRING_SOON_DAYS * DAY_MS)
        {
            s.expiring_soon += 1;
        }
        if row.is_expired(self.now_ms) {
            s.expired += 1;
        }
    }
}

/// The `n` rows with the most used, largest first, one row at a time (ties
/// keep the order they came in). `n` small: no sort is needed.
struct Top {
    n: usize,
    top: Vec<(f64, u32)>,
}

impl Top {
    fn new(n: usize) -> Self {
        Self {
            n,
            top: Vec::with_capacity(n + 1),
        }
    }

    fn add(&mut self, i: u32, used: Option<f64>) {
        let Some(used) = used else {
            return;
        };
        let top = &mut self.top;
        if top.len() == self.n && top.last().is_some_and(|&(least, _)| used <= least) {
            return;
        }
        let at = top.iter().position(|&(u, _)| used > u).unwrap_or(top.len());
        top.insert(at, (used, i));
        top.truncate(self.n);
    }

    fn rows(self) -> Vec<u32> {
        self.top.into_iter().map(|(_, i)| i).collect()
    }
}

/// Adds up the rows at `shown`.
pub fn summarize(
    rows: &Rows,
    states: &[UsageState],
    shown: &[u32],
    unit: WireUnit,
    now_ms: i64,
) -> Summary {
    let mut adder = Adder::new(unit, now_ms);
    for &i in shown {
        let state = states
            .get(i as usize)
            .copied()
            .unwrap_or(UsageState::Unknown);
        adder.add(rows.at(i), state);
    }
    adder.summary
}

/// Users per usage bucket (see [`bucket_of_row`]) among the rows at
/// `shown`: every one of them lands in one bucket.
pub fn histogram(rows: &Rows, shown: &[u32]) -> [usize; BUCKETS] {
    let mut counts = [0; BUCKETS];
    for &i in shown {
        counts[bucket_of_row(rows.at(i))] += 1;
    }
    counts
}

/// The (at most) `n` rows at `shown` with the most used, largest first
/// (ties keep the shown order). One pass, `n` small: no sort is needed.
pub fn top_by_used(rows: &Rows, shown: &[u32], n: usize) -> Vec<u32> {
    let mut top = Top::new(n);
    for &i in shown {
        top.add(i, rows.at(i).used());
    }
    top.rows()
}

/// Users in the top list ([`Tallies::top`]).
pub const TOP_USERS: usize = 10;

/// Everything the shown rows add up to, from one pass over them: a million
/// rows are read once, not once for each panel.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Tallies {
    /// Users per usage bucket, among the rows before the bucket's filter
    /// ([`histogram`]).
    pub histogram: [usize; BUCKETS],
    /// The shown rows added up ([`summarize`]).
    pub summary: Summary,
    /// The [`TOP_USERS`] shown rows with the most used ([`top_by_used`]).
    pub top: Vec<u32>,
}

/// The [`Tallies`] of the rows at `unbucketed` (every filter but the
/// histogram's bucket passed), of which those that `in_bucket` are shown.
pub fn tally(
    rows: &Rows,
    states: &[UsageState],
    unbucketed: &[u32],
    in_bucket: impl Fn(Row<'_>) -> bool,
    unit: WireUnit,
    now_ms: i64,
) -> Tallies {
    let mut histogram = [0; BUCKETS];
    let mut adder = Adder::new(unit, now_ms);
    let mut top = Top::new(TOP_USERS);
    for &i in unbucketed {
        let row = rows.at(i);
        histogram[bucket_of_row(row)] += 1;
        if in_bucket(row) {
            let state = states
                .get(i as usize)
                .copied()
                .unwrap_or(UsageState::Unknown);
            adder.add(row, state);
            top.add(i, row.used());
        }
    }
    Tallies {
        histogram,
        summary: adder.summary,
        top: top.rows(),
    }
}

#[cfg(test)]
mod tests {
    use koodrive_core::{Thresholds, UserSpaceQuota};

    use super::*;

    #[test]
    fn sums_counts_and_tops() {
        let rows: Rows = [(100, 50.0), (100, 95.0), (0, 0.0), (200, 250.0)]
            .into_iter()
            .enumerate()
            .map(|(i, (q, u))| UserSpaceQuota::new(i.to_string(), q, u))
            .collect();
        let t = Thresholds::default();
        let states: Vec<UsageState> = rows.iter().map(|r| r.state(&t)).collect();
        let all: Vec<u32> = (0..4).collect();
        let s = summarize(&rows, &states, &all, WireUnit::B, 0);
        assert_eq!(s.users, 4);
        assert_eq!(s.total_quota_bytes, 400.0);
        assert_eq!(s.total_used_bytes, 395.0);
        assert_eq!(s.per_state, [2, 1, 0, 1, 0]);
        let h = histogram(&rows, &all);
        assert_eq!(
            (h[5], h[9], h[10], h[11]),
            (1, 1, 1, 1),
            "quota 0 has its bar"
        );
        assert_eq!(h.iter().sum::<usize>(), 4, "every user is in one bar");
        assert_eq!(top_by_used(&rows, &all, 2), [3, 1]);
        assert_eq!(top_by_used(&rows, &all, 10), [3, 1, 0, 2]);
    }

    #[test]
    fn one_pass_adds_up_as_each_panel_would() {
        let rows: Rows = (0..40u32)
            .map(|i| {
                let mut r = UserSpaceQuota::new(
                    i.to_string(),
                    u64::from(100 + i % 3),
                    f64::from(i % 17) * 7.5,
                );
                r.expiration_time = Some(super::super::times::iso_utc(i64::from(i) * DAY_MS));
                r
            })
            .collect();
        let t = Thresholds::default();
        let states: Vec<UsageState> = rows.iter().map(|r| r.state(&t)).collect();
        let unbucketed: Vec<u32> = (0..40).filter(|i| i % 4 != 1).collect();
        let in_bucket = |r: Row<'_>| {
            super::super::filters::bucket_of(r.ratio()) == Some(super::super::filters::FULL)
        };
        let shown: Vec<u32> = unbucketed
            .iter()
            .copied()
            .filter(|&i| in_bucket(rows.at(i)))
            .collect();
        let now = 20 * DAY_MS;
        let tallies = tally(&rows, &states, &unbucketed, in_bucket, WireUnit::KiB, now);
        assert_eq!(tallies.histogram, histogram(&rows, &unbucketed));
        assert_eq!(
            tallies.summary,
            summarize(&rows, &states, &shown, WireUnit::KiB, now)
        );
        assert_eq!(tallies.top, top_by_used(&rows, &shown, TOP_USERS));
        assert!(tallies.summary.users > 0 && tallies.summary.users < unbucketed.len());
    }

    #[test]
    fn the_summary_counts_expiry_as_the_filters_do() {
        use super::super::filters::{FilterContext, Filters};
        let now = 1_765_000_000_000;
        let rows: Rows = [-400, -1, 1, 29, 31]
            .into_iter()
            .map(|days: i64| {
                let mut r = UserSpaceQuota::new(days.to_string(), 100, 1.0);
                r.expiration_time = Some(super::super::times::iso_utc(now + days * DAY_MS));
                r
            })
            .collect();
        let t = Thresholds::default();
        let states: Vec<UsageState> = rows.iter().map(|r| r.state(&t)).collect();
        let all: Vec<u32> = (0..rows.len() as u32).collect();
        let s = summarize(&rows, &states, &all, WireUnit::B, now);
        let ctx = FilterContext {
            unit: WireUnit::B,
            now_ms: now,
        };
        let count = |f: Filters| {
            rows.iter()
                .zip(&states)
                .filter(|(r, st)| f.matches(*r, **st, &ctx))
                .count()
        };
        let within = Filters {
            expires_within_days: Some(EXPIRING_SOON_DAYS as f64),
            ..Filters::default()
        };
        let expired = Filters {
            expired: true,
            ..Filters::default()
        };
        assert_eq!((s.expiring_soon, count(within)), (2, 2));
        assert_eq!((s.expired, count(expired)), (2, 2));
    }
}
