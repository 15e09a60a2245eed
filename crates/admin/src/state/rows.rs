//! [`Row`]: one user's record as the table needs it, with the numbers parsed
//! once (quota, used, ratio, times in Unix ms) so that sorting, filtering and
//! summing 100,000 rows never parses a string again. The state of a row
//! depends on the thresholds, so it is not stored here: it is derived with
//! `koodrive-core`'s rules ([`Row::state`]).

use koodrive_core::{Thresholds, UsageState, UserSpaceQuota, parse_iso8601};

/// One user, as received and as the table uses it.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The record as it came off the wire (exported as is).
    pub record: UserSpaceQuota,
    /// The quota as a number, when the record is usable.
    pub quota: Option<u64>,
    /// `used`, when the record is usable.
    pub used: Option<f64>,
    /// `used / quota`; `None` for a zero quota or a bad record.
    pub ratio: Option<f64>,
    /// `effectiveTime` in Unix ms, when readable.
    pub effective_ms: Option<i64>,
    /// `expirationTime` in Unix ms, when readable.
    pub expires_ms: Option<i64>,
    /// `quota - used`, for sorting and charts (negative past the quota);
    /// [`Row::free_exact`] gives it to the last digit.
    pub free: Option<f64>,
}

fn unix_ms(text: Option<&str>) -> Option<i64> {
    let t = parse_iso8601(text?)?;
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok()
}

impl Row {
    /// Parses what the table needs from a record.
    pub fn new(record: UserSpaceQuota) -> Self {
        let quota = record.quota_value();
        let used = quota.and(record.used);
        let ratio = record.used_ratio();
        let effective_ms = unix_ms(record.effective_time.as_deref());
        let expires_ms = unix_ms(record.expiration_time.as_deref());
        let free = quota.zip(used).map(|(q, u)| q as f64 - u);
        Self {
            record,
            quota,
            used,
            ratio,
            effective_ms,
            expires_ms,
            free,
        }
    }

    /// The user's id.
    pub fn user_id(&self) -> &str {
        &self.record.user_id
    }

    /// The state under `thresholds`, by the core's rules.
    pub fn state(&self, thresholds: &Thresholds) -> UsageState {
        self.record.state(thresholds)
    }

    /// `quota - used` to the last digit, in the wire's unit: the quota's
    /// digits minus `used` as received (negative past the quota).
    pub fn free_exact(&self) -> Option<String> {
        let used = self.used?;
        exact_difference(self.quota?, used, &super::numbers::shortest(used))
    }

    /// Whether the quota has expired at `now_ms`.
    pub fn is_expired(&self, now_ms: i64) -> bool {
        self.expires_ms.is_some_and(|t| t <= now_ms)
    }

    /// Milliseconds until expiry from `now_ms` (negative once expired).
    pub fn expires_in_ms(&self, now_ms: i64) -> Option<i64> {
        self.expires_ms.map(|t| t.saturating_sub(now_ms))
    }
}

/// `quota - used` in decimal, exactly: `used` is taken as `text`, the
/// shortest decimal that reads back as it (how it was sent), so
/// `1048576 - 996147.2` is `52428.8`, and quotas past 2^53 lose no digit.
pub(crate) fn exact_difference(quota: u64, used: f64, text: &str) -> Option<String> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let plain = !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
        && frac.len() <= 18;
    if !plain {
        // An exponent form (a huge or tiny `used`): a float is all there is.
        return used
            .is_finite()
            .then(|| super::numbers::shortest(quota as f64 - used));
    }
    let scale = 10i128.checked_pow(frac.len() as u32)?;
    let mut used_scaled = int.bytes().chain(frac.bytes()).try_fold(0i128, |n, b| {
        n.checked_mul(10)?.checked_add(i128::from(b - b'0'))
    })?;
    if negative {
        used_scaled = -used_scaled;
    }
    let diff = i128::from(quota).checked_mul(scale)? - used_scaled;
    let sign = if diff < 0 { "-" } else { "" };
    let abs = diff.unsigned_abs();
    let scale = scale.unsigned_abs();
    let (whole, part) = (abs / scale, abs % scale);
    if frac.is_empty() || part == 0 {
        return Some(format!("{sign}{whole}"));
    }
    let part = format!("{part:0width$}", width = frac.len());
    Some(format!("{sign}{whole}.{}", part.trim_end_matches('0')))
}

/// The index of a state in [`UsageState::ALL`] (and in the translated names).
pub fn state_index(state: UsageState) -> usize {
    UsageState::ALL
        .iter()
        .position(|s| *s == state)
        .unwrap_or(UsageState::ALL.len() - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_parses_its_numbers_once() {
        let mut record = UserSpaceQuota::new("1", 1_048_576, 996_147.2);
        record.expiration_time = Some("2025-12-12T08:37:14.613Z".into());
        let row = Row::new(record);
        assert_eq!(row.quota, Some(1_048_576));
        assert_eq!(row.ratio, Some(0.95));
        assert_eq!(row.expires_ms, Some(1_765_528_634_613));
        assert_eq!(row.expires_in_ms(1_765_528_634_000), Some(613));
        assert_eq!(row.state(&Thresholds::default()), UsageState::Nearing);
        assert_eq!(state_index(UsageState::Unknown), 4);
    }

    #[test]
    fn free_space_is_exact_to_the_last_digit() {
        let free =
            |quota: u64, used: f64| Row::new(UserSpaceQuota::new("1", quota, used)).free_exact();
        assert_eq!(free(1_048_576, 996_147.2).as_deref(), Some("52428.8"));
        assert_eq!(free(100, 150.0).as_deref(), Some("-50"));
        assert_eq!(
            free(18_446_744_073_709_551_615, 1.0).as_deref(),
            Some("18446744073709551614"),
            "a quota past 2^53 keeps every digit"
        );
        assert_eq!(free(10, 0.25).as_deref(), Some("9.75"));
    }

    #[test]
    fn a_bad_record_keeps_its_id_and_is_unknown() {
        let mut record = UserSpaceQuota::new("2", 10, 1.0);
        record.quota = "12a".into();
        let row = Row::new(record);
        assert_eq!((row.quota, row.used, row.ratio), (None, None, None));
        assert_eq!(row.state(&Thresholds::default()), UsageState::Unknown);
    }
}
