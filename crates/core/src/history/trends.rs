//! Every user's growth and forecast, and the tenant's totals, from a whole
//! [`History`] in one pass: [`Trends`].
//!
//! The pass decodes each snapshot once and keeps only the usage in the
//! snapshots that matter: the newest [`FORECAST_MAX_POINTS`] within
//! [`FORECAST_WINDOW_DAYS`] (the forecast's), and those nearest 7, 30 and 90
//! days before the newest snapshot (the growth's). Memory therefore grows
//! with users × about two dozen numbers, whatever the number of snapshots.

use std::collections::HashMap;
use std::sync::Arc;

use super::chain::History;
use super::error::HistoryError;
use super::forecast::{FORECAST_MAX_POINTS, FORECAST_WINDOW_DAYS, Forecast, forecast};
use super::series::{DAY_MS, Growth, UsagePoint, growth_tolerance_ms};
use super::snapshot::Snapshot;

/// The spans growth is given over, in days.
pub const GROWTH_SPANS: [u32; 3] = [7, 30, 90];

/// The tenant's totals in one snapshot.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TenantPoint {
    /// When the snapshot was taken, Unix milliseconds.
    pub at_ms: i64,
    /// How many users it holds.
    pub users: usize,
    /// The sum of their quotas, exact.
    pub quota: u128,
    /// The sum of their usage.
    pub used: f64,
}

/// One user's trend.
#[derive(Debug, Clone, PartialEq)]
pub struct UserTrend {
    /// The user's newest point among the snapshots used.
    pub newest: UsagePoint,
    /// Growth over 7, 30 and 90 days (see [`GROWTH_SPANS`]), when the
    /// history reaches back that far for this user.
    pub growth: [Option<Growth>; 3],
    /// The forecast.
    pub forecast: Forecast,
}

impl UserTrend {
    /// Usage growth per day (the forecast's slope), when known.
    pub fn per_day(&self) -> Option<f64> {
        self.forecast.rate.map(|r| r.per_day)
    }
}

/// Every user's trend and the tenant's totals over a history.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Trends {
    users: HashMap<Arc<str>, UserTrend>,
    totals: Vec<TenantPoint>,
}

/// Which snapshots a trend reads, by position in time order.
struct Used {
    /// The first of the forecast's (the rest up to the newest follow).
    first: usize,
    /// Those the growth over each of [`GROWTH_SPANS`] is measured from.
    references: [Option<usize>; 3],
    /// All of them, in order, once each.
    wanted: Vec<usize>,
}

fn used_of(times: &[i64]) -> Option<Used> {
    let &newest_at = times.last()?;
    let since = newest_at - FORECAST_WINDOW_DAYS * DAY_MS;
    let first = times
        .partition_point(|&t| t < since)
        .max(times.len().saturating_sub(FORECAST_MAX_POINTS));
    let mut wanted: Vec<usize> = (first..times.len()).collect();
    let mut references = [None; 3];
    for (k, &days) in GROWTH_SPANS.iter().enumerate() {
        let target = newest_at - i64::from(days) * DAY_MS;
        let tolerance = growth_tolerance_ms(days);
        let best = (0..times.len() - 1)
            .filter(|&i| (times[i] - target).abs() <= tolerance)
            .min_by_key(|&i| (times[i] - target).abs());
        references[k] = best;
        wanted.extend(best);
    }
    wanted.sort_unstable();
    wanted.dedup();
    Some(Used {
        first,
        references,
        wanted,
    })
}

/// The positions (in `times`, increasing) of the snapshots that trends over
/// snapshots taken at `times` read users from: the newest
/// [`FORECAST_MAX_POINTS`] within [`FORECAST_WINDOW_DAYS`], and those
/// nearest 7, 30 and 90 days before the newest. The others count only in
/// the tenant's totals, so a reader that must fetch snapshots may leave
/// them out and get the same trends.
pub fn snapshots_used(times: &[i64]) -> Vec<usize> {
    used_of(times).map(|u| u.wanted).unwrap_or_default()
}

impl Trends {
    /// Trends over `history`, with `critical_at` the usage ratio at which a
    /// user becomes critical (such as 0.99).
    pub fn compute(history: &History, critical_at: f64) -> Result<Self, HistoryError> {
        let times: Vec<i64> = history
            .entries()
            .iter()
            .map(|e| e.header.taken_at_ms)
            .collect();
        Self::compute_over(&times, &mut history.snapshots(), critical_at)
    }

