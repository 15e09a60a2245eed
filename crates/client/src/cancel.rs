//! [`CancelSignal`]: the caller's way to stop a call, like `AbortSignal` (the
//! npm module links one to the other). Cloning shares the signal.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

#[derive(Default)]
struct Inner {
    cancelled: Cell<bool>,
    wakers: RefCell<Vec<Waker>>,
}

/// A cancellation signal shared by everything a call does.
#[derive(Clone, Default)]
pub struct CancelSignal(Rc<Inner>);

impl std::fmt::Debug for CancelSignal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CancelSignal(cancelled: {})", self.is_cancelled())
    }
}

impl CancelSignal {
    /// A signal not yet fired.
    pub fn new() -> Self {
        Self::default()
    }

    /// Fires the signal; every waiting call stops. Firing twice is harmless.
    pub fn cancel(&self) {
        if !self.0.cancelled.replace(true) {
            for w in self.0.wakers.borrow_mut().drain(..) {
                w.wake();
            }
        }
    }

    /// Whether it has fired.
    pub fn is_cancelled(&self) -> bool {
        self.0.cancelled.get()
    }

    /// Completes when the signal fires.
    pub fn cancelled(&self) -> Cancelled {
        Cancelled(self.clone())
    }
}

/// The future of [`CancelSignal::cancelled`].
pub struct Cancelled(CancelSignal);

impl Future for Cancelled {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0.is_cancelled() {
            return Poll::Ready(());
        }
        let mut wakers = self.0.0.wakers.borrow_mut();
        if !wakers.iter().any(|w| w.will_wake(cx.waker())) {
            wakers.push(cx.waker().clone());
        }
        Poll::Pending
    }
}
