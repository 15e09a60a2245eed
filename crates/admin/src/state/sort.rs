//! [`Sort`]: the order of the table, by any column, either way. Sorting works
//! on row indices and on the numbers parsed once in [`Row`]; rows without a
//! value (a bad record, no expiry) go last in both directions.

use std::cmp::Ordering;

use koodrive_core::UsageState;

use super::collate::sort_u32;
use super::directory::{Directory, Field};
use super::history::HistoryKey;
use super::rows::{Rows, state_index};

/// A column of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortColumn {
    /// `userId`, numerically when both are digits.
    UserId,
    /// The directory's name.
    Name,
    /// The directory's email.
    Email,
    /// The directory's department.
    Department,
    /// `quota`.
    Quota,
    /// `used`.
    Used,
    /// `quota - used`.
    Free,
    /// The usage ratio.
    Usage,
    /// The state, by severity.
    State,
    /// `effectiveTime`.
    Effective,
    /// `expirationTime`.
    Expires,
    /// Usage growth per day, from the usage history.
    Growth,
    /// When the user is full, from the usage history.
    FullIn,
}

impl SortColumn {
    /// The CSS class of its header: `col-userid`, `col-used`, ….
    pub fn class(self) -> &'static str {
        match self {
            Self::UserId => "col-userid",
            Self::Name => "col-name",
            Self::Email => "col-email",
            Self::Department => "col-department",
            Self::Quota => "col-quota",
            Self::Used => "col-used",
            Self::Free => "col-free",
            Self::Usage => "col-usage",
            Self::State => "col-state",
            Self::Effective => "col-effective",
            Self::Expires => "col-expires",
            Self::Growth => "col-growth",
            Self::FullIn => "col-full-in",
        }
    }

    /// Every column, in the table's order.
    pub const ALL: [SortColumn; 13] = [
        Self::UserId,
        Self::Name,
        Self::Email,
        Self::Department,
        Self::Quota,
        Self::Used,
        Self::Free,
        Self::Usage,
        Self::State,
        Self::Effective,
        Self::Expires,
        Self::Growth,
        Self::FullIn,
    ];

    /// Whether the column comes from the directory (shown only with one).
    pub fn from_directory(self) -> bool {
        matches!(self, Self::Name | Self::Email | Self::Department)
    }

    /// Whether the column comes from the usage history (shown only with one).
    pub fn from_history(self) -> bool {
        matches!(self, Self::Growth | Self::FullIn)
    }

    /// Whether a first click sorts it from A (text), or soonest full first,
    /// rather than largest first.
    fn text(self) -> bool {
        matches!(
            self,
            Self::UserId | Self::Name | Self::Email | Self::Department | Self::FullIn
        )
    }
}

/// A column and a direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    /// The column.
    pub column: SortColumn,
    /// Largest first when true.
    pub descending: bool,
}

impl Sort {
    /// The sort after clicking `column`'s header: that column ascending, or the
    /// other direction when it was already sorted by it. Numbers start with
    /// the largest first (who is fullest), names with A.
    pub fn clicked(current: Option<Sort>, column: SortColumn) -> Sort {
        match current {
            Some(s) if s.column == column => Sort {
                column,
                descending: !s.descending,
            },
            _ => Sort {
                column,
                descending: !column.text(),
            },
        }
    }
}

fn compare_ids(a: &str, b: &str) -> Ordering {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    if digits(a) && digits(b) {
        let (a, b) = (a.trim_start_matches('0'), b.trim_start_matches('0'));
        a.len().cmp(&b.len()).then_with(|| a.cmp(b))
    } else {
        a.cmp(b)
    }
}

/// A float as a `u64` in [`f64::total_cmp`]'s order.
fn f64_key(x: f64) -> u64 {
    let bits = x.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | 1 << 63
    }
}

/// A signed integer as a `u64` in its order.
fn i64_key(x: i64) -> u64 {
    (x as u64) ^ (1 << 63)
}

