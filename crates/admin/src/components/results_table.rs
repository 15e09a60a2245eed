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
//!
//! By keyboard the table is one Tab stop: one cell (or header button) has
//! `tabindex="0"`, the header's other buttons `-1` (a cell is given one when
//! the focus comes to it), and the arrow keys, Home, End, Page
//! Up and Page Down move the focus between cells (`crate::state::grid` says
//! where). The focused cell is kept as its position in the rows shown, so
//! it survives the rows being drawn again: the table scrolls it into view
//! and focuses it once drawn. A cell's tooltip (its `title`: exact times,
//! raw amounts) shows on keyboard focus in one tip outside the scrolling
//! region, placed in the window, so nothing clips it.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::history_panel::history_cells;
use crate::app::{DirectoryContext, HistoryContext, ResultsContext};
use crate::browser::clock::local_offset_minutes;
use crate::state::grid::{Cell, Move, page_rows, scroll_to_show, tip_place};
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

/// How many columns the table has, with or without the directory's three
/// and the usage history's two.
fn column_count(directory: bool, history: bool) -> usize {
    8 + if directory { 3 } else { 0 } + if history { 2 } else { 0 }
}

/// One column header: a button that sorts (a Tab stop only while it is the
/// table's focused cell).
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
            <button type="button" tabindex="-1" on:click=move |_| results.sort.update(|s| *s = Some(Sort::clicked(*s, column)))>
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
/// region clips it; on keyboard focus the table's own tip) and for screen
/// readers.
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
        let record = row.record();
        let amount = |value: Option<f64>, raw: String| match value {
            Some(v) => view! { <span title=format!("{raw} {}", unit.symbol())>{format_amount(v, unit)}</span> }.into_any(),
            None => {
                let shown = if raw.is_empty() { "—".to_owned() } else { raw.clone() };
                view! { <span class="bad" title=raw>{shown}</span> }.into_any()
            }
        };
        let quota = amount(row.quota().map(|q| q as f64), record.quota.clone());
        let used = amount(row.used(), record.used.map(shortest).unwrap_or_default());
        let free = amount(row.free(), row.free_exact().unwrap_or_default());
        // An expired quota is marked beside its state.
        let expired = row
            .is_expired(now)
            .then(|| view! { " " <span class="tag expired">{t.expired()}</span> });
        let pct = row.ratio().map_or(0.0, |r| (r * 100.0).clamp(0.0, 100.0));
        let state_class = format!("state state-{}", state.as_str());
        let problem = record.problem().map(|p| p.to_string());
        let effective = time_cell(row.effective_ms(), |ms| date_only(ms, &zone, local_offset_minutes(ms)), &zone);
        let expires = time_cell(row.expires_ms(), |ms| relative_expiry(ms - now, lang), &zone);
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
                    <span class="num">{format_ratio(row.ratio())}</span>
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

/// The element of `cell` now in the document under `root`: a data cell,
/// or the button of a column header; `None` when its row is not drawn.
fn cell_element(root: &web_sys::Element, cell: Cell) -> Option<web_sys::HtmlElement> {
    // The header row is `aria-rowindex` 1, the k-th row shown k + 2.
    let mut selector = format!(
        "tr[aria-rowindex=\"{}\"]>:nth-child({})",
        cell.row + 1,
        cell.column + 1
    );
    if cell.row == 0 {
        selector.push_str(">button");
    }
    root.query_selector(&selector).ok()??.dyn_into().ok()
}

/// The cell (`td` or `th`) holding `target`, and its position.
fn cell_of(target: &web_sys::Element) -> Option<(Cell, web_sys::Element)> {
    let cell = target.closest("td,th").ok()??;
    let row = cell
        .parent_element()?
        .get_attribute("aria-rowindex")?
        .parse::<usize>()
        .ok()?
        .checked_sub(1)?;
    let mut column = 0;
    let mut before = cell.previous_element_sibling();
    while let Some(e) = before {
        column += 1;
        before = e.previous_element_sibling();
    }
    Some((Cell { row, column }, cell))
}

/// Whether the keyboard focus is nowhere (on the page's body), as after
/// the focused row was drawn again.
fn focus_lost() -> bool {
    let doc = document();
    match (doc.active_element(), doc.body()) {
        (Some(active), Some(body)) => active == *body,
        _ => true,
    }
}

/// The room a tooltip keeps inside the window, in CSS pixels (its widest,
/// `max-width` in the stylesheet).
const TIP_WIDTH: f64 = 320.0;

