//! The departments view: one [`Department`] per department of the directory
//! over every row of the results (chargeback goes by department), with its
//! users, total quota and used, overall ratio, counts per state and
//! "expiring soon", and with usage history its growth per day; sortable by
//! any column ([`sort_departments`]) and
//! exported like the table ([`departments_csv`], [`departments_json`]).
//! Users of the directory without a department, and users who are not in
//! the directory, are their own groups ([`Group`]).

use std::fmt::Write as _;

use koodrive_core::UsageState;

use super::collate::{cmp_folded, sort_u32};
use super::directory::{Directory, NONE};
use super::export::{BOM, defused, json_string, write_record};
use super::history::HistoryKey;
use super::numbers::{fixed, shortest};
use super::rows::{Rows, state_index};
use super::summary::EXPIRING_SOON_DAYS;
use super::times::{DAY_MS, iso_utc};
use super::units::{WireUnit, amount_in};

/// Which users a department row (and the department filter) stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Group {
    /// A department of the directory (an index into its departments).
    Named(u32),
    /// Directory users whose department is empty.
    NoDepartment,
    /// Users who are not in the directory.
    NotInDirectory,
}

impl Group {
    /// The group of a row joined to `entry` (see [`Directory::join`]).
    pub fn of(directory: &Directory, entry: u32) -> Self {
        if entry == NONE {
            Self::NotInDirectory
        } else {
            match directory.department_index(entry) {
                NONE => Self::NoDepartment,
                d => Self::Named(d),
            }
        }
    }

    /// Its name: the department's, or the given words for the other groups.
    pub fn name<'a>(
        self,
        directory: &'a Directory,
        no_department: &'a str,
        not_in_directory: &'a str,
    ) -> &'a str {
        match self {
            Self::Named(d) => directory
                .departments()
                .get(d as usize)
                .map_or("", String::as_str),
            Self::NoDepartment => no_department,
            Self::NotInDirectory => not_in_directory,
        }
    }
}

/// One row of the departments view.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Department {
    /// Which users.
    pub group: Group,
    /// How many users.
    pub users: usize,
    /// The sum of the usable quotas, exact, in the wire's unit.
    pub quota: u128,
    /// The sum of the usable `used`, in the wire's unit.
    pub used: f64,
    /// Users per state, in [`UsageState::ALL`] order.
    pub per_state: [usize; 5],
    /// Users whose quota expires within 30 days and has not yet.
    pub expiring_soon: usize,
    /// With usage history: the growth per day of its users that have a
    /// rate, added up (their forecast slopes); `None` when none has one.
    pub growth_per_day: Option<f64>,
}

impl Department {
    /// Total used over total quota; `None` without quota.
    pub fn ratio(&self) -> Option<f64> {
        (self.quota > 0).then(|| self.used / self.quota as f64)
    }
}

/// Adds up every row per department; named departments in the directory's
/// order, then the users without a department, then those not in it.
pub fn departments(
    directory: &Directory,
    rows: &Rows,
    states: &[UsageState],
    join: &[u32],
    now_ms: i64,
    history: &[HistoryKey],
) -> Vec<Department> {
    let named = directory.departments().len();
    let mut out: Vec<Department> = (0..named as u32)
        .map(Group::Named)
        .chain([Group::NoDepartment, Group::NotInDirectory])
        .map(|group| Department {
            group,
            users: 0,
            quota: 0,
            used: 0.0,
            per_state: [0; 5],
            expiring_soon: 0,
            growth_per_day: None,
        })
        .collect();
    for (i, row) in rows.iter().enumerate() {
        let slot = match Group::of(directory, join.get(i).copied().unwrap_or(NONE)) {
            Group::Named(d) => d as usize,
            Group::NoDepartment => named,
            Group::NotInDirectory => named + 1,
        };
        let Some(d) = out.get_mut(slot) else {
            continue;
        };
        d.users += 1;
        if let (Some(q), Some(u)) = (row.quota(), row.used()) {
            d.quota += u128::from(q);
            d.used += u;
        }
        let state = states.get(i).copied().unwrap_or(UsageState::Unknown);
        d.per_state[state_index(state)] += 1;
        if let Some(g) = history.get(i).and_then(|k| k.growth) {
            *d.growth_per_day.get_or_insert(0.0) += g;
        }
        if row
            .expires_in_ms(now_ms)
            .is_some_and(|left| left > 0 && left <= EXPIRING_SOON_DAYS * DAY_MS)
        {
            d.expiring_soon += 1;
        }
    }
    out.retain(|d| d.users > 0);
    out
}

