//! Usage over time on the page: the `History` region (keep on this
//! computer, the snapshots, delete, export and import, the tenant's totals
//! and one user's chart), the `Full within (days)` filter, and the table's
//! `Growth` and `Full in` cells. Behind a gateway that keeps snapshots, its
//! snapshots are listed beside this computer's, marked `server`. What they
//! mean is `state::history` and `state::server_history`; the snapshots and
//! trends live in [`HistoryContext`].

use koodrive_core::history::HistoryError;
use koodrive_core::history::UsagePoint;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::app::{HistoryContext, ResultsContext};
use crate::browser::clock::{local_offset_minutes, now_ms};
use crate::browser::files::read_bytes;
use crate::browser::history::download_bytes;
use crate::state::export::file_stamp;
use crate::state::history::{
    ChartGeometry, FullIn, HistoryTexts, Kept, chart_geometry, growth_text, history_summary,
    history_texts, parse_full_within, source_name, taken_at_from_file_name,
};
use crate::state::i18n::{Lang, Texts};
use crate::state::numbers::fixed;
use crate::state::server_history::{joined_rows, joined_user_series, server_summary};
use crate::state::times::exact_time;
use crate::state::units::{WireUnit, format_amount, format_bytes};

/// The chart's drawing box, in SVG units.
const CHART_W: f64 = 600.0;
const CHART_H: f64 = 160.0;

/// A row's `Growth` and `Full in` cells; nothing while there is no history.
pub fn history_cells(
    history: HistoryContext,
    user_id: &str,
    unit: WireUnit,
    local_now_ms: i64,
    lang: Lang,
) -> Option<AnyView> {
    if !history.shown_untracked() {
        return None;
    }
    let now = local_now_ms.saturating_add(history.server_offset_ms.get_untracked());
    let (growth, full) = history.trends.with_untracked(|t| {
        let trend = t.as_ref().and_then(|t| t.user(user_id));
        (
            growth_text(trend, unit, lang),
            FullIn::full(trend, now).text(lang),
        )
    });
    let (day, month) = growth;
    let h = history_texts(lang);
    Some(
        view! {
            <td class="num growth" data-label=h.growth>
                <span class="per-day">{day}</span>
                <span class="per-month">{month}</span>
            </td>
            <td class="full-in" data-label=h.full_in>{full}</td>
        }
        .into_any(),
    )
}

/// The `Full within (days)` filter, shown once there is history.
#[component]
pub fn FullWithinFilter(history: HistoryContext, t: &'static Texts) -> impl IntoView {
    let h = history_texts(t.lang);
    view! {
        <Show when=move || history.shown()>
            <div class="field full-within">
                <label for="full-within">{h.full_within}</label>
                <input id="full-within" type="number" min="0" step="1" inputmode="numeric"
                    prop:value=move || history.full_within.get().map(|d| fixed(d, 0)).unwrap_or_default()
                    on:change=move |ev| history.full_within.set(parse_full_within(&event_target_value(&ev))) />
            </div>
        </Show>
    }
}

/// The files picked in a file input, with their bytes; the input is
/// emptied so that the same files can be picked again.
async fn picked_files(ev: &leptos::ev::Event) -> Result<Vec<(String, Vec<u8>)>, String> {
    let Some(input) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return Ok(Vec::new());
    };
    let mut files = Vec::new();
    if let Some(list) = input.files() {
        for i in 0..list.length() {
            if let Some(file) = list.get(i) {
                let bytes = read_bytes(&file).await?;
                files.push((file.name(), bytes));
            }
        }
    }
    input.set_value("");
    Ok(files)
}

/// A chart of used against quota (and the thresholds) over time.
fn chart(
    geometry: ChartGeometry,
    label: String,
    h: &'static HistoryTexts,
    unit: WireUnit,
) -> impl IntoView {
    let lines = geometry
        .thresholds
        .iter()
        .enumerate()
        .map(|(i, (y, _))| {
            let class = if i == 0 { "nearing" } else { "critical" };
            let y = fixed(*y, 1);
            view! { <line class=class x1="0" x2=fixed(CHART_W, 0) y1=y.clone() y2=y></line> }
        })
        .collect_view();
    let top = format_amount(geometry.top, unit);
    let title = label.clone();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {} {}", fixed(CHART_W, 0), fixed(CHART_H, 0))
                preserveAspectRatio="none" role="img" aria-label=label>
                <title>{title}</title>
                {lines}
                <path class="quota" d=geometry.quota></path>
                <path class="used" d=geometry.used></path>
            </svg>
            <figcaption>
                <span class="key used">{h.chart_used}</span>
                <span class="key quota">{h.chart_quota}</span>
                {(!geometry.thresholds.is_empty()).then(|| view! {
                    <span class="key nearing">{h.chart_nearing}</span>
                    <span class="key critical">{h.chart_critical}</span>
                })}
                <span class="top">{format!("↑ {top}")}</span>
            </figcaption>
        </figure>
    }
}

