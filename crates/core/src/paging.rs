//! Every user of the tenant, page by page: [`PageTracker`] says which page to
//! ask for next and notices a server that misbehaves (a `total` that changes,
//! an empty page before the end, the same user on two pages), so a listing
//! neither loops nor skips in silence.

use std::collections::HashSet;

use crate::classify::UsagePage;
use crate::quota::UserSpaceQuota;
use crate::request::SpaceUsageRequest;

/// Something odd about the pages, reported to the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageProblem {
    /// `total` differed from one page to the next.
    TotalChanged {
        /// The earlier total.
        was: u64,
        /// The new total.
        now: u64,
    },
    /// A page came back empty before `total` was reached; listing stops.
    EmptyPageBeforeEnd {
        /// Where the empty page started.
        offset: u64,
        /// The total the server claimed.
        total: u64,
    },
    /// A user already seen on an earlier page (dropped from this one).
    DuplicateAcrossPages {
        /// The user's id.
        user_id: String,
        /// The offset of the page that repeated it.
        offset: u64,
    },
}

impl core::fmt::Display for PageProblem {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::TotalChanged { was, now } => write!(
                f,
                "the number of users changed while listing ({was} → {now}): users were added or removed meanwhile; list again for a consistent view"
            ),
            Self::EmptyPageBeforeEnd { offset, total } => write!(
                f,
                "the server sent an empty page at offset {offset} although it counts {total} users; the listing stopped there and may be incomplete"
            ),
            Self::DuplicateAcrossPages { user_id, offset } => write!(
                f,
                "user {user_id} appeared again on the page at offset {offset}; the repeat was dropped (the list shifted while paging)"
            ),
        }
    }
}

/// What a page brought.
#[derive(Debug, Clone, PartialEq)]
pub struct PageCheck {
    /// The page's records not seen before.
    pub fresh: Vec<UserSpaceQuota>,
    /// Problems noticed on this page.
    pub problems: Vec<PageProblem>,
    /// Whether the listing is complete (or cannot go on).
    pub done: bool,
    /// The total the server claimed on this page.
    pub total: u64,
}

/// Tracks a listing through `limit`/`offset`.
#[derive(Debug, Clone)]
pub struct PageTracker {
    page_size: u32,
    offset: u64,
    total: Option<u64>,
    seen: HashSet<String>,
    done: bool,
}

impl PageTracker {
    /// Starts a listing with pages of `page_size` (1–100) from offset 0.
    pub fn new(page_size: u32) -> Self {
        Self {
            page_size,
            offset: 0,
            total: None,
            seen: HashSet::new(),
            done: false,
        }
    }

    /// The next page's request, or `None` when the listing is done.
    pub fn next_request(&self) -> Option<SpaceUsageRequest> {
        (!self.done).then(|| SpaceUsageRequest::page(self.page_size, self.offset))
    }

    /// The offset of the next page.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Takes the answer to [`PageTracker::next_request`].
    pub fn accept(&mut self, page: UsagePage) -> PageCheck {
        let mut problems = Vec::new();
        if let Some(was) = self.total
            && was != page.total
        {
            problems.push(PageProblem::TotalChanged {
                was,
                now: page.total,
            });
        }
        self.total = Some(page.total);
        let at = self.offset;
        let count = page.items.len() as u64;
        let mut fresh = Vec::with_capacity(page.items.len());
        for item in page.items {
            if self.seen.insert(item.user_id.clone()) {
                fresh.push(item);
            } else {
                problems.push(PageProblem::DuplicateAcrossPages {
                    user_id: item.user_id,
                    offset: at,
                });
            }
        }
        self.offset += count;
        if count == 0 {
            if at < page.total {
                problems.push(PageProblem::EmptyPageBeforeEnd {
                    offset: at,
                    total: page.total,
                });
            }
            self.done = true;
        } else if self.offset >= page.total {
            self.done = true;
        }
        PageCheck {
            fresh,
            problems,
            done: self.done,
            total: page.total,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(ids: std::ops::Range<u32>, total: u64) -> UsagePage {
        UsagePage {
            items: ids
                .map(|i| UserSpaceQuota::new(i.to_string(), 1, 0.0))
                .collect(),
            total,
        }
    }

    #[test]
    fn pages_are_asked_until_the_total_is_reached() {
        let mut t = PageTracker::new(100);
        assert_eq!(t.next_request(), Some(SpaceUsageRequest::page(100, 0)));
        assert!(!t.accept(page(0..100, 250)).done);
        assert_eq!(t.next_request(), Some(SpaceUsageRequest::page(100, 100)));
        assert!(!t.accept(page(100..200, 250)).done);
        let last = t.accept(page(200..250, 250));
        assert!(last.done && last.problems.is_empty());
        assert_eq!(t.next_request(), None);
    }

    #[test]
    fn an_empty_tenant_is_one_empty_page() {
        let mut t = PageTracker::new(10);
        let c = t.accept(page(0..0, 0));
        assert!(c.done && c.problems.is_empty());
    }

    #[test]
    fn a_misbehaving_server_is_noticed_not_looped_on() {
        let mut t = PageTracker::new(10);
        t.accept(page(0..10, 30));
        let c = t.accept(page(5..15, 31));
        assert_eq!(c.fresh.len(), 5);
        assert!(
            c.problems
                .contains(&PageProblem::TotalChanged { was: 30, now: 31 })
        );
        assert!(
            c.problems
                .iter()
                .any(|p| matches!(p, PageProblem::DuplicateAcrossPages { .. }))
        );
        let c = t.accept(page(0..0, 31));
        assert!(c.done);
        assert_eq!(
            c.problems,
            [PageProblem::EmptyPageBeforeEnd {
                offset: 20,
                total: 31
            }]
        );
        assert_eq!(t.next_request(), None);
    }
}
