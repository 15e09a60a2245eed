//! [`AdminPage`]: the whole admin page.

use std::time::Duration;

use leptos::prelude::*;

use crate::browser::clock::{now_ms, time_zone_name};
use crate::browser::{page_origin, session};
use crate::components::*;
use crate::state::connection::Connection;
use crate::state::store::Store;

/// How often "now" moves on (relative expiry times, the expiry filter).
const CLOCK_TICK: Duration = Duration::from_secs(60);

/// Makes the page's store: the connection remembered in this tab, or the
/// sandbox defaults on this page's origin.
pub fn new_store() -> Store {
    let remembered = session::load();
    let remember = remembered.is_some();
    let connection = remembered.unwrap_or_else(|| Connection::sandbox_defaults(&page_origin()));
    let store = Store::new(connection, time_zone_name(), now_ms());
    store.remember.set(remember);
    store
}

/// The admin page.
#[component]
pub fn AdminPage() -> impl IntoView {
    let store = new_store();
    provide_context(store);
    // The document's language follows the page's.
    Effect::new(move |_| {
        let tag = store.lang().tag();
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", tag);
        }
        document().set_title(store.t().title);
    });
    crate::components::check_endpoint(store, true);
    restore_directory(store);
    let tick = set_interval_with_handle(move || store.now_ms.set(now_ms()), CLOCK_TICK);
    on_cleanup(move || {
        if let Ok(handle) = tick {
            handle.clear();
        }
    });
    // A change of language draws the page anew (keyed by the language, so it
    // is never patched in place): its words are then plain text, not one
    // reactive node each, which keeps the page small.
    view! {
        <For each=move || [store.lang()] key=|lang| *lang let:lang>
            {page(store, lang.texts())}
        </For>
    }
}

/// The page's layout in one language.
fn page(store: Store, t: &'static crate::state::i18n::Texts) -> impl IntoView {
    let _ = store;
    view! {
        <header class="page-header">
            <h1>{t.title}</h1>
            <p class="tagline">{t.tagline}</p>
            <EndpointBanner />
        </header>
        <div class="layout">
            <aside class="side">
                <ConnectionForm />
                <QueryForm />
                <DirectoryPanel />
                <DisplaySettings />
            </aside>
            <main class="main" id="main">
                <NoticeBox />
                <div class="overview">
                    <SummaryPanel />
                    <UsageHistogram />
                    <TopUsers />
                </div>
                <section class="panel results-panel" aria-labelledby="results-heading">
                    <h2 id="results-heading">{t.results}</h2>
                    <FiltersBar />
                    <StatusLine />
                    <ResultsTable />
                </section>
                <DepartmentsView />
                <FailedList />
                <MissingList />
                <DirectoryOnlyList />
            </main>
        </div>
    }
}
