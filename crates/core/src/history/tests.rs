//! Tests across the history module: the stored form round-trips exactly,
//! damaged and foreign bytes are refused, the chain survives adding and
//! removing, and forecasts hit known series.

use super::*;

const T0: i64 = 1_764_244_800_000; // 2025-11-27T12:00:00Z

fn user(id: &str, quota: u64, used: f64) -> SnapshotUser {
    SnapshotUser::new(id, quota, used)
}

fn day(d: i64) -> i64 {
    T0 + d * DAY_MS
}

/// Users "a".."e" growing at 0, 1, 2.5, -1 and 100 per day.
fn snapshot_on(d: i64) -> Snapshot {
    let rates = [0.0, 1.0, 2.5, -1.0, 100.0];
    Snapshot::new(
        day(d),
        SnapshotSource::Listing,
        ["a", "b", "c", "d", "e"]
            .iter()
            .zip(rates)
            .map(|(id, rate)| user(id, 10_000, 1000.0 + rate * d as f64)),
    )
}

#[test]
fn a_snapshot_round_trips_alone_and_against_its_base() {
    let mut first = snapshot_on(0);
    let mut big = user("z", u64::MAX, 1234.5);
    big.effective_ms = Some(T0 - 5);
    big.expiration_ms = Some(T0 + 365 * DAY_MS);
    first = Snapshot::new(
        first.taken_at_ms,
        first.source,
        first.users().iter().cloned().chain([big]),
    );
    let bytes = encode_snapshot(&first, None);
    assert_eq!(decode_snapshot(&bytes, None).unwrap(), first);
    let header = read_header(&bytes).unwrap();
    assert_eq!(
        (header.taken_at_ms, header.users, header.base),
        (T0, 6, None)
    );

    let second = Snapshot::new(
        day(1),
        SnapshotSource::Query,
        [
            user("b", 10_000, 1001.0),
            user("new", 7, f64::NAN),
            user("z", 1 << 60, -0.0),
        ],
    );
    let bytes = encode_snapshot(&second, Some(&first));
    let back = decode_snapshot(&bytes, Some(&first)).unwrap();
    assert_eq!(back.len(), 3);
    assert!(back.user("new").unwrap().used.is_nan());
    assert_eq!(back.user("z").unwrap().used.to_bits(), (-0.0f64).to_bits());
    assert_eq!(back.user("z").unwrap().quota, 1 << 60);
    assert_eq!(read_header(&bytes).unwrap().base, Some((T0, 6)));
}

#[test]
fn decoding_against_the_wrong_base_is_refused() {
    let a = snapshot_on(0);
    let b = snapshot_on(1);
    let bytes = encode_snapshot(&b, Some(&a));
    let e = decode_snapshot(&bytes, None).unwrap_err();
    assert_eq!(e.kind(), HistoryErrorKind::WrongBase);
    let e = decode_snapshot(&bytes, Some(&b)).unwrap_err();
    assert_eq!(e.kind(), HistoryErrorKind::WrongBase);
}

#[test]
fn every_cut_and_every_flipped_byte_is_refused_or_harmless_never_a_panic() {
    let a = snapshot_on(0);
    let b = snapshot_on(1);
    let bytes = encode_snapshot(&b, Some(&a));
    for cut in 0..bytes.len() {
        assert!(
            decode_snapshot(&bytes[..cut], Some(&a)).is_err(),
            "cut at {cut}"
        );
    }
    for i in 0..bytes.len() {
        let mut bad = bytes.clone();
        bad[i] ^= 0x55;
        // The header's time and user count are checked against the base and
        // the body; the body by zlib's Adler-32: nothing damaged decodes.
        assert!(decode_snapshot(&bad, Some(&a)).is_err(), "byte {i} flipped");
    }
}

