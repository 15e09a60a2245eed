//! The status region: `N users shown · M missing · K failed`.

use leptos::prelude::*;

use crate::state::store::Store;

/// The status line.
#[component]
pub fn StatusLine() -> impl IntoView {
    let store = Store::get();
    let text = move || {
        let shown = store.shown.with(Vec::len);
        let (missing, failed) = store.results.with(|r| (r.missing.len(), r.failed_count()));
        store.t().status(shown, missing, failed)
    };
    view! { <p class="status" role="status">{text}</p> }
}
