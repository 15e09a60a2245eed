//! [`HistoryContext`]: usage over time in the page. The snapshots (the
//! core's [`History`]), whether they are kept on this computer, the trends
//! computed from them and what the table needs of each row (its growth and
//! when it is full), the `Full within (days)` filter, the user charted, and
//! what the History region must tell. Snapshots are taken after each
//! complete listing while "Keep history on this computer" is ticked, at the
//! server's time; imports (a history file, past CSV exports) add to them.
//! Every change is written to the browser's storage (`browser::history`)
//! while history is kept, and so are the trends each time they are
//! computed: a page opened again reads them back instead of decoding every
//! snapshot, unless they are stale. Behind a gateway that keeps snapshots, its
//! snapshots are read too (after the first endpoint check and after each
//! complete listing, in the background) and join this browser's for the
//! trends (see `state::server_history`); they are never written here.

use std::sync::Arc;

use koodrive_core::history::{
    History, HistoryChanges, Snapshot, SnapshotSource, Trends, decode_history_file, store_trends,
    stored_trends_for,
};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::App;
use crate::browser::clock::now_ms;
use crate::browser::history as store;
use crate::browser::server_history as server_store;
use crate::state::connection::Connection;
use crate::state::history::{
    HistoryKey, imported, no_date, refusal, snapshot_from_export, taken_at_from_file_name,
};
use crate::state::i18n::Lang;
use crate::state::keeping::scope_of;
use crate::state::results::Results;
use crate::state::server_history::{ServerHistory, ServerProblem, ServerStatus, joined_trends};

/// What the History region tells: a message, and whether it is a refusal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryMessage {
    /// The words.
    pub text: String,
    /// Whether something was refused or failed.
    pub error: bool,
}

/// Usage history's reactive state. Cheap to copy: every field is a handle.
#[derive(Clone, Copy)]
pub struct HistoryContext {
    /// "Keep history on this computer".
    pub keep: RwSignal<bool>,
    /// The snapshots.
    pub history: RwSignal<History>,
    /// The trends over the snapshots; `None` while there is none.
    pub trends: RwSignal<Option<Arc<Trends>>>,
    /// Bumped whenever `trends` changes (the table's rows are drawn again).
    pub version: RwSignal<u64>,
    /// Each row's growth and full date, in the rows' order (empty without
    /// trends).
    pub keys: Memo<Vec<HistoryKey>>,
    /// `Full within (days)`; `None`: no filter.
    pub full_within: RwSignal<Option<f64>>,
    /// The user whose chart is shown.
    pub chart_user: RwSignal<Option<String>>,
    /// What the History region tells.
    pub message: RwSignal<Option<HistoryMessage>>,
    /// The storage scope the history is kept under.
    pub scope: RwSignal<String>,
    /// The server's clock minus ours (the connection's signal).
    pub server_offset_ms: RwSignal<i64>,
    /// The usage ratio at which a user is critical.
    pub critical_at: RwSignal<f64>,
    /// The snapshots of the gateway serving the page, as far as read.
    pub server: RwSignal<ServerHistory>,
    /// Whether the page is served by a gateway that keeps snapshots.
    pub server_on: RwSignal<bool>,
    /// Reading the gateway's snapshots: how far, or why it failed.
    pub server_status: RwSignal<ServerStatus>,
    /// Whether they are being read now.
    server_busy: StoredValue<bool>,
    /// Where the page tells that the history's part could not be fetched
    /// (set by [`wire`]; none outside the page).
    pub(crate) told: StoredValue<Option<crate::parts::Told>>,
    /// The History region's snapshots and charts, once the history's part
    /// is there (see `crate::parts`).
    pub(crate) views: RwSignal<Option<crate::parts::HistoryViews>>,
    /// The connection (the gateway, its token).
    connection: RwSignal<Connection>,
}

