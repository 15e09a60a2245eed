use super::*;

fn users(ids: std::ops::Range<u64>) -> Vec<UserSpaceQuota> {
    ids.map(|i| UserSpaceQuota::new((1_000_000 + i).to_string(), 1, 0.0))
        .collect()
}

fn page(ids: std::ops::Range<u64>, total: u64) -> UsagePage {
    UsagePage {
        items: users(ids),
        total,
    }
}

/// The honest answer of a tenant of `total` users to `order`.
fn honest(order: &PageOrder, total: u64, size: u64) -> UsagePage {
    page(
        order.offset.min(total)..(order.offset + size).min(total),
        total,
    )
}

fn pages(d: Option<Delivery>) -> CheckedPage {
    match d {
        Some(Delivery::Page(p)) => p,
        other => panic!("expected a page, got {other:?}"),
    }
}

#[test]
fn the_first_page_goes_alone_then_the_window_fills() {
    let mut s = PageSchedule::new(100, 4);
    let first = s.next_order().unwrap();
    assert_eq!((first.index, first.offset), (0, 0));
    assert_eq!(s.next_order(), None, "nothing before the total is known");
    s.accept(0, page(0..100, 1_000), "t0".into());
    let offsets: Vec<u64> = std::iter::from_fn(|| s.next_order())
        .map(|o| o.offset)
        .collect();
    assert_eq!(offsets, [100, 200, 300], "the window holds 4 pages");
    assert_eq!(pages(s.next_delivery()).fresh.len(), 100);
    assert_eq!(s.next_order().map(|o| o.offset), Some(400));
    assert_eq!(s.pages_planned(), 10);
}

#[test]
fn answers_in_any_order_are_handed_back_in_offset_order() {
    let mut s = PageSchedule::new(10, 8);
    let o = s.next_order().unwrap();
    s.accept(o.index, honest(&o, 75, 10), String::new());
    let orders: Vec<PageOrder> = std::iter::from_fn(|| s.next_order()).collect();
    assert_eq!(orders.len(), 7);
    let mut offsets = vec![pages(s.next_delivery()).offset];
    for o in orders.iter().rev() {
        s.accept(o.index, honest(o, 75, 10), String::new());
        while let Some(d) = s.next_delivery() {
            offsets.push(pages(Some(d)).offset);
        }
    }
    assert_eq!(offsets, [0, 10, 20, 30, 40, 50, 60, 70]);
    assert!(s.is_done());
    assert_eq!(s.seen().len(), 75);
}

#[test]
fn an_empty_tenant_is_one_empty_page() {
    let mut s = PageSchedule::new(10, 4);
    let o = s.next_order().unwrap();
    s.accept(o.index, page(0..0, 0), String::new());
    let p = pages(s.next_delivery());
    assert!(p.problems.is_empty() && p.fresh.is_empty());
    assert!(s.is_done());
}

#[test]
fn a_short_page_is_asked_again_and_both_answers_are_kept() {
    let mut s = PageSchedule::new(10, 4);
    let o = s.next_order().unwrap();
    s.accept(o.index, page(0..10, 30), String::new());
    pages(s.next_delivery());
    let o1 = s.next_order().unwrap();
    let o2 = s.next_order().unwrap();
    s.accept(o1.index, page(10..14, 30), "short".into());
    s.accept(o2.index, page(20..30, 30), String::new());
    assert_eq!(s.next_delivery(), None, "held back while asked again");
    let again = s.next_order().unwrap();
    assert_eq!((again.offset, again.again), (10, true));
    s.accept(again.index, page(12..20, 30), "again".into());
    let p = pages(s.next_delivery());
    assert_eq!(p.fresh.len(), 10);
    assert!(p.asked_again);
    assert_eq!(
        p.problems,
        [PageProblem::ShortPage {
            offset: 10,
            expected: 10,
            got: 10
        }]
    );
    assert!(p.problems[0].to_string().contains("now holds all 10"));
    assert_eq!(pages(s.next_delivery()).problems, []);
    assert!(s.is_done());
}

#[test]
fn a_page_that_stays_empty_ends_the_listing() {
    let mut s = PageSchedule::new(10, 3);
    let o = s.next_order().unwrap();
    s.accept(o.index, page(0..10, 100), String::new());
    pages(s.next_delivery());
    let o1 = s.next_order().unwrap();
    let o2 = s.next_order().unwrap();
    let o3 = s.next_order().unwrap();
    s.accept(o1.index, page(0..0, 100), String::new());
    s.accept(o2.index, page(20..30, 100), String::new());
    s.accept(o3.index, page(30..40, 100), String::new());
    assert_eq!(s.next_delivery(), None);
    let again = s.next_order().unwrap();
    s.accept(again.index, page(0..0, 100), String::new());
    let p = pages(s.next_delivery());
    assert_eq!(
        p.problems,
        [PageProblem::EmptyPageBeforeEnd {
            offset: 10,
            total: 100
        }]
    );
    // Pages already asked for are still handed back; no new one is asked.
    assert_eq!(pages(s.next_delivery()).fresh.len(), 10);
    assert_eq!(pages(s.next_delivery()).fresh.len(), 10);
    assert_eq!(s.next_order(), None);
    assert!(s.is_done());
}

