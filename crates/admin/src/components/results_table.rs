//! The results table, virtualised: only the rows in view (and a few around
//! them) exist in the document; spacer rows above and below keep the
//! scrollbar true to all rows. Its order and rows come from the results'
//! memos, so scrolling never sorts or filters. Every column header is a
//! button that sorts by it, again to reverse.
//!
//! The stylesheet decides the rows' height (`--row-height`): one line on
//! wide screens, where the id, usage and state stay pinned while the table
//! scrolls sideways; a card per user on narrow ones, each cell labelled by
//! its column (`data-label`).

use leptos::prelude::*;

use super::history_panel::history_cells;
use crate::app::{DirectoryContext, HistoryContext, ResultsContext};
use crate::browser::clock::local_offset_minutes;
use crate::state::i18n::Texts;
use crate::state::numbers::{parse_number, shortest, trimmed};
use crate::state::rows::state_index;
use crate::state::sort::{Sort, SortColumn};
use crate::state::times::{TimeZoneView, date_only, exact_time, iso_utc, relative_expiry};
use crate::state::units::{format_amount, format_ratio};

/// The height of one row, in CSS pixels, until the stylesheet's
/// `--row-height` is read (it sets the same on wide screens).
pub const ROW_HEIGHT_PX: f64 = 40.0;
/// Rows kept above and below the visible ones.
const OVERSCAN: usize = 6;
/// How many rows are drawn before the first measure of the viewport.
const FIRST_VIEWPORT_PX: f64 = 640.0;

fn header_label(column: SortColumn, t: &Texts) -> &'static str {
    match column {
        SortColumn::UserId => t.col_user_id,
        SortColumn::Name => t.col_name,
        SortColumn::Email => t.col_email,
        SortColumn::Department => t.col_department,
        SortColumn::Quota => t.col_quota,
        SortColumn::Used => t.col_used,
        SortColumn::Free => t.col_free(),
        SortColumn::Usage => t.col_usage,
        SortColumn::State => t.col_state,
        SortColumn::Effective => t.col_effective,
        SortColumn::Expires => t.col_expires,
        SortColumn::Growth => crate::state::history::history_texts(t.lang).growth,
        SortColumn::FullIn => crate::state::history::history_texts(t.lang).full_in,
    }
}

/// One column header: a button that sorts.
#[component]
fn Header(results: ResultsContext, t: &'static Texts, column: SortColumn) -> impl IntoView {
    let sorted = move || results.sort.get().filter(|s| s.column == column);
    let aria_sort = move || match sorted() {
        Some(s) if s.descending => "descending",
        Some(_) => "ascending",
        None => "none",
    };
    view! {
        <th scope="col" aria-sort=aria_sort class=column.class()>
            <button type="button" on:click=move |_| results.sort.update(|s| *s = Some(Sort::clicked(*s, column)))>
                {header_label(column, t)}
                <span class="arrow" aria-hidden="true">
                    {move || match sorted() {
                        Some(s) if s.descending => "▼",
                        Some(_) => "▲",
                        None => "↕",
                    }}
                </span>
            </button>
        </th>
    }
}

/// A time cell: short text, the exact time with its zone on hover (the
/// title: a tooltip the browser draws above the page, so no scrolling
/// region clips it) and for screen readers. Not a Tab stop of its own: the
/// rows are one Tab stop (the scrolling region), so the panels below are a
/// Tab away.
fn time_cell(ms: Option<i64>, short: impl Fn(i64) -> String, zone: &TimeZoneView) -> AnyView {
    match ms {
        None => view! { <span class="none">"—"</span> }.into_any(),
        Some(ms) => {
            let exact = exact_time(ms, zone, local_offset_minutes(ms));
            view! {
                <time datetime=iso_utc(ms) title=exact.clone()>
                    {short(ms)}
                    <span class="sr-only">{format!(" ({exact})")}</span>
                </time>
            }
            .into_any()
        }
    }
}

