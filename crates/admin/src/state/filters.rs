//! [`Filters`]: which rows are shown. Every filter is optional; a row is
//! shown when it passes all of them. The usage histogram's buckets
//! ([`bucket_of`]) are a filter too, set by clicking a bar.

use koodrive_core::UsageState;

use super::departments::Group;
use super::directory::{Directory, NONE};
use super::rows::{Row, Rows};
use super::times::DAY_MS;
use super::units::WireUnit;

/// How many buckets the usage histogram has: ten of 10 %, one for 100 % and
/// over ([`FULL`]), and one for users without a usable quota ([`NO_QUOTA`]).
pub const BUCKETS: usize = 12;

/// The bucket of 100 % and over: the users in state `exceeded`.
pub const FULL: usize = 10;

/// The bucket of users with no usable quota: a quota of `0` with nothing
/// used, or a record the page cannot read.
pub const NO_QUOTA: usize = 11;

/// The histogram bucket of a usage ratio: `0` for [0 %, 10 %), …, `9` for
/// [90 %, 100 %), [`FULL`] for 100 % and over — the rule of state
/// `exceeded`, so the bar and the state agree. `None` without a ratio.
pub fn bucket_of(ratio: Option<f64>) -> Option<usize> {
    let r = ratio?;
    if r.is_nan() || r < 0.0 {
        return None;
    }
    if r >= 1.0 {
        return Some(FULL);
    }
    // A hair of slack keeps 0.3 (2.9999… tenths in floating point) in the
    // 30 % bucket; below 100 % it never reaches the full bucket.
    Some(((r * 10.0 + 1e-9).floor() as usize).min(FULL - 1))
}

/// The bucket of a row: by its ratio; a quota of `0` with space used is
/// full (state `exceeded`), and every other row without a ratio is in
/// [`NO_QUOTA`]. Every row lands in exactly one bucket.
pub fn bucket_of_row(row: Row<'_>) -> usize {
    match bucket_of(row.ratio()) {
        Some(b) => b,
        None if row.quota() == Some(0) && row.used().is_some_and(|u| u > 0.0) => FULL,
        None => NO_QUOTA,
    }
}

/// The range of a bucket in words: `40–50%`, `≥100%` (the words of the
/// [`NO_QUOTA`] bucket are the language's: see `i18n`).
pub fn bucket_range(bucket: usize) -> String {
    if bucket >= FULL {
        "≥100%".to_owned()
    } else {
        format!("{}–{}%", bucket * 10, bucket * 10 + 10)
    }
}

/// The filters of the table. Ranges are inclusive; numbers are as typed
/// (GiB for quotas, percent for usage, days for expiry).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Filters {
    /// Part of the user id, case-insensitive; empty shows all.
    pub text: String,
    /// Only this state.
    pub state: Option<UsageState>,
    /// Quota at least this many GiB.
    pub quota_min_gib: Option<f64>,
    /// Quota at most this many GiB.
    pub quota_max_gib: Option<f64>,
    /// Usage at least this percentage.
    pub usage_min_pct: Option<f64>,
    /// Usage at most this percentage.
    pub usage_max_pct: Option<f64>,
    /// Expires within this many days from now, and has not expired yet.
    pub expires_within_days: Option<f64>,
    /// Only users whose quota has expired.
    pub expired: bool,
    /// Only this histogram bucket.
    pub bucket: Option<usize>,
    /// Only this department (set from the departments view).
    pub department: Option<Group>,
    /// Only users in (`true`) or not in (`false`) the directory.
    pub in_directory: Option<bool>,
}

/// What a row is judged against besides the filters.
#[derive(Debug, Clone, Copy)]
pub struct FilterContext {
    /// What the wire numbers count (for the quota range in GiB).
    pub unit: WireUnit,
    /// Now, Unix ms (for the expiry filter).
    pub now_ms: i64,
}

const GIB: f64 = 1_073_741_824.0;
/// Slack for comparing typed percentages with computed ratios.
const EPSILON: f64 = 1e-9;

impl Filters {
    /// Whether any filter is set.
    pub fn is_active(&self) -> bool {
        *self != Self::default()
    }

