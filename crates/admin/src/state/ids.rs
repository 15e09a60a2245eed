//! The ids to query: pasted text split on new lines, commas and spaces
//! ([`parse_ids`]), or a CSV file ([`CsvImport`], read with the `csv` crate)
//! whose id column is found by its header or chosen by the administrator.
//! Duplicates are removed (first-seen order kept) and empty entries counted,
//! so the page can say what it did. Full-width digits (`１２３`, as Chinese
//! input methods type them) become ASCII digits; entries that do not look
//! like KooDrive ids ([`looks_like_koodrive_id`]) are still sent, since the
//! server decides, but the page lists them apart.

use std::borrow::Cow;
use std::collections::HashSet;

/// An entry with its full-width digits (U+FF10–U+FF19) made ASCII digits.
pub fn normalize_digits(entry: &str) -> Cow<'_, str> {
    let full_width = |c: char| ('\u{ff10}'..='\u{ff19}').contains(&c);
    if !entry.chars().any(full_width) {
        return Cow::Borrowed(entry);
    }
    Cow::Owned(
        entry
            .chars()
            .map(|c| {
                if full_width(c) {
                    char::from(b'0' + (c as u32 - 0xff10) as u8)
                } else {
                    c
                }
            })
            .collect(),
    )
}

/// Whether an id looks like a KooDrive user id: 1 to 19 ASCII digits
/// without a leading zero (a number that fits 64 bits, as KooDrive's ids
/// do). `abc`, `12-34`, `0` and `1505084218764547200x` do not.
pub fn looks_like_koodrive_id(id: &str) -> bool {
    (1..=19).contains(&id.len())
        && !id.starts_with('0')
        && id.bytes().all(|b| b.is_ascii_digit())
        && id.parse::<u64>().is_ok()
}

/// Ids ready to query, and what was dropped on the way.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IdList {
    /// Distinct ids, in first-seen order.
    pub ids: Vec<String>,
    /// Entries dropped because they were seen before.
    pub duplicates: usize,
    /// Empty entries (`a,,b`, a trailing comma), ignored.
    pub empty: usize,
}

impl IdList {
    /// Builds the list from entries (full-width digits made ASCII),
    /// counting duplicates and empties.
    pub fn from_entries<'a>(entries: impl IntoIterator<Item = &'a str>) -> Self {
        let mut list = Self::default();
        let mut seen: HashSet<Cow<'a, str>> = HashSet::new();
        for entry in entries {
            let entry = normalize_digits(entry.trim());
            if entry.is_empty() {
                list.empty += 1;
            } else if !seen.contains(&entry) {
                list.ids.push(entry.clone().into_owned());
                seen.insert(entry);
            } else {
                list.duplicates += 1;
            }
        }
        list
    }

    /// The ids that do not look like KooDrive ids, in order.
    pub fn unlike_koodrive_ids(&self) -> Vec<&str> {
        self.ids
            .iter()
            .map(String::as_str)
            .filter(|id| !looks_like_koodrive_id(id))
            .collect()
    }
}

/// Splits pasted text into ids: new lines, commas, semicolons, tabs and
/// spaces separate them. Blank lines and runs of spaces are not entries; an
/// empty field between two commas is, and is counted in [`IdList::empty`].
pub fn parse_ids(text: &str) -> IdList {
    let mut entries: Vec<&str> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            continue;
        }
        for field in line.split([',', ';']) {
            let mut words = field.split_whitespace().peekable();
            if words.peek().is_none() {
                entries.push("");
            }
            entries.extend(words);
        }
    }
    IdList::from_entries(entries)
}

/// A CSV file read for its ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvImport {
    /// The first row's cells (column names, or the first ids of a file without a header).
    pub headers: Vec<String>,
    /// Every row after the first.
    pub rows: Vec<Vec<String>>,
    /// The id column, when a header names it or the file has no header.
    pub id_column: Option<usize>,
    /// Whether the first row is a header (and not data).
    pub has_header: bool,
}

/// Header names taken for the id column (compared without ASCII case, spaces,
/// dashes, dots or underscores).
const ID_HEADERS: [&str; 6] = ["userid", "id", "uid", "user", "koodriveuserid", "用户id"];

/// A header name for comparison: ASCII lower case, without spaces, dashes,
/// dots or underscores (also how the directory's columns are recognised).
pub(crate) fn normalized(header: &str) -> String {
    header
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '.'))
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Why an imported CSV file gives no ids; the page says it in its language
/// (`i18n::Texts::csv_error`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvError {
    /// The file has no row.
    Empty,
    /// Row `row` (counting from 1) is not UTF-8 text.
    NotUtf8 {
        /// The row, from 1.
        row: usize,
    },
    /// Row `row` could not be read as CSV.
    Unreadable {
        /// The row, from 1.
        row: usize,
    },
}

/// Why a row of a CSV file could not be read (csv's own error texts are
/// not used: they would bring `std::io`'s into the page).
fn read_problem(e: &csv::Error, row: usize) -> CsvError {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => CsvError::NotUtf8 { row },
        _ => CsvError::Unreadable { row },
    }
}

