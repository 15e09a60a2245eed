//! The User IDs box read with a directory: [`resolve_entries`] turns the
//! pasted emails and names into ids, listing what is ambiguous or unknown
//! instead of guessing.

use std::borrow::Cow;

use super::index::{Directory, collapse_spaces};
use crate::state::ids::{IdList, normalize_digits};

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
        let entry = normalize_digits(&entry);
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
    use super::super::DirectoryError;
    use super::super::fixture::directory;
    use super::*;

    #[test]
    fn pasted_emails_names_and_ids_resolve_and_the_rest_is_listed() -> Result<(), DirectoryError> {
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
    fn a_user_pasted_twice_counts_once() -> Result<(), DirectoryError> {
        let d = directory()?;
        let r = resolve_entries("ada@example.com\nADA@example.com\n1001", &d);
        assert_eq!(r.list.ids, ["1001"]);
        assert_eq!((r.from_emails, r.list.duplicates), (1, 2));
        Ok(())
    }
}