    /// Whether `row`, whose state is `state`, passes every filter.
    pub fn matches(&self, row: Row<'_>, state: UsageState, ctx: &FilterContext) -> bool {
        self.matches_except_bucket(row, state, ctx)
            && self.bucket.is_none_or(|b| bucket_of_row(row) == b)
    }

    /// Whether `row` passes every filter but the histogram bucket (the
    /// histogram shows the rows the other filters leave).
    pub fn matches_except_bucket(
        &self,
        row: Row<'_>,
        state: UsageState,
        ctx: &FilterContext,
    ) -> bool {
        let text = self.text.trim();
        if !text.is_empty() && !contains_ignore_case(row.user_id(), text) {
            return false;
        }
        self.matches_except_text_and_bucket(row, state, ctx)
    }

    /// Whether any filter but the text and the histogram bucket is set.
    pub fn others_active(&self) -> bool {
        self.state.is_some()
            || self.quota_min_gib.is_some()
            || self.quota_max_gib.is_some()
            || self.usage_min_pct.is_some()
            || self.usage_max_pct.is_some()
            || self.expires_within_days.is_some()
            || self.expired
            || self.department.is_some()
            || self.in_directory.is_some()
    }

    /// Whether a row joined to `entry` (see [`Directory::join`]) passes the
    /// directory's filters; without a directory they do not apply.
    pub fn matches_directory(&self, directory: Option<&Directory>, entry: u32) -> bool {
        let Some(directory) = directory else {
            return true;
        };
        self.in_directory
            .is_none_or(|inside| inside == (entry != NONE))
            && self
                .department
                .is_none_or(|g| g == Group::of(directory, entry))
    }

    /// The text filter as [`SearchKeys`] match it: trimmed, ASCII
    /// lower-cased, without control characters (which keys use between
    /// their parts).
    pub fn needle(&self) -> String {
        self.text
            .trim()
            .chars()
            .filter(|c| !c.is_control())
            .map(|c| c.to_ascii_lowercase())
            .collect()
    }

    /// Whether `row` passes every filter but the text and the histogram
    /// bucket (the text is matched over [`SearchKeys`], all rows at once).
    pub fn matches_except_text_and_bucket(
        &self,
        row: Row<'_>,
        state: UsageState,
        ctx: &FilterContext,
    ) -> bool {
        if self.state.is_some_and(|s| s != state) {
            return false;
        }
        if self.quota_min_gib.is_some() || self.quota_max_gib.is_some() {
            let Some(quota) = row.quota() else {
                return false;
            };
            let gib = ctx.unit.to_bytes(quota as f64) / GIB;
            if self.quota_min_gib.is_some_and(|min| gib < min - EPSILON)
                || self.quota_max_gib.is_some_and(|max| gib > max + EPSILON)
            {
                return false;
            }
        }
        if self.usage_min_pct.is_some() || self.usage_max_pct.is_some() {
            let Some(ratio) = row.ratio() else {
                return false;
            };
            let pct = ratio * 100.0;
            if self.usage_min_pct.is_some_and(|min| pct < min - EPSILON)
                || self.usage_max_pct.is_some_and(|max| pct > max + EPSILON)
            {
                return false;
            }
        }
        if let Some(days) = self.expires_within_days {
            // Only quotas not expired yet: expired ones have their own filter.
            let Some(left) = row.expires_in_ms(ctx.now_ms) else {
                return false;
            };
            if left <= 0 || left as f64 > days * DAY_MS as f64 {
                return false;
            }
        }
        if self.expired && !row.is_expired(ctx.now_ms) {
            return false;
        }
        true
    }
}

/// Whether `needle` is in `haystack`, ignoring ASCII case (ids are ASCII;
/// other letters must match exactly, which keeps Unicode's case tables out
/// of the page).
fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    n.len() <= h.len() && h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

