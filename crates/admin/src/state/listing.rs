//! [`Listing`]: where a **List all users** stands — its page size, the
//! server's total, which pages are on screen and which failed — so that its
//! progress can be told in users, pages and time left, and a listing that
//! failed or was cancelled midway can be resumed: only the pages missing are
//! fetched, and the rows already shown stay.

use koodrive_core::page_count;

/// Pages of a listing as the page asks for them.
pub const PAGE_SIZE: u32 = 100;

/// Requests in flight at once while listing.
pub const CONCURRENCY: usize = 8;

/// How long pages that came wait before they go to the table, with `rows`
/// rows on it: 400 ms, plus 2 ms per 1,000 rows above 100,000, at most
/// 2.5 s. Each time pages go to the table it sorts, filters and sums every
/// row again, so a large table is refreshed less often: at a million rows
/// the page's work stays a small part of the time, and pages keep being
/// fetched at the network's pace.
pub fn refresh_after_ms(rows: usize) -> u32 {
    const BASE_MS: u32 = 400;
    const MAX_MS: u32 = 2_500;
    let extra = rows.saturating_sub(100_000) / 500;
    u32::try_from(extra)
        .unwrap_or(MAX_MS)
        .saturating_add(BASE_MS)
        .min(MAX_MS)
}

/// A listing under way or interrupted.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing {
    /// Users per page.
    pub page_size: u32,
    /// The server's total as last heard.
    pub total: Option<u64>,
    /// Pages on screen, by number.
    shown: Vec<bool>,
    /// How many of `shown` are set.
    pages_shown: u64,
    /// Users on screen from this listing.
    pub users: u64,
    /// Pages that failed in the latest run (fetched again by a resume).
    pub failed_pages: u64,
    /// When the latest run (the start, or a resume) began, Unix ms.
    run_started_ms: i64,
    /// Pages handed back in the latest run.
    run_pages: u64,
    /// Pages the latest run sets out to fetch, as far as known.
    pub run_planned: u64,
    /// Whether the latest run is under way.
    pub running: bool,
    /// Whether the latest run ended before every page was shown.
    pub interrupted: bool,
}

impl Listing {
    /// A listing that starts at `now_ms`.
    pub fn new(page_size: u32, now_ms: i64) -> Self {
        Self {
            page_size: page_size.max(1),
            total: None,
            shown: Vec::new(),
            pages_shown: 0,
            users: 0,
            failed_pages: 0,
            run_started_ms: now_ms,
            run_pages: 0,
            run_planned: 0,
            running: true,
            interrupted: false,
        }
    }

    /// A resume starts at `now_ms`: failures are forgotten, the clock restarts.
    pub fn resume(&mut self, now_ms: i64) {
        self.failed_pages = 0;
        self.run_started_ms = now_ms;
        self.run_pages = 0;
        self.run_planned = 0;
        self.running = true;
        self.interrupted = false;
    }

    /// The page at `offset` is on screen with `users` new users; the server
    /// says `total`.
    pub fn page_shown(&mut self, offset: u64, users: u64, total: u64) {
        self.total = Some(total);
        let index = usize::try_from(offset / u64::from(self.page_size)).unwrap_or(usize::MAX);
        if index == usize::MAX {
            return;
        }
        if self.shown.len() <= index {
            self.shown.resize(index + 1, false);
        }
        if !self.shown[index] {
            self.shown[index] = true;
            self.pages_shown += 1;
        }
        self.users += users;
        self.run_pages += 1;
    }

    /// A page could not be fetched.
    pub fn page_failed(&mut self) {
        self.failed_pages += 1;
        self.run_pages += 1;
    }

    /// The latest run ended: `reached_end` when it went through every page
    /// it set out to fetch (some may have failed).
    pub fn run_ended(&mut self, reached_end: bool) {
        self.running = false;
        self.interrupted = !(reached_end && self.failed_pages == 0 && self.is_complete());
    }

    /// Pages in all, by the total (at least those shown).
    pub fn pages(&self) -> u64 {
        self.total
            .map_or(0, |t| page_count(t, self.page_size))
            .max(self.pages_shown)
    }

    /// Pages on screen.
    pub fn pages_shown(&self) -> u64 {
        self.pages_shown
    }

