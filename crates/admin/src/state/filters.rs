//! [`Filters`]: which rows are shown. Every filter is optional; a row is
//! shown when it passes all of them. The usage histogram's buckets
//! ([`bucket_of`]) are a filter too, set by clicking a bar.

use koodrive_core::UsageState;

use super::rows::Row;
use super::times::DAY_MS;
use super::units::WireUnit;

/// How many buckets the usage histogram has: ten of 10 % and one for 100 % and over.
pub const BUCKETS: usize = 11;

/// The histogram bucket of a usage ratio: `0` for [0 %, 10 %), …, `9` for
/// [90 %, 100 %), `10` for 100 % and over. `None` without a ratio.
pub fn bucket_of(ratio: Option<f64>) -> Option<usize> {
    let r = ratio?;
    if !r.is_finite() || r < 0.0 {
        return None;
    }
    // A hair of slack keeps 0.3 (2.9999… tenths in floating point) in the 30 % bucket.
    Some(((r * 10.0 + 1e-9).floor() as usize).min(BUCKETS - 1))
}

/// The range of a bucket in words: `40–50%`, `≥100%`.
pub fn bucket_range(bucket: usize) -> String {
    if bucket + 1 >= BUCKETS {
        "≥100%".to_owned()
    } else {
        format!("{}–{}%", bucket * 10, bucket * 10 + 10)
    }
}

/// The filters of the table. Ranges are inclusive; numbers are as typed
/// (GiB for quotas, percent for usage, days for expiry).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Filters {
    /// Part of the user id, case-insensitive; empty shows all.
    pub text: String,
    /// Only this state.
    pub state: Option<UsageState>,
    /// Quota at least this many GiB.
    pub quota_min_gib: Option<f64>,
    /// Quota at most this many GiB.
    pub quota_max_gib: Option<f64>,
    /// Usage at least this percentage.
    pub usage_min_pct: Option<f64>,
    /// Usage at most this percentage.
    pub usage_max_pct: Option<f64>,
    /// Expires within this many days from now, or has expired.
    pub expires_within_days: Option<f64>,
    /// Only this histogram bucket.
    pub bucket: Option<usize>,
}

/// What a row is judged against besides the filters.
#[derive(Debug, Clone, Copy)]
pub struct FilterContext {
    /// What the wire numbers count (for the quota range in GiB).
    pub unit: WireUnit,
    /// Now, Unix ms (for the expiry filter).
    pub now_ms: i64,
}

const GIB: f64 = 1_073_741_824.0;
/// Slack for comparing typed percentages with computed ratios.
const EPSILON: f64 = 1e-9;

impl Filters {
    /// Whether any filter is set.
    pub fn is_active(&self) -> bool {
        *self != Self::default()
    }

    /// Whether `row`, whose state is `state`, passes every filter.
    pub fn matches(&self, row: &Row, state: UsageState, ctx: &FilterContext) -> bool {
        self.matches_except_bucket(row, state, ctx)
            && self.bucket.is_none_or(|b| bucket_of(row.ratio) == Some(b))
    }

    /// Whether `row` passes every filter but the histogram bucket (the
    /// histogram shows the rows the other filters leave).
    pub fn matches_except_bucket(&self, row: &Row, state: UsageState, ctx: &FilterContext) -> bool {
        let text = self.text.trim();
        if !text.is_empty() && !contains_ignore_case(row.user_id(), text) {
            return false;
        }
        if self.state.is_some_and(|s| s != state) {
            return false;
        }
        if self.quota_min_gib.is_some() || self.quota_max_gib.is_some() {
            let Some(quota) = row.quota else {
                return false;
            };
            let gib = ctx.unit.to_bytes(quota as f64) / GIB;
            if self.quota_min_gib.is_some_and(|min| gib < min - EPSILON)
                || self.quota_max_gib.is_some_and(|max| gib > max + EPSILON)
            {
                return false;
            }
        }
        if self.usage_min_pct.is_some() || self.usage_max_pct.is_some() {
            let Some(ratio) = row.ratio else {
                return false;
            };
            let pct = ratio * 100.0;
            if self.usage_min_pct.is_some_and(|min| pct < min - EPSILON)
                || self.usage_max_pct.is_some_and(|max| pct > max + EPSILON)
            {
                return false;
            }
        }
        if let Some(days) = self.expires_within_days {
            let Some(left) = row.expires_in_ms(ctx.now_ms) else {
                return false;
            };
            if left as f64 > days * DAY_MS as f64 {
                return false;
            }
        }
        true
    }
}

