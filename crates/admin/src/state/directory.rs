//! The company directory: a CSV export (id, name, email, department,
//! status) joined to the usage rows by KooDrive user id, so that the page
//! speaks of people and departments and not only of 19-digit ids.
//!
//! - [`DirectoryFile::read`] reads a file once (the `csv` crate), keeps its
//!   bytes, its header and its row count, and guesses the [`Mapping`] of its
//!   columns from their names; the administrator may change it.
//! - [`DirectoryFile::apply`] builds the [`Directory`]: every text in one
//!   buffer, departments interned, and three sorted indexes (by id, by email,
//!   by name) searched by bisection, so that 200,000 entries cost a few
//!   bytes each beside their text and a lookup is some twenty comparisons.
//! - [`Directory::join`] gives each usage row its entry; [`resolve_entries`]
//!   turns the pasted emails and names of the User IDs box into ids, listing
//!   what is ambiguous or unknown instead of guessing.
//!
//! Names and emails are matched without ASCII case (and names with their
//! runs of spaces collapsed); other letters must match exactly, which keeps
//! Unicode's case tables out of the page.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::sync::Arc;

use super::ids::{IdList, normalized};
use super::rows::Row;
use super::sort::sort_u32;

/// The most rows a directory file may have.
pub const MAX_ROWS: usize = 200_000;

/// "No entry" in a join (a row whose user is not in the directory).
pub const NONE: u32 = u32::MAX;

/// A field of a directory entry, and a column the administrator maps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// The KooDrive user id (required).
    Id,
    /// The person's name.
    Name,
    /// The email address.
    Email,
    /// The department.
    Department,
    /// The account status in the directory (`active`, `disabled`, …).
    Status,
}

impl Field {
    /// Every field, in the order of [`Mapping::columns`].
    pub const ALL: [Field; 5] = [
        Self::Id,
        Self::Name,
        Self::Email,
        Self::Department,
        Self::Status,
    ];

    /// Header names taken for this field, normalised (see `ids::normalized`).
    fn guesses(self) -> &'static [&'static str] {
        match self {
            Self::Id => &[
                "userid",
                "koodriveuserid",
                "koodriveid",
                "id",
                "uid",
                "用户id",
            ],
            Self::Name => &["name", "displayname", "fullname", "username", "姓名"],
            Self::Email => &["email", "mail", "emailaddress", "userprincipalname", "邮箱"],
            Self::Department => &[
                "department",
                "dept",
                "division",
                "team",
                "costcenter",
                "部门",
            ],
            Self::Status => &["status", "state", "accountstatus", "enabled", "状态"],
        }
    }
}

/// Which column of the file holds each [`Field`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Mapping {
    /// The column of each field, in [`Field::ALL`] order.
    pub columns: [Option<usize>; 5],
}

impl Mapping {
    /// The column of `field`.
    pub fn get(&self, field: Field) -> Option<usize> {
        self.columns[field as usize]
    }

    /// Maps `field` to `column` (`None`: not in the file).
    pub fn set(&mut self, field: Field, column: Option<usize>) {
        self.columns[field as usize] = column;
    }

    /// The columns named like each field (each column used once).
    pub fn guess(headers: &[String]) -> Self {
        let names: Vec<String> = headers.iter().map(|h| normalized(h)).collect();
        let mut mapping = Self::default();
        for field in Field::ALL {
            let taken = mapping.columns;
            mapping.set(
                field,
                field.guesses().iter().find_map(|g| {
                    names
                        .iter()
                        .enumerate()
                        .position(|(i, n)| n == g && !taken.contains(&Some(i)))
                }),
            );
        }
        mapping
    }

    /// As numbers, `-1` for none (how it is kept on this computer).
    pub fn to_numbers(&self) -> Vec<Option<u32>> {
        self.columns
            .iter()
            .map(|c| c.and_then(|c| u32::try_from(c).ok()))
            .collect()
    }

    /// Back from [`Mapping::to_numbers`].
    pub fn from_numbers(numbers: &[Option<u32>]) -> Self {
        let mut mapping = Self::default();
        for (slot, n) in mapping.columns.iter_mut().zip(numbers) {
            *slot = n.map(|n| n as usize);
        }
        mapping
    }
}

