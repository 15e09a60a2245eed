//! Snapshots kept by the gateway that serves the page, beside those this
//! browser keeps, as plain data and pure functions: the gateway's list
//! (`GET /__gateway/snapshots`), which of its snapshots the page fetches
//! (only those the trends read, see [`ServerHistory::to_fetch`]), how both
//! sets join into one series for `Growth` and `Full in` ([`join_plan`]: by
//! day, the server's snapshot standing for its day), the History region's
//! rows with where each snapshot is kept, and what the page tells while it
//! reads them or when it cannot. Fetching them lives in `browser`.

use koodrive_core::history::{
    HistoryError, Snapshot, SnapshotSource, Trends, UsagePoint, decode_snapshot, read_header,
    snapshots_used,
};

use super::history::{HistoryRow, Kept, history_rows, history_texts};
use super::i18n::Lang;
use super::numbers::grouped;
use super::times::DAY_MS;
use koodrive_core::history::History;

/// Where the gateway lists its snapshots; one is at `{SNAPSHOTS_PATH}/{id}`.
pub const SNAPSHOTS_PATH: &str = "/__gateway/snapshots";

/// One of the gateway's snapshots, as its list gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerSnapshotInfo {
    /// Its id on the gateway.
    pub id: i64,
    /// When it was taken, Unix ms at the server's clock.
    pub taken_at: i64,
    /// How many users it holds.
    pub users: u64,
    /// About how many bytes of the gateway's database it takes.
    pub bytes: u64,
}

/// The gateway's list of snapshots from its entries' `[id, takenAt, users,
/// bytes]` as JSON numbers (`None`: an entry without them), sorted oldest
/// first. (The browser parses the JSON: no JSON reader of ours for it in
/// the page.)
pub fn list_from(
    entries: impl IntoIterator<Item = Option<[f64; 4]>>,
) -> Result<Vec<ServerSnapshotInfo>, String> {
    let whole =
        |x: f64| (x.fract() == 0.0 && (0.0..9_007_199_254_740_992.0).contains(&x)).then_some(x);
    let mut list = entries
        .into_iter()
        .map(|entry| {
            let [id, taken_at, users, bytes] = entry?.map(whole);
            Some(ServerSnapshotInfo {
                id: id? as i64,
                taken_at: taken_at? as i64,
                users: users? as u64,
                bytes: bytes? as u64,
            })
        })
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| {
            "the gateway's list of snapshots is not what the page reads \
             (each entry needs a whole id, takenAt, users and bytes)"
                .to_owned()
        })?;
    // The gateway lists them oldest first: then this costs one pass. (By
    // hand: a sort instance would cost the page some kilobytes.)
    for i in 1..list.len() {
        let mut j = i;
        while j > 0 && (list[j].taken_at, list[j].id) < (list[j - 1].taken_at, list[j - 1].id) {
            list.swap(j, j - 1);
            j -= 1;
        }
    }
    Ok(list)
}

/// One of the gateway's snapshots, fetched: its stored form, as the page's
/// own history stores a snapshot that stands alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerSnapshot {
    /// What the list said of it.
    pub info: ServerSnapshotInfo,
    /// Its stored form (see `koodrive_core::history::encode_snapshot`).
    pub stored: Vec<u8>,
}

/// The gateway's snapshots as the page knows them: the list, and those
/// fetched so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerHistory {
    /// Every snapshot the gateway listed, oldest first.
    pub listed: Vec<ServerSnapshotInfo>,
    /// Those fetched, oldest first.
    pub fetched: Vec<ServerSnapshot>,
}

impl ServerHistory {
    /// Takes a new list: fetched snapshots no longer listed (deleted by the
    /// gateway's retention) are let go. Whether anything changed.
    pub fn set_listed(&mut self, listed: Vec<ServerSnapshotInfo>) -> bool {
        let before = self.fetched.len();
        self.fetched.retain(|f| listed.contains(&f.info));
        let changed = self.listed != listed || self.fetched.len() != before;
        self.listed = listed;
        changed
    }

