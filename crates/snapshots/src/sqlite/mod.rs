//! The SQLite store: [`open_sqlite`] checks the file, migrates its schema and
//! gives the one [`SqliteWriter`] and a [`SqliteReader`] that opens read-only
//! connections of its own. In WAL mode a reader works on the last committed
//! state while a snapshot is written, so it never waits and never sees half
//! a snapshot; a process killed mid-snapshot leaves an uncommitted tail in
//! the WAL that SQLite discards when the file is next opened.
//!
//! A file that is not a database, is damaged, belongs to another program or
//! was written by a newer schema is refused with a message that says so; it
//! is never replaced or "repaired".

mod columns;
mod reader;
pub mod schema;
mod writer;

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags};

use crate::model::{StoreError, StoreErrorKind};
pub use reader::SqliteReader;
pub use writer::SqliteWriter;

/// How long a connection waits for a lock before reporting it.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The first 16 bytes of every SQLite database.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// What to do about a damaged file, said in every such refusal.
const RESTORE_HINT: &str = "the gateway leaves it as it is: restore it from a backup, or move it away to start a new history";

/// Opens (or creates) the snapshot database at `path`: refuses a file that
/// is not ours or is damaged, turns WAL on, and migrates the schema.
pub fn open_sqlite(path: &Path) -> Result<(SqliteWriter, SqliteReader), StoreError> {
    let shown = path.display();
    check_header(path)?;
    let mut conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| {
        StoreError::new(
            StoreErrorKind::Io,
            format!("{shown}: cannot be opened or created ({e}); check that its folder exists and is writable"),
        )
    })?;
    let classify = |e: rusqlite::Error| classify(path, &e);
    conn.busy_timeout(BUSY_TIMEOUT).map_err(classify)?;
    let app_id: i32 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(classify)?;
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(classify)?;
    let objects: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
        .map_err(classify)?;
    if app_id != schema::APPLICATION_ID && (app_id != 0 || objects > 0) {
        return Err(StoreError::new(
            StoreErrorKind::Foreign,
            format!(
                "{shown}: is an SQLite database of another program, not a snapshot database; give --snapshot-db a file of its own"
            ),
        ));
    }
    if version > schema::LATEST_VERSION {
        return Err(StoreError::new(
            StoreErrorKind::TooNew,
            format!(
                "{shown}: was written by a newer gateway (schema version {version}; this one knows up to {}); run that version, or a newer one",
                schema::LATEST_VERSION
            ),
        ));
    }
    let check: String = conn
        .query_row("PRAGMA quick_check(1)", [], |r| r.get(0))
        .map_err(classify)?;
    if check != "ok" {
        return Err(StoreError::new(
            StoreErrorKind::Corrupt,
            format!("{shown}: is damaged (SQLite's check says: {check}); {RESTORE_HINT}"),
        ));
    }
    let mode: String = conn
        .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
        .map_err(classify)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::new(
            StoreErrorKind::Io,
            format!(
                "{shown}: cannot be put in WAL mode (SQLite kept {mode}); use a local file system"
            ),
        ));
    }
    // A committed snapshot survives a crash of the machine, not only of the process.
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(classify)?;
    // Room for one snapshot's pages while it is written (64 MiB).
    conn.pragma_update(None, "cache_size", -65_536)
        .map_err(classify)?;
    // The WAL file shrinks back to 64 MiB after each checkpoint.
    conn.pragma_update(None, "journal_size_limit", 67_108_864)
        .map_err(classify)?;
    schema::migrate(&mut conn)?;
    let writer = SqliteWriter::new(conn, path)?;
    Ok((writer, SqliteReader::new(path)))
}

/// Refuses a non-empty file that does not start as an SQLite database.
fn check_header(path: &Path) -> Result<(), StoreError> {
    use std::io::Read as _;
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => {
            return Err(StoreError::new(
                StoreErrorKind::Io,
                format!("{}: cannot be read ({e})", path.display()),
            ));
        }
    };
    let mut head = Vec::with_capacity(16);
    file.by_ref().take(16).read_to_end(&mut head).map_err(|e| {
        StoreError::new(
            StoreErrorKind::Io,
            format!("{}: cannot be read ({e})", path.display()),
        )
    })?;
    if head.is_empty() || head.as_slice() == SQLITE_HEADER {
        return Ok(());
    }
    Err(StoreError::new(
        StoreErrorKind::Corrupt,
        format!(
            "{}: is not an SQLite database (it does not start with SQLite's header); {RESTORE_HINT}",
            path.display()
        ),
    ))
}

/// An SQLite error met at opening, in words that say what to do.
pub(crate) fn classify(path: &Path, e: &rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => StoreError::new(
            StoreErrorKind::Corrupt,
            format!("{}: is damaged ({e}); {RESTORE_HINT}", path.display()),
        ),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::new(
            StoreErrorKind::Io,
            format!(
                "{}: is locked by another process ({e}); is another gateway using it?",
                path.display()
            ),
        ),
        _ => StoreError::new(StoreErrorKind::Io, format!("{}: {e}", path.display())),
    }
}

/// A database error during normal work.
pub(crate) fn io(what: &str, e: &rusqlite::Error) -> StoreError {
    StoreError::new(StoreErrorKind::Io, format!("{what}: {e}"))
}
