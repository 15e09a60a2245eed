//! What the buttons start: a bulk query of the pasted ids, a listing of
//! every user (or Resume of one that stopped early), a retry of the failed
//! ids, a cancel. Each makes a client from
//! the connection form, runs on the browser's event loop, reports progress
//! into the [`QueryContext`](super::QueryContext) and leaves its outcome in
//! the results and notices.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use koodrive_client::{
    CallOptions, CancelSignal, Client, OnRetry, PageEvent, Paging, Progress, Resume, RetryEvent,
    WebPlatform,
};
use koodrive_core::{BatchReport, ErrorKind, FailedChunk, KooDriveError, SeenIds, UserSpaceQuota};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::App;
use crate::browser::clock::now_ms;
use crate::state::directory::resolve_entries;
use crate::state::ids::parse_ids;
use crate::state::listing::{CONCURRENCY, Listing, PAGE_SIZE, refresh_after_ms};
use crate::state::notice::{ListNote, Notice, Problem};
use crate::state::progress::Busy;
use crate::state::results::{Completeness, Results};

/// The fetch of the page: the browser's, or the in-browser demo's.
fn platform(app: &App) -> Result<WebPlatform, String> {
    #[cfg(feature = "demo")]
    if app.connection.demo.get_untracked() {
        return crate::demo::platform();
    }
    let _ = app;
    WebPlatform::new()
}

/// A client for the connection form as it is now; a refusal becomes a notice.
fn client(app: &App) -> Option<Client<WebPlatform>> {
    let connection = app.connection.connection.get_untracked();
    let made = connection
        .client_config(app.results.thresholds.get_untracked())
        .and_then(|config| {
            let platform = platform(app).map_err(|e| KooDriveError::new(ErrorKind::Network, e))?;
            Client::new(config, platform)
        });
    match made {
        Ok(client) => Some(client),
        Err(error) => {
            fail(app, error);
            None
        }
    }
}

fn fail(app: &App, error: KooDriveError) {
    let connection = app.connection.connection.get_untracked();
    app.query.notice.set(Some(Notice::Failure {
        error,
        auth: connection.auth_kind(),
        endpoint: connection.endpoint,
    }));
}

/// A call under way: its options and its number.
struct Call {
    options: CallOptions,
    id: u64,
}

impl Call {
    /// Whether a newer call replaced this one (then it must leave no trace).
    fn replaced(&self, app: &App) -> bool {
        app.query.call_id.get_value() != self.id
    }
}

/// Starts a call: a fresh cancel signal (the running call is cancelled and
/// replaced), the progress bar, no old notice.
fn begin(app: &App) -> Call {
    if let Some(old) = app.query.cancel.get_value() {
        old.cancel();
    }
    app.query.call_id.update_value(|id| *id += 1);
    let signal = CancelSignal::new();
    app.query.cancel.set_value(Some(signal.clone()));
    app.query.busy.set(Some(Busy::start(now_ms())));
    app.query.notice.set(None);
    app.query.list_notes.set(Vec::new());
    app.query.listing.set(None);
    let id = app.query.call_id.get_value();
    let (busy, call_id) = (app.query.busy, app.query.call_id);
    // Waits for a retry show on the progress bar, so they do not look like a hang.
    let on_retry = OnRetry(Rc::new(move |event: &RetryEvent<'_>| {
        if call_id.get_value() == id {
            let e = event.error;
            let server_asked = e.status == Some(429) || e.retry_after_ms.is_some();
            busy.update(|b| {
                if let Some(b) = b {
                    b.retry_wait(event.delay_ms, server_asked, now_ms());
                }
            });
        }
    }));
    Call {
        options: CallOptions {
            signal: Some(signal),
            on_retry: Some(on_retry),
            ..CallOptions::default()
        },
        id,
    }
}

fn finish(app: &App, client: &Client<WebPlatform>) {
    app.query.busy.set(None);
    app.query.cancel.set_value(None);
    app.connection
        .server_offset_ms
        .set(client.server_clock().offset_ms());
    app.results.now_ms.set(now_ms());
}

/// `done` of `total` users are settled.
fn progressed(app: &App, done: usize, total: Option<usize>) {
    app.query.busy.update(|b| {
        if let Some(b) = b {
            b.progressed(done, total, now_ms());
        }
    });
}

