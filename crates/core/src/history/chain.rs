//! [`History`]: snapshots in time order, each stored coded against the one
//! before it, with adding, removing, reading back, and the one-file export
//! that imports back ([`History::export`], [`decode_history_file`]).
//!
//! The export file is `"KDHISTORY"`, a version byte (1), the number of
//! snapshots, then each stored snapshot (see `format`) preceded by its length.

use super::bytes::{Reader, put_u64};
use super::error::HistoryError;
use super::format::{SnapshotHeader, decode_snapshot, encode_snapshot, read_header};
use super::snapshot::Snapshot;

const FILE_MAGIC: &[u8; 9] = b"KDHISTORY";
/// The version of the export file written by [`History::export`].
pub const HISTORY_FILE_VERSION: u8 = 1;
/// The most snapshots one history holds.
pub const MAX_SNAPSHOTS: usize = 100_000;

/// One snapshot as stored: its header and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSnapshot {
    /// What its header says.
    pub header: SnapshotHeader,
    /// The stored bytes (see [`encode_snapshot`]).
    pub bytes: Vec<u8>,
}

/// What a change did to the stored snapshots, keyed by their time (Unix
/// milliseconds), so that a store kept elsewhere can follow it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryChanges {
    /// Snapshots whose bytes are new or changed: write them again.
    pub written: Vec<i64>,
    /// Snapshots that are gone.
    pub removed: Vec<i64>,
}

/// Snapshots in time order (one per time), each stored coded against the
/// one before it; the first stands alone.
#[derive(Debug, Clone, Default)]
pub struct History {
    entries: Vec<StoredSnapshot>,
    /// The newest snapshot, decoded, when known: adding after it then costs
    /// no decoding.
    newest: Option<Snapshot>,
}

impl History {
    /// An empty history.
    pub fn new() -> Self {
        Self::default()
    }

    /// A history from stored snapshots, in any order (as a key-value store
    /// gives them back). Checks that they link up, without decompressing.
    pub fn from_stored(stored: Vec<Vec<u8>>) -> Result<Self, HistoryError> {
        let count = stored.len();
        let mut entries = stored
            .into_iter()
            .enumerate()
            .map(|(i, bytes)| {
                let header = read_header(&bytes).map_err(|e| e.in_snapshot(i, count))?;
                Ok(StoredSnapshot { header, bytes })
            })
            .collect::<Result<Vec<_>, HistoryError>>()?;
        entries.sort_by_key(|e| e.header.taken_at_ms);
        check_links(&entries)?;
        Ok(Self {
            entries,
            newest: None,
        })
    }

    /// The stored snapshots, oldest first.
    pub fn entries(&self) -> &[StoredSnapshot] {
        &self.entries
    }

    /// How many snapshots it holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The stored size of every snapshot together, in bytes.
    pub fn stored_bytes(&self) -> usize {
        self.entries.iter().map(|e| e.bytes.len()).sum()
    }

    /// The stored snapshot taken at this time.
    pub fn get(&self, taken_at_ms: i64) -> Option<&StoredSnapshot> {
        self.position(taken_at_ms).ok().map(|i| &self.entries[i])
    }

    fn position(&self, taken_at_ms: i64) -> Result<usize, usize> {
        self.entries
            .binary_search_by_key(&taken_at_ms, |e| e.header.taken_at_ms)
    }