/// Whether `key` contains `needle` (both lower-cased already).
fn key_contains(key: &[u8], needle: &[u8]) -> bool {
    let Some((&first, rest)) = needle.split_first() else {
        return true;
    };
    if rest.is_empty() {
        return key.contains(&first);
    }
    if needle.len() > key.len() {
        return false;
    }
    let last_start = key.len() - needle.len();
    key[..=last_start]
        .iter()
        .enumerate()
        .any(|(p, &b)| b == first && key[p + 1..p + needle.len()] == *rest)
}

/// One ASCII lower-cased search key per row (its user id, and with a
/// directory its name, email and department, kept apart by a separator no
/// one types), built once when the rows arrive, all in one buffer: a
/// keystroke in the filter then scans bytes without allocating or
/// lower-casing anything per row. Without a directory, ids that hold no
/// capital are their own keys ([`Rows::id_keys`]) and none are built.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchKeys {
    bytes: Vec<u8>,
    /// Where the key of row `i` ends in `bytes` (it starts where `i - 1`'s ends).
    ends: Vec<u32>,
    /// Which characters each key holds ([`char_bits`]).
    masks: Vec<u32>,
}

/// Which characters `bytes` hold, as bits: one bit for each digit, the
/// other bytes sharing the 22 bits left. A key without every bit of a
/// needle cannot contain it (most keys are skipped without reading them),
/// and a one-digit needle is decided by its bit alone.
pub fn char_bits(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0, |bits, &b| {
        let b = b.to_ascii_lowercase();
        bits | if b.is_ascii_digit() {
            1 << (b - b'0')
        } else {
            1 << (10 + u32::from(b) % 22)
        }
    })
}

/// Between the parts of a key: a control character no filter contains.
const SEPARATOR: u8 = 0x1f;

impl SearchKeys {
    /// The keys of `rows`, with `directory` and its join to the rows;
    /// `None` when the rows' ids are the keys ([`Rows::id_keys`]).
    pub fn new(rows: &Rows, directory: Option<(&Directory, &[u32])>) -> Option<Self> {
        if directory.is_none() && rows.id_keys().is_some() {
            return None;
        }
        let per_row = if directory.is_some() { 64 } else { 20 };
        let mut bytes = Vec::with_capacity(rows.len() * per_row);
        let mut ends = Vec::with_capacity(rows.len());
        let mut masks = Vec::with_capacity(rows.len());
        let lower = |bytes: &mut Vec<u8>, text: &str| {
            bytes.extend(text.bytes().map(|b| b.to_ascii_lowercase()));
        };
        for (i, row) in rows.iter().enumerate() {
            lower(&mut bytes, row.user_id());
            if let Some(entry) = directory.and_then(|(d, join)| d.entry(*join.get(i)?)) {
                for text in [entry.name, entry.email, entry.department.unwrap_or("")] {
                    bytes.push(SEPARATOR);
                    lower(&mut bytes, text);
                }
            }
            let start = ends.last().map_or(0, |&e| e as usize);
            masks.push(char_bits(&bytes[start..]));
            ends.push(bytes.len() as u32);
        }
        Some(Self { bytes, ends, masks })
    }

    /// The keys to scan.
    pub fn view(&self) -> KeyView<'_> {
        KeyView::new(&self.bytes, &self.ends, &self.masks)
    }
}

/// Search keys as they lie in memory: one buffer and where each key ends.
#[derive(Debug, Clone, Copy)]
pub struct KeyView<'a> {
    bytes: &'a [u8],
    ends: &'a [u32],
    masks: &'a [u32],
}

/// A needle as keys are searched for it.
struct Needle<'a> {
    bytes: &'a [u8],
    bits: u32,
    /// Whether the bits alone decide (one digit).
    by_bits: bool,
}

impl<'a> Needle<'a> {
    fn new(needle: &'a str) -> Self {
        let bytes = needle.as_bytes();
        Self {
            bytes,
            bits: char_bits(bytes),
            by_bits: bytes.len() == 1 && bytes[0].is_ascii_digit(),
        }
    }
}

impl<'a> KeyView<'a> {
    /// The keys in `bytes`, key `i` ending at `ends[i]` (each starts where
    /// the one before ends) and holding the characters `masks[i]`
    /// ([`char_bits`]).
    pub fn new(bytes: &'a [u8], ends: &'a [u32], masks: &'a [u32]) -> Self {
        Self { bytes, ends, masks }
    }

