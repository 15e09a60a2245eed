//! One user over time: [`UsagePoint`]s taken from snapshots, and [`Growth`],
//! the change in `used` over a number of days.

use super::chain::History;
use super::error::HistoryError;
use super::snapshot::Snapshot;

/// Milliseconds in a day.
pub const DAY_MS: i64 = 86_400_000;

/// One user's quota and usage in one snapshot.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UsagePoint {
    /// When the snapshot was taken, Unix milliseconds.
    pub at_ms: i64,
    /// The quota then, exact.
    pub quota: u64,
    /// The space used then.
    pub used: f64,
}

/// The change in `used` between two points, and the days between them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Growth {
    /// `used` at the later point minus `used` at the earlier one.
    pub change: f64,
    /// The days between the two points.
    pub days: f64,
}

impl Growth {
    /// The change per day.
    pub fn per_day(&self) -> f64 {
        if self.days > 0.0 {
            self.change / self.days
        } else {
            0.0
        }
    }
}

/// How far from `days` before the newest point the point compared with may
/// lie: a day, or a tenth of the span when that is more (3 days for 30, 9
/// for 90), so that monthly exports still compare month to month.
pub fn growth_tolerance_ms(days: u32) -> i64 {
    (i64::from(days) * DAY_MS / 10).max(DAY_MS)
}

/// The change in `used` from about `days` before the newest point to the
/// newest point: the point nearest that time, within
/// [`growth_tolerance_ms`]. `None` when no point is near enough.
/// `points` must be in time order.
pub fn growth_over(points: &[UsagePoint], days: u32) -> Option<Growth> {
    let newest = points.last()?;
    let target = newest.at_ms - i64::from(days) * DAY_MS;
    let tolerance = growth_tolerance_ms(days);
    let earlier = points[..points.len() - 1]
        .iter()
        .filter(|p| (p.at_ms - target).abs() <= tolerance)
        .min_by_key(|p| (p.at_ms - target).abs())?;
    Some(Growth {
        change: newest.used - earlier.used,
        days: (newest.at_ms - earlier.at_ms) as f64 / DAY_MS as f64,
    })
}

/// One user's points in these snapshots (in their order), skipping the
/// snapshots without the user.
pub fn user_series<'a>(
    snapshots: impl IntoIterator<Item = &'a Snapshot>,
    user_id: &str,
) -> Vec<UsagePoint> {
    snapshots
        .into_iter()
        .filter_map(|s| {
            s.user(user_id).map(|u| UsagePoint {
                at_ms: s.taken_at_ms,
                quota: u.quota,
                used: u.used,
            })
        })
        .collect()
}

impl History {
    /// One user's points over every snapshot, oldest first (decodes the
    /// whole chain once).
    pub fn user_series(&self, user_id: &str) -> Result<Vec<UsagePoint>, HistoryError> {
        let mut points = Vec::new();
        for snapshot in self.snapshots() {
            let snapshot = snapshot?;
            points.extend(user_series([&snapshot], user_id));
        }
        Ok(points)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn daily(used: &[f64]) -> Vec<UsagePoint> {
        used.iter()
            .enumerate()
            .map(|(d, &used)| UsagePoint {
                at_ms: d as i64 * DAY_MS,
                quota: 1000,
                used,
            })
            .collect()
    }

    #[test]
    fn growth_compares_with_the_point_that_many_days_back() {
        let points = daily(&(0..40).map(|d| f64::from(d) * 2.0).collect::<Vec<_>>());
        let week = growth_over(&points, 7).unwrap();
        assert_eq!((week.change, week.days, week.per_day()), (14.0, 7.0, 2.0));
        assert_eq!(growth_over(&points, 30).unwrap().change, 60.0);
        assert_eq!(growth_over(&points, 90), None);
    }

    #[test]
    fn monthly_points_still_give_a_thirty_day_growth() {
        let points = vec![
            UsagePoint {
                at_ms: 0,
                quota: 10,
                used: 1.0,
            },
            UsagePoint {
                at_ms: 31 * DAY_MS,
                quota: 10,
                used: 4.0,
            },
        ];
        let g = growth_over(&points, 30).unwrap();
        assert_eq!((g.change, g.days), (3.0, 31.0));
        assert_eq!(growth_over(&points, 7), None);
    }
}