/// Why a row of the file could not be read (csv's own error texts would
/// bring `std::io`'s into the page).
fn read_problem(e: &csv::Error, row: u64) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => {
            format!("row {row} is not UTF-8 text: export the directory as UTF-8 CSV")
        }
        _ => format!("row {row} could not be read as CSV"),
    }
}

fn reader(bytes: &[u8]) -> csv::Reader<&[u8]> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .delimiter(delimiter(bytes))
        .from_reader(bytes)
}

/// The file's separator: a comma, unless the header row has none but
/// semicolons or tabs (as spreadsheets write in some countries).
fn delimiter(bytes: &[u8]) -> u8 {
    let header = bytes.split(|&b| b == b'\n').next().unwrap_or(bytes);
    if header.contains(&b',') {
        return b',';
    }
    [b';', b'\t']
        .into_iter()
        .find(|d| header.contains(d))
        .unwrap_or(b',')
}

/// Cells a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, a tab or
/// a carriage return first) get a leading `'` in CSV exports, so that a
/// name from the directory cannot become a command when the file is opened.
pub fn defused(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

/// A directory file, read but not yet applied.
#[derive(Debug, Clone, PartialEq)]
pub struct DirectoryFile {
    /// The file's name.
    pub file_name: String,
    /// The file as read (kept to apply another mapping, and to keep it on
    /// this computer); shared, never copied: it may be 20 MB.
    pub bytes: Arc<Vec<u8>>,
    /// The header row's cells, trimmed.
    pub headers: Vec<String>,
    /// Rows after the header.
    pub rows: usize,
    /// The mapping guessed from the header names.
    pub guessed: Mapping,
}

impl DirectoryFile {
    /// Reads a directory file: UTF-8 CSV with a header row (a leading
    /// byte-order mark allowed), at most [`MAX_ROWS`] rows after it.
    pub fn read(file_name: &str, bytes: Vec<u8>) -> Result<Self, String> {
        let mut reader = reader(&bytes);
        let headers: Vec<String> = match reader.headers() {
            Ok(h) => h.iter().map(|c| c.trim().to_owned()).collect(),
            Err(e) => return Err(read_problem(&e, 1)),
        };
        if headers.iter().all(String::is_empty) {
            return Err(
                "the file is empty or has no header row: its first row must name the columns"
                    .to_owned(),
            );
        }
        // A file without a header would lose its first person as one.
        let looks_like_data = |h: &String| {
            h.contains('@') || (h.len() >= 12 && h.bytes().all(|b| b.is_ascii_digit()))
        };
        if headers.iter().any(looks_like_data) {
            return Err(
                "the first row holds a user, not column names: add a header row such as \
                 userId,name,email,department,status"
                    .to_owned(),
            );
        }
        let mut record = csv::StringRecord::new();
        let mut rows = 0usize;
        loop {
            match reader.read_record(&mut record) {
                Ok(true) => rows += 1,
                Ok(false) => break,
                Err(e) => return Err(read_problem(&e, rows as u64 + 2)),
            }
            if rows > MAX_ROWS {
                return Err(
                    "the file has more than 200,000 rows: export only the users of this tenant"
                        .to_owned(),
                );
            }
        }
        let guessed = Mapping::guess(&headers);
        drop(reader);
        Ok(Self {
            file_name: file_name.to_owned(),
            bytes: Arc::new(bytes),
            headers,
            rows,
            guessed,
        })
    }

    /// The names to show for the columns: the header cells, `Column N` for
    /// an empty one, `name (column N)` for a name that two columns share.
    pub fn column_names(&self) -> Vec<String> {
        self.headers
            .iter()
            .enumerate()
            .map(|(i, h)| {
                if h.is_empty() {
                    format!("Column {}", i + 1)
                } else if self.headers.iter().filter(|o| *o == h).count() > 1 {
                    format!("{h} (column {})", i + 1)
                } else {
                    h.clone()
                }
            })
            .collect()
    }

    /// Builds the directory with `mapping` (its id column is required).
    pub fn apply(&self, mapping: Mapping) -> Result<Directory, String> {
        let Some(id_column) = mapping.get(Field::Id) else {
            return Err("choose the column that holds the KooDrive user id".to_owned());
        };
        let mut builder = Builder::new(self.rows);
        let mut reader = reader(&self.bytes);
        let mut record = csv::StringRecord::new();
        let mut row = 1u64;
        loop {
            row += 1;
            match reader.read_record(&mut record) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => return Err(read_problem(&e, row)),
            }
            let cell = |field: Field| {
                mapping
                    .get(field)
                    .and_then(|c| record.get(c))
                    .unwrap_or("")
                    .trim()
            };
            let id = record.get(id_column).unwrap_or("").trim();
            builder.push(
                id,
                cell(Field::Name),
                cell(Field::Email),
                cell(Field::Department),
                cell(Field::Status),
            );
        }
        let directory = builder.finish(self, mapping);
        if directory.is_empty() {
            return Err(
                "no row has a user id in the chosen column: choose the column of the KooDrive user ids"
                    .to_owned(),
            );
        }
        Ok(directory)
    }
}

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

