//! [`Store`]: the page's reactive state, shared by every component through
//! Leptos's context. Plain signals hold what the administrator set and what
//! the queries brought; memos derive what the table shows — states under the
//! thresholds, the sorted order, the filtered rows — so that scrolling and
//! painting never sort or filter: they only read a slice.

use std::sync::Arc;

use koodrive_client::CancelSignal;
use koodrive_core::{KooDriveError, Thresholds, UsageState};
use leptos::prelude::*;

use super::connection::Connection;
use super::departments::{Department, DepartmentSort, departments};
use super::directory::{Directory, DirectoryFile, Mapping};
use super::filters::{BUCKETS, FilterContext, Filters, SearchKeys, filter_text};
use super::i18n::{Lang, Texts};
use super::ids::CsvImport;
use super::messages::AuthKind;
use super::results::Results;
use super::sort::{Sort, sort_indices};
use super::summary;
use super::times::TimeZoneView;
use super::units::WireUnit;
use crate::browser::health::Health;

/// A bulk query or listing under way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy {
    /// Users settled so far.
    pub done: usize,
    /// All users, once known.
    pub total: Option<usize>,
}

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
    /// A problem of the page's own (an unreadable CSV file, a bad setting).
    Problem(String),
}

/// What the visible rows of the table depend on besides their row: when it
/// changes, the rows are drawn again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RenderKey {
    lang: Lang,
    unit: WireUnit,
    utc: bool,
    nearing_bits: u64,
    critical_bits: u64,
    now_minute: i64,
    version: u64,
    /// Which directory (its address; 0 for none).
    directory: usize,
}

/// The page's state. Cheap to copy: every field is a handle.
#[derive(Clone, Copy)]
pub struct Store {
    /// The connection form.
    pub connection: RwSignal<Connection>,
    /// "Remember for this tab".
    pub remember: RwSignal<bool>,
    /// The User IDs text area.
    pub ids_text: RwSignal<String>,
    /// An imported CSV file whose id column must be chosen.
    pub csv: RwSignal<Option<CsvImport>>,
    /// A directory file read, whose columns are being mapped.
    pub directory_file: RwSignal<Option<Arc<DirectoryFile>>>,
    /// The mapping being chosen for `directory_file`.
    pub mapping: RwSignal<Mapping>,
    /// The directory in use.
    pub directory: RwSignal<Option<Arc<Directory>>>,
    /// "Keep on this computer".
    pub keep_directory: RwSignal<bool>,
    /// The directory entry of each row ([`super::directory::NONE`] for none);
    /// empty without a directory.
    pub join: Memo<Vec<u32>>,
    /// Directory entries KooDrive does not know (after a complete listing).
    pub only_in_directory: Memo<Vec<u32>>,
    /// Every row added up per department (with a directory), unsorted.
    pub departments: Memo<Vec<Department>>,
    /// The order of the departments view.
    pub department_sort: RwSignal<DepartmentSort>,
    /// What the queries settled.
    pub results: RwSignal<Results>,
    /// Bumped on every change of `results`.
    pub version: RwSignal<u64>,
    /// The table's filters.
    pub filters: RwSignal<Filters>,
    /// The table's order (`None`: as received).
    pub sort: RwSignal<Option<Sort>>,
    /// What the wire numbers count.
    pub unit: RwSignal<WireUnit>,
    /// Where `nearing` and `critical` begin.
    pub thresholds: RwSignal<Thresholds>,
    /// Local time or UTC for exact times.
    pub zone: RwSignal<TimeZoneView>,
    /// Now, refreshed every minute.
    pub now_ms: RwSignal<i64>,
    /// The bulk query under way.
    pub busy: RwSignal<Option<Busy>>,
    /// What the page must tell.
    pub notice: RwSignal<Option<Notice>>,
    /// Notes about a listing whose pages did not add up.
    pub list_notes: RwSignal<Vec<String>>,
    /// What the endpoint said about itself.
    pub health: RwSignal<Option<Health>>,
    /// Whether the in-browser demo answers instead of a server.
    pub demo: RwSignal<bool>,
    /// The server's clock minus ours, as the last client learned it.
    pub server_offset_ms: RwSignal<i64>,
    /// Each row's state under the thresholds.
    pub states: Memo<Vec<UsageState>>,
    /// Every row index, in the table's order.
    pub sorted: Memo<Vec<u32>>,
    /// Each row's lower-cased search key, built once per change of the rows.
    pub search_keys: Memo<SearchKeys>,
    /// The sorted rows that pass the text filter.
    pub text_matched: Memo<Vec<u32>>,
    /// The sorted rows that pass every filter but the histogram bucket.
    pub unbucketed: Memo<Vec<u32>>,
    /// The rows shown, in order.
    pub shown: Memo<Vec<u32>>,
    /// Users per usage bucket among the rows every other filter leaves.
    pub histogram: Memo<[usize; BUCKETS]>,
    /// What the visible rows depend on.
    pub render_key: Memo<RenderKey>,
    /// The running query's cancel signal.
    pub cancel: StoredValue<Option<CancelSignal>, LocalStorage>,
    /// Numbers the calls: a call that a newer one replaced leaves no trace.
    pub call_id: StoredValue<u64>,
}

