//! What the store keeps and answers: a snapshot's summary, one point of a
//! user's series, and the errors a store reports.

use std::fmt;

/// A stored snapshot, as listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SnapshotInfo {
    /// Its id, increasing with each snapshot stored.
    pub id: i64,
    /// When the listing was taken, Unix milliseconds on the server's clock.
    pub taken_at_ms: i64,
    /// How many users it holds.
    pub users: u64,
    /// About how many bytes of the database it takes.
    pub bytes: u64,
}

/// One user's record in one snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryPoint {
    /// The snapshot it comes from.
    pub snapshot_id: i64,
    /// When that snapshot was taken (Unix milliseconds).
    pub taken_at_ms: i64,
    /// The quota, the exact decimal string of the wire.
    pub quota: String,
    /// The space used (`None` when the server sent none).
    pub used: Option<f64>,
}

/// What kind of failure a store met, for a program to match on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreErrorKind {
    /// The file is not a database, or is damaged.
    Corrupt,
    /// The file is a database of another program.
    Foreign,
    /// The file was written by a newer version with a schema this one does not know.
    TooNew,
    /// A snapshot was asked to be written or committed out of turn.
    Usage,
    /// Anything else the database or the file system reported.
    Io,
}

/// A store's failure: its kind and a message that says what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError {
    /// What kind of failure.
    pub kind: StoreErrorKind,
    /// What happened, for a person.
    pub message: String,
}

impl StoreError {
    /// An error of `kind`.
    pub fn new(kind: StoreErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StoreError {}