/// Saves the usage history as a `.kdhistory` file (in the history's part
/// of the page, see `crate::parts`).
pub(crate) fn export_history_file(history: HistoryContext) {
    let bytes = history.history.with_untracked(|h| h.export());
    let at = now_ms().saturating_add(history.server_offset_ms.get_untracked());
    let name = format!("koodrive-history-{}.kdhistory", file_stamp(at));
    if let Err(e) = download_bytes(&name, &bytes) {
        history
            .message
            .set(Some(crate::app::history::HistoryMessage {
                text: e,
                error: true,
            }));
    }
}

/// The History region. Its heading, "Keep history on this computer", the
/// summary, the buttons and the imports are here from the first load; the
/// snapshots' table and the charts come with the history's part of the
/// page, once history is first used (kept on this computer, kept by the
/// gateway serving the page, or imported).
#[component]
pub fn HistoryPanel(
    history: HistoryContext,
    results: ResultsContext,
    t: &'static Texts,
) -> impl IntoView {
    let h = history_texts(t.lang);
    let lang = t.lang;
    let picked_date = RwSignal::new(String::new());
    let told = crate::parts::Told::of_page();
    let views = history.views;
    let import_file = move |ev: leptos::ev::Event| {
        spawn_local(async move {
            match picked_files(&ev).await {
                Ok(files) => crate::parts::import_history_files(history, told, files, lang),
                Err(e) => history.tell(e, true),
            }
        });
    };
    let import_csv = move |ev: leptos::ev::Event| {
        spawn_local(async move {
            match picked_files(&ev).await {
                Ok(files) if !files.is_empty() => {
                    let picked = picked_date.with_untracked(|d| taken_at_from_file_name(d));
                    crate::parts::import_history_csv(history, told, files, picked, lang);
                }
                Ok(_) => {}
                Err(e) => history.tell(e, true),
            }
        });
    };
    let export = move |_| crate::parts::export_history(history, told, lang);
    let empty = move || history.history.with(|h| h.is_empty());
    let summary = move || {
        history
            .history
            .with(|x| history_summary(x.len(), x.stored_bytes(), lang))
    };
    view! {
        <section class="panel history-panel" aria-labelledby="history-heading">
            <h2 id="history-heading">{h.history}</h2>
            <div class="field checkbox">
                <label>
                    <input type="checkbox" aria-describedby="keep-history-help"
                        prop:checked=move || history.keep.get()
                        on:change=move |ev| crate::parts::set_keep_history(history, event_target_checked(&ev)) />
                    {h.keep}
                </label>
                <p class="help" id="keep-history-help">{h.keep_help}</p>
            </div>
            {move || history.message.get().map(|m| if m.error {
                view! { <p class="history-message error" role="alert">{m.text}</p> }.into_any()
            } else {
                view! { <p class="history-message" role="status">{m.text}</p> }.into_any()
            })}
            <p class="history-summary">{summary}</p>
            {move || match views.get() {
                Some(v) => (v.snapshots)(history, results, t),
                None => view! { <p class="empty">{h.empty}</p> }.into_any(),
            }}
            <div class="buttons">
                <button type="button" disabled=empty on:click=move |_| crate::parts::remove_all_history(history)>{h.delete_all}</button>
                <button type="button" disabled=empty on:click=export>{h.export}</button>
            </div>
            <div class="field">
                <label for="import-history">{h.import}</label>
                <input id="import-history" type="file" accept=".kdhistory,application/octet-stream"
                    on:change=import_file />
            </div>
            <div class="field">
                <label for="import-exports">{h.import_csv}</label>
                <input id="import-exports" type="file" multiple accept=".csv,text/csv"
                    on:change=import_csv />
            </div>
            <div class="field">
                <label for="import-date">{h.import_date}</label>
                <input id="import-date" type="date"
                    on:change=move |ev| picked_date.set(event_target_value(&ev)) />
            </div>
            {move || views.get().map(|v| (v.charts)(history, results, t))}
        </section>
    }
}

