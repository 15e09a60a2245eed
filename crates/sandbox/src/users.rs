//! The sandbox's users: the records in paging order, indexed by id so that a
//! query for 50 ids costs 50 look-ups whatever the number of users, and each
//! record's JSON written once, when the users are made, so that an answer is
//! put together from ready bytes instead of copying and serializing its
//! records on every request. Where they come from lives in `generate` (made
//! up from a seed) and `data` (read from JSON); this file only keeps and
//! finds them, and ages them (`rates` says by how much).

use std::collections::HashMap;

use koodrive_core::UserSpaceQuota;

use crate::data::{DataError, check_records};
use crate::rates::{aged_used, rate_tenths};

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
    /// Every record's JSON, one after another; record `i` ends at `json_ends[i]`.
    json: String,
    json_ends: Vec<usize>,
    /// Each record's usage on day 0 and daily rate in tenths (see `rates`).
    initial_used: Vec<f64>,
    rates: Vec<i64>,
}

/// Each record's JSON, written as serde_json writes it, in one string.
fn write_json(records: &[UserSpaceQuota]) -> (String, Vec<usize>) {
    let mut json = String::with_capacity(records.len() * 200);
    let mut ends = Vec::with_capacity(records.len());
    for record in records {
        // Strings and finite numbers only (checked or made so): this cannot
        // fail; if it did, the record would read as `null`.
        match serde_json::to_string(record) {
            Ok(text) => json.push_str(&text),
            Err(_) => json.push_str("null"),
        }
        ends.push(json.len());
    }
    (json, ends)
}

impl Users {
    /// Users from records given by the caller. Refuses the first record that
    /// is unusable (see [`DataError`]): bad quota or `used`, empty or
    /// repeated `userId`, unreadable times.
    pub fn from_records(records: Vec<UserSpaceQuota>) -> Result<Self, DataError> {
        let index = check_records(&records)?;
        Ok(Self::assemble(records, index, DataSource::Given))
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
        Self::assemble(records, index, DataSource::Generated { seed })
    }

    fn assemble(
        records: Vec<UserSpaceQuota>,
        index: HashMap<String, usize>,
        source: DataSource,
    ) -> Self {
        let (json, json_ends) = write_json(&records);
        let initial_used = records.iter().map(|r| r.used.unwrap_or(0.0)).collect();
        let rates = records.iter().map(rate_tenths).collect();
        Self {
            records,
            index,
            source,
            json,
            json_ends,
            initial_used,
            rates,
        }
    }

    /// The same users `days` days after day 0: each `used` moved by the
    /// user's own daily rate (see [`Users::used_per_day`]).
    pub fn aged(&self, days: f64) -> Self {
        let records: Vec<UserSpaceQuota> = self
            .records
            .iter()
            .zip(self.initial_used.iter().zip(&self.rates))
            .map(|(record, (&initial, &rate))| {
                let mut record = record.clone();
                record.used = Some(aged_used(initial, rate, days));
                record
            })
            .collect();
        let (json, json_ends) = write_json(&records);
        Self {
            records,
            index: self.index.clone(),
            source: self.source,
            json,
            json_ends,
            initial_used: self.initial_used.clone(),
            rates: self.rates.clone(),
        }
    }

    /// How much the user with this id uses more each day the sandbox ages
    /// (negative when shrinking), in the server's unit.
    pub fn used_per_day(&self, user_id: &str) -> Option<f64> {
        self.position(user_id).map(|i| self.rates[i] as f64 / 10.0)
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

    /// The position (in paging order) of the user with this id.
    pub fn position(&self, user_id: &str) -> Option<usize> {
        self.index.get(user_id).copied()
    }

    /// The JSON of the record at `position`, as serde_json writes it
    /// (empty past the end).
    pub fn json(&self, position: usize) -> &str {
        let end = self.json_ends.get(position).copied().unwrap_or(0);
        let start = match position.checked_sub(1) {
            Some(before) => self.json_ends.get(before).copied().unwrap_or(end),
            None => 0,
        };
        self.json.get(start..end).unwrap_or("")
    }

    /// The positions `page` would return: at most `limit` from `offset`.
    pub fn page_positions(&self, offset: u64, limit: usize) -> std::ops::Range<usize> {
        let start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.records.len());
        let end = start.saturating_add(limit).min(self.records.len());
        start..end
    }

    /// At most `limit` users from position `offset` (empty past the end).
    pub fn page(&self, offset: u64, limit: usize) -> &[UserSpaceQuota] {
        &self.records[self.page_positions(offset, limit)]
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
    fn each_records_json_is_what_serde_json_writes() {
        let u = Users::generate(50, 7, 1_764_244_800_000);
        for (i, record) in u.records().iter().enumerate() {
            assert_eq!(u.json(i), serde_json::to_string(record).unwrap());
        }
        assert_eq!(u.json(50), "");
        assert_eq!(u.position(&u.records()[3].user_id), Some(3));
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

#[cfg(test)]
mod aging_tests {
    use super::*;

    #[test]
    fn aged_users_move_by_their_own_rate_and_answer_with_it() {
        let users = Users::generate(200, 42, 1_764_244_800_000);
        let aged = users.aged(10.0);
        let mut moved = 0;
        for (i, (before, after)) in users.records().iter().zip(aged.records()).enumerate() {
            let rate = users.used_per_day(&before.user_id).unwrap();
            let expected = (before.used.unwrap() + 10.0 * rate).max(0.0);
            let got = after.used.unwrap();
            assert!(
                (got - expected).abs() <= 0.06 + 1e-9 * expected,
                "{got} vs {expected}"
            );
            assert_eq!(aged.json(i), serde_json::to_string(after).unwrap());
            moved += usize::from(got != before.used.unwrap());
        }
        assert!(moved > 100, "{moved}");
        assert_eq!(aged.aged(0.0).records(), users.records());
        assert_eq!(users.used_per_day("nobody"), None);
    }
}
