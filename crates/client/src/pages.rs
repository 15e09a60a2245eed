//! Every user of the tenant, page by page through `limit`/`offset`, with the
//! same retry and cancellation rules as one request. A server whose `total`
//! changes, that sends an empty page early or repeats users is reported,
//! never looped on.

use koodrive_core::{
    KooDriveError, MAX_LIMIT, PageProblem, PageTracker, UserSpaceQuota, ValidationError,
};

use crate::client::Client;
use crate::config::CallOptions;
use crate::platform::Platform;

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

/// A listing in progress; call [`UsagePages::next_page`] until it gives `None`.
pub struct UsagePages<P: Platform> {
    client: Client<P>,
    options: CallOptions,
    tracker: PageTracker,
    failed: bool,
}

impl<P: Platform> Client<P> {
    /// Starts listing every user, `page_size` (1–100) at a time.
    pub fn list_usage_pages(
        &self,
        page_size: u32,
        options: CallOptions,
    ) -> Result<UsagePages<P>, KooDriveError> {
        if !(1..=MAX_LIMIT).contains(&page_size) {
            return Err(KooDriveError::validation(ValidationError::InvalidOption {
                name: "pageSize".into(),
                reason: format!("is {page_size} but must be between 1 and 100"),
            }));
        }
        Ok(UsagePages {
            client: self.clone(),
            options,
            tracker: PageTracker::new(page_size),
            failed: false,
        })
    }
}

impl<P: Platform> UsagePages<P> {
    /// The next page; `None` when the listing is complete. After an error the
    /// listing ends (call again to retry from the same offset: the error is
    /// returned once, then `None`).
    pub async fn next_page(&mut self) -> Option<Result<UsagePageResult, KooDriveError>> {
        if self.failed {
            return None;
        }
        let request = self.tracker.next_request()?;
        let offset = self.tracker.offset();
        match self.client.execute(&request, &self.options).await {
            Ok((page, trace_id)) => {
                let check = self.tracker.accept(page);
                Some(Ok(UsagePageResult {
                    items: check.fresh,
                    total: check.total,
                    offset,
                    trace_id,
                    problems: check.problems,
                }))
            }
            Err(e) => {
                self.failed = true;
                Some(Err(e))
            }
        }
    }

    /// Where the next page starts.
    pub fn offset(&self) -> u64 {
        self.tracker.offset()
    }
}
