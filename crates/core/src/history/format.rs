//! The stored form of one snapshot, version 1: a small header read without
//! decompressing (when, source, users, which snapshot it was coded against),
//! then a zlib-compressed body (Adler-32 checked) of columns, each coded
//! against the previous snapshot:
//!
//! ```text
//! "KDSN" 0x01                      magic and format version
//! varint zigzag  taken_at_ms
//! u8             source (0 listing, 1 query, 2 import)
//! varint         users
//! u8             0 = stands alone, 1 = coded against a base snapshot:
//!   varint zigzag  base taken_at_ms
//!   varint         base users
//! zlib body:
//!   the header again (from the time on), so that the checksum covers it
//!   ids      runs over the base's ids, alternately kept and dropped (starting
//!            with kept), then the ids not in the base, sorted, each as the
//!            length it shares with the one before, then the rest of it
//!   flags    one byte per user: bit 0 effective time known, bit 1 expiration
//!            time known, bits 2..4 how `used` is written (0..=3: a whole
//!            number of tenths to the power, 7: the raw 64 bits)
//!   quota    zigzag(quota − base quota), wrapping, per user
//!   used     zigzag(units − base units) when the base user is written at the
//!            same power, else the units themselves; or the raw 8 bytes
//!   effective, expiration   zigzag(ms − base ms), for the users that have one
//! ```
//!
//! Every column is preceded by its length in bytes. A user not in the base is
//! coded against zeros. Quotas are exact over the whole `u64` range, `used`
//! round-trips bit for bit.

use std::sync::Arc;

use miniz_oxide::deflate::compress_to_vec_zlib;
use miniz_oxide::inflate::{TINFLStatus, decompress_to_vec_zlib_with_limit};

use super::bytes::{Reader, put_i64, put_u64};
use super::error::HistoryError;
use super::snapshot::{Snapshot, SnapshotSource, SnapshotUser};

const MAGIC: &[u8; 4] = b"KDSN";
/// The version of the stored form written by [`encode_snapshot`].
pub const SNAPSHOT_FORMAT_VERSION: u8 = 1;
/// The most users one stored snapshot may hold.
pub const MAX_SNAPSHOT_USERS: usize = 2_000_000;
use super::snapshot::MAX_USER_ID_BYTES;
/// zlib level: 6 is zlib's default, a good ratio for little time.
const LEVEL: u8 = 6;
const RAW_USED: u8 = 7;
const POW10: [f64; 4] = [1.0, 10.0, 100.0, 1000.0];

/// What a stored snapshot's header says, read without decompressing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SnapshotHeader {
    /// When it was taken, Unix milliseconds.
    pub taken_at_ms: i64,
    /// Where its users came from.
    pub source: SnapshotSource,
    /// How many users it holds.
    pub users: usize,
    /// The snapshot it is coded against (its time and users), if any.
    pub base: Option<(i64, usize)>,
    /// Its stored size in bytes.
    pub stored_bytes: usize,
}

/// `used` as a whole number of units of 10^-power, or its raw bits.
#[derive(Clone, Copy)]
enum Used {
    Decimal { units: i64, power: u8 },
    Raw(f64),
}

fn decimal_at(used: f64, power: u8) -> Option<i64> {
    let scale = POW10[usize::from(power)];
    let units = (used * scale).round();
    if units.is_nan() || units.abs() >= 9_007_199_254_740_992.0 {
        return None;
    }
    let units = units as i64;
    ((units as f64 / scale).to_bits() == used.to_bits()).then_some(units)
}

/// Writes `used` at the base's power when it is exact there, else at the
/// smallest exact power, else raw.
fn split_used(used: f64, base_power: Option<u8>) -> Used {
    let powers = base_power.into_iter().chain(0..4);
    for power in powers {
        if let Some(units) = decimal_at(used, power) {
            return Used::Decimal { units, power };
        }
    }
    Used::Raw(used)
}

fn join_used(units: i64, power: u8) -> f64 {
    units as f64 / POW10[usize::from(power)]
}

/// A user's values as a following snapshot codes against them.
#[derive(Clone, Copy)]
struct Basis {
    quota: u64,
    units: i64,
    power: Option<u8>,
    effective: i64,
    expiration: i64,
}

const ZERO: Basis = Basis {
    quota: 0,
    units: 0,
    power: Some(0),
    effective: 0,
    expiration: 0,
};

