//! What one snapshot holds: [`Snapshot`] (when it was taken, where its data
//! came from, and every user's quota, usage and times) and [`SnapshotUser`].
//! Nothing here encodes or stores; that is `format`.

use std::sync::Arc;

use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::quota::UserSpaceQuota;
use crate::xdate::{format_iso8601, parse_iso8601, unix_ms_to_datetime};

/// Where a snapshot's users came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SnapshotSource {
    /// A complete listing of every user of the tenant.
    Listing,
    /// A query for some users by id.
    Query,
    /// Imported from a file (such as an earlier CSV export).
    Import,
}

impl SnapshotSource {
    /// Every source, in the order of their stored codes.
    pub const ALL: [SnapshotSource; 3] = [Self::Listing, Self::Query, Self::Import];

    /// `listing`, `query` or `import`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Listing => "listing",
            Self::Query => "query",
            Self::Import => "import",
        }
    }

    /// The source named by [`SnapshotSource::as_str`].
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }

    pub(crate) fn code(self) -> u8 {
        match self {
            Self::Listing => 0,
            Self::Query => 1,
            Self::Import => 2,
        }
    }

    pub(crate) fn from_code(code: u8) -> Option<Self> {
        Self::ALL.get(usize::from(code)).copied()
    }
}

/// One user in a snapshot: the exact quota, the space used and the quota's
/// period, in the server's unit (the same as the wire's).
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotUser {
    /// The user's KooDrive id (shared between snapshots, so cheap to copy).
    pub user_id: Arc<str>,
    /// The quota, exact (also beyond 2^53).
    pub quota: u64,
    /// The space used, as the server sent it (kept bit for bit).
    pub used: f64,
    /// When the quota takes effect, Unix milliseconds.
    pub effective_ms: Option<i64>,
    /// When the quota expires, Unix milliseconds.
    pub expiration_ms: Option<i64>,
}

impl SnapshotUser {
    /// A user with a quota and usage and no times.
    pub fn new(user_id: &str, quota: u64, used: f64) -> Self {
        Self {
            user_id: Arc::from(user_id),
            quota,
            used,
            effective_ms: None,
            expiration_ms: None,
        }
    }

    /// The user of a usable wire record; `None` when the record's numbers
    /// cannot be used (see [`UserSpaceQuota::problem`]). Times that do not
    /// read as ISO-8601 are left out.
    pub fn from_record(record: &UserSpaceQuota) -> Option<Self> {
        let quota = record.quota_value()?;
        let used = record.used?;
        let ms = |t: &Option<String>| {
            t.as_deref()
                .and_then(parse_iso8601)
                .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
        };
        Some(Self {
            user_id: Arc::from(record.user_id.as_str()),
            quota,
            used,
            effective_ms: ms(&record.effective_time),
            expiration_ms: ms(&record.expiration_time),
        })
    }

    /// Back to a wire record (times in ISO-8601 with milliseconds, UTC).
    pub fn to_record(&self) -> UserSpaceQuota {
        let mut record = UserSpaceQuota::new(self.user_id.as_ref(), self.quota, self.used);
        record.effective_time = self.effective_ms.map(iso);
        record.expiration_time = self.expiration_ms.map(iso);
        record
    }

    /// `used / quota`; `None` when the quota is 0.
    pub fn used_ratio(&self) -> Option<f64> {
        (self.quota > 0).then(|| self.used / self.quota as f64)
    }
}

fn iso(ms: i64) -> String {
    format_iso8601(unix_ms_to_datetime(ms))
}

impl Serialize for SnapshotUser {
    /// The wire's names: `userId`, `quota` (a string of digits, exact), `used`,
    /// and `effectiveTime` / `expirationTime` when known.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let fields = 3
            + usize::from(self.effective_ms.is_some())
            + usize::from(self.expiration_ms.is_some());
        let mut out = s.serialize_struct("SnapshotUser", fields)?;
        out.serialize_field("userId", self.user_id.as_ref())?;
        out.serialize_field("quota", &self.quota.to_string())?;
        out.serialize_field("used", &self.used)?;
        if let Some(ms) = self.effective_ms {
            out.serialize_field("effectiveTime", &iso(ms))?;
        }
        if let Some(ms) = self.expiration_ms {
            out.serialize_field("expirationTime", &iso(ms))?;
        }
        out.end()
    }
}

/// The longest user id a snapshot keeps, in bytes (KooDrive's ids have 19
/// digits); a user with an empty or longer id is left out.
pub const MAX_USER_ID_BYTES: usize = 256;

/// Every user's quota and usage at one moment. Users are kept sorted by id,
/// each id once.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// When it was taken, Unix milliseconds.
    pub taken_at_ms: i64,
    /// Where its users came from.
    pub source: SnapshotSource,
    users: Vec<SnapshotUser>,
}

