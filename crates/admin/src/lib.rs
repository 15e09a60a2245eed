//! # koodrive-admin
//!
//! The KooDrive space-usage admin page: a Leptos single-page app (client-side
//! rendering) for storage administrators. It queries
//! `POST /koodrive/ose/v1/space/usage/user` through `koodrive-client`, and
//! sorts, filters, charts and exports the answer for up to 100,000 users.
//!
//! - [`state`]: the page's data and pure logic (ids, rows, the directory,
//!   filters, sorting, summary, units, times, words, exports): no task, no
//!   browser API, tested natively.
//! - `app`: the browser side of the state: one reactive context per concern
//!   (connection, the running query, the results view, the directory) and
//!   the actions that start work.
//! - `browser`: the few browser calls the page needs (downloads, clipboard,
//!   session storage, the time zone, the sandbox's health check).
//! - `components`: the parts of the page, each given the handles it needs
//!   as props; `views`: the page that puts them together. [`mount`] starts it.
//!
//! Only [`state`] exists outside wasm32: the page itself runs in a browser.

#![warn(missing_docs)]

pub mod state;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod browser;
#[cfg(target_arch = "wasm32")]
pub mod components;
#[cfg(all(target_arch = "wasm32", feature = "demo"))]
pub mod demo;
#[cfg(target_arch = "wasm32")]
pub mod parts;
#[cfg(target_arch = "wasm32")]
pub mod views;

/// Mounts the admin page on `<body>`.
#[cfg(target_arch = "wasm32")]
pub fn mount() {
    leptos::mount::mount_to_body(views::AdminPage);
}
