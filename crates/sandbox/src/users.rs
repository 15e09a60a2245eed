//! The sandbox's users: the records in paging order, indexed by id so that a
//! query for 50 ids costs 50 look-ups whatever the number of users. Where they
//! come from lives in `generate` (made up from a seed) and `data` (read from
//! JSON); this file only keeps and finds them.

use std::collections::HashMap;

use koodrive_core::UserSpaceQuota;

use crate::data::{DataError, check_records};

/// Where the users came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataSource {
    /// Made up by [`Users::generate`] from this seed: demo data.
    Generated {
        /// The seed.
        seed: u64,
    },
    /// Given by the caller (`--data FILE`, or records handed in).
    Given,
}

/// Every user the sandbox knows, in paging order.
#[derive(Debug, Clone)]
pub struct Users {
    records: Vec<UserSpaceQuota>,
    index: HashMap<String, usize>,
    source: DataSource,
}

impl Users {
    /// Users from records given by the caller. Refuses the first record that
    /// is unusable (see [`DataError`]): bad quota or `used`, empty or
    /// repeated `userId`, unreadable times.
    pub fn from_records(records: Vec<UserSpaceQuota>) -> Result<Self, DataError> {
        let index = check_records(&records)?;
        Ok(Self {
            records,
            index,
            source: DataSource::Given,
        })
    }

    /// Users from a JSON array of `UserSpaceQuota` objects (the `--data` file).
    pub fn from_json(bytes: &[u8]) -> Result<Self, DataError> {
        let records: Vec<UserSpaceQuota> =
            serde_json::from_slice(bytes).map_err(|e| DataError::not_an_array(&e))?;
        Self::from_records(records)
    }

    /// `count` made-up users, the same for the same `seed` and `now_ms` (see
    /// [`crate::generate_users`]).
    pub fn generate(count: usize, seed: u64, now_ms: i64) -> Self {
        let records = crate::generate::generate_users(count, seed, now_ms);
        let index = records
            .iter()
            .enumerate()
            .map(|(i, r)| (r.user_id.clone(), i))
            .collect();
        Self {
            records,
            index,
            source: DataSource::Generated { seed },
        }
    }

    /// How many users there are.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Where they came from.
    pub fn source(&self) -> DataSource {
        self.source
    }

    /// Every record, in paging order.
    pub fn records(&self) -> &[UserSpaceQuota] {
        &self.records
    }

    /// The user with this id.
    pub fn get(&self, user_id: &str) -> Option<&UserSpaceQuota> {
        self.index.get(user_id).map(|&i| &self.records[i])
    }

    /// At most `limit` users from position `offset` (empty past the end).
    pub fn page(&self, offset: u64, limit: usize) -> &[UserSpaceQuota] {
        let start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.records.len());
        let end = start.saturating_add(limit).min(self.records.len());
        &self.records[start..end]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn users() -> Users {
        Users::from_records(vec![
            UserSpaceQuota::new("1", 10, 1.0),
            UserSpaceQuota::new("2", 10, 2.0),
            UserSpaceQuota::new("3", 10, 3.0),
        ])
        .unwrap()
    }

    #[test]
    fn users_are_found_by_id() {
        let u = users();
        assert_eq!(u.get("2").map(|r| r.used), Some(Some(2.0)));
        assert!(u.get("4").is_none());
        assert_eq!(u.len(), 3);
        assert_eq!(u.source(), DataSource::Given);
    }

    #[test]
    fn pages_stop_at_the_end() {
        let u = users();
        let ids = |p: &[UserSpaceQuota]| p.iter().map(|r| r.user_id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(u.page(0, 2)), ["1", "2"]);
        assert_eq!(ids(u.page(2, 2)), ["3"]);
        assert!(u.page(3, 2).is_empty());
        assert!(u.page(u64::MAX, 100).is_empty());
    }
}
