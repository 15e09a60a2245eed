//! Made-up users for demos and tests (`--users N --seed S`): realistic and
//! deterministic. Ids are 19-digit numbers like the page's; quotas span
//! orders of magnitude, including `"0"` and values past 2^53; `used` lands in
//! every state (normal, nearing, critical, exceeded); some quotas have
//! expired, some expire within 7 days, some records have no `createTime` and
//! a few no times at all. Times are relative to the "now" given, so the same
//! seed and now give the same users.

use std::collections::HashSet;

use koodrive_core::{
    RandomSource, SeededRandom, Thresholds, UsageState, UserSpaceQuota, format_iso8601,
    unix_ms_to_datetime,
};

const DAY_MS: i64 = 86_400_000;
const HOUR_MS: i64 = 3_600_000;
const GIB_IN_KIB: u64 = 1_048_576;
/// Plan sizes in GiB, written in KiB as KooDrive's sibling endpoints do.
const PLAN_GIB: [u64; 12] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1024, 2048, 5120];
const PERIOD_DAYS: [i64; 4] = [30, 90, 365, 730];

/// `count` users, the same for the same `seed` and `now_ms`.
pub fn generate_users(count: usize, seed: u64, now_ms: i64) -> Vec<UserSpaceQuota> {
    let mut random = SeededRandom::new(seed);
    let mut seen = HashSet::with_capacity(count);
    (0..count)
        .map(|_| {
            let id = loop {
                // 10^18 ..= 10^19 - 1: always 19 digits.
                let id = 1_000_000_000_000_000_000 + random.below(9_000_000_000_000_000_000);
                if seen.insert(id) {
                    break id;
                }
            };
            let quota = quota(&mut random);
            let mut record = UserSpaceQuota::new(id.to_string(), quota, used(&mut random, quota));
            set_times(&mut record, &mut random, now_ms);
            record
        })
        .collect()
}

/// A number in `0..100`, for choosing among cases by percentage.
fn percent(random: &mut SeededRandom) -> u64 {
    random.below(100)
}

fn quota(random: &mut SeededRandom) -> u64 {
    match percent(random) {
        0..=2 => 0,
        // Past 2^53: only exact as a string.
        3..=5 => (1 << 53) + random.below(u64::MAX - (1 << 53)),
        6..=9 => 1 + random.below(1024),
        10..=29 => {
            let magnitude = 10u64.pow(3 + random.below(10) as u32);
            magnitude * (1 + random.below(9)) + random.below(magnitude)
        }
        _ => PLAN_GIB[random.below(PLAN_GIB.len() as u64) as usize] * GIB_IN_KIB,
    }
}

fn used(random: &mut SeededRandom, quota: u64) -> f64 {
    if quota == 0 {
        return if random.below(2) == 0 {
            0.0
        } else {
            (1 + random.below(1_000_000)) as f64
        };
    }
    let (state, low, high) = match percent(random) {
        0..=5 => return 0.0,
        6..=65 => (UsageState::Normal, 0.0, 0.9),
        66..=77 => (UsageState::Nearing, 0.9, 0.99),
        78..=85 => (UsageState::Critical, 0.99, 1.0),
        _ => (UsageState::Exceeded, 1.0, 1.5),
    };
    let ratio = low + (high - low) * random.next_f64();
    let exact = quota as f64 * ratio;
    // Mostly one decimal, as a double from the service would show; the exact
    // product when rounding would move the record out of its state.
    let rounded = (exact * 10.0).round() / 10.0;
    let keeps_state =
        UserSpaceQuota::new("", quota, rounded).state(&Thresholds::default()) == state;
    if keeps_state { rounded } else { exact }
}

fn between(random: &mut SeededRandom, low_ms: i64, high_ms: i64) -> i64 {
    low_ms + random.below((high_ms - low_ms).max(1) as u64) as i64
}

fn set_times(record: &mut UserSpaceQuota, random: &mut SeededRandom, now_ms: i64) {
    let at = |ms: i64| Some(format_iso8601(unix_ms_to_datetime(ms)));
    if percent(random) < 3 {
        return; // no times at all
    }
    let expiration = match percent(random) {
        0..=7 => now_ms - between(random, HOUR_MS, 400 * DAY_MS),
        8..=15 => now_ms + between(random, HOUR_MS, 7 * DAY_MS - HOUR_MS),
        _ => now_ms + between(random, 8 * DAY_MS, 3 * 365 * DAY_MS),
    };
    let period = PERIOD_DAYS[random.below(PERIOD_DAYS.len() as u64) as usize] * DAY_MS;
    let effective = expiration - period;
    record.expiration_time = at(expiration);
    record.effective_time = at(effective);
    if percent(random) >= 12 {
        record.create_time = at(effective - between(random, 0, 60 * DAY_MS));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW_MS: i64 = 1_764_244_800_000; // 2025-11-27T12:00:00Z

    #[test]
    fn the_same_seed_and_now_give_the_same_users() {
        assert_eq!(
            generate_users(300, 42, NOW_MS),
            generate_users(300, 42, NOW_MS)
        );
        assert_ne!(
            generate_users(300, 42, NOW_MS),
            generate_users(300, 43, NOW_MS)
        );
    }

    #[test]
    fn generated_users_cover_every_case_a_page_must_show() {
        let users = generate_users(2000, 42, NOW_MS);
        let t = Thresholds::default();
        for state in [
            UsageState::Normal,
            UsageState::Nearing,
            UsageState::Critical,
            UsageState::Exceeded,
        ] {
            assert!(users.iter().any(|u| u.state(&t) == state), "{state}");
        }
        assert!(users.iter().all(|u| u.problem().is_none()));
        assert!(users.iter().any(|u| u.quota == "0"));
        assert!(
            users
                .iter()
                .any(|u| u.quota_value().is_some_and(|q| q > 1 << 53))
        );
        assert!(users.iter().any(|u| u.quota.len() <= 3));
        assert!(users.iter().any(|u| u.is_expired(NOW_MS) == Some(true)));
        assert!(users.iter().any(|u| {
            u.expires_in_ms(NOW_MS)
                .is_some_and(|left| left > 0 && left <= 7 * DAY_MS)
        }));
        assert!(users.iter().any(|u| u.create_time.is_none()));
        assert!(users.iter().any(|u| u.expiration_time.is_none()));
    }

    #[test]
    fn ids_are_unique_19_digit_numbers_and_times_have_milliseconds() {
        let users = generate_users(5000, 7, NOW_MS);
        let ids: HashSet<&str> = users.iter().map(|u| u.user_id.as_str()).collect();
        assert_eq!(ids.len(), users.len());
        assert!(
            users
                .iter()
                .all(|u| u.user_id.len() == 19 && u.user_id.bytes().all(|b| b.is_ascii_digit()))
        );
        let time = users
            .iter()
            .find_map(|u| u.effective_time.as_deref())
            .unwrap();
        assert_eq!(time.len(), "2025-11-12T08:37:14.613Z".len(), "{time}");
        assert!(time.ends_with('Z'));
    }
}
