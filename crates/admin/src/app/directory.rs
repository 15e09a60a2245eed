//! [`DirectoryContext`]: the company directory — a file being mapped, the
//! directory in use, whether it is kept on this computer, for how long and
//! under which endpoint's scope — and its join to the rows of the results.

use std::sync::Arc;

use leptos::prelude::*;

use crate::state::directory::{Directory, DirectoryFile, Mapping};
use crate::state::keeping::DEFAULT_KEEP_DAYS;
use crate::state::results::Results;

/// The directory's reactive state. Cheap to copy: every field is a handle.
#[derive(Clone, Copy)]
pub struct DirectoryContext {
    /// A directory file read, whose columns are being mapped.
    pub file: RwSignal<Option<Arc<DirectoryFile>>>,
    /// The mapping being chosen for `file`.
    pub mapping: RwSignal<Mapping>,
    /// The directory in use.
    pub directory: RwSignal<Option<Arc<Directory>>>,
    /// "Keep on this computer".
    pub keep: RwSignal<bool>,
    /// "Keep for (days)".
    pub keep_days: RwSignal<u32>,
    /// The scope of the endpoint in use (`state::keeping::scope_of`): a
    /// directory is kept under it, and only it brings one back.
    pub scope: RwSignal<String>,
    /// The directory entry of each row ([`crate::state::directory::NONE`]
    /// for none); empty without a directory.
    pub join: Memo<Arc<Vec<u32>>>,
    /// Directory entries KooDrive does not know (after a complete listing).
    pub only_in_directory: Memo<Arc<Vec<u32>>>,
}

impl DirectoryContext {
    /// No directory yet; the join follows `results`.
    pub fn new(results: RwSignal<Results>) -> Self {
        let directory = RwSignal::new(None::<Arc<Directory>>);
        let join = Memo::new(move |_| {
            directory.with(|d| match d {
                Some(d) => Arc::new(results.with(|r| d.join(&r.rows))),
                None => Arc::default(),
            })
        });
        let only_in_directory = Memo::new(move |_| {
            let listed_all = results.with(|r| r.listed_all);
            directory.with(|d| match d {
                Some(d) if listed_all => Arc::new(join.with(|j| d.not_joined(j))),
                _ => Arc::default(),
            })
        });
        Self {
            file: RwSignal::new(None),
            mapping: RwSignal::new(Mapping::default()),
            directory,
            keep: RwSignal::new(false),
            keep_days: RwSignal::new(DEFAULT_KEEP_DAYS),
            scope: RwSignal::new(String::new()),
            join,
            only_in_directory,
        }
    }

    /// Runs `f` with the directory in use and its join (tracked), or `None`.
    pub fn with_join<T>(&self, f: impl FnOnce(Option<(&Directory, &[u32])>) -> T) -> T {
        let join = self.join;
        self.directory.with(|d| match d {
            Some(d) => join.with(|j| f(Some((d, j.as_slice())))),
            None => f(None),
        })
    }

    /// Whether a directory is in use (tracked).
    pub fn in_use(&self) -> bool {
        self.directory.with(Option::is_some)
    }
}
