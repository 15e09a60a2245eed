//! Every user of the tenant, page by page through `limit`/`offset`, several
//! pages at a time. The first page learns `total`; the others go out with
//! bounded concurrency through one [`Gate`] (each with the usual retries, a
//! `Retry-After` pausing the whole pool and a 429 lowering its concurrency),
//! and come back in offset order, checked by core's [`PageSchedule`]: a
//! `total` that changes, a short or empty page, a user seen twice is reported
//! and the page asked for once more. At most about twice the concurrency of
//! pages is held at a time, never the whole tenant.
//!
//! [`UsagePages`] hands the pages back one by one; [`Client::list_usage_all`]
//! gathers them into a [`ListReport`].

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use std::task::Poll;

use koodrive_core::{
    Delivery, ErrorKind, KooDriveError, MAX_LIMIT, PageProblem, PageSchedule, SeenIds, UsagePage,
    UserSpaceQuota, ValidationError,
};

use crate::client::Client;
use crate::config::CallOptions;
use crate::platform::Platform;
use crate::pool::Gate;

/// One page of a listing.
#[derive(Debug, Clone, PartialEq)]
pub struct UsagePageResult {
    /// The page's records not seen on earlier pages.
    pub items: Vec<UserSpaceQuota>,
    /// The server's `total`.
    pub total: u64,
    /// Where this page started.
    pub offset: u64,
    /// The `X-Traceid` of the request that fetched it.
    pub trace_id: String,
    /// What was odd about this page (shown to the user, never silent).
    pub problems: Vec<PageProblem>,
}

/// A page that could not be fetched: its retries were spent, or it was never
/// sent because the credentials had been refused.
#[derive(Debug, Clone, PartialEq)]
pub struct FailedPage {
    /// Where it starts.
    pub offset: u64,
    /// Its size.
    pub limit: u32,
    /// Why.
    pub error: KooDriveError,
}

/// What a listing hands back, in offset order.
#[derive(Debug, Clone, PartialEq)]
pub enum PageEvent {
    /// A page.
    Page(UsagePageResult),
    /// A page that failed; the listing goes on with the others.
    Failed(FailedPage),
}

/// How to list: the page size, how many requests at once, and where to
/// start.
#[derive(Debug, Clone, Default)]
pub struct Paging {
    /// Users per page, 1–100.
    pub page_size: u32,
    /// Requests in flight at once, 1–64 (`None`: the client's concurrency).
    pub concurrency: Option<usize>,
    /// Go on with an earlier listing instead of starting over.
    pub resume: Option<Resume>,
}

/// Where an interrupted listing stood (see [`Paging::resume`]).
#[derive(Debug, Clone, Default)]
pub struct Resume {
    /// The total it had.
    pub total: u64,
    /// The offsets of the pages it is missing.
    pub missing_offsets: Vec<u64>,
    /// The users it handed back (so a repeat is still noticed).
    pub seen: SeenIds,
}

impl Paging {
    /// Pages of `page_size` at the client's concurrency, from the start.
    pub fn new(page_size: u32) -> Self {
        Self {
            page_size,
            ..Self::default()
        }
    }

    /// The same with `concurrency` requests at once.
    pub fn with_concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = Some(concurrency);
        self
    }

    /// Only the pages missing from an earlier listing (and any past its
    /// total, should the tenant have grown).
    pub fn resume(mut self, resume: Resume) -> Self {
        self.resume = Some(resume);
        self
    }
}

/// Progress of a listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListProgress {
    /// Users handed back so far.
    pub done: u64,
    /// The server's total, once known.
    pub total: Option<u64>,
    /// Pages handed back so far (failed ones included).
    pub pages_done: u64,
    /// Pages this listing fetches in all, as far as known.
    pub pages: u64,
}

/// Everything a listing brought.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListReport {
    /// The users, in offset order, each once.
    pub items: Vec<UserSpaceQuota>,
    /// The server's total as last heard (0 when no page came).
    pub total: u64,
    /// What was odd about the pages.
    pub warnings: Vec<PageProblem>,
    /// The pages that could not be fetched.
    pub failed_pages: Vec<FailedPage>,
    /// The offsets of pages not fetched because the listing was cancelled.
    pub pending_offsets: Vec<u64>,
}

/// A listing that stopped before the end (it was cancelled, its settings or
/// its credentials were refused).
#[derive(Debug, Clone, PartialEq)]
pub struct ListError {
    /// Why (`aborted`, or `validation` before anything was sent).
    pub error: KooDriveError,
    /// What was handed back by then, with the pages still pending.
    pub partial: ListReport,
}

type PageFuture = Pin<Box<dyn Future<Output = (u64, Result<(UsagePage, String), KooDriveError>)>>>;

