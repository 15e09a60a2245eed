//! Parallel paging on the fake platform, in virtual time: order, the bound
//! on requests in flight, the pool's pause and its concurrency after a 429,
//! each paging check, failures, cancellation and resuming.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use koodrive_core::{ErrorKind, PageProblem, SpaceUsageRequest, UsageAnswer, UserSpaceQuota};

use crate::fake::{FakePlatform, Reply, answer};
use crate::{Auth, CallOptions, CancelSignal, Client, ClientConfig, Paging, Resume, TokenSource};

const BUSY: &str = r#"{"code":13000500,"msg":"busy"}"#;

fn tenant(n: u64) -> Rc<Vec<UserSpaceQuota>> {
    Rc::new(
        (0..n)
            .map(|i| UserSpaceQuota::new(format!("{}", 1_505_084_218_764_000_000 + i), 100, 1.0))
            .collect(),
    )
}

fn limit_offset(body: &str) -> (u64, u64) {
    let req: SpaceUsageRequest = serde_json::from_str(body).unwrap();
    (u64::from(req.limit.unwrap()), req.offset.unwrap())
}

/// The honest page of `users` at `offset`, claiming `total`.
fn page_answer(users: &[UserSpaceQuota], offset: u64, limit: u64, total: u64, now: i64) -> Reply {
    let from = (offset as usize).min(users.len());
    let to = ((offset + limit) as usize).min(users.len());
    answer(
        200,
        now,
        &serde_json::to_string(&UsageAnswer::success(&users[from..to], total)).unwrap(),
    )
}

/// A tenant of `users` whose answers take 20–69 virtual ms (so they come
/// back out of order); `fault` may answer instead (by offset and how many
/// times that offset was asked before).
fn server(
    users: Rc<Vec<UserSpaceQuota>>,
    mut fault: impl FnMut(u64, u32, i64) -> Option<Reply> + 'static,
) -> FakePlatform {
    let asked: RefCell<std::collections::HashMap<u64, u32>> = RefCell::default();
    FakePlatform::new(move |r, now| {
        let (limit, offset) = limit_offset(&r.body);
        let times = {
            let mut asked = asked.borrow_mut();
            let n = asked.entry(offset).or_default();
            *n += 1;
            *n - 1
        };
        let reply = fault(offset, times, now)
            .unwrap_or_else(|| page_answer(&users, offset, limit, users.len() as u64, now));
        Reply::Later(20 + (offset * 37 % 50), Box::new(reply))
    })
}

fn client(platform: FakePlatform) -> Client<FakePlatform> {
    let config = ClientConfig::new(
        "http://127.0.0.1:8080",
        "42",
        Auth::Token(TokenSource::Fixed("sandbox-token".into())),
    )
    .unwrap();
    Client::new(config, platform).unwrap()
}

fn sent_offsets(client: &Client<FakePlatform>) -> Vec<u64> {
    client
        .platform()
        .sent
        .borrow()
        .iter()
        .map(|r| limit_offset(&r.body).1)
        .collect()
}

#[test]
fn pages_come_back_in_offset_order_with_at_most_the_concurrency_in_flight() {
    let users = tenant(2_000);
    let client = client(server(users.clone(), |_, _, _| None));
    let mut pages = client
        .list_pages(Paging::new(100).with_concurrency(3), CallOptions::default())
        .unwrap();
    let mut offsets = Vec::new();
    let mut ids = Vec::new();
    while let Some(page) = client.platform().block_on(pages.next_page()) {
        let page = page.unwrap();
        assert!(page.problems.is_empty(), "{:?}", page.problems);
        offsets.push(page.offset);
        ids.extend(page.items.into_iter().map(|i| i.user_id));
    }
    assert_eq!(offsets, (0..20).map(|i| i * 100).collect::<Vec<_>>());
    let expected: Vec<String> = users.iter().map(|u| u.user_id.clone()).collect();
    assert_eq!(ids, expected, "every user once, in the server's order");
    assert_eq!(client.platform().max_in_flight.get(), 3);
    assert_eq!(client.platform().sent.borrow().len(), 20);
}

#[test]
fn the_pages_held_stay_within_twice_the_concurrency() {
    let users = tenant(3_000);
    let client = client(server(users, |_, _, _| None));
    let mut pages = client
        .list_pages(Paging::new(100).with_concurrency(2), CallOptions::default())
        .unwrap();
    let mut handed_back = 0;
    while let Some(page) = client.platform().block_on(pages.next_page()) {
        page.unwrap();
        handed_back += 1;
        let asked = client.platform().sent.borrow().len();
        assert!(
            asked - handed_back <= 4,
            "{asked} pages asked for, {handed_back} handed back"
        );
    }
    assert_eq!(handed_back, 30);
}