#[test]
fn a_history_keeps_its_order_when_snapshots_are_added_and_removed_anywhere() {
    let mut history = History::new();
    for d in [0, 2, 4, 1, 3] {
        history.add(snapshot_on(d)).unwrap();
    }
    let times: Vec<i64> = history
        .snapshots()
        .map(|s| s.unwrap().taken_at_ms)
        .collect();
    assert_eq!(times, [day(0), day(1), day(2), day(3), day(4)]);
    let changes = history.remove(day(2)).unwrap();
    assert_eq!(changes.removed, [day(2)]);
    assert_eq!(changes.written, [day(3)]);
    history.remove(day(0)).unwrap();
    history.remove(day(4)).unwrap();
    let decoded: Vec<Snapshot> = history.snapshots().map(Result::unwrap).collect();
    assert_eq!(decoded, [snapshot_on(1), snapshot_on(3)]);
    assert_eq!(history.newest().unwrap(), Some(snapshot_on(3)));

    // What a store gives back, in any order, reads as the same history.
    let mut stored: Vec<Vec<u8>> = history.entries().iter().map(|e| e.bytes.clone()).collect();
    stored.reverse();
    let again = History::from_stored(stored).unwrap();
    assert_eq!(
        again.snapshots().map(Result::unwrap).collect::<Vec<_>>(),
        decoded
    );
}

#[test]
fn a_snapshot_at_the_same_time_replaces_the_stored_one() {
    let mut history = History::new();
    history.add(snapshot_on(0)).unwrap();
    history.add(snapshot_on(1)).unwrap();
    let mut other = snapshot_on(5);
    other.taken_at_ms = day(0);
    history.add(other.clone()).unwrap();
    assert_eq!(history.len(), 2);
    let decoded: Vec<Snapshot> = history.snapshots().map(Result::unwrap).collect();
    assert_eq!(decoded, [other, snapshot_on(1)]);
}

#[test]
fn a_missing_stored_snapshot_is_noticed() {
    let mut history = History::new();
    for d in 0..3 {
        history.add(snapshot_on(d)).unwrap();
    }
    let stored = vec![
        history.entries()[0].bytes.clone(),
        history.entries()[2].bytes.clone(),
    ];
    let e = History::from_stored(stored).unwrap_err();
    assert_eq!(e.kind(), HistoryErrorKind::WrongBase);
    assert!(e.to_string().contains("snapshot 2 of 2"), "{e}");
}

#[test]
fn the_export_file_imports_back_and_merges() {
    let mut history = History::new();
    for d in [0, 1, 3] {
        history.add(snapshot_on(d)).unwrap();
    }
    let file = history.export();
    let imported = decode_history_file(&file).unwrap();
    assert_eq!(imported.entries(), history.entries());

    let mut other = History::new();
    other.add(snapshot_on(2)).unwrap();
    other.add(snapshot_on(4)).unwrap();
    let changes = other.merge(&imported).unwrap();
    // Day 2 is now coded against day 1, so it is written again too.
    assert_eq!(changes.written, (0..5).map(day).collect::<Vec<_>>());
    let times: Vec<i64> = other.snapshots().map(|s| s.unwrap().taken_at_ms).collect();
    assert_eq!(times, (0..5).map(day).collect::<Vec<_>>());
    assert_eq!(other.newest().unwrap(), Some(snapshot_on(4)));
}

#[test]
fn foreign_and_damaged_history_files_are_refused_with_what_to_do() {
    let e = decode_history_file(b"userId,quota,used\n1,2,3\n").unwrap_err();
    assert_eq!(e.kind(), HistoryErrorKind::Foreign);
    assert!(e.to_string().contains("not a usage history file"), "{e}");

    let mut history = History::new();
    for d in 0..3 {
        history.add(snapshot_on(d)).unwrap();
    }
    let file = history.export();
    for cut in [10, file.len() / 2, file.len() - 1] {
        let e = decode_history_file(&file[..cut]).unwrap_err();
        assert_eq!(e.kind(), HistoryErrorKind::Damaged, "cut at {cut}: {e}");
    }
    let mut bad = file.clone();
    let last = bad.len() - 3;
    bad[last] ^= 0xff;
    let e = decode_history_file(&bad).unwrap_err();
    assert!(e.to_string().contains("snapshot 3 of 3"), "{e}");
    let mut newer = file;
    newer[9] = 9;
    assert_eq!(
        decode_history_file(&newer).unwrap_err().kind(),
        HistoryErrorKind::NewerVersion
    );
}