/// A listing in progress; call [`UsagePages::next_page`] (or
/// [`UsagePages::next_event`]) until it gives `None`. Dropping it aborts the
/// requests in flight.
pub struct UsagePages<P: Platform + 'static> {
    client: Client<P>,
    options: CallOptions,
    schedule: PageSchedule,
    gate: Rc<Gate>,
    /// The pages asked for, polled together (a few dozen at most).
    in_flight: Vec<PageFuture>,
    unsent: Vec<u64>,
    /// Where the pages handed back end (or where a failed page starts).
    position: u64,
    ended: bool,
    failed: bool,
}

fn option_error(name: &str, reason: String) -> KooDriveError {
    KooDriveError::validation(ValidationError::InvalidOption {
        name: name.into(),
        reason,
    })
}

impl<P: Platform + 'static> Client<P> {
    /// Starts listing every user, `page_size` (1–100) at a time, with the
    /// client's concurrency.
    pub fn list_usage_pages(
        &self,
        page_size: u32,
        options: CallOptions,
    ) -> Result<UsagePages<P>, KooDriveError> {
        self.list_pages(Paging::new(page_size), options)
    }

    /// Starts a listing as `paging` says.
    pub fn list_pages(
        &self,
        paging: Paging,
        options: CallOptions,
    ) -> Result<UsagePages<P>, KooDriveError> {
        let page_size = paging.page_size;
        if !(1..=MAX_LIMIT).contains(&page_size) {
            return Err(option_error(
                "pageSize",
                format!("is {page_size} but must be between 1 and 100"),
            ));
        }
        let concurrency = paging.concurrency.unwrap_or(self.config.concurrency);
        if !(1..=64).contains(&concurrency) {
            return Err(option_error(
                "concurrency",
                format!("is {concurrency} but must be between 1 and 64"),
            ));
        }
        let window = concurrency * 2;
        let schedule = match paging.resume {
            None => PageSchedule::new(page_size, window),
            Some(r) => PageSchedule::resume(page_size, window, r.total, r.missing_offsets, r.seen),
        };
        Ok(UsagePages {
            client: self.clone(),
            options,
            schedule,
            gate: Gate::new(concurrency),
            in_flight: Vec::new(),
            unsent: Vec::new(),
            position: 0,
            ended: false,
            failed: false,
        })
    }

    /// Lists every user (or the pages `paging` resumes) into one report. A
    /// page that fails is reported in `failed_pages` and the others go on;
    /// after a refusal of the credentials the pages not yet sent fail without
    /// being sent, and the listing ends with the `auth` error (its `partial`
    /// holding the report). `on_progress` is called after each page. When cancelled,
    /// the error's `partial` holds what was handed back and the pages still
    /// pending.
    pub async fn list_usage_all(
        &self,
        paging: Paging,
        options: CallOptions,
        on_progress: &mut dyn FnMut(ListProgress),
    ) -> Result<ListReport, ListError> {
        let mut pages = self
            .list_pages(paging, options)
            .map_err(|error| ListError {
                error,
                partial: ListReport::default(),
            })?;
        let mut report = ListReport::default();
        while let Some(event) = pages.next_event().await {
            match event {
                Ok(PageEvent::Page(page)) => {
                    report.total = page.total;
                    report.warnings.extend(page.problems);
                    report.items.extend(page.items);
                }
                Ok(PageEvent::Failed(failed)) => report.failed_pages.push(failed),
                Err(error) => {
                    report.total = pages.total().unwrap_or(report.total);
                    report.pending_offsets = pages.undelivered_offsets();
                    return Err(ListError {
                        error,
                        partial: report,
                    });
                }
            }
            on_progress(pages.progress(report.items.len() as u64));
        }
        report.total = pages.total().unwrap_or(report.total);
        // A refusal never reads as a listing that merely missed some pages.
        let refused = report
            .failed_pages
            .iter()
            .find(|f| f.error.kind == ErrorKind::Auth && f.error.attempts > 0)
            .map(|f| f.error.clone());
        match refused {
            Some(error) => Err(ListError {
                error,
                partial: report,
            }),
            None => Ok(report),
        }
    }
}