fn basis_of(user: &SnapshotUser) -> Basis {
    let (units, power) = match split_used(user.used, None) {
        Used::Decimal { units, power } => (units, Some(power)),
        Used::Raw(_) => (0, None),
    };
    Basis {
        quota: user.quota,
        units,
        power,
        effective: user.effective_ms.unwrap_or(0),
        expiration: user.expiration_ms.unwrap_or(0),
    }
}

/// Encodes `snapshot`, coded against `base` (the snapshot stored before it)
/// when given. Decoding needs the same base.
pub fn encode_snapshot(snapshot: &Snapshot, base: Option<&Snapshot>) -> Vec<u8> {
    let users = snapshot.users();
    let base_users: &[SnapshotUser] = base.map_or(&[], |b| b.users());

    // Ids: merge the two sorted lists.
    let mut runs: Vec<u64> = Vec::new();
    let mut new_ids: Vec<&str> = Vec::new();
    let mut bases: Vec<Basis> = Vec::with_capacity(users.len());
    let (mut i, mut j) = (0, 0);
    let mut keeping = true;
    let mut run = 0u64;
    let mut step = |keep: bool, runs: &mut Vec<u64>| {
        if keep != keeping {
            runs.push(run);
            run = 0;
            keeping = keep;
        }
        run += 1;
    };
    while i < users.len() || j < base_users.len() {
        let here = users.get(i);
        let there = base_users.get(j);
        match (here, there) {
            (Some(u), Some(b)) if u.user_id == b.user_id => {
                step(true, &mut runs);
                bases.push(basis_of(b));
                i += 1;
                j += 1;
            }
            (Some(u), Some(b)) if u.user_id < b.user_id => {
                new_ids.push(&u.user_id);
                bases.push(ZERO);
                i += 1;
            }
            (Some(u), None) => {
                new_ids.push(&u.user_id);
                bases.push(ZERO);
                i += 1;
            }
            _ => {
                step(false, &mut runs);
                j += 1;
            }
        }
    }
    if run > 0 {
        runs.push(run);
    }

    let mut ids = Vec::new();
    put_u64(&mut ids, runs.len() as u64);
    for r in &runs {
        put_u64(&mut ids, *r);
    }
    put_u64(&mut ids, new_ids.len() as u64);
    let mut previous: &str = "";
    for id in &new_ids {
        let shared = previous
            .bytes()
            .zip(id.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        // Never split a character: ids are UTF-8 text.
        let shared = (0..=shared)
            .rev()
            .find(|&n| id.is_char_boundary(n))
            .unwrap_or(0);
        put_u64(&mut ids, shared as u64);
        put_u64(&mut ids, (id.len() - shared) as u64);
        ids.extend_from_slice(&id.as_bytes()[shared..]);
        previous = id;
    }

    let n = users.len();
    let mut flags = Vec::with_capacity(n);
    let mut quota = Vec::with_capacity(n * 2);
    let mut used = Vec::with_capacity(n * 3);
    let mut effective = Vec::with_capacity(n);
    let mut expiration = Vec::with_capacity(n);
    for (user, basis) in users.iter().zip(&bases) {
        let mut flag = 0u8;
        put_i64(&mut quota, user.quota.wrapping_sub(basis.quota) as i64);
        match split_used(user.used, basis.power) {
            Used::Decimal { units, power } => {
                flag |= power << 2;
                let delta = if basis.power == Some(power) {
                    units.wrapping_sub(basis.units)
                } else {
                    units
                };
                put_i64(&mut used, delta);
            }
            Used::Raw(value) => {
                flag |= RAW_USED << 2;
                used.extend_from_slice(&value.to_le_bytes());
            }
        }
        if let Some(ms) = user.effective_ms {
            flag |= 1;
            put_i64(&mut effective, ms.wrapping_sub(basis.effective));
        }
        if let Some(ms) = user.expiration_ms {
            flag |= 2;
            put_i64(&mut expiration, ms.wrapping_sub(basis.expiration));
        }
        flags.push(flag);
    }

    let mut head = Vec::with_capacity(32);
    put_i64(&mut head, snapshot.taken_at_ms);
    head.push(snapshot.source.code());
    put_u64(&mut head, n as u64);
    match base {
        Some(b) => {
            head.push(1);
            put_i64(&mut head, b.taken_at_ms);
            put_u64(&mut head, b.len() as u64);
        }
        None => head.push(0),
    }

    // The body repeats the header, so that zlib's checksum covers it too.
    let mut body =
        Vec::with_capacity(head.len() + ids.len() + flags.len() + quota.len() + used.len() + 64);
    body.extend_from_slice(&head);
    for column in [&ids, &flags, &quota, &used, &effective, &expiration] {
        put_u64(&mut body, column.len() as u64);
        body.extend_from_slice(column);
    }
    let compressed = compress_to_vec_zlib(&body, LEVEL);

    let mut out = Vec::with_capacity(compressed.len() + head.len() + 5);
    out.extend_from_slice(MAGIC);
    out.push(SNAPSHOT_FORMAT_VERSION);
    out.extend_from_slice(&head);
    out.extend_from_slice(&compressed);
    out
}

/// Reads the header of a stored snapshot, without decompressing its body.
pub fn read_header(bytes: &[u8]) -> Result<SnapshotHeader, HistoryError> {
    read_header_and_body(bytes).map(|(header, _, _)| header)
}

/// The header, the header's bytes, and the compressed body.
fn read_header_and_body(bytes: &[u8]) -> Result<(SnapshotHeader, &[u8], &[u8]), HistoryError> {
    if bytes.len() < 5 || &bytes[..4] != MAGIC {
        return Err(HistoryError::foreign(
            "it does not start as a snapshot does",
        ));
    }
    let version = bytes[4];
    if version > SNAPSHOT_FORMAT_VERSION {
        return Err(HistoryError::newer(version));
    }
    if version == 0 {
        return Err(HistoryError::damaged("its format version is 0"));
    }
    let mut r = Reader::new(&bytes[5..], "the snapshot's header");
    let taken_at_ms = r.i64()?;
    let source = SnapshotSource::from_code(r.u8()?)
        .ok_or_else(|| HistoryError::damaged("the snapshot's source is unknown"))?;
    let users = r.len(MAX_SNAPSHOT_USERS)?;
    let base = match r.u8()? {
        0 => None,
        1 => Some((r.i64()?, r.len(MAX_SNAPSHOT_USERS)?)),
        _ => {
            return Err(HistoryError::damaged(
                "the snapshot's base flag is neither 0 nor 1",
            ));
        }
    };
    let head = &bytes[5..5 + (bytes.len() - 5 - r.remaining())];
    let body = r.rest();
    Ok((
        SnapshotHeader {
            taken_at_ms,
            source,
            users,
            base,
            stored_bytes: bytes.len(),
        },
        head,
        body,
    ))
}

/// Decodes a stored snapshot. `base` must be the snapshot it was coded
/// against (see [`SnapshotHeader::base`]), or `None` if it stands alone.
pub fn decode_snapshot(bytes: &[u8], base: Option<&Snapshot>) -> Result<Snapshot, HistoryError> {
    let (header, head, body) = read_header_and_body(bytes)?;
    match (header.base, base) {
        (None, _) => {}
        (Some((at, users)), Some(b)) if at == b.taken_at_ms && users == b.len() => {}
        (Some((at, users)), given) => {
            return Err(HistoryError::wrong_base(format!(
                "coded against the snapshot of {at} ms with {users} users, given {}",
                given.map_or("none".to_string(), |b| format!(
                    "the one of {} ms with {} users",
                    b.taken_at_ms,
                    b.len()
                ))
            )));
        }
    }
    let base_users: &[SnapshotUser] = match header.base {
        Some(_) => base.map_or(&[], |b| b.users()),
        None => &[],
    };
    let n = header.users;
    // Generous: ten bytes for each of five numbers, a flag and a new id.
    let limit = n
        .saturating_mul(61 + 20 + MAX_USER_ID_BYTES)
        .saturating_add(1 << 20);
    let body = decompress_to_vec_zlib_with_limit(body, limit).map_err(|e| {
        // Words, not `{:?}`: the size-tuned wasm builds print no Debug.
        HistoryError::damaged(match e.status {
            TINFLStatus::Adler32Mismatch => "its body does not decompress (checksum mismatch)",
            TINFLStatus::HasMoreOutput => {
                "its body does not decompress (larger than its header says)"
            }
            _ => "its body does not decompress (not zlib, or cut short)",
        })
    })?;
    if !body.starts_with(head) {
        return Err(HistoryError::damaged("its header does not match its body"));
    }
    let mut r = Reader::new(&body[head.len()..], "the snapshot's body");
    let mut column = |what: &'static str| -> Result<Reader<'_>, HistoryError> {
        let len = r.len(body.len())?;
        Ok(Reader::new(r.take(len)?, what))
    };
    let mut ids = column("the ids")?;
    let mut flags = column("the flags")?;
    let mut quota = column("the quotas")?;
    let mut used = column("the usage")?;
    let mut effective = column("the effective times")?;
    let mut expiration = column("the expiration times")?;
    r.finish()?;

    // Which base users are kept.
    let run_count = ids.len(base_users.len().saturating_mul(2).saturating_add(1))?;
    let mut kept: Vec<&SnapshotUser> = Vec::with_capacity(n.min(base_users.len()));
    let mut at = 0usize;
    for k in 0..run_count {
        let run = ids.len(base_users.len() - at)?;
        if k % 2 == 0 {
            kept.extend(&base_users[at..at + run]);
        }
        at += run;
    }
    if at != base_users.len() {
        return Err(HistoryError::damaged(
            "the ids do not cover the base snapshot",
        ));
    }
    let new_count = ids.len(n)?;
    if kept.len() + new_count != n {
        return Err(HistoryError::damaged(
            "the ids and the header count different users",
        ));
    }
    let mut new_ids: Vec<Arc<str>> = Vec::with_capacity(new_count);
    let mut previous: Vec<u8> = Vec::new();
    for _ in 0..new_count {
        let shared = ids.len(previous.len())?;
        let rest = ids.len(MAX_USER_ID_BYTES)?;
        previous.truncate(shared);
        previous.extend_from_slice(ids.take(rest)?);
        let id = std::str::from_utf8(&previous)
            .map_err(|_| HistoryError::damaged("a user id is not UTF-8 text"))?;
        if new_ids.last().is_some_and(|last| last.as_ref() >= id) {
            return Err(HistoryError::damaged("the new user ids are not in order"));
        }
        new_ids.push(Arc::from(id));
    }
    ids.finish()?;

    // Merge kept and new ids; decode each user's columns.
    let mut users = Vec::with_capacity(n);
    let (mut a, mut b) = (0, 0);
    let mut last_id: Option<Arc<str>> = None;
    while a < kept.len() || b < new_ids.len() {
        let take_kept = match (kept.get(a), new_ids.get(b)) {
            (Some(k), Some(id)) => k.user_id.as_ref() < id.as_ref(),
            (Some(_), None) => true,
            _ => false,
        };
        let (user_id, basis) = if take_kept {
            a += 1;
            (kept[a - 1].user_id.clone(), basis_of(kept[a - 1]))
        } else {
            b += 1;
            (new_ids[b - 1].clone(), ZERO)
        };
        if last_id.as_ref().is_some_and(|last| *last >= user_id) {
            return Err(HistoryError::damaged(
                "a new user id is already in the base",
            ));
        }
        let flag = flags.u8()?;
        let quota_value = basis.quota.wrapping_add(quota.i64()? as u64);
        let power = (flag >> 2) & 7;
        let used_value = match power {
            0..=3 => {
                let delta = used.i64()?;
                let units = if basis.power == Some(power) {
                    basis.units.wrapping_add(delta)
                } else {
                    delta
                };
                join_used(units, power)
            }
            RAW_USED => used.f64_bits()?,
            _ => {
                return Err(HistoryError::damaged(
                    "a user's usage is written in an unknown way",
                ));
            }
        };
        if flag & !0x1f != 0 {
            return Err(HistoryError::damaged("a user's flags have unknown bits"));
        }
        let effective_ms = if flag & 1 != 0 {
            Some(basis.effective.wrapping_add(effective.i64()?))
        } else {
            None
        };
        let expiration_ms = if flag & 2 != 0 {
            Some(basis.expiration.wrapping_add(expiration.i64()?))
        } else {
            None
        };
        last_id = Some(user_id.clone());
        users.push(SnapshotUser {
            user_id,
            quota: quota_value,
            used: used_value,
            effective_ms,
            expiration_ms,
        });
    }
    for column in [&flags, &quota, &used, &effective, &expiration] {
        column.finish()?;
    }
    Ok(Snapshot::from_sorted(
        header.taken_at_ms,
        header.source,
        users,
    ))
}
