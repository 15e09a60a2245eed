//! What to ask: the User IDs box (checked as you type: how many ids,
//! duplicates removed, empty entries ignored), a CSV import whose id column
//! is found by its header or chosen here, and the buttons Query, List all
//! users, Cancel, Retry failed and Resume (of a listing that stopped early),
//! with the progress bar of a bulk query or listing.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::app::{App, QueryContext, actions};
use crate::browser::clock::now_ms;
use crate::browser::files::read_bytes;
use crate::state::directory::resolve_entries;
use crate::state::i18n::Texts;
use crate::state::ids::{CsvImport, parse_ids};
use crate::state::listing::Listing;
use crate::state::notice::{BrowserAction, Notice, Part, Problem};

/// Unresolved entries listed at most under the User IDs box.
const MAX_UNRESOLVED: usize = 100;

/// A User IDs text this long is resolved once typing pauses for this long.
const LONG_TEXT: usize = 4_000;
const RESOLVE_PAUSE: std::time::Duration = std::time::Duration::from_millis(250);

/// How often the words of a wait are read again.
const WAIT_TICK: std::time::Duration = std::time::Duration::from_secs(1);

/// Puts the ids of `column` of an imported file in the User IDs box.
fn use_column(query: QueryContext, import: &CsvImport, column: usize) {
    let list = import.ids(column);
    query.ids_text.set(list.ids.join("\n"));
    query.csv.set(None);
}

/// Reads the file picked in the Import CSV input.
fn import_file(query: QueryContext, ev: leptos::ev::Event) {
    let Some(input) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return;
    };
    let Some(file) = input.files().and_then(|files| files.get(0)) else {
        return;
    };
    leptos::task::spawn_local(async move {
        let read = read_bytes(&file).await;
        // The same file can be picked again.
        input.set_value("");
        match read {
            Ok(bytes) => take_ids_file(query, file.name(), bytes),
            Err(detail) => query.notice.set(Some(Notice::Problem(Problem::Browser {
                action: BrowserAction::ReadFile,
                detail,
            }))),
        }
    });
}

/// Takes the ids of a picked CSV file (`name`, `bytes`), read by the part
/// of the page that reads them (fetched with the first file; when it
/// cannot be, the notice says so and Retry reads the file again).
fn take_ids_file(query: QueryContext, name: String, bytes: Vec<u8>) {
    leptos::task::spawn_local(async move {
        match crate::parts::read_ids_csv(bytes.clone()).await {
            Ok(Ok(import)) => match import.id_column {
                Some(column) => use_column(query, &import, column),
                None => query.csv.set(Some(import)),
            },
            Ok(Err(error)) => query.notice.set(Some(Notice::Problem(Problem::IdsFile {
                file: name,
                error,
            }))),
            Err(crate::parts::NotLoaded) => {
                let told = crate::parts::Told {
                    notice: query.notice,
                    retry: Some(query.retry),
                };
                told.not_loaded(Part::IdsFile, move || {
                    take_ids_file(query, name.clone(), bytes.clone())
                });
            }
        }
    });
}

/// The chooser of the id column, when the CSV's headers do not name it.
#[component]
fn ColumnChooser(query: QueryContext, t: &'static Texts) -> impl IntoView {
    move || {
        query.csv.get().map(|import| {
            let names = import.column_names();
            let chosen = import.clone();
            view! {
                <div class="field">
                    <label for="id-column">{t.id_column}</label>
                    <select id="id-column" on:change=move |ev| {
                        if let Ok(column) = event_target_value(&ev).parse::<usize>() {
                            use_column(query, &chosen, column);
                        }
                    }>
                        <option value="" selected>"—"</option>
                        {names.into_iter().enumerate().map(|(i, name)| view! {
                            <option value=i.to_string()>{name}</option>
                        }).collect_view()}
                    </select>
                </div>
            }
        })
    }
}

/// The progress bar of a bulk query or listing, with what it waits for when
/// nothing moves (a wait the server asked for, retries, a slow answer).
#[component]
fn QueryProgress(query: QueryContext, t: &'static Texts) -> impl IntoView {
    // The words of a wait count seconds: they are read again each second.
    let now = RwSignal::new(now_ms());
    let tick = set_interval_with_handle(move || now.set(now_ms()), WAIT_TICK);
    on_cleanup(move || {
        if let Ok(handle) = tick {
            handle.clear();
        }
    });
    move || {
        query.busy.get().map(|busy| {
            // A listing tells pages and time left too.
            let label = move || {
                query.listing.with(|l| match l {
                    Some(l) if l.running => t.listing_progress(
                        l.users,
                        l.total,
                        l.pages_shown(),
                        l.pages(),
                        l.time_left_ms(now.get()),
                    ),
                    _ => t.progress_of(busy.done, busy.total),
                })
            };
            let waiting = move || {
                query
                    .busy
                    .with(|b| b.and_then(|b| t.waiting(b.waiting(now.get()))))
            };
            view! {
                <div class="progress">
                    {match busy.total {
                        Some(total) => view! {
                            <progress aria-label=t.progress max=total.max(1).to_string() value=busy.done.to_string()></progress>
                        }.into_any(),
                        None => view! { <progress aria-label=t.progress></progress> }.into_any(),
                    }}
                    <span>{label}</span>
                    <span class="waiting" aria-live="polite">{waiting}</span>
                </div>
            }
        })
    }
}

