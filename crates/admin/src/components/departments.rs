//! The Departments view: every user of the results added up per department
//! of the directory — users, total quota and used, overall usage, users per
//! state, expiring soon — sortable by any column; a click on a department
//! shows its users in the table; exported as CSV or JSON like the table.

use leptos::prelude::*;

use crate::app::{DirectoryContext, ResultsContext};
use crate::browser::clock::now_ms;
use crate::browser::files::download;
use crate::state::departments::{
    DepartmentColumn, DepartmentsExport, departments_csv, departments_json, sort_departments,
};
use crate::state::i18n::Texts;
use crate::state::notice::{BrowserAction, Notice, Problem};
use crate::state::numbers::shortest;
use crate::state::units::{format_amount, format_ratio};

/// Departments drawn at most (in the view's order; the exports hold all):
/// a department column mapped by mistake (one value per person) stays fast.
const MAX_ROWS: usize = 200;

fn label(column: DepartmentColumn, t: &'static Texts) -> &'static str {
    match column {
        DepartmentColumn::Name => t.col_department,
        DepartmentColumn::Users => t.dep_users,
        DepartmentColumn::Quota => t.dep_total_quota,
        DepartmentColumn::Used => t.dep_total_used,
        DepartmentColumn::Usage => t.col_usage,
        DepartmentColumn::State(s) => t.state_names[s],
        DepartmentColumn::ExpiringSoon => t.dep_expiring,
        DepartmentColumn::Growth => {
            crate::state::history::history_texts(t.lang).growth_per_day_column
        }
    }
}

/// Exports the departments, in the view's order.
fn export(
    results: ResultsContext,
    dir: DirectoryContext,
    notice: RwSignal<Option<Notice>>,
    t: &'static Texts,
    json: bool,
) {
    let Some(directory) = dir.directory.get_untracked() else {
        return;
    };
    let now = now_ms();
    let mut list = results.departments.get_untracked();
    sort_departments(
        &mut list,
        &directory,
        results.department_sort.get_untracked(),
    );
    let x = DepartmentsExport {
        directory: &directory,
        list: &list,
        no_department: t.no_department,
        not_in_directory: t.not_in_directory_group,
        unit: results.unit.get_untracked(),
        now_ms: now,
    };
    let stamp = crate::state::export::file_stamp(now);
    let written = if json {
        download(
            &format!("koodrive-departments-{stamp}.json"),
            "application/json",
            &departments_json(&x),
        )
    } else {
        download(
            &format!("koodrive-departments-{stamp}.csv"),
            "text/csv",
            &departments_csv(&x),
        )
    };
    if let Err(detail) = written {
        notice.set(Some(Notice::Problem(Problem::Browser {
            action: BrowserAction::Download,
            detail,
        })));
    }
}

/// A sorting column header.
#[component]
fn Header(results: ResultsContext, t: &'static Texts, column: DepartmentColumn) -> impl IntoView {
    let sort = move || results.department_sort.get();
    let aria_sort = move || match sort() {
        s if s.column != column => "none",
        s if s.descending => "descending",
        _ => "ascending",
    };
    let class = if column == DepartmentColumn::Name {
        "col-name"
    } else {
        "num"
    };
    view! {
        <th scope="col" aria-sort=aria_sort class=class>
            <button type="button" on:click=move |_| results.department_sort.update(|s| *s = s.clicked(column))>
                {label(column, t)}
                <span class="arrow" aria-hidden="true">
                    {move || match aria_sort() {
                        "descending" => "▼",
                        "ascending" => "▲",
                        _ => "↕",
                    }}
                </span>
            </button>
        </th>
    }
}

/// The Departments view (with a directory and rows).
#[component]
pub fn DepartmentsView(
    results: ResultsContext,
    dir: DirectoryContext,
    notice: RwSignal<Option<Notice>>,
    t: &'static Texts,
) -> impl IntoView {
    // Only the picked department, so that a keystroke in Filter (the same
    // signal) does not draw the view again.
    let picked = Memo::new(move |_| results.filters.with(|f| f.department));
    let rows = move || {
        let directory = dir.directory.get()?;
        let mut list = results.departments.get();
        sort_departments(&mut list, &directory, results.department_sort.get());
        let unit = results.unit.get();
        let picked = picked.get();
        let growth = list.iter().any(|d| d.growth_per_day.is_some());
        let more = list.len().saturating_sub(MAX_ROWS);
        let rows = list
            .into_iter()
            .take(MAX_ROWS)
            .map(|d| {
                let name = d
                    .group
                    .name(&directory, t.no_department, t.not_in_directory_group)
                    .to_owned();
                let group = d.group;
                let here = picked == Some(group);
                let show = move |_| {
                    results.filters.update(|f| f.department = Some(group));
                    if let Some(heading) = document().get_element_by_id("results-heading") {
                        heading.scroll_into_view();
                    }
                    crate::components::focus_later("filter-text");
                };
                let amount = |value: f64, raw: String| {
                    view! { <td class="num" title=format!("{raw} {}", unit.symbol())>{format_amount(value, unit)}</td> }
                };
                let counts = d
                    .per_state
                    .iter()
                    .map(|n| view! { <td class="num">{n.to_string()}</td> })
                    .collect_view();
                view! {
                    <tr class:picked=here>
                        <th scope="row">
                            <button type="button" class="link" aria-pressed=here.to_string() on:click=show>{name}</button>
                        </th>
                        <td class="num">{d.users.to_string()}</td>
                        {amount(d.quota as f64, d.quota.to_string())}
                        {amount(d.used, shortest(d.used))}
                        <td class="num">{format_ratio(d.ratio())}</td>
                        {counts}
                        <td class="num">{d.expiring_soon.to_string()}</td>
                        {growth.then(|| match d.growth_per_day {
                            Some(g) => {
                                let text = format_amount(g, unit);
                                let text = if g > 0.0 { format!("+{text}") } else { text };
                                view! { <td class="num growth" title=format!("{} {}", shortest(g), unit.symbol())>{text}</td> }.into_any()
                            }
                            None => view! { <td class="num growth">"—"</td> }.into_any(),
                        })}
                    </tr>
                }
            })
            .collect_view();
        let more = (more > 0).then(|| {
            view! { <tr><td colspan="11" class="more">{t.more_departments(more)}</td></tr> }
        });
        Some((rows, more))
    };
    let shown =
        move || dir.directory.with(Option::is_some) && results.departments.with(|d| !d.is_empty());
    let with_growth = move || {
        results
            .departments
            .with(|d| d.iter().any(|d| d.growth_per_day.is_some()))
    };
    view! {
        <section class="panel departments" aria-labelledby="departments-heading" hidden=move || !shown()>
            <h2 id="departments-heading">{t.departments}</h2>
            <p class="help">{t.departments_help}</p>
            <div class="table-wrap" tabindex="0" role="region" aria-label=t.departments_table>
                <table class="departments" aria-label=t.departments>
                    <thead>
                        <tr>
                            {DepartmentColumn::ALL.into_iter().map(|column| view! { <Header results t column /> }).collect_view()}
                            {move || with_growth().then(|| view! { <Header results t column=DepartmentColumn::Growth /> })}
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <div class="buttons">
                <button type="button" on:click=move |_| export(results, dir, notice, t, false)>{t.export_departments_csv}</button>
                <button type="button" on:click=move |_| export(results, dir, notice, t, true)>{t.export_departments_json}</button>
            </div>
        </section>
    }
}
