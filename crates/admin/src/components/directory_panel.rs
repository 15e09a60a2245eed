//! The Directory panel: import a company directory CSV, map its columns
//! (guessed from the header names, changed here), use it; keep it on this
//! computer (IndexedDB, opt-in) for the days chosen, under the endpoint in
//! use, or forget it. A kept directory comes back by itself when the page
//! loads with the same endpoint ([`restore_directory`]), until it expires.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::app::{DirectoryContext, ResultsContext};
use crate::browser::clock::now_ms;
use crate::browser::files::read_bytes;
use crate::browser::keep::{self, Kept};
use crate::state::directory::{Directory, Field, Mapping};
use crate::state::i18n::Texts;
use crate::state::keeping::{MAX_KEEP_DAYS, parse_keep_days};
use crate::state::notice::{BrowserAction, Notice, Part, Problem};

/// Where the directory panel tells what went wrong.
type NoticeSignal = RwSignal<Option<Notice>>;

fn problem(notice: NoticeSignal, problem: Problem) {
    notice.set(Some(Notice::Problem(problem)));
}

/// The browser refused `action`, saying `detail`.
fn refused(notice: NoticeSignal, action: BrowserAction, detail: String) {
    problem(notice, Problem::Browser { action, detail });
}

/// Stores the directory in this browser, under the endpoint in use, for the
/// days chosen; on refusal says so and unticks the box.
fn keep_now(dir: DirectoryContext, notice: NoticeSignal, directory: &Directory) {
    let kept = Kept {
        file_name: directory.file_name.clone(),
        bytes: directory.bytes.to_vec(),
        mapping: directory.mapping.to_numbers(),
    };
    let scope = dir.scope.get_untracked();
    let days = dir.keep_days.get_untracked();
    spawn_local(async move {
        if let Err(e) = keep::save(&scope, &kept, days, now_ms()).await {
            // An older directory kept before must not come back instead.
            let _ = keep::forget().await;
            dir.keep.set(false);
            refused(notice, BrowserAction::KeepDirectory, e);
        }
    });
}

/// Moves the keyboard focus to the element `id` once the page has drawn
/// what changed (the focused control may have just been removed).
pub fn focus_later(id: &'static str) {
    request_animation_frame(move || {
        if let Some(el) = document()
            .get_element_by_id(id)
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });
}

/// Puts `directory` in use: the filters and order that named the previous
/// one's departments are dropped.
fn use_directory(
    dir: DirectoryContext,
    results: ResultsContext,
    notice: NoticeSignal,
    directory: Directory,
) {
    results.filters.update(|f| f.department = None);
    let directory = Arc::new(directory);
    if dir.keep.get_untracked() {
        keep_now(dir, notice, &directory);
    }
    dir.directory.set(Some(directory));
    dir.file.set(None);
    notice.set(None);
    focus_later("directory-summary");
}

/// Drops the directory from the page and from this computer.
fn forget(dir: DirectoryContext, results: ResultsContext, notice: NoticeSignal) {
    dir.directory.set(None);
    dir.keep.set(false);
    results.filters.update(|f| {
        f.department = None;
        f.in_directory = None;
    });
    if results
        .sort
        .get_untracked()
        .is_some_and(|s| s.column.from_directory())
    {
        results.sort.set(None);
    }
    spawn_local(async move {
        if let Err(e) = keep::forget().await {
            refused(notice, BrowserAction::ForgetDirectory, e);
        }
    });
    focus_later("import-directory");
}

