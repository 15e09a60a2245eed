//! When a user will reach the critical threshold and the whole quota:
//! [`forecast`], from a robust slope ([`theil_sen`]) over the newest points.
//!
//! The slope is Theil–Sen's: the median of the slopes between every pair of
//! points, with Sen's 95 % confidence interval (the pair slopes at ranks
//! `(N ∓ 1.96·√Var(S)) / 2`, `Var(S) = n(n−1)(2n+5)/18`). A few outliers move
//! it little, unlike least squares. The forecast starts from the newest
//! point's usage and goes on at that slope; the interval's slopes give the
//! earliest and latest dates, so scattered points give a range.

use super::series::{DAY_MS, UsagePoint};

/// The most points, the newest, a forecast uses.
pub const FORECAST_MAX_POINTS: usize = 21;
/// Points older than this many days before the newest one are not used.
pub const FORECAST_WINDOW_DAYS: i64 = 90;
/// The fewest points a forecast needs.
pub const FORECAST_MIN_POINTS: usize = 3;
/// A date further away than this many days is not forecast.
pub const FORECAST_HORIZON_DAYS: f64 = 36_500.0;

/// A slope per day with its 95 % interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Slope {
    /// The median pair slope, per day.
    pub per_day: f64,
    /// The interval's lower end, per day.
    pub low: f64,
    /// The interval's upper end, per day.
    pub high: f64,
}

/// Theil–Sen's slope of `(day, value)` points with Sen's 95 % interval;
/// `None` with fewer than two points at different days.
pub fn theil_sen(points: &[(f64, f64)]) -> Option<Slope> {
    let n = points.len();
    let mut slopes = Vec::with_capacity(n * n.saturating_sub(1) / 2);
    for (i, &(x1, y1)) in points.iter().enumerate() {
        for &(x2, y2) in &points[i + 1..] {
            let dx = x2 - x1;
            if dx != 0.0 {
                let s = (y2 - y1) / dx;
                if s.is_finite() {
                    slopes.push(s);
                }
            }
        }
    }
    let count = slopes.len();
    if count == 0 {
        return None;
    }
    let nf = n as f64;
    let spread = 1.96 * (nf * (nf - 1.0) * (2.0 * nf + 5.0) / 18.0).sqrt();
    let rank = |r: f64| (r.round().max(0.0) as usize).min(count - 1);
    let low_rank = rank((count as f64 - spread) / 2.0);
    let high_rank = rank((count as f64 + spread) / 2.0);
    let mut at = |k: usize| -> f64 {
        let (_, v, _) = slopes.select_nth_unstable_by(k, f64::total_cmp);
        *v
    };
    let per_day = if count % 2 == 1 {
        at(count / 2)
    } else {
        (at(count / 2 - 1) + at(count / 2)) / 2.0
    };
    let low = at(low_rank).min(per_day);
    let high = at(high_rank).max(per_day);
    Some(Slope { per_day, low, high })
}

/// Which way usage goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trend {
    /// Fewer than [`FORECAST_MIN_POINTS`] points: nothing can be said.
    TooFewPoints,
    /// Usage grows.
    Growing,
    /// Usage does not change.
    Flat,
    /// Usage shrinks.
    Shrinking,
}

impl Trend {
    /// `tooFewPoints`, `growing`, `flat` or `shrinking`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TooFewPoints => "tooFewPoints",
            Self::Growing => "growing",
            Self::Flat => "flat",
            Self::Shrinking => "shrinking",
        }
    }
}

/// When a threshold is reached.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reach {
    /// The newest point is at or past it already.
    Reached,
    /// Expected at `at_ms` (Unix milliseconds), between `earliest_ms` and
    /// `latest_ms`; `latest_ms` is `None` when the interval allows usage
    /// that does not grow (it may never be reached).
    Expected {
        /// The forecast date.
        at_ms: i64,
        /// The earliest date the interval allows.
        earliest_ms: i64,
        /// The latest date the interval allows, if any.
        latest_ms: Option<i64>,
    },
    /// Not forecast: usage does not grow, there are too few points, or the
    /// date lies beyond [`FORECAST_HORIZON_DAYS`].
    NotExpected,
}

