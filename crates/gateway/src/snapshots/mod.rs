//! Snapshots the gateway takes by itself: on a schedule (`--snapshot-every`)
//! and on `POST /__gateway/snapshots`, it lists every user of the tenant with
//! its own app credentials and stores one snapshot in the SQLite file of
//! `--snapshot-db`, keeping `--keep-days` of them; the admin page reads them
//! back over HTTP.
//!
//! - [`taker`]: the thread that lists and writes (the only writer), its
//!   schedule and its log lines;
//! - [`http`]: the endpoints under `/__gateway/snapshots` and
//!   `/__gateway/users/{userId}/history`, answered from read-only
//!   connections so that a snapshot being written never holds them up.
//!
//! The store itself (schema, transactions, checks of the file) is the
//! `koodrive-snapshots` crate.

pub mod http;
pub mod taker;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use koodrive_core::json::Object;
use koodrive_snapshots::{SnapshotInfo, SnapshotReader, SqliteReader, open_sqlite, wire};
use tokio::sync::{mpsc, oneshot};

/// What `--snapshot-every`, `--snapshot-db` and `--keep-days` ask for.
#[derive(Debug, Clone)]
pub struct SnapshotSettings {
    /// Time between two scheduled snapshots.
    pub every: Duration,
    /// The SQLite file.
    pub db: PathBuf,
    /// Snapshots older than this many days (before the newest) are deleted.
    pub keep_days: u32,
    /// The `X-User-Id` the listings are made as.
    pub acting_user_id: String,
}

/// The shortest `--snapshot-every` accepted.
pub const MIN_EVERY: Duration = Duration::from_secs(1);

/// The longest `--snapshot-every` accepted (a year).
pub const MAX_EVERY: Duration = Duration::from_secs(366 * 86_400);

/// The default of `--keep-days`.
pub const DEFAULT_KEEP_DAYS: u32 = 400;

/// Reads `--snapshot-every` (`24h`, `90m`, `1day 12h`, …).
pub fn parse_every(text: &str) -> Result<Duration, String> {
    let every = humantime::parse_duration(text.trim()).map_err(|e| {
        format!("--snapshot-every {text}: not a duration ({e}); write it like 24h, 12h or 90m")
    })?;
    if every < MIN_EVERY {
        return Err(format!(
            "--snapshot-every {text}: must be at least {}",
            humantime::format_duration(MIN_EVERY)
        ));
    }
    if every > MAX_EVERY {
        return Err(format!("--snapshot-every {text}: must be at most 366 days"));
    }
    Ok(every)
}

/// Checks the snapshot flags against the rest: snapshots need app mode (the
/// gateway must hold credentials of its own to list users with no caller)
/// and a fixed acting user. `None` when the flags are absent.
pub fn settings_from_flags(
    every: Option<&str>,
    db: Option<&std::path::Path>,
    keep_days: Option<u32>,
    app_mode: bool,
    acting_user_id: Option<&str>,
) -> Result<Option<SnapshotSettings>, String> {
    let (Some(every), Some(db)) = (every, db) else {
        return Ok(None);
    };
    if !app_mode {
        return Err("--snapshot-every and --snapshot-db need app mode (--app-id and --app-secret-file): in token mode the gateway holds no credentials of its own, it only passes each caller's token on, so it cannot list the users by itself".into());
    }
    let Some(acting_user_id) = acting_user_id else {
        return Err(
            "--snapshot-every needs --acting-user-id: the X-User-Id the gateway lists the users as"
                .into(),
        );
    };
    let keep_days = keep_days.unwrap_or(DEFAULT_KEEP_DAYS);
    if keep_days == 0 {
        return Err("--keep-days 0: keep at least one day of snapshots".into());
    }
    Ok(Some(SnapshotSettings {
        every: parse_every(every)?,
        db: db.to_path_buf(),
        keep_days,
        acting_user_id: acting_user_id.to_owned(),
    }))
}

