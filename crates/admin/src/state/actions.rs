//! What the buttons start: a bulk query of the pasted ids, a listing of
//! every user, a retry of the failed ids, a cancel. Each makes a client from
//! the connection form, runs on the browser's event loop, reports progress
//! into the [`Store`] and leaves its outcome in the results and notices.

use koodrive_client::{CallOptions, CancelSignal, Client, Progress, WebPlatform};
use koodrive_core::{BatchReport, ErrorKind, KooDriveError};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::directory::resolve_entries;
use super::ids::parse_ids;
use super::results::Results;
use super::store::{Busy, Notice, Store};
use crate::browser::clock::now_ms;

/// Pages of a listing are shown at most this often (ms), so that 100,000
/// users arriving 100 at a time do not re-sort the table 1,000 times.
const LISTING_REFRESH_MS: i64 = 400;

/// How many users one listing request asks for.
const PAGE_SIZE: u32 = 100;

/// The fetch of the page: the browser's, or the in-browser demo's.
fn platform(store: &Store) -> Result<WebPlatform, String> {
    #[cfg(feature = "demo")]
    if store.demo.get_untracked() {
        return crate::demo::platform();
    }
    let _ = store;
    WebPlatform::new()
}

/// A client for the connection form as it is now; a refusal becomes a notice.
fn client(store: &Store) -> Option<Client<WebPlatform>> {
    let connection = store.connection.get_untracked();
    let made = connection
        .client_config(store.thresholds.get_untracked())
        .and_then(|config| {
            let platform =
                platform(store).map_err(|e| KooDriveError::new(ErrorKind::Network, e))?;
            Client::new(config, platform)
        });
    match made {
        Ok(client) => Some(client),
        Err(error) => {
            fail(store, error);
            None
        }
    }
}

