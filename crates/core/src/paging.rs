//! Every user of the tenant, page by page through `limit`/`offset`, several
//! pages at a time. [`PageSchedule`] is the plan and the bookkeeping of such a
//! listing, with no I/O: it says which page to ask for next (the first alone,
//! to learn `total`; the others within a window), takes their answers in any
//! order and hands them back in offset order, checked against each other.
//!
//! A `total` that changes, a page shorter than `total` promises (an empty one
//! included) and a user already handed back are [`PageProblem`]s: the page
//! that shows one is asked for once more, and what both answers hold is handed
//! back with the problem, so a listing neither loops nor skips in silence.
//! [`SeenIds`] remembers the users handed back in a few bytes each.

use std::collections::{HashSet, VecDeque};

use crate::classify::UsagePage;
use crate::error::KooDriveError;
use crate::quota::UserSpaceQuota;
use crate::request::SpaceUsageRequest;

/// Something odd about the pages, reported to the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageProblem {
    /// `total` differed from one page to the next.
    TotalChanged {
        /// The earlier total.
        was: u64,
        /// The new total.
        now: u64,
    },
    /// A page came back empty before `total` was reached (also when asked
    /// again); no page after it is asked for.
    EmptyPageBeforeEnd {
        /// Where the empty page started.
        offset: u64,
        /// The total the server claimed.
        total: u64,
    },
    /// A page held fewer users than `total` promised (or came back empty,
    /// then held users when asked again).
    ShortPage {
        /// Where the page started.
        offset: u64,
        /// How many users `total` promised on it.
        expected: u64,
        /// How many both answers held together (at least `expected` when
        /// asking again made up for it).
        got: u64,
    },
    /// A user already seen on an earlier page (dropped from this one).
    DuplicateAcrossPages {
        /// The user's id.
        user_id: String,
        /// The offset of the page that repeated it.
        offset: u64,
    },
}

impl core::fmt::Display for PageProblem {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::TotalChanged { was, now } => write!(
                f,
                "the number of users changed while listing ({was} → {now}): users were added or removed meanwhile; list again for a consistent view"
            ),
            Self::EmptyPageBeforeEnd { offset, total } => write!(
                f,
                "the server sent an empty page at offset {offset}, also when asked again, although it counts {total} users; the listing stopped there and may be incomplete"
            ),
            Self::ShortPage {
                offset,
                expected,
                got,
            } if got >= expected => write!(
                f,
                "the page at offset {offset} came back short and was asked for once more: it now holds all {expected} users"
            ),
            Self::ShortPage {
                offset,
                expected,
                got,
            } => write!(
                f,
                "the page at offset {offset} held {got} of the {expected} users the server's total promised, also when asked again; users may be missing: list again"
            ),
            Self::DuplicateAcrossPages { user_id, offset } => write!(
                f,
                "user {user_id} appeared again on the page at offset {offset}; the repeat was dropped (the list shifted while paging)"
            ),
        }
    }
}

/// The users already handed back, by id: a decimal id without a leading
/// zero that fits in 64 bits (KooDrive's ids, up to 20 digits) is kept as a
/// number, 8 bytes instead of a string, and any other id as it is.
#[derive(Debug, Clone, Default)]
pub struct SeenIds {
    numbers: HashSet<u64>,
    others: HashSet<Box<str>>,
}

impl SeenIds {
    /// Remembers `id`; `false` when it was already there.
    pub fn insert(&mut self, id: &str) -> bool {
        match numeric_id(id) {
            Some(n) => self.numbers.insert(n),
            None => self.others.insert(id.into()),
        }
    }

    /// Whether `id` was remembered.
    pub fn contains(&self, id: &str) -> bool {
        match numeric_id(id) {
            Some(n) => self.numbers.contains(&n),
            None => self.others.contains(id),
        }
    }

    /// How many ids.
    pub fn len(&self) -> usize {
        self.numbers.len() + self.others.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// `id` as a number when writing that number back gives `id` exactly.
fn numeric_id(id: &str) -> Option<u64> {
    let b = id.as_bytes();
    let canonical = !b.is_empty()
        && b.len() <= 20
        && b.iter().all(u8::is_ascii_digit)
        && (b[0] != b'0' || b.len() == 1);
    canonical.then(|| id.parse().ok()).flatten()
}

/// One page to ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageOrder {
    /// The page's number (its offset divided by the page size).
    pub index: u64,
    /// Where it starts.
    pub offset: u64,
    /// The request.
    pub request: SpaceUsageRequest,
    /// Whether this is the second time it is asked for (after a problem).
    pub again: bool,
}

/// A page handed back, checked, in offset order.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedPage {
    /// Where it started.
    pub offset: u64,
    /// Its users not handed back before (when asked twice, those of both answers).
    pub fresh: Vec<UserSpaceQuota>,
    /// What was odd about it.
    pub problems: Vec<PageProblem>,
    /// The server's total on it.
    pub total: u64,
    /// The trace id of the answer it came from (the later one when asked twice).
    pub trace_id: String,
    /// Whether it was asked for twice.
    pub asked_again: bool,
}