/// Explains the first real failure of the results, if any.
fn explain_failures(app: &App) {
    let failure = app
        .results
        .results
        .with_untracked(|r: &Results| r.main_failure().cloned());
    if let Some(error) = failure {
        fail(app, error);
    }
}

/// The report of a bulk query, also after a cancel (its partial report).
async fn run_bulk(
    app: App,
    client: &Client<WebPlatform>,
    ids: Vec<String>,
    call: &Call,
) -> Option<BatchReport> {
    let id = call.id;
    let mut on_progress = move |p: Progress| {
        if app.query.call_id.get_value() != id {
            return;
        }
        progressed(&app, p.done, Some(p.total));
    };
    progressed(&app, 0, Some(ids.len()));
    match client
        .query_usage_all(&ids, &call.options, &mut on_progress)
        .await
    {
        Ok(report) => Some(report),
        // A refusal of the credentials keeps its report: its failed chunks
        // say why, as before.
        Err(e) if matches!(e.error.kind, ErrorKind::Aborted | ErrorKind::Auth) => Some(e.partial),
        Err(e) => {
            if call.replaced(&app) {
                return None;
            }
            // What was settled stays; the ids not sent fail with the reason.
            let mut report = e.partial;
            let pending = std::mem::take(&mut report.pending);
            if !pending.is_empty() {
                report.failed.push(FailedChunk {
                    user_ids: pending,
                    error: e.error.clone(),
                });
            }
            fail(&app, e.error);
            Some(report)
        }
    }
}

/// "Query": every id of the User IDs box.
pub fn query(app: App) {
    let ids = app.query.ids_text.with_untracked(|text| {
        app.directory.directory.with_untracked(|d| match d {
            Some(d) => resolve_entries(text, d).list.ids,
            None => parse_ids(text).ids,
        })
    });
    if ids.is_empty() {
        let unresolved = app.directory.directory.with_untracked(Option::is_some)
            && app.query.ids_text.with_untracked(|t| !t.trim().is_empty());
        app.query
            .notice
            .set(Some(Notice::Problem(Problem::NothingToQuery {
                unresolved,
            })));
        return;
    }
    bulk(app, ids, false);
}

/// "Retry failed": the ids of the failed requests again.
pub fn retry_failed(app: App) {
    let ids = app.results.results.with_untracked(Results::failed_ids);
    if !ids.is_empty() {
        bulk(app, ids, true);
    }
}

/// A bulk query of `ids`: a new query (its report replaces the results), or
/// a retry (its report is merged into them).
fn bulk(app: App, ids: Vec<String>, retry: bool) {
    let Some(client) = client(&app) else {
        return;
    };
    let call = begin(&app);
    if !retry {
        // A new query replaces the results, even if it fails.
        app.results.begin_run();
    }
    spawn_local(async move {
        let report = run_bulk(app, &client, ids, &call).await;
        if call.replaced(&app) {
            return;
        }
        if let Some(report) = report {
            app.results.update_results(|r| {
                if retry {
                    r.apply_retry(report);
                } else {
                    r.apply_query(report);
                }
            });
            if app.query.notice.with_untracked(Option::is_none) {
                explain_failures(&app);
            }
        }
        finish(&app, &client);
    });
}

/// "List all users": every user of the tenant, several pages at a time.
pub fn list_all(app: App) {
    listing(app, false);
}

/// "Resume": only the pages an interrupted listing is missing; the rows on
/// screen stay.
pub fn resume_listing(app: App) {
    listing(app, true);
}

/// The users on screen, so that a resumed listing still notices a repeat.
fn seen_on_screen(app: &App) -> SeenIds {
    app.results.results.with_untracked(|r| {
        let mut seen = SeenIds::default();
        for row in r.rows.iter() {
            seen.insert(row.user_id());
        }
        seen
    })
}