/// The History region's snapshots (in the history's part of the page): the
/// gateway's summary and how far its snapshots are read, and the table of
/// snapshots with their Delete buttons.
#[component]
pub fn HistorySnapshots(
    history: HistoryContext,
    results: ResultsContext,
    t: &'static Texts,
) -> impl IntoView {
    let h = history_texts(t.lang);
    let lang = t.lang;
    let no_rows = move || {
        history.history.with(|h| h.is_empty()) && history.server.with(|s| s.listed.is_empty())
    };
    let rows = move || {
        let zone = results.zone.get();
        let rows = history
            .history
            .with(|b| history.server.with(|s| joined_rows(b, s)));
        rows.into_iter()
            .map(|row| {
                let taken = exact_time(
                    row.taken_at_ms,
                    &zone,
                    local_offset_minutes(row.taken_at_ms),
                );
                let at = row.taken_at_ms;
                let kept = row.kept;
                // The server's snapshots are the gateway's to delete.
                let delete = (kept == Kept::ThisComputer).then(|| view! {
                <button type="button" class="small" aria-label=format!("{} {taken}", h.delete)
                    on:click=move |_| history.remove(at)>{h.delete}</button>
            });
                view! {
                    <tr class=if kept == Kept::Server { "server" } else { "this-computer" }>
                        <td>{taken.clone()}</td>
                        <td>{source_name(row.source, lang)}</td>
                        <td class="num">{crate::state::numbers::grouped(row.users)}</td>
                        <td class="num">{format_bytes(row.stored_bytes as f64)}</td>
                        <td class="kept"><span class="mark">{kept.name(lang)}</span></td>
                        <td>{delete}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <Show when=move || history.server_on.get()>
            <p class="server-summary">{move || history.server.with(|s| server_summary(s.listed.len(), lang))}</p>
            <p class="help">{h.server_help}</p>
        </Show>
        {move || history.server_status.with(|s| s.text(lang)).map(|(text, error)| view! {
            <p class=if error { "server-message error" } else { "server-message" }
                role=if error { "alert" } else { "status" }>{text}</p>
        })}
        <Show when=move || !no_rows() fallback=move || view! { <p class="empty">{h.empty}</p> }>
            <div class="history-table">
                <table>
                    <thead>
                        <tr>
                            <th scope="col">{h.taken_at}</th>
                            <th scope="col">{h.source}</th>
                            <th scope="col">{h.users}</th>
                            <th scope="col">{h.stored_size}</th>
                            <th scope="col">{h.kept_on}</th>
                            <th scope="col"><span class="sr-only">{h.delete}</span></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </Show>
    }
}

/// The History region's charts (in the history's part of the page): the
/// tenant's totals over time, and the chart of one user.
#[component]
pub fn HistoryCharts(
    history: HistoryContext,
    results: ResultsContext,
    t: &'static Texts,
) -> impl IntoView {
    let h = history_texts(t.lang);
    let lang = t.lang;
    let totals_chart = move || {
        let unit = results.unit.get();
        history.trends.with(|trends| {
            let points: Vec<(i64, f64, f64)> = trends
                .as_ref()?
                .totals()
                .iter()
                .map(|p| (p.at_ms, p.used, p.quota as f64))
                .collect();
            (points.len() >= 2).then_some(())?;
            let geometry = chart_geometry(&points, &[], CHART_W, CHART_H)?;
            Some(view! {
                <h3>{h.tenant_totals}</h3>
                {chart(geometry, h.tenant_totals.to_owned(), h, unit)}
            })
        })
    };
    let user_chart = move || {
        let user = history.chart_user.get()?;
        let unit = results.unit.get();
        let thresholds = results.thresholds.get();
        history.trends.track();
        let points: Result<Vec<UsagePoint>, String> = history
            .history
            .with(|x| history.server.with(|s| joined_user_series(x, s, &user)))
            .map_err(|e: HistoryError| e.to_string());
        let points: Vec<(i64, f64, f64)> = points
            .unwrap_or_default()
            .iter()
            .map(|p| (p.at_ms, p.used, p.quota as f64))
            .collect();
        let label = format!("{}: {user}", h.details);
        let now = history.server_now(results.now_ms.get());
        let (growth, full) = history.trends.with(|t| {
            let trend = t.as_ref().and_then(|t| t.user(&user));
            (
                growth_text(trend, unit, lang),
                FullIn::full(trend, now).text(lang),
            )
        });
        Some(
            match chart_geometry(
                &points,
                &[thresholds.nearing_at(), thresholds.critical_at()],
                CHART_W,
                CHART_H,
            ) {
                None => view! { <p class="empty">{h.no_chart}</p> }.into_any(),
                Some(geometry) => view! {
                    <div class="user-chart">
                        {chart(geometry, label, h, unit)}
                        <p class="trend-summary">
                            {format!("{}: {} · {}", h.growth, growth.0, growth.1)}
                            " · "
                            {format!("{}: {full}", h.full_in)}
                        </p>
                    </div>
                }
                .into_any(),
            },
        )
    };
    view! {
        {totals_chart}
        <Show when=move || history.shown()>
            <div class="field">
                <label for="chart-user">{h.chart_user}</label>
                <input id="chart-user" type="text" autocomplete="off" spellcheck="false"
                    prop:value=move || history.chart_user.get().unwrap_or_default()
                    on:change=move |ev| {
                        let id = event_target_value(&ev).trim().to_owned();
                        history.chart_user.set((!id.is_empty()).then_some(id));
                    } />
            </div>
        </Show>
        {user_chart}
    }
}
