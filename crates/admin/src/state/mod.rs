//! The page's state and everything it computes, as plain data and pure
//! functions: what was asked ([`ids`], [`connection`]), what came back
//! ([`results`], [`rows`]), what is shown ([`filters`], [`sort`],
//! [`summary`]), how it reads ([`units`], [`times`], [`i18n`],
//! [`messages`]) and how it leaves ([`export`]). No browser API is used
//! here, so all of it is tested natively; the reactive store that holds
//! these values for the components is [`store`] (browser only).

#[cfg(target_arch = "wasm32")]
pub mod actions;
pub mod connection;
pub mod departments;
pub mod directory;
pub mod export;
pub mod filters;
pub mod i18n;
pub mod ids;
pub mod messages;
pub mod numbers;
pub mod results;
pub mod rows;
pub mod sort;
#[cfg(target_arch = "wasm32")]
pub mod store;
pub mod summary;
pub mod times;
pub mod units;
