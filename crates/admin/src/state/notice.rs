//! What the page must tell above the results, as data: a failed call
//! ([`Notice::Failure`]), a problem of the page's own ([`Problem`]: an
//! unreadable file, nothing to query, a refusal of the browser), and the
//! notes of a listing whose pages did not add up ([`ListNote`]). The words
//! come from `i18n` in the page's language; nothing here is text.

use koodrive_core::{KooDriveError, PageProblem};

use super::directory::DirectoryError;
use super::ids::CsvError;
use super::messages::AuthKind;

/// Something the page must tell, above the results.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    /// A call failed: explained in the current language, with its trace id.
    Failure {
        /// The error.
        error: KooDriveError,
        /// How the call authenticated.
        auth: AuthKind,
        /// Where it went.
        endpoint: String,
    },
    /// A problem of the page's own.
    Problem(Problem),
}

/// A problem of the page's own, not of a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// An imported CSV of user ids gives no ids.
    IdsFile {
        /// The file's name.
        file: String,
        /// Why.
        error: CsvError,
    },
    /// A directory file cannot be used.
    DirectoryFile {
        /// The file's name.
        file: String,
        /// Why.
        error: DirectoryError,
    },
    /// The directory kept on this computer no longer reads, and was forgotten.
    KeptDirectory {
        /// The kept file's name.
        file: String,
        /// Why.
        error: DirectoryError,
    },
    /// Query was pressed with nothing to query.
    NothingToQuery {
        /// Whether a directory was in use and entries could not be resolved.
        unresolved: bool,
    },
    /// A part of the page loaded on first use could not be fetched (the
    /// network is down, or the page was updated on the server since it was
    /// opened).
    PartNotLoaded(Part),
    /// The browser refused something the page asked of it.
    Browser {
        /// What the page asked.
        action: BrowserAction,
        /// The browser's own words (in the browser's language).
        detail: String,
    },
}

/// A part of the page that is fetched the first time it is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The CSV, JSON and Excel exports.
    Exports,
    /// The company directory: reading its file, the column mapping, the
    /// Departments view.
    Directory,
    /// The usage histogram and the top users.
    Charts,
    /// The in-browser demo (the sandbox answering inside the page).
    Demo,
    /// The usage history: its snapshots, trends, charts, and its files'
    /// imports and exports.
    History,
    /// Reading a CSV file of User IDs picked in the query form.
    IdsFile,
}

/// What the page asked of the browser, when it refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BrowserAction {
    /// Reading a picked file.
    ReadFile,
    /// Saving an export.
    Download,
    /// Keeping the directory on this computer.
    KeepDirectory,
    /// Reading the directory kept on this computer.
    LoadKeptDirectory,
    /// Forgetting the directory kept on this computer.
    ForgetDirectory,
}

/// A note about a listing whose pages did not add up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListNote {
    /// What a page showed (the total moved, an empty page, a repeated user).
    Page(PageProblem),
    /// The pages held `received` users but the server counted `total`.
    TotalMismatch {
        /// Users the pages held.
        received: usize,
        /// The server's total.
        total: usize,
    },
}
