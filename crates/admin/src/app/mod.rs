//! The browser side of the page's state: one reactive context per concern,
//! and the actions that start work.
//!
//! - [`connection`]: where requests go and as whom, what the endpoint said
//!   about itself, the server's clock ([`ConnectionContext`]);
//! - [`query`]: the User IDs box, the query or listing under way, its
//!   cancel signal and what the page must tell ([`QueryContext`]);
//! - [`results`]: what the queries settled and how it is shown: filters,
//!   order, unit, thresholds, and the memos the table reads
//!   ([`ResultsContext`]);
//! - [`directory`]: the company directory and its join to the rows
//!   ([`DirectoryContext`]);
//! - [`history`]: usage over time, its snapshots and trends
//!   ([`HistoryContext`]);
//! - [`actions`]: Query, List all users, Retry failed, Cancel.
//!
//! Each context is a bundle of signal handles, cheap to copy. The page
//! makes them ([`App::new`]), provides each as a context, and hands every
//! component the handles it needs as props. What the values mean and how
//! they are computed is pure code in `crate::state`.

pub mod actions;
pub mod connection;
pub mod directory;
pub mod history;
pub mod query;
pub mod results;

pub use connection::ConnectionContext;
pub use directory::DirectoryContext;
pub use history::HistoryContext;
pub use query::QueryContext;
pub use results::{RenderKey, ResultsContext};

use leptos::prelude::*;

use crate::state::connection::Connection;

/// The five contexts of the page together: what an action needs, since it
/// reads the connection, runs a query, fills the results and resolves
/// entries with the directory. Components take the single contexts instead.
#[derive(Clone, Copy)]
pub struct App {
    /// Where requests go and as whom.
    pub connection: ConnectionContext,
    /// The query under way and what the page must tell.
    pub query: QueryContext,
    /// What the queries settled and how it is shown.
    pub results: ResultsContext,
    /// The company directory.
    pub directory: DirectoryContext,
    /// Usage over time.
    pub history: HistoryContext,
}

impl App {
    /// The page's state, with `connection` prefilled, exact times shown in
    /// the time zone `zone_name`, and "now" at `now_ms`.
    pub fn new(connection: Connection, zone_name: String, now_ms: i64) -> Self {
        let connection = ConnectionContext::new(connection);
        let results_signal = RwSignal::new(crate::state::results::Results::default());
        let directory = DirectoryContext::new(results_signal);
        let lang = connection.lang_signal();
        let history = HistoryContext::new(
            results_signal,
            connection.server_offset_ms,
            connection.connection,
        );
        let results =
            ResultsContext::new(results_signal, directory, history, lang, zone_name, now_ms);
        Self {
            connection,
            query: QueryContext::new(),
            results,
            directory,
            history,
        }
    }

    /// Provides each context to the components below.
    pub fn provide(self) {
        provide_context(self);
        provide_context(self.connection);
        provide_context(self.query);
        provide_context(self.results);
        provide_context(self.directory);
        provide_context(self.history);
    }
}
