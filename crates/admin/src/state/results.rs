//! [`Results`]: everything the last queries settled — the rows found, the ids
//! the server does not know (missing) and the requests that failed — and how
//! a new answer changes them: a query replaces them, a retry merges into
//! them, a listing appends page by page. A query whose every request failed
//! (a refused token, say) keeps what was on screen.

use std::collections::{HashMap, HashSet};

use koodrive_core::{BatchReport, ErrorKind, FailedChunk, KooDriveError, UserSpaceQuota};

use super::rows::Row;

/// What the page has settled so far.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Results {
    /// Users found, in the order they were asked for (or listed).
    pub rows: Vec<Row>,
    /// Ids the server does not know.
    pub missing: Vec<String>,
    /// Requests that failed after their retries, or were cancelled before an answer.
    pub failed: Vec<FailedChunk>,
    /// Whether the rows are every user of the tenant (a listing went to its
    /// last page): only then are directory users missing from them unknown
    /// to KooDrive.
    pub listed_all: bool,
}

/// What [`Results::apply_query`] did with a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// The report replaced the results.
    Replaced,
    /// Nothing settled but failures: the rows on screen were kept.
    KeptRows,
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
    /// list). It replaces the results, unless nothing at all was found or
    /// missing: then the rows and missing ids on screen stay, and only the
    /// failed list is replaced.
    pub fn apply_query(&mut self, report: BatchReport) -> Applied {
        let BatchReport {
            items,
            missing,
            mut failed,
            pending,
        } = report;
        failed.extend(pending_chunk(pending));
        if items.is_empty() && missing.is_empty() && !failed.is_empty() {
            self.failed = failed;
            return Applied::KeptRows;
        }
        self.rows = items.into_iter().map(Row::new).collect();
        self.listed_all = false;
        self.missing = missing;
        self.failed = failed;
        Applied::Replaced
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
                Some(&i) => self.rows[i] = Row::new(item),
                None => {
                    at.insert(item.user_id.clone(), self.rows.len());
                    self.rows.push(Row::new(item));
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
    }

    /// Starts a listing: everything is cleared.
    pub fn start_listing(&mut self) {
        *self = Self::default();
    }

    /// One page of a listing.
    pub fn append_page(&mut self, items: Vec<UserSpaceQuota>) {
        self.rows.extend(items.into_iter().map(Row::new));
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
        results.rows.iter().map(|r| (r.user_id(), r.used)).collect()
    }

    #[test]
    fn a_query_replaces_and_a_retry_merges() {
        let mut r = Results::default();
        let applied = r.apply_query(BatchReport {
            items: vec![user("1", 10.0)],
            missing: vec!["9".into()],
            failed: vec![failed(&["2", "3"], ErrorKind::Http)],
            pending: vec!["4".into()],
        });
        assert_eq!(applied, Applied::Replaced);
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
    fn a_query_that_only_failed_keeps_the_table() {
        let mut r = Results::default();
        r.apply_query(BatchReport {
            items: vec![user("1", 10.0)],
            ..BatchReport::default()
        });
        let applied = r.apply_query(BatchReport {
            failed: vec![failed(&["1", "5"], ErrorKind::Auth)],
            ..BatchReport::default()
        });
        assert_eq!(applied, Applied::KeptRows);
        assert_eq!(ids(&r), [("1", Some(10.0))]);
        assert_eq!(r.failed_count(), 2);
    }

    #[test]
    fn a_listing_appends_pages() {
        let mut r = Results::default();
        r.apply_query(BatchReport {
            missing: vec!["9".into()],
            ..BatchReport::default()
        });
        r.start_listing();
        r.append_page(vec![user("1", 1.0)]);
        r.append_page(vec![user("2", 2.0)]);
        assert_eq!(ids(&r).len(), 2);
        assert!(r.missing.is_empty());
    }
}