/// Sorts `items` by their key, stably (a least-significant-digit radix
/// sort, a byte at a time, skipping the bytes every key shares): a million
/// rows in a few passes over memory, where comparing rows would take tens
/// of millions of comparisons, each reading two rows.
fn radix_sort(items: &mut Vec<(u64, u32)>) {
    let n = items.len();
    let mut counts = [[0usize; 256]; 8];
    for &(key, _) in items.iter() {
        for (byte, count) in counts.iter_mut().enumerate() {
            count[(key >> (8 * byte)) as u8 as usize] += 1;
        }
    }
    let mut spare = vec![(0u64, 0u32); n];
    let (mut from, mut to) = (&mut *items, &mut spare);
    let mut swapped = false;
    for (byte, count) in counts.iter().enumerate() {
        if count.contains(&n) {
            continue;
        }
        let mut at = [0usize; 256];
        let mut sum = 0;
        for (a, c) in at.iter_mut().zip(count) {
            *a = sum;
            sum += c;
        }
        for &(key, i) in from.iter() {
            let digit = (key >> (8 * byte)) as u8 as usize;
            to[at[digit]] = (key, i);
            at[digit] += 1;
        }
        std::mem::swap(&mut from, &mut to);
        swapped = !swapped;
    }
    if swapped {
        items.copy_from_slice(&spare);
    }
}

/// Sorts `indices` (into `rows` and `states`) by `sort`; stable, so equal
/// rows keep the order the server gave. The directory's columns need the
/// directory and its join to the rows, the history's columns each row's
/// [`HistoryKey`]; users without a value go last.
///
/// Every column but the user id is sorted by one number per row, read once
/// (its order as a `u64`, see [`radix_sort`]); ids, compared as numbers or
/// as text, go through [`sort_u32`].
pub fn sort_indices(
    indices: &mut [u32],
    rows: &Rows,
    states: &[UsageState],
    sort: Sort,
    directory: Option<(&Directory, &[u32])>,
    history: &[HistoryKey],
) {
    if sort.column == SortColumn::UserId {
        let compare = |a: u32, b: u32| {
            let o = compare_ids(rows.at(a).user_id(), rows.at(b).user_id());
            if sort.descending { o.reverse() } else { o }
        };
        sort_u32(indices, &compare);
        return;
    }
    let key = |i: usize| history.get(i).copied().unwrap_or_default();
    // The directory's columns sort by each entry's rank, computed once
    // when the directory was applied: numbers, not texts, are compared.
    let rank = |i: usize, field: Field| {
        let (directory, join) = directory?;
        directory.sort_rank(*join.get(i)?, field)
    };
    let severity = |i: usize| {
        let s = states.get(i).copied().unwrap_or(UsageState::Unknown);
        (s != UsageState::Unknown).then(|| state_index(s))
    };
    // A row's value as a `u64` in the column's ascending order.
    let value = |i: usize| -> Option<u64> {
        let row = rows.at(i as u32);
        match sort.column {
            SortColumn::UserId => None,
            SortColumn::Name => rank(i, Field::Name).map(u64::from),
            SortColumn::Email => rank(i, Field::Email).map(u64::from),
            SortColumn::Department => rank(i, Field::Department).map(u64::from),
            SortColumn::Quota => row.quota(),
            SortColumn::Used => row.used().map(f64_key),
            SortColumn::Free => row.free().map(f64_key),
            SortColumn::Usage => row.ratio().map(f64_key),
            SortColumn::State => severity(i).map(|s| s as u64),
            SortColumn::Effective => row.effective_ms().map(i64_key),
            SortColumn::Expires => row.expires_ms().map(i64_key),
            SortColumn::Growth => key(i).growth.map(f64_key),
            SortColumn::FullIn => key(i).full_at_ms.map(i64_key),
        }
    };
    let mut valued: Vec<(u64, u32)> = Vec::with_capacity(indices.len());
    let mut without: Vec<u32> = Vec::new();
    for &i in indices.iter() {
        match value(i as usize) {
            // Largest first: the keys turned over, ties still in order.
            Some(k) => valued.push((if sort.descending { !k } else { k }, i)),
            None => without.push(i),
        }
    }
    radix_sort(&mut valued);
    let sorted = valued.iter().map(|&(_, i)| i).chain(without);
    for (slot, i) in indices.iter_mut().zip(sorted) {
        *slot = i;
    }
}

#[cfg(test)]
mod tests {
    use koodrive_core::{Thresholds, UserSpaceQuota};

    use super::*;

