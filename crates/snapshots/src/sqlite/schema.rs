//! The database's schema and its migrations. `PRAGMA user_version` holds the
//! number of migrations applied; at start every newer one runs, each in its
//! own transaction, so a migration interrupted halfway leaves the previous
//! version intact. `PRAGMA application_id` marks the file as ours.
//!
//! Layout (version 2): `snapshot` lists the snapshots; `user_key` gives each
//! user id a small integer and points at the user's newest `terms`; `terms`
//! holds a user's quota and times, one row each time they change (they rarely
//! do); `reading` holds one row per user per snapshot, its `used` and its
//! terms, keyed by (snapshot, user key) in a `WITHOUT ROWID` table, so that
//! one snapshot is one contiguous range (written by appending, read by one
//! scan) and one user's series is one key lookup per snapshot. Quotas and
//! times are stored as integers when that gives back exactly the wire's text
//! (see `columns`), as text otherwise.
//!
//! Version 1 kept the quota and times in every reading; version 2 moves them
//! into `terms`, which roughly halves a reading.

use rusqlite::Connection;

use crate::model::{StoreError, StoreErrorKind};

/// `PRAGMA application_id` of a snapshot database ("KDSN").
pub const APPLICATION_ID: i32 = 0x4B44_534E;

/// Each migration's SQL, in order; the schema version is how many ran.
const MIGRATIONS: &[&str] = &[
    // 1: snapshots, user keys, readings.
    "CREATE TABLE snapshot (
        id INTEGER PRIMARY KEY,
        taken_at_ms INTEGER NOT NULL,
        users INTEGER NOT NULL,
        bytes INTEGER NOT NULL
    );
    CREATE INDEX snapshot_by_time ON snapshot (taken_at_ms);
    CREATE TABLE user_key (
        key INTEGER PRIMARY KEY,
        user_id TEXT NOT NULL UNIQUE
    );
    CREATE TABLE reading (
        snapshot INTEGER NOT NULL,
        user_key INTEGER NOT NULL,
        quota,
        used REAL,
        create_time,
        effective_time,
        expiration_time,
        PRIMARY KEY (snapshot, user_key)
    ) WITHOUT ROWID;",
    // 2: a user's quota and times once per change, not once per snapshot.
    "CREATE TABLE terms (
        id INTEGER PRIMARY KEY,
        user_key INTEGER NOT NULL,
        quota,
        create_time,
        effective_time,
        expiration_time
    );
    INSERT INTO terms (user_key, quota, create_time, effective_time, expiration_time)
        SELECT DISTINCT user_key, quota, create_time, effective_time, expiration_time
        FROM reading ORDER BY user_key;
    CREATE INDEX terms_by_user ON terms (user_key);
    CREATE TABLE reading_v2 (
        snapshot INTEGER NOT NULL,
        user_key INTEGER NOT NULL,
        used REAL,
        terms INTEGER NOT NULL,
        PRIMARY KEY (snapshot, user_key)
    ) WITHOUT ROWID;
    INSERT INTO reading_v2 (snapshot, user_key, used, terms)
        SELECT r.snapshot, r.user_key, r.used,
            (SELECT t.id FROM terms t
             WHERE t.user_key = r.user_key AND t.quota IS r.quota
               AND t.create_time IS r.create_time AND t.effective_time IS r.effective_time
               AND t.expiration_time IS r.expiration_time)
        FROM reading r;
    DROP TABLE reading;
    ALTER TABLE reading_v2 RENAME TO reading;
    DROP INDEX terms_by_user;
    ALTER TABLE user_key ADD COLUMN terms INTEGER;
    UPDATE user_key SET terms = (
        SELECT r.terms FROM reading r
        WHERE r.user_key = user_key.key
          AND r.snapshot = (SELECT max(id) FROM snapshot));",
];

/// The schema version this build writes.
pub const LATEST_VERSION: i64 = MIGRATIONS.len() as i64;

fn failed(step: &str, e: &rusqlite::Error) -> StoreError {
    StoreError::new(
        StoreErrorKind::Io,
        format!("the schema could not be brought up to date ({step}: {e}); nothing was changed"),
    )
}

/// Runs every migration newer than the file's version. Gives the version
/// the file had.
pub fn migrate(conn: &mut Connection) -> Result<i64, StoreError> {
    let before: i64 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(|e| failed("reading the version", &e))?;
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(before.max(0) as usize) {
        let version = index as i64 + 1;
        let step = format!("migration {version}");
        let tx = conn.transaction().map_err(|e| failed(&step, &e))?;
        tx.execute_batch(sql).map_err(|e| failed(&step, &e))?;
        tx.pragma_update(None, "application_id", APPLICATION_ID)
            .map_err(|e| failed(&step, &e))?;
        tx.pragma_update(None, "user_version", version)
            .map_err(|e| failed(&step, &e))?;
        tx.commit().map_err(|e| failed(&step, &e))?;
    }
    Ok(before)
}