impl Snapshot {
    /// A snapshot of these users; a repeated id keeps its first entry, and
    /// an empty id or one longer than [`MAX_USER_ID_BYTES`] is left out.
    pub fn new(
        taken_at_ms: i64,
        source: SnapshotSource,
        users: impl IntoIterator<Item = SnapshotUser>,
    ) -> Self {
        let mut users: Vec<SnapshotUser> = users
            .into_iter()
            .filter(|u| !u.user_id.is_empty() && u.user_id.len() <= MAX_USER_ID_BYTES)
            .collect();
        // Stable: among equal ids the first one given comes first and stays.
        users.sort_by(|a, b| a.user_id.cmp(&b.user_id));
        users.dedup_by(|later, earlier| later.user_id == earlier.user_id);
        Self {
            taken_at_ms,
            source,
            users,
        }
    }

    /// A snapshot of the usable records among `records`, borrowed or owned
    /// (records whose numbers cannot be used are left out).
    pub fn from_records<R: std::borrow::Borrow<UserSpaceQuota>>(
        taken_at_ms: i64,
        source: SnapshotSource,
        records: impl IntoIterator<Item = R>,
    ) -> Self {
        Self::new(
            taken_at_ms,
            source,
            records
                .into_iter()
                .filter_map(|r| SnapshotUser::from_record(r.borrow())),
        )
    }

    /// Users already sorted by id and unique (the decoder's promise).
    pub(crate) fn from_sorted(
        taken_at_ms: i64,
        source: SnapshotSource,
        users: Vec<SnapshotUser>,
    ) -> Self {
        Self {
            taken_at_ms,
            source,
            users,
        }
    }

    /// Every user, sorted by id.
    pub fn users(&self) -> &[SnapshotUser] {
        &self.users
    }

    /// The user with this id.
    pub fn user(&self, user_id: &str) -> Option<&SnapshotUser> {
        self.users
            .binary_search_by(|u| u.user_id.as_ref().cmp(user_id))
            .ok()
            .map(|i| &self.users[i])
    }

    /// How many users it holds.
    pub fn len(&self) -> usize {
        self.users.len()
    }

    /// Whether it holds no user.
    pub fn is_empty(&self) -> bool {
        self.users.is_empty()
    }

    /// The sum of every user's quota, exact.
    pub fn total_quota(&self) -> u128 {
        self.users.iter().map(|u| u128::from(u.quota)).sum()
    }

    /// The sum of every user's usage.
    pub fn total_used(&self) -> f64 {
        self.users.iter().map(|u| u.used).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_are_sorted_by_id_and_a_repeated_id_keeps_its_first_entry() {
        let s = Snapshot::new(
            0,
            SnapshotSource::Query,
            [
                SnapshotUser::new("3", 10, 1.0),
                SnapshotUser::new("1", 10, 2.0),
                SnapshotUser::new("3", 10, 9.0),
            ],
        );
        let ids: Vec<&str> = s.users().iter().map(|u| u.user_id.as_ref()).collect();
        assert_eq!(ids, ["1", "3"]);
        assert_eq!(s.user("3").map(|u| u.used), Some(1.0));
        assert_eq!(s.user("2"), None);
    }

    #[test]
    fn records_become_users_with_exact_quotas_and_their_times() {
        let mut big = UserSpaceQuota::new("9", u64::MAX, 1.5);
        big.expiration_time = Some("2025-12-12T08:37:14.613Z".into());
        big.effective_time = Some("not a time".into());
        let mut bad = UserSpaceQuota::new("8", 1, 1.0);
        bad.quota = "x".into();
        let s = Snapshot::from_records(1, SnapshotSource::Listing, [&big, &bad]);
        assert_eq!(s.len(), 1);
        let user = &s.users()[0];
        assert_eq!(user.quota, u64::MAX);
        assert_eq!(user.expiration_ms, Some(1_765_528_634_613));
        assert_eq!(user.effective_ms, None);
        let back = user.to_record();
        assert_eq!(back.quota, "18446744073709551615");
        assert_eq!(
            back.expiration_time.as_deref(),
            Some("2025-12-12T08:37:14.613Z")
        );
        assert_eq!(s.total_quota(), u128::from(u64::MAX));
    }

    #[test]
    fn users_serialize_with_the_wires_names_and_an_exact_quota() {
        let mut u = SnapshotUser::new("7", (1 << 53) + 1, 2.5);
        u.effective_ms = Some(0);
        let json = serde_json::to_string(&u).unwrap();
        assert_eq!(
            json,
            r#"{"userId":"7","quota":"9007199254740993","used":2.5,"effectiveTime":"1970-01-01T00:00:00.000Z"}"#
        );
    }
}