    /// Every snapshot, decoded one after another, oldest first.
    pub fn snapshots(&self) -> Snapshots<'_> {
        Snapshots {
            entries: &self.entries,
            next: 0,
            previous: None,
            failed: false,
        }
    }

    /// The snapshots at these positions (sorted, each below `len()`),
    /// decoding the chain once up to the last of them.
    fn decode_at(&self, wanted: &[usize]) -> Result<Vec<Snapshot>, HistoryError> {
        let Some(&last) = wanted.last() else {
            return Ok(Vec::new());
        };
        if wanted == [self.entries.len().wrapping_sub(1)] {
            if let Some(newest) = &self.newest {
                return Ok(vec![newest.clone()]);
            }
        }
        let mut found = Vec::with_capacity(wanted.len());
        for (i, snapshot) in self.snapshots().enumerate().take(last + 1) {
            let snapshot = snapshot?;
            if wanted.contains(&i) {
                found.push(snapshot);
            }
        }
        Ok(found)
    }

    /// The newest snapshot, decoded.
    pub fn newest(&mut self) -> Result<Option<Snapshot>, HistoryError> {
        if self.newest.is_none() && !self.entries.is_empty() {
            let last = self.entries.len() - 1;
            self.newest = self.decode_at(&[last])?.pop();
        }
        Ok(self.newest.clone())
    }

    /// Adds a snapshot in its place by time; one taken at the same time as
    /// a stored one replaces it.
    pub fn add(&mut self, snapshot: Snapshot) -> Result<HistoryChanges, HistoryError> {
        if self.entries.len() >= MAX_SNAPSHOTS && self.get(snapshot.taken_at_ms).is_none() {
            return Err(HistoryError::damaged(format!(
                "a history holds at most {MAX_SNAPSHOTS} snapshots; delete old ones first"
            )));
        }
        let at = snapshot.taken_at_ms;
        let (pos, replaces) = match self.position(at) {
            Ok(i) => (i, true),
            Err(i) => (i, false),
        };
        let next = if replaces { pos + 1 } else { pos };
        // Decode the base (the one before) and the one after, which is then
        // coded against the new snapshot instead.
        let mut wanted = Vec::new();
        if pos > 0 {
            wanted.push(pos - 1);
        }
        if next < self.entries.len() {
            wanted.push(next);
        }
        let decoded = self.decode_at(&wanted)?;
        let mut decoded = decoded.into_iter();
        let base = if pos > 0 { decoded.next() } else { None };
        let after = decoded.next();

        let mut changes = HistoryChanges::default();
        let entry = stored(&snapshot, base.as_ref());
        if replaces {
            self.entries[pos] = entry;
        } else {
            self.entries.insert(pos, entry);
        }
        changes.written.push(at);
        if let Some(after) = after {
            self.entries[pos + 1] = stored(&after, Some(&snapshot));
            changes.written.push(after.taken_at_ms);
        } else {
            self.newest = Some(snapshot);
        }
        Ok(changes)
    }

    /// Removes the snapshot taken at this time (nothing when there is none).
    pub fn remove(&mut self, taken_at_ms: i64) -> Result<HistoryChanges, HistoryError> {
        let Ok(pos) = self.position(taken_at_ms) else {
            return Ok(HistoryChanges::default());
        };
        let mut changes = HistoryChanges {
            written: Vec::new(),
            removed: vec![taken_at_ms],
        };
        if pos + 1 < self.entries.len() {
            let wanted: Vec<usize> = (pos.saturating_sub(1)..pos + 2)
                .filter(|&i| i != pos)
                .collect();
            let mut decoded = self.decode_at(&wanted)?.into_iter();
            let base = if pos > 0 { decoded.next() } else { None };
            if let Some(after) = decoded.next() {
                self.entries[pos + 1] = stored(&after, base.as_ref());
                changes.written.push(after.taken_at_ms);
            }
        } else {
            self.newest = None;
        }
        self.entries.remove(pos);
        Ok(changes)
    }

    /// A history of these snapshots (one per time: of two at the same time,
    /// the later in `snapshots` stays).
    pub fn from_snapshots(snapshots: Vec<Snapshot>) -> Self {
        let mut snapshots = snapshots;
        snapshots.reverse();
        snapshots.sort_by_key(|s| s.taken_at_ms);
        snapshots.dedup_by_key(|s| s.taken_at_ms);
        let entries = snapshots
            .iter()
            .enumerate()
            .map(|(i, s)| stored(s, i.checked_sub(1).map(|b| &snapshots[b])))
            .collect();
        Self {
            entries,
            newest: snapshots.pop(),
        }
    }

    /// Adds every snapshot of `other` (an import); where both have a
    /// snapshot at the same time, `other`'s replaces this one's. Both chains
    /// are decoded once, side by side, so memory holds a few snapshots at a
    /// time whatever their number.
    pub fn merge(&mut self, other: &History) -> Result<HistoryChanges, HistoryError> {
        let total = {
            let mut times: Vec<i64> = self
                .entries
                .iter()
                .chain(&other.entries)
                .map(|e| e.header.taken_at_ms)
                .collect();
            times.sort_unstable();
            times.dedup();
            times.len()
        };
        if total > MAX_SNAPSHOTS {
            return Err(HistoryError::damaged(format!(
                "a history holds at most {MAX_SNAPSHOTS} snapshots; delete old ones first"
            )));
        }
        let mut mine = self.snapshots().peekable();
        let mut theirs = other.snapshots().peekable();
        let mut entries = Vec::with_capacity(total);
        let mut changes = HistoryChanges::default();
        let mut previous: Option<Snapshot> = None;
        loop {
            let mine_at = peek_time(&mut mine)?;
            let theirs_at = peek_time(&mut theirs)?;
            let next = match (mine_at, theirs_at) {
                (None, None) => break,
                (Some(a), Some(b)) if a == b => {
                    mine.next();
                    theirs.next()
                }
                (Some(a), Some(b)) if a < b => mine.next(),
                (Some(_), None) => mine.next(),
                _ => theirs.next(),
            };
            let Some(Ok(snapshot)) = next else { break };
            let entry = stored(&snapshot, previous.as_ref());
            let unchanged = self
                .get(snapshot.taken_at_ms)
                .is_some_and(|old| old.bytes == entry.bytes);
            if !unchanged {
                changes.written.push(snapshot.taken_at_ms);
            }
            entries.push(entry);
            previous = Some(snapshot);
        }
        drop(mine);
        drop(theirs);
        self.entries = entries;
        self.newest = previous;
        Ok(changes)
    }

    /// Every snapshot in one file, which [`decode_history_file`] reads back.
    pub fn export(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.stored_bytes() + 16 + 5 * self.entries.len());
        out.extend_from_slice(FILE_MAGIC);
        out.push(HISTORY_FILE_VERSION);
        put_u64(&mut out, self.entries.len() as u64);
        for entry in &self.entries {
            put_u64(&mut out, entry.bytes.len() as u64);
            out.extend_from_slice(&entry.bytes);
        }
        out
    }
}