/// A listing from the start, or (`resume`) of the pages the interrupted one
/// is missing.
fn listing(app: App, resume: bool) {
    let earlier = app
        .query
        .listing
        .get_untracked()
        .filter(|l| resume && l.can_resume());
    if resume && earlier.is_none() {
        return;
    }
    let Some(client) = client(&app) else {
        return;
    };
    // A resume goes on with the notes of the pages already shown.
    let mut notes = if resume {
        app.query.list_notes.get_untracked()
    } else {
        Vec::new()
    };
    let call = begin(&app);
    let paging = Paging::new(PAGE_SIZE).with_concurrency(CONCURRENCY);
    let (mut listing, paging) = match earlier {
        Some(mut listing) => {
            let resume = Resume {
                total: listing.total.unwrap_or_default(),
                missing_offsets: listing.missing_offsets(),
                seen: seen_on_screen(&app),
            };
            listing.resume(now_ms());
            (listing, paging.resume(resume))
        }
        None => (Listing::new(PAGE_SIZE, now_ms()), paging),
    };
    let mut pages = match client.list_pages(paging, call.options.clone()) {
        Ok(pages) => pages,
        Err(e) => {
            fail(&app, e);
            finish(&app, &client);
            return;
        }
    };
    if resume {
        app.results
            .update_results(|r| r.completeness = Completeness::Running);
    } else {
        app.results.begin_run();
        app.results.update_results(Results::start_listing);
    }
    listing.run_planned = pages.progress(0).pages;
    show_listing(&app, &listing);
    spawn_local(async move {
        // Pages come here and go to the table together, a moment later.
        let buffer: Rc<RefCell<Vec<UserSpaceQuota>>> = Rc::default();
        let mut reached_end = false;
        loop {
            let next = pages.next_event().await;
            if call.replaced(&app) {
                return;
            }
            match next {
                None => {
                    reached_end = true;
                    break;
                }
                Some(Ok(PageEvent::Page(page))) => {
                    listing.page_shown(page.offset, page.items.len() as u64, page.total);
                    notes.extend(page.problems.into_iter().map(ListNote::Page));
                    let was_empty = buffer.borrow().is_empty();
                    buffer.borrow_mut().extend(page.items);
                    // Pages go to the table together, a moment after the
                    // first of them came (longer as the table grows), so
                    // that 100,000 users arriving 100 at a time do not
                    // re-sort it 1,000 times, and a page is shown even when
                    // the next one is slow.
                    if was_empty {
                        let rows = app.results.results.with_untracked(|r| r.rows.len());
                        let wait = Duration::from_millis(refresh_after_ms(rows).into());
                        let (buffer, id) = (Rc::clone(&buffer), call.id);
                        let total = listing.total.map(|t| t as usize);
                        set_timeout(
                            move || {
                                let items = std::mem::take(&mut *buffer.borrow_mut());
                                if app.query.call_id.get_value() == id && !items.is_empty() {
                                    app.results.update_results(|r| r.append_page(items, total));
                                }
                            },
                            wait,
                        );
                    }
                }
                // The others go on; Resume fetches it again.
                Some(Ok(PageEvent::Failed(failed))) => {
                    listing.page_failed();
                    if app.query.notice.with_untracked(Option::is_none) {
                        fail(&app, failed.error);
                    }
                }
                Some(Err(e)) => {
                    if e.kind != ErrorKind::Aborted {
                        fail(&app, e);
                    }
                    break;
                }
            }
            listing.run_planned = pages.progress(0).pages;
            show_listing(&app, &listing);
        }
        let rest = std::mem::take(&mut *buffer.borrow_mut());
        if !rest.is_empty() {
            let total = listing.total.map(|t| t as usize);
            app.results.update_results(|r| r.append_page(rest, total));
        }
        listing.run_ended(reached_end);
        let complete = !listing.interrupted;
        let total = listing.total.map(|t| t as usize);
        let received = listing.users as usize;
        app.results
            .update_results(|r| r.end_listing(complete, total));
        if complete && total.is_some_and(|t| t != received) {
            notes.push(ListNote::TotalMismatch {
                received,
                total: total.unwrap_or_default(),
            });
        }
        // Only pages that add up to the server's total are every user: then
        // directory users missing from them are unknown to KooDrive.
        if complete && total == Some(received) && notes.is_empty() {
            app.results.update_results(|r| r.listed_all = true);
        }
        app.query.list_notes.set(notes);
        app.query.listing.set(Some(listing));
        finish(&app, &client);
        if complete {
            app.history.listed(app.results);
        }
    });
}

/// The listing's progress: the bar in users, the words in users, pages and
/// time left.
fn show_listing(app: &App, listing: &Listing) {
    progressed(
        app,
        listing.users as usize,
        listing.total.map(|t| t as usize),
    );
    app.query.listing.set(Some(listing.clone()));
}

/// "Cancel": stops the running query; what was settled stays.
pub fn cancel(app: App) {
    if let Some(signal) = app.query.cancel.get_value() {
        signal.cancel();
    }
}