/// Compares without ASCII case, then exactly (a total order for sorting).
pub fn cmp_folded(a: &str, b: &str) -> Ordering {
    cmp_ignore_case(a, b).then_with(|| a.cmp(b))
}

/// Compares without ASCII case only (equal when they differ in case alone).
fn cmp_ignore_case(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    for (x, y) in a.iter().zip(b) {
        let (x, y) = (x.to_ascii_lowercase(), y.to_ascii_lowercase());
        if x != y {
            return x.cmp(&y);
        }
    }
    a.len().cmp(&b.len())
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

struct Builder {
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
    fn new(rows: usize) -> Self {
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

    fn push(&mut self, id: &str, name: &str, email: &str, department: &str, status: &str) {
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
    fn finish(self, file: &DirectoryFile, mapping: Mapping) -> Directory {
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
    pub fn join(&self, rows: &[Row]) -> Vec<u32> {
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

/// A pasted entry the directory cannot turn into one id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unresolved {
    /// Several users have this email or name: their ids.
    Ambiguous {
        /// The entry as pasted.
        entry: String,
        /// The ids it could be.
        ids: Vec<String>,
    },
    /// No user has this email or name.
    Unknown(String),
}

/// The User IDs box, read with a directory.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Resolution {
    /// The ids to query (distinct, first-seen order), with the counts of
    /// duplicates and empty entries.
    pub list: IdList,
    /// Ids found from an email.
    pub from_emails: usize,
    /// Ids found from a name.
    pub from_names: usize,
    /// Entries that are not one id.
    pub unresolved: Vec<Unresolved>,
}

/// Whether an entry is an id as it stands: digits only, or an id of the directory.
fn is_id(directory: &Directory, entry: &str) -> bool {
    (!entry.is_empty() && entry.bytes().all(|b| b.is_ascii_digit()))
        || directory.find_id(entry).is_some()
}

/// The entries of the User IDs box with a directory: a whole line that is a
/// directory name is one entry; otherwise the line splits on commas,
/// semicolons and tabs, and a field on spaces only when each of its words is
/// an id or an email (a field `Ada Lovelace` stays one name).
fn entries<'a>(directory: &Directory, text: &'a str) -> Vec<Cow<'a, str>> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if !directory.find_name(line).is_empty() {
            out.push(line.into());
            continue;
        }
        for field in line.split([',', ';', '\t']) {
            let words: Vec<&str> = field.split_whitespace().collect();
            if words.is_empty() {
                out.push("".into());
            } else if words.len() > 1
                && words.iter().all(|w| w.contains('@') || is_id(directory, w))
            {
                out.extend(words.into_iter().map(Into::into));
            } else {
                out.push(collapse_spaces(field));
            }
        }
    }
    out
}

