//! Usage over time as the page shows it, as plain data and pure functions:
//! past CSV exports of this page read as snapshots ([`snapshot_from_export`],
//! dated by [`taken_at_from_file_name`]), the `Growth` and `Full in` cells
//! and their sort keys, the `Full within (days)` filter, the extra export
//! columns, and the geometry of the SVG charts. The snapshots, their stored
//! form and the forecasts are `koodrive-core`'s ([`koodrive_core::history`]);
//! where history is kept in the browser lives in `browser`.

use koodrive_core::history::{Reach, Snapshot, SnapshotSource, SnapshotUser, Trend, UserTrend};
use koodrive_core::parse_iso8601;

use super::i18n::Lang;
use super::numbers::{fixed, grouped};
use super::times::DAY_MS;
use super::units::{WireUnit, format_amount};

/// The words of the history features, in both languages.
#[derive(Debug)]
#[allow(missing_docs)] // The field names say what each string is for.
pub struct HistoryTexts {
    pub keep: &'static str,
    pub keep_help: &'static str,
    pub history: &'static str,
    pub taken_at: &'static str,
    pub source: &'static str,
    pub users: &'static str,
    pub stored_size: &'static str,
    pub delete: &'static str,
    pub delete_all: &'static str,
    pub export: &'static str,
    pub import: &'static str,
    pub import_csv: &'static str,
    pub import_date: &'static str,
    pub empty: &'static str,
    pub growth: &'static str,
    pub full_in: &'static str,
    pub full_within: &'static str,
    pub per_day: &'static str,
    pub per_30_days: &'static str,
    pub full_now: &'static str,
    pub or_never: &'static str,
    pub within_a_day: &'static str,
    pub chart_used: &'static str,
    pub chart_quota: &'static str,
    pub chart_nearing: &'static str,
    pub chart_critical: &'static str,
    pub tenant_totals: &'static str,
    pub details: &'static str,
    pub close: &'static str,
    pub listing: &'static str,
    pub query: &'static str,
    pub imported: &'static str,
    pub refused: &'static str,
    pub growth_per_day_column: &'static str,
    pub chart_user: &'static str,
    pub show_chart: &'static str,
    pub no_chart: &'static str,
    pub kept_on: &'static str,
    pub this_computer: &'static str,
    pub server: &'static str,
    pub server_help: &'static str,
    pub server_failed: &'static str,
    pub server_retry: &'static str,
}

/// The history features' words in English.
pub static HISTORY_EN_US: HistoryTexts = HistoryTexts {
    keep: "Keep history on this computer",
    keep_help: "A snapshot of every complete listing is kept in this browser (IndexedDB) to show growth and forecasts. It never leaves the browser; untick to forget it.",
    history: "History",
    taken_at: "Taken",
    source: "From",
    users: "Users",
    stored_size: "Stored size",
    delete: "Delete",
    delete_all: "Delete all snapshots",
    export: "Export history",
    import: "Import history",
    import_csv: "Import past CSV exports",
    import_date: "Date of the imported CSV",
    empty: "No snapshots yet: list all users to take the first one.",
    growth: "Growth",
    full_in: "Full in",
    full_within: "Full within (days)",
    per_day: "/day",
    per_30_days: "/30 days",
    full_now: "full now",
    or_never: "or never",
    within_a_day: "within a day",
    chart_used: "Used",
    chart_quota: "Quota",
    chart_nearing: "Nearing",
    chart_critical: "Critical",
    tenant_totals: "Tenant totals over time",
    details: "Usage over time",
    close: "Close",
    listing: "listing",
    query: "query",
    imported: "import",
    refused: "The file was refused",
    growth_per_day_column: "Growth per day",
    chart_user: "User ID to chart",
    show_chart: "Show chart",
    no_chart: "No snapshot holds this user.",
    kept_on: "Kept on",
    this_computer: "this computer",
    server: "server",
    server_help: "The gateway that serves this page takes snapshots by itself; they are listed here marked server, and Growth and Full in use them with those kept on this computer (one per day: the server's where both have that day).",
    server_failed: "The server's snapshots could not be read",
    server_retry: "The history on this computer is unchanged; list all users to try again.",
};

