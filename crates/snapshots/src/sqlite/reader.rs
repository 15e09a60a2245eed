//! [`SqliteReader`]: read-only connections of its own, kept in a small pool
//! and opened as needed, so that any number of HTTP handlers read while the
//! writer writes. Each answer reads inside one read transaction: it sees
//! one committed state from its first row to its last.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use std::sync::Arc;

use koodrive_core::UserSpaceQuota;
use koodrive_core::history::SnapshotUser;
use rusqlite::{Connection, OpenFlags, OptionalExtension as _};

use super::columns::{quota_number, quota_text, record, time_ms, time_text, used_number};
use super::{BUSY_TIMEOUT, io};
use crate::model::{HistoryPoint, SnapshotInfo, StoreError};
use crate::store::SnapshotReader;

/// How many users [`SnapshotReader::read_snapshot`] gives at a time.
const BATCH: usize = 2_000;

/// Idle connections kept for the next reader.
const POOL: usize = 4;

/// The reading side of the SQLite store.
#[derive(Debug)]
pub struct SqliteReader {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl SqliteReader {
    pub(super) fn new(path: &Path) -> Self {
        Self {
            path: path.to_path_buf(),
            idle: Mutex::new(Vec::new()),
        }
    }

    fn connection(&self) -> Result<Connection, StoreError> {
        if let Some(conn) = self.idle.lock().ok().and_then(|mut idle| idle.pop()) {
            return Ok(conn);
        }
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| io(&format!("opening {} to read", self.path.display()), &e))?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| io("setting up a reader", &e))?;
        Ok(conn)
    }

    fn with<T>(
        &self,
        what: &str,
        work: impl FnOnce(&Connection) -> Result<T, rusqlite::Error>,
    ) -> Result<T, StoreError> {
        let conn = self.connection()?;
        let result = (|| -> Result<T, rusqlite::Error> {
            let tx = conn.unchecked_transaction()?;
            let value = work(&tx)?;
            tx.commit()?;
            Ok(value)
        })();
        if let Ok(mut idle) = self.idle.lock()
            && idle.len() < POOL
        {
            idle.push(conn);
        }
        result.map_err(|e| io(what, &e))
    }
}