impl Reach {
    /// Whole days from `now_ms` to the forecast date (0 once reached, never
    /// below 0); `None` when not expected.
    pub fn days_from(&self, now_ms: i64) -> Option<f64> {
        match *self {
            Self::Reached => Some(0.0),
            Self::Expected { at_ms, .. } => {
                Some(((at_ms - now_ms) as f64 / DAY_MS as f64).max(0.0))
            }
            Self::NotExpected => None,
        }
    }
}

/// A user's forecast.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Forecast {
    /// The slope of the points used, when there were enough.
    pub rate: Option<Slope>,
    /// Which way usage goes.
    pub trend: Trend,
    /// How many points were used.
    pub points: usize,
    /// When `used` reaches `critical_at` × quota.
    pub critical: Reach,
    /// When `used` reaches the quota.
    pub full: Reach,
}

/// The points a forecast uses: the newest [`FORECAST_MAX_POINTS`] within
/// [`FORECAST_WINDOW_DAYS`] of the newest one. `points` in time order.
pub fn forecast_basis(points: &[UsagePoint]) -> &[UsagePoint] {
    let Some(newest) = points.last() else {
        return points;
    };
    let since = newest.at_ms - FORECAST_WINDOW_DAYS * DAY_MS;
    let first = points.partition_point(|p| p.at_ms < since);
    let first = first.max(points.len().saturating_sub(FORECAST_MAX_POINTS));
    &points[first..]
}

/// Forecasts when a user reaches `critical_at` (a usage ratio, such as 0.99)
/// and 100 % of the quota, from points in time order (see
/// [`forecast_basis`] for which are used). The quota is the newest point's.
pub fn forecast(points: &[UsagePoint], critical_at: f64) -> Forecast {
    let basis = forecast_basis(points);
    let Some(newest) = basis.last() else {
        return Forecast {
            rate: None,
            trend: Trend::TooFewPoints,
            points: 0,
            critical: Reach::NotExpected,
            full: Reach::NotExpected,
        };
    };
    let rate = if basis.len() >= FORECAST_MIN_POINTS {
        let xy: Vec<(f64, f64)> = basis
            .iter()
            .map(|p| ((p.at_ms - newest.at_ms) as f64 / DAY_MS as f64, p.used))
            .collect();
        theil_sen(&xy)
    } else {
        None
    };
    let trend = match rate {
        None => Trend::TooFewPoints,
        Some(s) if s.per_day > 0.0 => Trend::Growing,
        Some(s) if s.per_day < 0.0 => Trend::Shrinking,
        Some(_) => Trend::Flat,
    };
    let quota = newest.quota as f64;
    let reach = |ratio: f64| -> Reach {
        let target = quota * ratio;
        if newest.quota == 0 {
            return if newest.used > 0.0 {
                Reach::Reached
            } else {
                Reach::NotExpected
            };
        }
        if newest.used >= target {
            return Reach::Reached;
        }
        let Some(slope) = rate.filter(|_| trend == Trend::Growing) else {
            return Reach::NotExpected;
        };
        let left = target - newest.used;
        let days = left / slope.per_day;
        if days.is_nan() || days > FORECAST_HORIZON_DAYS {
            return Reach::NotExpected;
        }
        let at = |days: f64| newest.at_ms + (days * DAY_MS as f64).round() as i64;
        let earliest = left / slope.high;
        let latest = (slope.low > 0.0)
            .then(|| left / slope.low)
            .filter(|d| *d <= FORECAST_HORIZON_DAYS);
        Reach::Expected {
            at_ms: at(days),
            earliest_ms: at(earliest),
            latest_ms: latest.map(at),
        }
    };
    Forecast {
        rate,
        trend,
        points: basis.len(),
        critical: reach(critical_at),
        full: reach(1.0),
    }
}