/// The history features' words in Chinese.
pub static HISTORY_ZH_CN: HistoryTexts = HistoryTexts {
    keep: "在此计算机上保留历史",
    keep_help: "每次完整列出所有用户后，在此浏览器（IndexedDB）中保存一个快照，用于显示增长和预测。数据不会离开浏览器；取消勾选即删除。",
    history: "历史",
    taken_at: "时间",
    source: "来源",
    users: "用户数",
    stored_size: "存储大小",
    delete: "删除",
    delete_all: "删除全部快照",
    export: "导出历史",
    import: "导入历史",
    import_csv: "导入以前的 CSV 导出",
    import_date: "导入的 CSV 的日期",
    empty: "还没有快照：列出所有用户即可保存第一个。",
    growth: "增长",
    full_in: "预计用满",
    full_within: "天数内用满",
    per_day: "/天",
    per_30_days: "/30 天",
    full_now: "已满",
    or_never: "或不会用满",
    within_a_day: "1 天内",
    chart_used: "已用",
    chart_quota: "配额",
    chart_nearing: "接近",
    chart_critical: "严重",
    tenant_totals: "租户总量趋势",
    details: "用量趋势",
    close: "关闭",
    listing: "列出",
    query: "查询",
    imported: "导入",
    refused: "文件被拒绝",
    growth_per_day_column: "每日增长",
    chart_user: "要绘图的用户 ID",
    show_chart: "显示图表",
    no_chart: "没有快照包含此用户。",
    kept_on: "保存位置",
    this_computer: "此计算机",
    server: "服务器",
    server_help: "提供此页面的网关会自行保存快照；这些快照在此标记为“服务器”，增长和预计用满会同时使用它们和此计算机上保存的快照（每天一个：两边都有当天的快照时用服务器的）。",
    server_failed: "无法读取服务器的快照",
    server_retry: "此计算机上的历史没有改变；列出所有用户即可重试。",
};

/// The history words of a language.
pub fn history_texts(lang: Lang) -> &'static HistoryTexts {
    match lang {
        Lang::EnUs => &HISTORY_EN_US,
        Lang::ZhCn => &HISTORY_ZH_CN,
    }
}

/// A snapshot's source in words.
pub fn source_name(source: SnapshotSource, lang: Lang) -> &'static str {
    let t = history_texts(lang);
    match source {
        SnapshotSource::Listing => t.listing,
        SnapshotSource::Query => t.query,
        SnapshotSource::Import => t.imported,
    }
}

/// The time in an export's file name, such as `koodrive-usage-20251212T083714.csv`
/// (UTC, as the page names its exports) or a date `2025-12-12` (midnight
/// UTC); `None` when the name holds neither.
pub fn taken_at_from_file_name(name: &str) -> Option<i64> {
    let b = name.as_bytes();
    let digits = |s: &[u8]| -> Option<u32> {
        if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
            return None;
        }
        s.iter().try_fold(0u32, |n, d| {
            n.checked_mul(10)?.checked_add(u32::from(d - b'0'))
        })
    };
    let at = |y: u32, mo: u32, d: u32, h: u32, mi: u32, s: u32| -> Option<i64> {
        let month = time::Month::try_from(u8::try_from(mo).ok()?).ok()?;
        let date =
            time::Date::from_calendar_date(i32::try_from(y).ok()?, month, u8::try_from(d).ok()?)
                .ok()?;
        let t = date
            .with_hms(
                u8::try_from(h).ok()?,
                u8::try_from(mi).ok()?,
                u8::try_from(s).ok()?,
            )
            .ok()?
            .assume_utc();
        i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok()
    };
    let starts_number = |i: usize| i == 0 || !b[i - 1].is_ascii_digit();
    // yyyymmddThhmmss
    for i in (0..b.len().saturating_sub(14)).filter(|&i| starts_number(i)) {
        let w = &b[i..i + 15];
        if w[8] != b'T' {
            continue;
        }
        let (Some(ymd), Some(hms)) = (digits(&w[..8]), digits(&w[9..])) else {
            continue;
        };
        let (y, mo, d) = (ymd / 10_000, ymd / 100 % 100, ymd % 100);
        if let Some(t) = at(y, mo, d, hms / 10_000, hms / 100 % 100, hms % 100) {
            return Some(t);
        }
    }
    // yyyy-mm-dd
    for i in (0..b.len().saturating_sub(9)).filter(|&i| starts_number(i)) {
        let w = &b[i..i + 10];
        if w[4] != b'-' || w[7] != b'-' {
            continue;
        }
        let (Some(y), Some(m), Some(d)) = (digits(&w[..4]), digits(&w[5..7]), digits(&w[8..]))
        else {
            continue;
        };
        if let Some(t) = at(y, m, d, 0, 0, 0) {
            return Some(t);
        }
    }
    None
}