impl<P: Platform + 'static> UsagePages<P> {
    /// The next page; `None` when the listing is complete. After an error
    /// (a page whose retries were spent, or a cancellation) the listing ends:
    /// the error is returned once, then `None`.
    pub async fn next_page(&mut self) -> Option<Result<UsagePageResult, KooDriveError>> {
        if self.failed {
            return None;
        }
        match self.next_event().await? {
            Ok(PageEvent::Page(page)) => Some(Ok(page)),
            Ok(PageEvent::Failed(failed)) => {
                self.stop_now();
                Some(Err(failed.error))
            }
            Err(e) => Some(Err(e)),
        }
    }

    /// Ends the listing here: the requests in flight are dropped (which
    /// aborts them); what was not handed back stays in
    /// [`UsagePages::undelivered_offsets`].
    fn stop_now(&mut self) {
        self.failed = true;
        self.ended = true;
        self.in_flight = Vec::new();
    }

    /// The next page or failed page, in offset order, going on past failed
    /// pages; `Err` once when the listing is cancelled, then `None`.
    pub async fn next_event(&mut self) -> Option<Result<PageEvent, KooDriveError>> {
        loop {
            if self.ended {
                return None;
            }
            if self.cancelled() {
                self.stop_now();
                let mut e = KooDriveError::aborted();
                e.message = format!(
                    "the listing was cancelled: {} pages handed back, {} not",
                    self.schedule.handed_back(),
                    self.schedule.undelivered_offsets().len()
                );
                return Some(Err(e));
            }
            // Requests go out before a page is handed back, so they are in
            // flight while the caller works on it.
            self.dispatch();
            if let Some(delivery) = self.schedule.next_delivery() {
                return Some(Ok(self.event(delivery)));
            }
            // The page next in line may just have been asked for again.
            self.dispatch();
            if self.in_flight.is_empty() {
                if let Some(offset) = self.unsent.pop() {
                    return Some(Ok(PageEvent::Failed(self.not_sent(offset))));
                }
                self.ended = true;
                return None;
            }
            let (index, result) = std::future::poll_fn(|cx| {
                for at in 0..self.in_flight.len() {
                    if let Poll::Ready(done) = self.in_flight[at].as_mut().poll(cx) {
                        drop(self.in_flight.swap_remove(at));
                        return Poll::Ready(done);
                    }
                }
                Poll::Pending
            })
            .await;
            match result {
                Ok((page, trace_id)) => self.schedule.accept(index, page, trace_id),
                // The loop's check of the signal ends the listing.
                Err(e) if e.kind == ErrorKind::Aborted => {}
                Err(e) => {
                    if e.kind == ErrorKind::Auth && e.attempts > 0 && self.unsent.is_empty() {
                        // The others would be refused too: not sent.
                        self.unsent = self.schedule.stop();
                        self.unsent.reverse();
                    }
                    self.schedule.fail(index, e);
                }
            }
        }
    }

    fn dispatch(&mut self) {
        while let Some(order) = self.schedule.next_order() {
            let client = self.client.clone();
            let options = self.options.clone();
            let gate = Rc::clone(&self.gate);
            self.in_flight.push(Box::pin(async move {
                let result = client
                    .execute_through(&order.request, &options, &gate, order.index)
                    .await;
                (order.index, result)
            }));
        }
    }

    fn cancelled(&self) -> bool {
        self.options
            .signal
            .as_ref()
            .is_some_and(|s| s.is_cancelled())
    }

    fn not_sent(&self, offset: u64) -> FailedPage {
        let mut error = KooDriveError::new(
            ErrorKind::Auth,
            "not sent: an earlier page's credentials were refused; check the credentials, then list again",
        );
        error.attempts = 0;
        FailedPage {
            offset,
            limit: self.schedule.page_size(),
            error,
        }
    }

    fn event(&mut self, delivery: Delivery) -> PageEvent {
        self.position = match &delivery {
            Delivery::Page(page) => page.offset + u64::from(self.schedule.page_size()),
            Delivery::Failed { offset, .. } => *offset,
        };
        match delivery {
            Delivery::Page(page) => PageEvent::Page(UsagePageResult {
                items: page.fresh,
                total: page.total,
                offset: page.offset,
                trace_id: page.trace_id,
                problems: page.problems,
            }),
            Delivery::Failed { offset, error } => PageEvent::Failed(FailedPage {
                offset,
                limit: self.schedule.page_size(),
                error,
            }),
        }
    }

    /// Where the pages handed back so far end; after a failed page, where
    /// that page starts.
    pub fn offset(&self) -> u64 {
        self.position
    }

    /// The server's total as last heard.
    pub fn total(&self) -> Option<u64> {
        self.schedule.total()
    }

    /// Where the listing stands, with `done` users handed back.
    pub fn progress(&self, done: u64) -> ListProgress {
        ListProgress {
            done,
            total: self.schedule.total(),
            pages_done: self.schedule.handed_back(),
            pages: self.schedule.pages_planned(),
        }
    }

    /// The offsets of the pages not handed back yet (after a cancellation:
    /// what a resumed listing asks for).
    pub fn undelivered_offsets(&self) -> Vec<u64> {
        self.schedule.undelivered_offsets()
    }

    /// The users handed back so far.
    pub fn seen(&self) -> &SeenIds {
        self.schedule.seen()
    }

    /// How many requests may be in flight now (lowered after a 429, climbing
    /// back after successes).
    pub fn concurrency_now(&self) -> usize {
        self.gate.limit()
    }
}

#[cfg(test)]
mod tests;
