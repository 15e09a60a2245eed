//! The filters above the table — text, state, quota range, usage range,
//! "Expires within (days)", the histogram bucket when one is picked — and
//! the exports of what the filters leave.

use koodrive_core::UsageState;
use leptos::prelude::*;

use crate::app::{DirectoryContext, HistoryContext, ResultsContext};
use crate::browser::clock::now_ms;
use crate::browser::files::download_in_parts;
use crate::browser::history::download_bytes;
use crate::state::export::{
    DirectoryColumns, ExportInput, ROWS_PER_PART, csv_parts, json_parts, usage_file_name,
};
use crate::state::filters::Filters;
use crate::state::i18n::Texts;
use crate::state::notice::{BrowserAction, Notice, Problem};
use crate::state::numbers::{parse_number, shortest};
use crate::state::xlsx::to_xlsx;

/// The State select's choice of expired quotas (beside the usage states).
const EXPIRED: &str = "expired";

/// A number input bound to one optional number of the filters.
#[component]
fn NumberFilter(
    results: ResultsContext,
    t: &'static Texts,
    id: &'static str,
    label: fn(&'static Texts) -> &'static str,
    get: fn(&Filters) -> Option<f64>,
    set: fn(&mut Filters, Option<f64>),
) -> impl IntoView {
    // What was typed but refused (a negative number, or not a number): the
    // filter keeps its value and the field says why, inline.
    let refused = RwSignal::new(false);
    let error_id = format!("{id}-error");
    view! {
        <div class="field small-field">
            <label for=id>{label(t)}</label>
            <input id=id type="number" min="0" step="any" inputmode="decimal"
                aria-invalid=move || refused.get().then_some("true")
                aria-describedby=move || refused.get().then(|| error_id.clone())
                prop:value=move || results.filters.with(get).map(shortest).unwrap_or_default()
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    let value = parse_number(&text);
                    let bad = value.is_some_and(|v| v < 0.0) || (value.is_none() && !text.trim().is_empty());
                    refused.set(bad);
                    if !bad && results.filters.with_untracked(get) != value {
                        results.filters.update(|f| set(f, value));
                    }
                } />
            <Show when=move || refused.get()>
                <p class="field-error" id=format!("{id}-error")>{t.invalid_number()}</p>
            </Show>
        </div>
    }
}

/// The formats what is shown exports to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values.
    Csv,
    /// JSON.
    Json,
    /// An Excel workbook.
    Xlsx,
}

/// Exports what is shown, as CSV, JSON or an Excel workbook. CSV and JSON
/// are handed to the browser in parts of [`ROWS_PER_PART`] users, so the
/// whole file is never held as one string. Runs in the exports' part of
/// the page (see `crate::parts`).
pub fn export(
    results: ResultsContext,
    dir: DirectoryContext,
    notice: RwSignal<Option<Notice>>,
    history: Option<HistoryContext>,
    format: Format,
) {
    let now = now_ms();
    let unfiltered = !results.filters.with_untracked(Filters::is_active);
    let failed = results.results.with_untracked(|r| r.failed_ids());
    let directory = dir.directory.get_untracked();
    let join = dir.join.get_untracked();
    let only = dir.only_in_directory.get_untracked();
    let (completeness, earlier_run) = results
        .results
        .with_untracked(|r| (r.completeness, r.earlier_run));
    let history_cells = history.and_then(|h| h.export_cells(results, now));
    let extension = match format {
        Format::Csv => "csv",
        Format::Json => "json",
        Format::Xlsx => "xlsx",
    };
    let name = usage_file_name(now, completeness, earlier_run, extension);
    let done = results.results.with_untracked(|r| {
        results.states.with_untracked(|states| {
            results.shown.with_untracked(|shown| {
                let input = ExportInput {
                    directory: directory.as_deref().map(|directory| DirectoryColumns {
                        directory,
                        join: &join,
                        only_in_directory: &only,
                    }),
                    rows: &r.rows,
                    states,
                    shown,
                    missing: &r.missing,
                    failed: &failed,
                    with_unsettled: unfiltered,
                    unit: results.unit.get_untracked(),
                    thresholds: results.thresholds.get_untracked(),
                    now_ms: now,
                    completeness,
                    earlier_run,
                    history: history_cells.as_deref(),
                };
                match format {
                    Format::Csv => download_in_parts(&name, "text/csv", |part| {
                        csv_parts(&input, ROWS_PER_PART, part);
                    }),
                    Format::Json => download_in_parts(&name, "application/json", |part| {
                        json_parts(&input, ROWS_PER_PART, part);
                    }),
                    Format::Xlsx => download_bytes(&name, &to_xlsx(&input)),
                }
            })
        })
    });
    if let Err(detail) = done {
        notice.set(Some(Notice::Problem(Problem::Browser {
            action: BrowserAction::Download,
            detail,
        })));
    }
}