fn fail(store: &Store, error: KooDriveError) {
    let connection = store.connection.get_untracked();
    store.notice.set(Some(Notice::Failure {
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
    fn replaced(&self, store: &Store) -> bool {
        store.call_id.get_value() != self.id
    }
}

/// Starts a call: a fresh cancel signal (the running call is cancelled and
/// replaced), the progress bar, no old notice.
fn begin(store: &Store) -> Call {
    if let Some(old) = store.cancel.get_value() {
        old.cancel();
    }
    store.call_id.update_value(|id| *id += 1);
    let signal = CancelSignal::new();
    store.cancel.set_value(Some(signal.clone()));
    store.busy.set(Some(Busy {
        done: 0,
        total: None,
    }));
    store.notice.set(None);
    store.list_notes.set(Vec::new());
    Call {
        options: CallOptions {
            signal: Some(signal),
            ..CallOptions::default()
        },
        id: store.call_id.get_value(),
    }
}

fn finish(store: &Store, client: &Client<WebPlatform>) {
    store.busy.set(None);
    store.cancel.set_value(None);
    store
        .server_offset_ms
        .set(client.server_clock().offset_ms());
    store.now_ms.set(now_ms());
}

/// Explains the first real failure of the results, if any.
fn explain_failures(store: &Store) {
    let failure = store
        .results
        .with_untracked(|r: &Results| r.main_failure().cloned());
    if let Some(error) = failure {
        fail(store, error);
    }
}

/// The report of a bulk query, also after a cancel (its partial report).
async fn run_bulk(
    store: Store,
    client: &Client<WebPlatform>,
    ids: Vec<String>,
    call: &Call,
) -> Option<BatchReport> {
    let id = call.id;
    let mut on_progress = move |p: Progress| {
        if store.call_id.get_value() != id {
            return;
        }
        store.busy.set(Some(Busy {
            done: p.done,
            total: Some(p.total),
        }));
    };
    store.busy.set(Some(Busy {
        done: 0,
        total: Some(ids.len()),
    }));
    match client
        .query_usage_all(&ids, &call.options, &mut on_progress)
        .await
    {
        Ok(report) => Some(report),
        Err(e) if e.error.kind == ErrorKind::Aborted => Some(e.partial),
        Err(e) => {
            if !call.replaced(&store) {
                fail(&store, e.error);
            }
            None
        }
    }
}

/// "Query": every id of the User IDs box.
pub fn query(store: Store) {
    let ids = store.ids_text.with_untracked(|text| {
        store.directory.with_untracked(|d| match d {
            Some(d) => resolve_entries(text, d).list.ids,
            None => parse_ids(text).ids,
        })
    });
    if ids.is_empty() {
        let unresolved = store.directory.with_untracked(Option::is_some)
            && store.ids_text.with_untracked(|t| !t.trim().is_empty());
        let zh = store.t().is_zh();
        store.notice.set(Some(Notice::Problem(
            match (unresolved, zh) {
                (true, false) => "No entry under User IDs is an id, or the email or name of exactly one user of the directory: see Not resolved under the box.",
                (true, true) => "“用户 ID”中没有可查询的条目：每个条目须是 ID，或目录中恰好一个用户的邮箱或姓名。请查看输入框下方的“无法解析”。",
                (false, false) => "Enter or import at least one id under User IDs first.",
                (false, true) => "请先在“用户 ID”中输入或导入至少一个 ID。",
            }
            .to_owned(),
        )));
        return;
    }
    bulk(store, ids, false);
}

/// "Retry failed": the ids of the failed requests again.
pub fn retry_failed(store: Store) {
    let ids = store.results.with_untracked(Results::failed_ids);
    if !ids.is_empty() {
        bulk(store, ids, true);
    }
}

/// A bulk query of `ids`: a new query (its report replaces the results), or
/// a retry (its report is merged into them).
fn bulk(store: Store, ids: Vec<String>, retry: bool) {
    let Some(client) = client(&store) else {
        return;
    };
    let call = begin(&store);
    spawn_local(async move {
        let report = run_bulk(store, &client, ids, &call).await;
        if call.replaced(&store) {
            return;
        }
        if let Some(report) = report {
            store.update_results(|r| {
                if retry {
                    r.apply_retry(report);
                } else {
                    r.apply_query(report);
                }
            });
            explain_failures(&store);
        }
        finish(&store, &client);
    });
}

/// "List all users": every user of the tenant, page by page.
pub fn list_all(store: Store) {
    let Some(client) = client(&store) else {
        return;
    };
    let call = begin(&store);
    let mut pages = match client.list_usage_pages(PAGE_SIZE, call.options.clone()) {
        Ok(pages) => pages,
        Err(e) => {
            fail(&store, e);
            finish(&store, &client);
            return;
        }
    };
    store.update_results(Results::start_listing);
    spawn_local(async move {
        let mut buffer = Vec::new();
        let mut last_flush = now_ms();
        let mut received = 0usize;
        let mut total = None;
        let mut notes: Vec<String> = Vec::new();
        let mut complete = false;
        loop {
            let next = pages.next_page().await;
            if call.replaced(&store) {
                return;
            }
            match next {
                None => {
                    complete = true;
                    break;
                }
                Some(Ok(page)) => {
                    received += page.items.len();
                    total = Some(page.total as usize);
                    notes.extend(page.problems.iter().map(ToString::to_string));
                    buffer.extend(page.items);
                    store.busy.set(Some(Busy {
                        done: received,
                        total,
                    }));
                    if now_ms() - last_flush >= LISTING_REFRESH_MS {
                        let items = std::mem::take(&mut buffer);
                        store.update_results(|r| r.append_page(items));
                        last_flush = now_ms();
                    }
                }
                Some(Err(e)) => {
                    if e.kind != ErrorKind::Aborted {
                        fail(&store, e);
                    }
                    break;
                }
            }
        }
        if !buffer.is_empty() {
            store.update_results(|r| r.append_page(buffer));
        }
        if complete && total.is_some_and(|t| t != received) {
            let t = total.unwrap_or_default();
            notes.push(if store.t().is_zh() {
                format!("各页共有 {received} 个用户，但服务器报告的总数为 {t}：列表期间用户可能有增减，请再列一次。")
            } else {
                format!("The pages held {received} users but the server's total says {t}: users may have changed while listing; list again.")
            });
        }
        // Only pages that add up to the server's total are every user: then
        // directory users missing from them are unknown to KooDrive.
        if complete && total == Some(received) && notes.is_empty() {
            store.update_results(|r| r.listed_all = true);
        }
        store.list_notes.set(notes);
        finish(&store, &client);
    });
}

/// "Cancel": stops the running query; what was settled stays.
pub fn cancel(store: Store) {
    if let Some(signal) = store.cancel.get_value() {
        signal.cancel();
    }
}