/// Why a CSV file could not be read as a snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CsvSnapshotError {
    /// Not UTF-8 text, or not CSV.
    Unreadable(String),
    /// The header has no `userId`, `quota` and `used` columns.
    NotAnExport,
    /// No row holds a usable user.
    NoUsers,
}

impl CsvSnapshotError {
    /// What went wrong and what to do, in the page's language.
    pub fn message(&self, file_name: &str, lang: Lang) -> String {
        match (self, lang) {
            (Self::Unreadable(why), Lang::EnUs) => {
                format!("{file_name} could not be read ({why}): pick a CSV export of this page")
            }
            (Self::Unreadable(why), Lang::ZhCn) => {
                format!("无法读取 {file_name}（{why}）：请选择本页面导出的 CSV 文件")
            }
            (Self::NotAnExport, Lang::EnUs) => format!(
                "{file_name} is not a CSV export of this page: it has no userId, quota and used columns"
            ),
            (Self::NotAnExport, Lang::ZhCn) => {
                format!("{file_name} 不是本页面导出的 CSV：缺少 userId、quota 和 used 列")
            }
            (Self::NoUsers, Lang::EnUs) => {
                format!("{file_name} holds no user with a quota and usage: nothing to import")
            }
            (Self::NoUsers, Lang::ZhCn) => {
                format!("{file_name} 中没有带配额和用量的用户：没有可导入的内容")
            }
        }
    }
}

/// A CSV export of this page (header `userId,quota,used,…`, a byte-order
/// mark allowed) as a snapshot taken at `taken_at_ms`. Rows without a
/// usable quota and usage (the `missing` and `failed` rows of an export) are
/// left out; quotas stay exact.
pub fn snapshot_from_export(bytes: &[u8], taken_at_ms: i64) -> Result<Snapshot, CsvSnapshotError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| CsvSnapshotError::Unreadable(e.to_string()))?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h.trim() == name);
    let (Some(id_at), Some(quota_at), Some(used_at)) =
        (column("userId"), column("quota"), column("used"))
    else {
        return Err(CsvSnapshotError::NotAnExport);
    };
    let effective_at = column("effectiveTime");
    let expiration_at = column("expirationTime");
    let time = |record: &csv::StringRecord, at: Option<usize>| -> Option<i64> {
        let t = parse_iso8601(record.get(at?)?)?;
        i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok()
    };
    let mut users = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(CsvSnapshotError::Unreadable(e.to_string())),
        }
        let (Some(id), Some(quota), Some(used)) =
            (record.get(id_at), record.get(quota_at), record.get(used_at))
        else {
            continue;
        };
        let Ok(quota) = quota.trim().parse::<u64>() else {
            continue;
        };
        let Some(used) = super::numbers::parse_number(used).filter(|u| *u >= 0.0) else {
            continue;
        };
        let mut user = SnapshotUser::new(id.trim(), quota, used);
        user.effective_ms = time(&record, effective_at);
        user.expiration_ms = time(&record, expiration_at);
        users.push(user);
    }
    let snapshot = Snapshot::new(taken_at_ms, SnapshotSource::Import, users);
    if snapshot.is_empty() {
        return Err(CsvSnapshotError::NoUsers);
    }
    Ok(snapshot)
}

