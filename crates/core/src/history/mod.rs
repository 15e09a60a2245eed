//! Usage over time: snapshots of every user's quota and usage, their
//! compact stored form, and what they tell about the future.
//!
//! - [`Snapshot`] / [`SnapshotUser`]: the model (when, from where, each
//!   user's exact quota, usage and times);
//! - [`encode_snapshot`] / [`decode_snapshot`]: the stored form, versioned,
//!   coded against the snapshot before and compressed (zlib);
//! - [`History`]: snapshots in time order, added and removed in place, with
//!   a one-file export ([`History::export`], [`decode_history_file`]);
//! - [`UsagePoint`], [`growth_over`]: one user's series and growth;
//! - [`forecast`], [`theil_sen`]: when a user reaches critical and full;
//! - [`Trends`]: every user's growth and forecast in one pass;
//! - [`store_trends`] / [`stored_trends_for`]: trends kept beside the
//!   snapshots they were computed from, given back while still true.
//!
//! No I/O and no clock: times are passed in as Unix milliseconds.

mod bytes;
mod chain;
mod error;
mod forecast;
mod format;
mod series;
mod snapshot;
mod trends;
mod trends_store;

#[cfg(test)]
mod tests;

pub use chain::{
    HISTORY_FILE_VERSION, History, HistoryChanges, MAX_SNAPSHOTS, Snapshots, StoredSnapshot,
    decode_history_file,
};
pub use error::{HistoryError, HistoryErrorKind};
pub use forecast::{
    FORECAST_HORIZON_DAYS, FORECAST_MAX_POINTS, FORECAST_MIN_POINTS, FORECAST_WINDOW_DAYS,
    Forecast, Reach, Slope, Trend, forecast, forecast_basis, theil_sen,
};
pub use format::{
    MAX_SNAPSHOT_USERS, SNAPSHOT_FORMAT_VERSION, SnapshotHeader, decode_snapshot, encode_snapshot,
    read_header,
};
pub use series::{DAY_MS, Growth, UsagePoint, growth_over, growth_tolerance_ms, user_series};
pub use snapshot::{MAX_USER_ID_BYTES, Snapshot, SnapshotSource, SnapshotUser};
pub use trends::{GROWTH_SPANS, TenantPoint, Trends, UserTrend, snapshots_used};
pub use trends_store::{TRENDS_FORMAT_VERSION, store_trends, stored_trends_for};
