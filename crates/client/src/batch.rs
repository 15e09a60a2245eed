//! `query_usage_all`: any number of ids, deduplicated, in requests of 50,
//! with bounded concurrency, per-chunk retries and progress. Every id ends in
//! exactly one of items, missing or failed; a cancellation returns the report
//! so far with the ids still pending.

use std::cell::{Cell, RefCell};

use futures_util::future::join_all;
use koodrive_core::{
    BatchCollector, BatchReport, ErrorKind, KooDriveError, SpaceUsageRequest, plan_batches,
};

use crate::client::Client;
use crate::config::CallOptions;
use crate::platform::Platform;

/// Progress of a bulk query: ids settled so far, of all (deduplicated) ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Ids whose chunk has settled.
    pub done: usize,
    /// All ids, after deduplication.
    pub total: usize,
}

/// A bulk query that stopped before the end.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchError {
    /// Why it stopped: `aborted`; `auth` when the credentials were refused
    /// (the chunks not sent are in `partial.failed`); or `validation` before
    /// anything was sent.
    pub error: KooDriveError,
    /// What was settled by then, and the ids still `pending`.
    pub partial: BatchReport,
}

impl<P: Platform> Client<P> {
    /// Queries any number of ids. `on_progress` is called after each chunk
    /// settles. When the server's clock is not known yet, the first chunk
    /// goes alone, so a skewed clock is corrected once for the whole batch.
    ///
    /// Once the credentials are refused, the chunks not sent yet fail without
    /// being sent and the query ends with an `auth` [`BatchError`] whose
    /// `partial` report holds every id (nothing is pending): a refusal is
    /// never mistaken for a result.
    pub async fn query_usage_all<S: AsRef<str>>(
        &self,
        ids: &[S],
        options: &CallOptions,
        on_progress: &mut dyn FnMut(Progress),
    ) -> Result<BatchReport, BatchError> {
        let plan = plan_batches(ids).map_err(|e| BatchError {
            error: KooDriveError::validation(e),
            partial: BatchReport::default(),
        })?;
        let chunks = plan.chunk_count();
        let collector = RefCell::new(BatchCollector::new(plan));
        let next = Cell::new(0usize);
        let refused: RefCell<Option<KooDriveError>> = RefCell::new(None);
        let progress = RefCell::new(on_progress);
        let cancelled = || options.signal.as_ref().is_some_and(|s| s.is_cancelled());

        // Sends chunk `index` (or fails it at once after a refusal of the
        // credentials: the rest would be refused too), settles it and reports
        // progress. Aborted chunks stay pending.
        let run_chunk = |index: usize| {
            let (collector, refused, progress) = (&collector, &refused, &progress);
            async move {
                let ids = collector.borrow().plan().chunk(index).to_vec();
                let earlier_refusal = refused.borrow().clone();
                let outcome = match earlier_refusal {
                    Some(mut e) => {
                        e.message = format!(
                            "not sent: an earlier request's credentials were refused ({})",
                            e.message
                        );
                        e.attempts = 0;
                        Err(e)
                    }
                    None => {
                        self.execute(&SpaceUsageRequest::for_user_ids(ids), options)
                            .await
                    }
                };
                match outcome {
                    Err(e) if e.kind == ErrorKind::Aborted => return,
                    Err(e) => {
                        if e.kind == ErrorKind::Auth && e.attempts > 0 {
                            *refused.borrow_mut() = Some(e.clone());
                        }
                        collector.borrow_mut().fail(index, e);
                    }
                    Ok((page, _)) => collector.borrow_mut().succeed(index, page.items),
                }
                let p = {
                    let c = collector.borrow();
                    Progress {
                        done: c.settled_ids(),
                        total: c.total_ids(),
                    }
                };
                (progress.borrow_mut())(p);
            }
        };
        let take_next = || {
            let index = next.get();
            (index < chunks && !cancelled()).then(|| {
                next.set(index + 1);
                index
            })
        };

        let concurrency = self.config.concurrency.max(1);
        if !self.clock.get().is_learned() && chunks > 1 && concurrency > 1 {
            // One probe learns the server's clock before the fan-out, so a
            // skewed clock costs one refused request, not one per worker.
            if let Some(index) = take_next() {
                run_chunk(index).await;
            }
        }
        let worker = || async {
            while let Some(index) = take_next() {
                run_chunk(index).await;
            }
        };
        join_all((0..concurrency.min(chunks)).map(|_| worker())).await;

        let report = collector.into_inner().report();
        if let Some(mut error) = refused.into_inner()
            && !cancelled()
        {
            let not_sent: usize = report
                .failed
                .iter()
                .filter(|f| f.error.attempts == 0)
                .map(|f| f.user_ids.len())
                .sum();
            error.message = format!(
                "the bulk query stopped: {} ({} ids settled before, {not_sent} not sent)",
                error.message,
                report.items.len() + report.missing.len(),
            );
            return Err(BatchError {
                error,
                partial: report,
            });
        }
        if options.signal.as_ref().is_some_and(|s| s.is_cancelled()) {
            let mut error = KooDriveError::aborted();
            error.message = format!(
                "the bulk query was cancelled: {} ids settled, {} pending",
                report.items.len()
                    + report.missing.len()
                    + report
                        .failed
                        .iter()
                        .map(|f| f.user_ids.len())
                        .sum::<usize>(),
                report.pending.len()
            );
            return Err(BatchError {
                error,
                partial: report,
            });
        }
        Ok(report)
    }
}
