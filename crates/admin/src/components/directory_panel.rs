//! The Directory panel: import a company directory CSV, map its columns
//! (guessed from the header names, changed here), use it; keep it on this
//! computer (IndexedDB, opt-in) or forget it. A kept directory comes back
//! by itself when the page loads ([`restore_directory`]).

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::browser::files::read_bytes;
use crate::browser::keep::{self, Kept};
use crate::state::directory::{Directory, DirectoryFile, Field, Mapping};
use crate::state::store::{Notice, Store};

fn problem(store: Store, text: String) {
    store.notice.set(Some(Notice::Problem(text)));
}

/// Stores the directory in this browser; on refusal says so and unticks the box.
fn keep_now(store: Store, directory: &Directory) {
    let kept = Kept {
        file_name: directory.file_name.clone(),
        bytes: directory.bytes.to_vec(),
        mapping: directory.mapping.to_numbers(),
    };
    spawn_local(async move {
        if let Err(e) = keep::save(&kept).await {
            // An older directory kept before must not come back instead.
            let _ = keep::forget().await;
            store.keep_directory.set(false);
            problem(store, format!("{}: {e}", store.t().kept_failed));
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
fn use_directory(store: Store, directory: Directory) {
    store.filters.update(|f| f.department = None);
    let directory = Arc::new(directory);
    if store.keep_directory.get_untracked() {
        keep_now(store, &directory);
    }
    store.directory.set(Some(directory));
    store.directory_file.set(None);
    store.notice.set(None);
    focus_later("directory-summary");
}

/// Drops the directory from the page and from this computer.
fn forget(store: Store) {
    store.directory.set(None);
    store.keep_directory.set(false);
    store.filters.update(|f| {
        f.department = None;
        f.in_directory = None;
    });
    if store
        .sort
        .get_untracked()
        .is_some_and(|s| s.column.from_directory())
    {
        store.sort.set(None);
    }
    spawn_local(async move {
        if let Err(e) = keep::forget().await {
            problem(store, e);
        }
    });
    focus_later("import-directory");
}

/// Brings back a directory kept on this computer (once, when the page loads).
pub fn restore_directory(store: Store) {
    spawn_local(async move {
        let kept = match keep::load().await {
            Ok(Some(kept)) => kept,
            Ok(None) => return,
            Err(e) => return problem(store, e),
        };
        let mapping = Mapping::from_numbers(&kept.mapping);
        match DirectoryFile::read(&kept.file_name, kept.bytes).and_then(|f| f.apply(mapping)) {
            Ok(directory) => {
                store.keep_directory.set(true);
                store.directory.set(Some(Arc::new(directory)));
            }
            Err(e) => {
                // A kept file that no longer reads would fail on every visit.
                let _ = keep::forget().await;
                problem(
                    store,
                    format!(
                        "{}: {e} (the directory kept on this computer was forgotten: import it again)",
                        kept.file_name
                    ),
                );
            }
        }
    });
}

/// Reads the file picked in "Import directory CSV".
fn import_file(store: Store, ev: leptos::ev::Event) {
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
        match read_bytes(&file)
            .await
            .and_then(|bytes| DirectoryFile::read(&name, bytes))
        {
            Ok(read) => {
                store.notice.set(None);
                store.mapping.set(read.guessed);
                store.directory_file.set(Some(Arc::new(read)));
            }
            Err(e) => problem(store, format!("{name}: {e}")),
        }
        // The same file can be picked again.
        input.set_value("");
    });
}

/// The column mapping of a file read, with Use directory and Cancel import.
#[component]
fn MappingForm() -> impl IntoView {
    let store = Store::get();
    let t = store.t();
    move || {
        store.directory_file.get().map(|file| {
            let names = file.column_names();
            let selects = Field::ALL
                .into_iter()
                .enumerate()
                .map(|(k, field)| {
                    let id = format!("directory-column-{k}");
                    let chosen = move || store.mapping.with(|m| m.get(field));
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
                                store.mapping.update(|m| m.set(field, column));
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
                let mapping = store.mapping.get_untracked();
                match apply_file.apply(mapping) {
                    Ok(directory) => use_directory(store, directory),
                    Err(e) => problem(store, format!("{}: {e}", apply_file.file_name)),
                }
            };
            let no_id = move || store.mapping.with(|m| m.get(Field::Id).is_none());
            view! {
                <div class="mapping" role="group" aria-label=file.file_name.clone()>
                    <p class="check">{file.file_name.clone()}" · "{t.rows_read(file.rows)}</p>
                    {selects}
                    <div class="buttons">
                        <button type="button" class="primary" disabled=no_id on:click=apply>
                            {t.use_directory}
                        </button>
                        <button type="button" on:click=move |_| {
                            store.directory_file.set(None);
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
fn DirectoryInUse() -> impl IntoView {
    let store = Store::get();
    let t = store.t();
    let summary = move || {
        store.directory.with(|d| {
            d.as_ref().map(|d| {
                t.directory_summary(d.len(), d.departments().len(), d.duplicates, d.without_id)
            })
        })
    };
    // How many users of the results the directory knows: none at all
    // usually means a wrong id column, or ids a spreadsheet rounded.
    let matched = move || {
        let rows = store.results.with(|r| r.rows.len());
        if rows == 0 || store.directory.with(Option::is_none) {
            return None;
        }
        let found = store.join.with(|j| {
            j.iter()
                .filter(|&&e| e != crate::state::directory::NONE)
                .count()
        });
        Some(t.directory_matched(found, rows))
    };
    view! {
        <div class="in-use" hidden=move || store.directory.with(Option::is_none)>
            <p class="directory-summary" id="directory-summary" tabindex="-1" aria-live="polite">{summary}</p>
            <p class="check">{matched}</p>
            <div class="field checkbox">
                <label>
                    <input type="checkbox" aria-describedby="keep-directory-help"
                        prop:checked=move || store.keep_directory.get()
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            store.keep_directory.set(on);
                            if on {
                                if let Some(d) = store.directory.get_untracked() {
                                    keep_now(store, &d);
                                }
                            } else {
                                spawn_local(async move {
                                    if let Err(e) = keep::forget().await {
                                        problem(store, e);
                                    }
                                });
                            }
                        } />
                    " "{t.keep_directory}
                </label>
                <p class="help" id="keep-directory-help">{t.keep_help}</p>
            </div>
            <div class="buttons">
                <button type="button" on:click=move |_| forget(store)>{t.forget_directory}</button>
            </div>
        </div>
    }
}

/// The Directory panel.
#[component]
pub fn DirectoryPanel() -> impl IntoView {
    let store = Store::get();
    let t = store.t();
    view! {
        <section class="panel directory" aria-labelledby="directory-heading">
            <h2 id="directory-heading">{t.directory}</h2>
            <div class="field">
                <label for="import-directory">{t.import_directory}</label>
                <input id="import-directory" type="file" accept=".csv,text/csv,text/plain"
                    aria-describedby="import-directory-help"
                    on:change=move |ev| import_file(store, ev) />
                <p class="help" id="import-directory-help">{t.directory_help}</p>
            </div>
            <MappingForm />
            <DirectoryInUse />
        </section>
    }
}