/// What [`PageSchedule::next_delivery`] hands back.
#[derive(Debug, Clone, PartialEq)]
pub enum Delivery {
    /// A page.
    Page(CheckedPage),
    /// A page that could not be fetched (its retries spent).
    Failed {
        /// Where it started.
        offset: u64,
        /// Why.
        error: KooDriveError,
    },
}

#[derive(Debug, Clone)]
struct Answer {
    page: UsagePage,
    trace_id: String,
}

/// The pages asked for and not handed back, by number, in order: a window
/// of a few dozen, so a sorted list (smaller in a wasm than a map).
#[derive(Debug, Clone, Default)]
struct Slots(VecDeque<(u64, Slot)>);

impl Slots {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn insert(&mut self, index: u64, slot: Slot) {
        let at = self.0.partition_point(|(i, _)| *i < index);
        match self.0.get_mut(at) {
            Some(entry) if entry.0 == index => entry.1 = slot,
            _ => self.0.insert(at, (index, slot)),
        }
    }

    fn get_mut(&mut self, index: &u64) -> Option<&mut Slot> {
        self.0
            .iter_mut()
            .find(|(i, _)| i == index)
            .map(|(_, slot)| slot)
    }

    fn first(&self) -> Option<(u64, &Slot)> {
        self.0.front().map(|(i, slot)| (*i, slot))
    }

    fn remove(&mut self, index: &u64) -> Option<Slot> {
        let at = self.0.iter().position(|(i, _)| i == index)?;
        self.0.remove(at).map(|(_, slot)| slot)
    }
}

#[derive(Debug, Clone)]
enum Slot {
    Asked,
    Answered(Answer),
    AskedAgain {
        first: Answer,
        problems: Vec<PageProblem>,
    },
    Merged {
        answer: Answer,
        problems: Vec<PageProblem>,
    },
    Failed(KooDriveError),
}

/// The plan and bookkeeping of one listing (see the module's documentation).
#[derive(Debug, Clone)]
pub struct PageSchedule {
    page_size: u32,
    window: usize,
    /// Pages asked for by number, in order (a resumed listing's gaps).
    listed: VecDeque<u64>,
    /// Every page from this number up to the end of `total`.
    open_from: u64,
    /// The total of the latest answer: where the listing ends.
    plan_total: Option<u64>,
    /// The total of the last page handed back (or of the listing resumed).
    last_total: Option<u64>,
    /// Whether an answer (or a failure) came back yet: until then one page
    /// is out at a time.
    learned: bool,
    slots: Slots,
    again: VecDeque<u64>,
    seen: SeenIds,
    stopped: bool,
    /// A page stayed empty: those after it are handed back as they came.
    ended_early: bool,
    handed_back: u64,
}

/// The number of pages of `page_size` that hold `total` users.
pub fn page_count(total: u64, page_size: u32) -> u64 {
    total.div_ceil(u64::from(page_size.max(1)))
}

impl PageSchedule {
    /// A listing of every user from offset 0, `page_size` (1–100) users a
    /// page, holding at most `window` pages (asked for or waiting to be handed
    /// back) at a time.
    pub fn new(page_size: u32, window: usize) -> Self {
        Self {
            page_size: page_size.max(1),
            window: window.max(1),
            listed: VecDeque::from([0]),
            open_from: 1,
            plan_total: None,
            last_total: None,
            learned: false,
            slots: Slots::default(),
            again: VecDeque::new(),
            seen: SeenIds::default(),
            stopped: false,
            ended_early: false,
            handed_back: 0,
        }
    }

    /// Goes on with a listing that stopped: asks only for the pages at
    /// `missing_offsets` (multiples of `page_size`) and for those past the
    /// `total` it had, should the tenant have grown. `seen` holds the users
    /// handed back before, so a repeat is still noticed.
    pub fn resume(
        page_size: u32,
        window: usize,
        total: u64,
        missing_offsets: impl IntoIterator<Item = u64>,
        seen: SeenIds,
    ) -> Self {
        let page_size = page_size.max(1);
        let mut listed: Vec<u64> = missing_offsets
            .into_iter()
            .map(|o| o / u64::from(page_size))
            .collect();
        listed.sort_unstable();
        listed.dedup();
        let mut schedule = Self::new(page_size, window);
        schedule.listed = listed.into();
        schedule.open_from = page_count(total, page_size);
        schedule.last_total = Some(total);
        schedule.seen = seen;
        schedule
    }

