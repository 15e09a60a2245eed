//! [`Results`]: everything the last queries settled — the rows found, the ids
//! the server does not know (missing) and the requests that failed — and how
//! a new answer changes them: a query replaces them, a retry merges into
//! them, a listing appends page by page. Every result set says how complete
//! it is ([`Completeness`]); a new query or listing replaces the results
//! even when it fails, and what was on screen before stays reachable as the
//! earlier run ([`Results::earlier_run`], [`begin_run`]), never counted in.

use std::collections::{HashMap, HashSet};

use koodrive_core::{BatchReport, ErrorKind, FailedChunk, KooDriveError, UserSpaceQuota};

use super::rows::Rows;

/// The most users a listing makes room for before they come: a `total`
/// far beyond the users that come wastes no more than this.
pub const RESERVE_AT_MOST: usize = 2_000_000;

/// What the page has settled so far.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Results {
    /// Users found, in the order they were asked for (or listed).
    pub rows: Rows,
    /// Ids the server does not know.
    pub missing: Vec<String>,
    /// Requests that failed after their retries, or were cancelled before an answer.
    pub failed: Vec<FailedChunk>,
    /// Whether the rows are every user of the tenant (a listing went to its
    /// last page): only then are directory users missing from them unknown
    /// to KooDrive.
    pub listed_all: bool,
    /// How complete they are.
    pub completeness: Completeness,
    /// Whether these are the results of an earlier run, shown again after a
    /// newer one replaced them.
    pub earlier_run: bool,
}

/// How complete a result set is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Completeness {
    /// Every id asked for was settled (found or missing), or the listing
    /// went to its last page. Nothing asked yet is complete too.
    #[default]
    Complete,
    /// The query or listing is still under way.
    Running,
    /// It ended before every id or page was settled (a failure, or Cancel):
    /// `expected` users were asked for (the ids of a query, the server's
    /// total of a listing).
    Partial {
        /// Users asked for.
        expected: usize,
    },
}

impl Completeness {
    /// Whether the set is known to lack users it was asked for.
    pub fn is_partial(self) -> bool {
        matches!(self, Self::Partial { .. })
    }
}

/// Starts a new query or listing: the results on screen become the earlier
/// run (unless they hold nothing, or are already a run under way), and the
/// results are empty and running. What was the earlier run before is dropped,
/// unless the results on screen were it: then the latest run becomes the
/// earlier one.
pub fn begin_run(current: &mut Results, earlier: &mut Option<Results>) {
    let worth_keeping = current.completeness != Completeness::Running
        && !(current.rows.is_empty() && current.missing.is_empty() && current.failed.is_empty());
    let previous = std::mem::take(current);
    if previous.earlier_run {
        // The latest run is the one kept aside: it is now the earlier one.
        if let Some(latest) = earlier.as_mut() {
            latest.earlier_run = true;
        }
    } else if worth_keeping {
        *earlier = Some(Results {
            earlier_run: true,
            ..previous
        });
    }
    current.completeness = Completeness::Running;
}

/// Shows the other run: the earlier one in place of the latest, or back.
pub fn swap_runs(current: &mut Results, other: &mut Option<Results>) {
    if let Some(o) = other.as_mut() {
        std::mem::swap(current, o);
    }
}

/// Ids a cancellation left unsettled, as a failed request "Retry failed" can finish.
fn pending_chunk(pending: Vec<String>) -> Option<FailedChunk> {
    (!pending.is_empty()).then(|| FailedChunk {
        user_ids: pending,
        error: KooDriveError::aborted(),
    })
}

impl Results {
    /// Every id of the failed requests, in order.
    pub fn failed_ids(&self) -> Vec<String> {
        self.failed
            .iter()
            .flat_map(|f| f.user_ids.iter().cloned())
            .collect()
    }

    /// How many ids failed.
    pub fn failed_count(&self) -> usize {
        self.failed.iter().map(|f| f.user_ids.len()).sum()
    }

    /// The first failure that is not a cancellation (the one to explain).
    pub fn main_failure(&self) -> Option<&KooDriveError> {
        self.failed
            .iter()
            .map(|f| &f.error)
            .find(|e| e.kind != ErrorKind::Aborted)
    }

