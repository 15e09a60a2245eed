//! The status region: `N users shown · M missing · K failed`.

use leptos::prelude::*;

use crate::app::ResultsContext;
use crate::state::i18n::Texts;

/// The status line.
#[component]
pub fn StatusLine(results: ResultsContext, t: &'static Texts) -> impl IntoView {
    let text = move || {
        let shown = results.shown.with(Vec::len);
        let (missing, failed) = results
            .results
            .with(|r| (r.missing.len(), r.failed_count()));
        t.status(shown, missing, failed)
    };
    view! { <p class="status" role="status">{text}</p> }
}
