//! The snapshot taker: one thread with a runtime of its own (the client's
//! futures are not `Send`), holding the store's only writer. It takes a
//! snapshot when the schedule says so and whenever `POST
//! /__gateway/snapshots` asks, one at a time.
//!
//! A snapshot lists every user, page by page, with the gateway's app
//! credentials and the client's usual retries, and writes the pages into
//! one transaction as they arrive. If the listing fails, nothing of it is
//! kept: the reason is logged, and the next tick tries again. After each
//! stored snapshot, those taken more than `--keep-days` before it are
//! deleted. Snapshots are dated by the tenant's clock, as learned from its
//! answers.

use std::io::Write as _;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use koodrive_client::{Auth, CallOptions, Client, ClientConfig, NativePlatform, Platform as _};
use koodrive_core::MAX_LIMIT;
use koodrive_snapshots::{SnapshotInfo, SnapshotWriter, SqliteWriter};
use tokio::sync::mpsc;

use super::{SnapshotSettings, Status, TakeReply};

/// Time allowed for one upstream attempt of a listing.
const ATTEMPT_TIMEOUT_MS: u64 = 30_000;

const DAY_MS: i64 = 86_400_000;

/// What the taker lists with: the upstream and the app's credentials.
#[derive(Clone)]
pub struct Lister {
    /// The upstream's base URL.
    pub upstream: String,
    /// The app's id.
    pub app_id: String,
    /// The app's secret.
    pub app_secret: String,
}

fn machine_now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// One line on stderr; a closed stderr is no reason to stop.
fn log(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "snapshots: {line}");
}

/// Starts the taker's thread; gives the channel that asks it for a snapshot.
pub fn start(
    settings: SnapshotSettings,
    lister: Lister,
    writer: SqliteWriter,
    status: Arc<Mutex<Status>>,
) -> Result<mpsc::UnboundedSender<TakeReply>, String> {
    let (takes, mut asked) = mpsc::unbounded_channel::<TakeReply>();
    // The client lives on the thread (it is not `Send`); it says whether it could be made.
    let (ready, started) = std::sync::mpsc::channel::<Result<(), String>>();
    std::thread::Builder::new()
        .name("snapshots".into())
        .spawn(move || {
            let made = make_client(&settings, lister).and_then(|client| {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(|e| format!("cannot start the snapshot runtime: {e}"))?;
                Ok((client, runtime))
            });
            let (client, runtime) = match made {
                Ok(made) => {
                    let _ = ready.send(Ok(()));
                    made
                }
                Err(e) => {
                    let _ = ready.send(Err(e));
                    return;
                }
            };
            let local = tokio::task::LocalSet::new();
            local.block_on(&runtime, async move {
                let mut taker = Taker {
                    settings,
                    client,
                    writer,
                    status,
                };
                let mut next = taker.first_tick();
                loop {
                    taker.set_next(next);
                    tokio::select! {
                        () = tokio::time::sleep_until(next.into()) => {
                            next = Instant::now() + taker.settings.every;
                            taker.set_next(next);
                            let _ = taker.take().await;
                        }
                        reply = asked.recv() => {
                            // None: the server, holding every sender, is gone.
                            let Some(reply) = reply else { break };
                            let result = taker.take().await;
                            let _ = reply.send(result);
                        }
                    }
                }
            });
        })
        .map_err(|e| format!("cannot start the snapshot thread: {e}"))?;
    started
        .recv()
        .map_err(|_| "the snapshot thread stopped at start".to_owned())??;
    Ok(takes)
}

/// The client the listings go through: app mode, the client's usual retries.
fn make_client(
    settings: &SnapshotSettings,
    lister: Lister,
) -> Result<Client<NativePlatform>, String> {
    let mut config = ClientConfig::new(
        &lister.upstream,
        &settings.acting_user_id,
        Auth::App {
            app_id: lister.app_id,
            app_secret: lister.app_secret,
        },
    )
    .map_err(|e| format!("snapshots cannot list users: {e}"))?;
    config.timeout_ms = ATTEMPT_TIMEOUT_MS;
    let platform = NativePlatform::new()?;
    Client::new(config, platform).map_err(|e| format!("snapshots cannot list users: {e}"))
}

