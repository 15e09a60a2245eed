//! [`ResultsContext`]: what the queries settled and how it is shown. Plain
//! signals hold what the administrator set (filters, order, unit,
//! thresholds, time zone); memos derive what the table shows — states under
//! the thresholds, the sorted order, the filtered rows, the histogram, the
//! departments — so that scrolling and painting never sort or filter: they
//! only read a slice.

use std::sync::Arc;

use koodrive_core::{Thresholds, UsageState};
use leptos::prelude::*;

use super::directory::DirectoryContext;
use super::history::HistoryContext;
use crate::state::departments::{Department, DepartmentSort, departments};
use crate::state::filters::{FilterContext, Filters, KeyView, SearchKeys, bucket_of, filter_text};
use crate::state::i18n::Lang;
use crate::state::results::{Results, begin_run, swap_runs};
use crate::state::rows::Row;
use crate::state::sort::{Sort, sort_indices};
use crate::state::summary::{self, Tallies};
use crate::state::times::TimeZoneView;
use crate::state::units::WireUnit;

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
    /// Which trends of the usage history.
    history: u64,
}

/// The results' reactive state. Cheap to copy: every field is a handle.
#[derive(Clone, Copy)]
pub struct ResultsContext {
    /// What the queries settled.
    pub results: RwSignal<Results>,
    /// The other run: the one a newer run replaced, or the latest while the
    /// earlier one is shown (see [`crate::state::results::begin_run`]).
    pub other_run: RwSignal<Option<Results>>,
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
    /// Each row's state under the thresholds.
    pub states: Memo<Vec<UsageState>>,
    /// Every row index, in the table's order.
    pub sorted: Memo<Arc<Vec<u32>>>,
    /// Each row's lower-cased search key, built once per change of the rows
    /// (`None`: the ids are the keys, see [`crate::state::rows::Rows::id_keys`]).
    pub search_keys: Memo<Option<SearchKeys>>,
    /// The rows that pass the text filter, in the order received.
    pub text_matched: Memo<Arc<Vec<u32>>>,
    /// The rows that pass every filter but the histogram bucket, in the
    /// order received.
    pub unbucketed: Memo<Arc<Vec<u32>>>,
    /// What the shown rows add up to (histogram, summary, top users), in
    /// one pass over them in the order received: a sort does not change it.
    pub tallies: Memo<Tallies>,
    /// The rows shown, in the table's order.
    pub shown: Memo<Arc<Vec<u32>>>,
    /// Every row added up per department (with a directory), unsorted.
    pub departments: Memo<Vec<Department>>,
    /// The order of the departments view.
    pub department_sort: RwSignal<DepartmentSort>,
    /// What the visible rows depend on.
    pub render_key: Memo<RenderKey>,
}

