//! A fake platform for native tests: virtual time (when nothing else can
//! progress, the earliest timer fires and the clock jumps to it), a scripted
//! server, deterministic randomness, and a record of every request sent and
//! every timer that fired.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Wake, Waker};

use koodrive_core::{
    PlannedRequest, SeededRandom, UsageAnswer, UserSpaceQuota, decode_envelope, format_http_date,
    unix_ms_to_datetime,
};

use crate::platform::{HttpAnswer, Platform, TransportError};

/// What the fake server does with one request.
pub(crate) enum Reply {
    Answer(HttpAnswer),
    Network(&'static str),
    /// Never answers (until the attempt's timer or the signal stops it).
    Hang,
    /// This reply, after so many virtual milliseconds.
    Later(u64, Box<Reply>),
}

type Server = Box<dyn FnMut(&PlannedRequest, i64) -> Reply>;

/// Called with each timer that fires.
pub(crate) type SleepHook = Box<dyn FnMut(u64)>;

struct Timer {
    id: u64,
    ms: u64,
    deadline: i64,
    fired: bool,
    waker: Option<Waker>,
}

pub(crate) struct FakePlatform {
    pub now: Cell<i64>,
    timers: Rc<RefCell<Vec<Timer>>>,
    next_timer: Cell<u64>,
    pub sleeps: RefCell<Vec<u64>>,
    pub sent: RefCell<Vec<PlannedRequest>>,
    pub on_sleep: RefCell<Option<SleepHook>>,
    /// Requests sent and not yet answered (or dropped), and the most at once.
    pub in_flight: Rc<Cell<usize>>,
    pub max_in_flight: Rc<Cell<usize>>,
    rng: RefCell<SeededRandom>,
    server: RefCell<Server>,
}

pub(crate) const START_MS: i64 = 1_764_244_800_000; // 2025-11-27T12:00:00Z

impl FakePlatform {
    pub fn new(server: impl FnMut(&PlannedRequest, i64) -> Reply + 'static) -> Self {
        Self {
            now: Cell::new(START_MS),
            timers: Rc::new(RefCell::new(Vec::new())),
            next_timer: Cell::new(0),
            sleeps: RefCell::new(Vec::new()),
            sent: RefCell::new(Vec::new()),
            on_sleep: RefCell::new(None),
            in_flight: Rc::new(Cell::new(0)),
            max_in_flight: Rc::new(Cell::new(0)),
            rng: RefCell::new(SeededRandom::new(5)),
            server: RefCell::new(Box::new(server)),
        }
    }
}

/// A virtual timer; dropping it clears it.
struct Sleep {
    id: u64,
    timers: Rc<RefCell<Vec<Timer>>>,
}

impl Future for Sleep {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut timers = self.timers.borrow_mut();
        match timers.iter_mut().find(|t| t.id == self.id) {
            Some(t) if t.fired => Poll::Ready(()),
            Some(t) => {
                t.waker = Some(cx.waker().clone());
                Poll::Pending
            }
            None => Poll::Ready(()),
        }
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        self.timers.borrow_mut().retain(|t| t.id != self.id);
    }
}

/// Yields once before completing, so concurrent work interleaves.
struct YieldOnce<T>(Option<T>, bool);

impl<T: Unpin> Future for YieldOnce<T> {
    type Output = T;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        if !self.1 {
            self.1 = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        match self.0.take() {
            Some(v) => Poll::Ready(v),
            None => Poll::Pending,
        }
    }
}

impl Platform for FakePlatform {
    fn now_ms(&self) -> i64 {
        self.now.get()
    }

    fn random_u32(&self) -> u32 {
        use koodrive_core::RandomSource;
        self.rng.borrow_mut().next_u32()
    }

    fn sleep(&self, ms: u64) -> impl Future<Output = ()> {
        let id = self.next_timer.get();
        self.next_timer.set(id + 1);
        self.timers.borrow_mut().push(Timer {
            id,
            ms,
            deadline: self.now.get() + ms as i64,
            fired: false,
            waker: None,
        });
        Sleep {
            id,
            timers: Rc::clone(&self.timers),
        }
    }