#[test]
fn trends_give_each_users_growth_forecast_and_the_tenants_totals() {
    let mut history = History::new();
    for d in 0..31 {
        history.add(snapshot_on(d)).unwrap();
    }
    let trends = Trends::compute(&history, 0.99).unwrap();
    assert_eq!(trends.len(), 5);
    assert_eq!(trends.totals().len(), 31);
    assert_eq!(trends.totals()[30].quota, 50_000);

    let b = trends.user("b").unwrap();
    assert_eq!(b.per_day(), Some(1.0));
    assert_eq!(
        b.growth[0],
        Some(Growth {
            change: 7.0,
            days: 7.0
        })
    );
    assert_eq!(
        b.growth[1],
        Some(Growth {
            change: 30.0,
            days: 30.0
        })
    );
    assert_eq!(b.growth[2], None);
    // 1030 used of 10,000 at 1 a day: full 8970 days after the newest.
    assert_eq!(
        b.forecast.full,
        Reach::Expected {
            at_ms: day(30 + 8970),
            earliest_ms: day(30 + 8970),
            latest_ms: Some(day(30 + 8970)),
        }
    );
    assert_eq!(trends.user("a").unwrap().forecast.trend, Trend::Flat);
    assert_eq!(trends.user("a").unwrap().forecast.full, Reach::NotExpected);
    assert_eq!(trends.user("d").unwrap().forecast.trend, Trend::Shrinking);
    // 4000 used at 100 a day: critical (9900) in 59 days, full in 60.
    let e = trends.user("e").unwrap();
    assert_eq!(e.forecast.critical.days_from(day(30)), Some(59.0));
    assert_eq!(e.forecast.full.days_from(day(30)), Some(60.0));
}

#[test]
fn trends_over_snapshots_from_anywhere_equal_those_of_one_history() {
    // Half the days in one history, half standing alone (as fetched one by one).
    let mut history = History::new();
    for d in (0..31).step_by(2) {
        history.add(snapshot_on(d)).unwrap();
    }
    let times: Vec<i64> = (0..31).map(day).collect();
    let mut kept = history.snapshots();
    let mut joined = (0..31).map(|d| {
        if d % 2 == 0 {
            kept.next().unwrap()
        } else {
            decode_snapshot(&encode_snapshot(&snapshot_on(d), None), None)
        }
    });
    let over = Trends::compute_over(&times, &mut joined, 0.99).unwrap();
    let whole = History::from_snapshots((0..31).map(snapshot_on).collect());
    let one = Trends::compute(&whole, 0.99).unwrap();
    assert_eq!(over.totals(), one.totals());
    for id in ["a", "b", "c", "d", "e"] {
        assert_eq!(over.user(id), one.user(id), "user {id}");
    }
    // Only the snapshots the trends read give the same users' trends.
    let times: Vec<i64> = (0..120).map(day).collect();
    let used = snapshots_used(&times);
    assert!(used.len() <= FORECAST_MAX_POINTS + 3, "{used:?}");
    assert_eq!(used.last(), Some(&119));
    let some: Vec<i64> = used.iter().map(|&i| times[i]).collect();
    let few = Trends::compute_over(
        &some,
        &mut used.iter().map(|&i| Ok(snapshot_on(i as i64))),
        0.99,
    )
    .unwrap();
    let all = Trends::compute(
        &History::from_snapshots((0..120).map(snapshot_on).collect()),
        0.99,
    )
    .unwrap();
    for id in ["a", "b", "c", "d", "e"] {
        assert_eq!(few.user(id), all.user(id), "user {id}");
    }
    assert!(snapshots_used(&[]).is_empty());
    // Times out of order, a snapshot out of turn, or one missing: refused.
    let err = Trends::compute_over(
        &[day(1), day(0)],
        &mut [Ok(snapshot_on(1))].into_iter(),
        0.99,
    )
    .unwrap_err();
    assert_eq!(err.kind(), HistoryErrorKind::Damaged);
    let err = Trends::compute_over(
        &[day(0), day(1)],
        &mut [Ok(snapshot_on(1))].into_iter(),
        0.99,
    )
    .unwrap_err();
    assert_eq!(err.kind(), HistoryErrorKind::Damaged);
    let err = Trends::compute_over(
        &[day(0), day(1)],
        &mut [Ok(snapshot_on(0))].into_iter(),
        0.99,
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("2 snapshots were expected, 1 came"),
        "{err}"
    );
}

#[test]
fn a_user_past_quota_has_reached_it_whatever_the_trend() {
    let points: Vec<UsagePoint> = (0..2)
        .map(|d| UsagePoint {
            at_ms: day(d),
            quota: 10,
            used: 12.0,
        })
        .collect();
    let f = forecast(&points, 0.99);
    assert_eq!(f.trend, Trend::TooFewPoints);
    assert_eq!((f.critical, f.full), (Reach::Reached, Reach::Reached));
}

