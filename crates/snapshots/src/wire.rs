//! What the gateway answers with: the list of snapshots and one user's
//! series in JSON; one snapshot in the admin page's stored form
//! ([`SnapshotStoredForm`]: `koodrive_core::history`'s `encode_snapshot`,
//! standing alone, which the page decodes with `decode_snapshot(bytes, None)`),
//! or in JSON written batch by batch ([`SnapshotJson`], so that a million users
//! stream out without being held twice in memory).
//!
//! A snapshot in JSON is
//! `{"format": "koodrive-usage-snapshot", "version": 1, "id", "takenAt",
//! "source": "gateway", "users": [UserSpaceQuota…]}` with the wire's names
//! (`quota` the exact string, absent times absent). Times are Unix
//! milliseconds.

use koodrive_core::UserSpaceQuota;
use koodrive_core::history::{Snapshot, SnapshotSource, SnapshotUser, encode_snapshot};
use koodrive_core::json::Object;

use crate::model::{HistoryPoint, SnapshotInfo};

/// The content type of every answer here.
pub const JSON_CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// The content type of a snapshot in the page's stored form.
pub const STORED_FORM_CONTENT_TYPE: &str = "application/octet-stream";

/// Gathers a snapshot's users, batch by batch, into the admin page's stored
/// form. That form keeps the usable records (quota digits and a `used`
/// number) with their effective and expiration times; the JSON keeps every
/// record as it came.
#[derive(Debug, Default)]
pub struct SnapshotStoredForm {
    taken_at_ms: i64,
    users: Vec<SnapshotUser>,
}

impl SnapshotStoredForm {
    /// Nothing gathered yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a batch of the snapshot `info`.
    pub fn batch(&mut self, info: &SnapshotInfo, users: &[UserSpaceQuota]) {
        self.taken_at_ms = info.taken_at_ms;
        self.users
            .extend(users.iter().filter_map(SnapshotUser::from_record));
    }

    /// Adds users already in the page's form (see
    /// [`crate::SnapshotReader::read_snapshot_users`]).
    pub fn batch_users(&mut self, info: &SnapshotInfo, users: &[SnapshotUser]) {
        self.taken_at_ms = info.taken_at_ms;
        self.users.extend_from_slice(users);
    }

    /// The encoded snapshot, a listing standing alone (coded against nothing).
    pub fn finish(self) -> Vec<u8> {
        let snapshot = Snapshot::new(self.taken_at_ms, SnapshotSource::Listing, self.users);
        encode_snapshot(&snapshot, None)
    }
}

/// The `format` field of a snapshot.
pub const SNAPSHOT_FORMAT: &str = "koodrive-usage-snapshot";

/// One snapshot's summary: `{"id", "takenAt", "users", "bytes"}`.
pub fn info_json(info: &SnapshotInfo) -> String {
    let mut out = String::with_capacity(80);
    push_info(&mut out, info);
    out
}

fn push_info(out: &mut String, info: &SnapshotInfo) {
    let mut o = Object::new(out);
    o.i64("id", info.id)
        .i64("takenAt", info.taken_at_ms)
        .u64("users", info.users)
        .u64("bytes", info.bytes);
    o.finish();
}

/// The list of snapshots, oldest first.
pub fn list_json(snapshots: &[SnapshotInfo]) -> String {
    let mut out = String::with_capacity(2 + snapshots.len() * 80);
    out.push('[');
    for (i, info) in snapshots.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_info(&mut out, info);
    }
    out.push(']');
    out
}

/// One user's series: `{"userId", "points": [{"snapshotId", "takenAt", "quota", "used"}]}`.
pub fn history_json(user_id: &str, points: &[HistoryPoint]) -> String {
    let mut list = String::with_capacity(2 + points.len() * 96);
    list.push('[');
    for (i, p) in points.iter().enumerate() {
        if i > 0 {
            list.push(',');
        }
        let mut o = Object::new(&mut list);
        o.i64("snapshotId", p.snapshot_id)
            .i64("takenAt", p.taken_at_ms)
            .str("quota", &p.quota)
            .opt_f64("used", p.used);
        o.finish();
    }
    list.push(']');
    let mut out = String::with_capacity(list.len() + user_id.len() + 32);
    let mut o = Object::new(&mut out);
    o.str("userId", user_id).raw("points", &list);
    o.finish();
    out
}