/// A file that could not be imported, or history that could not be kept:
/// what happened and what to do, in the page's language. `detail` is the
/// reason as the code found it (English).
pub fn refusal(file_name: &str, detail: &str, lang: Lang) -> String {
    match lang {
        Lang::EnUs => format!(
            "{}: {file_name}: {detail}. The history kept so far is unchanged.",
            HISTORY_EN_US.refused
        ),
        Lang::ZhCn => format!(
            "{}：{file_name}：{detail}。已保留的历史没有改变。",
            HISTORY_ZH_CN.refused
        ),
    }
}

/// A past CSV export whose name holds no date, while no date was picked.
pub fn no_date(file_name: &str, lang: Lang) -> String {
    match lang {
        Lang::EnUs => format!(
            "{file_name} has no date in its name (such as 2025-12-12): pick the date of the imported CSV, then import it again"
        ),
        Lang::ZhCn => format!(
            "{file_name} 的文件名中没有日期（例如 2025-12-12）：请先选择导入的 CSV 的日期，再导入一次"
        ),
    }
}

/// What an import added: `Imported 3 snapshots.`
pub fn imported(count: usize, lang: Lang) -> String {
    match lang {
        Lang::EnUs if count == 1 => "Imported 1 snapshot.".to_owned(),
        Lang::EnUs => format!("Imported {} snapshots.", grouped(count)),
        Lang::ZhCn => format!("已导入 {} 个快照。", grouped(count)),
    }
}

/// What sorting and filtering need of one row's trend.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct HistoryKey {
    /// Usage growth per day, when known.
    pub growth: Option<f64>,
    /// When the user is full, Unix ms (`i64::MIN`: full now); `None` when
    /// not expected.
    pub full_at_ms: Option<i64>,
}

impl HistoryKey {
    /// The key of a user with this trend.
    pub fn of(trend: Option<&UserTrend>) -> Self {
        Self {
            growth: growth_key(trend),
            full_at_ms: trend.and_then(|t| match t.forecast.full {
                Reach::Reached => Some(i64::MIN),
                Reach::Expected { at_ms, .. } => Some(at_ms),
                Reach::NotExpected => None,
            }),
        }
    }

    /// Whether the user is full within `days` days of `now_ms`.
    pub fn full_within(&self, days: f64, now_ms: i64) -> bool {
        let limit = now_ms.saturating_add((days * DAY_MS as f64) as i64);
        self.full_at_ms.is_some_and(|at| at <= limit)
    }
}

/// The `Full within (days)` filter as typed: whole days, at least 0;
/// `None` (no filter) when empty or not such a number. (Whole numbers:
/// Rust's float parser would add kilobytes to the page.)
pub fn parse_full_within(text: &str) -> Option<f64> {
    text.trim().parse::<u32>().ok().map(f64::from)
}

/// When a user fills a threshold, as the table shows it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FullIn {
    /// At or past it already.
    Now,
    /// In `days` from now; `earliest` and `latest` (`None`: perhaps never)
    /// from the forecast's interval.
    Days {
        /// The forecast, days from now.
        days: f64,
        /// The interval's earliest, days from now.
        earliest: f64,
        /// The interval's latest, days from now, if any.
        latest: Option<f64>,
    },
    /// Not growing, too few snapshots, or no history for this user.
    Never,
}

