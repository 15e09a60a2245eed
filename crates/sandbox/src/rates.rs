//! How the sandbox ages (`POST /__sandbox/advance`): every user's `used`
//! changes by a daily rate of its own, fixed by its id, quota and starting
//! usage, so the same users age the same way every run. About one user in
//! ten grows fast enough to cross the quota within 5 to 40 days, one in five
//! stays flat, three in twenty shrink by 0.5–2 % of their usage a day, and
//! the rest grow slowly (0.01–0.3 % of the quota a day). Rates and usage are
//! whole tenths of the server's unit, so that a user's usage after `n` days
//! is exactly `used + n × rate` (never below 0).

use koodrive_core::{SeededRandom, UserSpaceQuota};

/// A user's daily rate, in tenths of the server's unit.
pub(crate) fn rate_tenths(record: &UserSpaceQuota) -> i64 {
    let (Some(quota), Some(used)) = (record.quota_value(), record.used) else {
        return 0;
    };
    if quota == 0 {
        return 0;
    }
    let mut random = SeededRandom::new(fnv1a(record.user_id.as_bytes()));
    let pick = random.next_u64() % 100;
    let between =
        |random: &mut SeededRandom, low: f64, high: f64| low + (high - low) * random.next_f64();
    let quota = quota as f64;
    let per_day = match pick {
        0..=9 => {
            let days = between(&mut random, 5.0, 40.0);
            (quota - used).max(quota * 0.1) / days
        }
        10..=29 => 0.0,
        30..=44 => -used * between(&mut random, 0.005, 0.02),
        _ => quota * between(&mut random, 0.0001, 0.003),
    };
    let tenths = (per_day * 10.0).round();
    // Quotas past 2^53 give rates no i64 holds; such users stay flat.
    if tenths.abs() < 9.0e15 {
        tenths as i64
    } else {
        0
    }
}

/// `used` after `days` at `rate_tenths` a day, from `initial`: exact in tenths
/// while the numbers stay below 2^53 tenths, never below 0.
pub(crate) fn aged_used(initial: f64, rate_tenths: i64, days: f64) -> f64 {
    if rate_tenths == 0 || days == 0.0 {
        return initial;
    }
    let tenths = (initial * 10.0).round() + rate_tenths as f64 * days;
    (tenths.round() / 10.0).max(0.0)
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::generate_users;

    #[test]
    fn some_users_grow_fast_some_stay_flat_some_shrink() {
        let users = generate_users(2000, 42, 1_764_244_800_000);
        let rates: Vec<i64> = users.iter().map(rate_tenths).collect();
        assert!(rates.iter().filter(|&&r| r == 0).count() > 300);
        assert!(rates.iter().filter(|&&r| r < 0).count() > 200);
        assert!(rates.iter().filter(|&&r| r > 0).count() > 900);
        // Some normal users cross their quota within 40 days.
        let crossing = users
            .iter()
            .zip(&rates)
            .filter(|(u, r)| {
                let quota = u.quota_value().unwrap_or(0) as f64;
                u.used.unwrap_or(0.0) < quota
                    && aged_used(u.used.unwrap_or(0.0), **r, 40.0) >= quota
            })
            .count();
        assert!(crossing > 50, "{crossing}");
        assert_eq!(rates, users.iter().map(rate_tenths).collect::<Vec<_>>());
    }

    #[test]
    fn usage_moves_by_whole_tenths_and_never_below_zero() {
        assert_eq!(aged_used(100.5, 25, 4.0), 110.5);
        assert_eq!(aged_used(100.5, -1000, 4.0), 0.0);
        assert_eq!(aged_used(7.25, 0, 9.0), 7.25);
    }
}
