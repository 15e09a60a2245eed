//! [`QueryContext`]: what to ask (the User IDs box, an imported CSV whose
//! id column must be chosen), the query or listing under way with its
//! cancel signal, and what the page must tell about it.

use koodrive_client::CancelSignal;
use leptos::prelude::*;

use crate::state::ids::CsvImport;
use crate::state::listing::Listing;
use crate::state::notice::{ListNote, Notice};
use crate::state::progress::Busy;

/// The running query's reactive state. Cheap to copy: every field is a handle.
#[derive(Clone, Copy)]
pub struct QueryContext {
    /// The User IDs text area.
    pub ids_text: RwSignal<String>,
    /// An imported CSV file whose id column must be chosen.
    pub csv: RwSignal<Option<CsvImport>>,
    /// The bulk query under way.
    pub busy: RwSignal<Option<Busy>>,
    /// What the page must tell.
    pub notice: RwSignal<Option<Notice>>,
    /// Notes about a listing whose pages did not add up.
    pub list_notes: RwSignal<Vec<ListNote>>,
    /// The latest List all users, under way or interrupted (what Resume
    /// goes on with).
    pub listing: RwSignal<Option<Listing>>,
    /// The running query's cancel signal.
    pub cancel: StoredValue<Option<CancelSignal>, LocalStorage>,
    /// Numbers the calls: a call that a newer one replaced leaves no trace.
    pub call_id: StoredValue<u64>,
    /// What the notice's Retry does when a part of the page loaded on first
    /// use could not be fetched: the action that needed it, again.
    pub retry: StoredValue<Option<Callback<()>>>,
}

impl QueryContext {
    /// Nothing asked yet.
    pub fn new() -> Self {
        Self {
            ids_text: RwSignal::new(String::new()),
            csv: RwSignal::new(None),
            busy: RwSignal::new(None),
            notice: RwSignal::new(None),
            list_notes: RwSignal::new(Vec::new()),
            listing: RwSignal::new(None),
            cancel: StoredValue::new_local(None),
            retry: StoredValue::new(None),
            call_id: StoredValue::new(0),
        }
    }
}

impl Default for QueryContext {
    fn default() -> Self {
        Self::new()
    }
}