/// One row of the table, drawn once for its position and settings.
fn row_view(
    results: ResultsContext,
    dir: DirectoryContext,
    history: HistoryContext,
    t: &'static Texts,
    position: usize,
    index: u32,
) -> impl IntoView {
    let unit = results.unit.get_untracked();
    let zone = results.zone.get_untracked();
    let now = results.now_ms.get_untracked();
    let lang = t.lang;
    let state = results
        .states
        .with_untracked(|s| s.get(index as usize).copied())
        .unwrap_or(koodrive_core::UsageState::Unknown);
    let directory = dir.directory.get_untracked();
    let entry = dir
        .join
        .with_untracked(|j| j.get(index as usize).copied())
        .unwrap_or(crate::state::directory::NONE);
    let directory_cells = directory.map(|d| match d.entry(entry) {
        Some(e) => {
            // A status is shown when it says something: not for active accounts.
            let usual = ["", "active", "enabled", "true", "yes", "1"]
                .iter()
                .any(|u| e.status.eq_ignore_ascii_case(u));
            // The whole name and status on hover, when the cell cuts the
            // name (the status is never cut).
            let title = if usual {
                e.name.to_owned()
            } else {
                format!("{} · {}", e.name, e.status)
            };
            let status = (!usual)
                .then(|| view! { " " <span class="dir-status">{e.status.to_owned()}</span> });
            view! {
                <td class="name" title=title>
                    <div class="name-line"><span class="text">{e.name.to_owned()}</span>{status}</div>
                </td>
                <td class="email">{e.email.to_owned()}</td>
                <td class="department">{e.department.unwrap_or("").to_owned()}</td>
            }
            .into_any()
        }
        None => view! {
            <td class="name"><span class="tag not-in-directory">{t.not_in_directory}</span></td>
            <td class="email"></td>
            <td class="department"></td>
        }
        .into_any(),
    });
    results.results.with_untracked(|r| {
        let Some(row) = r.rows.get(index as usize) else {
            return ().into_any();
        };
        let record = &row.record;
        let amount = |value: Option<f64>, raw: String| match value {
            Some(v) => view! { <span title=format!("{raw} {}", unit.symbol())>{format_amount(v, unit)}</span> }.into_any(),
            None => {
                let shown = if raw.is_empty() { "—".to_owned() } else { raw.clone() };
                view! { <span class="bad" title=raw>{shown}</span> }.into_any()
            }
        };
        let quota = amount(row.quota.map(|q| q as f64), record.quota.clone());
        let used = amount(row.used, record.used.map(shortest).unwrap_or_default());
        let free = amount(row.free, row.free_exact().unwrap_or_default());
        // An expired quota is marked beside its state.
        let expired = row
            .is_expired(now)
            .then(|| view! { " " <span class="tag expired">{t.expired()}</span> });
        let pct = row.ratio.map_or(0.0, |r| (r * 100.0).clamp(0.0, 100.0));
        let state_class = format!("state state-{}", state.as_str());
        let problem = record.problem().map(|p| p.to_string());
        let effective = time_cell(row.effective_ms, |ms| date_only(ms, &zone, local_offset_minutes(ms)), &zone);
        let expires = time_cell(row.expires_ms, |ms| relative_expiry(ms - now, lang), &zone);
        let trend_cells = history_cells(history, row.user_id(), unit, now, lang);
        let user_id = row.user_id().to_owned();
        view! {
            <tr aria-rowindex=(position + 2).to_string() class=if position % 2 == 1 { "odd" } else { "" }
                on:click=move |_| if history.shown_untracked() { history.chart_user.set(Some(user_id.clone())) }>
                <td class="mono id">{record.user_id.clone()}</td>
                {directory_cells}
                <td class="num quota" data-label=t.col_quota>{quota}</td>
                <td class="num used" data-label=t.col_used>{used}</td>
                <td class="num free" data-label=t.col_free()>{free}</td>
                <td class="usage">
                    <svg class="bar" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true">
                        <rect class="track" x="0" y="0" width="100" height="8"></rect>
                        <rect class=format!("fill fill-{}", state.as_str()) x="0" y="0" width=trimmed(pct, 1) height="8"></rect>
                    </svg>
                    <span class="num">{format_ratio(row.ratio)}</span>
                </td>
                <td class="state-cell"><span class=state_class title=problem>{t.state_names[state_index(state)]}</span>{expired}</td>
                <td class="effective" data-label=t.col_effective>{effective}</td>
                <td class="expires" data-label=t.col_expires>{expires}</td>
                {trend_cells}
            </tr>
        }
        .into_any()
    })
}

