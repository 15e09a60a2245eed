//! The stored form of [`Trends`], kept beside the snapshots they were
//! computed from, so that a page opened again shows every user's growth and
//! forecast at once instead of decoding the whole history first.
//!
//! The stored trends say which snapshots they were computed from (each
//! one's time, stored size and the checksum that ends its stored bytes) and
//! at which critical threshold: [`stored_trends_for`] gives them back only
//! when both still hold, and `None` when they are stale (compute them again
//! then). Version 1:
//!
//! ```text
//! "KDTR" 0x01                          magic and format version
//! varint          snapshots; per snapshot:
//!   varint zigzag   its time minus the one before (Unix ms)
//!   varint          its stored size
//!   4 bytes         the last four of its stored bytes (zlib's Adler-32)
//! 8 bytes         the critical threshold (f64, little-endian)
//! zlib body:
//!   the header again (from the snapshots on), so the checksum covers it
//!   varint          tenant points; each: time (zigzag, against the one
//!                   before), users, quota (two u64 varints, low then
//!                   high), used (f64 bits)
//!   varint          users, in no particular order; each: id (length,
//!                   bytes), newest point (time zigzag
//!                   against the newest snapshot, quota, used bits), a byte
//!                   of flags (bits 0..2 growth over 7/30/90 days known,
//!                   bit 3 a rate known), each known growth (change, days),
//!                   the rate (per day, low, high), the trend (u8), the
//!                   points (varint), then the critical and full reaches
//!                   (u8 0 reached, 1 expected, 2 not expected, 3 expected
//!                   with a latest date; times zigzag against the newest
//!                   snapshot)
//! ```

use std::collections::HashMap;
use std::sync::Arc;

use miniz_oxide::deflate::compress_to_vec_zlib;
use miniz_oxide::inflate::decompress_to_vec_zlib_with_limit;

use super::bytes::{Reader, put_i64, put_u64};
use super::chain::History;
use super::error::HistoryError;
use super::forecast::{Forecast, Reach, Slope, Trend};
use super::series::{Growth, UsagePoint};
use super::snapshot::MAX_USER_ID_BYTES;
use super::trends::{TenantPoint, Trends, UserTrend};

const MAGIC: &[u8; 4] = b"KDTR";
/// The version of the stored form written by [`store_trends`].
pub const TRENDS_FORMAT_VERSION: u8 = 1;
/// Fast over small: this is read back on every page load.
const LEVEL: u8 = 1;
/// The most users stored trends may hold.
const MAX_USERS: usize = 2_000_000;

/// The header: which snapshots, which threshold.
fn header(history: &History, critical_at: f64) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 + history.len() * 12);
    put_u64(&mut out, history.len() as u64);
    let mut before = 0i64;
    for e in history.entries() {
        put_i64(&mut out, e.header.taken_at_ms.wrapping_sub(before));
        before = e.header.taken_at_ms;
        put_u64(&mut out, e.bytes.len() as u64);
        let tail = e.bytes.len().saturating_sub(4);
        let mut check = [0u8; 4];
        check[..e.bytes.len() - tail].copy_from_slice(&e.bytes[tail..]);
        out.extend_from_slice(&check);
    }
    out.extend_from_slice(&critical_at.to_le_bytes());
    out
}

fn put_f64(out: &mut Vec<u8>, value: f64) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn put_reach(out: &mut Vec<u8>, reach: &Reach, newest_ms: i64) {
    match *reach {
        Reach::Reached => out.push(0),
        Reach::NotExpected => out.push(2),
        Reach::Expected {
            at_ms,
            earliest_ms,
            latest_ms,
        } => {
            out.push(if latest_ms.is_some() { 3 } else { 1 });
            put_i64(out, at_ms.wrapping_sub(newest_ms));
            put_i64(out, earliest_ms.wrapping_sub(newest_ms));
            if let Some(latest) = latest_ms {
                put_i64(out, latest.wrapping_sub(newest_ms));
            }
        }
    }
}

fn read_reach(r: &mut Reader<'_>, newest_ms: i64) -> Result<Reach, HistoryError> {
    let tag = r.u8()?;
    let mut at = || r.i64().map(|d| newest_ms.wrapping_add(d));
    Ok(match tag {
        0 => Reach::Reached,
        2 => Reach::NotExpected,
        1 | 3 => Reach::Expected {
            at_ms: at()?,
            earliest_ms: at()?,
            latest_ms: if tag == 3 { Some(at()?) } else { None },
        },
        _ => {
            return Err(HistoryError::damaged(
                "a stored forecast's date is of an unknown kind",
            ));
        }
    })
}