#[test]
fn a_changed_total_and_a_repeated_user_are_reported_once_asked_again() {
    let mut s = PageSchedule::new(10, 4);
    let o = s.next_order().unwrap();
    s.accept(o.index, page(0..10, 30), String::new());
    pages(s.next_delivery());
    let o1 = s.next_order().unwrap();
    // The list shifted: user 9 again, and one more user in all.
    s.accept(o1.index, page(9..19, 31), String::new());
    assert_eq!(s.next_delivery(), None);
    let again = s.next_order().unwrap();
    s.accept(again.index, page(9..19, 31), String::new());
    let p = pages(s.next_delivery());
    assert_eq!(p.fresh.len(), 9);
    assert!(
        p.problems
            .contains(&PageProblem::TotalChanged { was: 30, now: 31 })
    );
    assert!(p.problems.contains(&PageProblem::DuplicateAcrossPages {
        user_id: "1000009".into(),
        offset: 10
    }));
    // The tenant grew: one page more than first planned.
    let rest: Vec<u64> = std::iter::from_fn(|| s.next_order())
        .map(|o| o.offset)
        .collect();
    assert_eq!(rest, [20, 30]);
}

#[test]
fn a_failed_page_is_handed_back_in_its_place() {
    let mut s = PageSchedule::new(10, 4);
    let o = s.next_order().unwrap();
    s.accept(o.index, page(0..10, 30), String::new());
    pages(s.next_delivery());
    let o1 = s.next_order().unwrap();
    let o2 = s.next_order().unwrap();
    s.accept(o2.index, page(20..30, 30), String::new());
    s.fail(o1.index, KooDriveError::timeout(10));
    assert!(matches!(
        s.next_delivery(),
        Some(Delivery::Failed { offset: 10, .. })
    ));
    assert_eq!(pages(s.next_delivery()).offset, 20);
    assert!(s.is_done());
}

#[test]
fn a_first_page_that_fails_ends_a_listing_that_knows_no_total() {
    let mut s = PageSchedule::new(10, 4);
    let o = s.next_order().unwrap();
    s.fail(o.index, KooDriveError::timeout(10));
    assert!(matches!(s.next_delivery(), Some(Delivery::Failed { .. })));
    assert_eq!(s.next_order(), None);
    assert!(s.is_done());
}

#[test]
fn stopping_gives_the_pages_never_asked_for() {
    let mut s = PageSchedule::new(10, 2);
    let o = s.next_order().unwrap();
    s.accept(o.index, page(0..10, 50), String::new());
    s.next_order().unwrap();
    assert_eq!(s.stop(), [20, 30, 40]);
    assert_eq!(s.next_order(), None);
    assert_eq!(s.undelivered_offsets(), [0, 10]);
}

#[test]
fn a_resumed_listing_asks_only_for_the_missing_pages_and_any_new_ones() {
    let mut seen = SeenIds::default();
    for u in users(0..10).iter().chain(&users(20..30)) {
        seen.insert(&u.user_id);
    }
    let mut s = PageSchedule::resume(10, 4, 40, [10, 30], seen);
    let first = s.next_order().unwrap();
    assert_eq!(first.offset, 10);
    assert_eq!(s.next_order(), None, "one page learns the total");
    s.accept(first.index, page(10..20, 50), String::new());
    let rest: Vec<u64> = std::iter::from_fn(|| s.next_order())
        .map(|o| o.offset)
        .collect();
    assert_eq!(rest, [30, 40], "the missing page, and the tenant grew");
    // The total changed since the first run: the page is asked again.
    assert_eq!(s.next_delivery(), None);
    let again = s.next_order().unwrap();
    assert_eq!(again.offset, 10);
    s.accept(again.index, page(10..20, 50), String::new());
    let p = pages(s.next_delivery());
    assert_eq!(p.problems, [PageProblem::TotalChanged { was: 40, now: 50 }]);
    assert_eq!(p.fresh.len(), 10);
}

#[test]
fn ids_are_remembered_as_numbers_when_that_is_exact() {
    let mut seen = SeenIds::default();
    assert!(seen.insert("1505084218764547200"));
    assert!(!seen.insert("1505084218764547200"));
    assert!(seen.insert("01505084218764547200"));
    assert!(seen.insert("9999999999999999999"));
    assert!(seen.insert("99999999999999999999"));
    assert!(seen.insert("abc"));
    assert!(seen.insert("0"));
    assert!(!seen.insert("0"));
    assert!(seen.contains("abc") && !seen.contains("ab"));
    assert_eq!(seen.len(), 6);
    // Every id that fits in 64 bits is held as a number, 20 digits too.
    assert_eq!(numeric_id("18446744073709551615"), Some(u64::MAX));
    assert_eq!(
        numeric_id("10000000000000000000"),
        Some(10_000_000_000_000_000_000)
    );
    assert_eq!(numeric_id("18446744073709551616"), None);
    assert_eq!(numeric_id("01"), None);
    assert!(seen.insert("18446744073709551615"));
    assert!(!seen.insert("18446744073709551615"));
}
