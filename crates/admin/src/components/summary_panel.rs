//! The summary of what is shown: users, total quota and used, overall
//! usage, users per state, quotas expiring within 30 days, and missing ids.

use leptos::prelude::*;

use crate::app::ResultsContext;
use crate::state::i18n::Texts;
use crate::state::units::{format_bytes, format_ratio};

/// The summary panel.
#[component]
pub fn SummaryPanel(results: ResultsContext, t: &'static Texts) -> impl IntoView {
    // Added up with the histogram and the top users, in one pass.
    let summary = move || results.tallies.with(|t| t.summary);
    let item = move |label: String, value: String| {
        view! { <div class="stat"><dt>{label}</dt><dd>{value}</dd></div> }
    };
    view! {
        <section class="panel summary" aria-labelledby="summary-heading">
            <h2 id="summary-heading">{t.summary}</h2>
            {move || {
                let s = summary();
                let missing = results.results.with(|r| r.missing.len());
                view! {
                    <dl class="stats">
                        {item(t.sum_users.into(), s.users.to_string())}
                        {item(t.sum_total_quota.into(), format_bytes(s.total_quota_bytes))}
                        {item(t.sum_total_used.into(), format_bytes(s.total_used_bytes))}
                        {item(t.sum_overall.into(), format_ratio(s.overall_ratio()))}
                        {item(t.sum_expiring.into(), s.expiring_soon.to_string())}
                        {item(t.expired().into(), s.expired.to_string())}
                        {item(t.sum_missing.into(), missing.to_string())}
                    </dl>
                    <ul class="state-counts">
                        {s.per_state.iter().enumerate().map(|(i, n)| {
                            let class = format!("state state-{}", koodrive_core::UsageState::ALL[i].as_str());
                            view! { <li><span class=class>{t.state_names[i]}</span>" "{n.to_string()}</li> }
                        }).collect_view()}
                    </ul>
                }
            }}
        </section>
    }
}
