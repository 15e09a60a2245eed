//! The notice above the results: why the last call failed, in words an
//! administrator can act on, with the trace id to copy; a note when the
//! local clock is off; and any listing whose pages did not add up.

use leptos::prelude::*;

use crate::browser::files::copy_text;
use crate::state::messages::{clock_skew, describe};
use crate::state::store::{Notice, Store};

/// The trace id with a Copy button.
#[component]
pub fn TraceId(trace_id: String) -> impl IntoView {
    let store = Store::get();
    let copied = RwSignal::new(false);
    let to_copy = trace_id.clone();
    view! {
        <span class="trace">
            <span class="trace-label">{store.t().trace_id}": "</span>
            <code>{trace_id}</code>
            <button type="button" class="small" on:click=move |_| {
                copy_text(&to_copy);
                copied.set(true);
            }>
                {move || if copied.get() { store.t().copied } else { store.t().copy }}
            </button>
        </span>
    }
}

/// The notice box (empty when there is nothing to tell).
#[component]
pub fn NoticeBox() -> impl IntoView {
    let store = Store::get();
    let notice = move || {
        store.notice.get().map(|notice| {
            let (text, trace) = match notice {
                Notice::Failure { error, auth, endpoint } => (
                    describe(&error, auth, &endpoint, store.server_offset_ms.get(), store.lang()),
                    error.trace_id.clone(),
                ),
                Notice::Problem(text) => (text, None),
            };
            view! {
                <div class="notice error" role="alert">
                    <p>{text}</p>
                    {trace.map(|t| view! { <TraceId trace_id=t /> })}
                    <button type="button" class="small dismiss" on:click=move |_| store.notice.set(None)>
                        {store.t().dismiss}
                    </button>
                </div>
            }
        })
    };
    let skew = move || {
        clock_skew(store.server_offset_ms.get(), store.lang()).map(|s| {
            let text = if store.t().is_zh() {
                format!("注意：{s}；请求已按服务器时钟校正。")
            } else {
                format!("Note: {s}; requests are corrected for it.")
            };
            view! { <p class="notice info" role="note">{text}</p> }
        })
    };
    let notes = move || {
        let notes = store.list_notes.get();
        (!notes.is_empty()).then(|| {
            view! {
                <div class="notice warning" role="note">
                    <ul>{notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
                </div>
            }
        })
    };
    view! { {notice} {skew} {notes} }
}