/// A column of the departments view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DepartmentColumn {
    /// The department's name.
    Name,
    /// Users.
    Users,
    /// Total quota.
    Quota,
    /// Total used.
    Used,
    /// Overall usage.
    Usage,
    /// Users in a state (index into [`UsageState::ALL`]).
    State(usize),
    /// Expiring soon.
    ExpiringSoon,
    /// Growth per day (with usage history; not in [`DepartmentColumn::ALL`]).
    Growth,
}

impl DepartmentColumn {
    /// Every column, in the view's order.
    pub const ALL: [DepartmentColumn; 11] = [
        Self::Name,
        Self::Users,
        Self::Quota,
        Self::Used,
        Self::Usage,
        Self::State(0),
        Self::State(1),
        Self::State(2),
        Self::State(3),
        Self::State(4),
        Self::ExpiringSoon,
    ];
}

/// The order of the departments view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DepartmentSort {
    /// The column.
    pub column: DepartmentColumn,
    /// Largest (or Z) first.
    pub descending: bool,
}

impl Default for DepartmentSort {
    /// The most used first: where the storage goes.
    fn default() -> Self {
        Self {
            column: DepartmentColumn::Used,
            descending: true,
        }
    }
}

impl DepartmentSort {
    /// The order after clicking `column`: the other direction when it was
    /// already sorted by it; else names from A, numbers largest first.
    pub fn clicked(self, column: DepartmentColumn) -> Self {
        if self.column == column {
            Self {
                column,
                descending: !self.descending,
            }
        } else {
            Self {
                column,
                descending: column != DepartmentColumn::Name,
            }
        }
    }
}

/// Sorts the departments; the groups that are not departments stay last
/// (users without a department, then those not in the directory), and
/// ties go by name.
pub fn sort_departments(list: &mut Vec<Department>, directory: &Directory, sort: DepartmentSort) {
    let name = |d: &Department| d.group.name(directory, "", "");
    let special = |d: &Department| !matches!(d.group, Group::Named(_));
    let compare = |i: u32, j: u32| {
        let (a, b) = (&list[i as usize], &list[j as usize]);
        if special(a) || special(b) {
            return (special(a), a.group).cmp(&(special(b), b.group));
        }
        let o = match sort.column {
            DepartmentColumn::Name => cmp_folded(name(a), name(b)),
            DepartmentColumn::Users => a.users.cmp(&b.users),
            DepartmentColumn::Quota => a.quota.cmp(&b.quota),
            DepartmentColumn::Used => a.used.total_cmp(&b.used),
            DepartmentColumn::Usage => match (a.ratio(), b.ratio()) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                // Without a usage (no quota): last whichever the direction.
                (x, y) => {
                    let o = y.is_some().cmp(&x.is_some());
                    return o.then_with(|| cmp_folded(name(a), name(b)));
                }
            },
            DepartmentColumn::State(s) => a.per_state[s].cmp(&b.per_state[s]),
            DepartmentColumn::ExpiringSoon => a.expiring_soon.cmp(&b.expiring_soon),
            DepartmentColumn::Growth => match (a.growth_per_day, b.growth_per_day) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                // Without a rate: last whichever the direction.
                (x, y) => {
                    let o = y.is_some().cmp(&x.is_some());
                    return o.then_with(|| cmp_folded(name(a), name(b)));
                }
            },
        };
        let o = if sort.descending { o.reverse() } else { o };
        o.then_with(|| cmp_folded(name(a), name(b)))
    };
    let mut order: Vec<u32> = (0..list.len() as u32).collect();
    sort_u32(&mut order, &compare);
    *list = order.into_iter().map(|i| list[i as usize]).collect();
}