    /// The page size.
    pub fn page_size(&self) -> u32 {
        self.page_size
    }

    /// The server's total as last heard, once any answer came.
    pub fn total(&self) -> Option<u64> {
        self.plan_total
    }

    /// Pages handed back so far (failed ones included).
    pub fn handed_back(&self) -> u64 {
        self.handed_back
    }

    /// Pages this listing fetches in all, as far as known now.
    pub fn pages_planned(&self) -> u64 {
        let open = self
            .plan_total
            .or(self.last_total)
            .map_or(0, |t| page_count(t, self.page_size))
            .saturating_sub(self.open_from);
        self.handed_back + self.slots.len() as u64 + self.listed.len() as u64 + open
    }

    /// The users handed back so far.
    pub fn seen(&self) -> &SeenIds {
        &self.seen
    }

    fn offset_of(&self, index: u64) -> u64 {
        index.saturating_mul(u64::from(self.page_size))
    }

    fn open_end(&self) -> u64 {
        if self.learned {
            self.plan_total.map_or(0, |t| page_count(t, self.page_size))
        } else {
            0
        }
    }

    fn order(&self, index: u64, again: bool) -> PageOrder {
        let offset = self.offset_of(index);
        PageOrder {
            index,
            offset,
            request: SpaceUsageRequest::page(self.page_size, offset),
            again,
        }
    }

    /// The next page to ask for, or `None` while the window is full, the
    /// first answer is awaited, or nothing is left to ask.
    pub fn next_order(&mut self) -> Option<PageOrder> {
        if let Some(index) = self.again.pop_front() {
            return Some(self.order(index, true));
        }
        if self.stopped || (!self.learned && !self.slots.is_empty()) {
            return None;
        }
        if self.slots.len() >= self.window {
            return None;
        }
        let index = if let Some(&index) = self.listed.front() {
            self.listed.pop_front();
            index
        } else if self.open_from < self.open_end() {
            self.open_from += 1;
            self.open_from - 1
        } else {
            return None;
        };
        self.slots.insert(index, Slot::Asked);
        Some(self.order(index, false))
    }

    /// The answer to the page `index`.
    pub fn accept(&mut self, index: u64, page: UsagePage, trace_id: String) {
        self.learned = true;
        self.plan_total = Some(page.total);
        let answer = Answer { page, trace_id };
        let Some(slot) = self.slots.get_mut(&index) else {
            return;
        };
        *slot = match std::mem::replace(slot, Slot::Asked) {
            Slot::AskedAgain { first, problems } => Slot::Merged {
                answer: merge(first, answer),
                problems,
            },
            _ => Slot::Answered(answer),
        };
    }

    /// The page `index` could not be fetched. When it was asked again, the
    /// first answer is handed back as it was.
    pub fn fail(&mut self, index: u64, error: KooDriveError) {
        if self.plan_total.is_some() {
            self.learned = true;
        } else if self.listed.is_empty() {
            // Without a total there is nothing more to ask for.
            self.learned = true;
            self.stopped = true;
        }
        let Some(slot) = self.slots.get_mut(&index) else {
            return;
        };
        *slot = match std::mem::replace(slot, Slot::Asked) {
            Slot::AskedAgain { first, problems } => Slot::Merged {
                answer: first,
                problems,
            },
            _ => Slot::Failed(error),
        };
    }

    /// Asks for no more pages; returns the offsets never asked for (those
    /// asked for are still handed back).
    pub fn stop(&mut self) -> Vec<u64> {
        if self.stopped {
            return Vec::new();
        }
        self.stopped = true;
        let end = self.open_end().max(self.open_from);
        let mut unsent: Vec<u64> = self.listed.drain(..).collect();
        unsent.extend(self.open_from..end);
        self.open_from = end;
        unsent.into_iter().map(|i| self.offset_of(i)).collect()
    }

    /// Whether the listing is over: every page asked for was handed back and
    /// none is left to ask.
    pub fn is_done(&self) -> bool {
        self.slots.is_empty()
            && self.again.is_empty()
            && (self.stopped || (self.listed.is_empty() && self.open_from >= self.open_end()))
    }

    /// Offsets of the pages not handed back yet: asked for, or still to ask.
    pub fn undelivered_offsets(&self) -> Vec<u64> {
        let mut indices: Vec<u64> = self.slots.0.iter().map(|(i, _)| *i).collect();
        indices.extend(self.listed.iter().copied());
        let end = self
            .open_end()
            .max(self.last_total.map_or(0, |t| page_count(t, self.page_size)));
        if !self.stopped {
            indices.extend(self.open_from..end);
        }
        indices.sort_unstable();
        indices.dedup();
        indices.into_iter().map(|i| self.offset_of(i)).collect()
    }

