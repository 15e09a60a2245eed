//! The notice above the results: why the last call failed, in words an
//! administrator can act on, with the trace id to copy; a note when the
//! local clock is off; and any listing whose pages did not add up. A new
//! notice is announced (`role="alert"`) and takes the keyboard focus, which
//! scrolls it into view: the button pressed may be far below it.

use leptos::prelude::*;

use crate::app::{ConnectionContext, QueryContext};
use crate::browser::files::copy_text;
use crate::state::i18n::Texts;
use crate::state::messages::{clock_skew, describe};
use crate::state::notice::{Notice, Problem};

/// The trace id with a Copy button.
#[component]
pub fn TraceId(t: &'static Texts, trace_id: String) -> impl IntoView {
    let copied = RwSignal::new(false);
    let to_copy = trace_id.clone();
    view! {
        <span class="trace">
            <span class="trace-label">{t.trace_id}": "</span>
            <code>{trace_id}</code>
            <button type="button" class="small" on:click=move |_| {
                copy_text(&to_copy);
                copied.set(true);
            }>
                {move || if copied.get() { t.copied } else { t.copy }}
            </button>
        </span>
    }
}

/// The notice box (empty when there is nothing to tell).
#[component]
pub fn NoticeBox(query: QueryContext, conn: ConnectionContext, t: &'static Texts) -> impl IntoView {
    // A new notice takes the focus once drawn (not one already there when
    // the page is drawn again in another language).
    Effect::new(move |drawn: Option<()>| {
        if query.notice.with(Option::is_some) && drawn.is_some() {
            super::focus_later("notice");
        }
    });
    let notice = move || {
        query.notice.get().map(|notice| {
            let retry = matches!(notice, Notice::Problem(Problem::PartNotLoaded(_)))
                .then(|| query.retry.get_value())
                .flatten();
            let (text, trace) = match notice {
                Notice::Failure { error, auth, endpoint } => (
                    describe(&error, auth, &endpoint, conn.server_offset_ms.get(), t.lang),
                    error.trace_id.clone(),
                ),
                Notice::Problem(problem) => (t.problem(&problem), None),
            };
            view! {
                <div class="notice error" role="alert" id="notice" tabindex="-1">
                    <p>{text}</p>
                    {trace.map(|id| view! { <TraceId t trace_id=id /> })}
                    {retry.map(|again| view! {
                        <button type="button" class="small" on:click=move |_| {
                            query.notice.set(None);
                            again.run(());
                        }>{t.retry()}</button>
                    })}
                    <button type="button" class="small dismiss" on:click=move |_| query.notice.set(None)>
                        {t.dismiss}
                    </button>
                </div>
            }
        })
    };
    let skew = move || {
        clock_skew(conn.server_offset_ms.get(), t.lang).map(|s| {
            let text = if t.is_zh() {
                format!("注意：{s}；请求已按服务器时钟校正。")
            } else {
                format!("Note: {s}; requests are corrected for it.")
            };
            view! { <p class="notice info" role="note">{text}</p> }
        })
    };
    let notes = move || {
        let notes = query.list_notes.get();
        (!notes.is_empty()).then(|| {
            view! {
                <div class="notice warning" role="note">
                    <ul>{notes.into_iter().map(|n| view! { <li>{t.list_note(&n)}</li> }).collect_view()}</ul>
                </div>
            }
        })
    };
    view! { {notice} {skew} {notes} }
}
