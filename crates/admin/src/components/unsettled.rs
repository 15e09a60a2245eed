//! The ids that found no row: missing (the server does not know them) and
//! failed (their request failed after its retries, or was cancelled), each
//! failed request with its reason and trace id.

use koodrive_core::ErrorKind;
use leptos::prelude::*;

use super::notice::TraceId;
use crate::app::{DirectoryContext, ResultsContext};
use crate::state::i18n::Texts;
use crate::state::ids::looks_like_koodrive_id;

/// Ids listed at most (the rest are counted).
const MAX_LISTED: usize = 500;

/// The missing ids: those that look like KooDrive ids (the server does not
/// know them), and apart from them those that do not (a typo, a column of
/// something else).
#[component]
pub fn MissingList(
    results: ResultsContext,
    dir: DirectoryContext,
    t: &'static Texts,
) -> impl IntoView {
    let list = move |ids: Vec<String>, heading: String, id: &'static str, class: &'static str| {
        let directory = dir.directory.get();
        let more = ids.len().saturating_sub(MAX_LISTED);
        view! {
            <section class=format!("panel unsettled {class}") aria-labelledby=id>
                <h2 id=id>{heading}</h2>
                <ul class="ids" tabindex="0" aria-labelledby=id>
                    {ids.into_iter().take(MAX_LISTED).map(|id| {
                        // With a directory, who the id is.
                        let name = directory
                            .as_ref()
                            .and_then(|d| d.find_id(&id).and_then(|e| d.entry(e)))
                            .filter(|e| !e.name.is_empty())
                            .map(|e| format!(" · {}", e.name));
                        view! { <li><span class="mono">{id}</span>{name}</li> }
                    }).collect_view()}
                </ul>
                {(more > 0).then(|| view! { <p class="help">"+ "{more.to_string()}</p> })}
            </section>
        }
    };
    move || {
        let (shaped, odd): (Vec<String>, Vec<String>) = results.results.with(|r| {
            r.missing
                .iter()
                .cloned()
                .partition(|id| looks_like_koodrive_id(id))
        });
        let shaped = (!shaped.is_empty()).then(|| {
            let heading = format!("{} ({})", t.missing_heading, shaped.len());
            list(shaped, heading, "missing-heading", "missing")
        });
        let odd = (!odd.is_empty()).then(|| {
            let heading = t.missing_unlike_heading(odd.len());
            list(odd, heading, "missing-unlike-heading", "missing-unlike")
        });
        view! { {shaped} {odd} }
    }
}

/// Directory users KooDrive does not know (after a complete listing).
#[component]
pub fn DirectoryOnlyList(dir: DirectoryContext, t: &'static Texts) -> impl IntoView {
    let count = move || dir.only_in_directory.with(|only| only.len());
    let items = move || {
        let directory = dir.directory.get()?;
        let items = dir.only_in_directory.with(|only| {
            only.iter()
                .take(MAX_LISTED)
                .filter_map(|&e| directory.entry(e))
                .map(|e| {
                    [e.id, e.name, e.email]
                        .into_iter()
                        .filter(|s| !s.is_empty())
                        .collect::<Vec<_>>()
                        .join(" · ")
                })
                .collect::<Vec<_>>()
        });
        Some(
            items
                .into_iter()
                .map(|text| view! { <li>{text}</li> })
                .collect_view(),
        )
    };
    let more = move || {
        let more = count().saturating_sub(MAX_LISTED);
        (more > 0).then(|| format!("+ {more}"))
    };
    view! {
        <section class="panel unsettled directory-only" aria-labelledby="directory-only-heading"
            hidden=move || count() == 0>
            <h2 id="directory-only-heading">{move || t.directory_only(count())}</h2>
            <ul class="ids" tabindex="0" aria-labelledby="directory-only-heading">{items}</ul>
            <p class="help">{more}</p>
        </section>
    }
}

/// The failed requests.
#[component]
pub fn FailedList(results: ResultsContext, t: &'static Texts) -> impl IntoView {
    move || {
        let failed = results.results.with(|r| r.failed.clone());
        (!failed.is_empty()).then(|| {
            view! {
                <section class="panel unsettled failed" aria-labelledby="failed-heading">
                    <h2 id="failed-heading">{t.failed_heading}</h2>
                    <ul class="chunks">
                        {failed.into_iter().map(|chunk| {
                            let e = &chunk.error;
                            let reason = if e.kind == ErrorKind::Aborted {
                                t.cancelled_chunk.to_owned()
                            } else {
                                match e.status {
                                    Some(status) => format!("{} · HTTP {status}", e.kind),
                                    None => e.kind.to_string(),
                                }
                            };
                            let first = chunk.user_ids.first().cloned().unwrap_or_default();
                            let last = chunk.user_ids.last().cloned().unwrap_or_default();
                            view! {
                                <li>
                                    <span class="reason">{reason}</span>" · "
                                    <span>{t.chunk_ids(chunk.user_ids.len())}</span>" "
                                    <span class="mono">{first}" … "{last}</span>
                                    {e.trace_id.clone().map(|id| view! { " " <TraceId t trace_id=id /> })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            }
        })
    }
}