    fn send(
        &self,
        request: &PlannedRequest,
    ) -> impl Future<Output = Result<HttpAnswer, TransportError>> {
        self.sent.borrow_mut().push(request.clone());
        let mut reply = (self.server.borrow_mut())(request, self.now.get());
        let mut delay = None;
        if let Reply::Later(ms, inner) = reply {
            delay = Some(self.sleep(ms));
            reply = *inner;
        }
        let in_flight = InFlight::new(&self.in_flight, &self.max_in_flight);
        async move {
            let _in_flight = in_flight;
            if let Some(delay) = delay {
                delay.await;
            }
            match reply {
                Reply::Answer(a) => YieldOnce(Some(Ok(a)), false).await,
                Reply::Network(cause) => {
                    YieldOnce(
                        Some(Err(TransportError {
                            cause: cause.into(),
                        })),
                        false,
                    )
                    .await
                }
                Reply::Hang | Reply::Later(..) => std::future::pending().await,
            }
        }
    }
}

/// Counts a request in flight until it is answered or dropped.
struct InFlight(Rc<Cell<usize>>);

impl InFlight {
    fn new(count: &Rc<Cell<usize>>, max: &Rc<Cell<usize>>) -> Self {
        count.set(count.get() + 1);
        max.set(max.get().max(count.get()));
        Self(Rc::clone(count))
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.set(self.0.get() - 1);
    }
}

/// An answer with `status`, a `Date` at server time `server_ms`, and `body`.
pub(crate) fn answer(status: u16, server_ms: i64, body: &str) -> Reply {
    Reply::Answer(HttpAnswer {
        status,
        date: Some(format_http_date(unix_ms_to_datetime(server_ms))),
        retry_after: None,
        body: decode_envelope(body.as_bytes()),
        raw: None,
    })
}

/// A success answer for the ids in a request's body (each id known, except
/// those starting with `x`).
pub(crate) fn known_ids_answer(request: &PlannedRequest, server_ms: i64) -> Reply {
    let body: koodrive_core::SpaceUsageRequest = parse_request(&request.body);
    let items: Vec<UserSpaceQuota> = body
        .user_ids
        .unwrap_or_default()
        .into_iter()
        .filter(|id| !id.starts_with('x'))
        .map(|id| UserSpaceQuota::new(id, 100, 50.0))
        .collect();
    let json = serde_json::to_string(&UsageAnswer::success(&items, items.len() as u64))
        .unwrap_or_default();
    answer(200, server_ms, &json)
}

fn parse_request(body: &str) -> koodrive_core::SpaceUsageRequest {
    serde_json::from_str(body).unwrap_or_default()
}

impl FakePlatform {
    /// Runs a future to completion on this thread in virtual time: when it
    /// cannot progress, the earliest timer fires. Panics if it stalls with
    /// no timer left, which in these tests means a bug.
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        struct Flag(AtomicBool);
        impl Wake for Flag {
            fn wake(self: Arc<Self>) {
                self.0.store(true, Ordering::SeqCst);
            }
        }
        let flag = Arc::new(Flag(AtomicBool::new(false)));
        let waker = Waker::from(flag.clone());
        let mut cx = Context::from_waker(&waker);
        let mut future = std::pin::pin!(future);
        loop {
            if let Poll::Ready(v) = future.as_mut().poll(&mut cx) {
                return v;
            }
            if flag.0.swap(false, Ordering::SeqCst) {
                continue;
            }
            let fired = {
                let mut timers = self.timers.borrow_mut();
                let next = timers
                    .iter_mut()
                    .filter(|t| !t.fired)
                    .min_by_key(|t| (t.deadline, t.id));
                let Some(t) = next else {
                    panic!("the future stalled: nothing will wake it");
                };
                t.fired = true;
                self.now.set(self.now.get().max(t.deadline));
                (t.ms, t.waker.take())
            };
            let (ms, waker) = fired;
            self.sleeps.borrow_mut().push(ms);
            if let Some(hook) = self.on_sleep.borrow_mut().as_mut() {
                hook(ms);
            }
            if let Some(w) = waker {
                w.wake();
            }
        }
    }
}
