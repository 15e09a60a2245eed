//! `koodrive-snapshots`: usage snapshots kept on a server, so that history
//! grows with no browser tab open.
//!
//! - [`model`]: what a stored snapshot is ([`SnapshotInfo`]), one user's
//!   series ([`HistoryPoint`]) and the store's errors ([`StoreError`]).
//! - [`store`]: the small traits the gateway uses — [`SnapshotWriter`]
//!   (one snapshot per transaction, retention) and [`SnapshotReader`]
//!   (listing, one snapshot, one user's history) — so that another database
//!   could take SQLite's place.
//! - [`sqlite`]: the SQLite implementation (WAL, a versioned schema migrated
//!   at start, damaged or foreign files refused and never replaced).
//! - [`wire`]: the JSON the gateway answers with.
//!
//! No HTTP and no scheduling here: the gateway owns those.

pub mod model;
pub mod sqlite;
pub mod store;
pub mod wire;

pub use model::{HistoryPoint, SnapshotInfo, StoreError, StoreErrorKind};
pub use sqlite::{SqliteReader, SqliteWriter, open_sqlite};
pub use store::{SnapshotReader, SnapshotWriter};
