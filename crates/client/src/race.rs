//! Running one piece of work against a timer and the caller's signal; the
//! losers are dropped, which aborts a request and clears a timer.

use std::future::Future;
use std::pin::pin;

use futures_util::future::{Either, select};

use crate::cancel::CancelSignal;
use crate::platform::Platform;

/// How a raced piece of work ended.
pub(crate) enum Raced<T> {
    Done(T),
    TimedOut,
    Cancelled,
}

/// Runs `work` until it completes, `timeout_ms` passes (when given) or
/// `signal` fires, whichever is first.
pub(crate) async fn race<P: Platform, T>(
    platform: &P,
    work: impl Future<Output = T>,
    timeout_ms: Option<u64>,
    signal: Option<&CancelSignal>,
) -> Raced<T> {
    if signal.is_some_and(CancelSignal::is_cancelled) {
        return Raced::Cancelled;
    }
    let stop = async {
        let cancelled = async {
            match signal {
                Some(s) => s.cancelled().await,
                None => std::future::pending().await,
            }
        };
        let timer = async {
            match timeout_ms {
                Some(ms) => platform.sleep(ms).await,
                None => std::future::pending().await,
            }
        };
        match select(pin!(cancelled), pin!(timer)).await {
            Either::Left(_) => Raced::Cancelled,
            Either::Right(_) => Raced::TimedOut,
        }
    };
    match select(pin!(work), pin!(stop)).await {
        Either::Left((value, _)) => Raced::Done(value),
        Either::Right((stopped, _)) => stopped,
    }
}
