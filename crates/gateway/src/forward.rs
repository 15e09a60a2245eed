//! [`Forwarder`]: the client crate on `NativePlatform`, run on a thread of
//! its own. The client's futures are not `Send` (it shares its state with
//! `Rc`, as in a browser), while the server's handlers must be; so handlers
//! send each [`Call`] over a channel to one current-thread runtime that runs
//! every exchange concurrently on a `LocalSet`, with one connection pool and
//! one learned server clock for all callers.
//!
//! Each call gets a client of its own (its caller's user, language and, in
//! token mode, `Authorization`), made with [`Client::with_shared`]. The
//! gateway retries only what only it can fix, the `X-Date` its own clock
//! wrote: the one uncounted clock retry. Everything else (429, 5xx, no
//! answer) goes back to the caller at once, whose own client retries with
//! its own timeout and cancel button, so retries never multiply and a 429
//! reaches the browser with its `Retry-After`. A caller that goes away
//! cancels its exchange, and with it the upstream request.

use std::rc::Rc;

use koodrive_client::{
    Auth, CallOptions, Client, ClientConfig, Exchange, NativePlatform, SharedClock, TokenSource,
};
use koodrive_core::{ErrorKind, KooDriveError, RetryPolicy, SpaceUsageRequest};
use tokio::sync::{mpsc, oneshot};

/// Time allowed for one upstream attempt.
pub const ATTEMPT_TIMEOUT_MS: u64 = 15_000;

/// How a call authenticates upstream.
#[derive(Clone)]
pub enum CallAuth {
    /// Signed by the gateway with the app's credentials.
    App {
        /// The app's id.
        app_id: String,
        /// The app's secret.
        app_secret: String,
    },
    /// The caller's `Authorization`, passed on exactly as received.
    Verbatim(String),
}

/// One request to forward.
pub struct Call {
    /// The body, parsed and checked.
    pub request: SpaceUsageRequest,
    /// The `X-User-Id` to send.
    pub acting_user_id: String,
    /// The `language` to send.
    pub language: String,
    /// The caller's `X-Traceid`, when well-formed (else a fresh one is drawn).
    pub trace_id: Option<String>,
    /// How it authenticates.
    pub auth: CallAuth,
}

struct Job {
    call: Call,
    reply: oneshot::Sender<Result<Exchange, KooDriveError>>,
}

/// The handle the server's handlers forward through. Cheap to clone.
#[derive(Clone)]
pub struct Forwarder {
    jobs: mpsc::UnboundedSender<Job>,
}

/// What every exchange shares, on the forwarding thread.
struct Shared {
    upstream: String,
    platform: Rc<NativePlatform>,
    clock: SharedClock,
}

impl Forwarder {
    /// Starts the forwarding thread for `upstream` (an absolute base URL).
    pub fn start(upstream: String) -> Result<Self, String> {
        let platform = NativePlatform::new()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the forwarding runtime: {e}"))?;
        let (jobs, mut queue) = mpsc::unbounded_channel::<Job>();
        std::thread::Builder::new()
            .name("forwarder".into())
            .spawn(move || {
                let shared = Rc::new(Shared {
                    upstream,
                    platform: Rc::new(platform),
                    clock: SharedClock::new(),
                });
                let local = tokio::task::LocalSet::new();
                local.block_on(&runtime, async move {
                    // Ends when the server, holding every sender, is gone.
                    while let Some(job) = queue.recv().await {
                        tokio::task::spawn_local(run(Rc::clone(&shared), job));
                    }
                });
            })
            .map_err(|e| format!("cannot start the forwarding thread: {e}"))?;
        Ok(Self { jobs })
    }

    /// Forwards one call: the upstream's last answer, or why there is none.
    pub async fn forward(&self, call: Call) -> Result<Exchange, KooDriveError> {
        let (reply, answer) = oneshot::channel();
        let stopped = || KooDriveError::new(ErrorKind::Network, "the gateway's forwarder stopped");
        self.jobs.send(Job { call, reply }).map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

fn client_for(shared: &Shared, call: &Call) -> Result<Client<NativePlatform>, KooDriveError> {
    let auth = match &call.auth {
        CallAuth::App { app_id, app_secret } => Auth::App {
            app_id: app_id.clone(),
            app_secret: app_secret.clone(),
        },
        CallAuth::Verbatim(value) => Auth::Token(TokenSource::Verbatim(value.clone())),
    };
    let mut config = ClientConfig::new(&shared.upstream, &call.acting_user_id, auth)
        .map_err(KooDriveError::validation)?;
    config.language.clone_from(&call.language);
    config.timeout_ms = ATTEMPT_TIMEOUT_MS;
    config.retry = RetryPolicy {
        max_retries: 0,
        ..RetryPolicy::default()
    };
    Client::with_shared(config, Rc::clone(&shared.platform), shared.clock.clone())
}

async fn run(shared: Rc<Shared>, job: Job) {
    let Job { call, mut reply } = job;
    let client = match client_for(&shared, &call) {
        Ok(client) => client,
        Err(e) => {
            let _ = reply.send(Err(e));
            return;
        }
    };
    let options = CallOptions {
        trace_id: call.trace_id.clone(),
        ..CallOptions::default()
    };
    tokio::select! {
        result = client.exchange(&call.request, &options) => {
            let _ = reply.send(result);
        }
        // The caller went away: dropping the exchange aborts the upstream request.
        () = reply.closed() => {}
    }
}
