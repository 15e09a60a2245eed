//! The client's orchestration on the fake platform: no network, no real
//! time. Retry counts and delays, skew correction under concurrency, token
//! refresh, batching and paging, and cancellation at every stage.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use koodrive_core::{
    ErrorKind, PageProblem, SpaceUsageRequest, UsageAnswer, UserSpaceQuota, X_DATE_WINDOW_SECS,
    check_x_date_window, parse_x_date, unix_ms_to_datetime,
};

use crate::fake::{FakePlatform, Reply, START_MS, answer, known_ids_answer};
use crate::{Auth, CallOptions, CancelSignal, Client, ClientConfig, TokenProvider, TokenSource};

const OK: &str =
    r#"{"code":0,"msg":"success","data":[{"userId":"1","quota":"100","used":95}],"total":1}"#;
const BUSY: &str = r#"{"code":13000500,"msg":"busy"}"#;
const REFUSED: &str = r#"{"code":13000101,"msg":"Bad Request"}"#;

fn token_client(platform: FakePlatform) -> Client<FakePlatform> {
    let config = ClientConfig::new(
        "http://127.0.0.1:8080",
        "42",
        Auth::Token(TokenSource::Fixed("sandbox-token".into())),
    )
    .unwrap();
    Client::new(config, platform).unwrap()
}

fn one() -> SpaceUsageRequest {
    SpaceUsageRequest::for_user_ids(["1"])
}

fn no_options() -> CallOptions {
    CallOptions::default()
}

#[test]
fn a_request_sends_every_header_and_gives_the_records() {
    let client = token_client(FakePlatform::new(|_, now| answer(200, now, OK)));
    let result = client
        .platform()
        .block_on(client.query_usage(&one(), &no_options()))
        .unwrap();
    assert_eq!(result.items[0].user_id, "1");
    assert_eq!(result.trace_id.len(), 58);
    let sent = client.platform().sent.borrow();
    let r = &sent[0];
    assert_eq!(r.header("Authorization"), Some("Bearer sandbox-token"));
    assert_eq!(r.header("X-User-Id"), Some("42"));
    assert_eq!(r.header("X-Date"), Some("20251127T115959Z"));
    assert_eq!(r.header("language"), Some("en-US"));
    assert_eq!(r.header("X-Traceid"), Some(result.trace_id.as_str()));
}

#[test]
fn app_mode_always_signs_host_with_the_port_and_the_signing_host() {
    for (signing_host, host) in [
        (None, "127.0.0.1:8080"),
        (Some("proxy.example"), "proxy.example"),
    ] {
        let mut config = ClientConfig::new(
            "http://127.0.0.1:8080/kd",
            "42",
            Auth::App {
                app_id: "sandbox-app".into(),
                app_secret: "sandbox-secret".into(),
            },
        )
        .unwrap();
        config.signing_host = signing_host.map(str::to_owned);
        let client = Client::new(config, FakePlatform::new(|_, now| answer(200, now, OK))).unwrap();
        client
            .platform()
            .block_on(client.query_usage(&one(), &no_options()))
            .unwrap();
        let sent = client.platform().sent.borrow();
        let r = &sent[0];
        let authorization = r.header("Authorization").unwrap();
        let parsed = koodrive_core::parse_authorization(authorization).unwrap();
        assert_eq!(parsed.signed_headers, ["host", "x-date", "x-user-id"]);
        // It verifies against the Host the server receives, and only that one.
        let headers = |host: &'static str| {
            vec![
                ("Host", host),
                ("X-Date", r.header("X-Date").unwrap()),
                ("X-User-Id", "42"),
            ]
        };
        let input = |headers: &'_ [(&'static str, &'_ str)]| {
            koodrive_core::verify(
                authorization,
                &koodrive_core::SigningInput {
                    method: "POST",
                    path: "/kd/koodrive/ose/v1/space/usage/user",
                    query: None,
                    headers,
                    body: r.body.as_bytes(),
                },
                "sandbox-app",
                "sandbox-secret",
            )
        };
        assert_eq!(input(&headers(host)), Ok(()), "{host}");
        assert!(input(&headers("elsewhere.example")).is_err(), "{host}");
    }
}

#[test]
fn invalid_input_sends_nothing() {
    let client = token_client(FakePlatform::new(|_, now| answer(200, now, OK)));
    let ids: Vec<String> = (0..51).map(|i| i.to_string()).collect();
    let e = client
        .platform()
        .block_on(client.query_usage(&SpaceUsageRequest::for_user_ids(ids), &no_options()))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Validation);
    assert_eq!(e.attempts, 0);
    let opts = CallOptions {
        trace_id: Some("bad".into()),
        ..no_options()
    };
    let e = client
        .platform()
        .block_on(client.query_usage(&one(), &opts))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Validation);
    assert!(client.platform().sent.borrow().is_empty());
}

