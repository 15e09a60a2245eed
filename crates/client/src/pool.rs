//! [`Gate`]: the door every attempt of a pool of requests passes, kept by
//! core's [`Pace`]. At most the allowance goes through at once; while the
//! pool is paused (a `Retry-After`) nobody goes through; and when a place
//! frees, the waiter with the lowest key (the earliest page) goes first, so
//! pages come in about the order they are handed back.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use koodrive_core::{AttemptEnd, KooDriveError, Pace, PaceWait};

use crate::platform::Platform;

/// A waiter: its place in line, (key, arrival), and how to wake it.
type InLine = ((u64, u64), Option<Waker>);

/// A pool's door (see the module's documentation). Shared with `Rc`.
#[derive(Debug)]
pub(crate) struct Gate {
    pace: RefCell<Pace>,
    /// Who waits, sorted by (key, arrival): a few dozen at most.
    waiting: RefCell<Vec<InLine>>,
    arrivals: Cell<u64>,
}

impl Gate {
    /// A door for at most `max` attempts at once.
    pub(crate) fn new(max: usize) -> Rc<Self> {
        Rc::new(Self {
            pace: RefCell::new(Pace::new(max)),
            waiting: RefCell::new(Vec::new()),
            arrivals: Cell::new(0),
        })
    }

    /// How many attempts may be out at once now.
    pub(crate) fn limit(&self) -> usize {
        self.pace.borrow().limit()
    }

    fn wake_all(&self) {
        let wakers: Vec<Waker> = self
            .waiting
            .borrow_mut()
            .iter_mut()
            .filter_map(|(_, w)| w.take())
            .collect();
        for w in wakers {
            w.wake();
        }
    }

    /// Waits for the turn of an attempt with `key` (lower goes first).
    pub(crate) async fn enter<P: Platform>(self: &Rc<Self>, platform: &P, key: u64) -> Pass {
        let id = (key, self.arrivals.get());
        self.arrivals.set(id.1 + 1);
        {
            let mut waiting = self.waiting.borrow_mut();
            let at = waiting.partition_point(|(w, _)| *w < id);
            waiting.insert(at, (id, None));
        }
        let waiter = Waiter {
            gate: Rc::clone(self),
            id,
        };
        loop {
            let now = platform.now_ms();
            let check = self.pace.borrow().check(now);
            let first = self.waiting.borrow().first().map(|(w, _)| *w) == Some(id);
            match check {
                PaceWait::Until(until) => {
                    platform
                        .sleep(until.saturating_sub(now).max(1) as u64)
                        .await;
                }
                PaceWait::Now if first => {
                    let ticket = self.pace.borrow_mut().start();
                    drop(waiter);
                    return Pass {
                        gate: Rc::clone(self),
                        ticket,
                        ended: false,
                    };
                }
                PaceWait::Now | PaceWait::Slot => {
                    Turn {
                        gate: self,
                        id,
                        parked: false,
                    }
                    .await;
                }
            }
        }
    }
}

/// Leaves the queue when the wait ends or is dropped (a cancelled call).
struct Waiter {
    gate: Rc<Gate>,
    id: (u64, u64),
}

impl Drop for Waiter {
    fn drop(&mut self) {
        self.gate
            .waiting
            .borrow_mut()
            .retain(|(w, _)| *w != self.id);
        self.gate.wake_all();
    }
}

/// Parks until something changes at the gate.
struct Turn<'a> {
    gate: &'a Gate,
    id: (u64, u64),
    parked: bool,
}

impl Future for Turn<'_> {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.parked {
            return Poll::Ready(());
        }
        self.parked = true;
        if let Some((_, slot)) = self
            .gate
            .waiting
            .borrow_mut()
            .iter_mut()
            .find(|(w, _)| *w == self.id)
        {
            *slot = Some(cx.waker().clone());
        }
        Poll::Pending
    }
}

/// An attempt through the gate; ending it (or dropping it) frees its place.
pub(crate) struct Pass {
    gate: Rc<Gate>,
    ticket: u64,
    ended: bool,
}

impl Pass {
    /// The attempt ended at `now_ms` with `outcome`; `retry_after_cap_ms` is
    /// the longest wait a `Retry-After` may impose.
    pub(crate) fn end(
        mut self,
        outcome: Result<(), &KooDriveError>,
        retry_after_cap_ms: u64,
        now_ms: i64,
    ) {
        let end = match outcome {
            Ok(()) => AttemptEnd::Success,
            Err(e) => {
                let retry_after_ms = e.retry_after_ms.map(|ms| ms.min(retry_after_cap_ms));
                match (e.status, retry_after_ms) {
                    (Some(429), _) => AttemptEnd::Throttled { retry_after_ms },
                    (_, Some(ms)) => AttemptEnd::Paused { retry_after_ms: ms },
                    _ => AttemptEnd::Other,
                }
            }
        };
        self.gate.pace.borrow_mut().end(self.ticket, end, now_ms);
        self.ended = true;
        self.gate.wake_all();
    }
}

impl Drop for Pass {
    fn drop(&mut self) {
        if !self.ended {
            self.gate
                .pace
                .borrow_mut()
                .end(self.ticket, AttemptEnd::Other, 0);
            self.gate.wake_all();
        }
    }
}