    /// A new query's report (`pending` ids, after a cancel, join the failed
    /// list). It replaces the results, also when every request failed: the
    /// results then say they are partial, and count only this query's users.
    pub fn apply_query(&mut self, report: BatchReport) {
        let BatchReport {
            items,
            missing,
            mut failed,
            pending,
        } = report;
        failed.extend(pending_chunk(pending));
        self.rows = items.into_iter().collect();
        self.listed_all = false;
        self.missing = missing;
        self.failed = failed;
        let expected = self.rows.len() + self.missing.len() + self.failed_count();
        self.completeness = if self.failed.is_empty() {
            Completeness::Complete
        } else {
            Completeness::Partial { expected }
        };
    }

    /// A retry of the failed ids: found users replace their old rows or are
    /// added, missing ids are added, and the failed list becomes the retry's.
    pub fn apply_retry(&mut self, report: BatchReport) {
        let BatchReport {
            items,
            missing,
            mut failed,
            pending,
        } = report;
        let mut at: HashMap<String, usize> = self
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r.user_id().to_owned(), i))
            .collect();
        for item in items {
            match at.get(&item.user_id) {
                Some(&i) => self.rows.replace(i, item),
                None => {
                    at.insert(item.user_id.clone(), self.rows.len());
                    self.rows.push(item);
                }
            }
        }
        let found: HashSet<&str> = at.keys().map(String::as_str).collect();
        self.missing.retain(|id| !found.contains(id.as_str()));
        let known: HashSet<String> = self.missing.iter().cloned().collect();
        self.missing
            .extend(missing.into_iter().filter(|id| !known.contains(id)));
        failed.extend(pending_chunk(pending));
        self.failed = failed;
        // Complete once every user asked for is settled (a listing that
        // stopped early still lacks the pages it did not fetch).
        if let Completeness::Partial { expected } = self.completeness
            && self.failed.is_empty()
            && self.rows.len() + self.missing.len() >= expected
        {
            self.completeness = Completeness::Complete;
        }
    }

    /// Starts a listing: everything is cleared, and it is running.
    pub fn start_listing(&mut self) {
        *self = Self {
            completeness: Completeness::Running,
            earlier_run: self.earlier_run,
            ..Self::default()
        };
    }

    /// The end of a listing: complete when it went to its last page,
    /// partial against the server's `total` (or what came) otherwise.
    pub fn end_listing(&mut self, reached_end: bool, total: Option<usize>) {
        self.completeness = if reached_end {
            Completeness::Complete
        } else {
            Completeness::Partial {
                expected: total.unwrap_or(self.rows.len()).max(self.rows.len()),
            }
        };
    }

    /// One page of a listing (or several). The first pages make room for
    /// the server's `total` (up to [`RESERVE_AT_MOST`] users), so a million
    /// rows do not outgrow their room, and leave a copy behind, twenty
    /// times over.
    pub fn append_page(&mut self, items: Vec<UserSpaceQuota>, total: Option<usize>) {
        if self.rows.is_empty() && !items.is_empty() {
            let more = total.unwrap_or(0).min(RESERVE_AT_MOST);
            let id_bytes: usize = items.iter().map(|r| r.user_id.len()).sum();
            self.rows
                .reserve(more, more.saturating_mul(id_bytes) / items.len());
        }
        self.rows.extend(items);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: &str, used: f64) -> UserSpaceQuota {
        UserSpaceQuota::new(id, 100, used)
    }

    fn failed(ids: &[&str], kind: ErrorKind) -> FailedChunk {
        FailedChunk {
            user_ids: ids.iter().map(|s| (*s).to_owned()).collect(),
            error: KooDriveError::new(kind, "x"),
        }
    }

    fn ids(results: &Results) -> Vec<(&str, Option<f64>)> {
        results
            .rows
            .iter()
            .map(|r| (r.user_id(), r.used()))
            .collect()
    }

    #[test]
    fn a_query_replaces_and_a_retry_merges() {
        let mut r = Results::default();
        r.apply_query(BatchReport {
            items: vec![user("1", 10.0)],
            missing: vec!["9".into()],
            failed: vec![failed(&["2", "3"], ErrorKind::Http)],
            pending: vec!["4".into()],
        });
        assert_eq!(r.completeness, Completeness::Partial { expected: 5 });
        assert_eq!(r.failed_ids(), ["2", "3", "4"]);
        assert_eq!(r.failed_count(), 3);
        assert_eq!(r.main_failure().map(|e| e.kind), Some(ErrorKind::Http));
        r.apply_retry(BatchReport {
            items: vec![user("2", 20.0), user("1", 11.0)],
            missing: vec!["3".into(), "9".into()],
            failed: vec![],
            pending: vec![],
        });
        assert_eq!(ids(&r), [("1", Some(11.0)), ("2", Some(20.0))]);
        assert_eq!(r.missing, ["9", "3"]);
        assert!(r.failed.is_empty());
    }

    #[test]
    fn a_query_that_only_failed_replaces_the_table_and_says_it_is_partial() {
        let mut r = Results::default();
        let mut earlier = None;
        begin_run(&mut r, &mut earlier);
        r.apply_query(BatchReport {
            items: vec![user("1", 10.0)],
            ..BatchReport::default()
        });
        assert_eq!(r.completeness, Completeness::Complete);
        begin_run(&mut r, &mut earlier);
        assert_eq!(r.completeness, Completeness::Running);
        assert!(r.rows.is_empty(), "a new run starts empty");
        r.apply_query(BatchReport {
            failed: vec![failed(&["1", "5"], ErrorKind::Auth)],
            ..BatchReport::default()
        });
        assert!(r.rows.is_empty(), "the earlier rows are not counted in");
        assert_eq!(r.failed_count(), 2);
        assert_eq!(r.completeness, Completeness::Partial { expected: 2 });
        let kept = earlier.as_ref().map(|e| (ids(e), e.earlier_run));
        assert_eq!(kept, Some((vec![("1", Some(10.0))], true)));
        // The earlier run can be shown again, and the latest back.
        swap_runs(&mut r, &mut earlier);
        assert!(r.earlier_run);
        assert_eq!(ids(&r), [("1", Some(10.0))]);
        swap_runs(&mut r, &mut earlier);
        assert!(!r.earlier_run);
        assert_eq!(r.failed_count(), 2);
        // A retry that settles every failed id makes it complete.
        r.apply_retry(BatchReport {
            items: vec![user("1", 11.0)],
            missing: vec!["5".into()],
            ..BatchReport::default()
        });
        assert_eq!(r.completeness, Completeness::Complete);
    }

    #[test]
    fn a_new_run_while_the_earlier_one_is_shown_keeps_the_latest_as_earlier() {
        let mut r = Results::default();
        let mut earlier = None;
        for id in ["1", "2"] {
            begin_run(&mut r, &mut earlier);
            r.apply_query(BatchReport {
                items: vec![user(id, 1.0)],
                ..BatchReport::default()
            });
        }
        swap_runs(&mut r, &mut earlier);
        assert_eq!(ids(&r), [("1", Some(1.0))]);
        begin_run(&mut r, &mut earlier);
        let kept = earlier.as_ref().map(|e| (ids(e), e.earlier_run));
        assert_eq!(kept, Some((vec![("2", Some(1.0))], true)));
        assert!(!r.earlier_run);
    }

    #[test]
    fn a_listing_that_stops_early_is_partial_against_the_servers_total() {
        let mut r = Results::default();
        r.start_listing();
        r.append_page(vec![user("1", 1.0), user("2", 1.0)], Some(20));
        assert_eq!(r.completeness, Completeness::Running);
        r.end_listing(false, Some(20));
        assert_eq!(r.completeness, Completeness::Partial { expected: 20 });
        r.end_listing(true, Some(2));
        assert_eq!(r.completeness, Completeness::Complete);
    }

    #[test]
    fn a_listing_appends_pages() {
        let mut r = Results::default();
        r.apply_query(BatchReport {
            missing: vec!["9".into()],
            ..BatchReport::default()
        });
        r.start_listing();
        r.append_page(vec![user("1", 1.0)], None);
        r.append_page(vec![user("2", 2.0)], None);
        assert_eq!(ids(&r).len(), 2);
        assert!(r.missing.is_empty());
    }
}
