//! [`AdminPage`]: the whole admin page.

use std::time::Duration;

use leptos::prelude::*;

use crate::app::App;
use crate::browser::clock::{now_ms, time_zone_name};
use crate::browser::{page_origin, session};
use crate::components::*;
use crate::state::connection::Connection;
use crate::state::i18n::Texts;

/// How often "now" moves on (relative expiry times, the expiry filter).
const CLOCK_TICK: Duration = Duration::from_secs(60);

/// Makes the page's state: the connection remembered in this tab, or the
/// sandbox defaults on this page's origin.
pub fn new_app() -> App {
    let remembered = session::load();
    let remember = remembered.is_some();
    let connection = remembered.unwrap_or_else(|| Connection::sandbox_defaults(&page_origin()));
    let app = App::new(connection, time_zone_name(), now_ms());
    app.connection.remember.set(remember);
    app
}

/// The admin page.
#[component]
pub fn AdminPage() -> impl IntoView {
    let app = new_app();
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
    restore_directory(app.directory, app.query.notice);
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
    } = app;
    let notice = query.notice;
    view! {
        <header class="page-header">
            <h1>{t.title}</h1>
            <p class="tagline">{t.tagline}</p>
            <EndpointBanner conn notice t />
        </header>
        <div class="layout">
            <aside class="side">
                <ConnectionForm conn t />
                <QueryForm app t />
                <DirectoryPanel dir results notice t />
                <DisplaySettings results t />
            </aside>
            <main class="main" id="main">
                <NoticeBox query conn t />
                <div class="overview">
                    <SummaryPanel results t />
                    <UsageHistogram results t />
                    <TopUsers results t />
                </div>
                <section class="panel results-panel" aria-labelledby="results-heading">
                    <h2 id="results-heading">{t.results}</h2>
                    <FiltersBar results dir notice t />
                    <StatusLine results t />
                    <ResultsTable results dir t />
                </section>
                <DepartmentsView results dir notice t />
                <FailedList results t />
                <MissingList results dir t />
                <DirectoryOnlyList dir t />
            </main>
        </div>
    }
}