#[test]
fn a_429_with_retry_after_pauses_the_whole_pool_and_lowers_its_concurrency() {
    let users = tenant(3_000);
    let throttled_at = Rc::new(Cell::new(None));
    let sends_at = Rc::new(RefCell::new(Vec::new()));
    let (t, log) = (throttled_at.clone(), sends_at.clone());
    let client = client(server(users, move |offset, times, now| {
        log.borrow_mut().push(now);
        (offset == 500 && times == 0).then(|| {
            t.set(Some(now));
            let Reply::Answer(mut a) = answer(429, now, BUSY) else {
                unreachable!()
            };
            a.retry_after = Some("2".into());
            Reply::Answer(a)
        })
    }));
    let mut pages = client
        .list_pages(Paging::new(100).with_concurrency(4), CallOptions::default())
        .unwrap();
    let mut limits = Vec::new();
    let mut count = 0;
    while let Some(page) = client.platform().block_on(pages.next_page()) {
        count += page.unwrap().items.len();
        limits.push(pages.concurrency_now());
    }
    assert_eq!(count, 3_000);
    // The 429 reaches the client 20 ms after it was sent (the fake's delay
    // for offset 500); from then on nothing goes out for 2 s.
    let answered_at = throttled_at.get().unwrap() + 20;
    let during: Vec<i64> = sends_at
        .borrow()
        .iter()
        .copied()
        .filter(|t| *t > answered_at && *t < answered_at + 2_000)
        .collect();
    assert!(during.is_empty(), "sent during the pause: {during:?}");
    assert!(
        sends_at.borrow().iter().any(|t| *t >= answered_at + 2_000),
        "the listing went on after the pause"
    );
    // Half the concurrency goes out when the pause ends (no answer comes
    // back sooner than 20 ms), then it climbs back.
    let end = answered_at + 2_000;
    let first_round = sends_at
        .borrow()
        .iter()
        .filter(|t| **t >= end && **t < end + 20)
        .count();
    assert_eq!(first_round, 2);
    assert_eq!(limits.last(), Some(&4), "climbed back: {limits:?}");
}

#[test]
fn each_paging_check_is_a_warning_and_the_page_is_asked_for_once_more() {
    let users = tenant(1_000);
    let u = users.clone();
    let client = client(server(users.clone(), move |offset, times, now| {
        match (offset, times) {
            // Short, then whole.
            (300, 0) => Some(page_answer(&u, 300, 40, 1_000, now)),
            // Shifted by one: a user of the page before, again.
            (500, 0) => Some(page_answer(&u, 499, 100, 1_000, now)),
            // A total that changed, then back.
            (700, 0) => Some(page_answer(&u, 700, 100, 1_001, now)),
            _ => None,
        }
    }));
    let report = client
        .platform()
        .block_on(client.list_usage_all(
            Paging::new(100).with_concurrency(4),
            CallOptions::default(),
            &mut |_| {},
        ))
        .unwrap();
    let ids: Vec<&str> = report.items.iter().map(|i| i.user_id.as_str()).collect();
    let expected: Vec<&str> = users.iter().map(|u| u.user_id.as_str()).collect();
    assert_eq!(ids, expected, "every user once, in order");
    assert!(report.warnings.contains(&PageProblem::ShortPage {
        offset: 300,
        expected: 100,
        got: 100
    }));
    assert!(
        report
            .warnings
            .contains(&PageProblem::DuplicateAcrossPages {
                user_id: users[499].user_id.clone(),
                offset: 500
            })
    );
    assert!(report.warnings.contains(&PageProblem::TotalChanged {
        was: 1_000,
        now: 1_001
    }));
    let mut asked = sent_offsets(&client);
    asked.sort_unstable();
    let twice: Vec<u64> = asked
        .windows(2)
        .filter(|w| w[0] == w[1])
        .map(|w| w[0])
        .collect();
    assert_eq!(twice, [300, 500, 700], "each affected page once more");
}

#[test]
fn a_page_that_stays_empty_before_the_end_stops_the_listing_with_a_warning() {
    let users = tenant(450);
    let client = client(server(users.clone(), {
        let u = users.clone();
        move |offset, _, now| Some(page_answer(&u, offset, 100, 1_000, now))
    }));
    let report = client
        .platform()
        .block_on(client.list_usage_all(
            Paging::new(100).with_concurrency(1),
            CallOptions::default(),
            &mut |_| {},
        ))
        .unwrap();
    assert_eq!(report.items.len(), 450);
    let empties: Vec<&PageProblem> = report
        .warnings
        .iter()
        .filter(|p| matches!(p, PageProblem::EmptyPageBeforeEnd { .. }))
        .collect();
    assert_eq!(
        empties,
        [&PageProblem::EmptyPageBeforeEnd {
            offset: 500,
            total: 1_000
        }]
    );
    let asked = sent_offsets(&client);
    assert!(
        !asked.contains(&800) && !asked.contains(&900),
        "no page asked for past the empty one's window: {asked:?}"
    );
}

