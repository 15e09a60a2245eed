//! [`AdminPage`]: the whole admin page.

use std::time::Duration;

use leptos::prelude::*;

use crate::app::App;
use crate::browser::clock::{now_ms, time_zone_name};
use crate::browser::health::Health;
use crate::browser::{page_origin, session};
use crate::components::*;
use crate::state::connection::Connection;
use crate::state::i18n::Texts;
use crate::state::keeping::scope_of;

/// How often "now" moves on (relative expiry times, the expiry filter).
const CLOCK_TICK: Duration = Duration::from_secs(60);

/// Makes the page's state: the connection remembered in this tab, or the
/// sandbox defaults on this page's origin; and the scope the remembered
/// connection was kept under.
pub fn new_app() -> (App, Option<String>) {
    let remembered = session::load();
    let remember = remembered.is_some();
    let (connection, scope) = match remembered {
        Some(r) => (r.connection, Some(r.scope)),
        None => (Connection::sandbox_defaults(&page_origin()), None),
    };
    let app = App::new(connection, time_zone_name(), now_ms());
    app.connection.remember.set(remember);
    (app, scope)
}

/// Keeps the directory's storage scope on the connection in use; and once
/// the page knows whom it talks to (the endpoint check of the first load
/// has settled): a connection remembered for another scope (another server
/// now on this origin) is forgotten and replaced by the defaults, and the
/// directory kept for this scope comes back.
fn keep_by_endpoint(app: &App, remembered_scope: Option<String>) {
    let conn = app.connection;
    let dir = app.directory;
    let notice = app.query.notice;
    Effect::new(move |_| dir.scope.set(conn.connection.with(scope_of)));
    let done = StoredValue::new(false);
    Effect::new(move |_| {
        if conn.health.get().is_none() || done.get_value() {
            return;
        }
        done.set_value(true);
        let scope = conn.connection.with_untracked(scope_of);
        if remembered_scope.as_ref().is_some_and(|r| *r != scope) {
            session::forget();
            conn.remember.set(false);
            let origin = page_origin();
            let gateway = conn.connection.with_untracked(|c| c.gateway.clone());
            let mut defaults = Connection::sandbox_defaults(&origin);
            if let Some(info) = gateway {
                defaults.behind_gateway(info, &origin);
            }
            conn.connection.set(defaults);
        }
        dir.scope.set(conn.connection.with_untracked(scope_of));
        restore_directory(dir, notice);
    });
}

/// The admin page.
#[component]
pub fn AdminPage() -> impl IntoView {
    let (app, remembered_scope) = new_app();
    app.provide();
    let conn = app.connection;
    // The document's language follows the page's.
    Effect::new(move |_| {
        let tag = conn.lang().tag();
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", tag);
        }
        document().set_title(conn.t().title);
    });
    check_endpoint(conn, true);
    keep_by_endpoint(&app, remembered_scope);
    crate::app::history::wire(&app);
    let now = app.results.now_ms;
    let tick = set_interval_with_handle(move || now.set(now_ms()), CLOCK_TICK);
    on_cleanup(move || {
        if let Ok(handle) = tick {
            handle.clear();
        }
    });
    // A change of language draws the page anew (keyed by the language, so it
    // is never patched in place): its words are then plain text, not one
    // reactive node each, which keeps the page small.
    view! {
        <For each=move || [conn.lang()] key=|lang| *lang let:lang>
            {page(app, lang.texts())}
        </For>
    }
}

/// The page's layout in one language: each part gets the handles it needs.
fn page(app: App, t: &'static Texts) -> impl IntoView {
    let App {
        connection: conn,
        query,
        results,
        directory: dir,
        history,
    } = app;
    let notice = query.notice;
    // Once the endpoint answered, the connection and display settings fold
    // into a compact strip (their help shows while a field has the focus),
    // so the query and the results are in view on first visit.
    let connected = move || {
        conn.demo.get() || matches!(conn.health.get(), Some(Health::Sandbox | Health::Service))
    };
    view! {
        <header class="page-header">
            <h1>{t.title}</h1>
            <p class="tagline">{t.tagline}</p>
            <EndpointBanner conn notice t />
            <div class="header-panels" class:compact=connected>
                <ConnectionForm conn t />
                <DisplaySettings results t />
            </div>
        </header>
        <main class="main" id="main">
            <div class="side">
                <QueryForm app t />
                <DirectoryPanel dir results notice t />
            </div>
            <div class="answers">
                <NoticeBox query conn t />
                <div class="overview">
                    <SummaryPanel results t />
                    {crate::parts::charts(results, notice, t)}
                </div>
            </div>
            <section class="panel results-panel wide" aria-labelledby="results-heading">
                <h2 id="results-heading">{t.results}</h2>
                <FiltersBar results dir notice t />
                <FullWithinFilter history t />
                <StatusLine results t />
                <ResultsTable results dir history t />
            </section>
            <div class="wide below">
                {crate::parts::departments_view(results, dir, notice, t)}
                <HistoryPanel history results t />
                <FailedList results t />
                <MissingList results dir t />
                {crate::parts::directory_only_list(dir, notice, t)}
            </div>
        </main>
    }
}