/// Writes one snapshot as JSON, a batch of users at a time.
#[derive(Debug, Default)]
pub struct SnapshotJson {
    started: bool,
    users_written: bool,
}

impl SnapshotJson {
    /// A writer that has written nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The next piece of the document: its head first (once), then `users`.
    pub fn batch(&mut self, info: &SnapshotInfo, users: &[UserSpaceQuota]) -> Vec<u8> {
        let mut out = String::with_capacity(64 + users.len() * 160);
        if !self.started {
            self.started = true;
            let mut head = Object::new(&mut out);
            head.str("format", SNAPSHOT_FORMAT)
                .u64("version", 1)
                .i64("id", info.id)
                .i64("takenAt", info.taken_at_ms)
                .str("source", "gateway");
            // Left open: the users array follows, and `finish` closes both.
            out.push_str(",\"users\":[");
        }
        for user in users {
            if self.users_written {
                out.push(',');
            }
            self.users_written = true;
            user.push_json(&mut out);
        }
        out.into_bytes()
    }

    /// The end of the document.
    pub fn finish(&self) -> &'static [u8] {
        b"]}"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snapshot_written_in_batches_is_one_json_document() {
        let info = SnapshotInfo {
            id: 3,
            taken_at_ms: 1_764_244_800_000,
            users: 3,
            bytes: 4096,
        };
        let mut writer = SnapshotJson::new();
        let mut doc = writer.batch(&info, &[UserSpaceQuota::new("1", 10, 5.0)]);
        doc.extend(writer.batch(
            &info,
            &[
                UserSpaceQuota::new("2", 10, 1.5),
                UserSpaceQuota::new("3", 0, 0.0),
            ],
        ));
        doc.extend_from_slice(writer.finish());
        let value: serde_json::Value = serde_json::from_slice(&doc).unwrap();
        assert_eq!(value["format"], SNAPSHOT_FORMAT);
        assert_eq!(value["takenAt"], 1_764_244_800_000_i64);
        let users = value["users"].as_array().unwrap();
        assert_eq!(users.len(), 3);
        assert_eq!(users[1]["quota"], "10");
        assert_eq!(users[1]["used"], 1.5);
    }

    #[test]
    fn the_stored_form_decodes_as_the_page_decodes_it() {
        let info = SnapshotInfo {
            id: 2,
            taken_at_ms: 1_764_244_800_000,
            users: 2,
            bytes: 0,
        };
        let mut form = SnapshotStoredForm::new();
        let mut big = UserSpaceQuota::new("9", 0, 7.5);
        big.quota = "18446744073709551615".into();
        form.batch(&info, &[UserSpaceQuota::new("1", 10, 5.0)]);
        form.batch(&info, &[big]);
        let bytes = form.finish();
        let snapshot = koodrive_core::history::decode_snapshot(&bytes, None).unwrap();
        assert_eq!(snapshot.taken_at_ms, info.taken_at_ms);
        assert_eq!(snapshot.len(), 2);
        assert_eq!(snapshot.user("9").map(|u| u.quota), Some(u64::MAX));
        assert_eq!(snapshot.user("1").map(|u| u.used), Some(5.0));
    }

    #[test]
    fn an_empty_snapshot_is_a_document_too() {
        let info = SnapshotInfo {
            id: 1,
            taken_at_ms: 0,
            users: 0,
            bytes: 0,
        };
        let mut writer = SnapshotJson::new();
        let mut doc = writer.batch(&info, &[]);
        doc.extend_from_slice(writer.finish());
        let value: serde_json::Value = serde_json::from_slice(&doc).unwrap();
        assert_eq!(value["users"], serde_json::json!([]));
    }
}
