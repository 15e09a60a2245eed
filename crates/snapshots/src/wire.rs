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
use serde_json::json;

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

    /// The encoded snapshot, a listing standing alone (coded against nothing).
    pub fn finish(self) -> Vec<u8> {
        let snapshot = Snapshot::new(self.taken_at_ms, SnapshotSource::Listing, self.users);
        encode_snapshot(&snapshot, None)
    }
}

/// The `format` field of a snapshot.
pub const SNAPSHOT_FORMAT: &str = "koodrive-usage-snapshot";

/// One snapshot's summary: `{"id", "takenAt", "users", "bytes"}`.
pub fn info_value(info: &SnapshotInfo) -> serde_json::Value {
    json!({
        "id": info.id,
        "takenAt": info.taken_at_ms,
        "users": info.users,
        "bytes": info.bytes,
    })
}

/// The list of snapshots, oldest first.
pub fn list_json(snapshots: &[SnapshotInfo]) -> String {
    serde_json::Value::Array(snapshots.iter().map(info_value).collect()).to_string()
}

/// One user's series: `{"userId", "points": [{"snapshotId", "takenAt", "quota", "used"}]}`.
pub fn history_json(user_id: &str, points: &[HistoryPoint]) -> String {
    let points: Vec<serde_json::Value> = points
        .iter()
        .map(|p| {
            json!({
                "snapshotId": p.snapshot_id,
                "takenAt": p.taken_at_ms,
                "quota": p.quota,
                "used": p.used,
            })
        })
        .collect();
    json!({ "userId": user_id, "points": points }).to_string()
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
        let mut out = Vec::with_capacity(64 + users.len() * 160);
        if !self.started {
            self.started = true;
            let head = json!({
                "format": SNAPSHOT_FORMAT,
                "version": 1,
                "id": info.id,
                "takenAt": info.taken_at_ms,
                "source": "gateway",
            })
            .to_string();
            // The head without its closing brace, then the users array.
            out.extend_from_slice(&head.as_bytes()[..head.len() - 1]);
            out.extend_from_slice(b",\"users\":[");
        }
        for user in users {
            if self.users_written {
                out.push(b',');
            }
            self.users_written = true;
            // Serialising a record into a Vec cannot fail.
            let _ = serde_json::to_writer(&mut out, user);
        }
        out
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
