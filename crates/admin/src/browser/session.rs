//! This tab's session storage, used only when the administrator ticks
//! "Remember for this tab". Never `localStorage`.

use crate::state::connection::Connection;

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

/// The connection remembered in this tab, if any.
pub fn load() -> Option<Connection> {
    let storage = storage()?;
    Connection::from_pairs(|key| storage.get_item(key).ok().flatten())
}

/// Remembers `connection` in this tab.
pub fn save(connection: &Connection) {
    if let Some(storage) = storage() {
        for (key, value) in connection.to_pairs() {
            let _ = storage.set_item(key, &value);
        }
    }
}

/// Forgets whatever was remembered.
pub fn forget() {
    if let Some(storage) = storage() {
        for key in Connection::storage_keys() {
            let _ = storage.remove_item(key);
        }
    }
}
