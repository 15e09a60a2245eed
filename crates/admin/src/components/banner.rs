//! The banner under the title: "sandbox demo data" while the endpoint is the
//! sandbox (its health answer says so), "through the gateway to …" when the
//! page is served by a gateway, the in-browser demo's own banner,
//! or — when nothing answers — an offer of the in-browser demo (when the page
//! was built with it).

use leptos::prelude::*;

use crate::browser::health::Health;
use crate::state::store::Store;

/// The endpoint banner.
#[component]
pub fn EndpointBanner() -> impl IntoView {
    let store = Store::get();
    let t = store.t();
    move || {
        if store.demo.get() {
            return view! { <p class="banner demo" role="note">{t.demo_banner}</p> }.into_any();
        }
        if let Some(upstream) = store
            .connection
            .with(|c| c.gateway.as_ref().map(|g| g.upstream.clone()))
        {
            return view! { <p class="banner gateway" role="note">{t.gateway_banner(&upstream)}</p> }
                .into_any();
        }
        match store.health.get() {
            Some(Health::Sandbox) => {
                view! { <p class="banner sandbox" role="note">{t.sandbox_banner}</p> }.into_any()
            }
            Some(Health::Unreachable) => view! {
                <div class="banner unreachable" role="note">
                    <p>{t.no_server}</p>
                    {demo_button(store)}
                </div>
            }
            .into_any(),
            _ => ().into_any(),
        }
    }
}

#[cfg(feature = "demo")]
fn demo_button(store: Store) -> impl IntoView {
    view! {
        <button type="button" on:click=move |_| crate::demo::start(store)>
            {store.t().demo_button}
        </button>
    }
}

#[cfg(not(feature = "demo"))]
fn demo_button(_store: Store) -> impl IntoView {}