    fn rows() -> Rows {
        let mut bad = UserSpaceQuota::new("30", 10, 1.0);
        bad.quota = "x".into();
        [
            UserSpaceQuota::new("200", 100, 50.0),
            bad,
            UserSpaceQuota::new("1000", 100, 99.5),
            UserSpaceQuota::new("9", 1000, 10.0),
        ]
        .into_iter()
        .collect()
    }

    fn order(sort: Sort) -> Vec<String> {
        let rows = rows();
        let t = Thresholds::default();
        let states: Vec<UsageState> = rows.iter().map(|r| r.state(&t)).collect();
        let mut idx: Vec<u32> = (0..rows.len() as u32).collect();
        sort_indices(&mut idx, &rows, &states, sort, None, &[]);
        idx.iter()
            .map(|&i| rows.at(i).user_id().to_owned())
            .collect()
    }

    /// The order of the comparisons the radix sort replaces.
    /// Compares two optional values; `None` is last whatever the direction.
    fn by_option<T>(
        a: Option<T>,
        b: Option<T>,
        descending: bool,
        cmp: impl Fn(&T, &T) -> Ordering,
    ) -> Ordering {
        match (a, b) {
            (Some(a), Some(b)) => {
                let o = cmp(&a, &b);
                if descending { o.reverse() } else { o }
            }
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        }
    }