#[test]
fn a_page_whose_retries_are_spent_fails_alone_and_the_rest_come() {
    let users = tenant(1_000);
    let client = client(server(users, |offset, _, now| {
        (offset == 600).then(|| answer(503, now, BUSY))
    }));
    let mut progress = Vec::new();
    let report = client
        .platform()
        .block_on(
            client.list_usage_all(Paging::new(100), CallOptions::default(), &mut |p| {
                progress.push(p)
            }),
        )
        .unwrap();
    assert_eq!(report.items.len(), 900);
    assert_eq!(report.failed_pages.len(), 1);
    let f = &report.failed_pages[0];
    assert_eq!(
        (f.offset, f.limit, f.error.kind),
        (600, 100, ErrorKind::Http)
    );
    assert_eq!(f.error.attempts, 4);
    let last = progress.last().unwrap();
    assert_eq!(
        (last.done, last.total, last.pages_done, last.pages),
        (900, Some(1_000), 10, 10)
    );
}

#[test]
fn after_a_refused_token_the_pages_not_yet_sent_fail_without_being_sent() {
    let users = tenant(5_000);
    let client = client(server(users, |offset, _, now| {
        (offset >= 300).then(|| answer(401, now, r#"{"code":13000101,"msg":"Bad Request"}"#))
    }));
    let refused = client
        .platform()
        .block_on(client.list_usage_all(
            Paging::new(100).with_concurrency(2),
            CallOptions::default(),
            &mut |_| {},
        ))
        .unwrap_err();
    assert_eq!(refused.error.kind, ErrorKind::Auth);
    let report = refused.partial;
    assert_eq!(report.items.len(), 300);
    assert_eq!(report.failed_pages.len(), 47);
    assert!(client.platform().sent.borrow().len() <= 3 + 4);
    let offsets: Vec<u64> = report.failed_pages.iter().map(|f| f.offset).collect();
    assert_eq!(offsets, (3..50).map(|i| i * 100).collect::<Vec<_>>());
    assert!(
        report.failed_pages[46]
            .error
            .message
            .starts_with("not sent")
    );
}

#[test]
fn cancelling_returns_what_was_handed_back_and_a_resume_fetches_only_the_rest() {
    let users = tenant(2_000);
    let client = client(server(users.clone(), |_, _, _| None));
    let signal = CancelSignal::new();
    let s = signal.clone();
    let options = CallOptions {
        signal: Some(signal),
        ..Default::default()
    };
    let error = client
        .platform()
        .block_on(
            client.list_usage_all(Paging::new(100).with_concurrency(4), options, &mut |p| {
                if p.pages_done == 5 {
                    s.cancel();
                }
            }),
        )
        .unwrap_err();
    assert_eq!(error.error.kind, ErrorKind::Aborted);
    let partial = error.partial;
    assert_eq!(partial.items.len(), 500);
    assert_eq!(partial.total, 2_000);
    assert_eq!(
        partial.pending_offsets,
        (5..20).map(|i| i * 100).collect::<Vec<_>>()
    );
    let sent_before = client.platform().sent.borrow().len();
    assert!(sent_before < 20, "the rest was never asked for");

    let mut seen = koodrive_core::SeenIds::default();
    for u in &partial.items {
        seen.insert(&u.user_id);
    }
    let resumed = client
        .platform()
        .block_on(client.list_usage_all(
            Paging::new(100).with_concurrency(4).resume(Resume {
                total: partial.total,
                missing_offsets: partial.pending_offsets.clone(),
                seen,
            }),
            CallOptions::default(),
            &mut |_| {},
        ))
        .unwrap();
    assert!(resumed.warnings.is_empty(), "{:?}", resumed.warnings);
    let mut all: Vec<String> = partial
        .items
        .iter()
        .chain(&resumed.items)
        .map(|u| u.user_id.clone())
        .collect();
    let expected: Vec<String> = users.iter().map(|u| u.user_id.clone()).collect();
    assert_eq!(all, expected);
    all.dedup();
    assert_eq!(all.len(), 2_000);
    let asked_after: Vec<u64> = sent_offsets(&client)[sent_before..].to_vec();
    let mut sorted = asked_after.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, (5..20).map(|i| i * 100).collect::<Vec<_>>());
}

#[test]
fn a_cancelled_iterator_says_so_once_then_ends() {
    let users = tenant(1_000);
    let client = client(server(users, |_, _, _| None));
    let signal = CancelSignal::new();
    let mut pages = client
        .list_usage_pages(
            100,
            CallOptions {
                signal: Some(signal.clone()),
                ..Default::default()
            },
        )
        .unwrap();
    assert!(
        client
            .platform()
            .block_on(pages.next_page())
            .unwrap()
            .is_ok()
    );
    signal.cancel();
    let e = client
        .platform()
        .block_on(pages.next_page())
        .unwrap()
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Aborted);
    assert!(client.platform().block_on(pages.next_page()).is_none());
    assert_eq!(client.platform().in_flight.get(), 0, "nothing left running");
}

#[test]
fn settings_out_of_range_are_refused_before_sending() {
    let client = client(server(tenant(10), |_, _, _| None));
    for paging in [
        Paging::new(0),
        Paging::new(101),
        Paging::new(10).with_concurrency(0),
        Paging::new(10).with_concurrency(65),
    ] {
        let e = client
            .list_pages(paging, CallOptions::default())
            .err()
            .unwrap();
        assert_eq!(e.kind, ErrorKind::Validation);
    }
    assert!(client.platform().sent.borrow().is_empty());
}
