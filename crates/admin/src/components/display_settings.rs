//! How the results read: the unit the wire numbers count, the thresholds of
//! `nearing` and `critical`, and local time or UTC for exact times.

use koodrive_core::Thresholds;
use leptos::prelude::*;

use crate::app::ResultsContext;
use crate::state::i18n::Texts;
use crate::state::numbers::{parse_number, trimmed};
use crate::state::times::TimeZoneView;
use crate::state::units::WireUnit;

/// A threshold input in percent; an invalid pair is refused with a note.
#[component]
fn ThresholdInput(
    results: ResultsContext,
    t: &'static Texts,
    id: &'static str,
    critical: bool,
) -> impl IntoView {
    let label = move || {
        if critical {
            t.critical_at
        } else {
            t.nearing_at
        }
    };
    let current = move || {
        let t = results.thresholds.get();
        let at = if critical {
            t.critical_at()
        } else {
            t.nearing_at()
        };
        trimmed(at * 100.0, 1)
    };
    let invalid = RwSignal::new(false);
    view! {
        <div class="field small-field">
            <label for=id>{label}</label>
            <input id=id type="number" min="1" max="100" step="0.1" inputmode="decimal"
                aria-invalid=move || invalid.get().then_some("true")
                prop:value=current
                on:change=move |ev| {
                    let typed = parse_number(&event_target_value(&ev)).map(|p| p / 100.0);
                    let old = results.thresholds.get_untracked();
                    let next = typed.and_then(|x| {
                        if critical {
                            Thresholds::new(old.nearing_at(), x).ok()
                        } else {
                            Thresholds::new(x, old.critical_at()).ok()
                        }
                    });
                    invalid.set(next.is_none());
                    if let Some(next) = next {
                        results.thresholds.set(next);
                    }
                } />
        </div>
    }
}

/// The display settings.
#[component]
pub fn DisplaySettings(results: ResultsContext, t: &'static Texts) -> impl IntoView {
    let zone_name = results.zone.with_untracked(|z| match z {
        TimeZoneView::Local { name } => name.clone(),
        TimeZoneView::Utc => String::new(),
    });
    view! {
        <section class="panel settings" aria-labelledby="settings-heading">
            <h2 id="settings-heading">{t.settings}</h2>
            <div class="field small-field">
                <label for="unit">{t.unit}</label>
                <select id="unit" aria-describedby="unit-help" on:change=move |ev| {
                    if let Some(unit) = WireUnit::from_symbol(&event_target_value(&ev)) {
                        results.unit.set(unit);
                    }
                }>
                    {WireUnit::ALL.into_iter().map(|unit| view! {
                        <option value=unit.symbol() prop:selected=move || results.unit.get() == unit>
                            {unit.symbol()}
                        </option>
                    }).collect_view()}
                </select>
                <p class="help" id="unit-help">{t.unit_help}</p>
            </div>
            <ThresholdInput results t id="nearing-at" critical=false />
            <ThresholdInput results t id="critical-at" critical=true />
            <div class="field small-field">
                <label for="time-zone">{t.times}</label>
                <select id="time-zone" on:change=move |ev| {
                    let zone = if event_target_value(&ev) == "utc" {
                        TimeZoneView::Utc
                    } else {
                        TimeZoneView::Local { name: zone_name.clone() }
                    };
                    results.zone.set(zone);
                }>
                    <option value="local" prop:selected=move || results.zone.with(|z| *z != TimeZoneView::Utc)>
                        {t.local_time}
                    </option>
                    <option value="utc" prop:selected=move || results.zone.with(|z| *z == TimeZoneView::Utc)>
                        {t.utc_time}
                    </option>
                </select>
            </div>
        </section>
    }
}