    /// Whether key `i`, from `start` to `end`, contains `needle`.
    fn has(&self, i: usize, start: u32, end: u32, needle: &Needle<'_>) -> bool {
        let bits = self.masks.get(i).copied().unwrap_or(u32::MAX);
        bits & needle.bits == needle.bits
            && (needle.by_bits
                || key_contains(&self.bytes[start as usize..end as usize], needle.bytes))
    }

    /// The keys of `rows`: `keys` when they were built, else the ids.
    pub fn of(keys: Option<&'a SearchKeys>, rows: &'a Rows) -> Self {
        keys.map(SearchKeys::view)
            .or_else(|| rows.id_keys())
            .unwrap_or(Self::new(&[], &[], &[]))
    }

    /// How many rows have a key.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there is no key.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Every row whose key contains `needle`, in the order received (the
    /// keys as they lie in memory: one pass, no jumps).
    pub fn filter_all(&self, needle: &str) -> Vec<u32> {
        if needle.is_empty() {
            return (0..self.ends.len() as u32).collect();
        }
        let needle = Needle::new(needle);
        let mut start = 0;
        // Room for every row: a short filter matches most of them.
        let mut out = Vec::with_capacity(self.ends.len());
        for (i, &end) in self.ends.iter().enumerate() {
            if self.has(i, start, end, &needle) {
                out.push(i as u32);
            }
            start = end;
        }
        if out.len() < out.capacity() / 2 {
            out.shrink_to_fit();
        }
        out
    }

    /// The indices of `order` whose key contains `needle`, in order.
    pub fn filter(&self, order: &[u32], needle: &str) -> Vec<u32> {
        if needle.is_empty() {
            return order.to_vec();
        }
        let needle = Needle::new(needle);
        order
            .iter()
            .copied()
            .filter(|&i| {
                let i = i as usize;
                match self.ends.get(i) {
                    Some(&end) => {
                        let start = if i == 0 { 0 } else { self.ends[i - 1] };
                        self.has(i, start, end, &needle)
                    }
                    None => false,
                }
            })
            .collect()
    }
}

/// The rows of `order` (`None`: every row, in the order received) whose
/// key contains `needle`, reusing `previous`, the rows of the same order
/// that matched `previous_needle`, when it can: a needle that contains the
/// previous one (one more character typed) only matches rows the previous
/// one matched, so only those are scanned.
pub fn filter_text(
    keys: KeyView<'_>,
    order: Option<&[u32]>,
    needle: &str,
    previous: Option<(&str, &[u32])>,
) -> Vec<u32> {
    match previous {
        Some((prev_needle, prev)) if !prev_needle.is_empty() && needle.contains(prev_needle) => {
            if prev_needle == needle {
                prev.to_vec()
            } else {
                keys.filter(prev, needle)
            }
        }
        _ => match order {
            Some(order) => keys.filter(order, needle),
            None => keys.filter_all(needle),
        },
    }
}

#[cfg(test)]
mod tests {
    use koodrive_core::{Thresholds, UserSpaceQuota};

    use super::*;

    const NOW: i64 = 1_765_000_000_000;

    fn row(id: &str, quota: u64, used: f64, expires_in_days: Option<i64>) -> UserSpaceQuota {
        let mut record = UserSpaceQuota::new(id, quota, used);
        record.expiration_time =
            expires_in_days.map(|d| super::super::times::iso_utc(NOW + d * DAY_MS));
        record
    }

    fn shown(filters: &Filters, rows: &Rows) -> Vec<String> {
        let ctx = FilterContext {
            unit: WireUnit::KiB,
            now_ms: NOW,
        };
        let t = Thresholds::default();
        rows.iter()
            .filter(|r| filters.matches(*r, r.state(&t), &ctx))
            .map(|r| r.user_id().to_owned())
            .collect()
    }