/// Brings back the directory kept on this computer for the endpoint in use
/// (`dir.scope`), unless it has expired (once, when the page knows its
/// endpoint).
pub fn restore_directory(dir: DirectoryContext, notice: NoticeSignal) {
    let scope = dir.scope.get_untracked();
    let told = crate::parts::Told::new(notice);
    spawn_local(async move {
        let kept = match keep::load(&scope, now_ms()).await {
            Ok(Some(kept)) => kept,
            Ok(None) => return,
            Err(e) => return refused(notice, BrowserAction::LoadKeptDirectory, e),
        };
        let mapping = Mapping::from_numbers(&kept.mapping);
        let read =
            crate::parts::read_kept_directory(kept.file_name.clone(), kept.bytes, mapping).await;
        let read = match read {
            Ok(read) => read,
            Err(_) => {
                return told.not_loaded(Part::Directory, move || restore_directory(dir, notice));
            }
        };
        match read {
            Ok(directory) => {
                dir.keep.set(true);
                dir.directory.set(Some(Arc::new(directory)));
            }
            Err(e) => {
                // A kept file that no longer reads would fail on every visit.
                let _ = keep::forget().await;
                problem(
                    notice,
                    Problem::KeptDirectory {
                        file: kept.file_name,
                        error: e,
                    },
                );
            }
        }
    });
}

/// Reads the file picked in "Import directory CSV".
fn import_file(dir: DirectoryContext, told: crate::parts::Told, ev: leptos::ev::Event) {
    let notice = told.notice;
    let Some(input) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return;
    };
    let Some(file) = input.files().and_then(|files| files.get(0)) else {
        return;
    };
    spawn_local(async move {
        let name = file.name();
        match read_bytes(&file).await {
            Ok(bytes) => read_directory(dir, told, name, bytes).await,
            Err(e) => refused(notice, BrowserAction::ReadFile, e),
        }
        // The same file can be picked again.
        input.set_value("");
    });
}

/// Reads the bytes of a picked directory file (in the directory's part of
/// the page, fetched first when needed: Retry reads the same bytes again).
async fn read_directory(
    dir: DirectoryContext,
    told: crate::parts::Told,
    name: String,
    bytes: Vec<u8>,
) {
    let notice = told.notice;
    match crate::parts::read_directory_file(name.clone(), bytes.clone()).await {
        Ok(Ok(read)) => {
            notice.set(None);
            dir.mapping.set(read.guessed);
            dir.file.set(Some(Arc::new(read)));
        }
        Ok(Err(error)) => problem(notice, Problem::DirectoryFile { file: name, error }),
        Err(_) => told.not_loaded(Part::Directory, move || {
            spawn_local(read_directory(dir, told, name.clone(), bytes.clone()));
        }),
    }
}

/// The column mapping of a file read, with Use directory and Cancel import.
#[component]
pub(crate) fn MappingForm(
    dir: DirectoryContext,
    results: ResultsContext,
    notice: NoticeSignal,
    t: &'static Texts,
) -> impl IntoView {
    move || {
        dir.file.get().map(|file| {
            let names = file.column_names();
            let selects = Field::ALL
                .into_iter()
                .enumerate()
                .map(|(k, field)| {
                    let id = format!("directory-column-{k}");
                    let chosen = move || dir.mapping.with(|m| m.get(field));
                    let options = names
                        .iter()
                        .enumerate()
                        .map(|(i, name)| {
                            view! {
                                <option value=i.to_string() prop:selected=move || chosen() == Some(i)>
                                    {name.clone()}
                                </option>
                            }
                        })
                        .collect_view();
                    view! {
                        <div class="field small-field">
                            <label for=id.clone()>{t.field_columns[k]}</label>
                            <select id=id on:change=move |ev| {
                                let column = event_target_value(&ev).parse::<usize>().ok();
                                dir.mapping.update(|m| m.set(field, column));
                            }>
                                <option value="" prop:selected=move || chosen().is_none()>"—"</option>
                                {options}
                            </select>
                        </div>
                    }
                })
                .collect_view();
            let apply_file = file.clone();
            let apply = move |_| {
                let mapping = dir.mapping.get_untracked();
                match apply_file.apply(mapping) {
                    Ok(directory) => use_directory(dir, results, notice, directory),
                    Err(error) => problem(
                        notice,
                        Problem::DirectoryFile {
                            file: apply_file.file_name.clone(),
                            error,
                        },
                    ),
                }
            };
            let no_id = move || dir.mapping.with(|m| m.get(Field::Id).is_none());
            view! {
                <div class="mapping" role="group" aria-label=file.file_name.clone()>
                    <p class="check">{file.file_name.clone()}" · "{t.rows_read(file.rows)}</p>
                    {selects}
                    <div class="buttons">
                        <button type="button" class="primary" disabled=no_id on:click=apply>
                            {t.use_directory}
                        </button>
                        <button type="button" on:click=move |_| {
                            dir.file.set(None);
                            focus_later("import-directory");
                        }>
                            {t.cancel_import}
                        </button>
                    </div>
                </div>
            }
        })
    }
}

