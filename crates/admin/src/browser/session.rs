//! This tab's session storage, used only when the administrator ticks
//! "Remember for this tab". Never `localStorage`.
//!
//! The connection is filed under its scope
//! ([`crate::state::keeping::scope_of`]): each value under
//! `{name}@{scope}`, and the scope itself under [`SCOPE_KEY`]. The page
//! compares it with the scope it finds on load ([`Remembered::scope`]), so
//! credentials remembered for one server are not sent to another that
//! took its place on the same origin.

use crate::state::connection::Connection;
use crate::state::keeping::{scope_of, scoped_key};

/// Where the scope of the remembered connection is kept.
pub const SCOPE_KEY: &str = "koodrive-admin.scope";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

/// A connection remembered in this tab, and the scope it was remembered for.
#[derive(Debug, Clone)]
pub struct Remembered {
    /// The connection (no gateway information: that is asked again).
    pub connection: Connection,
    /// The scope it was remembered under.
    pub scope: String,
}

/// The connection remembered in this tab, if any.
pub fn load() -> Option<Remembered> {
    let storage = storage()?;
    let scope = storage.get_item(SCOPE_KEY).ok().flatten()?;
    let connection =
        Connection::from_pairs(|key| storage.get_item(&scoped_key(key, &scope)).ok().flatten())?;
    Some(Remembered { connection, scope })
}

/// Remembers `connection` in this tab, under its scope (what was
/// remembered under another scope is forgotten).
pub fn save(connection: &Connection) {
    let Some(storage) = storage() else {
        return;
    };
    let scope = scope_of(connection);
    if storage.get_item(SCOPE_KEY).ok().flatten().as_deref() != Some(scope.as_str()) {
        forget();
    }
    let _ = storage.set_item(SCOPE_KEY, &scope);
    for (key, value) in connection.to_pairs() {
        let _ = storage.set_item(&scoped_key(key, &scope), &value);
    }
}

/// Forgets whatever was remembered (also in the unscoped keys of earlier
/// versions of the page).
pub fn forget() {
    let Some(storage) = storage() else {
        return;
    };
    let scope = storage.get_item(SCOPE_KEY).ok().flatten();
    for key in Connection::storage_keys() {
        let _ = storage.remove_item(key);
        if let Some(scope) = &scope {
            let _ = storage.remove_item(&scoped_key(key, scope));
        }
    }
    let _ = storage.remove_item(SCOPE_KEY);
}