impl HistoryContext {
    /// No history yet, for the rows of `results`; times at the server's
    /// clock by `server_offset_ms`.
    pub fn new(
        results: RwSignal<Results>,
        server_offset_ms: RwSignal<i64>,
        connection: RwSignal<Connection>,
    ) -> Self {
        let trends = RwSignal::new(None::<Arc<Trends>>);
        let keys = Memo::new(move |_| {
            trends.with(|t| match t {
                None => Vec::new(),
                Some(t) => results.with(|r| {
                    r.rows
                        .iter()
                        .map(|row| HistoryKey::of(t.user(row.user_id())))
                        .collect()
                }),
            })
        });
        Self {
            keep: RwSignal::new(false),
            history: RwSignal::new(History::new()),
            trends,
            version: RwSignal::new(0),
            keys,
            full_within: RwSignal::new(None),
            chart_user: RwSignal::new(None),
            message: RwSignal::new(None),
            scope: RwSignal::new(String::new()),
            server_offset_ms,
            critical_at: RwSignal::new(koodrive_core::Thresholds::default().critical_at()),
            server: RwSignal::new(ServerHistory::default()),
            server_on: RwSignal::new(false),
            server_status: RwSignal::new(ServerStatus::Quiet),
            server_busy: StoredValue::new(false),
            told: StoredValue::new(None),
            views: RwSignal::new(None),
            connection,
        }
    }

    /// Whether the table shows `Growth` and `Full in` (tracked): once there
    /// is a snapshot.
    pub fn shown(&self) -> bool {
        self.trends.with(Option::is_some)
    }

    /// Whether usage history is in use on this page (untracked): kept on
    /// this computer, read from the gateway serving the page, or holding
    /// snapshots (imported ones, say). Until it is, the page has not
    /// fetched the history's part (`crate::parts`).
    pub fn in_use_untracked(&self) -> bool {
        self.keep.get_untracked()
            || self.server_on.get_untracked()
            || self.history.with_untracked(|h| !h.is_empty())
    }

    /// The page's language, untracked.
    pub fn lang_untracked(&self) -> Lang {
        self.connection.with_untracked(|c| c.lang)
    }

    /// Whether the table shows `Growth` and `Full in`, untracked.
    pub fn shown_untracked(&self) -> bool {
        self.trends.with_untracked(Option::is_some)
    }

    /// Now at the server's clock, for `local_now_ms` (tracked).
    pub fn server_now(&self, local_now_ms: i64) -> i64 {
        local_now_ms.saturating_add(self.server_offset_ms.get())
    }

    /// Each row's export cells (`growthPerDay`, `fullInDays`,
    /// `criticalInDays`) at `local_now_ms`; `None` without history.
    pub fn export_cells(
        &self,
        results: super::ResultsContext,
        local_now_ms: i64,
    ) -> Option<Vec<[String; 3]>> {
        let now = local_now_ms.saturating_add(self.server_offset_ms.get_untracked());
        self.trends.with_untracked(|t| {
            let t = t.as_ref()?;
            Some(results.results.with_untracked(|r| {
                r.rows
                    .iter()
                    .map(|row| crate::state::history::export_cells(t.user(row.user_id()), now))
                    .collect()
            }))
        })
    }

    /// Tells `text` in the History region (`error`: as a refusal or failure).
    pub(crate) fn tell(&self, text: String, error: bool) {
        self.message.set(Some(HistoryMessage { text, error }));
    }

    /// Computes the trends again (after a change of the snapshots or of the
    /// critical threshold).
    pub fn recompute(&self) {
        let critical = self.critical_at.get_untracked();
        let computed = self.history.with_untracked(|h| {
            self.server
                .with_untracked(|s| joined_trends(h, s, critical))
                .map(|t| t.map(Arc::new))
        });
        match computed {
            Ok(None) => self.trends.set(None),
            Ok(Some(trends)) => {
                self.trends.set(Some(trends));
                self.keep_trends();
            }
            Err(e) => {
                self.trends.set(None);
                self.tell(e.to_string(), true);
            }
        }
        self.version.update(|v| *v += 1);
    }

    /// Whether the trends are this browser's snapshots' alone (none of the
    /// gateway's joined them): only those are kept beside the snapshots.
    fn trends_are_the_browsers(&self) -> bool {
        self.server.with_untracked(|s| s.fetched.is_empty())
    }