struct Taker {
    settings: SnapshotSettings,
    client: Client<NativePlatform>,
    writer: SqliteWriter,
    status: Arc<Mutex<Status>>,
}

impl Taker {
    fn update(&self, change: impl FnOnce(&mut Status)) {
        if let Ok(mut status) = self.status.lock() {
            change(&mut status);
        }
    }

    /// `every` after the newest stored snapshot, or now when there is none
    /// (or it is older than that).
    fn first_tick(&self) -> Instant {
        let last = self.status.lock().ok().and_then(|s| s.last);
        let every_ms = self.settings.every.as_millis() as i64;
        let wait_ms = last.map_or(0, |l| (l.taken_at_ms + every_ms - machine_now_ms()).max(0));
        Instant::now() + Duration::from_millis(wait_ms.min(every_ms) as u64)
    }

    fn set_next(&self, next: Instant) {
        let in_ms = next.saturating_duration_since(Instant::now()).as_millis() as i64;
        self.update(|s| s.next_at_ms = Some(machine_now_ms() + in_ms));
    }

    /// Takes one snapshot, logs how it went and applies retention.
    async fn take(&mut self) -> Result<SnapshotInfo, String> {
        self.update(|s| s.running = true);
        let started = Instant::now();
        let result = self.list_and_store().await;
        if result.is_err() {
            self.writer.abandon();
        }
        let seconds = started.elapsed().as_secs_f64();
        match &result {
            Ok(info) => {
                log(&format!(
                    "snapshot {} stored: {} users, {} bytes, in {seconds:.1} s",
                    info.id, info.users, info.bytes
                ));
                let cutoff = info.taken_at_ms - i64::from(self.settings.keep_days) * DAY_MS;
                match self.writer.forget_before(cutoff) {
                    Ok(0) => {}
                    Ok(n) => log(&format!(
                        "deleted {n} snapshot(s) older than {} days",
                        self.settings.keep_days
                    )),
                    Err(e) => log(&format!("old snapshots could not be deleted: {e}")),
                }
            }
            Err(reason) => log(&format!(
                "snapshot failed after {seconds:.1} s, nothing of it was stored: {reason}; the next tick tries again"
            )),
        }
        let result_for_status = result.clone();
        self.update(move |s| {
            s.running = false;
            match result_for_status {
                Ok(info) => {
                    s.last = Some(info);
                    s.last_failure = None;
                }
                Err(reason) => s.last_failure = Some((machine_now_ms(), reason)),
            }
        });
        result
    }

    /// Lists every user into one transaction; commits it when the listing
    /// is complete.
    async fn list_and_store(&mut self) -> Result<SnapshotInfo, String> {
        let mut pages = self
            .client
            .list_usage_pages(MAX_LIMIT, CallOptions::default())
            .map_err(|e| e.to_string())?;
        let mut begun = false;
        let mut listed = 0;
        while let Some(page) = pages.next_page().await {
            let page =
                page.map_err(|e| format!("the listing stopped after {listed} users: {e}"))?;
            listed += page.items.len();
            if !begun {
                // Dated by the tenant's clock, learned from this first answer.
                let now = self.client.platform().now_ms();
                let taken_at = self.client.server_clock().server_now_ms(now);
                self.writer
                    .begin(taken_at)
                    .map_err(|e| format!("the database refused it: {e}"))?;
                begun = true;
            }
            for problem in &page.problems {
                log(&format!(
                    "the listing at user {}: {problem}",
                    page.offset + 1
                ));
            }
            self.writer
                .add(&page.items)
                .map_err(|e| format!("the database refused it: {e}"))?;
        }
        if !begun {
            return Err("the listing gave no page".into());
        }
        self.writer
            .commit()
            .map_err(|e| format!("the database refused it: {e}"))
    }
}