impl ResultsContext {
    /// Empty results over `results`, joined to `dir`, with growth and
    /// forecasts from `history`; rows drawn in `lang`, exact times in the
    /// zone `zone_name`, "now" at `now_ms`.
    pub fn new(
        results: RwSignal<Results>,
        dir: DirectoryContext,
        history: HistoryContext,
        lang: Signal<Lang>,
        zone_name: String,
        now_ms: i64,
    ) -> Self {
        let version = RwSignal::new(0u64);
        let filters = RwSignal::new(Filters::default());
        let sort = RwSignal::new(None::<Sort>);
        let unit = RwSignal::new(WireUnit::default());
        let thresholds = RwSignal::new(Thresholds::default());
        let zone = RwSignal::new(TimeZoneView::Local { name: zone_name });
        let now = RwSignal::new(now_ms);
        let directory = dir.directory;
        let states = Memo::new(move |_| {
            let t = thresholds.get();
            results.with(|r| r.rows.iter().map(|row| row.state(&t)).collect::<Vec<_>>())
        });
        let sorted = Memo::new(move |_| {
            let mut order: Vec<u32> = results.with(|r| (0..r.rows.len() as u32).collect());
            if let Some(s) = sort.get() {
                results.with(|r| {
                    states.with(|st| {
                        history.keys.with(|keys| {
                            dir.with_join(|dj| sort_indices(&mut order, &r.rows, st, s, dj, keys))
                        })
                    })
                });
            }
            Arc::new(order)
        });
        let context = move || FilterContext {
            unit: unit.get(),
            now_ms: now.get(),
        };
        // Bumped each time the keys are built again: `text_matched` can
        // narrow its previous value only when the rows are the same.
        let keys_gen = StoredValue::new(0u64);
        let search_keys = Memo::new(move |_| {
            keys_gen.update_value(|g| *g += 1);
            results.with(|r| dir.with_join(|dj| SearchKeys::new(&r.rows, dj)))
        });
        let needle = Memo::new(move |_| filters.with(Filters::needle));
        // The (keys generation, needle) that `text_matched`'s value is for.
        let text_cache = StoredValue::new((0u64, String::new()));
        // Filtering works in the order received, which no sort changes:
        // sorting only puts the shown rows in order again (`shown`), and
        // what adds them up (summary, histogram, top users) reads the rows
        // as they lie in memory.
        let text_matched = Memo::new(move |prev: Option<&Arc<Vec<u32>>>| {
            search_keys.with(|keys| {
                results.with(|r| {
                    let keys = KeyView::of(keys.as_ref(), &r.rows);
                    let generation = keys_gen.get_value();
                    let previous = text_cache.with_value(|(g, n)| {
                        (*g == generation)
                            .then_some(prev)
                            .flatten()
                            .map(|p| (n.clone(), p.as_slice()))
                    });
                    needle.with(|n| {
                        let out = filter_text(
                            keys,
                            None,
                            n,
                            previous.as_ref().map(|(pn, p)| (pn.as_str(), *p)),
                        );
                        text_cache.set_value((generation, n.clone()));
                        Arc::new(out)
                    })
                })
            })
        });
        let unbucketed = Memo::new(move |_| {
            let ctx = context();
            // `Full within (days)`, at the server's clock.
            let within = history.full_within.get().filter(|_| history.shown());
            let server_now = history.server_now(ctx.now_ms);
            filters.with(|f| {
                text_matched.with(|matched| {
                    // Shared, not copied, when no other filter leaves any out.
                    let matched = match within {
                        None => Arc::clone(matched),
                        Some(days) => Arc::new(history.keys.with(|keys| {
                            matched
                                .iter()
                                .copied()
                                .filter(|&i| {
                                    keys.get(i as usize)
                                        .is_some_and(|k| k.full_within(days, server_now))
                                })
                                .collect::<Vec<u32>>()
                        })),
                    };
                    if !f.others_active() {
                        return matched;
                    }
                    let kept = results.with(|r| {
                        states.with(|st| {
                            dir.with_join(|dj| {
                                let entry =
                                    |i: u32| dj.and_then(|(_, j)| j.get(i as usize).copied());
                                matched
                                    .iter()
                                    .copied()
                                    .filter(|&i| {
                                        f.matches_except_text_and_bucket(
                                            r.rows.at(i),
                                            st[i as usize],
                                            &ctx,
                                        ) && f.matches_directory(
                                            dj.map(|(d, _)| d),
                                            entry(i).unwrap_or(crate::state::directory::NONE),
                                        )
                                    })
                                    .collect::<Vec<u32>>()
                            })
                        })
                    });
                    Arc::new(kept)
                })
            })
        });
        // Whether a row is in the histogram's bucket picked, if one is.
        let in_bucket = move |bucket: Option<usize>, row: Row<'_>| {
            bucket.is_none_or(|b| bucket_of(row.ratio()) == Some(b))
        };
        let tallies = Memo::new(move |_| {
            let bucket = filters.with(|f| f.bucket);
            let (unit, now_ms) = (unit.get(), now.get());
            results.with(|r| {
                states.with(|st| {
                    unbucketed.with(|rows| {
                        summary::tally(
                            &r.rows,
                            st,
                            rows,
                            |row| in_bucket(bucket, row),
                            unit,
                            now_ms,
                        )
                    })
                })
            })
        });
        let shown = Memo::new(move |_| {
            let bucket = filters.with(|f| f.bucket);
            unbucketed.with(|rows| {
                sorted.with(|order| {
                    if bucket.is_none() && rows.len() == order.len() {
                        // Every row: the order is all there is to it.
                        return Arc::clone(order);
                    }
                    let mut passes = vec![false; order.len()];
                    results.with(|r| {
                        for &i in rows.iter() {
                            if let (Some(p), Some(row)) =
                                (passes.get_mut(i as usize), r.rows.get(i as usize))
                            {
                                *p = in_bucket(bucket, row);
                            }
                        }
                    });
                    let mut shown = Vec::with_capacity(rows.len());
                    shown.extend(order.iter().copied().filter(|&i| passes[i as usize]));
                    Arc::new(shown)
                })
            })
        });
        let departments = Memo::new(move |_| {
            let now_ms = now.get();
            results.with(|r| {
                states.with(|st| {
                    dir.with_join(|dj| match dj {
                        Some((d, j)) => history
                            .keys
                            .with(|keys| departments(d, &r.rows, st, j, now_ms, keys)),
                        None => Vec::new(),
                    })
                })
            })
        });
        let render_key = Memo::new(move |_| {
            let t = thresholds.get();
            RenderKey {
                lang: lang.get(),
                unit: unit.get(),
                utc: zone.with(|z| *z == TimeZoneView::Utc),
                nearing_bits: t.nearing_at().to_bits(),
                critical_bits: t.critical_at().to_bits(),
                now_minute: now.get() / 60_000,
                version: version.get(),
                directory: directory.with(|d| d.as_ref().map_or(0, |d| Arc::as_ptr(d) as usize)),
                history: history.version.get(),
            }
        });
        Self {
            results,
            other_run: RwSignal::new(None),
            version,
            filters,
            sort,
            unit,
            thresholds,
            zone,
            now_ms: now,
            states,
            sorted,
            search_keys,
            text_matched,
            unbucketed,
            tallies,
            shown,
            departments,
            department_sort: RwSignal::new(DepartmentSort::default()),
            render_key,
        }
    }

    /// Changes the results and tells the table.
    pub fn update_results(&self, f: impl FnOnce(&mut Results)) {
        self.results.update(f);
        self.version.update(|v| *v += 1);
    }

    /// Starts a new run: the results on screen become the earlier run.
    pub fn begin_run(&self) {
        let mut other = self.other_run.get_untracked();
        self.update_results(|r| begin_run(r, &mut other));
        self.other_run.set(other);
    }

    /// Shows the other run (the earlier one, or the latest again).
    pub fn swap_runs(&self) {
        let mut other = self.other_run.get_untracked();
        self.update_results(|r| swap_runs(r, &mut other));
        self.other_run.set(other);
    }
}