impl Store {
    /// A store for a page at `origin`, with `connection` prefilled.
    pub fn new(connection: Connection, zone_name: String, now_ms: i64) -> Self {
        let connection = RwSignal::new(connection);
        let results = RwSignal::new(Results::default());
        let version = RwSignal::new(0u64);
        let filters = RwSignal::new(Filters::default());
        let sort = RwSignal::new(None::<Sort>);
        let unit = RwSignal::new(WireUnit::default());
        let thresholds = RwSignal::new(Thresholds::default());
        let zone = RwSignal::new(TimeZoneView::Local { name: zone_name });
        let now = RwSignal::new(now_ms);
        let directory = RwSignal::new(None::<Arc<Directory>>);
        let join = Memo::new(move |_| {
            directory.with(|d| match d {
                Some(d) => results.with(|r| d.join(&r.rows)),
                None => Vec::new(),
            })
        });
        let only_in_directory = Memo::new(move |_| {
            let listed_all = results.with(|r| r.listed_all);
            directory.with(|d| match d {
                Some(d) if listed_all => join.with(|j| d.not_joined(j)),
                _ => Vec::new(),
            })
        });
        // The directory and its join, for the closures below.
        fn with_join<T>(
            directory: RwSignal<Option<Arc<Directory>>>,
            join: Memo<Vec<u32>>,
            f: impl FnOnce(Option<(&Directory, &[u32])>) -> T,
        ) -> T {
            directory.with(|d| match d {
                Some(d) => join.with(|j| f(Some((d, j.as_slice())))),
                None => f(None),
            })
        }

        let states = Memo::new(move |_| {
            let t = thresholds.get();
            results.with(|r| r.rows.iter().map(|row| row.state(&t)).collect::<Vec<_>>())
        });
        // Bumped each time `sorted` is computed again: `text_matched` can
        // narrow its previous value only when the order is the same.
        let sorted_gen = StoredValue::new(0u64);
        let sorted = Memo::new(move |_| {
            sorted_gen.update_value(|g| *g += 1);
            let mut order: Vec<u32> = results.with(|r| (0..r.rows.len() as u32).collect());
            if let Some(s) = sort.get() {
                results.with(|r| {
                    states.with(|st| {
                        with_join(directory, join, |dj| {
                            sort_indices(&mut order, &r.rows, st, s, dj)
                        })
                    })
                });
            }
            order
        });
        let context = move || FilterContext {
            unit: unit.get(),
            now_ms: now.get(),
        };
        let search_keys = Memo::new(move |_| {
            results.with(|r| with_join(directory, join, |dj| SearchKeys::new(&r.rows, dj)))
        });
        let needle = Memo::new(move |_| filters.with(Filters::needle));
        // The (order generation, needle) that `text_matched`'s value is for.
        let text_cache = StoredValue::new((0u64, String::new()));
        let text_matched = Memo::new(move |prev: Option<&Vec<u32>>| {
            sorted.with(|order| {
                let generation = sorted_gen.get_value();
                let previous = text_cache.with_value(|(g, n)| {
                    (*g == generation)
                        .then_some(prev)
                        .flatten()
                        .map(|p| (n.clone(), p.as_slice()))
                });
                needle.with(|n| {
                    let out = search_keys.with(|keys| {
                        filter_text(
                            keys,
                            order,
                            n,
                            previous.as_ref().map(|(pn, p)| (pn.as_str(), *p)),
                        )
                    });
                    text_cache.set_value((generation, n.clone()));
                    out
                })
            })
        });
        let unbucketed = Memo::new(move |_| {
            let ctx = context();
            filters.with(|f| {
                text_matched.with(|matched| {
                    if !f.others_active() {
                        return matched.clone();
                    }
                    results.with(|r| {
                        states.with(|st| {
                            with_join(directory, join, |dj| {
                                let entry =
                                    |i: u32| dj.and_then(|(_, j)| j.get(i as usize).copied());
                                matched
                                    .iter()
                                    .copied()
                                    .filter(|&i| {
                                        f.matches_except_text_and_bucket(
                                            &r.rows[i as usize],
                                            st[i as usize],
                                            &ctx,
                                        ) && f.matches_directory(
                                            dj.map(|(d, _)| d),
                                            entry(i).unwrap_or(super::directory::NONE),
                                        )
                                    })
                                    .collect()
                            })
                        })
                    })
                })
            })
        });
        let shown = Memo::new(move |_| {
            let bucket = filters.with(|f| f.bucket);
            unbucketed.with(|order| match bucket {
                None => order.clone(),
                Some(b) => results.with(|r| {
                    order
                        .iter()
                        .copied()
                        .filter(|&i| super::filters::bucket_of(r.rows[i as usize].ratio) == Some(b))
                        .collect()
                }),
            })
        });
        let histogram = Memo::new(move |_| {
            results.with(|r| unbucketed.with(|order| summary::histogram(&r.rows, order)))
        });
        let departments = Memo::new(move |_| {
            let now_ms = now.get();
            results.with(|r| {
                states.with(|st| {
                    with_join(directory, join, |dj| match dj {
                        Some((d, j)) => departments(d, &r.rows, st, j, now_ms),
                        None => Vec::new(),
                    })
                })
            })
        });
        let render_key = Memo::new(move |_| {
            let t = thresholds.get();
            RenderKey {
                lang: connection.with(|c| c.lang),
                unit: unit.get(),
                utc: zone.with(|z| *z == TimeZoneView::Utc),
                nearing_bits: t.nearing_at().to_bits(),
                critical_bits: t.critical_at().to_bits(),
                now_minute: now.get() / 60_000,
                version: version.get(),
                directory: directory.with(|d| d.as_ref().map_or(0, |d| Arc::as_ptr(d) as usize)),
            }
        });
        Self {
            connection,
            remember: RwSignal::new(false),
            ids_text: RwSignal::new(String::new()),
            csv: RwSignal::new(None),
            directory_file: RwSignal::new(None),
            mapping: RwSignal::new(Mapping::default()),
            directory,
            keep_directory: RwSignal::new(false),
            join,
            only_in_directory,
            departments,
            department_sort: RwSignal::new(DepartmentSort::default()),
            results,
            version,
            filters,
            sort,
            unit,
            thresholds,
            zone,
            now_ms: now,
            busy: RwSignal::new(None),
            notice: RwSignal::new(None),
            list_notes: RwSignal::new(Vec::new()),
            health: RwSignal::new(None),
            demo: RwSignal::new(false),
            server_offset_ms: RwSignal::new(0),
            states,
            sorted,
            search_keys,
            text_matched,
            unbucketed,
            shown,
            histogram,
            render_key,
            cancel: StoredValue::new_local(None),
            call_id: StoredValue::new(0),
        }
    }

    /// The store of the page (provided by the page view).
    pub fn get() -> Self {
        expect_context::<Self>()
    }

    /// The current language (tracked: a reactive closure that reads it runs
    /// again when it changes).
    pub fn lang(&self) -> Lang {
        self.connection.with(|c| c.lang)
    }

    /// The words of the current language, read without tracking: the page is
    /// drawn anew when the language changes (see `views::AdminPage`).
    pub fn t(&self) -> &'static Texts {
        self.connection.with_untracked(|c| c.lang).texts()
    }

    /// Changes the results and tells the table.
    pub fn update_results(&self, f: impl FnOnce(&mut Results)) {
        self.results.update(f);
        self.version.update(|v| *v += 1);
    }
}