    /// Adds a fetched snapshot once its stored form has been checked: it
    /// stands alone, was taken when the list says, and decodes.
    pub fn add(&mut self, info: ServerSnapshotInfo, stored: Vec<u8>) -> Result<(), String> {
        let unreadable = |e: HistoryError| format!("snapshot {} could not be read: {e}", info.id);
        let header = read_header(&stored).map_err(unreadable)?;
        if header.base.is_some() || header.taken_at_ms != info.taken_at {
            return Err(format!(
                "snapshot {} is not the one the gateway listed (another time, or not standing alone)",
                info.id
            ));
        }
        decode_snapshot(&stored, None).map_err(unreadable)?;
        let at = self
            .fetched
            .partition_point(|f| (f.info.taken_at, f.info.id) < (info.taken_at, info.id));
        if self.fetched.get(at).is_some_and(|f| f.info == info) {
            self.fetched[at].stored = stored;
        } else {
            self.fetched.insert(at, ServerSnapshot { info, stored });
        }
        Ok(())
    }

    /// The listed snapshots to fetch, oldest first: of those the trends over
    /// both sets read (`browser_times` are the times of the snapshots this
    /// browser keeps), the ones not fetched yet. The others would count only
    /// in the tenant's totals; leaving them on the server keeps a long
    /// history from being downloaded whole.
    pub fn to_fetch(&self, browser_times: &[i64]) -> Vec<ServerSnapshotInfo> {
        let server_times: Vec<i64> = self.listed.iter().map(|s| s.taken_at).collect();
        let plan = join_plan(browser_times, &server_times);
        let times: Vec<i64> = plan.iter().map(|p| p.0).collect();
        snapshots_used(&times)
            .into_iter()
            .filter_map(|i| match plan[i].1 {
                Pick::Server(j) => Some(&self.listed[j]),
                Pick::Browser(_) => None,
            })
            .filter(|info| !self.fetched.iter().any(|f| f.info == **info))
            .cloned()
            .collect()
    }
}

/// Where a snapshot of the joined series comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// The browser's, at this position in its history (oldest first).
    Browser(usize),
    /// The server's, at this position in its list (oldest first).
    Server(usize),
}

/// `a` and `b`, each in order, merged in order: where `before(x, y)`, `x`
/// comes first (from `a` when neither is before the other).
fn merge<T>(a: Vec<T>, b: Vec<T>, before: impl Fn(&T, &T) -> bool) -> Vec<T> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let mut a = a.into_iter().peekable();
    let mut b = b.into_iter().peekable();
    loop {
        let take_b = match (a.peek(), b.peek()) {
            (None, None) => break,
            (Some(x), Some(y)) => before(y, x),
            (None, Some(_)) => true,
            (Some(_), None) => false,
        };
        out.extend(if take_b { b.next() } else { a.next() });
    }
    out
}

/// The UTC day a time falls on.
pub fn day_of(ms: i64) -> i64 {
    ms.div_euclid(DAY_MS)
}

/// The joined series, in time order, as `(taken at, where from)`: every
/// server snapshot, and the browser's on days the server has none. On a
/// day both have, the server's stands for it (a complete listing every
/// administrator sees alike) and the browser's are left out, so that no day
/// counts twice. Times are unique: a server snapshot taken at the very
/// same time as another is left out too. Both lists of times are oldest
/// first (as the History and the gateway's list hold them).
pub fn join_plan(browser_times: &[i64], server_times: &[i64]) -> Vec<(i64, Pick)> {
    let server_days: Vec<i64> = server_times.iter().map(|&t| day_of(t)).collect();
    let server: Vec<(i64, Pick)> = server_times
        .iter()
        .enumerate()
        .map(|(j, &t)| (t, Pick::Server(j)))
        .collect();
    let browser: Vec<(i64, Pick)> = browser_times
        .iter()
        .enumerate()
        .filter(|(_, t)| server_days.binary_search(&day_of(**t)).is_err())
        .map(|(i, &t)| (t, Pick::Browser(i)))
        .collect();
    let mut plan = merge(server, browser, |x, y| x.0 < y.0);
    plan.dedup_by_key(|p| p.0);
    plan
}