    fn sample() -> Rows {
        [
            row("1001", 1_048_576, 104_857.6, Some(3)), // 1 GiB, 10 %, in 3 days
            row("1002", 10_485_760, 9_961_472.0, Some(-2)), // 10 GiB, 95 %, expired
            row("2003", 104_857_600, 104_857_600.0, Some(40)), // 100 GiB, 100 %
            row("2004", 0, 0.0, None),                  // zero quota
        ]
        .into_iter()
        .collect()
    }

    #[test]
    fn no_filter_shows_everyone() {
        assert_eq!(shown(&Filters::default(), &sample()).len(), 4);
        assert!(!Filters::default().is_active());
    }

    #[test]
    fn text_and_state_filters() {
        let f = Filters {
            text: "100".into(),
            ..Filters::default()
        };
        assert_eq!(shown(&f, &sample()), ["1001", "1002"]);
        let f = Filters {
            state: Some(UsageState::Nearing),
            ..Filters::default()
        };
        assert_eq!(shown(&f, &sample()), ["1002"]);
        let f = Filters {
            state: Some(UsageState::Exceeded),
            ..Filters::default()
        };
        assert_eq!(shown(&f, &sample()), ["2003"]);
    }

    #[test]
    fn quota_range_is_in_gib_of_the_chosen_unit() {
        let f = Filters {
            quota_min_gib: Some(10.0),
            quota_max_gib: Some(100.0),
            ..Filters::default()
        };
        assert_eq!(shown(&f, &sample()), ["1002", "2003"]);
    }

    #[test]
    fn usage_range_is_inclusive_and_skips_unknown_ratios() {
        let f = Filters {
            usage_min_pct: Some(10.0),
            usage_max_pct: Some(95.0),
            ..Filters::default()
        };
        assert_eq!(shown(&f, &sample()), ["1001", "1002"]);
    }

    #[test]
    fn expires_within_leaves_the_expired_to_their_own_filter() {
        let f = Filters {
            expires_within_days: Some(7.0),
            ..Filters::default()
        };
        assert_eq!(shown(&f, &sample()), ["1001"]);
        let f = Filters {
            expired: true,
            ..Filters::default()
        };
        assert_eq!(shown(&f, &sample()), ["1002"]);
        assert!(f.is_active() && f.others_active());
    }

    #[test]
    fn every_row_lands_in_one_bucket_and_the_full_one_is_the_exceeded_state() {
        let t = Thresholds::default();
        let mut rows = sample();
        rows.push(row("3001", 10_000, 9_999.5, None)); // 99.995 %: critical
        rows.push(row("3002", 0, 5.0, None)); // quota 0, used: exceeded
        let mut bad = UserSpaceQuota::new("3003", 1, 1.0);
        bad.quota = "x".into();
        rows.push(bad);
        let buckets: Vec<usize> = rows.iter().map(bucket_of_row).collect();
        assert_eq!(buckets, [1, 9, FULL, NO_QUOTA, 9, FULL, NO_QUOTA]);
        for (row, b) in rows.iter().zip(&buckets) {
            assert_eq!(
                *b == FULL,
                row.state(&t) == UsageState::Exceeded,
                "{}: the bar and the state agree",
                row.user_id()
            );
        }
    }

    /// Rows with varied ids: cases, non-ASCII, empty, repeats.
    fn many() -> Rows {
        let mut ids: Vec<String> = (0..300)
            .map(|i| match i % 5 {
                0 => format!("User{i}"),
                1 => format!("uSeR-{}-x", i * 7),
                2 => format!("{i}7ABc"),
                3 => format!("Ünï{i}é"),
                _ => format!("{}", i * 13),
            })
            .collect();
        ids.extend(["".into(), "7".into(), "AbC".into(), "aaab".into()]);
        ids.into_iter()
            .map(|id| row(&id, 1_048_576, 1.0, None))
            .collect()
    }