impl FullIn {
    /// From a forecast's reach, seen at `now_ms`.
    pub fn from_reach(reach: Reach, now_ms: i64) -> Self {
        let days = |ms: i64| ((ms - now_ms) as f64 / DAY_MS as f64).max(0.0);
        match reach {
            Reach::Reached => Self::Now,
            Reach::Expected {
                at_ms,
                earliest_ms,
                latest_ms,
            } => Self::Days {
                days: days(at_ms),
                earliest: days(earliest_ms),
                latest: latest_ms.map(days),
            },
            Reach::NotExpected => Self::Never,
        }
    }

    /// When the user is full (100 %).
    pub fn full(trend: Option<&UserTrend>, now_ms: i64) -> Self {
        trend.map_or(Self::Never, |t| Self::from_reach(t.forecast.full, now_ms))
    }

    /// When the user is critical.
    pub fn critical(trend: Option<&UserTrend>, now_ms: i64) -> Self {
        trend.map_or(Self::Never, |t| {
            Self::from_reach(t.forecast.critical, now_ms)
        })
    }

    /// Days from now (0 when full already); `None` when not expected.
    pub fn days(&self) -> Option<f64> {
        match *self {
            Self::Now => Some(0.0),
            Self::Days { days, .. } => Some(days),
            Self::Never => None,
        }
    }

    /// Whether it is full within `within` days from now.
    pub fn within(&self, within: f64) -> bool {
        self.days().is_some_and(|d| d <= within)
    }

    /// The cell's text: `in 12 days`, `in 10–14 days`, `in 12 days or
    /// never`, `full now`, `—`.
    pub fn text(&self, lang: Lang) -> String {
        let t = history_texts(lang);
        let whole = |d: f64| d.round().max(0.0) as u64;
        match *self {
            Self::Now => t.full_now.to_owned(),
            Self::Never => "—".to_owned(),
            Self::Days { days, .. } if days < 1.0 => t.within_a_day.to_owned(),
            Self::Days {
                days,
                earliest,
                latest,
            } => {
                let (low, mid) = (whole(earliest).max(1), whole(days));
                let span = match latest.map(whole) {
                    None => None,
                    Some(high) if high > low => Some(format!("{low}–{high}")),
                    Some(_) => None,
                };
                match (lang, span, latest) {
                    (Lang::EnUs, _, None) => format!("in {mid} days {}", t.or_never),
                    (Lang::ZhCn, _, None) => format!("{mid} 天后{}", t.or_never),
                    (Lang::EnUs, Some(span), _) => format!("in {span} days"),
                    (Lang::ZhCn, Some(span), _) => format!("{span} 天后"),
                    (Lang::EnUs, None, _) if mid == 1 => "in 1 day".to_owned(),
                    (Lang::EnUs, None, _) => format!("in {mid} days"),
                    (Lang::ZhCn, None, _) => format!("{mid} 天后"),
                }
            }
        }
    }

    /// The sort key: full now first, then by days, not expected last.
    pub fn sort_key(&self) -> f64 {
        self.days().unwrap_or(f64::INFINITY)
    }
}

/// The `Growth` cell: per day and per 30 days in binary units with a sign
/// (`+1.20 GiB/day`, `+36.0 GiB/30 days`); `—` without a rate.
pub fn growth_text(trend: Option<&UserTrend>, unit: WireUnit, lang: Lang) -> (String, String) {
    let t = history_texts(lang);
    match trend.and_then(UserTrend::per_day) {
        None => ("—".to_owned(), String::new()),
        Some(per_day) => {
            let signed = |x: f64| {
                let text = format_amount(x, unit);
                if x > 0.0 { format!("+{text}") } else { text }
            };
            (
                format!("{}{}", signed(per_day), t.per_day),
                format!("{}{}", signed(per_day * 30.0), t.per_30_days),
            )
        }
    }
}

/// The sort key of `Growth`: the rate per day; users without one last.
pub fn growth_key(trend: Option<&UserTrend>) -> Option<f64> {
    trend.and_then(UserTrend::per_day)
}

/// Whether a trend says anything worth a chart: a rate was found.
pub fn has_rate(trend: Option<&UserTrend>) -> bool {
    trend.is_some_and(|t| t.forecast.trend != Trend::TooFewPoints)
}

