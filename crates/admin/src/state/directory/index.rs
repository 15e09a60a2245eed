//! The directory once applied: every text in one buffer, departments
//! interned, and three sorted indexes (by id, by email, by name) searched
//! by bisection, so that 200,000 entries cost a few bytes each beside their
//! text and a lookup is some twenty comparisons. [`Directory::join`] gives
//! each usage row its entry.
//!
//! Names and emails are matched without ASCII case (and names with their
//! runs of spaces collapsed); other letters must match exactly, which keeps
//! Unicode's case tables out of the page.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::sync::Arc;

use super::file::{DirectoryFile, Mapping};
use super::{Field, NONE};
use crate::state::collate::{cmp_folded, cmp_ignore_case, sort_u32};
use crate::state::rows::Rows;

/// One entry of the directory, borrowed from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry<'a> {
    /// The KooDrive user id.
    pub id: &'a str,
    /// The name, runs of spaces collapsed (empty when not given).
    pub name: &'a str,
    /// The email (empty when not given).
    pub email: &'a str,
    /// The department (`None` when not given).
    pub department: Option<&'a str>,
    /// The directory's status of the account (empty when not given).
    pub status: &'a str,
}

/// Text fields per entry in [`Directory`]'s buffer: id, name, email, status.
const TEXTS: usize = 4;

/// The directory, applied: entries in file order (the first of a repeated
/// id kept), with their indexes.
#[derive(Debug, Clone, PartialEq)]
pub struct Directory {
    /// The file it came from.
    pub file_name: String,
    /// The file's bytes (to keep it on this computer).
    pub bytes: Arc<Vec<u8>>,
    /// The mapping it was applied with.
    pub mapping: Mapping,
    /// Rows whose id was already seen, skipped.
    pub duplicates: usize,
    /// Rows without an id, skipped.
    pub without_id: usize,
    /// Every text, one after the other.
    text: String,
    /// Where each entry's texts end in `text`: `TEXTS` per entry.
    ends: Vec<u32>,
    /// The department of each entry, an index into `departments` or [`NONE`].
    department_of: Vec<u32>,
    /// Distinct departments, in first-seen order.
    departments: Vec<String>,
    /// Every entry by id: its [`id_key`] and its index, sorted.
    by_id: Vec<(u64, u32)>,
    /// Entries with an email, sorted by email ([`cmp_folded`]).
    by_email: Vec<u32>,
    /// Entries with a name, sorted by name ([`cmp_folded`]).
    by_name: Vec<u32>,
    /// Each entry's place in `by_name` ([`NONE`] without a name): the
    /// table sorts by name comparing numbers, not texts.
    name_rank: Vec<u32>,
    /// Each entry's place in `by_email` ([`NONE`] without an email).
    email_rank: Vec<u32>,
    /// Each department's place in the departments sorted by name.
    department_rank: Vec<u32>,
}

/// An id as a number when it is one (digits without a leading zero, at
/// most 19 of them, as KooDrive's ids are), else `u64::MAX`: numbers
/// compare much faster than texts when 100,000 rows are joined.
fn id_key(id: &str) -> u64 {
    let numeric = !id.is_empty()
        && id.len() <= 19
        && !id.starts_with('0')
        && id.bytes().all(|b| b.is_ascii_digit());
    if numeric {
        id.parse().unwrap_or(u64::MAX)
    } else {
        u64::MAX
    }
}

/// Each item's place in `sorted` (items not in it: [`NONE`]).
fn ranks(sorted: &[u32], len: usize) -> Vec<u32> {
    let mut rank = vec![NONE; len];
    for (place, &i) in sorted.iter().enumerate() {
        if let Some(r) = rank.get_mut(i as usize) {
            *r = place as u32;
        }
    }
    rank
}

/// `text` with its runs of white space made one space, trimmed.
pub fn collapse_spaces(text: &str) -> Cow<'_, str> {
    // Most names already are: then nothing is copied.
    let collapsed = !text.starts_with(' ')
        && !text.ends_with(' ')
        && !text.contains("  ")
        && !text.chars().any(|c| c != ' ' && c.is_whitespace());
    if collapsed {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    Cow::Owned(out)
}