/// The departments CSV's header row.
pub const DEPARTMENTS_CSV_HEADER: [&str; 14] = [
    "department",
    "users",
    "quota",
    "used",
    "usedRatio",
    "normal",
    "nearing",
    "critical",
    "exceeded",
    "unknown",
    "expiringSoon",
    "quota (GiB)",
    "used (GiB)",
    "usage (%)",
];

/// What a departments export needs besides the rows.
#[derive(Debug, Clone, Copy)]
pub struct DepartmentsExport<'a> {
    /// The directory (for the names).
    pub directory: &'a Directory,
    /// The departments, in the view's order.
    pub list: &'a [Department],
    /// The name of the users without a department.
    pub no_department: &'a str,
    /// The name of the users not in the directory.
    pub not_in_directory: &'a str,
    /// What the wire numbers count.
    pub unit: WireUnit,
    /// When, Unix ms (JSON only).
    pub now_ms: i64,
}

/// The departments as CSV (CRLF line ends, quoted where needed): raw sums
/// in the wire's unit, then the formatted ones.
pub fn departments_csv(x: &DepartmentsExport<'_>) -> String {
    let mut out = Vec::with_capacity(128 + x.list.len() * 96);
    out.extend_from_slice(BOM.as_bytes());
    // With usage history, `growthPerDay` (in the wire's unit) comes last.
    let growth = x.list.iter().any(|d| d.growth_per_day.is_some());
    let mut header = DEPARTMENTS_CSV_HEADER.to_vec();
    if growth {
        header.push("growthPerDay");
    }
    write_record(&mut out, &header);
    for d in x.list {
        let mut record = vec![
            defused(
                d.group
                    .name(x.directory, x.no_department, x.not_in_directory),
            )
            .into_owned(),
            d.users.to_string(),
            d.quota.to_string(),
            shortest(d.used),
            d.ratio().map_or_else(String::new, shortest),
        ];
        record.extend(d.per_state.iter().map(ToString::to_string));
        record.push(d.expiring_soon.to_string());
        record.push(amount_in(d.quota as f64, x.unit, WireUnit::GiB));
        record.push(amount_in(d.used, x.unit, WireUnit::GiB));
        record.push(d.ratio().map_or_else(String::new, |r| fixed(r * 100.0, 2)));
        if growth {
            record.push(d.growth_per_day.map_or_else(String::new, shortest));
        }
        write_record(&mut out, &record);
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The departments as JSON: `{"exportedAt", "unit", "departments": [{
/// "department", "users", "quota" (digits), "used", "usedRatio",
/// "states": {"normal": n, …}, "expiringSoon"}]}`.
pub fn departments_json(x: &DepartmentsExport<'_>) -> String {
    let mut out = String::with_capacity(64 + x.list.len() * 200);
    out.push_str("{\"exportedAt\":");
    json_string(&mut out, &iso_utc(x.now_ms));
    out.push_str(",\"unit\":");
    json_string(&mut out, x.unit.symbol());
    out.push_str(",\"departments\":[");
    for (k, d) in x.list.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        out.push_str("\n{\"department\":");
        json_string(
            &mut out,
            d.group
                .name(x.directory, x.no_department, x.not_in_directory),
        );
        let _ = write!(
            out,
            ",\"users\":{},\"quota\":\"{}\",\"used\":{},\"usedRatio\":",
            d.users,
            d.quota,
            shortest(d.used)
        );
        match d.ratio() {
            Some(r) if r.is_finite() => out.push_str(&shortest(r)),
            _ => out.push_str("null"),
        }
        out.push_str(",\"states\":{");
        for (s, state) in UsageState::ALL.iter().enumerate() {
            if s > 0 {
                out.push(',');
            }
            let _ = write!(out, "\"{}\":{}", state.as_str(), d.per_state[s]);
        }
        let _ = write!(out, "}},\"expiringSoon\":{}", d.expiring_soon);
        if let Some(g) = d.growth_per_day {
            let _ = write!(out, ",\"growthPerDay\":{}", shortest(g));
        }
        out.push('}');
    }
    out.push_str("\n]}\n");
    out
}

#[cfg(test)]
mod tests {
    use koodrive_core::{Thresholds, UserSpaceQuota};

    use super::super::directory::{DirectoryError, DirectoryFile};
    use super::*;

    const NOW: i64 = 1_765_000_000_000;

    fn setup() -> Result<(Directory, Rows, Vec<UsageState>), DirectoryError> {
        let file = "userId,name,department\n1,Ann,Sales\n2,Bob,Research\n3,Cy,Sales\n4,Di,\n";
        let f = DirectoryFile::read("d.csv", file.as_bytes().to_vec())?;
        let directory = f.apply(f.guessed)?;
        let mut soon = UserSpaceQuota::new("3", u64::MAX, 5.0);
        soon.expiration_time = Some(iso_utc(NOW + 3 * DAY_MS));
        let mut bad = UserSpaceQuota::new("9", 1, 1.0);
        bad.quota = "x".into();
        let rows: Rows = [
            UserSpaceQuota::new("1", 100, 95.0),
            UserSpaceQuota::new("2", 1000, 10.0),
            soon,
            UserSpaceQuota::new("4", 10, 20.0),
            UserSpaceQuota::new("8", 10, 1.0),
            bad,
        ]
        .into_iter()
        .collect();
        let t = Thresholds::default();
        let states = rows.iter().map(|r| r.state(&t)).collect();
        Ok((directory, rows, states))
    }

    #[test]
    fn totals_per_department_add_up_the_rows() -> Result<(), DirectoryError> {
        let (d, rows, states) = setup()?;
        let join = d.join(&rows);
        let list = departments(&d, &rows, &states, &join, NOW, &[]);
        let names: Vec<&str> = list.iter().map(|x| x.group.name(&d, "-", "?")).collect();
        assert_eq!(names, ["Sales", "Research", "-", "?"]);
        let sales = list[0];
        assert_eq!(sales.users, 2);
        assert_eq!(
            sales.quota,
            100 + u128::from(u64::MAX),
            "quota sums are exact"
        );
        assert_eq!(sales.used, 100.0);
        assert_eq!(sales.per_state, [1, 1, 0, 0, 0]);
        assert_eq!(sales.expiring_soon, 1);
        let outside = list[3];
        assert_eq!(
            (outside.users, outside.quota),
            (2, 10),
            "a bad record counts as a user, not in the sums"
        );
        assert_eq!(outside.per_state[4], 1);
        assert_eq!(list.iter().map(|x| x.users).sum::<usize>(), rows.len());
        assert!(list.iter().all(|x| x.growth_per_day.is_none()));
        Ok(())
    }

    #[test]
    fn with_history_a_department_grows_by_its_users_rates() -> Result<(), DirectoryError> {
        let (d, rows, states) = setup()?;
        let join = d.join(&rows);
        let key = |growth| HistoryKey {
            growth,
            full_at_ms: None,
        };
        // Ann +2/day, Bob none, Cy +0.5/day, Di -1/day.
        let keys = [key(Some(2.0)), key(None), key(Some(0.5)), key(Some(-1.0))];
        let mut list = departments(&d, &rows, &states, &join, NOW, &keys);
        assert_eq!(list[0].growth_per_day, Some(2.5), "Sales");
        assert_eq!(list[1].growth_per_day, None, "Research: no rate");
        assert_eq!(list[2].growth_per_day, Some(-1.0), "no department");
        sort_departments(
            &mut list,
            &d,
            DepartmentSort::default().clicked(DepartmentColumn::Growth),
        );
        let names: Vec<&str> = list.iter().map(|x| x.group.name(&d, "-", "?")).collect();
        assert_eq!(names, ["Sales", "Research", "-", "?"]);
        let x = DepartmentsExport {
            directory: &d,
            list: &list,
            no_department: "-",
            not_in_directory: "?",
            unit: WireUnit::KiB,
            now_ms: NOW,
        };
        let csv = departments_csv(&x);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert!(
            lines[0].ends_with(",usage (%),growthPerDay"),
            "{}",
            lines[0]
        );
        assert!(
            lines[1].starts_with("Sales,") && lines[1].ends_with(",2.5"),
            "{}",
            lines[1]
        );
        assert!(departments_json(&x).contains("\"expiringSoon\":1,\"growthPerDay\":2.5}"));
        Ok(())
    }

    #[test]
    fn sorting_keeps_the_other_groups_last() -> Result<(), DirectoryError> {
        let (d, rows, states) = setup()?;
        let join = d.join(&rows);
        let mut list = departments(&d, &rows, &states, &join, NOW, &[]);
        let by = |column, descending| DepartmentSort { column, descending };
        sort_departments(&mut list, &d, by(DepartmentColumn::Name, false));
        let names = |l: &[Department]| {
            l.iter()
                .map(|x| x.group.name(&d, "-", "?").to_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&list), ["Research", "Sales", "-", "?"]);
        sort_departments(&mut list, &d, by(DepartmentColumn::Users, true));
        assert_eq!(names(&list), ["Sales", "Research", "-", "?"]);
        assert_eq!(
            DepartmentSort::default().clicked(DepartmentColumn::Name),
            by(DepartmentColumn::Name, false)
        );
        Ok(())
    }

    #[test]
    fn exports_carry_exact_sums() -> Result<(), DirectoryError> {
        let (d, rows, states) = setup()?;
        let join = d.join(&rows);
        let list = departments(&d, &rows, &states, &join, NOW, &[]);
        let x = DepartmentsExport {
            directory: &d,
            list: &list,
            no_department: "(no department)",
            not_in_directory: "(not in directory)",
            unit: WireUnit::KiB,
            now_ms: 0,
        };
        let csv = departments_csv(&x);
        assert!(csv.starts_with(BOM), "a byte-order mark for spreadsheets");
        let lines: Vec<&str> = csv.trim_start_matches(BOM).split("\r\n").collect();
        assert_eq!(lines[0], DEPARTMENTS_CSV_HEADER.join(","));
        assert!(
            lines[1].starts_with("Sales,2,18446744073709551715,100,"),
            "{}",
            lines[1]
        );
        assert!(
            lines[2].starts_with("Research,1,1000,10,0.01,1,0,0,0,0,0,"),
            "{}",
            lines[2]
        );
        let json = departments_json(&x);
        assert!(json.contains(r#"{"department":"Research","users":1,"quota":"1000","used":10,"usedRatio":0.01,"states":{"normal":1,"nearing":0,"critical":0,"exceeded":0,"unknown":0},"expiringSoon":0}"#), "{json}");
        Ok(())
    }

    #[test]
    fn departments_without_usage_sort_last_both_ways() -> Result<(), DirectoryError> {
        let (d, rows, states) = setup()?;
        let join = d.join(&rows);
        let mut list = departments(&d, &rows, &states, &join, NOW, &[]);
        // Research with no quota at all: no usage.
        if let Some(r) = list.iter_mut().find(|x| x.group == Group::Named(1)) {
            r.quota = 0;
        }
        for descending in [true, false] {
            let sort = DepartmentSort {
                column: DepartmentColumn::Usage,
                descending,
            };
            sort_departments(&mut list, &d, sort);
            let names: Vec<&str> = list.iter().map(|x| x.group.name(&d, "-", "?")).collect();
            assert_eq!(names[1], "Research", "descending: {descending}");
        }
        Ok(())
    }
}
