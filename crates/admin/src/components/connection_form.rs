//! The connection form: endpoint, acting user, token or app signature,
//! language, and "remember for this tab". Each field says where its value
//! comes from. Credentials stay in memory unless "remember" is ticked.
//! Behind a `koodrive-gateway` the form asks only for what the gateway
//! needs: nothing when it signs, an access token when it does not, and its
//! own token when it requires one.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::app::ConnectionContext;
use crate::browser::health::Health;
use crate::browser::{health, page_origin, session};
use crate::state::connection::{AuthMode, Connection};
use crate::state::i18n::Lang;
use crate::state::i18n::Texts;

/// Asks the endpoint whether it is the sandbox, for the banner; when it is
/// not, asks the page's own origin whether it is a gateway (on load, or when
/// the endpoint is that origin), which then becomes the endpoint.
pub fn check_endpoint(conn: ConnectionContext, on_load: bool) {
    let endpoint = conn.connection.with_untracked(|c| c.endpoint.clone());
    conn.health.set(None);
    leptos::task::spawn_local(async move {
        let found = health::check(&endpoint).await;
        // Only if the endpoint was not changed meanwhile.
        if conn.connection.with_untracked(|c| c.endpoint != endpoint) {
            return;
        }
        let origin = page_origin();
        let at_origin = endpoint.trim().trim_end_matches('/') == origin;
        if found != Health::Sandbox && !origin.is_empty() && (on_load || at_origin) {
            if let Some(info) = health::gateway(&origin).await {
                conn.connection.update(|c| c.behind_gateway(info, &origin));
                if conn.remember.get_untracked() {
                    session::save(&conn.connection.get_untracked());
                }
                conn.health.set(Some(Health::Service));
                return;
            }
        }
        if conn.connection.with_untracked(|c| c.gateway.is_some()) {
            conn.connection.update(|c| c.gateway = None);
        }
        conn.health.set(Some(found));
    });
}

/// Applies a change to the connection, and to session storage when remembered.
fn edit(conn: ConnectionContext, f: impl FnOnce(&mut Connection)) {
    conn.connection.update(f);
    if conn.remember.get_untracked() {
        session::save(&conn.connection.get_untracked());
    }
}

/// The connection form.
#[component]
pub fn ConnectionForm(conn: ConnectionContext, t: &'static Texts) -> impl IntoView {
    let mode = move || conn.connection.with(|c| c.mode);
    let behind_gateway = move || conn.connection.with(|c| c.gateway.is_some());
    let gateway_signs = move || conn.connection.with(|c| c.gateway_signs());
    let needs_gateway_token = move || {
        conn.connection
            .with(|c| c.gateway.as_ref().is_some_and(|g| g.needs_token))
    };
    let text_field = move |id: &'static str,
                           label: fn(&'static crate::state::i18n::Texts) -> &'static str,
                           help: Option<fn(&'static crate::state::i18n::Texts) -> &'static str>,
                           kind: &'static str,
                           get: fn(&Connection) -> String,
                           set: fn(&mut Connection, String)| {
        let help_id = format!("{id}-help");
        view! {
            <div class="field">
                <label for=id>{label(t)}</label>
                <input
                    id=id
                    type=kind
                    autocomplete="off"
                    spellcheck="false"
                    aria-describedby=help.map(|_| help_id.clone())
                    prop:value=move || conn.connection.with(get)
                    on:input=move |ev| {
                        let value = event_target_value(&ev);
                        edit(conn, |c| set(c, value));
                    }
                    on:change=move |_| {
                        if id == "endpoint" {
                            check_endpoint(conn, false);
                        }
                    }
                />
                {help.map(|h| view! { <p class="help" id=help_id.clone()>{h(t)}</p> })}
            </div>
        }
    };
    view! {
        <section class="panel connection" aria-labelledby="connection-heading">
            <h2 id="connection-heading">{t.connection}</h2>
            {text_field("endpoint", |t| t.endpoint, Some(|t| t.endpoint_help), "url",
                |c| c.endpoint.clone(), |c, v| c.endpoint = v)}
            {text_field("acting-user", |t| t.acting_user, Some(|t| t.acting_user_help), "text",
                |c| c.acting_user_id.clone(), |c, v| c.acting_user_id = v)}
            <Show when=gateway_signs>
                <p class="help gateway-signs">{t.gateway_signs}</p>
            </Show>
            <Show when=needs_gateway_token>
                {text_field("gateway-token", |t| t.gateway_token, Some(|t| t.gateway_token_help), "password",
                    |c| c.gateway_token.clone(), |c, v| c.gateway_token = v)}
            </Show>
            <Show when=move || !behind_gateway()>
            <fieldset class="field">
                <legend>{t.auth_mode}</legend>
                <div class="radios">
                    <label>
                        <input type="radio" name="auth-mode" value="token"
                            prop:checked=move || mode() == AuthMode::Token
                            on:change=move |_| edit(conn, |c| c.mode = AuthMode::Token) />
                        {t.token_mode}
                    </label>
                    <label>
                        <input type="radio" name="auth-mode" value="app"
                            prop:checked=move || mode() == AuthMode::App
                            on:change=move |_| edit(conn, |c| c.mode = AuthMode::App) />
                        {t.app_mode}
                    </label>
                </div>
            </fieldset>
            </Show>
            <Show when=move || mode() == AuthMode::Token && !gateway_signs()>
                {text_field("access-token", |t| t.access_token, Some(|t| t.access_token_help), "password",
                    |c| c.token.clone(), |c, v| c.token = v)}
            </Show>
            <Show when=move || mode() == AuthMode::App && !behind_gateway()>
                {text_field("app-id", |t| t.app_id, None, "text",
                    |c| c.app_id.clone(), |c, v| c.app_id = v)}
                {text_field("app-secret", |t| t.app_secret, Some(|t| t.app_secret_help), "password",
                    |c| c.app_secret.clone(), |c, v| c.app_secret = v)}
            </Show>
            <div class="field">
                <label for="language">{t.language}</label>
                <select id="language" on:change=move |ev| {
                    if let Some(lang) = Lang::from_tag(&event_target_value(&ev)) {
                        edit(conn, |c| c.lang = lang);
                        // The page is drawn again in the new language: keep the focus here.
                        request_animation_frame(|| {
                            if let Some(select) = document()
                                .get_element_by_id("language")
                                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                            {
                                let _ = select.focus();
                            }
                        });
                    }
                }>
                    {Lang::ALL.into_iter().map(|lang| view! {
                        <option value=lang.tag() prop:selected=move || t.lang == lang>{lang.tag()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field checkbox">
                <label>
                    <input type="checkbox" aria-describedby="remember-help"
                        prop:checked=move || conn.remember.get()
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            conn.remember.set(on);
                            if on {
                                session::save(&conn.connection.get_untracked());
                            } else {
                                session::forget();
                            }
                        } />
                    {t.remember}
                </label>
                <p class="help" id="remember-help">{t.remember_help}</p>
            </div>
        </section>
    }
}