/// Shows `cell`'s tooltip in `tip`: its `title`, or that of the first
/// element in it with one, placed in the window below or above the cell;
/// `None` for a cell without one.
fn show_tip(tip: &web_sys::HtmlElement, cell: &web_sys::Element) -> Option<()> {
    let text = match cell.get_attribute("title") {
        Some(t) => t,
        None => cell
            .query_selector("[title]")
            .ok()??
            .get_attribute("title")?,
    };
    if text.is_empty() {
        return None;
    }
    let rect = cell.get_bounding_client_rect();
    let page = document().document_element()?;
    let (left, below) = tip_place(
        rect.bottom(),
        rect.left(),
        f64::from(page.client_width()),
        f64::from(page.client_height()),
        TIP_WIDTH,
    );
    let top = if below {
        rect.bottom() + 4.0
    } else {
        rect.top() - 4.0
    };
    tip.set_text_content(Some(&text));
    let style = tip.style();
    style
        .set_property("left", &format!("{}px", left as i32))
        .ok()?;
    style
        .set_property("top", &format!("{}px", top as i32))
        .ok()?;
    tip.set_class_name(if below { "cell-tip" } else { "cell-tip above" });
    tip.set_hidden(false);
    Some(())
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
    // The focused cell (the table's one Tab stop), whether the focus is in
    // the table (to be given back when its row is drawn again), whether a
    // move waits for its row to be drawn, and the shown tooltip's cell.
    let active = StoredValue::new(Cell::default());
    let keep_focus = StoredValue::new(false);
    let pending = StoredValue::new(false);
    let tip = NodeRef::<leptos::html::Div>::new();
    let tip_cell = StoredValue::new(None::<web_sys::Element>);
    // Places the tooltip of `tip_cell` (hidden when it has none).
    let place_tip = move || {
        let Some(tip) = tip.get_untracked() else {
            return;
        };
        let shown = tip_cell.with_value(|c| {
            c.as_ref()
                .filter(|c| c.is_connected())
                .and_then(|c| show_tip(&tip, c))
        });
        if shown.is_none() {
            tip_cell.set_value(None);
            tip.set_hidden(true);
        }
    };
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
        if tip_cell.with_value(Option::is_some) {
            place_tip();
        }
    };
    Effect::new(move |_| {
        if scroller.get().is_some() {
            measure();
        }
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| measure());
    let page_scroll = window_event_listener(leptos::ev::scroll, move |_| {
        if tip_cell.with_value(Option::is_some) {
            place_tip();
        }
    });
    // A click outside the table takes the focus away for good.
    let press = window_event_listener(leptos::ev::mousedown, move |ev| {
        let outside = scroller.get_untracked().is_some_and(|root| {
            let target = ev.target().and_then(|t| t.dyn_into::<web_sys::Node>().ok());
            !root.contains(target.as_ref())
        });
        if outside {
            keep_focus.set_value(false);
        }
    });
    on_cleanup(move || {
        resize.remove();
        page_scroll.remove();
        press.remove();
    });
    let count = move || results.shown.with(|s| s.len());
    let with_directory = move || dir.directory.with(Option::is_some);
    let with_history = move || history.shown();
    let shape = move || {
        (
            results.shown.with_untracked(|s| s.len()),
            column_count(
                dir.directory.with_untracked(Option::is_some),
                history.shown_untracked(),
            ),
        )
    };
    // Gives the Tab stop to the focused cell, or to its column's header
    // while its row is not drawn, and the focus too when asked, when a
    // move waits for it, or when it was lost with a row drawn again.
    let sync = move |focus: bool| {
        let Some(root) = scroller.get_untracked() else {
            return;
        };
        let (rows, columns) = shape();
        let cell = active.get_value().clamped(rows, columns);
        active.set_value(cell);
        let drawn = cell_element(&root, cell);
        let Some(stop) = drawn
            .clone()
            .or_else(|| cell_element(&root, Cell { row: 0, ..cell }))
        else {
            return;
        };
        while let Ok(Some(old)) = root.query_selector("[tabindex=\"0\"]") {
            if old == *stop {
                break;
            }
            let _ = old.set_attribute("tabindex", "-1");
        }
        stop.set_tab_index(0);
        match drawn {
            Some(el)
                if focus || pending.get_value() || (keep_focus.get_value() && focus_lost()) =>
            {
                pending.set_value(false);
                let _ = el.focus();
            }
            Some(_) => {}
            None => pending.set_value(focus || pending.get_value()),
        }
    };
    // The header's height, the view's and the rows'.
    let geometry = move |root: &web_sys::HtmlDivElement| {
        let header = root
            .query_selector("thead")
            .ok()
            .flatten()
            .map_or(0.0, |h| h.get_bounding_client_rect().height());
        (
            header,
            f64::from(root.client_height()),
            row_height.get_untracked(),
        )
    };
    // Scrolls the table as little as shows `row` (the header row: the
    // first row shown) whole under the header.
    let show_row = move |root: &web_sys::HtmlDivElement, row: usize| {
        let (header, view, rows) = geometry(root);
        let at = f64::from(root.scroll_top());
        if let Some(top) = scroll_to_show(row.saturating_sub(1), rows, header, at, view) {
            root.set_scroll_top(top as i32);
            measure();
        }
    };
    // A new order or filter starts at the top, unless the focus is in the
    // rows: then the focused position stays in view (clamped to the rows
    // left). The viewport is measured again once the new rows are drawn
    // (the table's height follows them).
    Effect::new(move |_| {
        results.shown.track();
        dir.directory.track();
        history.trends.track();
        if let Some(el) = scroller.get_untracked() {
            let (rows, columns) = shape();
            let cell = active.get_value().clamped(rows, columns);
            active.set_value(cell);
            if keep_focus.get_value() && cell.row > 0 {
                show_row(&el, cell.row);
            } else {
                el.set_scroll_top(0);
                scroll_top.set(0.0);
            }
        }
        request_animation_frame(measure);
    });
    let range = Memo::new(move |_| {
        let len = count();
        let rows = row_height.get();
        let first = ((scroll_top.get() / rows).floor() as usize)
            .saturating_sub(OVERSCAN)
            .min(len);
        let visible = (viewport.get() / rows).ceil() as usize + 2 * OVERSCAN;
        (first, (first + visible).min(len))
    });
    // Once rows are drawn (scrolled, sorted, filtered, redrawn), the Tab
    // stop and the focus follow them.
    Effect::new(move |_| {
        range.track();
        results.render_key.track();
        results.shown.track();
        with_directory();
        with_history();
        request_animation_frame(move || sync(false));
    });
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let Some((_, cell)) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|t| cell_of(&t))
        else {
            return;
        };
        // The focused cell, or the one a move is taking the focus to (a
        // key held down moves on from there).
        let from = active.get_value();
        let key = ev.key();
        if key == "Escape" {
            tip_cell.set_value(None);
            place_tip();
            return;
        }
        // A row does on Enter what it does on a click; Space does not
        // scroll the table away from the focus. In the header row both
        // press the header's button.
        if from.row > 0 && (key == "Enter" || key == " ") {
            ev.prevent_default();
            if key == "Enter" {
                if let Some(cell) = cell.dyn_ref::<web_sys::HtmlElement>() {
                    cell.click();
                }
            }
            return;
        }
        let Some(step) = Move::from_key(&key, ev.ctrl_key() || ev.meta_key()) else {
            return;
        };
        if ev.alt_key() || ev.shift_key() {
            return;
        }
        ev.prevent_default();
        let Some(root) = scroller.get_untracked() else {
            return;
        };
        let (rows, columns) = shape();
        let (header, view, row_px) = geometry(&root);
        let to = from.moved(step, rows, columns, page_rows(view, header, row_px));
        active.set_value(to);
        if to.row != from.row {
            show_row(&root, to.row);
        }
        sync(true);
    };
    // A click on a cell makes it the focused cell.
    let on_click = move |ev: web_sys::MouseEvent| {
        if let Some((cell, _)) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|t| cell_of(&t))
        {
            active.set_value(cell);
            sync(true);
        }
    };
    let on_focus_in = move |ev: web_sys::FocusEvent| {
        keep_focus.set_value(true);
        let Some((cell, el)) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|t| cell_of(&t))
        else {
            return;
        };
        active.set_value(cell);
        pending.set_value(false);
        sync(false);
        // The tip shows on keyboard focus (a pointer has the title's own).
        let keyboard = el.matches(":focus-visible").unwrap_or(false);
        tip_cell.set_value(keyboard.then_some(el));
        place_tip();
    };
    let on_focus_out = move |ev: web_sys::FocusEvent| {
        tip_cell.set_value(None);
        place_tip();
        let Some(root) = scroller.get_untracked() else {
            return;
        };
        let to = ev
            .related_target()
            .and_then(|t| t.dyn_into::<web_sys::Node>().ok());
        if to.as_ref().is_some_and(|n| root.contains(Some(n))) {
            return;
        }
        // Nowhere to go (`None`) is also what a row drawn again or moved
        // says of its focused cell: a click elsewhere tells them apart.
        if to.is_some() {
            keep_focus.set_value(false);
        }
    };
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
    let columns = move || column_count(with_directory(), with_history()).to_string();
    // Whole pixels: integer text, no float formatting.
    let px = move |rows: usize| format!("{}px", rows * row_height.get() as usize);
    let spacer_top = move || px(range.get().0);
    let spacer_bottom = move || {
        let (_, end) = range.get();
        px(count().saturating_sub(end))
    };
    view! {
        <div class="table-scroll" class:with-directory=with_directory class:with-history=move || history.shown() node_ref=scroller role="region"
            aria-label=t.results_table
            on:scroll=move |_| measure()>
            <table class="results" aria-rowcount=move || (count() + 1).to_string()
                on:keydown=on_key on:click=on_click on:focusin=on_focus_in on:focusout=on_focus_out>
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
        // The focused cell's tooltip: outside the scrolling region, placed
        // in the window (the cell's text for screen readers is in the cell).
        <div class="cell-tip" aria-hidden="true" hidden node_ref=tip></div>
    }
}