/// The joined series over what the page holds: the browser's history and
/// the server's snapshots fetched so far.
fn plan_of(history: &History, server: &ServerHistory) -> Vec<(i64, Pick)> {
    let browser: Vec<i64> = history
        .entries()
        .iter()
        .map(|e| e.header.taken_at_ms)
        .collect();
    let fetched: Vec<i64> = server.fetched.iter().map(|f| f.info.taken_at).collect();
    join_plan(&browser, &fetched)
}

/// The snapshots of `plan` decoded one after another: the browser's chain
/// is decoded in order (only as far as needed), each server snapshot on
/// its own. (Should the chain end early, so does this: the trends then
/// refuse the short series.)
fn decoded<'a>(
    history: &'a History,
    server: &'a ServerHistory,
    plan: &'a [(i64, Pick)],
) -> impl Iterator<Item = Result<Snapshot, HistoryError>> + 'a {
    let mut chain = history.snapshots().enumerate();
    plan.iter().map_while(move |&(_, pick)| match pick {
        Pick::Server(j) => Some(decode_snapshot(&server.fetched.get(j)?.stored, None)),
        Pick::Browser(i) => loop {
            match chain.next() {
                Some((k, Ok(s))) if k == i => break Some(Ok(s)),
                Some((_, Ok(_))) => continue,
                Some((_, Err(e))) => break Some(Err(e)),
                None => break None,
            }
        },
    })
}

/// Trends over both sets joined (see [`join_plan`]); `None` while neither
/// holds a snapshot.
pub fn joined_trends(
    history: &History,
    server: &ServerHistory,
    critical_at: f64,
) -> Result<Option<Trends>, HistoryError> {
    let plan = plan_of(history, server);
    if plan.is_empty() {
        return Ok(None);
    }
    let times: Vec<i64> = plan.iter().map(|p| p.0).collect();
    Trends::compute_over(&times, &mut decoded(history, server, &plan), critical_at).map(Some)
}

/// One user's points over both sets joined, oldest first.
pub fn joined_user_series(
    history: &History,
    server: &ServerHistory,
    user_id: &str,
) -> Result<Vec<UsagePoint>, HistoryError> {
    let plan = plan_of(history, server);
    let mut points = Vec::new();
    for snapshot in decoded(history, server, &plan) {
        let snapshot = snapshot?;
        if let Some(u) = snapshot.user(user_id) {
            points.push(UsagePoint {
                at_ms: snapshot.taken_at_ms,
                quota: u.quota,
                used: u.used,
            });
        }
    }
    Ok(points)
}

/// The History region's rows, newest first: this browser's and every
/// snapshot the server lists, each marked with where it is kept.
pub fn joined_rows(history: &History, server: &ServerHistory) -> Vec<HistoryRow> {
    let server_rows = server
        .listed
        .iter()
        .rev()
        .map(|s| HistoryRow {
            taken_at_ms: s.taken_at,
            source: SnapshotSource::Listing,
            users: usize::try_from(s.users).unwrap_or(usize::MAX),
            stored_bytes: usize::try_from(s.bytes).unwrap_or(usize::MAX),
            kept: Kept::Server,
        })
        .collect();
    // Newest first; at one time, the server's first.
    merge(server_rows, history_rows(history), |x, y| {
        x.taken_at_ms > y.taken_at_ms
    })
}

/// Why the server's snapshots could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerProblem {
    /// No answer (the gateway stopped, the network).
    Unreachable,
    /// The gateway refused its token (401 or 403).
    Token,
    /// Another status, with what the gateway said.
    Status(u16, String),
    /// An answer the page cannot read (a damaged snapshot, a foreign list).
    Unreadable(String),
}

/// What the page is doing with the server's snapshots.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ServerStatus {
    /// Nothing to tell.
    #[default]
    Quiet,
    /// Fetching: `done` of `total` so far.
    Reading {
        /// Fetched so far.
        done: usize,
        /// To fetch.
        total: usize,
    },
    /// The last attempt failed.
    Failed(ServerProblem),
}