#[test]
fn two_503s_then_success_takes_three_requests_with_growing_backoff() {
    let calls = Rc::new(Cell::new(0));
    let c = calls.clone();
    let client = token_client(FakePlatform::new(move |_, now| {
        c.set(c.get() + 1);
        if c.get() <= 2 {
            answer(503, now, BUSY)
        } else {
            answer(200, now, OK)
        }
    }));
    let result = client
        .platform()
        .block_on(client.query_usage(&one(), &no_options()));
    assert!(result.is_ok());
    assert_eq!(calls.get(), 3);
    let sleeps = client.platform().sleeps.borrow().clone();
    assert_eq!(sleeps.len(), 2);
    assert!(sleeps[0] <= 200 && sleeps[1] <= 400, "{sleeps:?}");
    let traces: Vec<_> = client
        .platform()
        .sent
        .borrow()
        .iter()
        .map(|r| r.trace_id.clone())
        .collect();
    assert!(
        traces[0] != traces[1] && traces[1] != traces[2],
        "a fresh trace id per attempt"
    );
}

#[test]
fn retry_after_is_waited_and_retries_stop_at_the_maximum() {
    let client = token_client(FakePlatform::new(|_, now| {
        let Reply::Answer(mut a) = answer(429, now, BUSY) else {
            unreachable!()
        };
        a.retry_after = Some("1".into());
        Reply::Answer(a)
    }));
    let e = client
        .platform()
        .block_on(client.query_usage(&one(), &no_options()))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Http);
    assert_eq!(e.status, Some(429));
    assert_eq!(e.attempts, 4);
    assert_eq!(e.retry_after_ms, Some(1000));
    assert_eq!(*client.platform().sleeps.borrow(), [1000, 1000, 1000]);
    let opts = CallOptions {
        max_retries: Some(0),
        ..no_options()
    };
    assert_eq!(
        client
            .platform()
            .block_on(client.query_usage(&one(), &opts))
            .unwrap_err()
            .attempts,
        1
    );
}

#[test]
fn an_attempt_past_its_timeout_is_a_timeout_and_is_retried() {
    let calls = Rc::new(Cell::new(0));
    let c = calls.clone();
    let client = token_client(FakePlatform::new(move |_, now| {
        c.set(c.get() + 1);
        if c.get() == 1 {
            Reply::Hang
        } else {
            answer(200, now, OK)
        }
    }));
    let opts = CallOptions {
        timeout_ms: Some(250),
        ..no_options()
    };
    assert!(
        client
            .platform()
            .block_on(client.query_usage(&one(), &opts))
            .is_ok()
    );
    assert_eq!(client.platform().sleeps.borrow()[0], 250);
    let client = token_client(FakePlatform::new(|_, _| Reply::Hang));
    let opts = CallOptions {
        timeout_ms: Some(250),
        max_retries: Some(0),
        ..no_options()
    };
    let e = client
        .platform()
        .block_on(client.query_usage(&one(), &opts))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Timeout);
    assert!(e.message.contains("250 ms"));
}

#[test]
fn no_answer_is_a_network_error_with_its_cause() {
    let client = token_client(FakePlatform::new(|_, _| Reply::Network("ECONNREFUSED")));
    let opts = CallOptions {
        max_retries: Some(1),
        ..no_options()
    };
    let e = client
        .platform()
        .block_on(client.query_usage(&one(), &opts))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Network);
    assert_eq!(e.attempts, 2);
    assert_eq!(e.cause.as_deref(), Some("ECONNREFUSED"));
    assert!(
        e.message
            .contains("http://127.0.0.1:8080/koodrive/ose/v1/space/usage/user")
    );
}