    /// The offsets of the pages not on screen, up to the total.
    pub fn missing_offsets(&self) -> Vec<u64> {
        let pages = self.total.map_or(0, |t| page_count(t, self.page_size));
        (0..pages)
            .filter(|&i| {
                !usize::try_from(i)
                    .ok()
                    .and_then(|i| self.shown.get(i).copied())
                    .unwrap_or(false)
            })
            .map(|i| i * u64::from(self.page_size))
            .collect()
    }

    /// Whether every page up to the total is on screen.
    pub fn is_complete(&self) -> bool {
        self.total
            .is_some_and(|t| self.pages_shown >= page_count(t, self.page_size))
            && self.missing_offsets().is_empty()
    }

    /// Whether a resume has something to do: the listing stopped early and
    /// knows its total.
    pub fn can_resume(&self) -> bool {
        !self.running && self.interrupted && self.total.is_some() && !self.is_complete()
    }

    /// Milliseconds left at `now_ms`, at the pace of the latest run (once a
    /// page of it came back).
    pub fn time_left_ms(&self, now_ms: i64) -> Option<i64> {
        if self.run_pages == 0 || self.run_planned <= self.run_pages {
            return None;
        }
        let spent = (now_ms - self.run_started_ms).max(0) as f64;
        let per_page = spent / self.run_pages as f64;
        Some((per_page * (self.run_planned - self.run_pages) as f64).round() as i64)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_larger_table_is_refreshed_less_often_but_at_least_every_two_and_a_half_seconds() {
        use super::refresh_after_ms;
        assert_eq!(refresh_after_ms(0), 400);
        assert_eq!(refresh_after_ms(100_000), 400);
        assert_eq!(refresh_after_ms(200_000), 600);
        assert_eq!(refresh_after_ms(1_000_000), 2_200);
        assert_eq!(refresh_after_ms(5_000_000), 2_500);
        assert_eq!(refresh_after_ms(usize::MAX), 2_500);
    }

    use super::*;

    #[test]
    fn the_pages_missing_are_those_not_shown_up_to_the_total() {
        let mut l = Listing::new(100, 0);
        assert!(!l.is_complete() && l.missing_offsets().is_empty());
        l.page_shown(0, 100, 450);
        l.page_shown(200, 100, 450);
        l.page_failed();
        l.run_ended(true);
        assert_eq!(l.missing_offsets(), [100, 300, 400]);
        assert_eq!((l.pages(), l.pages_shown(), l.users), (5, 2, 200));
        assert!(l.can_resume());
        l.resume(10);
        assert!(!l.can_resume(), "not while it runs");
        for offset in [100, 300, 400] {
            l.page_shown(offset, 50, 450);
        }
        l.run_ended(true);
        assert!(l.is_complete() && !l.can_resume() && !l.interrupted);
        assert_eq!(l.users, 350);
    }

    #[test]
    fn a_cancelled_listing_can_be_resumed_and_a_finished_one_cannot() {
        let mut l = Listing::new(10, 0);
        l.page_shown(0, 10, 30);
        l.run_ended(false);
        assert!(l.can_resume() && l.interrupted);
        let mut done = Listing::new(10, 0);
        for offset in [0, 10, 20] {
            done.page_shown(offset, 10, 30);
        }
        done.run_ended(true);
        assert!(!done.can_resume() && !done.interrupted);
    }

    #[test]
    fn a_page_shown_twice_counts_once() {
        let mut l = Listing::new(10, 0);
        l.page_shown(0, 10, 20);
        l.page_shown(0, 0, 20);
        assert_eq!((l.pages_shown(), l.missing_offsets()), (1, vec![10]));
    }

    #[test]
    fn time_left_follows_the_pace_of_the_latest_run() {
        let mut l = Listing::new(100, 1_000);
        l.run_planned = 10;
        assert_eq!(l.time_left_ms(2_000), None);
        l.page_shown(0, 100, 1_000);
        l.page_shown(100, 100, 1_000);
        assert_eq!(l.time_left_ms(2_000), Some(4_000));
        l.run_ended(false);
        l.resume(10_000);
        l.run_planned = 8;
        l.page_shown(200, 100, 1_000);
        assert_eq!(l.time_left_ms(10_500), Some(3_500));
    }
}