fn looks_like_id(cell: &str) -> bool {
    let cell = cell.trim();
    cell.len() >= 4 && cell.bytes().all(|b| b.is_ascii_digit())
}

impl CsvImport {
    /// Reads a CSV file (UTF-8, a leading byte-order mark allowed; rows may
    /// have different lengths). Fails on bytes that are not CSV text.
    pub fn read(bytes: &[u8]) -> Result<Self, CsvError> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let mut rows = Vec::new();
        for (index, record) in reader.records().enumerate() {
            let record = record.map_err(|e| read_problem(&e, index + 1))?;
            rows.push(
                record
                    .iter()
                    .map(|c| c.trim().to_owned())
                    .collect::<Vec<_>>(),
            );
        }
        if rows.is_empty() {
            return Err(CsvError::Empty);
        }
        let headers = rows.remove(0);
        let named = headers
            .iter()
            .position(|h| ID_HEADERS.contains(&normalized(h).as_str()));
        let (id_column, has_header) = match named {
            Some(c) => (Some(c), true),
            None => match headers.iter().position(|h| looks_like_id(h)) {
                // No header: the first row is already data.
                Some(c) => (Some(c), false),
                None => (None, true),
            },
        };
        Ok(Self {
            headers,
            rows,
            id_column,
            has_header,
        })
    }

    /// The names to offer when the id column must be chosen: the header
    /// cells, or `Column N` for a file without a header.
    pub fn column_names(&self) -> Vec<String> {
        let width = self
            .rows
            .iter()
            .map(Vec::len)
            .chain([self.headers.len()])
            .max()
            .unwrap_or(0);
        (0..width)
            .map(|i| match self.headers.get(i) {
                Some(h) if self.has_header && !h.is_empty() => h.clone(),
                _ => format!("Column {}", i + 1),
            })
            .collect()
    }

    /// The ids in `column`, as an [`IdList`] (a row too short for the column
    /// counts as an empty entry).
    pub fn ids(&self, column: usize) -> IdList {
        let first = (!self.has_header).then_some(&self.headers);
        IdList::from_entries(
            first
                .into_iter()
                .chain(&self.rows)
                .map(|row| row.get(column).map_or("", String::as_str)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasted_ids_split_on_lines_commas_and_spaces() {
        let list = parse_ids("1001\n1002, 1003 1004\n\n1001,,1005,\n  1006\t1007");
        assert_eq!(
            list.ids,
            ["1001", "1002", "1003", "1004", "1005", "1006", "1007"]
        );
        assert_eq!(list.duplicates, 1);
        assert_eq!(list.empty, 2);
        assert_eq!(parse_ids("  \n\n").ids.len(), 0);
    }

    #[test]
    fn full_width_digits_are_normalised_and_odd_ids_are_told_apart() {
        let list = parse_ids("abc 12-34 0 １２３ 1505084218764547200x 123 1505084218764547200");
        assert_eq!(
            list.ids,
            [
                "abc",
                "12-34",
                "0",
                "123",
                "1505084218764547200x",
                "1505084218764547200"
            ]
        );
        assert_eq!(list.duplicates, 1, "１２３ is 123");
        assert_eq!(
            list.unlike_koodrive_ids(),
            ["abc", "12-34", "0", "1505084218764547200x"]
        );
        assert!(
            !looks_like_koodrive_id("99999999999999999999"),
            "past 64 bits"
        );
        assert!(looks_like_koodrive_id("1"));
    }

    #[test]
    fn csv_id_column_is_found_by_header() -> Result<(), CsvError> {
        let file = "\u{feff}name,User ID,quota\nann,1001,5\nbob,\"1002\",6\ncy,1001,7\ndee\n";
        let import = CsvImport::read(file.as_bytes())?;
        assert_eq!(import.id_column, Some(1));
        assert!(import.has_header);
        let list = import.ids(1);
        assert_eq!(list.ids, ["1001", "1002"]);
        assert_eq!((list.duplicates, list.empty), (1, 1));
        Ok(())
    }

    #[test]
    fn csv_without_header_uses_the_id_looking_column() -> Result<(), CsvError> {
        let import = CsvImport::read(b"x,1505084218764547200\ny,1505084218764547201\n")?;
        assert_eq!((import.id_column, import.has_header), (Some(1), false));
        assert_eq!(import.ids(1).ids.len(), 2);
        assert_eq!(import.column_names(), ["Column 1", "Column 2"]);
        Ok(())
    }

    #[test]
    fn csv_with_unknown_headers_asks_for_the_column() -> Result<(), CsvError> {
        let import = CsvImport::read(b"account,size\n1001,5\n1002,6\n")?;
        assert_eq!(import.id_column, None);
        assert_eq!(import.column_names(), ["account", "size"]);
        assert_eq!(import.ids(0).ids, ["1001", "1002"]);
        assert_eq!(CsvImport::read(b"").err(), Some(CsvError::Empty));
        assert_eq!(
            CsvImport::read(b"userId\n\xff\xfe\n").err(),
            Some(CsvError::NotUtf8 { row: 2 })
        );
        Ok(())
    }
}
