//! Reading a directory file and mapping its columns: [`DirectoryFile::read`]
//! reads a CSV export once (the `csv` crate), keeps its bytes, header and
//! row count, and guesses the [`Mapping`] of its columns from their names;
//! [`DirectoryFile::apply`] builds the [`Directory`] with the mapping the
//! administrator chose. Why a file cannot be used is a [`DirectoryError`].

use std::sync::Arc;

use super::index::{Builder, Directory};
use crate::state::ids::normalized;

/// The most rows a directory file may have.
pub const MAX_ROWS: usize = 200_000;

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

/// Why a directory file cannot be used; the page says it in its language
/// (`i18n::Texts::directory_error`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectoryError {
    /// The file is empty or its first row names no column.
    NoHeader,
    /// The first row holds a user (an id or an email), not column names.
    HeaderIsData,
    /// Row `row` (1 is the header) is not UTF-8 text.
    NotUtf8 {
        /// The row, counting the header as 1.
        row: u64,
    },
    /// Row `row` could not be read as CSV.
    Unreadable {
        /// The row, counting the header as 1.
        row: u64,
    },
    /// More than [`MAX_ROWS`] rows after the header.
    TooManyRows,
    /// No column is mapped to the user id.
    NoIdColumn,
    /// No row has a user id in the chosen column.
    NoIds,
}

/// Why a row of the file could not be read (csv's own error texts would
/// bring `std::io`'s into the page).
fn read_problem(e: &csv::Error, row: u64) -> DirectoryError {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => DirectoryError::NotUtf8 { row },
        _ => DirectoryError::Unreadable { row },
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
    pub fn read(file_name: &str, bytes: Vec<u8>) -> Result<Self, DirectoryError> {
        let mut reader = reader(&bytes);
        let headers: Vec<String> = match reader.headers() {
            Ok(h) => h.iter().map(|c| c.trim().to_owned()).collect(),
            Err(e) => return Err(read_problem(&e, 1)),
        };
        if headers.iter().all(String::is_empty) {
            return Err(DirectoryError::NoHeader);
        }
        // A file without a header would lose its first person as one.
        let looks_like_data = |h: &String| {
            h.contains('@') || (h.len() >= 12 && h.bytes().all(|b| b.is_ascii_digit()))
        };
        if headers.iter().any(looks_like_data) {
            return Err(DirectoryError::HeaderIsData);
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
                return Err(DirectoryError::TooManyRows);
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
    pub fn apply(&self, mapping: Mapping) -> Result<Directory, DirectoryError> {
        let Some(id_column) = mapping.get(Field::Id) else {
            return Err(DirectoryError::NoIdColumn);
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
            return Err(DirectoryError::NoIds);
        }
        Ok(directory)
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::FILE;
    use super::*;

    #[test]
    fn columns_are_guessed_by_name_and_an_unknown_one_is_left_to_choose()
    -> Result<(), DirectoryError> {
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
    fn bad_files_are_refused_with_the_reason() -> Result<(), DirectoryError> {
        assert_eq!(
            DirectoryFile::read("x.csv", Vec::new()).err(),
            Some(DirectoryError::NoHeader)
        );
        let bad = DirectoryFile::read("x.csv", b"userId,name\n1,\xff\n".to_vec());
        assert_eq!(bad.err(), Some(DirectoryError::NotUtf8 { row: 2 }));
        let mut big = String::from("userId\n");
        for i in 0..=MAX_ROWS {
            big.push_str(&format!("{i}\n"));
        }
        let too_big = DirectoryFile::read("x.csv", big.into_bytes());
        assert_eq!(too_big.err(), Some(DirectoryError::TooManyRows));
        let headless =
            DirectoryFile::read("x.csv", b"1505084218764547200,Ann,ann@x.org\n".to_vec());
        assert_eq!(headless.err(), Some(DirectoryError::HeaderIsData));
        let header_only = DirectoryFile::read("x.csv", b"userId,name\n".to_vec())?;
        assert_eq!(
            header_only.apply(header_only.guessed).err(),
            Some(DirectoryError::NoIds),
            "an empty directory replaces nothing"
        );
        let unmapped = DirectoryFile::read("x.csv", b"who,name\n1,Ann\n".to_vec())?;
        assert_eq!(
            unmapped.apply(unmapped.guessed).err(),
            Some(DirectoryError::NoIdColumn)
        );
        Ok(())
    }

    #[test]
    fn semicolons_and_tabs_separate_when_the_header_has_no_comma() -> Result<(), DirectoryError> {
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
}
