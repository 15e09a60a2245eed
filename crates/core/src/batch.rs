//! Any number of ids: [`plan_batches`] deduplicates them (first-seen order)
//! and splits them into requests of at most 50; [`BatchCollector`] gathers
//! each chunk's outcome so that every id ends in exactly one of items,
//! missing or failed, whatever order the chunks settle in.

use std::collections::{HashMap, HashSet};

use crate::error::KooDriveError;
use crate::quota::UserSpaceQuota;
use crate::request::MAX_USER_IDS;
use crate::validate::ValidationError;

/// The deduplicated ids, split into chunks of at most 50.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchPlan {
    unique: Vec<String>,
    chunk_size: usize,
}

/// Checks every id (none empty) and plans the chunks. An invalid id anywhere
/// refuses the whole list before anything is sent.
pub fn plan_batches<S: AsRef<str>>(ids: &[S]) -> Result<BatchPlan, ValidationError> {
    let mut seen = HashSet::with_capacity(ids.len());
    let mut unique = Vec::with_capacity(ids.len());
    for (index, id) in ids.iter().enumerate() {
        let id = id.as_ref();
        if id.trim().is_empty() {
            return Err(ValidationError::BlankUserId { index });
        }
        if seen.insert(id) {
            unique.push(id.to_owned());
        }
    }
    Ok(BatchPlan {
        unique,
        chunk_size: MAX_USER_IDS,
    })
}

impl BatchPlan {
    /// The ids, deduplicated, in first-seen order.
    pub fn unique_ids(&self) -> &[String] {
        &self.unique
    }

    /// How many chunks (requests).
    pub fn chunk_count(&self) -> usize {
        self.unique.len().div_ceil(self.chunk_size)
    }

    /// The ids of chunk `index`.
    pub fn chunk(&self, index: usize) -> &[String] {
        let start = (index * self.chunk_size).min(self.unique.len());
        let end = (start + self.chunk_size).min(self.unique.len());
        &self.unique[start..end]
    }
}

/// A chunk that failed after its retries.
#[derive(Debug, Clone, PartialEq)]
pub struct FailedChunk {
    /// The chunk's ids.
    pub user_ids: Vec<String>,
    /// Why it failed.
    pub error: KooDriveError,
}

/// Where every id ended.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BatchReport {
    /// Records found, in the input's first-seen order.
    pub items: Vec<UserSpaceQuota>,
    /// Ids the server does not know.
    pub missing: Vec<String>,
    /// Chunks that failed, with their errors.
    pub failed: Vec<FailedChunk>,
    /// Ids whose chunk has not settled (only after a cancellation).
    pub pending: Vec<String>,
}

enum Outcome {
    Found(HashMap<String, UserSpaceQuota>),
    Failed(KooDriveError),
}

/// Collects chunk outcomes for one [`BatchPlan`].
pub struct BatchCollector {
    plan: BatchPlan,
    outcomes: Vec<Option<Outcome>>,
    settled_ids: usize,
}

impl BatchCollector {
    /// A collector with nothing settled.
    pub fn new(plan: BatchPlan) -> Self {
        let outcomes = (0..plan.chunk_count()).map(|_| None).collect();
        Self {
            plan,
            outcomes,
            settled_ids: 0,
        }
    }

    /// The plan.
    pub fn plan(&self) -> &BatchPlan {
        &self.plan
    }

    /// How many ids have settled (for progress).
    pub fn settled_ids(&self) -> usize {
        self.settled_ids
    }

    /// How many ids there are in all.
    pub fn total_ids(&self) -> usize {
        self.plan.unique.len()
    }

    /// Records chunk `index`'s answer. Records for ids the chunk did not ask
    /// for are ignored; the first record of an id wins.
    pub fn succeed(&mut self, index: usize, items: Vec<UserSpaceQuota>) {
        let asked: HashSet<&str> = self.plan.chunk(index).iter().map(String::as_str).collect();
        let mut found = HashMap::with_capacity(items.len());
        for item in items {
            if asked.contains(item.user_id.as_str()) {
                found.entry(item.user_id.clone()).or_insert(item);
            }
        }
        self.settle(index, Outcome::Found(found));
    }

