//! The usage histogram: users per 10 % bucket, one for 100 % and over (the
//! users in state `exceeded`), and one for users with no quota, so that
//! every user shown is in one bar; drawn in SVG. Each bar is a button: clicking it (or Enter / Space on it)
//! shows only that bucket; again clears it.

use leptos::prelude::*;

use crate::app::ResultsContext;
use crate::state::filters::{BUCKETS, FULL, NO_QUOTA};
use crate::state::i18n::Texts;
use crate::state::numbers::trimmed;

/// The drawing's size in SVG units (the `viewBox` below says the same).
const WIDTH: f64 = 330.0;
const HEIGHT: f64 = 150.0;
const PLOT_TOP: f64 = 16.0;
const PLOT_BOTTOM: f64 = 128.0;
const SLOT: f64 = WIDTH / BUCKETS as f64;

fn toggle(results: ResultsContext, bucket: usize) {
    results.filters.update(|f| {
        f.bucket = if f.bucket == Some(bucket) {
            None
        } else {
            Some(bucket)
        }
    });
}

/// The histogram.
#[component]
pub fn UsageHistogram(results: ResultsContext, t: &'static Texts) -> impl IntoView {
    let bars = move || {
        let counts = results.tallies.with(|t| t.histogram);
        let max = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
        let picked = results.filters.with(|f| f.bucket);
        (0..BUCKETS)
            .map(|b| {
                let count = counts[b];
                let h = (PLOT_BOTTOM - PLOT_TOP) * count as f64 / max;
                let x = b as f64 * SLOT + 3.0;
                // SVG numbers as text, one decimal.
                let n = |v: f64| trimmed(v, 1);
                let class = match b {
                    NO_QUOTA => "bucket no-quota",
                    FULL => "bucket exceeded",
                    9 => "bucket nearing",
                    _ => "bucket",
                };
                let label = t.bucket_label(&t.bucket_name(b), count);
                let tick = match b {
                    NO_QUOTA => "0".to_owned(),
                    FULL => "≥100".to_owned(),
                    _ => format!("{}", b * 10),
                };
                view! {
                    <g class=class>
                        <g class="target" role="button" tabindex="0"
                            aria-label=label
                            aria-pressed=if picked == Some(b) { "true" } else { "false" }
                            on:click=move |_| toggle(results, b)
                            on:keydown=move |ev| {
                                if ev.key() == "Enter" || ev.key() == " " {
                                    ev.prevent_default();
                                    toggle(results, b);
                                }
                            }>
                            <rect class="hit" x=n(x) y=n(PLOT_TOP) width=n(SLOT - 6.0) height=n(PLOT_BOTTOM - PLOT_TOP)></rect>
                            <rect class="bar" x=n(x) y=n(PLOT_BOTTOM - h) width=n(SLOT - 6.0) height=n(h.max(0.5))></rect>
                        </g>
                        <text class="count" x=n(x + (SLOT - 6.0) / 2.0) y=n((PLOT_BOTTOM - h - 3.0).max(10.0))
                            text-anchor="middle" aria-hidden="true">{count.to_string()}</text>
                        <text class="tick" x=n(x + (SLOT - 6.0) / 2.0) y=n(HEIGHT - 8.0)
                            text-anchor="middle" aria-hidden="true">{tick}</text>
                    </g>
                }
            })
            .collect_view()
    };
    view! {
        <figure class="panel histogram">
            <figcaption id="histogram-caption">
                <h2>{t.histogram}</h2>
                <p class="help">{t.histogram_help}</p>
            </figcaption>
            <svg viewBox="0 0 330 150" role="group" aria-labelledby="histogram-caption">
                <line class="axis" x1="0" x2="330" y1="128" y2="128" aria-hidden="true"></line>
                {bars}
            </svg>
        </figure>
    }
}