impl ServerStatus {
    /// What the History region says, and whether it is an error; `None`
    /// when quiet.
    pub fn text(&self, lang: Lang) -> Option<(String, bool)> {
        let t = history_texts(lang);
        match self {
            Self::Quiet => None,
            Self::Reading { done, total } => Some((
                match lang {
                    Lang::EnUs => format!(
                        "Reading the server's snapshots: {} of {}…",
                        grouped(*done),
                        grouped(*total)
                    ),
                    Lang::ZhCn => format!(
                        "正在读取服务器的快照：{} / {}…",
                        grouped(*done),
                        grouped(*total)
                    ),
                },
                false,
            )),
            Self::Failed(problem) => {
                let why = match (problem, lang) {
                    (ServerProblem::Unreachable, Lang::EnUs) => {
                        "the gateway did not answer".to_owned()
                    }
                    (ServerProblem::Unreachable, Lang::ZhCn) => "网关没有应答".to_owned(),
                    (ServerProblem::Token, Lang::EnUs) => {
                        "the gateway refused the Gateway token: enter the right one".to_owned()
                    }
                    (ServerProblem::Token, Lang::ZhCn) => {
                        "网关拒绝了网关令牌：请输入正确的令牌".to_owned()
                    }
                    (ServerProblem::Status(status, said), Lang::EnUs) if said.is_empty() => {
                        format!("the gateway answered {status}")
                    }
                    (ServerProblem::Status(status, said), Lang::EnUs) => {
                        format!("the gateway answered {status}: {said}")
                    }
                    (ServerProblem::Status(status, said), Lang::ZhCn) if said.is_empty() => {
                        format!("网关返回 {status}")
                    }
                    (ServerProblem::Status(status, said), Lang::ZhCn) => {
                        format!("网关返回 {status}：{said}")
                    }
                    (ServerProblem::Unreadable(why), _) => why.clone(),
                };
                Some((
                    match lang {
                        Lang::EnUs => format!("{} ({why}). {}", t.server_failed, t.server_retry),
                        Lang::ZhCn => format!("{}（{why}）。{}", t.server_failed, t.server_retry),
                    },
                    true,
                ))
            }
        }
    }
}