    /// Trends over snapshots taken at `times` (strictly increasing), which
    /// `snapshots` yields one after another in that order, whatever holds
    /// them (several histories joined, snapshots fetched one by one). Each
    /// is looked at once; a snapshot whose time is not the next of `times`
    /// is refused. (An iterator object, not a generic: one copy of this
    /// long function in a wasm, whatever the callers.)
    pub fn compute_over(
        times: &[i64],
        snapshots: &mut dyn Iterator<Item = Result<Snapshot, HistoryError>>,
        critical_at: f64,
    ) -> Result<Self, HistoryError> {
        if times.windows(2).any(|w| w[0] >= w[1]) {
            return Err(HistoryError::damaged(
                "the snapshots' times are not in increasing order",
            ));
        }
        let Some(Used {
            first,
            references,
            wanted,
        }) = used_of(times)
        else {
            return Ok(Self::default());
        };
        let slot_of = |index: usize| wanted.binary_search(&index).ok();
        let slots = wanted.len();

        let mut index: HashMap<Arc<str>, u32> = HashMap::new();
        let mut ids: Vec<Arc<str>> = Vec::new();
        let mut used: Vec<f64> = Vec::new();
        let mut quota: Vec<u64> = Vec::new();
        let mut totals = Vec::with_capacity(times.len());
        for (i, snapshot) in snapshots.enumerate() {
            let snapshot = snapshot?;
            if times.get(i) != Some(&snapshot.taken_at_ms) {
                return Err(HistoryError::damaged(
                    "a snapshot came out of turn: its time is not the one expected",
                ));
            }
            totals.push(TenantPoint {
                at_ms: snapshot.taken_at_ms,
                users: snapshot.len(),
                quota: snapshot.total_quota(),
                used: snapshot.total_used(),
            });
            let Some(slot) = slot_of(i) else { continue };
            index.reserve(snapshot.len().saturating_sub(index.len()));
            for user in snapshot.users() {
                let row = match index.get(&user.user_id) {
                    Some(&row) => row as usize,
                    None => {
                        let row = ids.len();
                        index.insert(user.user_id.clone(), row as u32);
                        ids.push(user.user_id.clone());
                        used.extend(std::iter::repeat_n(f64::NAN, slots));
                        quota.push(0);
                        row
                    }
                };
                used[row * slots + slot] = user.used;
                quota[row] = user.quota;
            }
        }
        drop(index);
        if totals.len() != times.len() {
            return Err(HistoryError::damaged(format!(
                "{} snapshots were expected, {} came",
                times.len(),
                totals.len()
            )));
        }

        let slot_times: Vec<i64> = wanted.iter().map(|&i| times[i]).collect();
        let forecast_slots: Vec<usize> = (0..slots).filter(|&s| wanted[s] >= first).collect();
        let reference_slots: Vec<Option<usize>> =
            references.iter().map(|r| r.and_then(slot_of)).collect();
        let mut users = HashMap::with_capacity(ids.len());
        let mut points = Vec::with_capacity(FORECAST_MAX_POINTS);
        for (row, id) in ids.into_iter().enumerate() {
            let values = &used[row * slots..(row + 1) * slots];
            points.clear();
            points.extend(
                forecast_slots
                    .iter()
                    .filter(|&&s| !values[s].is_nan())
                    .map(|&s| UsagePoint {
                        at_ms: slot_times[s],
                        quota: quota[row],
                        used: values[s],
                    }),
            );
            let Some(&newest) = points.last() else {
                // Only in the growth's older snapshots: no trend to give.
                continue;
            };
            let growth = [0, 1, 2].map(|k| {
                let slot = reference_slots[k]?;
                let then = values[slot];
                (!then.is_nan() && slot_times[slot] < newest.at_ms).then(|| Growth {
                    change: newest.used - then,
                    days: (newest.at_ms - slot_times[slot]) as f64 / DAY_MS as f64,
                })
            });
            users.insert(
                id,
                UserTrend {
                    newest,
                    growth,
                    forecast: forecast(&points, critical_at),
                },
            );
        }
        Ok(Self { users, totals })
    }

    /// Trends made of their parts (as read back from their stored form).
    pub(super) fn from_parts(
        users: HashMap<Arc<str>, UserTrend>,
        totals: Vec<TenantPoint>,
    ) -> Self {
        Self { users, totals }
    }

    /// The trend of the user with this id.
    pub fn user(&self, user_id: &str) -> Option<&UserTrend> {
        self.users.get(user_id)
    }

    /// How many users have a trend.
    pub fn len(&self) -> usize {
        self.users.len()
    }

    /// Whether no user has one.
    pub fn is_empty(&self) -> bool {
        self.users.is_empty()
    }

    /// Every user's trend, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &UserTrend)> {
        self.users.iter().map(|(id, t)| (id.as_ref(), t))
    }

    /// The tenant's totals, one per snapshot, oldest first.
    pub fn totals(&self) -> &[TenantPoint] {
        &self.totals
    }
}