/// The export columns added when history exists.
pub const EXPORT_HEADER: [&str; 3] = ["growthPerDay", "fullInDays", "criticalInDays"];

/// A user's export cells: growth per day in the wire's unit, and the days
/// until full and critical from `now_ms` (one decimal; `0` when there
/// already); empty when not known.
pub fn export_cells(trend: Option<&UserTrend>, now_ms: i64) -> [String; 3] {
    let days = |f: FullIn| f.days().map(|d| fixed(d, 1)).unwrap_or_default();
    [
        trend
            .and_then(UserTrend::per_day)
            .map(super::numbers::shortest)
            .unwrap_or_default(),
        days(FullIn::full(trend, now_ms)),
        days(FullIn::critical(trend, now_ms)),
    ]
}

/// One row of the `History` region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryRow {
    /// When it was taken, Unix ms (also its key).
    pub taken_at_ms: i64,
    /// Where its users came from.
    pub source: SnapshotSource,
    /// How many users.
    pub users: usize,
    /// Its stored size in bytes.
    pub stored_bytes: usize,
    /// Where it is kept.
    pub kept: Kept,
}

/// Where a snapshot is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kept {
    /// In this browser ("Keep history on this computer", or imported).
    ThisComputer,
    /// By the gateway that serves the page.
    Server,
}

impl Kept {
    /// Its mark in the History region.
    pub fn name(self, lang: Lang) -> &'static str {
        let t = history_texts(lang);
        match self {
            Self::ThisComputer => t.this_computer,
            Self::Server => t.server,
        }
    }
}

/// The `History` region's rows, newest first.
pub fn history_rows(history: &koodrive_core::history::History) -> Vec<HistoryRow> {
    history
        .entries()
        .iter()
        .rev()
        .map(|e| HistoryRow {
            taken_at_ms: e.header.taken_at_ms,
            source: e.header.source,
            users: e.header.users,
            stored_bytes: e.header.stored_bytes,
            kept: Kept::ThisComputer,
        })
        .collect()
}

/// A summary line: `12 snapshots · 3.4 MiB`.
pub fn history_summary(count: usize, bytes: usize, lang: Lang) -> String {
    let size = super::units::format_bytes(bytes as f64);
    match lang {
        Lang::EnUs if count == 1 => format!("1 snapshot · {size}"),
        Lang::EnUs => format!("{} snapshots · {size}", grouped(count)),
        Lang::ZhCn => format!("{} 个快照 · {size}", grouped(count)),
    }
}

/// The drawing of a line chart of usage against quota over time, in a
/// `width` × `height` view box, as SVG path data.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartGeometry {
    /// The used line (`M x y L x y …`).
    pub used: String,
    /// The quota line.
    pub quota: String,
    /// Horizontal lines at each threshold: (y, ratio).
    pub thresholds: Vec<(f64, f64)>,
    /// The largest value the vertical axis shows.
    pub top: f64,
    /// The first and last times on the horizontal axis, Unix ms.
    pub span_ms: (i64, i64),
}

