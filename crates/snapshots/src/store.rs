//! The store's two sides, as traits: the one writer (the gateway's snapshot
//! task) and any number of readers (its HTTP handlers). A reader never waits
//! for a snapshot being written and never sees one half written.

use koodrive_core::UserSpaceQuota;
use koodrive_core::history::SnapshotUser;

use crate::model::{HistoryPoint, SnapshotInfo, StoreError};

/// The writing side: one snapshot at a time, each in one transaction.
pub trait SnapshotWriter {
    /// Starts a snapshot taken at `taken_at_ms`. Nothing of it is visible
    /// until [`SnapshotWriter::commit`].
    fn begin(&mut self, taken_at_ms: i64) -> Result<(), StoreError>;
    /// Adds users to the snapshot begun (a user added twice keeps the last record).
    fn add(&mut self, users: &[UserSpaceQuota]) -> Result<(), StoreError>;
    /// Stores the snapshot begun, all of it at once.
    fn commit(&mut self) -> Result<SnapshotInfo, StoreError>;
    /// Drops the snapshot begun, leaving nothing of it. Does nothing when
    /// none is begun.
    fn abandon(&mut self);
    /// Deletes the snapshots taken before `cutoff_ms`; gives how many.
    fn forget_before(&mut self, cutoff_ms: i64) -> Result<u64, StoreError>;
}

/// The reading side.
pub trait SnapshotReader: Send + Sync {
    /// Every stored snapshot, oldest first.
    fn list(&self) -> Result<Vec<SnapshotInfo>, StoreError>;
    /// The latest stored snapshot, if any.
    fn latest(&self) -> Result<Option<SnapshotInfo>, StoreError> {
        Ok(self.list()?.pop())
    }
    /// Gives one snapshot's users to `each`, in batches, in the order they
    /// were listed; `None` when there is no snapshot `id`. `each` returning
    /// `false` stops early (the caller went away).
    fn read_snapshot(
        &self,
        id: i64,
        each: &mut dyn FnMut(&SnapshotInfo, &[UserSpaceQuota]) -> bool,
    ) -> Result<Option<SnapshotInfo>, StoreError>;
    /// Gives one snapshot's usable users (a quota of digits and a `used`
    /// number, what the page's history keeps; see
    /// [`SnapshotUser::from_record`]) to `each`, in batches, as
    /// [`SnapshotReader::read_snapshot`] does. The default goes through the
    /// wire records; a store may read its columns straight into them.
    fn read_snapshot_users(
        &self,
        id: i64,
        each: &mut dyn FnMut(&SnapshotInfo, &[SnapshotUser]) -> bool,
    ) -> Result<Option<SnapshotInfo>, StoreError> {
        self.read_snapshot(id, &mut |info, records| {
            let users: Vec<SnapshotUser> = records
                .iter()
                .filter_map(SnapshotUser::from_record)
                .collect();
            each(info, &users)
        })
    }
    /// One user's record in every stored snapshot that holds the user,
    /// oldest first.
    fn history(&self, user_id: &str) -> Result<Vec<HistoryPoint>, StoreError>;
}