/// The trends computed over `history` at `critical_at`, in their stored
/// form (see the module's documentation).
pub fn store_trends(trends: &Trends, history: &History, critical_at: f64) -> Vec<u8> {
    let head = header(history, critical_at);
    let newest_ms = history.entries().last().map_or(0, |e| e.header.taken_at_ms);
    let mut body = head.clone();
    put_u64(&mut body, trends.totals().len() as u64);
    let mut before = 0i64;
    for p in trends.totals() {
        put_i64(&mut body, p.at_ms.wrapping_sub(before));
        before = p.at_ms;
        put_u64(&mut body, p.users as u64);
        put_u64(&mut body, p.quota as u64);
        put_u64(&mut body, (p.quota >> 64) as u64);
        put_f64(&mut body, p.used);
    }
    // In no particular order: zlib finds what ids share (sorting them would
    // cost the page a sort's code for little).
    put_u64(&mut body, trends.len() as u64);
    for (id, t) in trends.iter() {
        put_u64(&mut body, id.len() as u64);
        body.extend_from_slice(id.as_bytes());
        put_i64(&mut body, t.newest.at_ms.wrapping_sub(newest_ms));
        put_u64(&mut body, t.newest.quota);
        put_f64(&mut body, t.newest.used);
        let mut flags = 0u8;
        for (k, g) in t.growth.iter().enumerate() {
            if g.is_some() {
                flags |= 1 << k;
            }
        }
        if t.forecast.rate.is_some() {
            flags |= 1 << 3;
        }
        body.push(flags);
        for g in t.growth.iter().flatten() {
            put_f64(&mut body, g.change);
            put_f64(&mut body, g.days);
        }
        if let Some(rate) = t.forecast.rate {
            put_f64(&mut body, rate.per_day);
            put_f64(&mut body, rate.low);
            put_f64(&mut body, rate.high);
        }
        body.push(match t.forecast.trend {
            Trend::TooFewPoints => 0,
            Trend::Growing => 1,
            Trend::Flat => 2,
            Trend::Shrinking => 3,
        });
        put_u64(&mut body, t.forecast.points as u64);
        put_reach(&mut body, &t.forecast.critical, newest_ms);
        put_reach(&mut body, &t.forecast.full, newest_ms);
    }
    let mut out = Vec::with_capacity(body.len() / 3 + head.len() + 5);
    out.extend_from_slice(MAGIC);
    out.push(TRENDS_FORMAT_VERSION);
    out.extend_from_slice(&head);
    out.extend_from_slice(&compress_to_vec_zlib(&body, LEVEL));
    out
}

/// The trends stored by [`store_trends`], when they were computed over
/// exactly these snapshots of `history` at `critical_at`; `Ok(None)` when
/// they are stale or of another format version (compute them again). `Err`
/// when the bytes are damaged.
pub fn stored_trends_for(
    bytes: &[u8],
    history: &History,
    critical_at: f64,
) -> Result<Option<Trends>, HistoryError> {
    if bytes.len() < 5 || &bytes[..4] != MAGIC {
        return Err(HistoryError::foreign(
            "it does not start as stored trends do",
        ));
    }
    if bytes[4] != TRENDS_FORMAT_VERSION {
        return Ok(None);
    }
    let head = header(history, critical_at);
    let Some(compressed) = bytes[5..].strip_prefix(head.as_slice()) else {
        return Ok(None);
    };
    let newest_ms = history.entries().last().map_or(0, |e| e.header.taken_at_ms);
    let limit = MAX_USERS.saturating_mul(200 + MAX_USER_ID_BYTES);
    let body = decompress_to_vec_zlib_with_limit(compressed, limit)
        .map_err(|_| HistoryError::damaged("the stored trends do not decompress"))?;
    let Some(body) = body.strip_prefix(head.as_slice()) else {
        return Err(HistoryError::damaged(
            "the stored trends' header does not match their body",
        ));
    };
    let mut r = Reader::new(body, "the stored trends");
    let points = r.len(super::chain::MAX_SNAPSHOTS)?;
    let mut totals = Vec::with_capacity(points);
    let mut before = 0i64;
    for _ in 0..points {
        let at_ms = before.wrapping_add(r.i64()?);
        before = at_ms;
        let users = r.len(MAX_USERS)?;
        let low = r.u64()?;
        let high = r.u64()?;
        totals.push(TenantPoint {
            at_ms,
            users,
            quota: u128::from(low) | (u128::from(high) << 64),
            used: r.f64_bits()?,
        });
    }
    let count = r.len(MAX_USERS)?;
    let mut users = HashMap::with_capacity(count);
    for _ in 0..count {
        let len = r.len(MAX_USER_ID_BYTES)?;
        let user_id: Arc<str> = Arc::from(
            std::str::from_utf8(r.take(len)?)
                .map_err(|_| HistoryError::damaged("a stored user id is not UTF-8 text"))?,
        );
        let newest = UsagePoint {
            at_ms: newest_ms.wrapping_add(r.i64()?),
            quota: r.u64()?,
            used: r.f64_bits()?,
        };
        let flags = r.u8()?;
        if flags & !0x0f != 0 {
            return Err(HistoryError::damaged(
                "a stored trend's flags have unknown bits",
            ));
        }
        let mut growth = [None; 3];
        for (k, g) in growth.iter_mut().enumerate() {
            if flags & (1 << k) != 0 {
                *g = Some(Growth {
                    change: r.f64_bits()?,
                    days: r.f64_bits()?,
                });
            }
        }
        let rate = if flags & (1 << 3) != 0 {
            Some(Slope {
                per_day: r.f64_bits()?,
                low: r.f64_bits()?,
                high: r.f64_bits()?,
            })
        } else {
            None
        };
        let trend = match r.u8()? {
            0 => Trend::TooFewPoints,
            1 => Trend::Growing,
            2 => Trend::Flat,
            3 => Trend::Shrinking,
            _ => {
                return Err(HistoryError::damaged(
                    "a stored trend is of an unknown kind",
                ));
            }
        };
        let points = r.len(super::chain::MAX_SNAPSHOTS)?;
        let critical = read_reach(&mut r, newest_ms)?;
        let full = read_reach(&mut r, newest_ms)?;
        users.insert(
            user_id,
            UserTrend {
                newest,
                growth,
                forecast: Forecast {
                    rate,
                    trend,
                    points,
                    critical,
                    full,
                },
            },
        );
    }
    r.finish()?;
    Ok(Some(Trends::from_parts(users, totals)))
}
