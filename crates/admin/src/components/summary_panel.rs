//! The summary of what is shown: users, total quota and used, overall
//! usage, users per state, quotas expiring within 30 days, and missing ids.

use leptos::prelude::*;

use crate::state::store::Store;
use crate::state::summary::summarize;
use crate::state::units::{format_bytes, format_ratio};

/// The summary panel.
#[component]
pub fn SummaryPanel() -> impl IntoView {
    let store = Store::get();
    let t = store.t();
    let summary = Memo::new(move |_| {
        let unit = store.unit.get();
        let now = store.now_ms.get();
        store.results.with(|r| {
            store.states.with(|st| {
                store
                    .shown
                    .with(|shown| summarize(&r.rows, st, shown, unit, now))
            })
        })
    });
    let item = move |label: String, value: String| {
        view! { <div class="stat"><dt>{label}</dt><dd>{value}</dd></div> }
    };
    view! {
        <section class="panel summary" aria-labelledby="summary-heading">
            <h2 id="summary-heading">{t.summary}</h2>
            {move || {
                let s = summary.get();
                let t = t;
                let missing = store.results.with(|r| r.missing.len());
                view! {
                    <dl class="stats">
                        {item(t.sum_users.into(), s.users.to_string())}
                        {item(t.sum_total_quota.into(), format_bytes(s.total_quota_bytes))}
                        {item(t.sum_total_used.into(), format_bytes(s.total_used_bytes))}
                        {item(t.sum_overall.into(), format_ratio(s.overall_ratio()))}
                        {item(t.sum_expiring.into(), s.expiring_soon.to_string())}
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
