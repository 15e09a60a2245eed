//! [`ConnectionContext`]: where the page sends its requests and as whom (the
//! connection form), "remember for this tab", what the endpoint said about
//! itself, whether the in-browser demo answers, and the server's clock.

use leptos::prelude::*;

use crate::browser::health::Health;
use crate::state::connection::Connection;
use crate::state::i18n::{Lang, Texts};

/// The connection's reactive state. Cheap to copy: every field is a handle.
#[derive(Clone, Copy)]
pub struct ConnectionContext {
    /// The connection form.
    pub connection: RwSignal<Connection>,
    /// "Remember for this tab".
    pub remember: RwSignal<bool>,
    /// What the endpoint said about itself.
    pub health: RwSignal<Option<Health>>,
    /// Whether the in-browser demo answers instead of a server.
    pub demo: RwSignal<bool>,
    /// The server's clock minus ours, as the last client learned it.
    pub server_offset_ms: RwSignal<i64>,
}

impl ConnectionContext {
    /// The state of a page whose form starts as `connection`.
    pub fn new(connection: Connection) -> Self {
        Self {
            connection: RwSignal::new(connection),
            remember: RwSignal::new(false),
            health: RwSignal::new(None),
            demo: RwSignal::new(false),
            server_offset_ms: RwSignal::new(0),
        }
    }

    /// The current language (tracked: a reactive closure that reads it runs
    /// again when it changes).
    pub fn lang(&self) -> Lang {
        self.connection.with(|c| c.lang)
    }

    /// The language as a signal of its own, for state that depends on it.
    pub fn lang_signal(&self) -> Signal<Lang> {
        let connection = self.connection;
        Signal::derive(move || connection.with(|c| c.lang))
    }

    /// The words of the current language, read without tracking: the page is
    /// drawn anew when the language changes (see `views::AdminPage`).
    pub fn t(&self) -> &'static Texts {
        self.connection.with_untracked(|c| c.lang).texts()
    }
}