/// Reads the User IDs box with `directory`: ids stay ids; an entry with `@`
/// is an email and any other a name, each turned into its user's id when
/// exactly one user has it. What is ambiguous or unknown is listed, never
/// guessed.
pub fn resolve_entries(text: &str, directory: &Directory) -> Resolution {
    let mut resolution = Resolution::default();
    let mut ids: Vec<String> = Vec::new();
    // Users already found from an email or a name (a repeat is a duplicate).
    let mut resolved = std::collections::HashSet::new();
    let mut empty = 0usize;
    for entry in entries(directory, text) {
        let entry = entry.as_ref();
        if entry.is_empty() {
            empty += 1;
            continue;
        }
        if is_id(directory, entry) {
            ids.push(entry.to_owned());
            continue;
        }
        let by_email = entry.contains('@');
        let found = if by_email {
            directory.find_email(entry)
        } else {
            directory.find_name(entry)
        };
        match found.as_slice() {
            [] => resolution
                .unresolved
                .push(Unresolved::Unknown(entry.to_owned())),
            [one] => {
                if let Some(e) = directory.entry(*one) {
                    // Counted once per user: a repeat is a duplicate.
                    if resolved.insert(e.id.to_owned()) {
                        if by_email {
                            resolution.from_emails += 1;
                        } else {
                            resolution.from_names += 1;
                        }
                    }
                    ids.push(e.id.to_owned());
                }
            }
            many => resolution.unresolved.push(Unresolved::Ambiguous {
                entry: entry.to_owned(),
                ids: many
                    .iter()
                    .filter_map(|&i| directory.entry(i).map(|e| e.id.to_owned()))
                    .collect(),
            }),
        }
    }
    resolution.list = IdList::from_entries(ids.iter().map(String::as_str));
    resolution.list.empty = empty;
    // The same entry pasted twice is listed once.
    let mut seen = std::collections::HashSet::new();
    resolution.unresolved.retain(|u| {
        seen.insert(match u {
            Unresolved::Ambiguous { entry, .. } | Unresolved::Unknown(entry) => {
                entry.to_ascii_lowercase()
            }
        })
    });
    resolution
}

#[cfg(test)]
mod tests {
    use koodrive_core::UserSpaceQuota;

    use super::*;

    const FILE: &str = "\u{feff}Employee ID,Full Name,E-mail,Org Unit,Status\n\
        1001,Ada  Lovelace,Ada@Example.com,Research,active\n\
        1002,\"Lovelace, Ada\",ada2@example.com,Research,active\n\
        1003,Li Lei,li@example.com,,disabled\n\
        1004,Zoë Brown,zoe@example.com,Sales,active\n\
        1005,li lei,lilei@example.com,Sales,active\n\
        1001,Duplicate,dup@example.com,Sales,active\n\
        ,No Id,noid@example.com,Sales,active\n\
        1006,Short Row\n";

    fn directory() -> Result<Directory, String> {
        let file = DirectoryFile::read("people.csv", FILE.as_bytes().to_vec())?;
        let mut mapping = file.guessed;
        mapping.set(Field::Id, Some(0));
        mapping.set(Field::Department, Some(3));
        file.apply(mapping)
    }

    #[test]
    fn columns_are_guessed_by_name_and_an_unknown_one_is_left_to_choose() -> Result<(), String> {
        let file = DirectoryFile::read("people.csv", FILE.as_bytes().to_vec())?;
        assert_eq!(file.rows, 8);
        assert_eq!(
            file.guessed.columns,
            [None, Some(1), Some(2), None, Some(4)],
            "Employee ID and Org Unit are not names the page knows"
        );
        let guessed = Mapping::guess(&["User ID".into(), "Name".into(), "Dept.".into()]);
        assert_eq!(guessed.columns, [Some(0), Some(1), None, Some(2), None]);
        assert!(
            file.apply(file.guessed).is_err(),
            "the id column is required"
        );
        assert_eq!(
            Mapping::from_numbers(&guessed.to_numbers()),
            guessed,
            "a mapping keeps"
        );
        Ok(())
    }