/// The line under the History region's summary: `5 snapshots on the server`.
pub fn server_summary(count: usize, lang: Lang) -> String {
    match lang {
        Lang::EnUs if count == 1 => "1 snapshot on the server".to_owned(),
        Lang::EnUs => format!("{} snapshots on the server", grouped(count)),
        Lang::ZhCn => format!("服务器上有 {} 个快照", grouped(count)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use koodrive_core::history::{SnapshotUser, encode_snapshot};

    const T0: i64 = 1_764_547_200_000; // 2025-12-01T00:00:00Z

    fn at(day: i64, hour: i64) -> i64 {
        T0 + day * DAY_MS + hour * 3_600_000
    }

    /// One user "g" growing by 10 a day from 100, one "f" flat at 50.
    fn snapshot(taken: i64) -> Snapshot {
        let days = (taken - T0) as f64 / DAY_MS as f64;
        Snapshot::new(
            taken,
            SnapshotSource::Listing,
            [
                SnapshotUser::new("g", 1000, 100.0 + 10.0 * days),
                SnapshotUser::new("f", 1000, 50.0),
            ],
        )
    }

    fn info(id: i64, taken_at: i64) -> ServerSnapshotInfo {
        ServerSnapshotInfo {
            id,
            taken_at,
            users: 2,
            bytes: 64,
        }
    }

    fn server_of(times: &[i64]) -> ServerHistory {
        let mut server = ServerHistory::default();
        server.set_listed(
            times
                .iter()
                .enumerate()
                .map(|(i, &t)| info(i as i64 + 1, t))
                .collect(),
        );
        for (i, &t) in times.iter().enumerate() {
            server
                .add(info(i as i64 + 1, t), encode_snapshot(&snapshot(t), None))
                .unwrap();
        }
        server
    }

    fn browser_of(times: &[i64]) -> History {
        History::from_snapshots(times.iter().map(|&t| snapshot(t)).collect())
    }

    #[test]
    fn the_list_reads_as_the_gateway_writes_it() {
        let list = list_from([
            Some([2.0, 1_764_633_600_000.0, 230.0, 4096.0]),
            Some([1.0, T0 as f64, 230.0, 8192.0]),
        ])
        .unwrap();
        assert_eq!(list.iter().map(|s| s.id).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(list[0].taken_at, T0);
        assert_eq!((list[1].users, list[1].bytes), (230, 4096));
        assert_eq!(list_from([]).unwrap(), []);
        for bad in [
            None,
            Some([1.5, 0.0, 0.0, 0.0]),
            Some([1.0, -1.0, 0.0, 0.0]),
            Some([1.0, f64::NAN, 0.0, 0.0]),
        ] {
            let e = list_from([bad]).unwrap_err();
            assert!(e.contains("list of snapshots"), "{e}");
        }
    }

    #[test]
    fn days_both_have_count_once_the_servers_standing_for_them() {
        // Browser: days 0 (noon), 1 (two), 3; server: days 1, 2, 3 (midnight).
        let browser = [at(0, 12), at(1, 9), at(1, 15), at(3, 18)];
        let server = [at(1, 0), at(2, 0), at(3, 0)];
        let plan = join_plan(&browser, &server);
        assert_eq!(
            plan,
            [
                (at(0, 12), Pick::Browser(0)),
                (at(1, 0), Pick::Server(0)),
                (at(2, 0), Pick::Server(1)),
                (at(3, 0), Pick::Server(2)),
            ]
        );
        // Either set alone is kept whole.
        assert_eq!(join_plan(&browser, &[]).len(), 4);
        assert_eq!(join_plan(&[], &server).len(), 3);
        // Days are UTC days: 23:59 and 00:00 the next day are two days.
        let plan = join_plan(&[at(1, 0) - 60_000], &[at(1, 0)]);
        assert_eq!(plan.len(), 2);
    }

    #[test]
    fn trends_over_both_sets_count_each_day_once() {
        // Five server days; the browser keeps day 4 too (later that day) and
        // days -2 and -1 before the server started.
        let server = server_of(&[at(0, 0), at(1, 0), at(2, 0), at(3, 0), at(4, 0)]);
        let browser = browser_of(&[at(-2, 10), at(-1, 10), at(4, 10)]);
        let trends = joined_trends(&browser, &server, 0.99).unwrap().unwrap();
        // Seven days, not eight: day 4 counts once.
        assert_eq!(trends.totals().len(), 7);
        let g = trends.user("g").unwrap();
        let per_day = g.per_day().unwrap();
        assert!((per_day - 10.0).abs() < 1e-9, "{per_day}");
        assert_eq!(g.newest.at_ms, at(4, 0));
        assert_eq!(trends.user("f").unwrap().per_day(), Some(0.0));
        let series = joined_user_series(&browser, &server, "g").unwrap();
        assert_eq!(
            series.iter().map(|p| p.at_ms).collect::<Vec<_>>(),
            [
                at(-2, 10),
                at(-1, 10),
                at(0, 0),
                at(1, 0),
                at(2, 0),
                at(3, 0),
                at(4, 0)
            ]
        );
        // The server's alone, and the browser's alone, also give trends.
        let alone = joined_trends(&History::new(), &server, 0.99)
            .unwrap()
            .unwrap();
        assert_eq!(alone.totals().len(), 5);
        let alone = joined_trends(&browser, &ServerHistory::default(), 0.99)
            .unwrap()
            .unwrap();
        assert_eq!(alone.totals().len(), 3);
        assert!(
            joined_trends(&History::new(), &ServerHistory::default(), 0.99)
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn rows_show_both_sets_newest_first_marked_by_where_they_are_kept() {
        let mut server = server_of(&[at(0, 0), at(1, 0)]);
        // A third listed but not fetched yet is shown all the same.
        let mut listed = server.listed.clone();
        listed.push(info(3, at(2, 0)));
        server.set_listed(listed);
        let browser = browser_of(&[at(1, 10)]);
        let rows = joined_rows(&browser, &server);
        let seen: Vec<(i64, Kept)> = rows.iter().map(|r| (r.taken_at_ms, r.kept)).collect();
        assert_eq!(
            seen,
            [
                (at(2, 0), Kept::Server),
                (at(1, 10), Kept::ThisComputer),
                (at(1, 0), Kept::Server),
                (at(0, 0), Kept::Server),
            ]
        );
        assert_eq!(rows[0].users, 2);
        assert_eq!(rows[0].stored_bytes, 64);
        assert_eq!(Kept::Server.name(Lang::EnUs), "server");
        assert_eq!(Kept::Server.name(Lang::ZhCn), "服务器");
        assert_eq!(Kept::ThisComputer.name(Lang::EnUs), "this computer");
    }

    #[test]
    fn only_the_snapshots_the_trends_read_are_fetched_and_only_once() {
        // 200 daily server snapshots: the newest 21 and those 30 and 90 days
        // back (7 days back is among the 21).
        let mut server = ServerHistory::default();
        server.set_listed((0..200).map(|d| info(d + 1, at(d, 0))).collect());
        let wanted = server.to_fetch(&[]);
        assert_eq!(wanted.len(), 23);
        assert_eq!(wanted.last().map(|s| s.id), Some(200));
        assert!(wanted.iter().any(|s| s.taken_at == at(199 - 90, 0)));
        assert!(wanted.iter().any(|s| s.taken_at == at(199 - 30, 0)));
        for s in &wanted {
            server
                .add(s.clone(), encode_snapshot(&snapshot(s.taken_at), None))
                .unwrap();
        }
        assert_eq!(server.to_fetch(&[]), []);
        // Five of them: all five.
        let mut five = ServerHistory::default();
        five.set_listed((0..5).map(|d| info(d + 1, at(d, 0))).collect());
        assert_eq!(five.to_fetch(&[]).len(), 5);
        // Retention on the gateway: a snapshot no longer listed is let go.
        let mut kept = server.listed.clone();
        kept.retain(|s| s.id != 200);
        assert!(server.set_listed(kept));
        assert!(server.fetched.iter().all(|f| f.info.id != 200));
    }

    #[test]
    fn a_fetched_snapshot_must_be_the_one_listed_and_stand_alone() {
        let mut server = ServerHistory::default();
        let good = encode_snapshot(&snapshot(at(1, 0)), None);
        // Another time than listed.
        assert!(server.add(info(1, at(2, 0)), good.clone()).is_err());
        // Coded against another snapshot.
        let chained = encode_snapshot(&snapshot(at(1, 0)), Some(&snapshot(at(0, 0))));
        assert!(server.add(info(1, at(1, 0)), chained).is_err());
        // Damaged.
        let mut damaged = good.clone();
        let mid = damaged.len() / 2;
        damaged[mid] ^= 0x5a;
        assert!(server.add(info(1, at(1, 0)), damaged).is_err());
        assert!(server.fetched.is_empty());
        server.add(info(1, at(1, 0)), good).unwrap();
        assert_eq!(server.fetched.len(), 1);
    }

    #[test]
    fn what_the_region_tells_in_both_languages() {
        assert_eq!(ServerStatus::Quiet.text(Lang::EnUs), None);
        let reading = ServerStatus::Reading { done: 2, total: 5 };
        assert_eq!(
            reading.text(Lang::EnUs),
            Some(("Reading the server's snapshots: 2 of 5…".to_owned(), false))
        );
        assert!(reading.text(Lang::ZhCn).unwrap().0.contains("2 / 5"));
        let (text, error) = ServerStatus::Failed(ServerProblem::Status(500, "disk".into()))
            .text(Lang::EnUs)
            .unwrap();
        assert!(error);
        assert!(
            text.starts_with(
                "The server's snapshots could not be read (the gateway answered 500: disk)."
            ),
            "{text}"
        );
        assert!(
            text.contains("history on this computer is unchanged"),
            "{text}"
        );
        let (text, _) = ServerStatus::Failed(ServerProblem::Token)
            .text(Lang::ZhCn)
            .unwrap();
        assert!(text.contains("网关令牌"), "{text}");
        assert_eq!(server_summary(5, Lang::EnUs), "5 snapshots on the server");
        assert_eq!(server_summary(1, Lang::EnUs), "1 snapshot on the server");
        assert_eq!(server_summary(5, Lang::ZhCn), "服务器上有 5 个快照");
    }
}