/// The query form.
#[component]
pub fn QueryForm(app: App, t: &'static Texts) -> impl IntoView {
    let App {
        query,
        results,
        directory: dir,
        ..
    } = app;
    let busy = move || query.busy.with(Option::is_some);
    // With a directory, emails and names are resolved as the text changes;
    // a long text once typing pauses, so that a paste of thousands of
    // entries is resolved and listed once, not on every keystroke.
    let settled = RwSignal::new(String::new());
    let pending = StoredValue::new_local(None::<TimeoutHandle>);
    Effect::new(move |_| {
        let text = query.ids_text.get();
        if let Some(handle) = pending.get_value() {
            handle.clear();
        }
        if text.len() < LONG_TEXT {
            pending.set_value(None);
            settled.set(text);
        } else {
            let later = move || settled.set(text);
            pending.set_value(set_timeout_with_handle(later, RESOLVE_PAUSE).ok());
        }
    });
    let resolution = Memo::new(move |_| {
        dir.directory.with(|d| {
            d.as_ref()
                .map(|d| settled.with(|text| resolve_entries(text, d)))
        })
    });
    // Entries that do not look like KooDrive ids: still sent (the server
    // decides), but said before the query and listed apart.
    let unlike = Memo::new(move |_| {
        let owned = |ids: Vec<&str>| ids.into_iter().map(str::to_owned).collect::<Vec<_>>();
        resolution.with(|r| match r {
            Some(r) => owned(r.list.unlike_koodrive_ids()),
            None => query
                .ids_text
                .with(|text| owned(parse_ids(text).unlike_koodrive_ids())),
        })
    });
    let check = move || {
        let mut check = resolution.with(|r| match r {
            Some(r) => t.resolution_check(r),
            None => {
                let list = query.ids_text.with(|text| parse_ids(text));
                t.id_check(list.ids.len(), list.duplicates, list.empty)
            }
        });
        let odd = unlike.with(Vec::len);
        if odd > 0 {
            check.push_str(" · ");
            check.push_str(&t.unlike_ids(odd));
        }
        check
    };
    let unlike_list = move || {
        unlike.with(|odd| {
            (!odd.is_empty()).then(|| {
                let more = odd.len().saturating_sub(MAX_UNRESOLVED);
                let items = odd
                    .iter()
                    .take(MAX_UNRESOLVED)
                    .map(|id| view! { <li class="mono">{id.clone()}</li> })
                    .collect_view();
                let more = (more > 0).then(|| view! { <li>{format!("+ {more}")}</li> });
                view! { <ul class="unlike-ids" aria-label=t.unlike_ids_list()>{items}{more}</ul> }
            })
        })
    };
    let unresolved = move || {
        resolution.with(|r| {
            r.as_ref().filter(|r| !r.unresolved.is_empty()).map(|r| {
                // A long paste lists its first entries; the count says the rest.
                let more = r.unresolved.len().saturating_sub(MAX_UNRESOLVED);
                let items = r
                    .unresolved
                    .iter()
                    .take(MAX_UNRESOLVED)
                    .map(|u| view! { <li>{t.unresolved(u)}</li> })
                    .collect_view();
                let more = (more > 0).then(|| view! { <li>{format!("+ {more}")}</li> });
                view! { <ul class="unresolved" aria-label=t.not_resolved>{items}{more}</ul> }
            })
        })
    };
    let no_failed = move || results.results.with(|r| r.failed.is_empty());
    // Resume, once a listing stopped early, while its rows are on screen.
    let resumable = move || {
        !busy()
            && query
                .listing
                .with(|l| l.as_ref().is_some_and(Listing::can_resume))
            && results.results.with(|r| !r.earlier_run)
    };
    view! {
        <section class="panel query" aria-labelledby="query-heading">
            <h2 id="query-heading">{t.users}</h2>
            <div class="field">
                <label for="user-ids">{t.user_ids}</label>
                <textarea
                    id="user-ids"
                    rows="6"
                    spellcheck="false"
                    aria-describedby="user-ids-help user-ids-check"
                    prop:value=move || query.ids_text.get()
                    on:input=move |ev| query.ids_text.set(event_target_value(&ev))
                ></textarea>
                <p class="help" id="user-ids-help">
                    {move || if dir.directory.with(Option::is_some) { t.user_ids_help_directory } else { t.user_ids_help }}
                </p>
                <p class="check" id="user-ids-check" aria-live="polite">{check}</p>
                {unresolved}
                {unlike_list}
            </div>
            <div class="field">
                <label for="import-csv">{t.import_csv}</label>
                <input id="import-csv" type="file" accept=".csv,text/csv,text/plain"
                    on:change=move |ev| import_file(query, ev) />
            </div>
            <ColumnChooser query t />
            <div class="buttons">
                <button type="button" class="primary" on:click=move |_| actions::query(app)>
                    {t.query}
                </button>
                <button type="button" on:click=move |_| actions::list_all(app)>
                    {t.list_all}
                </button>
                <button type="button" disabled=move || !busy() on:click=move |_| actions::cancel(app)>
                    {t.cancel}
                </button>
                <button type="button" disabled=move || busy() || no_failed()
                    on:click=move |_| actions::retry_failed(app)>
                    {t.retry_failed}
                </button>
                {move || resumable().then(|| view! {
                    <button type="button" on:click=move |_| actions::resume_listing(app)>
                        {t.resume()}
                    </button>
                })}
            </div>
            <QueryProgress query t />
        </section>
    }
}