/// Collects the entries of a file, then indexes them ([`Builder::finish`]).
pub(super) struct Builder {
    text: String,
    ends: Vec<u32>,
    department_of: Vec<u32>,
    departments: Vec<String>,
    /// Department name to index, while building.
    department_index: std::collections::HashMap<String, usize>,
    duplicates: usize,
    without_id: usize,
}

impl Builder {
    pub(super) fn new(rows: usize) -> Self {
        Self {
            text: String::with_capacity(rows * 48),
            ends: Vec::with_capacity(rows * TEXTS),
            department_of: Vec::with_capacity(rows),
            departments: Vec::new(),
            department_index: std::collections::HashMap::new(),
            duplicates: 0,
            without_id: 0,
        }
    }

    pub(super) fn push(
        &mut self,
        id: &str,
        name: &str,
        email: &str,
        department: &str,
        status: &str,
    ) {
        if id.is_empty() {
            self.without_id += 1;
            return;
        }
        let name = collapse_spaces(name);
        for field in [id, name.as_ref(), email, status] {
            self.text.push_str(field);
            self.ends.push(self.text.len() as u32);
        }
        let department = collapse_spaces(department);
        let index = if department.is_empty() {
            NONE
        } else if let Some(&i) = self.department_index.get(department.as_ref()) {
            i as u32
        } else {
            let i = self.departments.len();
            self.department_index.insert(department.to_string(), i);
            self.departments.push(department.into_owned());
            i as u32
        };
        self.department_of.push(index);
    }

    /// The directory, with its indexes. A repeated id keeps its first row:
    /// the rows after it are found next to it in the id index (a stable
    /// sort keeps the file's order among equals), and the directory is built
    /// again without them, which costs less memory than a set of every id.
    pub(super) fn finish(self, file: &DirectoryFile, mapping: Mapping) -> Directory {
        let directory = self.indexed(file, mapping);
        let repeated: Vec<bool> = {
            let mut repeated = vec![false; directory.len()];
            for pair in directory.by_id.windows(2) {
                let ((ka, a), (kb, b)) = (pair[0], pair[1]);
                if ka == kb && directory.field(a, 0) == directory.field(b, 0) {
                    repeated[b as usize] = true;
                }
            }
            repeated
        };
        let count = repeated.iter().filter(|&&r| r).count();
        if count == 0 {
            return directory;
        }
        let mut again = Builder::new(directory.len() - count);
        again.without_id = directory.without_id;
        for i in (0..directory.len() as u32).filter(|&i| !repeated[i as usize]) {
            if let Some(e) = directory.entry(i) {
                again.push(e.id, e.name, e.email, e.department.unwrap_or(""), e.status);
            }
        }
        again.duplicates = directory.duplicates + count;
        again.indexed(file, mapping)
    }

    /// The directory of these entries, with its indexes.
    fn indexed(self, file: &DirectoryFile, mapping: Mapping) -> Directory {
        let mut directory = Directory {
            file_name: file.file_name.clone(),
            bytes: file.bytes.clone(),
            mapping,
            duplicates: self.duplicates,
            without_id: self.without_id,
            text: self.text,
            ends: self.ends,
            department_of: self.department_of,
            departments: self.departments,
            by_id: Vec::new(),
            by_email: Vec::new(),
            by_name: Vec::new(),
            name_rank: Vec::new(),
            email_rank: Vec::new(),
            department_rank: Vec::new(),
        };
        let d = &directory;
        let len = d.len();
        let keys: Vec<u64> = (0..len as u32).map(|i| id_key(d.field(i, 0))).collect();
        let mut by_id: Vec<u32> = (0..len as u32).collect();
        sort_u32(&mut by_id, &|a, b| {
            keys[a as usize]
                .cmp(&keys[b as usize])
                .then_with(|| d.field(a, 0).cmp(d.field(b, 0)))
        });
        let sorted_by = |k: usize| {
            let mut list: Vec<u32> = (0..len as u32)
                .filter(|&i| !d.field(i, k).is_empty())
                .collect();
            sort_u32(&mut list, &|a, b| cmp_folded(d.field(a, k), d.field(b, k)));
            list
        };
        let (by_name, by_email) = (sorted_by(1), sorted_by(2));
        let mut departments: Vec<u32> = (0..d.departments.len() as u32).collect();
        sort_u32(&mut departments, &|a, b| {
            cmp_folded(&d.departments[a as usize], &d.departments[b as usize])
        });
        let department_rank = ranks(&departments, departments.len());
        let (name_rank, email_rank) = (ranks(&by_name, len), ranks(&by_email, len));
        directory.by_id = by_id.into_iter().map(|i| (keys[i as usize], i)).collect();
        directory.by_name = by_name;
        directory.by_email = by_email;
        directory.name_rank = name_rank;
        directory.email_rank = email_rank;
        directory.department_rank = department_rank;
        directory
    }
}