/// What the snapshot side knows of itself, for the health answer.
#[derive(Debug, Clone, Default)]
pub struct Status {
    /// The newest stored snapshot.
    pub last: Option<SnapshotInfo>,
    /// When the next scheduled one starts (Unix ms, the gateway's clock).
    pub next_at_ms: Option<i64>,
    /// Whether one is being taken now.
    pub running: bool,
    /// The last attempt that failed, when it came after the last success:
    /// when (Unix ms) and why.
    pub last_failure: Option<(i64, String)>,
}

/// A request to the taker: take one snapshot now and say how it went.
pub type TakeReply = oneshot::Sender<Result<SnapshotInfo, String>>;

/// The handle the HTTP side holds. Cheap to clone.
#[derive(Clone)]
pub struct Snapshots {
    /// The settings it runs with.
    pub settings: SnapshotSettings,
    reader: Arc<dyn SnapshotReader>,
    takes: mpsc::UnboundedSender<TakeReply>,
    status: Arc<Mutex<Status>>,
}

impl Snapshots {
    /// Opens the database (refusing a damaged or foreign file, migrating
    /// the schema) and starts the taker, whose first snapshot is due
    /// `every` after the newest stored one (at once when there is none).
    pub fn start(settings: SnapshotSettings, lister: taker::Lister) -> Result<Self, String> {
        let (writer, reader): (_, SqliteReader) =
            open_sqlite(&settings.db).map_err(|e| format!("--snapshot-db {e}"))?;
        let last = reader
            .latest()
            .map_err(|e| format!("--snapshot-db {}: {e}", settings.db.display()))?;
        let status = Arc::new(Mutex::new(Status {
            last,
            ..Status::default()
        }));
        let takes = taker::start(settings.clone(), lister, writer, Arc::clone(&status))?;
        Ok(Self {
            settings,
            reader: Arc::new(reader),
            takes,
            status,
        })
    }

    /// The reading side of the store.
    pub fn reader(&self) -> Arc<dyn SnapshotReader> {
        Arc::clone(&self.reader)
    }

    /// Takes one snapshot now (after any being taken) and gives its summary,
    /// or why none was stored.
    pub async fn take_now(&self) -> Result<SnapshotInfo, String> {
        let (reply, answer) = oneshot::channel();
        let stopped = || "the gateway's snapshot task has stopped".to_owned();
        self.takes.send(reply).map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// The `snapshots` member of the health answer, as JSON.
    pub fn health(&self) -> String {
        let status = self.status.lock().map(|s| s.clone()).unwrap_or_default();
        let last = status.last.as_ref().map(wire::info_json);
        let failure = status.last_failure.as_ref().map(|(at, reason)| {
            let mut out = String::new();
            let mut o = Object::new(&mut out);
            o.i64("at", *at).str("reason", reason);
            o.finish();
            out
        });
        let mut out = String::with_capacity(256);
        let mut o = Object::new(&mut out);
        o.bool("on", true)
            .str(
                "every",
                &humantime::format_duration(self.settings.every).to_string(),
            )
            .u64("keepDays", u64::from(self.settings.keep_days))
            .raw("last", last.as_deref().unwrap_or("null"))
            .opt_i64("nextAt", status.next_at_ms)
            .bool("running", status.running)
            .raw("lastFailure", failure.as_deref().unwrap_or("null"));
        o.finish();
        out
    }
}

/// The `snapshots` member of the health answer of a gateway without them.
pub fn health_off() -> String {
    r#"{"on":false}"#.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_read_as_people_write_them() {
        assert_eq!(parse_every("24h").unwrap(), Duration::from_secs(86_400));
        assert_eq!(parse_every("90m").unwrap(), Duration::from_secs(5_400));
        assert_eq!(
            parse_every("1day 12h").unwrap(),
            Duration::from_secs(129_600)
        );
        for bad in ["", "24", "soon", "0s", "500ms", "400days"] {
            let e = parse_every(bad).unwrap_err();
            assert!(e.contains("--snapshot-every"), "{e}");
        }
    }
}
