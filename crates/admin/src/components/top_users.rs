//! The ten shown users with the most space used (equal ones in the order
//! received, whatever the table's order).

use leptos::prelude::*;

use crate::app::ResultsContext;
use crate::state::i18n::Texts;
use crate::state::units::{format_amount, format_ratio};

/// The top-10 list.
#[component]
pub fn TopUsers(results: ResultsContext, t: &'static Texts) -> impl IntoView {
    view! {
        <section class="panel top" aria-labelledby="top-heading">
            <h2 id="top-heading">{t.top_used}</h2>
            <Show when=move || results.tallies.with(|t| t.top.is_empty())>
                <p class="empty">"—"</p>
            </Show>
            <ol>
                {move || {
                    let unit = results.unit.get();
                    results.results.with(|r| {
                        results.tallies.with(|t| t.top.clone())
                            .into_iter()
                            .map(|i| {
                                let row = r.rows.at(i);
                                let used = format_amount(row.used().unwrap_or(0.0), unit);
                                let ratio = format_ratio(row.ratio());
                                view! {
                                    <li>
                                        <span class="mono id">{row.user_id().to_owned()}</span>
                                        <span class="num">{used}" · "{ratio}</span>
                                    </li>
                                }
                            })
                            .collect_view()
                    })
                }}
            </ol>
        </section>
    }
}