    /// Keeps the trends beside the snapshots, while history is kept, so
    /// that the next visit shows them at once (see `load`). In the
    /// background; a failure only costs the next visit the computing.
    fn keep_trends(&self) {
        if !self.keep.get_untracked() || !self.trends_are_the_browsers() {
            return;
        }
        let critical = self.critical_at.get_untracked();
        let Some(stored) = self.trends.with_untracked(|t| {
            let t = t.as_ref()?;
            Some(
                self.history
                    .with_untracked(|h| store_trends(t, h, critical)),
            )
        }) else {
            return;
        };
        let scope = self.scope.get_untracked();
        spawn_local(async move {
            let _ = store::write_trends(&scope, stored).await;
        });
    }

    /// Writes what `changes` changed to this browser, while history is kept.
    fn persist(&self, changes: HistoryChanges) {
        if !self.keep.get_untracked() {
            return;
        }
        let written = self.history.with_untracked(|h| {
            changes
                .written
                .iter()
                .filter_map(|&at| h.get(at).map(|e| (at, e.bytes.clone())))
                .collect::<Vec<_>>()
        });
        let scope = self.scope.get_untracked();
        let this = *self;
        spawn_local(async move {
            if let Err(e) = store::write(&scope, written, changes.removed).await {
                this.tell(e, true);
            }
        });
    }

    /// Adds `snapshot`; `Err` with the reason when the history refuses it.
    fn add(&self, snapshot: Snapshot) -> Result<(), String> {
        let changes = self
            .history
            .try_update(|h| h.add(snapshot))
            .unwrap_or_else(|| Ok(HistoryChanges::default()))
            .map_err(|e| e.to_string())?;
        self.persist(changes);
        Ok(())
    }

    /// After a complete listing: a snapshot of its users, taken at the
    /// server's time, while history is kept; and the gateway's snapshots
    /// read again (it may have taken some since).
    pub fn after_listing(&self, results: &Results) {
        self.read_server();
        if !self.keep.get_untracked() {
            return;
        }
        let at = now_ms().saturating_add(self.server_offset_ms.get_untracked());
        let snapshot = Snapshot::from_records(
            at,
            SnapshotSource::Listing,
            results.rows.iter().map(|r| r.record()),
        );
        if snapshot.is_empty() {
            return;
        }
        if let Err(e) = self.add(snapshot) {
            self.tell(e, true);
        }
        self.recompute();
    }

    /// Deletes the snapshot taken at `taken_at_ms`.
    pub fn remove(&self, taken_at_ms: i64) {
        let removed = self
            .history
            .try_update(|h| h.remove(taken_at_ms))
            .unwrap_or_else(|| Ok(HistoryChanges::default()));
        match removed {
            Ok(changes) => self.persist(changes),
            Err(e) => self.tell(e.to_string(), true),
        }
        self.recompute();
    }

    /// Deletes every snapshot (history stays kept, if it was).
    pub fn remove_all(&self) {
        let removed = self.history.with_untracked(|h| {
            h.entries()
                .iter()
                .map(|e| e.header.taken_at_ms)
                .collect::<Vec<_>>()
        });
        self.history.set(History::new());
        self.chart_user.set(None);
        self.persist(HistoryChanges {
            written: Vec::new(),
            removed,
        });
        self.recompute();
    }

    /// Ticks or unticks "Keep history on this computer": ticking writes the
    /// snapshots so far; unticking forgets them, here and in this browser.
    pub fn set_keep(&self, keep: bool) {
        self.keep.set(keep);
        let scope = self.scope.get_untracked();
        let this = *self;
        if keep {
            let written = self.history.with_untracked(|h| {
                h.entries()
                    .iter()
                    .map(|e| e.header.taken_at_ms)
                    .collect::<Vec<_>>()
            });
            self.persist(HistoryChanges {
                written,
                removed: Vec::new(),
            });
            self.keep_trends();
        } else {
            // The snapshots leave the page once this browser has deleted
            // them, so a reload right after never brings them back; when it
            // cannot, they stay, ticked, with the reason.
            spawn_local(async move {
                match store::forget(&scope).await {
                    Ok(()) => {
                        this.history.set(History::new());
                        this.chart_user.set(None);
                        this.message.set(None);
                        this.recompute();
                    }
                    Err(e) => {
                        this.keep.set(true);
                        this.tell(e, true);
                    }
                }
            });
        }
    }

