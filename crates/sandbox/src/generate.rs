//! Made-up users for demos and tests (`--users N --seed S`): a tenant that
//! looks real, and deterministic. Ids are 19-digit numbers like the page's;
//! quotas are plan sizes from 1 GiB to 4 TiB, written in KiB as KooDrive's
//! sibling endpoints do, most of them small; most users use a modest share
//! and a long tail uses a lot, so `used` lands in every state (normal,
//! nearing, critical, exceeded). Quotas took effect in the past; a few have
//! expired and a few expire within 7 days. The edge cases stay, as a few
//! rows: a quota of `"0"`, a quota past 2^53, records without `createTime`
//! and a few without times. Times are relative to the "now" given, so the
//! same seed and now give the same users.

use std::collections::HashSet;

use koodrive_core::{
    RandomSource, SeededRandom, Thresholds, UsageState, UserSpaceQuota, format_iso8601,
    unix_ms_to_datetime,
};

const DAY_MS: i64 = 86_400_000;
const HOUR_MS: i64 = 3_600_000;
const GIB_IN_KIB: u64 = 1_048_576;
/// Plan sizes in GiB, written in KiB as KooDrive's sibling endpoints do,
/// with how many users in 100 have each: most plans are small.
const PLANS: [(u64, u64); 10] = [
    (1, 6),
    (5, 14),
    (10, 20),
    (20, 16),
    (50, 14),
    (100, 12),
    (200, 8),
    (500, 5),
    (1024, 3),
    (4096, 2),
];
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
    match random.below(1000) {
        // The edge cases, a few rows each: no quota, and one past 2^53
        // (only exact as a string; just past it, not zettabytes).
        0..=4 => 0,
        5..=6 => (1 << 53) + random.below(1 << 20),
        _ => {
            let mut pick = percent(random);
            for (gib, share) in PLANS {
                if pick < share {
                    return gib * GIB_IN_KIB;
                }
                pick -= share;
            }
            10 * GIB_IN_KIB
        }
    }
}

fn used(random: &mut SeededRandom, quota: u64) -> f64 {
    if quota >= 1 << 53 {
        // The quota past 2^53 is there for its digits: its user holds what
        // a heavy user of a large plan would.
        return (random.below(2048) * GIB_IN_KIB) as f64;
    }
    if quota == 0 {
        return if random.below(2) == 0 {
            0.0
        } else {
            (1 + random.below(1_000_000)) as f64
        };
    }
    // Most use a modest share (skewed low), a long tail a lot.
    let (state, low, high) = match random.below(1000) {
        0..=39 => return 0.0,
        40..=879 => (UsageState::Normal, 0.0, 0.9),
        880..=939 => (UsageState::Nearing, 0.9, 0.99),
        940..=969 => (UsageState::Critical, 0.99, 1.0),
        _ => (UsageState::Exceeded, 1.0, 1.3),
    };
    let share = random.next_f64();
    let share = if state == UsageState::Normal {
        share * share
    } else {
        share
    };
    let ratio = low + (high - low) * share;
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
    let period = PERIOD_DAYS[random.below(PERIOD_DAYS.len() as u64) as usize] * DAY_MS;
    // A few have expired, a few expire within 7 days; every quota took
    // effect in the past.
    let expiration = match percent(random) {
        0..=3 => now_ms - between(random, HOUR_MS, 90 * DAY_MS),
        4..=7 => now_ms + between(random, HOUR_MS, 7 * DAY_MS - HOUR_MS),
        _ => now_ms + between(random, 8 * DAY_MS, 2 * 365 * DAY_MS),
    };
    let effective = (expiration - period).min(now_ms - between(random, HOUR_MS, 30 * DAY_MS));
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
    fn the_made_up_tenant_looks_real() {
        let users = generate_users(2000, 42, NOW_MS);
        let quotas: Vec<u64> = users.iter().filter_map(|u| u.quota_value()).collect();
        let plain: Vec<u64> = quotas
            .iter()
            .copied()
            .filter(|&q| q > 0 && q < 1 << 53)
            .collect();
        assert!(
            plain
                .iter()
                .all(|&q| (GIB_IN_KIB..=4096 * GIB_IN_KIB).contains(&q)),
            "1 GiB to 4 TiB"
        );
        let edge = quotas.len() - plain.len();
        assert!(
            (1..=30).contains(&edge),
            "the edge cases are a few rows: {edge}"
        );
        let effective_in_future = users
            .iter()
            .filter_map(|u| u.effective_time.as_deref())
            .filter_map(koodrive_core::parse_iso8601)
            .filter(|t| t.unix_timestamp() * 1000 > NOW_MS)
            .count();
        assert_eq!(effective_in_future, 0, "quotas took effect in the past");
        let expired = users
            .iter()
            .filter(|u| u.is_expired(NOW_MS) == Some(true))
            .count();
        assert!((20..=150).contains(&expired), "a few expired: {expired}");
        // A long tail: the heaviest tenth of users holds far more than a tenth of the space.
        let mut used: Vec<f64> = users.iter().filter_map(|u| u.used).collect();
        used.sort_by(|a, b| b.total_cmp(a));
        let total: f64 = used.iter().sum();
        let top: f64 = used.iter().take(used.len() / 10).sum();
        assert!(
            top > 0.4 * total,
            "the top tenth holds {:.0} % of the space",
            100.0 * top / total
        );
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