/// Reads the users of snapshot `id`, the columns `columns` of `reading r`
/// joined with `user_key k` and `terms t`, in the order they were listed;
/// `item` makes each row into what `each` is given (`None` leaves the row
/// out), [`BATCH`] at a time. An empty snapshot still gets one (empty)
/// batch; `each` returning `false` stops early. `None` when there is no
/// snapshot `id`.
fn read_batches<T>(
    conn: &Connection,
    id: i64,
    columns: &str,
    mut item: impl FnMut(&rusqlite::Row<'_>) -> Result<Option<T>, rusqlite::Error>,
    each: &mut dyn FnMut(&SnapshotInfo, &[T]) -> bool,
) -> Result<Option<SnapshotInfo>, rusqlite::Error> {
    let Some(found) = info(conn, id)? else {
        return Ok(None);
    };
    let mut statement = conn.prepare(&format!(
        "SELECT {columns}
         FROM reading r JOIN user_key k ON k.key = r.user_key JOIN terms t ON t.id = r.terms
         WHERE r.snapshot = ?1 ORDER BY r.user_key"
    ))?;
    let mut rows = statement.query([id])?;
    let mut batch = Vec::with_capacity(BATCH);
    let mut gave = false;
    while let Some(row) = rows.next()? {
        let Some(one) = item(row)? else {
            continue;
        };
        batch.push(one);
        if batch.len() == BATCH {
            gave = true;
            if !each(&found, &batch) {
                return Ok(Some(found));
            }
            batch.clear();
        }
    }
    if !batch.is_empty() || !gave {
        each(&found, &batch);
    }
    Ok(Some(found))
}

fn info(conn: &Connection, id: i64) -> Result<Option<SnapshotInfo>, rusqlite::Error> {
    conn.query_row(
        "SELECT id, taken_at_ms, users, bytes FROM snapshot WHERE id = ?1",
        [id],
        |r| {
            Ok(SnapshotInfo {
                id: r.get(0)?,
                taken_at_ms: r.get(1)?,
                users: r.get::<_, i64>(2)? as u64,
                bytes: r.get::<_, i64>(3)? as u64,
            })
        },
    )
    .optional()
}

impl SnapshotReader for SqliteReader {
    fn list(&self) -> Result<Vec<SnapshotInfo>, StoreError> {
        self.with("listing snapshots", |conn| {
            let mut statement =
                conn.prepare("SELECT id, taken_at_ms, users, bytes FROM snapshot ORDER BY id")?;
            let rows = statement.query_map([], |r| {
                Ok(SnapshotInfo {
                    id: r.get(0)?,
                    taken_at_ms: r.get(1)?,
                    users: r.get::<_, i64>(2)? as u64,
                    bytes: r.get::<_, i64>(3)? as u64,
                })
            })?;
            rows.collect()
        })
    }

    fn latest(&self) -> Result<Option<SnapshotInfo>, StoreError> {
        self.with("reading the latest snapshot", |conn| {
            let id: Option<i64> =
                conn.query_row("SELECT max(id) FROM snapshot", [], |r| r.get(0))?;
            match id {
                Some(id) => info(conn, id),
                None => Ok(None),
            }
        })
    }

    fn read_snapshot(
        &self,
        id: i64,
        each: &mut dyn FnMut(&SnapshotInfo, &[UserSpaceQuota]) -> bool,
    ) -> Result<Option<SnapshotInfo>, StoreError> {
        self.with("reading a snapshot", |conn| {
            read_batches(
                conn,
                id,
                "k.user_id, t.quota, r.used, t.create_time, t.effective_time, t.expiration_time",
                |row| {
                    Ok(Some(record(
                        row.get(0)?,
                        quota_text(row.get_ref(1)?),
                        used_number(row.get_ref(2)?),
                        [
                            time_text(row.get_ref(3)?),
                            time_text(row.get_ref(4)?),
                            time_text(row.get_ref(5)?),
                        ],
                    )))
                },
                each,
            )
        })
    }

    /// Straight from the columns: no ISO text is written and read back.
    fn read_snapshot_users(
        &self,
        id: i64,
        each: &mut dyn FnMut(&SnapshotInfo, &[SnapshotUser]) -> bool,
    ) -> Result<Option<SnapshotInfo>, StoreError> {
        self.with("reading a snapshot", |conn| {
            read_batches(
                conn,
                id,
                "k.user_id, t.quota, r.used, t.effective_time, t.expiration_time",
                |row| {
                    let (Some(quota), Some(used)) =
                        (quota_number(row.get_ref(1)?), used_number(row.get_ref(2)?))
                    else {
                        return Ok(None);
                    };
                    let user_id: String = row.get(0)?;
                    Ok(Some(SnapshotUser {
                        user_id: Arc::from(user_id),
                        quota,
                        used,
                        effective_ms: time_ms(row.get_ref(3)?),
                        expiration_ms: time_ms(row.get_ref(4)?),
                    }))
                },
                each,
            )
        })
    }

    fn history(&self, user_id: &str) -> Result<Vec<HistoryPoint>, StoreError> {
        self.with("reading a user's history", |conn| {
            let key: Option<i64> = conn
                .query_row(
                    "SELECT key FROM user_key WHERE user_id = ?1",
                    [user_id],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(key) = key else {
                return Ok(Vec::new());
            };
            // Snapshots outside, one key lookup into `reading` for each.
            let mut statement = conn.prepare(
                "SELECT s.id, s.taken_at_ms, t.quota, r.used
                 FROM snapshot s CROSS JOIN reading r ON r.snapshot = s.id AND r.user_key = ?1
                 JOIN terms t ON t.id = r.terms
                 ORDER BY s.id",
            )?;
            let rows = statement.query_map([key], |r| {
                Ok(HistoryPoint {
                    snapshot_id: r.get(0)?,
                    taken_at_ms: r.get(1)?,
                    quota: quota_text(r.get_ref(2)?),
                    used: used_number(r.get_ref(3)?),
                })
            })?;
            rows.collect()
        })
    }
}