    /// Takes up the history this browser kept for this page (`kept`, read
    /// by `wire`), with the trends kept beside it when they are still those
    /// of its snapshots at this critical threshold (else they are computed
    /// again).
    pub(crate) fn take_kept(&self, kept: store::Kept) {
        self.keep.set(true);
        match History::from_stored(kept.snapshots) {
            Ok(history) => {
                let critical = self.critical_at.get_untracked();
                let trends = kept
                    .trends
                    .filter(|_| self.trends_are_the_browsers())
                    .and_then(|b| stored_trends_for(&b, &history, critical).ok())
                    .flatten();
                self.history.set(history);
                match trends {
                    Some(trends) => {
                        self.trends.set(Some(Arc::new(trends)));
                        self.version.update(|v| *v += 1);
                    }
                    None => self.recompute(),
                }
            }
            Err(e) => self.tell(
                format!("the history kept on this computer could not be read ({e}): untick and tick Keep history to start it again"),
                true,
            ),
        }
    }

    /// Reads the gateway's snapshots in the background, when the page is
    /// served by one that keeps them: its list, then those of them the
    /// trends read and not read yet, one by one (the History region tells
    /// how far). Nothing waits for it; a failure is told in the History
    /// region and leaves the history of this computer as it is. Not while
    /// the gateway's token is needed and not entered.
    pub fn read_server(&self) {
        // Also while the gateway's token is missing (nothing is read then):
        // the region, from the history's part, says the gateway keeps them.
        if self.server_wanted().is_some() || self.server_on.get_untracked() {
            crate::parts::read_server_history(*self);
        }
    }

    /// The gateway's token (`None` when it needs none) when its snapshots
    /// are to be read now; `None` when not. Also notes in `server_on`
    /// whether the page is served by a gateway that keeps them.
    fn server_wanted(&self) -> Option<Option<String>> {
        let (on, token) = self.connection.with_untracked(|c| {
            let gateway = c.gateway.as_ref();
            (
                gateway.is_some_and(|g| g.snapshots),
                gateway
                    .is_some_and(|g| g.needs_token)
                    .then(|| c.gateway_token.trim().to_owned()),
            )
        });
        self.server_on.set(on);
        (on && token.as_deref() != Some("") && !self.server_busy.get_value()).then_some(token)
    }

    /// Reads the gateway's snapshots (see [`Self::read_server`]; in the
    /// history's part of the page), when they are to be read now.
    pub(crate) async fn read_server_now(&self) {
        let Some(token) = self.server_wanted() else {
            return;
        };
        let origin = crate::browser::page_origin();
        self.server_busy.set_value(true);
        let read = self.read_server_from(&origin, token.as_deref()).await;
        self.server_busy.set_value(false);
        self.server_status.set(match read {
            Ok(()) => ServerStatus::Quiet,
            Err(problem) => ServerStatus::Failed(problem),
        });
    }

    async fn read_server_from(
        &self,
        origin: &str,
        token: Option<&str>,
    ) -> Result<(), ServerProblem> {
        let listed = server_store::list(origin, token).await?;
        let mut changed = self
            .server
            .try_update(|s| s.set_listed(listed))
            .unwrap_or(false);
        let browser_times: Vec<i64> = self
            .history
            .with_untracked(|h| h.entries().iter().map(|e| e.header.taken_at_ms).collect());
        let wanted = self.server.with_untracked(|s| s.to_fetch(&browser_times));
        let total = wanted.len();
        let mut outcome = Ok(());
        for (done, info) in wanted.into_iter().enumerate() {
            self.server_status
                .set(ServerStatus::Reading { done, total });
            let stored = match server_store::fetch(origin, token, info.id).await {
                Ok(stored) => stored,
                Err(problem) => {
                    outcome = Err(problem);
                    break;
                }
            };
            match self.server.try_update(|s| s.add(info, stored)) {
                Some(Err(why)) => {
                    outcome = Err(ServerProblem::Unreadable(why));
                    break;
                }
                _ => changed = true,
            }
        }
        // What was read counts, even when a later one failed.
        if changed {
            self.recompute();
        }
        outcome
    }