/// A dozen days of [`snapshot_on`], and a user at the edges of every number.
fn history_with_edges() -> History {
    let mut history = History::new();
    for d in 0..12 {
        let mut s = snapshot_on(d);
        let mut edge = user("\u{4e2d}\u{6587}-z", u64::MAX, 1e300 * d as f64);
        edge.expiration_ms = Some(i64::MAX);
        s = Snapshot::new(
            s.taken_at_ms,
            s.source,
            s.users().iter().cloned().chain([edge]),
        );
        history.add(s).unwrap();
    }
    history
}

#[test]
fn stored_trends_come_back_equal_while_their_snapshots_and_threshold_hold() {
    let history = history_with_edges();
    let trends = Trends::compute(&history, 0.99).unwrap();
    assert!(trends.len() > 5 && trends.totals().len() == 12);
    let stored = store_trends(&trends, &history, 0.99);
    let back = stored_trends_for(&stored, &history, 0.99).unwrap();
    assert_eq!(back.as_ref(), Some(&trends));
    // The same history read back from a store still matches.
    let again =
        History::from_stored(history.entries().iter().map(|e| e.bytes.clone()).collect()).unwrap();
    assert_eq!(
        stored_trends_for(&stored, &again, 0.99).unwrap(),
        Some(trends)
    );
}

#[test]
fn stored_trends_are_stale_once_a_snapshot_or_the_threshold_changes() {
    let history = history_with_edges();
    let stored = store_trends(&Trends::compute(&history, 0.99).unwrap(), &history, 0.99);
    assert_eq!(stored_trends_for(&stored, &history, 0.95).unwrap(), None);

    let mut added = history.clone();
    added.add(snapshot_on(20)).unwrap();
    assert_eq!(stored_trends_for(&stored, &added, 0.99).unwrap(), None);

    let mut removed = history.clone();
    removed.remove(day(3)).unwrap();
    assert_eq!(stored_trends_for(&stored, &removed, 0.99).unwrap(), None);

    // A snapshot replaced at the same time, with other usage.
    let mut replaced = history.clone();
    let mut other = snapshot_on(40);
    other.taken_at_ms = day(11);
    replaced.add(other).unwrap();
    assert_eq!(stored_trends_for(&stored, &replaced, 0.99).unwrap(), None);

    assert_eq!(
        stored_trends_for(&stored, &History::new(), 0.99).unwrap(),
        None
    );
}