    #[test]
    fn numbers_sort_as_compared_one_by_one_ties_kept_in_order() {
        // A fixed pseudo-random walk over awkward values: ties, -0 and 0,
        // negatives, infinities, NaN, huge quotas and records without a value.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let floats = [
            0.0,
            -0.0,
            1.5,
            -2.0,
            1e300,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            7.0,
        ];
        let mut rows = Rows::new();
        for k in 0..2000 {
            let r = next();
            let used = if r % 5 == 0 {
                floats[(r >> 8) as usize % floats.len()]
            } else {
                (r >> 20) as f64 / 1024.0
            };
            let mut record = UserSpaceQuota::new(k.to_string(), (r >> 40) % 7 * 1_000_000, used);
            match r % 11 {
                0 => record.quota = "x".into(),
                1 => record.quota = u64::MAX.to_string(),
                _ => {}
            }
            record.expiration_time =
                (r % 3 != 0).then(|| super::super::times::iso_utc((r >> 30) as i64 - (1 << 33)));
            // Those the wire cannot send make the record unusable: no value.
            rows.push(record);
        }
        let t = Thresholds::default();
        let states: Vec<UsageState> = rows.iter().map(|r| r.state(&t)).collect();
        let history: Vec<HistoryKey> = (0..rows.len())
            .map(|_| {
                let r = next();
                HistoryKey {
                    growth: (r % 4 != 0).then_some((r >> 50) as f64 - 4000.0),
                    full_at_ms: (r % 5 != 0).then_some((r >> 2) as i64),
                }
            })
            .collect();
        for column in SortColumn::ALL {
            if column == SortColumn::UserId || column.from_directory() {
                continue;
            }
            for descending in [false, true] {
                let sort = Sort { column, descending };
                let mut fast: Vec<u32> = (0..rows.len() as u32).collect();
                sort_indices(&mut fast, &rows, &states, sort, None, &history);
                let severity =
                    |i: usize| (states[i] != UsageState::Unknown).then(|| state_index(states[i]));
                let mut slow: Vec<u32> = (0..rows.len() as u32).collect();
                slow.sort_by(|&a, &b| {
                    let (i, j) = (a as usize, b as usize);
                    let (x, y) = (rows.at(a), rows.at(b));
                    let f = |a: &f64, b: &f64| a.total_cmp(b);
                    let d = descending;
                    match column {
                        SortColumn::Quota => by_option(x.quota(), y.quota(), d, Ord::cmp),
                        SortColumn::Used => by_option(x.used(), y.used(), d, f),
                        SortColumn::Free => by_option(x.free(), y.free(), d, f),
                        SortColumn::Usage => by_option(x.ratio(), y.ratio(), d, f),
                        SortColumn::State => by_option(severity(i), severity(j), d, Ord::cmp),
                        SortColumn::Effective => {
                            by_option(x.effective_ms(), y.effective_ms(), d, Ord::cmp)
                        }
                        SortColumn::Expires => {
                            by_option(x.expires_ms(), y.expires_ms(), d, Ord::cmp)
                        }
                        SortColumn::Growth => by_option(history[i].growth, history[j].growth, d, f),
                        _ => by_option(history[i].full_at_ms, history[j].full_at_ms, d, Ord::cmp),
                    }
                });
                assert_eq!(fast, slow, "{column:?}, descending {descending}");
            }
        }
    }

    #[test]
    fn used_sorts_both_ways_with_unknown_last() {
        let up = Sort {
            column: SortColumn::Used,
            descending: false,
        };
        assert_eq!(order(up), ["9", "200", "1000", "30"]);
        let down = Sort {
            column: SortColumn::Used,
            descending: true,
        };
        assert_eq!(order(down), ["1000", "200", "9", "30"]);
    }

    #[test]
    fn free_sorts_closest_to_running_out_first_or_most_reclaimable_first() {
        // Free: 200 → 50, 1000 → 0.5, 9 → 990; the bad record has none.
        let least = Sort {
            column: SortColumn::Free,
            descending: false,
        };
        assert_eq!(order(least), ["1000", "200", "9", "30"]);
        let most = Sort::clicked(None, SortColumn::Free);
        assert!(most.descending, "a first click shows the most reclaimable");
        assert_eq!(order(most), ["9", "200", "1000", "30"]);
    }

    #[test]
    fn full_in_sorts_soonest_first_with_not_growing_last() {
        let rows = rows();
        let t = Thresholds::default();
        let states: Vec<UsageState> = rows.iter().map(|r| r.state(&t)).collect();
        let at = |full_at_ms| HistoryKey {
            growth: None,
            full_at_ms,
        };
        let keys = [at(Some(50)), at(None), at(Some(i64::MIN)), at(Some(10))];
        let first = Sort::clicked(None, SortColumn::FullIn);
        assert!(!first.descending, "a first click shows the soonest full");
        let mut idx: Vec<u32> = (0..4).collect();
        sort_indices(&mut idx, &rows, &states, first, None, &keys);
        assert_eq!(idx, [2, 3, 0, 1]);
    }

    #[test]
    fn ids_sort_as_numbers() {
        let s = Sort {
            column: SortColumn::UserId,
            descending: false,
        };
        assert_eq!(order(s), ["9", "30", "200", "1000"]);
    }

    #[test]
    fn state_sorts_by_severity() {
        let s = Sort {
            column: SortColumn::State,
            descending: true,
        };
        assert_eq!(order(s), ["1000", "200", "9", "30"]);
    }

    #[test]
    fn clicking_a_header_toggles_its_direction() {
        let first = Sort::clicked(None, SortColumn::Used);
        assert!(first.descending);
        let second = Sort::clicked(Some(first), SortColumn::Used);
        assert!(!second.descending);
        assert!(!Sort::clicked(Some(second), SortColumn::UserId).descending);
    }

    #[test]
    fn directory_columns_sort_by_text_with_strangers_last()
    -> Result<(), super::super::directory::DirectoryError> {
        use super::super::directory::DirectoryFile;
        let file = "userId,name,department\n200,bob,Sales\n1000,Ada,sales\n9,,Research\n";
        let file = DirectoryFile::read("d.csv", file.as_bytes().to_vec())?;
        let directory = file.apply(file.guessed)?;
        let rows = rows();
        let join = directory.join(&rows);
        let t = Thresholds::default();
        let states: Vec<UsageState> = rows.iter().map(|r| r.state(&t)).collect();
        let by = |column, descending| {
            let mut idx: Vec<u32> = (0..rows.len() as u32).collect();
            sort_indices(
                &mut idx,
                &rows,
                &states,
                Sort { column, descending },
                Some((&directory, &join)),
                &[],
            );
            idx.iter()
                .map(|&i| rows.at(i).user_id().to_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            by(SortColumn::Name, false),
            ["1000", "200", "30", "9"],
            "no name, not in it: last"
        );
        assert_eq!(by(SortColumn::Name, true), ["200", "1000", "30", "9"]);
        assert_eq!(
            by(SortColumn::Department, false),
            ["9", "200", "1000", "30"],
            "case apart, Sales before sales"
        );
        assert!(!Sort::clicked(None, SortColumn::Email).descending);
        Ok(())
    }
}