    /// Imports a history file (as exported): its snapshots join these.
    /// A foreign or damaged file is refused and nothing changes.
    pub fn import_file(&self, name: &str, bytes: &[u8], lang: Lang) {
        let other = match decode_history_file(bytes) {
            Ok(other) => other,
            Err(e) => return self.tell(refusal(name, &e.to_string(), lang), true),
        };
        let merged = self
            .history
            .try_update(|h| {
                // Merged into a copy: a failure leaves the history as it was.
                let mut copy = h.clone();
                let changes = copy.merge(&other)?;
                *h = copy;
                Ok::<_, koodrive_core::history::HistoryError>(changes)
            })
            .unwrap_or_else(|| Ok(HistoryChanges::default()));
        match merged {
            Ok(changes) => {
                self.persist(changes);
                self.tell(imported(other.len(), lang), false);
            }
            Err(e) => self.tell(refusal(name, &e.to_string(), lang), true),
        }
        self.recompute();
    }

    /// Imports past CSV exports of this page, each as a snapshot dated by
    /// its file name, or else at `picked_ms`. All or nothing: when one file
    /// cannot be read, none is added.
    pub fn import_csv_exports(
        &self,
        files: &[(String, Vec<u8>)],
        picked_ms: Option<i64>,
        lang: Lang,
    ) {
        let mut snapshots = Vec::with_capacity(files.len());
        for (name, bytes) in files {
            let Some(at) = taken_at_from_file_name(name).or(picked_ms) else {
                return self.tell(no_date(name, lang), true);
            };
            match snapshot_from_export(bytes, at) {
                Ok(s) => snapshots.push(s),
                Err(e) => return self.tell(e.message(name, lang), true),
            }
        }
        let count = snapshots.len();
        // Added to a copy, written in one transaction: a refusal changes
        // nothing, and no write can overtake another.
        let added = self
            .history
            .try_update(|h| {
                let mut copy = h.clone();
                let mut all = HistoryChanges::default();
                for snapshot in snapshots {
                    let changes = copy.add(snapshot)?;
                    all.written.extend(changes.written);
                }
                all.written.sort_unstable();
                all.written.dedup();
                *h = copy;
                Ok::<_, koodrive_core::history::HistoryError>(all)
            })
            .unwrap_or_else(|| Ok(HistoryChanges::default()));
        match added {
            Ok(changes) => {
                self.persist(changes);
                self.tell(imported(count, lang), false);
            }
            Err(e) => self.tell(e.to_string(), true),
        }
        self.recompute();
    }
}

/// Sets up history for the page, once: the kept history comes back once
/// the page knows whom it talks to (the first endpoint check has settled),
/// and the trends follow the critical threshold. What reads and computes
/// history is in the history's part of the page (`crate::parts`), fetched
/// only once history is in use: kept on this computer, kept by the gateway
/// serving the page, or imported.
pub fn wire(app: &App) {
    let conn = app.connection;
    let history = app.history;
    let thresholds = app.results.thresholds;
    history.told.set_value(Some(crate::parts::Told {
        notice: app.query.notice,
        retry: Some(app.query.retry),
    }));
    let loaded = StoredValue::new(false);
    Effect::new(move |_| {
        if conn.health.get().is_none() || loaded.get_value() {
            return;
        }
        loaded.set_value(true);
        history.load(conn.connection.with_untracked(scope_of));
        history.read_server();
    });
    Effect::new(move |_| {
        let critical = thresholds.with(|t| t.critical_at());
        history.critical_at.set(critical);
        if history.in_use_untracked() {
            crate::parts::recompute_history(history);
        }
    });
}

impl HistoryContext {
    /// Reads whether this browser keeps history for `scope`, and if so
    /// takes it up (in the history's part of the page).
    pub fn load(&self, scope: String) {
        self.scope.set(scope.clone());
        let this = *self;
        spawn_local(async move {
            match store::load(&scope).await {
                Ok(kept) if !kept.keep => {}
                Ok(kept) => crate::parts::take_kept_history(this, kept),
                Err(e) => this.tell(e, true),
            }
        });
    }

    /// After a complete listing, when history is in use: see
    /// [`Self::after_listing`] (in the history's part of the page).
    pub fn listed(&self, results: super::ResultsContext) {
        if self.keep.get_untracked() || self.server_wanted().is_some() {
            crate::parts::after_listing(*self, results);
        }
    }
}