#[test]
fn cancelling_stops_before_during_and_between_attempts() {
    // Before anything is sent.
    let client = token_client(FakePlatform::new(|_, now| answer(200, now, OK)));
    let signal = CancelSignal::new();
    signal.cancel();
    let opts = CallOptions {
        signal: Some(signal),
        ..no_options()
    };
    assert_eq!(
        client
            .platform()
            .block_on(client.query_usage(&one(), &opts))
            .unwrap_err()
            .kind,
        ErrorKind::Aborted
    );
    assert!(client.platform().sent.borrow().is_empty());

    // While the request is in flight.
    let signal = CancelSignal::new();
    let s = signal.clone();
    let client = token_client(FakePlatform::new(move |_, _| {
        s.cancel();
        Reply::Hang
    }));
    let opts = CallOptions {
        signal: Some(signal),
        ..no_options()
    };
    let e = client
        .platform()
        .block_on(client.query_usage(&one(), &opts))
        .unwrap_err();
    assert_eq!((e.kind, e.attempts), (ErrorKind::Aborted, 1));

    // During the backoff between attempts: no further request.
    let signal = CancelSignal::new();
    let client = token_client(FakePlatform::new(|_, now| answer(503, now, BUSY)));
    let s = signal.clone();
    *client.platform().on_sleep.borrow_mut() = Some(Box::new(move |_| s.cancel()));
    let opts = CallOptions {
        signal: Some(signal),
        ..no_options()
    };
    let e = client
        .platform()
        .block_on(client.query_usage(&one(), &opts))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Aborted);
    assert_eq!(client.platform().sent.borrow().len(), 1);
}

/// A server whose clock runs `offset_ms` from the local one and refuses
/// X-Dates outside its window, counting refusals.
fn skewed_server(
    offset_ms: i64,
    refusals: Rc<Cell<u32>>,
) -> impl FnMut(&koodrive_core::PlannedRequest, i64) -> Reply {
    move |request, now| {
        let server_now = now + offset_ms;
        let sent = parse_x_date(&request.x_date).unwrap();
        if check_x_date_window(sent, unix_ms_to_datetime(server_now)).is_err() {
            refusals.set(refusals.get() + 1);
            return answer(401, server_now, REFUSED);
        }
        known_ids_answer(request, server_now)
    }
}

#[test]
fn a_skewed_clock_is_corrected_with_one_uncounted_retry() {
    for offset in [-1_200_000, 1_200_000] {
        let refusals = Rc::new(Cell::new(0));
        let client = token_client(FakePlatform::new(skewed_server(offset, refusals.clone())));
        let opts = CallOptions {
            max_retries: Some(0),
            ..no_options()
        };
        let r = client
            .platform()
            .block_on(client.query_usage(&one(), &opts));
        assert!(r.is_ok(), "offset {offset}: {r:?}");
        assert_eq!(refusals.get(), 1);
        assert!((client.server_clock().offset_ms() - offset).abs() < 1000);
        // Later calls use the learned clock at once.
        client
            .platform()
            .block_on(client.query_usage(&one(), &opts))
            .unwrap();
        assert_eq!(refusals.get(), 1);
    }
}

#[test]
fn a_batch_in_parallel_corrects_a_skewed_clock_once() {
    let refusals = Rc::new(Cell::new(0));
    let client = token_client(FakePlatform::new(skewed_server(
        -(X_DATE_WINDOW_SECS + 300) * 1000,
        refusals.clone(),
    )));
    let ids: Vec<String> = (0..500).map(|i| format!("u{i}")).collect();
    let report = client
        .platform()
        .block_on(client.query_usage_all(&ids, &no_options(), &mut |_| {}))
        .unwrap();
    assert_eq!(report.items.len(), 500);
    assert_eq!(refusals.get(), 1, "one correction for the whole batch");
}

#[test]
fn without_a_date_a_refusal_stays_auth_and_names_the_clock() {
    let client = token_client(FakePlatform::new(|_, now| {
        let Reply::Answer(mut a) = answer(401, now, REFUSED) else {
            unreachable!()
        };
        a.date = None;
        Reply::Answer(a)
    }));
    let e = client
        .platform()
        .block_on(client.query_usage(&one(), &no_options()))
        .unwrap_err();
    assert_eq!((e.kind, e.attempts), (ErrorKind::Auth, 1));
    assert!(
        e.message.contains("clock off by more than 15 minutes"),
        "{}",
        e.message
    );
}

struct CountingProvider(Rc<Cell<u32>>);

