//! [`Sandbox`]: the whole stand-in as one pure handler. A request and the
//! machine's "now" go in; an [`Outcome`] comes out. It holds the users, the
//! clock offset, the pending faults and the stats behind locks, so one
//! sandbox serves concurrent requests (natively and, single-threaded, in
//! wasm32). It dispatches: preflights, the control endpoints (`control`),
//! `GET /openapi.yaml`, and everything else as an API request (faults, then
//! the checks of `checks`, then the answer of `query`), and writes the CORS
//! headers, the sandbox clock's `Date` and [`ANSWER_CSP`] with `nosniff` on
//! every answer.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use koodrive_core::{
    ApiCode, ErrorAnswer, SeededRandom, format_http_date, new_trace_id, unix_ms_to_datetime,
};

use crate::checks::{Refusal, check_request, check_trace_id_header, is_usage_path};
use crate::config::SandboxConfig;
use crate::faults::{Fault, FaultOrder, FaultQueue};
use crate::http::{Outcome, Request, Response};
use crate::stats::{Arrival, DROPPED_STATUS, Stats};
use crate::users::Users;
use crate::{control, query};

/// The OpenAPI 3.1 document of the endpoint, served at `GET /openapi.yaml`.
pub const OPENAPI_YAML: &str = include_str!("../../../openapi/space-usage.yaml");

/// Where the control endpoints live.
pub const CONTROL_PREFIX: &str = "/__sandbox/";

/// Where the OpenAPI document is served.
pub const OPENAPI_PATH: &str = "/openapi.yaml";

/// The request headers a page may send in a preflight's answer: everything
/// the endpoint reads.
pub const ALLOW_HEADERS: &str =
    "Authorization, Content-Type, X-User-Id, X-Date, X-Traceid, language";

/// The Content-Security-Policy of every answer that is not a file of the
/// admin page (`koodrive_serve::hardening`).
pub use koodrive_serve::hardening::ANSWER_CSP;

/// Writes [`ANSWER_CSP`] and `X-Content-Type-Options: nosniff` into an
/// answer: a document made of it (a `status` fault's HTML opened in a tab,
/// say) runs no script, loads nothing and has an origin of its own.
pub fn harden(answer: &mut Response) {
    answer.set_header("Content-Security-Policy", ANSWER_CSP);
    answer.set_header("X-Content-Type-Options", "nosniff");
}

/// A KooDrive stand-in that answers requests without any I/O.
#[derive(Debug)]
pub struct Sandbox {
    config: SandboxConfig,
    /// The users as they are now, and the days they have aged since day 0.
    users: Mutex<(Arc<Users>, f64)>,
    /// The users on day 0.
    initial: Arc<Users>,
    offset_ms: AtomicI64,
    faults: Mutex<FaultQueue>,
    stats: Mutex<Stats>,
    in_flight: AtomicU64,
    trace_ids: Mutex<SeededRandom>,
}

/// An API request in flight (see [`Sandbox::api_in_flight`]); dropping it
/// ends it.
#[derive(Debug)]
pub struct InFlight<'a>(&'a Sandbox);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Whether a request is an API request as the stats count them: not a
/// preflight, not a control request, not the OpenAPI document.
pub fn is_api_request(method: &str, path: &str) -> bool {
    method != "OPTIONS" && !path.starts_with(CONTROL_PREFIX) && path != OPENAPI_PATH
}

