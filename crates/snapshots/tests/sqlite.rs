//! The SQLite store as the gateway uses it: snapshots stored whole or not at
//! all, read back exactly, readers never held up by a writer, retention,
//! reopening, and files that are not ours refused and left untouched.

use std::path::PathBuf;

use koodrive_core::UserSpaceQuota;
use koodrive_core::history::SnapshotUser;
use koodrive_snapshots::sqlite::schema::LATEST_VERSION;
use koodrive_snapshots::{
    SnapshotReader, SnapshotWriter, SqliteReader, SqliteWriter, StoreErrorKind, open_sqlite,
};

const DAY_MS: i64 = 86_400_000;
const T0: i64 = 1_764_244_800_000;

/// A fresh folder for one test's database.
fn db(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("snapshots-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("snapshots.db")
}

fn user(id: &str, quota: &str, used: f64) -> UserSpaceQuota {
    let mut user = UserSpaceQuota::new(id, 0, used);
    user.quota = quota.to_owned();
    user
}

fn tenant(day: i64) -> Vec<UserSpaceQuota> {
    let mut big = user(
        "1505084218764547200",
        "18446744073709551615",
        1e12 + day as f64,
    );
    big.expiration_time = Some("2026-11-12T08:37:14.613Z".into());
    big.effective_time = Some("2025-11-12T16:37:14+08:00".into());
    vec![
        big,
        user("232323", "1048576", 1000.5 * day as f64),
        user("34343434", "007", 3.0),
    ]
}

fn store_day(writer: &mut SqliteWriter, day: i64) -> koodrive_snapshots::SnapshotInfo {
    writer.begin(T0 + day * DAY_MS).unwrap();
    writer.add(&tenant(day)).unwrap();
    writer.commit().unwrap()
}

fn read_all(reader: &SqliteReader, id: i64) -> Vec<UserSpaceQuota> {
    let mut users = Vec::new();
    reader
        .read_snapshot(id, &mut |_, batch| {
            users.extend_from_slice(batch);
            true
        })
        .unwrap()
        .unwrap();
    users
}

#[test]
fn a_committed_snapshot_is_listed_and_reads_back_exactly() {
    let (mut writer, reader) = open_sqlite(&db("exact")).unwrap();
    let info = store_day(&mut writer, 1);
    assert_eq!(info.users, 3);
    assert!(info.bytes > 0);
    assert_eq!(reader.list().unwrap(), vec![info]);
    assert_eq!(read_all(&reader, info.id), tenant(1));
    assert!(
        reader
            .read_snapshot(info.id + 1, &mut |_, _| true)
            .unwrap()
            .is_none()
    );
}

#[test]
fn the_page_s_users_read_straight_from_the_columns_are_those_of_the_records() {
    let (mut writer, reader) = open_sqlite(&db("users")).unwrap();
    let mut users = tenant(2);
    let mut no_used = user("5", "10", 0.0);
    no_used.used = None;
    users.push(no_used);
    users.push(user("6", "ten", 1.0));
    let mut odd_time = user("7", "99", 2.5);
    odd_time.expiration_time = Some("2026-01-01T00:00:00Z".into());
    users.push(odd_time);
    writer.begin(T0).unwrap();
    writer.add(&users).unwrap();
    let info = writer.commit().unwrap();

    let through_records: Vec<SnapshotUser> = read_all(&reader, info.id)
        .iter()
        .filter_map(SnapshotUser::from_record)
        .collect();
    let mut straight = Vec::new();
    reader
        .read_snapshot_users(info.id, &mut |_, batch| {
            straight.extend_from_slice(batch);
            true
        })
        .unwrap()
        .unwrap();
    assert_eq!(straight, through_records);
    // The unusable records (no `used`, a quota that is not digits) are left out.
    assert_eq!(straight.len(), 4);
    assert_eq!(straight[0].quota, u64::MAX);
    assert!(
        straight
            .iter()
            .any(|u| u.expiration_ms.is_some() && &*u.user_id == "7")
    );
}

#[test]
fn one_user_s_history_runs_over_every_snapshot_that_holds_the_user() {
    let (mut writer, reader) = open_sqlite(&db("history")).unwrap();
    for day in 1..=4 {
        store_day(&mut writer, day);
    }
    let points = reader.history("232323").unwrap();
    assert_eq!(points.len(), 4);
    assert_eq!(points[3].taken_at_ms, T0 + 4 * DAY_MS);
    assert_eq!(points[3].used, Some(4002.0));
    assert_eq!(points[0].quota, "1048576");
    assert!(reader.history("999").unwrap().is_empty());
}

#[test]
fn an_abandoned_or_dropped_snapshot_leaves_nothing() {
    let path = db("abandon");
    let (mut writer, reader) = open_sqlite(&path).unwrap();
    let kept = store_day(&mut writer, 1);
    writer.begin(T0 + DAY_MS * 2).unwrap();
    writer.add(&tenant(2)[..1]).unwrap();
    writer.abandon();
    assert_eq!(reader.list().unwrap(), vec![kept]);
    writer.begin(T0 + DAY_MS * 3).unwrap();
    writer.add(&tenant(3)).unwrap();
    drop(writer);
    drop(reader);
    let (_writer, reader) = open_sqlite(&path).unwrap();
    assert_eq!(reader.list().unwrap(), vec![kept]);
    assert_eq!(reader.history("232323").unwrap().len(), 1);
}

#[test]
fn readers_go_on_while_a_snapshot_is_being_written_and_see_none_of_it() {
    let (mut writer, reader) = open_sqlite(&db("readers")).unwrap();
    let kept = store_day(&mut writer, 1);
    writer.begin(T0 + DAY_MS * 2).unwrap();
    writer.add(&tenant(2)).unwrap();
    // The writer holds its transaction open; readers answer from the last commit.
    assert_eq!(reader.list().unwrap(), vec![kept]);
    assert_eq!(read_all(&reader, kept.id), tenant(1));
    assert_eq!(reader.history("232323").unwrap().len(), 1);
    let second = writer.commit().unwrap();
    assert_eq!(reader.list().unwrap(), vec![kept, second]);
}

#[test]
fn snapshots_out_of_turn_are_refused() {
    let (mut writer, _reader) = open_sqlite(&db("turns")).unwrap();
    assert_eq!(
        writer.add(&tenant(1)).unwrap_err().kind,
        StoreErrorKind::Usage
    );
    assert_eq!(writer.commit().unwrap_err().kind, StoreErrorKind::Usage);
    writer.begin(T0).unwrap();
    assert_eq!(writer.begin(T0).unwrap_err().kind, StoreErrorKind::Usage);
    assert_eq!(
        writer.forget_before(T0).unwrap_err().kind,
        StoreErrorKind::Usage
    );
}

#[test]
fn retention_forgets_snapshots_taken_before_the_cutoff() {
    let (mut writer, reader) = open_sqlite(&db("retention")).unwrap();
    for day in 1..=5 {
        store_day(&mut writer, day);
    }
    assert_eq!(writer.forget_before(T0 + 3 * DAY_MS).unwrap(), 2);
    let left: Vec<i64> = reader.list().unwrap().iter().map(|s| s.id).collect();
    assert_eq!(left, [3, 4, 5]);
    assert_eq!(reader.history("232323").unwrap().len(), 3);
    assert!(reader.read_snapshot(1, &mut |_, _| true).unwrap().is_none());
}

#[test]
fn reopening_keeps_everything_and_the_schema_is_at_its_latest_version() {
    let path = db("reopen");
    {
        let (mut writer, _) = open_sqlite(&path).unwrap();
        store_day(&mut writer, 1);
    }
    let (mut writer, reader) = open_sqlite(&path).unwrap();
    let second = store_day(&mut writer, 2);
    assert_eq!(second.id, 2);
    assert_eq!(reader.list().unwrap().len(), 2);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, LATEST_VERSION);
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

/// Opening must fail with `kind` and a message containing `words`, and the
/// file must be left byte for byte as it was.
fn refused(path: &PathBuf, kind: StoreErrorKind, words: &str) {
    let before = std::fs::read(path).unwrap();
    let e = open_sqlite(path).unwrap_err();
    assert_eq!(e.kind, kind, "{e}");
    assert!(e.message.contains(words), "{e}");
    assert!(e.message.contains(&path.display().to_string()), "{e}");
    assert_eq!(std::fs::read(path).unwrap(), before, "the file was changed");
}

#[test]
fn a_file_that_is_not_a_database_is_refused_and_left_as_it_is() {
    let path = db("garbage");
    std::fs::write(&path, b"these are my notes, not a database\n".repeat(200)).unwrap();
    refused(&path, StoreErrorKind::Corrupt, "not an SQLite database");
}

#[test]
fn a_damaged_database_is_refused_and_left_as_it_is() {
    let path = db("damaged");
    {
        let (mut writer, _) = open_sqlite(&path).unwrap();
        for day in 1..=3 {
            writer.begin(T0 + day * DAY_MS).unwrap();
            let users: Vec<UserSpaceQuota> = (0..3000)
                .map(|n| user(&format!("{}", 1_000_000 + n), "1048576", n as f64))
                .collect();
            writer.add(&users).unwrap();
            writer.commit().unwrap();
        }
        // Fold the WAL into the file, so that the damage below is the whole story.
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "wal_checkpoint", "TRUNCATE")
            .unwrap();
    }
    let mut bytes = std::fs::read(&path).unwrap();
    let page = 4096;
    assert!(bytes.len() > 8 * page, "{} bytes", bytes.len());
    for b in &mut bytes[3 * page..6 * page] {
        *b = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    refused(&path, StoreErrorKind::Corrupt, "damaged");
}

#[test]
fn another_program_s_database_and_a_newer_schema_are_refused() {
    let foreign = db("foreign");
    {
        let conn = rusqlite::Connection::open(&foreign).unwrap();
        conn.execute_batch("CREATE TABLE notes (text TEXT)")
            .unwrap();
    }
    refused(&foreign, StoreErrorKind::Foreign, "another program");
    let newer = db("newer");
    {
        let (mut writer, _) = open_sqlite(&newer).unwrap();
        store_day(&mut writer, 1);
    }
    {
        let conn = rusqlite::Connection::open(&newer).unwrap();
        conn.pragma_update(None, "user_version", LATEST_VERSION + 1)
            .unwrap();
        conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    }
    refused(&newer, StoreErrorKind::TooNew, "newer gateway");
}

#[test]
fn a_version_1_file_is_migrated_at_start_and_reads_back_the_same() {
    let path = db("migrate");
    {
        // A file as version 1 wrote it: quota and times in every reading.
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "PRAGMA application_id = 1262768974;
             CREATE TABLE snapshot (id INTEGER PRIMARY KEY, taken_at_ms INTEGER NOT NULL,
                 users INTEGER NOT NULL, bytes INTEGER NOT NULL);
             CREATE INDEX snapshot_by_time ON snapshot (taken_at_ms);
             CREATE TABLE user_key (key INTEGER PRIMARY KEY, user_id TEXT NOT NULL UNIQUE);
             CREATE TABLE reading (snapshot INTEGER NOT NULL, user_key INTEGER NOT NULL, quota,
                 used REAL, create_time, effective_time, expiration_time,
                 PRIMARY KEY (snapshot, user_key)) WITHOUT ROWID;
             INSERT INTO snapshot VALUES (1, 1764244800000, 2, 4096), (2, 1764331200000, 2, 4096);
             INSERT INTO user_key VALUES (1, '232323'), (2, '34343434');
             INSERT INTO reading VALUES
                 (1, 1, 1048576, 10.5, NULL, 1762936634613, 'soon'),
                 (1, 2, '007', 3, NULL, NULL, NULL),
                 (2, 1, 2097152, 20.5, NULL, 1762936634613, 'soon'),
                 (2, 2, '007', 4, NULL, NULL, NULL);
             PRAGMA user_version = 1;",
        )
        .unwrap();
    }
    let (mut writer, reader) = open_sqlite(&path).unwrap();
    let second = read_all(&reader, 2);
    assert_eq!(second.len(), 2);
    assert_eq!(second[0].quota, "2097152");
    assert_eq!(second[0].used, Some(20.5));
    assert_eq!(
        second[0].effective_time.as_deref(),
        Some("2025-11-12T08:37:14.613Z")
    );
    assert_eq!(second[0].expiration_time.as_deref(), Some("soon"));
    assert_eq!(second[1].quota, "007");
    let history = reader.history("232323").unwrap();
    let quotas: Vec<&str> = history.iter().map(|p| p.quota.as_str()).collect();
    assert_eq!(quotas, ["1048576", "2097152"]);
    // It goes on from where version 1 stopped.
    let third = store_day(&mut writer, 3);
    assert_eq!(third.id, 3);
    assert_eq!(reader.history("232323").unwrap().len(), 3);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, LATEST_VERSION);
}

#[test]
fn terms_are_stored_once_while_they_stay_the_same() {
    let path = db("terms");
    let (mut writer, reader) = open_sqlite(&path).unwrap();
    for day in 1..=4 {
        store_day(&mut writer, day);
    }
    let mut changed = tenant(5);
    changed[1].quota = "2097152".into();
    writer.begin(T0 + 5 * DAY_MS).unwrap();
    writer.add(&changed).unwrap();
    writer.commit().unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let terms: i64 = conn
        .query_row("SELECT count(*) FROM terms", [], |r| r.get(0))
        .unwrap();
    assert_eq!(terms, 4, "three users' terms, and one change");
    assert_eq!(read_all(&reader, 5), changed);
    assert_eq!(read_all(&reader, 4), tenant(4));
    let quotas: Vec<String> = reader
        .history("232323")
        .unwrap()
        .into_iter()
        .map(|p| p.quota)
        .collect();
    assert_eq!(
        quotas,
        ["1048576", "1048576", "1048576", "1048576", "2097152"]
    );
}