#[test]
fn damaged_or_foreign_stored_trends_are_refused_never_a_panic() {
    let history = history_with_edges();
    let stored = store_trends(&Trends::compute(&history, 0.99).unwrap(), &history, 0.99);
    let e = stored_trends_for(b"KDSN\x01", &history, 0.99).unwrap_err();
    assert_eq!(e.kind(), HistoryErrorKind::Foreign);
    for cut in 0..stored.len() {
        assert!(
            !matches!(
                stored_trends_for(&stored[..cut], &history, 0.99),
                Ok(Some(_))
            ),
            "cut at {cut}"
        );
    }
    for i in 0..stored.len() {
        let mut bad = stored.clone();
        bad[i] ^= 0x55;
        // A changed header makes them stale; a changed body fails zlib's check.
        assert!(
            !matches!(stored_trends_for(&bad, &history, 0.99), Ok(Some(_))),
            "byte {i} flipped"
        );
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    fn any_used() -> impl Strategy<Value = f64> {
        prop_oneof![
            (0u64..1 << 40).prop_map(|u| u as f64),
            (0u64..1 << 40).prop_map(|u| u as f64 / 10.0),
            (0u64..1 << 30).prop_map(|u| u as f64 / 1000.0),
            any::<f64>(),
        ]
    }

    fn any_user() -> impl Strategy<Value = SnapshotUser> {
        (
            "[0-9]{1,19}|\\PC{1,8}",
            any::<u64>(),
            any_used(),
            proptest::option::of(any::<i64>()),
            proptest::option::of(any::<i64>()),
        )
            .prop_map(
                |(id, quota, used, effective_ms, expiration_ms)| SnapshotUser {
                    user_id: id.as_str().into(),
                    quota,
                    used,
                    effective_ms,
                    expiration_ms,
                },
            )
    }

    fn any_snapshot() -> impl Strategy<Value = Snapshot> {
        (
            any::<i64>(),
            0u8..3,
            proptest::collection::vec(any_user(), 0..40),
        )
            .prop_map(|(at, source, users)| {
                Snapshot::new(at, SnapshotSource::ALL[usize::from(source)], users)
            })
    }

    /// Equal bit for bit (NaN included).
    fn same(a: &Snapshot, b: &Snapshot) -> bool {
        a.taken_at_ms == b.taken_at_ms
            && a.source == b.source
            && a.len() == b.len()
            && a.users().iter().zip(b.users()).all(|(x, y)| {
                x.user_id == y.user_id
                    && x.quota == y.quota
                    && x.used.to_bits() == y.used.to_bits()
                    && x.effective_ms == y.effective_ms
                    && x.expiration_ms == y.expiration_ms
            })
    }

    /// A trend as numbers' bits, so that NaN compares equal to itself.
    fn bits(t: &UserTrend) -> Vec<u64> {
        let f = &t.forecast;
        let reach = |r: &Reach| match *r {
            Reach::Reached => vec![0],
            Reach::NotExpected => vec![2],
            Reach::Expected {
                at_ms,
                earliest_ms,
                latest_ms,
            } => {
                vec![
                    1,
                    at_ms as u64,
                    earliest_ms as u64,
                    latest_ms.map_or(0, |l| l as u64 ^ 1 << 63),
                ]
            }
        };
        let mut out = vec![
            t.newest.at_ms as u64,
            t.newest.quota,
            t.newest.used.to_bits(),
        ];
        for g in &t.growth {
            out.extend(g.map_or([7, 7], |g| [g.change.to_bits(), g.days.to_bits()]));
        }
        out.extend(f.rate.map_or([7; 3], |r| {
            [r.per_day.to_bits(), r.low.to_bits(), r.high.to_bits()]
        }));
        out.extend([f.trend as u64, f.points as u64]);
        out.extend(reach(&f.critical));
        out.extend(reach(&f.full));
        out
    }

    proptest! {
        #[test]
        fn any_snapshot_round_trips_exactly_against_any_base(
            base in proptest::option::of(any_snapshot()),
            snapshot in any_snapshot(),
        ) {
            let bytes = encode_snapshot(&snapshot, base.as_ref());
            let back = decode_snapshot(&bytes, base.as_ref()).unwrap();
            prop_assert!(same(&back, &snapshot), "{back:?} != {snapshot:?}");
        }

        #[test]
        fn a_following_snapshot_sharing_users_round_trips(
            snapshot in any_snapshot(),
            keep in proptest::collection::vec(any::<bool>(), 40),
            quota_step in any::<i64>(),
            used_step in 0u32..1_000_000,
        ) {
            // Most users kept with new values, some dropped: the usual case.
            let next = Snapshot::new(
                snapshot.taken_at_ms.wrapping_add(DAY_MS),
                SnapshotSource::Listing,
                snapshot.users().iter().zip(&keep).filter(|(_, k)| **k).map(|(u, _)| SnapshotUser {
                    quota: u.quota.wrapping_add(quota_step as u64),
                    used: u.used + f64::from(used_step) / 10.0,
                    ..u.clone()
                }),
            );
            let bytes = encode_snapshot(&next, Some(&snapshot));
            let back = decode_snapshot(&bytes, Some(&snapshot)).unwrap();
            prop_assert!(same(&back, &next));
        }

        #[test]
        fn stored_trends_of_any_history_come_back_bit_for_bit(
            snapshots in proptest::collection::vec(any_snapshot(), 1..8),
            gaps in proptest::collection::vec(1i64..5 * DAY_MS, 8),
            critical in 0.5f64..1.0,
        ) {
            let mut history = History::new();
            let mut at = T0;
            for (mut s, gap) in snapshots.into_iter().zip(gaps) {
                at += gap;
                s.taken_at_ms = at;
                history.add(s).unwrap();
            }
            let trends = Trends::compute(&history, critical).unwrap();
            let stored = store_trends(&trends, &history, critical);
            let back = stored_trends_for(&stored, &history, critical).unwrap().unwrap();
            // NaN never equals itself: compare each user's trend as stored,
            // bit for bit.
            prop_assert_eq!(back.len(), trends.len());
            prop_assert_eq!(back.totals().len(), trends.totals().len());
            for (id, t) in trends.iter() {
                let b = back.user(id);
                prop_assert!(b.is_some(), "user {} is missing", id);
                prop_assert_eq!(bits(b.unwrap()), bits(t));
            }
        }

        #[test]
        fn decoding_any_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = decode_snapshot(&bytes, None);
            let _ = decode_history_file(&bytes);
        }

        #[test]
        fn a_linear_series_forecasts_its_own_dates(
            start in 0u32..1_000_000,
            rate in 1u32..100_000,
            quota_days in 5u32..3_000,
            n in 3usize..40,
        ) {
            let start = f64::from(start);
            let rate = f64::from(rate);
            let quota = (start + rate * f64::from(quota_days) + rate * n as f64) as u64;
            let points: Vec<UsagePoint> = (0..n as i64)
                .map(|d| UsagePoint { at_ms: day(d), quota, used: start + rate * d as f64 })
                .collect();
            let f = forecast(&points, 0.99);
            prop_assert_eq!(f.trend, Trend::Growing);
            let newest = points[n - 1];
            let truth = (quota as f64 - newest.used) / rate;
            let Reach::Expected { at_ms, earliest_ms, latest_ms } = f.full else {
                return Err(TestCaseError::fail(format!("{:?}", f.full)));
            };
            let days = (at_ms - newest.at_ms) as f64 / DAY_MS as f64;
            prop_assert!((days - truth).abs() < 0.01, "{days} vs {truth}");
            prop_assert_eq!(Some(earliest_ms), latest_ms);
        }

        #[test]
        fn a_flat_or_shrinking_series_gets_no_forecast(
            start in 0u32..1_000_000,
            rate in 0u32..1_000,
            n in 3usize..40,
        ) {
            let points: Vec<UsagePoint> = (0..n as i64)
                .map(|d| UsagePoint {
                    at_ms: day(d),
                    quota: 2_000_000,
                    used: f64::from(start) - f64::from(rate) * d as f64,
                })
                .collect();
            let f = forecast(&points, 0.99);
            prop_assert_eq!(f.trend, if rate == 0 { Trend::Flat } else { Trend::Shrinking });
            prop_assert_eq!(f.full, Reach::NotExpected);
            prop_assert_eq!(f.critical, Reach::NotExpected);
        }

        #[test]
        fn fewer_than_three_points_get_no_forecast(used in proptest::collection::vec(0u32..1000, 0..3)) {
            let points: Vec<UsagePoint> = used.iter().enumerate()
                .map(|(d, &u)| UsagePoint { at_ms: day(d as i64), quota: 100_000, used: f64::from(u) })
                .collect();
            let f = forecast(&points, 0.99);
            prop_assert_eq!(f.trend, Trend::TooFewPoints);
            prop_assert_eq!(f.full, Reach::NotExpected);
        }

        #[test]
        fn a_noisy_series_gives_a_range_around_the_truth(
            seed in any::<u64>(),
            rate in 100u32..10_000,
            n in 10usize..22,
        ) {
            // Noise of up to ±20 % of a day's growth, and one wild outlier.
            let mut random = crate::SeededRandom::new(seed);
            let rate = f64::from(rate);
            let quota = (1000.0 + rate * (n as f64 + 200.0)) as u64;
            let points: Vec<UsagePoint> = (0..n as i64)
                .map(|d| {
                    let noise = (random.next_f64() - 0.5) * 0.4 * rate;
                    let outlier = if d == 3 { 50.0 * rate } else { 0.0 };
                    UsagePoint { at_ms: day(d), quota, used: 1000.0 + rate * d as f64 + noise + outlier }
                })
                .collect();
            let f = forecast(&points, 0.99);
            let slope = f.rate.unwrap();
            prop_assert!((slope.per_day - rate).abs() < 0.1 * rate, "{slope:?} vs {rate}");
            prop_assert!(slope.low <= slope.per_day && slope.per_day <= slope.high);
            let Reach::Expected { at_ms, earliest_ms, latest_ms } = f.full else {
                return Err(TestCaseError::fail(format!("{:?}", f.full)));
            };
            let latest_ms = latest_ms.unwrap();
            prop_assert!(earliest_ms <= at_ms && at_ms <= latest_ms);
            prop_assert!(earliest_ms < latest_ms, "scattered points give a range");
            let newest = points[n - 1];
            let truth = newest.at_ms + ((quota as f64 - newest.used) / rate * DAY_MS as f64) as i64;
            // The slope is within 10 % of the truth, so is the date.
            let to_truth = (truth - newest.at_ms) as f64;
            prop_assert!(((at_ms - truth) as f64).abs() <= 0.12 * to_truth + DAY_MS as f64);
        }
    }
}