/// What the directory in use holds, with Keep and Forget.
#[component]
pub(crate) fn DirectoryInUse(
    dir: DirectoryContext,
    results: ResultsContext,
    notice: NoticeSignal,
    t: &'static Texts,
) -> impl IntoView {
    let summary = move || {
        dir.directory.with(|d| {
            d.as_ref().map(|d| {
                t.directory_summary(d.len(), d.departments().len(), d.duplicates, d.without_id)
            })
        })
    };
    // How many users of the results the directory knows: none at all
    // usually means a wrong id column, or ids a spreadsheet rounded.
    let matched = move || {
        let rows = results.results.with(|r| r.rows.len());
        if rows == 0 || dir.directory.with(Option::is_none) {
            return None;
        }
        let found = dir.join.with(|j| {
            j.iter()
                .filter(|&&e| e != crate::state::directory::NONE)
                .count()
        });
        Some(t.directory_matched(found, rows))
    };
    view! {
        <div class="in-use" hidden=move || dir.directory.with(Option::is_none)>
            <p class="directory-summary" id="directory-summary" tabindex="-1" aria-live="polite">{summary}</p>
            <p class="check">{matched}</p>
            <div class="field checkbox">
                <label>
                    <input type="checkbox" aria-describedby="keep-directory-help"
                        prop:checked=move || dir.keep.get()
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            dir.keep.set(on);
                            if on {
                                if let Some(d) = dir.directory.get_untracked() {
                                    keep_now(dir, notice, &d);
                                }
                            } else {
                                spawn_local(async move {
                                    if let Err(e) = keep::forget().await {
                                        refused(notice, BrowserAction::ForgetDirectory, e);
                                    }
                                });
                            }
                        } />
                    " "{t.keep_directory}
                </label>
                <p class="help" id="keep-directory-help">{t.keep_help}</p>
            </div>
            <div class="field small-field">
                <label for="keep-days">{t.keep_days}</label>
                <input id="keep-days" type="number" min="1" max=MAX_KEEP_DAYS.to_string() step="1"
                    prop:value=move || dir.keep_days.get().to_string()
                    on:change=move |ev| {
                        match parse_keep_days(&event_target_value(&ev)) {
                            Some(days) => {
                                dir.keep_days.set(days);
                                // Kept already: kept again, with the new expiry.
                                if dir.keep.get_untracked()
                                    && let Some(d) = dir.directory.get_untracked()
                                {
                                    keep_now(dir, notice, &d);
                                }
                            }
                            // Shown again as it was.
                            None => dir.keep_days.update(|_| {}),
                        }
                    } />
            </div>
            <div class="buttons">
                <button type="button" on:click=move |_| forget(dir, results, notice)>{t.forget_directory}</button>
            </div>
        </div>
    }
}

/// The Directory panel.
#[component]
pub fn DirectoryPanel(
    dir: DirectoryContext,
    results: ResultsContext,
    notice: NoticeSignal,
    t: &'static Texts,
) -> impl IntoView {
    let told = crate::parts::Told::new(notice);
    view! {
        <section class="panel directory" aria-labelledby="directory-heading">
            <h2 id="directory-heading">{t.directory}</h2>
            <div class="field">
                <label for="import-directory">{t.import_directory}</label>
                <input id="import-directory" type="file" accept=".csv,text/csv,text/plain"
                    aria-describedby="import-directory-help"
                    on:change=move |ev| import_file(dir, told, ev) />
                <p class="help" id="import-directory-help">{t.directory_help}</p>
            </div>
            {crate::parts::directory_panel_parts(dir, results, notice, t)}
        </section>
    }
}
