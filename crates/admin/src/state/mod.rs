//! The page's state and everything it computes, as plain data and pure
//! functions: what was asked ([`ids`], [`connection`]), what came back
//! ([`results`], [`rows`]), how a run is going ([`progress`], [`listing`]), who the users are ([`directory`],
//! [`departments`]), what is shown ([`filters`], [`sort`], [`collate`],
//! [`summary`], [`grid`] for the table's keyboard), how it reads ([`units`], [`times`], [`numbers`], [`i18n`],
//! [`messages`], [`notice`]), how it leaves ([`export`], [`xlsx`]), and what is kept
//! in the browser under which key and for how long ([`keeping`]); and usage
//! over time as the page shows it: growth, "Full in", charts, past CSV
//! exports read as snapshots ([`history`]), and the snapshots a gateway
//! keeps beside them ([`server_history`]).
//!
//! Nothing here spawns a task or calls a browser API, so all of it is
//! tested natively with `cargo test`; the reactive contexts that hold these
//! values for the components, and the actions that start work, are in
//! `crate::app` (browser only).

pub mod collate;
pub mod connection;
pub mod departments;
pub mod directory;
pub mod export;
pub mod filters;
pub mod grid;
pub mod history;
pub mod i18n;
pub mod ids;
pub mod keeping;
pub mod listing;
pub mod messages;
pub mod notice;
pub mod numbers;
pub mod progress;
pub mod results;
pub mod rows;
pub mod server_history;
pub mod sort;
pub mod summary;
pub mod times;
pub mod units;
pub mod xlsx;