/// Whether `needle` is in `haystack`, ignoring ASCII case (ids are ASCII;
/// other letters must match exactly, which keeps Unicode's case tables out
/// of the page).
fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    n.len() <= h.len() && h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

#[cfg(test)]
mod tests {
    use koodrive_core::{Thresholds, UserSpaceQuota};

    use super::*;

    const NOW: i64 = 1_765_000_000_000;

    fn row(id: &str, quota: u64, used: f64, expires_in_days: Option<i64>) -> Row {
        let mut record = UserSpaceQuota::new(id, quota, used);
        record.expiration_time =
            expires_in_days.map(|d| super::super::times::iso_utc(NOW + d * DAY_MS));
        Row::new(record)
    }

    fn shown(filters: &Filters, rows: &[Row]) -> Vec<String> {
        let ctx = FilterContext {
            unit: WireUnit::KiB,
            now_ms: NOW,
        };
        let t = Thresholds::default();
        rows.iter()
            .filter(|r| filters.matches(r, r.state(&t), &ctx))
            .map(|r| r.user_id().to_owned())
            .collect()
    }

    fn sample() -> Vec<Row> {
        vec![
            row("1001", 1_048_576, 104_857.6, Some(3)), // 1 GiB, 10 %, in 3 days
            row("1002", 10_485_760, 9_961_472.0, Some(-2)), // 10 GiB, 95 %, expired
            row("2003", 104_857_600, 104_857_600.0, Some(40)), // 100 GiB, 100 %
            row("2004", 0, 0.0, None),                  // zero quota
        ]
    }

    #[test]
    fn no_filter_shows_everyone() {
        assert_eq!(shown(&Filters::default(), &sample()).len(), 4);
        assert!(!Filters::default().is_active());
    }

    #[test]
    fn text_and_state_filters() {
        let f = Filters {
            text: "100".into(),
            ..Filters::default()
        };
        assert_eq!(shown(&f, &sample()), ["1001", "1002"]);
        let f = Filters {
            state: Some(UsageState::Nearing),
            ..Filters::default()
        };
        assert_eq!(shown(&f, &sample()), ["1002"]);
        let f = Filters {
            state: Some(UsageState::Exceeded),
            ..Filters::default()
        };
        assert_eq!(shown(&f, &sample()), ["2003"]);
    }

    #[test]
    fn quota_range_is_in_gib_of_the_chosen_unit() {
        let f = Filters {
            quota_min_gib: Some(10.0),
            quota_max_gib: Some(100.0),
            ..Filters::default()
        };
        assert_eq!(shown(&f, &sample()), ["1002", "2003"]);
    }

    #[test]
    fn usage_range_is_inclusive_and_skips_unknown_ratios() {
        let f = Filters {
            usage_min_pct: Some(10.0),
            usage_max_pct: Some(95.0),
            ..Filters::default()
        };
        assert_eq!(shown(&f, &sample()), ["1001", "1002"]);
    }

    #[test]
    fn expires_within_includes_the_expired() {
        let f = Filters {
            expires_within_days: Some(7.0),
            ..Filters::default()
        };
        assert_eq!(shown(&f, &sample()), ["1001", "1002"]);
    }

    #[test]
    fn buckets_are_tens_of_percent_and_a_last_for_full() {
        assert_eq!(bucket_of(Some(0.0)), Some(0));
        assert_eq!(bucket_of(Some(0.3)), Some(3));
        assert_eq!(bucket_of(Some(0.95)), Some(9));
        assert_eq!(bucket_of(Some(1.0)), Some(10));
        assert_eq!(bucket_of(Some(7.0)), Some(10));
        assert_eq!(bucket_of(None), None);
        assert_eq!(bucket_range(4), "40–50%");
        assert_eq!(bucket_range(10), "≥100%");
        let f = Filters {
            bucket: Some(9),
            ..Filters::default()
        };
        assert_eq!(shown(&f, &sample()), ["1002"]);
    }
}