    #[test]
    fn search_keys_match_exactly_as_the_row_filter_does() {
        let rows = many();
        let built = SearchKeys::new(&rows, None);
        let keys = KeyView::of(built.as_ref(), &rows);
        assert_eq!(keys.len(), rows.len());
        let ctx = FilterContext {
            unit: WireUnit::KiB,
            now_ms: NOW,
        };
        let t = Thresholds::default();
        // A shuffled order: results must keep it.
        let mut order: Vec<u32> = (0..rows.len() as u32).collect();
        order.sort_by_key(|&i| (i * 7919) % rows.len() as u32);
        let queries = [
            "",
            " ",
            "7",
            "u",
            "US",
            "user",
            "user1",
            " user1 ",
            "-x",
            "abc",
            "7ABC",
            "ab",
            "aab",
            "ü",
            "Ünï",
            "ÜNÏ",
            "é",
            "zz",
            "1",
            "13",
            "130",
            "13000000000",
        ];
        for q in queries {
            let f = Filters {
                text: q.into(),
                ..Filters::default()
            };
            let expected: Vec<u32> = order
                .iter()
                .copied()
                .filter(|&i| f.matches(rows.at(i), rows.at(i).state(&t), &ctx))
                .collect();
            assert_eq!(keys.filter(&order, &f.needle()), expected, "query {q:?}");
            assert_eq!(
                filter_text(keys, Some(&order), &f.needle(), None),
                expected,
                "query {q:?}"
            );
        }
    }

    #[test]
    fn ids_without_capitals_are_their_own_keys() {
        let rows: Rows = (0..500u64)
            .map(|i| row(&(i * 37).to_string(), 100, 1.0, None))
            .collect();
        assert!(SearchKeys::new(&rows, None).is_none(), "no copy of the ids");
        let keys = KeyView::of(None, &rows);
        let ctx = FilterContext {
            unit: WireUnit::KiB,
            now_ms: NOW,
        };
        let t = Thresholds::default();
        for q in ["", "3", "37", "1", "999", "185", " 74 "] {
            let f = Filters {
                text: q.into(),
                ..Filters::default()
            };
            let expected: Vec<u32> = (0..rows.len() as u32)
                .filter(|&i| f.matches(rows.at(i), rows.at(i).state(&t), &ctx))
                .collect();
            assert!(!expected.is_empty(), "query {q:?}");
            assert_eq!(keys.filter_all(&f.needle()), expected, "query {q:?}");
        }
    }

    #[test]
    fn a_filter_finds_the_same_rows_in_any_order_few_or_many() {
        let rows = many();
        let built = SearchKeys::new(&rows, None);
        let keys = KeyView::of(built.as_ref(), &rows);
        let all: Vec<u32> = (0..rows.len() as u32).collect();
        let backwards: Vec<u32> = all.iter().rev().copied().collect();
        // A few rows: those are looked up one by one.
        let few = [5, 3, 0, 301];
        for q in ["7", "user1", "ab", "", "zz"] {
            let everyone = keys.filter_all(q);
            assert_eq!(everyone, keys.filter(&all, q), "query {q:?}");
            assert_eq!(filter_text(keys, None, q, None), everyone, "query {q:?}");
            let reversed: Vec<u32> = everyone.iter().rev().copied().collect();
            assert_eq!(keys.filter(&backwards, q), reversed, "query {q:?}");
            let expected: Vec<u32> = few
                .iter()
                .copied()
                .filter(|i| everyone.contains(i))
                .collect();
            assert_eq!(keys.filter(&few, q), expected, "query {q:?}");
        }
    }

    #[test]
    fn typing_on_narrows_the_previous_result_with_the_same_rows() {
        let rows = many();
        let built = SearchKeys::new(&rows, None);
        let keys = KeyView::of(built.as_ref(), &rows);
        let order: Vec<u32> = (0..rows.len() as u32).rev().collect();
        let steps = [
            "", "u", "us", "use", "user", "user1", "user", "us", "7", "7a", "7ab", "ab",
        ];
        let mut previous: Option<(String, Vec<u32>)> = None;
        for q in steps {
            let got = filter_text(
                keys,
                Some(&order),
                q,
                previous.as_ref().map(|(n, p)| (n.as_str(), p.as_slice())),
            );
            assert_eq!(got, keys.filter(&order, q), "query {q:?}");
            previous = Some((q.to_owned(), got));
        }
    }