/// The rows' height the stylesheet sets on the scrolling region
/// (`--row-height`, in whole pixels), when it can be read.
fn css_row_height(el: &web_sys::HtmlDivElement) -> Option<f64> {
    let style = window().get_computed_style(el).ok()??;
    let value = style.get_property_value("--row-height").ok()?;
    // Read as JavaScript reads numbers: Rust's float parser would add tens
    // of kilobytes to the page.
    let px = parse_number(value.trim().strip_suffix("px")?)?;
    (px >= 1.0).then_some(px.round())
}

/// The results table.
#[component]
pub fn ResultsTable(
    results: ResultsContext,
    dir: DirectoryContext,
    history: HistoryContext,
    t: &'static Texts,
) -> impl IntoView {
    let scroller = NodeRef::<leptos::html::Div>::new();
    let scroll_top = RwSignal::new(0.0f64);
    let viewport = RwSignal::new(FIRST_VIEWPORT_PX);
    let row_height = RwSignal::new(ROW_HEIGHT_PX);
    let measure = move || {
        if let Some(el) = scroller.get_untracked() {
            let h = f64::from(el.client_height());
            if h > 0.0 {
                viewport.set(h);
            }
            scroll_top.set(f64::from(el.scroll_top()));
            if let Some(rows) = css_row_height(&el) {
                if rows != row_height.get_untracked() {
                    row_height.set(rows);
                }
            }
        }
    };
    Effect::new(move |_| {
        if scroller.get().is_some() {
            measure();
        }
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || resize.remove());
    // A new order or filter starts at the top; the viewport is measured
    // again once the new rows are drawn (the table's height follows them).
    Effect::new(move |_| {
        results.shown.track();
        dir.directory.track();
        history.trends.track();
        if let Some(el) = scroller.get_untracked() {
            el.set_scroll_top(0);
        }
        scroll_top.set(0.0);
        request_animation_frame(measure);
    });
    let count = move || results.shown.with(Vec::len);
    let range = Memo::new(move |_| {
        let len = count();
        let rows = row_height.get();
        let first = ((scroll_top.get() / rows).floor() as usize)
            .saturating_sub(OVERSCAN)
            .min(len);
        let visible = (viewport.get() / rows).ceil() as usize + 2 * OVERSCAN;
        (first, (first + visible).min(len))
    });
    let visible = move || {
        let (first, end) = range.get();
        let key = results.render_key.get();
        results.shown.with(|shown| {
            shown[first..end]
                .iter()
                .enumerate()
                .map(|(k, &index)| (first + k, index, key))
                .collect::<Vec<_>>()
        })
    };
    let with_directory = move || dir.directory.with(Option::is_some);
    let with_history = move || history.shown();
    let columns = move || {
        let count = 8 + if with_directory() { 3 } else { 0 } + if with_history() { 2 } else { 0 };
        count.to_string()
    };
    // Whole pixels: integer text, no float formatting.
    let px = move |rows: usize| format!("{}px", rows * row_height.get() as usize);
    let spacer_top = move || px(range.get().0);
    let spacer_bottom = move || {
        let (_, end) = range.get();
        px(count().saturating_sub(end))
    };
    view! {
        <div class="table-scroll" class:with-directory=with_directory class:with-history=move || history.shown() node_ref=scroller tabindex="0" role="region"
            aria-label=t.results_table
            on:scroll=move |_| measure()>
            <table class="results" aria-rowcount=move || (count() + 1).to_string()>
                <thead>
                    <tr aria-rowindex="1">
                        {move || {
                            let all = with_directory();
                            let trends = with_history();
                            SortColumn::ALL
                                .into_iter()
                                .filter(|c| all || !c.from_directory())
                                .filter(|c| trends || !c.from_history())
                                .map(|column| view! { <Header results t column /> })
                                .collect_view()
                        }}
                    </tr>
                </thead>
                <tbody>
                    <tr class="spacer" aria-hidden="true"><td colspan=columns style:height=spacer_top></td></tr>
                    <For each=visible key=|item| *item let:item>
                        {row_view(results, dir, history, t, item.0, item.1)}
                    </For>
                    <tr class="spacer" aria-hidden="true"><td colspan=columns style:height=spacer_bottom></td></tr>
                </tbody>
            </table>
            <Show when=move || count() == 0>
                <p class="empty">{t.no_rows}</p>
            </Show>
        </div>
    }
}
