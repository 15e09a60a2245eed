//! Why stored or imported history could not be read: [`HistoryError`].

use core::fmt;

/// What kind of trouble a [`HistoryError`] is, for a program to match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum HistoryErrorKind {
    /// The bytes are not history of this project at all (another file).
    Foreign,
    /// Written by a newer version of the format than this one reads.
    NewerVersion,
    /// History of this project, but damaged (cut short, altered).
    Damaged,
    /// A snapshot was stored against another snapshot than the one given.
    WrongBase,
}

/// Stored or imported history that could not be read. Its message says what
/// was wrong and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryError {
    kind: HistoryErrorKind,
    detail: String,
}

impl HistoryError {
    pub(crate) fn foreign(detail: impl Into<String>) -> Self {
        Self {
            kind: HistoryErrorKind::Foreign,
            detail: detail.into(),
        }
    }

    pub(crate) fn newer(version: u8) -> Self {
        Self {
            kind: HistoryErrorKind::NewerVersion,
            detail: format!("format version {version}"),
        }
    }

    pub(crate) fn damaged(detail: impl Into<String>) -> Self {
        Self {
            kind: HistoryErrorKind::Damaged,
            detail: detail.into(),
        }
    }

    pub(crate) fn wrong_base(detail: impl Into<String>) -> Self {
        Self {
            kind: HistoryErrorKind::WrongBase,
            detail: detail.into(),
        }
    }

    /// The same error, saying which snapshot it was about.
    pub(crate) fn in_snapshot(mut self, index: usize, count: usize) -> Self {
        self.detail = format!("snapshot {} of {count}: {}", index + 1, self.detail);
        self
    }

    /// What kind of trouble it is.
    pub fn kind(&self) -> HistoryErrorKind {
        self.kind
    }

    /// The technical detail (which part, which snapshot).
    pub fn detail(&self) -> &str {
        &self.detail
    }
}

impl fmt::Display for HistoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            HistoryErrorKind::Foreign => write!(
                f,
                "this is not a usage history file ({}): pick a file exported as history",
                self.detail
            ),
            HistoryErrorKind::NewerVersion => write!(
                f,
                "this history was written by a newer version ({}): update to read it",
                self.detail
            ),
            HistoryErrorKind::Damaged => write!(
                f,
                "the history is damaged ({}): use another copy or export it again",
                self.detail
            ),
            HistoryErrorKind::WrongBase => write!(
                f,
                "the snapshots are out of order ({}): export the history again",
                self.detail
            ),
        }
    }
}

impl std::error::Error for HistoryError {}
