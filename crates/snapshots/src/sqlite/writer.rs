//! [`SqliteWriter`]: the one connection that writes. A snapshot is one
//! `BEGIN IMMEDIATE` … `COMMIT`; until the commit no reader sees any of it,
//! and an abandoned or interrupted one leaves nothing.

use std::path::{Path, PathBuf};

use koodrive_core::UserSpaceQuota;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension as _, params};

use super::columns::{quota_value, stored_size, time_value};
use super::io;
use crate::model::{SnapshotInfo, StoreError, StoreErrorKind};
use crate::store::SnapshotWriter;

/// A snapshot being written.
struct Open {
    id: i64,
    taken_at_ms: i64,
    pages_before: i64,
    /// The rows' size as SQLite stores them, about.
    row_bytes: u64,
}

/// The writing side of the SQLite store.
pub struct SqliteWriter {
    conn: Connection,
    path: PathBuf,
    page_size: i64,
    open: Option<Open>,
}

impl std::fmt::Debug for SqliteWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteWriter")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl SqliteWriter {
    pub(super) fn new(conn: Connection, path: &Path) -> Result<Self, StoreError> {
        let page_size = conn
            .pragma_query_value(None, "page_size", |r| r.get(0))
            .map_err(|e| io("reading the page size", &e))?;
        Ok(Self {
            conn,
            path: path.to_path_buf(),
            page_size,
            open: None,
        })
    }

    /// Pages in use (the file's pages less the free ones).
    fn used_pages(&self) -> Result<i64, StoreError> {
        let count: i64 = self
            .conn
            .pragma_query_value(None, "page_count", |r| r.get(0))
            .map_err(|e| io("counting pages", &e))?;
        let free: i64 = self
            .conn
            .pragma_query_value(None, "freelist_count", |r| r.get(0))
            .map_err(|e| io("counting free pages", &e))?;
        Ok(count - free)
    }

    /// The user's key and the id of `terms` (quota and times, as stored):
    /// the user's newest terms when they are the same, else new ones.
    fn key_and_terms(
        &self,
        user_id: &str,
        terms: &[Value; 4],
    ) -> Result<(i64, i64), rusqlite::Error> {
        let mut find = self.conn.prepare_cached(
            "SELECT k.key, t.id, t.quota, t.create_time, t.effective_time, t.expiration_time
             FROM user_key k LEFT JOIN terms t ON t.id = k.terms WHERE k.user_id = ?1",
        )?;
        let found = find
            .query_row([user_id], |r| {
                let newest: Option<i64> = r.get(1)?;
                let same = newest.is_some()
                    && (0..4).all(|i| r.get::<_, Value>(i + 2).is_ok_and(|v| v == terms[i]));
                Ok((r.get::<_, i64>(0)?, newest.filter(|_| same)))
            })
            .optional()?;
        let key = match found {
            Some((key, Some(same))) => return Ok((key, same)),
            Some((key, None)) => key,
            None => {
                let mut insert = self
                    .conn
                    .prepare_cached("INSERT INTO user_key (user_id) VALUES (?1)")?;
                insert.execute([user_id])?;
                self.conn.last_insert_rowid()
            }
        };
        let mut insert = self.conn.prepare_cached(
            "INSERT INTO terms (user_key, quota, create_time, effective_time, expiration_time)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        insert.execute(rusqlite::params![
            key, terms[0], terms[1], terms[2], terms[3]
        ])?;
        let id = self.conn.last_insert_rowid();
        let mut point = self
            .conn
            .prepare_cached("UPDATE user_key SET terms = ?2 WHERE key = ?1")?;
        point.execute([key, id])?;
        Ok((key, id))
    }

    /// Writes the rows; gives about how many bytes they take.
    fn write_users(&self, id: i64, users: &[UserSpaceQuota]) -> Result<u64, rusqlite::Error> {
        let mut insert = self.conn.prepare_cached(
            "INSERT OR REPLACE INTO reading (snapshot, user_key, used, terms) VALUES (?1, ?2, ?3, ?4)",
        )?;
        let mut bytes = 0;
        for user in users {
            let terms = [
                quota_value(&user.quota),
                time_value(user.create_time.as_deref()),
                time_value(user.effective_time.as_deref()),
                time_value(user.expiration_time.as_deref()),
            ];
            let (key, terms) = self.key_and_terms(&user.user_id, &terms)?;
            let row = [
                Value::Integer(id),
                Value::Integer(key),
                user.used
                    .filter(|u| u.is_finite())
                    .map_or(Value::Null, Value::Real),
                Value::Integer(terms),
            ];
            // The record's header size, its values, and the cell's pointer and sizes.
            bytes += 1 + row.iter().map(stored_size).sum::<u64>() + 4;
            insert.execute(rusqlite::params_from_iter(row))?;
        }
        Ok(bytes)
    }

    fn out_of_turn(what: &str) -> StoreError {
        StoreError::new(StoreErrorKind::Usage, what.to_owned())
    }
}

