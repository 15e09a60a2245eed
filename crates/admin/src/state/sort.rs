//! [`Sort`]: the order of the table, by any column, either way. Sorting works
//! on row indices and on the numbers parsed once in [`Row`]; rows without a
//! value (a bad record, no expiry) go last in both directions.

use std::cmp::Ordering;

use koodrive_core::UsageState;

use super::collate::sort_u32;
use super::directory::{Directory, Field};
use super::history::HistoryKey;
use super::rows::{Row, state_index};

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

/// Sorts `indices` (into `rows` and `states`) by `sort`; stable, so equal
/// rows keep the order the server gave. The directory's columns need the
/// directory and its join to the rows, the history's columns each row's
/// [`HistoryKey`]; users without a value go last.
pub fn sort_indices(
    indices: &mut [u32],
    rows: &[Row],
    states: &[UsageState],
    sort: Sort,
    directory: Option<(&Directory, &[u32])>,
    history: &[HistoryKey],
) {
    let key = |i: usize| history.get(i).copied().unwrap_or_default();
    let d = sort.descending;
    // The directory's columns sort by each entry's rank, computed once
    // when the directory was applied: numbers, not texts, are compared.
    let rank = |i: usize, field: Field| {
        let (directory, join) = directory?;
        directory.sort_rank(*join.get(i)?, field)
    };
    let f64_cmp = |a: &f64, b: &f64| a.total_cmp(b);
    let severity = |i: usize| {
        let s = states.get(i).copied().unwrap_or(UsageState::Unknown);
        (s != UsageState::Unknown).then(|| state_index(s))
    };
    // One comparator for every column: one instance of the sort in the page.
    let compare = |a: u32, b: u32| {
        let (i, j) = (a as usize, b as usize);
        let (x, y) = (&rows[i], &rows[j]);
        match sort.column {
            SortColumn::UserId => {
                let o = compare_ids(x.user_id(), y.user_id());
                if d { o.reverse() } else { o }
            }
            SortColumn::Name => by_option(rank(i, Field::Name), rank(j, Field::Name), d, Ord::cmp),
            SortColumn::Email => {
                by_option(rank(i, Field::Email), rank(j, Field::Email), d, Ord::cmp)
            }
            SortColumn::Department => by_option(
                rank(i, Field::Department),
                rank(j, Field::Department),
                d,
                Ord::cmp,
            ),
            SortColumn::Quota => by_option(x.quota, y.quota, d, Ord::cmp),
            SortColumn::Used => by_option(x.used, y.used, d, f64_cmp),
            SortColumn::Free => by_option(x.free, y.free, d, f64_cmp),
            SortColumn::Usage => by_option(x.ratio, y.ratio, d, f64_cmp),
            SortColumn::State => by_option(severity(i), severity(j), d, Ord::cmp),
            SortColumn::Effective => by_option(x.effective_ms, y.effective_ms, d, Ord::cmp),
            SortColumn::Expires => by_option(x.expires_ms, y.expires_ms, d, Ord::cmp),
            SortColumn::Growth => by_option(key(i).growth, key(j).growth, d, f64_cmp),
            SortColumn::FullIn => by_option(key(i).full_at_ms, key(j).full_at_ms, d, Ord::cmp),
        }
    };
    sort_u32(indices, &compare);
}

#[cfg(test)]
mod tests {
    use koodrive_core::{Thresholds, UserSpaceQuota};

    use super::*;

    fn rows() -> Vec<Row> {
        let mut bad = UserSpaceQuota::new("30", 10, 1.0);
        bad.quota = "x".into();
        vec![
            Row::new(UserSpaceQuota::new("200", 100, 50.0)),
            Row::new(bad),
            Row::new(UserSpaceQuota::new("1000", 100, 99.5)),
            Row::new(UserSpaceQuota::new("9", 1000, 10.0)),
        ]
    }

    fn order(sort: Sort) -> Vec<String> {
        let rows = rows();
        let t = Thresholds::default();
        let states: Vec<UsageState> = rows.iter().map(|r| r.state(&t)).collect();
        let mut idx: Vec<u32> = (0..rows.len() as u32).collect();
        sort_indices(&mut idx, &rows, &states, sort, None, &[]);
        idx.iter()
            .map(|i| rows[*i as usize].user_id().to_owned())
            .collect()
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
                .map(|i| rows[*i as usize].user_id().to_owned())
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