impl TokenProvider for CountingProvider {
    fn token(
        &self,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<String, String>>>> {
        self.0.set(self.0.get() + 1);
        let token = if self.0.get() == 1 { "old" } else { "new" };
        Box::pin(std::future::ready(Ok(token.to_owned())))
    }
}

#[test]
fn a_refused_token_is_asked_for_again_once() {
    let asked = Rc::new(Cell::new(0));
    let config = ClientConfig::new(
        "http://127.0.0.1:8080",
        "42",
        Auth::Token(TokenSource::Provider(Rc::new(CountingProvider(
            asked.clone(),
        )))),
    )
    .unwrap();
    let client = Client::new(
        config,
        FakePlatform::new(|r, now| {
            if r.header("Authorization") == Some("Bearer new") {
                answer(200, now, OK)
            } else {
                answer(401, now, REFUSED)
            }
        }),
    )
    .unwrap();
    assert!(
        client
            .platform()
            .block_on(client.query_usage(&one(), &no_options()))
            .is_ok()
    );
    assert_eq!(asked.get(), 2);
    // The new token is kept for the next call.
    assert!(
        client
            .platform()
            .block_on(client.query_usage(&one(), &no_options()))
            .is_ok()
    );
    assert_eq!(asked.get(), 2);
}

#[test]
fn a_thousand_ids_with_duplicates_unknowns_and_a_failing_chunk_lose_nothing() {
    let client = token_client(FakePlatform::new(|r, now| {
        if r.body.contains("\"u300\"") {
            answer(
                400,
                now,
                r#"{"code":13000102,"msg":"Verify parameters failed."}"#,
            )
        } else {
            known_ids_answer(r, now)
        }
    }));
    let mut ids: Vec<String> = (0..900).map(|i| format!("u{i}")).collect();
    ids.extend((0..50).map(|i| format!("x{i}")));
    ids.extend((0..50).map(|i| format!("u{}", i * 7)));
    let progress = RefCell::new(Vec::new());
    let report = client
        .platform()
        .block_on(
            client.query_usage_all(&ids, &no_options(), &mut |p| progress.borrow_mut().push(p)),
        )
        .unwrap();
    let failed: usize = report.failed.iter().map(|f| f.user_ids.len()).sum();
    assert_eq!(report.items.len() + report.missing.len() + failed, 950);
    assert_eq!(report.missing.len(), 50);
    assert_eq!(failed, 50);
    assert_eq!(report.failed[0].error.kind, ErrorKind::Api);
    assert!(report.pending.is_empty());
    assert_eq!(report.items[0].user_id, "u0");
    let progress = progress.into_inner();
    assert_eq!(progress.len(), 19);
    assert_eq!(progress.last().map(|p| (p.done, p.total)), Some((950, 950)));
    assert!(progress.windows(2).all(|w| w[0].done < w[1].done));
}

#[test]
fn cancelling_a_batch_returns_the_partial_report_and_sends_no_more() {
    let signal = CancelSignal::new();
    let client = token_client(FakePlatform::new(known_ids_answer));
    let ids: Vec<String> = (0..1000).map(|i| format!("u{i}")).collect();
    let s = signal.clone();
    let opts = CallOptions {
        signal: Some(signal),
        ..no_options()
    };
    let mut calls = 0;
    let err = client
        .platform()
        .block_on(client.query_usage_all(&ids, &opts, &mut |_| {
            calls += 1;
            if calls == 3 {
                s.cancel();
            }
        }))
        .unwrap_err();
    assert_eq!(err.error.kind, ErrorKind::Aborted);
    let p = &err.partial;
    assert!(p.items.len() >= 150, "{}", p.items.len());
    assert_eq!(p.items.len() + p.pending.len(), 1000);
    let sent_after = client.platform().sent.borrow().len();
    assert!(
        sent_after <= 3 + client.config().concurrency,
        "{sent_after} requests"
    );
}

#[test]
fn refused_credentials_fail_the_rest_of_a_batch_without_sending() {
    let client = token_client(FakePlatform::new(|_, now| {
        answer(401, START_MS.max(now), REFUSED)
    }));
    let ids: Vec<String> = (0..500).map(|i| format!("u{i}")).collect();
    let err = client
        .platform()
        .block_on(client.query_usage_all(&ids, &no_options(), &mut |_| {}))
        .unwrap_err();
    assert_eq!(err.error.kind, ErrorKind::Auth);
    assert!(
        err.error.message.contains("stopped"),
        "{}",
        err.error.message
    );
    let report = err.partial;
    assert_eq!(report.failed.len(), 10);
    assert!(report.pending.is_empty());
    assert!(client.platform().sent.borrow().len() <= 4);
    assert!(report.failed[9].error.message.starts_with("not sent"));
}

#[test]
fn listing_pages_through_every_user_once() {
    let users: Vec<UserSpaceQuota> = (0..250)
        .map(|i| UserSpaceQuota::new(i.to_string(), 10, 1.0))
        .collect();
    let client = token_client(FakePlatform::new(move |r, now| {
        let req: SpaceUsageRequest = serde_json::from_str(&r.body).unwrap();
        let (limit, offset) = (req.limit.unwrap() as usize, req.offset.unwrap() as usize);
        let page = &users[offset.min(250)..(offset + limit).min(250)];
        answer(
            200,
            now,
            &serde_json::to_string(&UsageAnswer::success(page, 250)).unwrap(),
        )
    }));
    let mut pages = client.list_usage_pages(100, no_options()).unwrap();
    let mut seen = Vec::new();
    while let Some(page) = client.platform().block_on(pages.next_page()) {
        let page = page.unwrap();
        assert!(page.problems.is_empty());
        seen.extend(page.items.into_iter().map(|i| i.user_id));
    }
    assert_eq!(seen.len(), 250);
    assert_eq!(client.platform().sent.borrow().len(), 3);
    assert!(client.list_usage_pages(0, no_options()).is_err());
}

#[test]
fn a_listing_whose_total_shrinks_midway_says_so_and_ends() {
    let client = token_client(FakePlatform::new(|r, now| {
        let req: SpaceUsageRequest = serde_json::from_str(&r.body).unwrap();
        let offset = req.offset.unwrap() as u32;
        let (page, total): (Vec<UserSpaceQuota>, u64) = if offset == 0 {
            (
                (0..10)
                    .map(|i| UserSpaceQuota::new(i.to_string(), 1, 0.0))
                    .collect(),
                30,
            )
        } else {
            (Vec::new(), 25)
        };
        answer(
            200,
            now,
            &serde_json::to_string(&UsageAnswer::success(&page, total)).unwrap(),
        )
    }));
    let mut pages = client.list_usage_pages(10, no_options()).unwrap();
    assert!(
        client
            .platform()
            .block_on(pages.next_page())
            .unwrap()
            .unwrap()
            .problems
            .is_empty()
    );
    let second = client
        .platform()
        .block_on(pages.next_page())
        .unwrap()
        .unwrap();
    assert!(
        second
            .problems
            .contains(&PageProblem::TotalChanged { was: 30, now: 25 })
    );
    assert!(
        second
            .problems
            .iter()
            .any(|p| matches!(p, PageProblem::EmptyPageBeforeEnd { .. }))
    );
    // The page after it was already asked for: handed back, not asked again.
    let third = client
        .platform()
        .block_on(pages.next_page())
        .unwrap()
        .unwrap();
    assert!(third.items.is_empty() && third.problems.is_empty());
    assert!(client.platform().block_on(pages.next_page()).is_none());
    assert_eq!(
        client.platform().sent.borrow().len(),
        4,
        "page 10 asked twice"
    );
}

#[test]
fn the_retry_hook_sees_each_retry_and_the_final_message_counts_the_attempts() {
    let client = token_client(FakePlatform::new(|_, now| answer(503, now, BUSY)));
    let seen: Rc<RefCell<Vec<(u32, ErrorKind)>>> = Rc::default();
    let log = Rc::clone(&seen);
    let opts = CallOptions {
        on_retry: Some(crate::OnRetry(Rc::new(
            move |ev: &crate::RetryEvent<'_>| {
                log.borrow_mut().push((ev.attempt, ev.error.kind));
            },
        ))),
        ..no_options()
    };
    let e = client
        .platform()
        .block_on(client.query_usage(&one(), &opts))
        .unwrap_err();
    assert_eq!(e.attempts, 4);
    assert_eq!(
        *seen.borrow(),
        [
            (1, ErrorKind::Http),
            (2, ErrorKind::Http),
            (3, ErrorKind::Http)
        ]
    );
    assert!(
        e.message.contains("still failing after 4 attempts"),
        "{}",
        e.message
    );
}

#[test]
fn refused_credentials_get_advice_for_their_mode() {
    fn refuse(_: &koodrive_core::PlannedRequest, now: i64) -> Reply {
        answer(401, now, REFUSED)
    }
    let token = token_client(FakePlatform::new(refuse));
    let e = token
        .platform()
        .block_on(token.query_usage(&one(), &no_options()))
        .unwrap_err();
    assert!(
        e.message.contains("get a new access token"),
        "{}",
        e.message
    );
    let config = ClientConfig::new(
        "http://127.0.0.1:8080",
        "42",
        Auth::App {
            app_id: "a".into(),
            app_secret: "wrong".into(),
        },
    )
    .unwrap();
    let app = Client::new(config, FakePlatform::new(refuse)).unwrap();
    let e = app
        .platform()
        .block_on(app.query_usage(&one(), &no_options()))
        .unwrap_err();
    assert!(e.message.contains("app id and secret"), "{}", e.message);
    assert!(!e.message.contains("access token"), "{}", e.message);
}