    /// Records that chunk `index` failed.
    pub fn fail(&mut self, index: usize, error: KooDriveError) {
        self.settle(index, Outcome::Failed(error));
    }

    fn settle(&mut self, index: usize, outcome: Outcome) {
        if let Some(slot) = self.outcomes.get_mut(index) {
            if slot.is_none() {
                self.settled_ids += self.plan.chunk(index).len();
            }
            *slot = Some(outcome);
        }
    }

    /// The report so far; unsettled chunks' ids are `pending`.
    pub fn report(&self) -> BatchReport {
        let mut report = BatchReport::default();
        for (index, outcome) in self.outcomes.iter().enumerate() {
            let ids = self.plan.chunk(index);
            match outcome {
                Some(Outcome::Found(found)) => {
                    for id in ids {
                        match found.get(id) {
                            Some(item) => report.items.push(item.clone()),
                            None => report.missing.push(id.clone()),
                        }
                    }
                }
                Some(Outcome::Failed(error)) => report.failed.push(FailedChunk {
                    user_ids: ids.to_vec(),
                    error: error.clone(),
                }),
                None => report.pending.extend_from_slice(ids),
            }
        }
        report
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn ids(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("u{i}")).collect()
    }

    #[test]
    fn ids_are_deduplicated_in_first_seen_order_and_split_by_fifty() {
        let mut input = ids(120);
        input.insert(0, "u7".into());
        input.push("u0".into());
        let plan = plan_batches(&input).unwrap();
        assert_eq!(plan.unique_ids().len(), 120);
        assert_eq!(plan.unique_ids()[0], "u7");
        assert_eq!(plan.unique_ids()[1], "u0");
        assert_eq!(plan.chunk_count(), 3);
        assert_eq!(
            [
                plan.chunk(0).len(),
                plan.chunk(1).len(),
                plan.chunk(2).len()
            ],
            [50, 50, 20]
        );
        assert_eq!(plan_batches::<String>(&[]).unwrap().chunk_count(), 0);
    }

    #[test]
    fn an_empty_id_anywhere_refuses_the_whole_list() {
        let mut input = ids(80);
        input[61] = " ".into();
        assert_eq!(
            plan_batches(&input),
            Err(ValidationError::BlankUserId { index: 61 })
        );
    }

    #[test]
    fn every_id_ends_in_exactly_one_list_whatever_the_order_of_settling() {
        let plan = plan_batches(&ids(130)).unwrap();
        let mut c = BatchCollector::new(plan);
        // Chunk 2 settles first: found all but u101.
        let items = c
            .plan()
            .chunk(2)
            .iter()
            .filter(|id| *id != "u101")
            .map(|id| UserSpaceQuota::new(id.clone(), 10, 1.0))
            .collect();
        c.succeed(2, items);
        c.fail(0, KooDriveError::new(ErrorKind::Http, "503"));
        let partial = c.report();
        assert_eq!(partial.pending.len(), 50);
        assert_eq!(c.settled_ids(), 80);
        // Chunk 1: the server also returns an id nobody asked for, and one twice.
        let mut items: Vec<_> = c
            .plan()
            .chunk(1)
            .iter()
            .map(|id| UserSpaceQuota::new(id.clone(), 10, 1.0))
            .collect();
        items.push(UserSpaceQuota::new("stranger", 1, 1.0));
        items.push(UserSpaceQuota::new("u50", 99, 1.0));
        c.succeed(1, items);
        let r = c.report();
        assert!(r.pending.is_empty());
        assert_eq!(
            r.items.len()
                + r.missing.len()
                + r.failed.iter().map(|f| f.user_ids.len()).sum::<usize>(),
            130
        );
        assert_eq!(r.missing, ["u101"]);
        assert_eq!(r.items[0].user_id, "u50");
        assert_eq!(r.items[0].quota, "10");
        assert_eq!(r.failed[0].user_ids[0], "u0");
        let order: Vec<_> = r.items.iter().map(|i| i.user_id.as_str()).collect();
        let mut sorted_by_input = order.clone();
        sorted_by_input.sort_by_key(|id| id[1..].parse::<u32>().unwrap());
        assert_eq!(order, sorted_by_input);
    }
}