    #[test]
    fn other_filters_apart_from_the_text_combine_as_before() {
        let rows = sample();
        let ctx = FilterContext {
            unit: WireUnit::KiB,
            now_ms: NOW,
        };
        let t = Thresholds::default();
        let built = SearchKeys::new(&rows, None);
        let keys = KeyView::of(built.as_ref(), &rows);
        let order: Vec<u32> = (0..rows.len() as u32).collect();
        let f = Filters {
            text: "10".into(),
            expires_within_days: Some(7.0),
            ..Filters::default()
        };
        assert!(f.others_active());
        assert!(!Filters::default().others_active());
        let two_steps: Vec<u32> = keys
            .filter(&order, &f.needle())
            .into_iter()
            .filter(|&i| {
                let r = rows.at(i);
                f.matches_except_text_and_bucket(r, r.state(&t), &ctx)
            })
            .collect();
        let direct: Vec<u32> = order
            .iter()
            .copied()
            .filter(|&i| {
                let r = rows.at(i);
                f.matches_except_bucket(r, r.state(&t), &ctx)
            })
            .collect();
        assert_eq!(two_steps, direct);
        assert_eq!(direct, [0], "1002 has expired: not 'within 7 days'");
    }

    #[test]
    fn buckets_are_tens_of_percent_and_a_last_for_full() {
        assert_eq!(bucket_of(Some(0.0)), Some(0));
        assert_eq!(bucket_of(Some(0.3)), Some(3));
        assert_eq!(bucket_of(Some(0.95)), Some(9));
        assert_eq!(bucket_of(Some(1.0)), Some(10));
        assert_eq!(bucket_of(Some(7.0)), Some(10));
        assert_eq!(bucket_of(None), None);
        assert_eq!(bucket_range(4), "40–50%");
        assert_eq!(bucket_range(10), "≥100%");
        let f = Filters {
            bucket: Some(9),
            ..Filters::default()
        };
        assert_eq!(shown(&f, &sample()), ["1002"]);
    }

    #[test]
    fn with_a_directory_names_emails_and_departments_match_too()
    -> Result<(), super::super::directory::DirectoryError> {
        use super::super::directory::DirectoryFile;
        let file = "userId,name,email,department\n1001,Ada Lovelace,ada@x.org,Research\n1002,Bob,bob@x.org,\n";
        let file = DirectoryFile::read("d.csv", file.as_bytes().to_vec())?;
        let directory = file.apply(file.guessed)?;
        let rows = sample();
        let join = directory.join(&rows);
        let built = SearchKeys::new(&rows, Some((&directory, &join)));
        let keys = KeyView::of(built.as_ref(), &rows);
        let order: Vec<u32> = (0..rows.len() as u32).collect();
        assert_eq!(keys.filter(&order, "lovelace"), [0]);
        assert_eq!(keys.filter(&order, "@x.org"), [0, 1]);
        assert_eq!(keys.filter(&order, "research"), [0]);
        assert_eq!(keys.filter(&order, "200"), [2, 3], "ids still match");
        let pasted = Filters {
            text: "ce\u{1f}ada".into(),
            ..Filters::default()
        };
        assert_eq!(keys.filter(&order, &pasted.needle()), Vec::<u32>::new());
        assert_eq!(
            keys.filter(&order, "ceada"),
            Vec::<u32>::new(),
            "no match across fields"
        );
        let only_outside = Filters {
            in_directory: Some(false),
            ..Filters::default()
        };
        let shown: Vec<usize> = (0..rows.len())
            .filter(|&i| only_outside.matches_directory(Some(&directory), join[i]))
            .collect();
        assert_eq!(shown, [2, 3]);
        let research = Filters {
            department: Some(Group::Named(0)),
            ..Filters::default()
        };
        assert!(research.matches_directory(Some(&directory), join[0]));
        assert!(!research.matches_directory(Some(&directory), join[1]));
        assert!(
            research.matches_directory(None, NONE),
            "no directory: no directory filter"
        );
        Ok(())
    }
}