/// Locks a mutex, also after a panic elsewhere poisoned it: the state it
/// guards is updated in single steps and stays usable.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Sandbox {
    /// A sandbox with these settings serving these users.
    pub fn new(config: SandboxConfig, users: Users) -> Self {
        let initial = Arc::new(users);
        Self {
            offset_ms: AtomicI64::new(config.clock_offset_secs.saturating_mul(1000)),
            trace_ids: Mutex::new(SeededRandom::new(config.trace_seed)),
            config,
            users: Mutex::new((Arc::clone(&initial), 0.0)),
            initial,
            faults: Mutex::new(FaultQueue::default()),
            stats: Mutex::new(Stats::default()),
            in_flight: AtomicU64::new(0),
        }
    }

    /// Counts an API request in flight until the result is dropped: the HTTP
    /// server holds it from the request's arrival to its answer (a `delay`
    /// included), and `maxInFlight` in the stats is the most at once.
    pub fn api_in_flight(&self) -> InFlight<'_> {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        let mut stats = lock(&self.stats);
        stats.max_in_flight = stats.max_in_flight.max(now);
        InFlight(self)
    }

    /// Its settings.
    pub fn config(&self) -> &SandboxConfig {
        &self.config
    }

    /// Its users, as they are now (see [`Sandbox::advance`]).
    pub fn users(&self) -> Arc<Users> {
        Arc::clone(&lock(&self.users).0)
    }

    /// How many days the users have aged since day 0.
    pub fn aged_days(&self) -> f64 {
        lock(&self.users).1
    }

    /// Ages the sandbox `days` days: its clock moves that far ahead and each
    /// user's `used` by its own daily rate ([`Users::used_per_day`]).
    pub fn advance(&self, days: f64) {
        let mut users = lock(&self.users);
        let total = users.1 + days;
        *users = (Arc::new(self.initial.aged(total)), total);
        let ms = (days * 86_400_000.0).round() as i64;
        self.offset_ms.fetch_add(ms, Ordering::Relaxed);
    }

    /// The sandbox clock, in Unix milliseconds, when the machine's reads
    /// `machine_now_ms`.
    pub fn now_ms(&self, machine_now_ms: i64) -> i64 {
        machine_now_ms.saturating_add(self.offset_ms.load(Ordering::Relaxed))
    }

    /// How far the sandbox clock runs from the machine's, in seconds.
    pub fn clock_offset_secs(&self) -> i64 {
        self.offset_ms.load(Ordering::Relaxed) / 1000
    }

    /// Moves the sandbox clock to `secs` seconds from the machine's.
    pub fn set_clock_offset_secs(&self, secs: i64) {
        self.offset_ms
            .store(secs.saturating_mul(1000), Ordering::Relaxed);
    }

    /// The `Date` header the sandbox writes when the machine's clock reads
    /// `machine_now_ms`.
    pub fn date_header(&self, machine_now_ms: i64) -> String {
        format_http_date(unix_ms_to_datetime(self.now_ms(machine_now_ms)))
    }

    /// Replaces the pending faults; a `down` starts at `machine_now_ms`.
    pub fn set_faults(&self, orders: Vec<FaultOrder>, machine_now_ms: i64) {
        lock(&self.faults).set(orders, machine_now_ms);
    }

    /// Clears every pending fault.
    pub fn clear_faults(&self) {
        lock(&self.faults).clear();
    }

    pub(crate) fn fault_summary(&self, machine_now_ms: i64) -> serde_json::Value {
        lock(&self.faults).summary(machine_now_ms)
    }

    /// A copy of the stats.
    pub fn stats(&self) -> Stats {
        lock(&self.stats).clone()
    }

    /// Zeroes the stats, clears the faults, sets the clock back to its
    /// configured offset and the users back to day 0.
    pub fn reset(&self) {
        *lock(&self.stats) = Stats {
            max_in_flight: self.in_flight.load(Ordering::SeqCst),
            ..Stats::default()
        };
        self.clear_faults();
        *lock(&self.users) = (Arc::clone(&self.initial), 0.0);
        self.set_clock_offset_secs(self.config.clock_offset_secs);
    }

    /// Answers one request that arrived when the machine's clock read
    /// `machine_now_ms`.
    pub fn handle(&self, request: &Request<'_>, machine_now_ms: i64) -> Outcome {
        // Read the clock once: the checks and the `Date` header agree even
        // while the clock endpoint moves it.
        let now_ms = self.now_ms(machine_now_ms);
        let mut date = format_http_date(unix_ms_to_datetime(now_ms));
        let origin = request.header("Origin");
        if request.method == "OPTIONS" {
            let mut answer = Response::empty(204);
            answer.headers = self.config.cors.preflight_headers(origin, ALLOW_HEADERS);
            answer.set_header("Date", date);
            harden(&mut answer);
            return Outcome::Respond(answer);
        }
        let mut outcome = if request.path.starts_with(CONTROL_PREFIX) {
            let answer = control::answer(self, request, machine_now_ms);
            // The clock endpoint may just have moved the clock: show the new one.
            date = self.date_header(machine_now_ms);
            Outcome::Respond(answer)
        } else if request.path == OPENAPI_PATH {
            Outcome::Respond(openapi_answer(request))
        } else {
            self.api(request, machine_now_ms, now_ms)
        };
        if let Outcome::Respond(answer)
        | Outcome::Delay {
            response: answer, ..
        } = &mut outcome
        {
            for (name, value) in self.config.cors.answer_headers(origin) {
                answer.set_header(name, value);
            }
            answer.set_header("Date", date);
            harden(answer);
        }
        outcome
    }

    /// An API request: refused at once when its `X-Traceid` is not one;
    /// else its fault if one is pending, else the checks and the answer;
    /// counted in the stats either way.
    fn api(&self, request: &Request<'_>, machine_now_ms: i64, now_ms: i64) -> Outcome {
        let given = request.header("X-Traceid").filter(|t| !t.is_empty());
        let refused_trace = given.and_then(|t| check_trace_id_header(t).err());
        let trace_id = match given {
            Some(given) if refused_trace.is_none() => given.to_owned(),
            _ => new_trace_id(&mut *lock(&self.trace_ids)),
        };
        let mut outcome = match refused_trace {
            // A pending fault stays for the next request.
            Some(refusal) => Outcome::Respond(refusal_answer(&refusal, request)),
            None => {
                let fault = lock(&self.faults).take(machine_now_ms);
                self.outcome(request, fault, now_ms)
            }
        };
        if let Outcome::Respond(answer)
        | Outcome::Delay {
            response: answer, ..
        } = &mut outcome
        {
            answer.set_header("X-Traceid", trace_id.clone());
        }
        let status = outcome.response().map_or(DROPPED_STATUS, |r| r.status);
        lock(&self.stats).record(Arrival {
            at_ms: now_ms,
            status,
            trace_id,
        });
        outcome
    }

    /// What a request gets with this fault (or none) pending.
    fn outcome(&self, request: &Request<'_>, fault: Option<Fault>, now_ms: i64) -> Outcome {
        match fault {
            None => Outcome::Respond(self.answer(request, now_ms)),
            Some(Fault::Delay { delay_ms }) => Outcome::Delay {
                delay_ms,
                response: self.answer(request, now_ms),
            },
            Some(fault) => fault.answer().map_or(Outcome::Drop, Outcome::Respond),
        }
    }

    fn answer(&self, request: &Request<'_>, now_ms: i64) -> Response {
        match check_request(request, &self.config, now_ms) {
            Ok(body) => query::answer(&self.users(), &body),
            Err(refusal) => refusal_answer(&refusal, request),
        }
    }
}

fn refusal_answer(refusal: &Refusal, request: &Request<'_>) -> Response {
    let body = ErrorAnswer {
        code: ApiCode::Number(refusal.code),
        msg: refusal.msg.clone(),
    };
    let mut answer = Response::json(
        refusal.status,
        serde_json::to_vec(&body).unwrap_or_default(),
    );
    if refusal.status == 405 && is_usage_path(request.path) {
        answer.set_header("Allow", "POST, OPTIONS");
    }
    answer
}

fn openapi_answer(request: &Request<'_>) -> Response {
    match request.method {
        "GET" | "HEAD" => Response::new(200, "application/yaml;charset=UTF-8", OPENAPI_YAML),
        _ => {
            let mut answer = control::error(405, "the OpenAPI document is read with GET");
            answer.set_header("Allow", "GET, HEAD, OPTIONS");
            answer
        }
    }
}
