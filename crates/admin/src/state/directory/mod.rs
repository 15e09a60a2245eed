//! The company directory: a CSV export (id, name, email, department,
//! status) joined to the usage rows by KooDrive user id, so that the page
//! speaks of people and departments and not only of 19-digit ids.
//!
//! - [`file`]: reading a file and mapping its columns ([`DirectoryFile`],
//!   [`Mapping`]), and why a file cannot be used ([`DirectoryError`]);
//! - [`index`]: the [`Directory`] built from it, its indexes, and the join
//!   of usage rows to its entries;
//! - [`resolve`]: the pasted emails and names of the User IDs box turned
//!   into ids ([`resolve_entries`]).

pub mod file;
pub mod index;
pub mod resolve;

pub use file::{DirectoryError, DirectoryFile, Field, MAX_ROWS, Mapping};
pub use index::{Directory, Entry, collapse_spaces};
pub use resolve::{Resolution, Unresolved, resolve_entries};

/// "No entry" in a join (a row whose user is not in the directory).
pub const NONE: u32 = u32::MAX;

/// A small directory the tests of this module share.
#[cfg(test)]
pub(crate) mod fixture {
    use super::{Directory, DirectoryError, DirectoryFile, Field};

    /// A file with a byte-order mark, headers the page does not know, a
    /// repeated id, a row without id and a short row.
    pub const FILE: &str = "\u{feff}Employee ID,Full Name,E-mail,Org Unit,Status\n\
        1001,Ada  Lovelace,Ada@Example.com,Research,active\n\
        1002,\"Lovelace, Ada\",ada2@example.com,Research,active\n\
        1003,Li Lei,li@example.com,,disabled\n\
        1004,Zoë Brown,zoe@example.com,Sales,active\n\
        1005,li lei,lilei@example.com,Sales,active\n\
        1001,Duplicate,dup@example.com,Sales,active\n\
        ,No Id,noid@example.com,Sales,active\n\
        1006,Short Row\n";

    /// [`FILE`] applied with its id and department columns chosen.
    pub fn directory() -> Result<Directory, DirectoryError> {
        let file = DirectoryFile::read("people.csv", FILE.as_bytes().to_vec())?;
        let mut mapping = file.guessed;
        mapping.set(Field::Id, Some(0));
        mapping.set(Field::Department, Some(3));
        file.apply(mapping)
    }
}
