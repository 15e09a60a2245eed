//! The status region: `N users shown · M missing · K failed`, with
//! `(partial)` when the run ended before every user was settled and
//! `(from an earlier run)` when a newer run replaced these results; and the
//! button that switches between the latest run and the earlier one.

use leptos::prelude::*;

use crate::app::ResultsContext;
use crate::state::i18n::Texts;

/// The status line.
#[component]
pub fn StatusLine(results: ResultsContext, t: &'static Texts) -> impl IntoView {
    let text = move || {
        let shown = results.shown.with(|s| s.len());
        let (missing, failed, completeness, earlier) = results.results.with(|r| {
            (
                r.missing.len(),
                r.failed_count(),
                r.completeness,
                r.earlier_run,
            )
        });
        t.run_status(shown, missing, failed, completeness, earlier)
    };
    let other = move || {
        results.other_run.with(Option::is_some).then(|| {
            let label = if results.results.with(|r| r.earlier_run) {
                t.show_latest_run()
            } else {
                t.show_earlier_run()
            };
            view! {
                <button type="button" class="small other-run" on:click=move |_| results.swap_runs()>
                    {label}
                </button>
            }
        })
    };
    view! {
        <div class="status-line">
            <p class="status" role="status">{text}</p>
            {other}
        </div>
    }
}
