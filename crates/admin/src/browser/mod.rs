//! The few browser calls the page makes, each behind a small function so the
//! components stay about the page: the clock and time zone ([`clock`]),
//! files in and out and the clipboard ([`files`]), this tab's session
//! storage ([`session`]), the sandbox's health check ([`health`]) and the
//! directory kept on this computer, if the administrator asks ([`keep`]),
//! and so is the usage history ([`history`]); the snapshots the gateway
//! serving the page keeps ([`server_history`]).
//! Nothing here writes to `localStorage`, the URL or the console.

pub mod clock;
pub mod files;
pub mod health;
pub mod history;
pub mod keep;
pub mod server_history;
pub mod session;

/// This page's origin (`http://127.0.0.1:8080`); empty when it has none
/// (opened from a file).
pub fn page_origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .filter(|o| o.starts_with("http"))
        .unwrap_or_default()
}
