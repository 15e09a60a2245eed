//! The banner under the title: "sandbox demo data" while the endpoint is the
//! sandbox (its health answer says so), "through the gateway to …" when the
//! page is served by a gateway, the in-browser demo's own banner,
//! or — when nothing answers — an offer of the in-browser demo (when the page
//! was built with it).

use leptos::prelude::*;

use crate::app::ConnectionContext;
use crate::browser::health::Health;
use crate::state::i18n::Texts;
use crate::state::notice::Notice;

/// The endpoint banner.
#[component]
pub fn EndpointBanner(
    conn: ConnectionContext,
    notice: RwSignal<Option<Notice>>,
    t: &'static Texts,
) -> impl IntoView {
    move || {
        if conn.demo.get() {
            return view! { <p class="banner demo" role="note">{t.demo_banner}</p> }.into_any();
        }
        if let Some(upstream) = conn
            .connection
            .with(|c| c.gateway.as_ref().map(|g| g.upstream.clone()))
        {
            return view! { <p class="banner gateway" role="note">{t.gateway_banner(&upstream)}</p> }
                .into_any();
        }
        match conn.health.get() {
            Some(Health::Sandbox) => {
                view! { <p class="banner sandbox" role="note">{t.sandbox_banner}</p> }.into_any()
            }
            Some(Health::Unreachable) => view! {
                <div class="banner unreachable" role="note">
                    <p>{t.no_server}</p>
                    {demo_button(conn, notice, t)}
                </div>
            }
            .into_any(),
            _ => ().into_any(),
        }
    }
}

#[cfg(feature = "demo")]
fn demo_button(
    conn: ConnectionContext,
    notice: RwSignal<Option<Notice>>,
    t: &'static Texts,
) -> impl IntoView {
    let told = crate::parts::Told::new(notice);
    view! {
        <button type="button" on:click=move |_| crate::demo::start(conn, told)>
            {t.demo_button}
        </button>
    }
}

#[cfg(not(feature = "demo"))]
fn demo_button(
    _conn: ConnectionContext,
    _notice: RwSignal<Option<Notice>>,
    _t: &'static Texts,
) -> impl IntoView {
}