    /// The next page in offset order, once it is in and checked; `None` while
    /// it is awaited (or asked for again).
    pub fn next_delivery(&mut self) -> Option<Delivery> {
        let (index, slot) = self.slots.first()?;
        let offset = self.offset_of(index);
        let shape = match slot {
            Slot::Asked | Slot::AskedAgain { .. } => return None,
            Slot::Failed(_) | Slot::Merged { .. } => None,
            Slot::Answered(_) if self.ended_early => Some((Vec::new(), false)),
            Slot::Answered(answer) => {
                let problems = self.shape_problems(offset, &answer.page);
                let repeats = answer
                    .page
                    .items
                    .iter()
                    .any(|i| self.seen.contains(&i.user_id));
                Some((problems, repeats))
            }
        };
        let slot = self.slots.remove(&index)?;
        match (slot, shape) {
            (Slot::Failed(error), _) => {
                self.handed_back += 1;
                Some(Delivery::Failed { offset, error })
            }
            (Slot::Answered(answer), Some((problems, false))) if problems.is_empty() => {
                Some(self.hand_back(offset, answer, problems, false))
            }
            (Slot::Answered(first), Some((problems, _))) => {
                // Asked once more; repeats are counted on what both answers
                // hold, when the page is handed back.
                self.slots
                    .insert(index, Slot::AskedAgain { first, problems });
                self.again.push_back(index);
                None
            }
            (Slot::Merged { answer, problems }, _) => {
                let got = answer.page.items.len() as u64;
                let still_empty = got == 0 && offset < answer.page.total;
                let problems = problems
                    .into_iter()
                    .map(|p| match p {
                        PageProblem::ShortPage {
                            offset, expected, ..
                        } => PageProblem::ShortPage {
                            offset,
                            expected,
                            got,
                        },
                        PageProblem::EmptyPageBeforeEnd { offset, total } if !still_empty => {
                            PageProblem::ShortPage {
                                offset,
                                expected: total
                                    .saturating_sub(offset)
                                    .min(u64::from(self.page_size)),
                                got,
                            }
                        }
                        other => other,
                    })
                    .collect();
                if still_empty {
                    self.stop();
                    self.ended_early = true;
                }
                Some(self.hand_back(offset, answer, problems, true))
            }
            (other, _) => {
                self.slots.insert(index, other);
                None
            }
        }
    }

    /// `total` changed, or fewer users than it promised.
    fn shape_problems(&self, offset: u64, page: &UsagePage) -> Vec<PageProblem> {
        let mut problems = Vec::new();
        if let Some(was) = self.last_total
            && was != page.total
        {
            problems.push(PageProblem::TotalChanged {
                was,
                now: page.total,
            });
        }
        let expected = page
            .total
            .saturating_sub(offset)
            .min(u64::from(self.page_size));
        let got = page.items.len() as u64;
        if got == 0 && expected > 0 {
            problems.push(PageProblem::EmptyPageBeforeEnd {
                offset,
                total: page.total,
            });
        } else if got < expected {
            problems.push(PageProblem::ShortPage {
                offset,
                expected,
                got,
            });
        }
        problems
    }

    fn hand_back(
        &mut self,
        offset: u64,
        answer: Answer,
        mut problems: Vec<PageProblem>,
        asked_again: bool,
    ) -> Delivery {
        let Answer { page, trace_id } = answer;
        let mut fresh = Vec::with_capacity(page.items.len());
        for item in page.items {
            if self.seen.insert(&item.user_id) {
                fresh.push(item);
            } else {
                problems.push(PageProblem::DuplicateAcrossPages {
                    user_id: item.user_id,
                    offset,
                });
            }
        }
        self.last_total = Some(page.total);
        self.handed_back += 1;
        Delivery::Page(CheckedPage {
            offset,
            fresh,
            problems,
            total: page.total,
            trace_id,
            asked_again,
        })
    }
}

/// Both answers of a page asked twice: the first's users, then those only
/// the second has; the second's total and trace id.
fn merge(first: Answer, second: Answer) -> Answer {
    let mut items = first.page.items;
    let extra: Vec<UserSpaceQuota> = second
        .page
        .items
        .into_iter()
        .filter(|i| !items.iter().any(|known| known.user_id == i.user_id))
        .collect();
    items.extend(extra);
    Answer {
        page: UsagePage {
            items,
            total: second.page.total,
        },
        trace_id: second.trace_id,
    }
}

#[cfg(test)]
mod tests;