impl Directory {
    /// How many entries (distinct ids).
    pub fn len(&self) -> usize {
        self.department_of.len()
    }

    /// Whether it has no entry.
    pub fn is_empty(&self) -> bool {
        self.department_of.is_empty()
    }

    /// The distinct departments, in first-seen order.
    pub fn departments(&self) -> &[String] {
        &self.departments
    }

    /// Text field `k` of entry `i` (0 id, 1 name, 2 email, 3 status).
    fn field(&self, i: u32, k: usize) -> &str {
        let at = i as usize * TEXTS + k;
        let end = self.ends.get(at).copied().unwrap_or(0) as usize;
        let start = if at == 0 {
            0
        } else {
            self.ends.get(at - 1).copied().unwrap_or(0) as usize
        };
        self.text.get(start..end).unwrap_or("")
    }

    /// Entry `i` ([`NONE`] or past the end: `None`).
    pub fn entry(&self, i: u32) -> Option<Entry<'_>> {
        let department = *self.department_of.get(i as usize)?;
        Some(Entry {
            id: self.field(i, 0),
            name: self.field(i, 1),
            email: self.field(i, 2),
            department: self
                .departments
                .get(department as usize)
                .map(String::as_str),
            status: self.field(i, 3),
        })
    }

    /// The department index of entry `i` ([`NONE`] without one).
    pub fn department_index(&self, i: u32) -> u32 {
        self.department_of.get(i as usize).copied().unwrap_or(NONE)
    }

    /// The entry of `id`.
    pub fn find_id(&self, id: &str) -> Option<u32> {
        let key = id_key(id);
        self.by_id
            .binary_search_by(|&(k, i)| {
                k.cmp(&key).then_with(|| {
                    if k == u64::MAX {
                        self.field(i, 0).cmp(id)
                    } else {
                        Ordering::Equal
                    }
                })
            })
            .ok()
            .map(|k| self.by_id[k].1)
    }

    /// Where entry `i` sorts by `field` (name, email or department) among
    /// the entries that have one; `None` without one.
    pub fn sort_rank(&self, i: u32, field: Field) -> Option<u32> {
        let rank = match field {
            Field::Name => self.name_rank.get(i as usize).copied(),
            Field::Email => self.email_rank.get(i as usize).copied(),
            Field::Department => {
                let d = self.department_index(i);
                self.department_rank.get(d as usize).copied()
            }
            Field::Id | Field::Status => None,
        };
        rank.filter(|&r| r != NONE)
    }

    /// The entries of `index` whose field `k` equals `key` without ASCII case.
    fn matching(&self, index: &[u32], k: usize, key: &str) -> Vec<u32> {
        let start = index.partition_point(|&i| cmp_ignore_case(self.field(i, k), key).is_lt());
        index[start..]
            .iter()
            .copied()
            .take_while(|&i| cmp_ignore_case(self.field(i, k), key).is_eq())
            .collect()
    }

    /// The entries whose email is `email` (without ASCII case).
    pub fn find_email(&self, email: &str) -> Vec<u32> {
        self.matching(&self.by_email, 2, email.trim())
    }

    /// The entries whose name is `name` (without ASCII case, spaces collapsed).
    pub fn find_name(&self, name: &str) -> Vec<u32> {
        self.matching(&self.by_name, 1, &collapse_spaces(name))
    }

    /// The entry of each row, [`NONE`] for a user not in the directory.
    pub fn join(&self, rows: &Rows) -> Vec<u32> {
        rows.iter()
            .map(|r| self.find_id(r.user_id()).unwrap_or(NONE))
            .collect()
    }

    /// The entries no row joined, in file order (directory users KooDrive
    /// does not know, once every KooDrive user is listed).
    pub fn not_joined(&self, join: &[u32]) -> Vec<u32> {
        let mut seen = vec![false; self.len()];
        for &e in join {
            if let Some(s) = seen.get_mut(e as usize) {
                *s = true;
            }
        }
        (0..self.len() as u32)
            .filter(|&i| !seen[i as usize])
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use koodrive_core::UserSpaceQuota;

    use super::super::fixture::directory;
    use super::super::{DirectoryError, DirectoryFile, MAX_ROWS};
    use super::*;

    #[test]
    fn duplicates_and_rows_without_id_are_skipped_and_counted() -> Result<(), DirectoryError> {
        let d = directory()?;
        assert_eq!(d.len(), 6);
        assert_eq!((d.duplicates, d.without_id), (1, 1));
        assert_eq!(d.departments(), ["Research", "Sales"]);
        let ada = d.find_id("1001").and_then(|i| d.entry(i));
        assert_eq!(
            ada,
            Some(Entry {
                id: "1001",
                name: "Ada Lovelace",
                email: "Ada@Example.com",
                department: Some("Research"),
                status: "active",
            }),
            "the first row of an id wins; runs of spaces in names collapse"
        );
        let short = d.find_id("1006").and_then(|i| d.entry(i));
        assert_eq!(short.map(|e| (e.email, e.department)), Some(("", None)));
        assert_eq!(d.find_id("9999"), None);
        Ok(())
    }

    #[test]
    fn emails_and_names_match_without_case() -> Result<(), DirectoryError> {
        let d = directory()?;
        assert_eq!(d.find_email("ada@example.COM").len(), 1);
        assert_eq!(d.find_name("LI   LEI").len(), 2);
        assert_eq!(d.find_name("zoë brown").len(), 1);
        assert_eq!(d.find_name("ZOË BROWN").len(), 0, "only ASCII letters fold");
        Ok(())
    }

    #[test]
    fn the_join_marks_users_on_one_side_only() -> Result<(), DirectoryError> {
        let d = directory()?;
        let rows: Rows = ["1004", "7777", "1001"]
            .into_iter()
            .map(|id| UserSpaceQuota::new(id, 10, 1.0))
            .collect();
        let join = d.join(&rows);
        assert_eq!(join[1], NONE);
        assert_eq!(d.entry(join[0]).map(|e| e.name), Some("Zoë Brown"));
        let only: Vec<&str> = d
            .not_joined(&join)
            .into_iter()
            .filter_map(|i| d.entry(i).map(|e| e.id))
            .collect();
        assert_eq!(only, ["1002", "1003", "1005", "1006"]);
        Ok(())
    }

    #[test]
    fn the_largest_directory_allowed_is_read_indexed_and_joined() -> Result<(), DirectoryError> {
        let mut file = String::from("userId,name,email,department\n");
        for i in 0..MAX_ROWS {
            file.push_str(&format!(
                "{},Person {i},p{i}@example.com,Dept {}\n",
                1_000_000_000_000_000_000u64 + i as u64,
                i % 250
            ));
        }
        let read = DirectoryFile::read("big.csv", file.into_bytes())?;
        assert_eq!(read.rows, MAX_ROWS);
        let d = read.apply(read.guessed)?;
        assert_eq!((d.len(), d.departments().len()), (MAX_ROWS, 250));
        let last = d.find_id("1000000000000199999").and_then(|i| d.entry(i));
        assert_eq!(last.map(|e| e.email), Some("p199999@example.com"));
        assert_eq!(d.find_email("P123456@EXAMPLE.COM").len(), 1);
        let rows: Rows = (0..1000u64)
            .map(|i| {
                UserSpaceQuota::new(
                    (1_000_000_000_000_000_000u64 + i * 199).to_string(),
                    10,
                    1.0,
                )
            })
            .collect();
        let join = d.join(&rows);
        assert!(join.iter().all(|&e| e != NONE));
        assert_eq!(d.not_joined(&join).len(), MAX_ROWS - 1000);
        Ok(())
    }
}