/// The time of the next snapshot, or the error decoding it.
fn peek_time(
    snapshots: &mut std::iter::Peekable<Snapshots<'_>>,
) -> Result<Option<i64>, HistoryError> {
    match snapshots.peek() {
        Some(Ok(s)) => Ok(Some(s.taken_at_ms)),
        Some(Err(e)) => Err(e.clone()),
        None => Ok(None),
    }
}

fn stored(snapshot: &Snapshot, base: Option<&Snapshot>) -> StoredSnapshot {
    let bytes = encode_snapshot(snapshot, base);
    let header = SnapshotHeader {
        taken_at_ms: snapshot.taken_at_ms,
        source: snapshot.source,
        users: snapshot.len(),
        base: base.map(|b| (b.taken_at_ms, b.len())),
        stored_bytes: bytes.len(),
    };
    StoredSnapshot { header, bytes }
}

fn check_links(entries: &[StoredSnapshot]) -> Result<(), HistoryError> {
    let count = entries.len();
    for (i, entry) in entries.iter().enumerate() {
        let expected = i
            .checked_sub(1)
            .map(|b| (entries[b].header.taken_at_ms, entries[b].header.users));
        if entry.header.base != expected {
            let error = if i > 0 && entries[i - 1].header.taken_at_ms == entry.header.taken_at_ms {
                HistoryError::damaged("two snapshots have the same time")
            } else {
                HistoryError::wrong_base("a snapshot is missing before this one")
            };
            return Err(error.in_snapshot(i, count));
        }
    }
    Ok(())
}

/// Snapshots decoded one after another (see [`History::snapshots`]). After
/// an error it ends.
#[derive(Debug)]
pub struct Snapshots<'a> {
    entries: &'a [StoredSnapshot],
    next: usize,
    previous: Option<Snapshot>,
    failed: bool,
}

impl Iterator for Snapshots<'_> {
    type Item = Result<Snapshot, HistoryError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let entry = self.entries.get(self.next)?;
        let index = self.next;
        self.next += 1;
        match decode_snapshot(&entry.bytes, self.previous.as_ref()) {
            Ok(snapshot) => {
                self.previous = Some(snapshot.clone());
                Some(Ok(snapshot))
            }
            Err(e) => {
                self.failed = true;
                Some(Err(e.in_snapshot(index, self.entries.len())))
            }
        }
    }
}

/// Reads an export file (see [`History::export`]) back into a history,
/// decoding every snapshot once, so that a damaged or foreign file is
/// refused as a whole before anything is kept.
pub fn decode_history_file(bytes: &[u8]) -> Result<History, HistoryError> {
    if bytes.len() < FILE_MAGIC.len() + 1 || &bytes[..FILE_MAGIC.len()] != FILE_MAGIC {
        return Err(HistoryError::foreign("it does not start with KDHISTORY"));
    }
    let version = bytes[FILE_MAGIC.len()];
    if version > HISTORY_FILE_VERSION {
        return Err(HistoryError::newer(version));
    }
    if version == 0 {
        return Err(HistoryError::damaged("its format version is 0"));
    }
    let mut r = Reader::new(&bytes[FILE_MAGIC.len() + 1..], "the history file");
    let count = r.len(MAX_SNAPSHOTS)?;
    let mut stored = Vec::with_capacity(count.min(1024));
    for i in 0..count {
        let len = r.len(r.remaining()).map_err(|e| e.in_snapshot(i, count))?;
        stored.push(r.take(len)?.to_vec());
    }
    r.finish()?;
    let mut history = History::from_stored(stored)?;
    let mut newest = None;
    for snapshot in history.snapshots() {
        newest = Some(snapshot?);
    }
    history.newest = newest;
    Ok(history)
}