/// The select "Directory": all users, those in it, those not in it (shown
/// with a directory only).
#[component]
fn DirectoryFilter(
    results: ResultsContext,
    dir: DirectoryContext,
    t: &'static Texts,
) -> impl IntoView {
    let value = move || match results.filters.with(|f| f.in_directory) {
        None => "",
        Some(true) => "in",
        Some(false) => "out",
    };
    view! {
        <div class="field small-field" hidden=move || dir.directory.with(Option::is_none)>
            <label for="filter-directory">{t.directory}</label>
            <select id="filter-directory" on:change=move |ev| {
                let choice = match event_target_value(&ev).as_str() {
                    "in" => Some(true),
                    "out" => Some(false),
                    _ => None,
                };
                results.filters.update(|f| f.in_directory = choice);
            }>
                <option value="" prop:selected=move || value().is_empty()>{t.all_users}</option>
                <option value="in" prop:selected=move || value() == "in">{t.in_directory}</option>
                <option value="out" prop:selected=move || value() == "out">{t.not_in_directory}</option>
            </select>
        </div>
    }
}

/// The filters bar.
#[component]
pub fn FiltersBar(
    results: ResultsContext,
    dir: DirectoryContext,
    notice: RwSignal<Option<Notice>>,
    t: &'static Texts,
) -> impl IntoView {
    let state_value = move || {
        results.filters.with(|f| {
            if f.expired {
                EXPIRED.to_owned()
            } else {
                f.state.map(UsageState::as_str).unwrap_or("").to_owned()
            }
        })
    };
    let told = crate::parts::Told::new(notice);
    // Read here, where the page's contexts are: the export runs later.
    let history = use_context::<HistoryContext>();
    let export = move |format| crate::parts::export(results, dir, told, history, format);
    view! {
        <div class="filters" role="group" aria-label=t.filters>
            <div class="field grow">
                <label for="filter-text" class="sr-only">{t.filter}</label>
                <input id="filter-text" type="search" placeholder=t.filter
                    prop:value=move || results.filters.with(|f| f.text.clone())
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        results.filters.update(|f| f.text = text);
                    } />
            </div>
            <div class="field small-field">
                <label for="filter-state">{t.state}</label>
                <select id="filter-state" prop:value=state_value on:change=move |ev| {
                    let value = event_target_value(&ev);
                    let state = UsageState::ALL.into_iter().find(|s| s.as_str() == value);
                    results.filters.update(|f| {
                        f.state = state;
                        f.expired = value == EXPIRED;
                    });
                }>
                    <option value="" prop:selected=move || state_value().is_empty()>{t.all_states}</option>
                    {UsageState::ALL.into_iter().enumerate().map(|(i, s)| view! {
                        <option value=s.as_str() prop:selected=move || state_value() == s.as_str()>
                            {move || t.state_names[i]}
                        </option>
                    }).collect_view()}
                    <option value=EXPIRED prop:selected=move || state_value() == EXPIRED>{t.expired()}</option>
                </select>
            </div>
            <DirectoryFilter results dir t />
            <NumberFilter results t id="expires-within" label=|t| t.expires_within
                get=|f| f.expires_within_days set=|f, v| f.expires_within_days = v />
            <NumberFilter results t id="quota-from" label=|t| t.quota_from
                get=|f| f.quota_min_gib set=|f, v| f.quota_min_gib = v />
            <NumberFilter results t id="quota-to" label=|t| t.quota_to
                get=|f| f.quota_max_gib set=|f, v| f.quota_max_gib = v />
            <NumberFilter results t id="usage-from" label=|t| t.usage_from
                get=|f| f.usage_min_pct set=|f, v| f.usage_min_pct = v />
            <NumberFilter results t id="usage-to" label=|t| t.usage_to
                get=|f| f.usage_max_pct set=|f, v| f.usage_max_pct = v />
            <div class="buttons">
                {move || results.filters.with(|f| f.bucket).map(|b| {
                    let (text, action) = t.bucket_chip(&t.bucket_name(b));
                    view! {
                        <button type="button" class="chip" aria-label=action
                            on:click=move |_| results.filters.update(|f| f.bucket = None)>
                            {text}
                            <span aria-hidden="true">" ×"</span>
                        </button>
                    }
                })}
                {move || {
                    let group = results.filters.with(|f| f.department)?;
                    let name = dir.directory.with(|d| {
                        d.as_ref().map(|d| group.name(d, t.no_department, t.not_in_directory_group).to_owned())
                    })?;
                    let (text, action) = t.department_chip(&name);
                    Some(view! {
                        <button type="button" class="chip" aria-label=action
                            on:click=move |_| {
                                results.filters.update(|f| f.department = None);
                                crate::components::focus_later("filter-text");
                            }>
                            {text}
                            <span aria-hidden="true">" ×"</span>
                        </button>
                    })
                }}
                <button type="button" disabled=move || !results.filters.with(Filters::is_active)
                    on:click=move |_| results.filters.set(Filters::default())>
                    {t.clear_filters}
                </button>
                <button type="button" on:click=move |_| export(Format::Csv)>{t.export_csv}</button>
                <button type="button" on:click=move |_| export(Format::Xlsx)>{t.export_xlsx()}</button>
                <button type="button" on:click=move |_| export(Format::Json)>{t.export_json}</button>
            </div>
        </div>
    }
}