impl SnapshotWriter for SqliteWriter {
    fn begin(&mut self, taken_at_ms: i64) -> Result<(), StoreError> {
        if self.open.is_some() {
            return Err(Self::out_of_turn(
                "a snapshot is already being written; commit or abandon it first",
            ));
        }
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(|e| io("starting a snapshot", &e))?;
        let started = (|| -> Result<Open, StoreError> {
            let pages_before = self.used_pages()?;
            self.conn
                .execute(
                    "INSERT INTO snapshot (taken_at_ms, users, bytes) VALUES (?1, 0, 0)",
                    [taken_at_ms],
                )
                .map_err(|e| io("starting a snapshot", &e))?;
            Ok(Open {
                id: self.conn.last_insert_rowid(),
                taken_at_ms,
                pages_before,
                row_bytes: 0,
            })
        })();
        match started {
            Ok(open) => {
                self.open = Some(open);
                Ok(())
            }
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    fn add(&mut self, users: &[UserSpaceQuota]) -> Result<(), StoreError> {
        let Some(id) = self.open.as_ref().map(|open| open.id) else {
            return Err(Self::out_of_turn("no snapshot is begun"));
        };
        let bytes = self
            .write_users(id, users)
            .map_err(|e| io("storing users", &e))?;
        if let Some(open) = &mut self.open {
            open.row_bytes += bytes;
        }
        Ok(())
    }

    fn commit(&mut self) -> Result<SnapshotInfo, StoreError> {
        let Some(open) = self.open.take() else {
            return Err(Self::out_of_turn("no snapshot is begun"));
        };
        let finished = (|| -> Result<SnapshotInfo, StoreError> {
            let users: i64 = self
                .conn
                .query_row(
                    "SELECT count(*) FROM reading WHERE snapshot = ?1",
                    [open.id],
                    |r| r.get(0),
                )
                .map_err(|e| io("counting users", &e))?;
            // What the file grew by, or (when the snapshot fitted in pages
            // freed or left partly empty before) what its rows take.
            let pages = (self.used_pages()? - open.pages_before).max(0);
            let bytes = (pages * self.page_size).max(open.row_bytes as i64);
            self.conn
                .execute(
                    "UPDATE snapshot SET users = ?2, bytes = ?3 WHERE id = ?1",
                    params![open.id, users, bytes],
                )
                .map_err(|e| io("finishing a snapshot", &e))?;
            self.conn
                .execute_batch("COMMIT")
                .map_err(|e| io("committing a snapshot", &e))?;
            Ok(SnapshotInfo {
                id: open.id,
                taken_at_ms: open.taken_at_ms,
                users: users as u64,
                bytes: bytes as u64,
            })
        })();
        if finished.is_err() && !self.conn.is_autocommit() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        finished
    }

    fn abandon(&mut self) {
        if self.open.take().is_some() && !self.conn.is_autocommit() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }

    fn forget_before(&mut self, cutoff_ms: i64) -> Result<u64, StoreError> {
        if self.open.is_some() {
            return Err(Self::out_of_turn(
                "old snapshots are forgotten between snapshots, not during one",
            ));
        }
        let run = || -> Result<u64, rusqlite::Error> {
            let tx = self.conn.unchecked_transaction()?;
            tx.execute(
                "DELETE FROM reading WHERE snapshot IN (SELECT id FROM snapshot WHERE taken_at_ms < ?1)",
                [cutoff_ms],
            )?;
            let gone = tx.execute("DELETE FROM snapshot WHERE taken_at_ms < ?1", [cutoff_ms])?;
            tx.commit()?;
            Ok(gone as u64)
        };
        run().map_err(|e| io("forgetting old snapshots", &e))
    }
}

impl Drop for SqliteWriter {
    fn drop(&mut self) {
        self.abandon();
    }
}
