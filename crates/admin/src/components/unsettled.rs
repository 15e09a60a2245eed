//! The ids that found no row: missing (the server does not know them) and
//! failed (their request failed after its retries, or was cancelled), each
//! failed request with its reason and trace id.

use koodrive_core::ErrorKind;
use leptos::prelude::*;

use super::notice::TraceId;
use crate::app::{DirectoryContext, ResultsContext};
use crate::state::i18n::Texts;

/// Ids listed at most (the rest are counted).
const MAX_LISTED: usize = 500;

/// The missing ids.
#[component]
pub fn MissingList(
    results: ResultsContext,
    dir: DirectoryContext,
    t: &'static Texts,
) -> impl IntoView {
    move || {
        let missing = results.results.with(|r| r.missing.clone());
        let directory = dir.directory.get();
        (!missing.is_empty()).then(|| {
            let more = missing.len().saturating_sub(MAX_LISTED);
            view! {
                <section class="panel unsettled missing" aria-labelledby="missing-heading">
                    <h2 id="missing-heading">{t.missing_heading}" ("{missing.len().to_string()}")"</h2>
                    <ul class="ids" tabindex="0" aria-labelledby="missing-heading">
                        {missing.into_iter().take(MAX_LISTED).map(|id| {
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
        })
    }
}

/// Directory users KooDrive does not know (after a complete listing).
#[component]
pub fn DirectoryOnlyList(dir: DirectoryContext, t: &'static Texts) -> impl IntoView {
    let count = move || dir.only_in_directory.with(Vec::len);
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