    #[test]
    fn duplicates_and_rows_without_id_are_skipped_and_counted() -> Result<(), String> {
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
    fn emails_and_names_match_without_case() -> Result<(), String> {
        let d = directory()?;
        assert_eq!(d.find_email("ada@example.COM").len(), 1);
        assert_eq!(d.find_name("LI   LEI").len(), 2);
        assert_eq!(d.find_name("zoë brown").len(), 1);
        assert_eq!(d.find_name("ZOË BROWN").len(), 0, "only ASCII letters fold");
        Ok(())
    }

    #[test]
    fn pasted_emails_names_and_ids_resolve_and_the_rest_is_listed() -> Result<(), String> {
        let d = directory()?;
        let text = "ADA@example.com zoe@example.com\nLovelace, Ada\nli lei\n\
            1005, nobody@example.com\nGrace Hopper\n42\n1004\n,";
        let r = resolve_entries(text, &d);
        assert_eq!(r.list.ids, ["1001", "1004", "1002", "1005", "42"]);
        assert_eq!((r.from_emails, r.from_names), (2, 1));
        assert_eq!(r.list.duplicates, 1);
        assert_eq!(r.list.empty, 2);
        assert_eq!(
            r.unresolved,
            [
                Unresolved::Ambiguous {
                    entry: "li lei".into(),
                    ids: vec!["1003".into(), "1005".into()],
                },
                Unresolved::Unknown("nobody@example.com".into()),
                Unresolved::Unknown("Grace Hopper".into()),
            ]
        );
        Ok(())
    }

    #[test]
    fn the_join_marks_users_on_one_side_only() -> Result<(), String> {
        let d = directory()?;
        let rows: Vec<Row> = ["1004", "7777", "1001"]
            .into_iter()
            .map(|id| Row::new(UserSpaceQuota::new(id, 10, 1.0)))
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
    fn bad_files_say_what_to_do() -> Result<(), String> {
        assert!(DirectoryFile::read("x.csv", Vec::new()).is_err());
        let bad = DirectoryFile::read("x.csv", b"userId,name\n1,\xff\n".to_vec());
        assert_eq!(
            bad.err().as_deref(),
            Some("row 2 is not UTF-8 text: export the directory as UTF-8 CSV")
        );
        let mut big = String::from("userId\n");
        for i in 0..=MAX_ROWS {
            big.push_str(&format!("{i}\n"));
        }
        let too_big = DirectoryFile::read("x.csv", big.into_bytes());
        assert!(too_big.is_err_and(|e| e.contains("more than 200,000 rows")));
        let headless =
            DirectoryFile::read("x.csv", b"1505084218764547200,Ann,ann@x.org\n".to_vec());
        assert!(headless.is_err_and(|e| e.contains("add a header row")));
        let header_only = DirectoryFile::read("x.csv", b"userId,name\n".to_vec())?;
        assert!(
            header_only.apply(header_only.guessed).is_err(),
            "an empty directory replaces nothing"
        );
        Ok(())
    }

    #[test]
    fn the_largest_directory_allowed_is_read_indexed_and_joined() -> Result<(), String> {
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
        let rows: Vec<Row> = (0..1000u64)
            .map(|i| {
                Row::new(UserSpaceQuota::new(
                    (1_000_000_000_000_000_000u64 + i * 199).to_string(),
                    10,
                    1.0,
                ))
            })
            .collect();
        let join = d.join(&rows);
        assert!(join.iter().all(|&e| e != NONE));
        assert_eq!(d.not_joined(&join).len(), MAX_ROWS - 1000);
        Ok(())
    }

    #[test]
    fn semicolons_and_tabs_separate_when_the_header_has_no_comma() -> Result<(), String> {
        for file in ["userId;name\n1;Ann\n", "userId\tname\n1\tAnn\n"] {
            let read = DirectoryFile::read("x.csv", file.as_bytes().to_vec())?;
            assert_eq!(read.headers, ["userId", "name"]);
            let d = read.apply(read.guessed)?;
            assert_eq!(d.entry(0).map(|e| e.name), Some("Ann"));
        }
        let twice = DirectoryFile::read("x.csv", b"userId,name,name\n1,a,b\n".to_vec())?;
        assert_eq!(
            twice.column_names(),
            ["userId", "name (column 2)", "name (column 3)"]
        );
        Ok(())
    }

    #[test]
    fn formulas_are_defused_and_other_cells_kept() {
        assert_eq!(defused("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
        assert_eq!(defused("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(defused("Lovelace, Ada"), "Lovelace, Ada");
        assert_eq!(defused(""), "");
    }

    #[test]
    fn a_user_pasted_twice_counts_once() -> Result<(), String> {
        let d = directory()?;
        let r = resolve_entries("ada@example.com\nADA@example.com\n1001", &d);
        assert_eq!(r.list.ids, ["1001"]);
        assert_eq!((r.from_emails, r.list.duplicates), (1, 2));
        Ok(())
    }
}