/// A chart of `(at_ms, used, quota)` points (time order), with lines at the
/// threshold ratios of the newest quota. `None` without points.
pub fn chart_geometry(
    points: &[(i64, f64, f64)],
    thresholds: &[f64],
    width: f64,
    height: f64,
) -> Option<ChartGeometry> {
    let first = points.first()?.0;
    let last = points.last()?.0;
    let top = points
        .iter()
        .map(|p| p.1.max(p.2))
        .fold(0.0f64, f64::max)
        .max(1.0)
        * 1.05;
    let x = |t: i64| {
        if last > first {
            (t - first) as f64 / (last - first) as f64 * width
        } else {
            width / 2.0
        }
    };
    let y = |v: f64| height - (v / top).clamp(0.0, 1.0) * height;
    let path = |value: &dyn Fn(&(i64, f64, f64)) -> f64| {
        let mut d = String::with_capacity(points.len() * 16);
        for (i, p) in points.iter().enumerate() {
            d.push(if i == 0 { 'M' } else { 'L' });
            d.push_str(&fixed(x(p.0), 1));
            d.push(' ');
            d.push_str(&fixed(y(value(p)), 1));
            d.push(' ');
        }
        d.trim_end().to_owned()
    };
    let newest_quota = points.last()?.2;
    Some(ChartGeometry {
        used: path(&|p| p.1),
        quota: path(&|p| p.2),
        thresholds: thresholds
            .iter()
            .map(|&r| (y(newest_quota * r), r))
            .collect(),
        top,
        span_ms: (first, last),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use koodrive_core::history::{History, Trends};

    #[test]
    fn export_file_names_give_their_time() {
        assert_eq!(
            taken_at_from_file_name("koodrive-usage-20251212T083714.csv"),
            Some(1_765_528_634_000)
        );
        assert_eq!(
            taken_at_from_file_name("usage 2025-12-12 (1).csv"),
            Some(1_765_497_600_000)
        );
        assert_eq!(taken_at_from_file_name("koodrive-usage.csv"), None);
        assert_eq!(taken_at_from_file_name("x-20251312T083714.csv"), None);
        assert_eq!(
            taken_at_from_file_name("é20251212T083714"),
            Some(1_765_528_634_000)
        );
    }

    #[test]
    fn a_csv_export_reads_as_a_snapshot_with_exact_quotas() {
        let csv = "\u{feff}userId,quota,used,usedRatio,state,createTime,effectiveTime,expirationTime,quota (GiB),used (GiB),usage (%)\r\n\
            1,18446744073709551615,5.5,0,normal,,2025-11-12T08:37:14.613Z,,,,\r\n\
            2,100,99,0.99,critical,,,,,,\r\n\
            3,,,,missing,,,,,,\r\n";
        let s = snapshot_from_export(csv.as_bytes(), 7).unwrap();
        assert_eq!(
            (s.taken_at_ms, s.source, s.len()),
            (7, SnapshotSource::Import, 2)
        );
        assert_eq!(s.user("1").unwrap().quota, u64::MAX);
        assert_eq!(s.user("1").unwrap().effective_ms, Some(1_762_936_634_613));
        assert_eq!(s.user("2").unwrap().used, 99.0);
        assert_eq!(
            snapshot_from_export(b"name,email\nA,a@x\n", 0),
            Err(CsvSnapshotError::NotAnExport)
        );
        assert_eq!(
            snapshot_from_export(b"userId,quota,used\n3,,\n", 0),
            Err(CsvSnapshotError::NoUsers)
        );
        let message = CsvSnapshotError::NotAnExport.message("d.csv", Lang::EnUs);
        assert!(
            message.contains("not a CSV export of this page"),
            "{message}"
        );
    }

    fn trends_of(used: impl Fn(i64) -> f64, quota: u64, days: i64) -> Trends {
        let mut history = History::new();
        for d in 0..days {
            history
                .add(Snapshot::new(
                    d * DAY_MS,
                    SnapshotSource::Listing,
                    [SnapshotUser::new("u", quota, used(d))],
                ))
                .unwrap();
        }
        Trends::compute(&history, 0.99).unwrap()
    }

    #[test]
    fn full_in_reads_as_days_a_dash_or_full_now() {
        let now = 9 * DAY_MS;
        let growing = trends_of(|d| 100.0 + 10.0 * d as f64, 1000, 10);
        let full = FullIn::full(growing.user("u"), now);
        // 190 used at 10 a day: 810 to go, 81 days.
        assert_eq!(full.days(), Some(81.0));
        assert_eq!(full.text(Lang::EnUs), "in 81 days");
        assert_eq!(full.text(Lang::ZhCn), "81 天后");
        assert!(full.within(81.0) && !full.within(80.0));

        let flat = trends_of(|_| 500.0, 1000, 10);
        let full = FullIn::full(flat.user("u"), now);
        assert_eq!(
            (full, full.text(Lang::EnUs)),
            (FullIn::Never, "—".to_owned())
        );
        assert_eq!(full.sort_key(), f64::INFINITY);

        let over = trends_of(|_| 1200.0, 1000, 10);
        let full = FullIn::full(over.user("u"), now);
        assert_eq!(full.text(Lang::EnUs), "full now");
        assert_eq!(full.text(Lang::ZhCn), "已满");
        assert_eq!(FullIn::full(None, now), FullIn::Never);
    }

    #[test]
    fn full_within_keeps_users_full_by_then() {
        let now = 9 * DAY_MS;
        let growing = trends_of(|d| 100.0 + 10.0 * d as f64, 1000, 10);
        let key = HistoryKey::of(growing.user("u"));
        assert!(key.full_within(81.0, now) && !key.full_within(80.0, now));
        let over = HistoryKey::of(trends_of(|_| 1200.0, 1000, 10).user("u"));
        assert!(over.full_within(0.0, now));
        let flat = HistoryKey::of(trends_of(|_| 500.0, 1000, 10).user("u"));
        assert!(!flat.full_within(10_000.0, now));
        assert_eq!(HistoryKey::of(None), HistoryKey::default());
        assert_eq!(parse_full_within(" 7 "), Some(7.0));
        assert_eq!(parse_full_within("-1"), None);
        assert_eq!(parse_full_within("1.5"), None);
        assert_eq!(parse_full_within(""), None);
    }

    #[test]
    fn scattered_points_read_as_a_range() {
        let f = FullIn::Days {
            days: 12.2,
            earliest: 9.6,
            latest: Some(14.4),
        };
        assert_eq!(f.text(Lang::EnUs), "in 10–14 days");
        let f = FullIn::Days {
            days: 12.2,
            earliest: 9.6,
            latest: None,
        };
        assert_eq!(f.text(Lang::EnUs), "in 12 days or never");
        let f = FullIn::Days {
            days: 0.4,
            earliest: 0.2,
            latest: Some(0.6),
        };
        assert_eq!(f.text(Lang::EnUs), "within a day");
    }

    #[test]
    fn growth_reads_per_day_and_per_30_days_with_a_sign() {
        let growing = trends_of(|d| 1_048_576.0 * d as f64, 1 << 24, 5);
        let (day, month) = growth_text(growing.user("u"), WireUnit::KiB, Lang::EnUs);
        assert_eq!(
            (day.as_str(), month.as_str()),
            ("+1.00 GiB/day", "+30.0 GiB/30 days")
        );
        let shrinking = trends_of(|d| 1_048_576.0 * (10 - d) as f64, 1 << 40, 5);
        let (day, _) = growth_text(shrinking.user("u"), WireUnit::KiB, Lang::ZhCn);
        assert_eq!(day, "-1.00 GiB/天");
        assert_eq!(growth_text(None, WireUnit::KiB, Lang::EnUs).0, "—");
        let cells = export_cells(growing.user("u"), 4 * DAY_MS);
        assert_eq!(cells[0], "1048576");
        // 4 GiB of 16 on day 4, 1 GiB a day: full in 12 days, critical in 11.84.
        assert_eq!((cells[1].as_str(), cells[2].as_str()), ("12.0", "11.8"));
    }

    #[test]
    fn a_chart_spans_its_box_and_draws_the_thresholds() {
        let g = chart_geometry(
            &[(0, 0.0, 100.0), (10, 50.0, 100.0)],
            &[0.9, 0.99],
            200.0,
            105.0,
        )
        .unwrap();
        assert_eq!(g.used, "M0.0 105.0 L200.0 55.0");
        assert_eq!(g.quota, "M0.0 5.0 L200.0 5.0");
        assert_eq!(g.thresholds[0], (15.0, 0.9));
        assert_eq!(chart_geometry(&[], &[], 1.0, 1.0), None);
    }
}
