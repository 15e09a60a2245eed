//! [`Client`]: one request with validation, signing, the skew-corrected
//! clock, timeouts, cancellation and retries. Batching and paging build on it
//! (`batch.rs`, `pages.rs`); [`Client::exchange`] (`exchange.rs`) gives the
//! last attempt's answer as received, for proxies.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use koodrive_core::{
    AnswerHead, AttemptState, Credentials, ErrorKind, KooDriveError, PlannedRequest,
    RequestContext, RetryDecision, ServerClock, SpaceUsageRequest, UsagePage, UserSpaceQuota,
    ValidationError, classify_answer, credentials_refused, parse_http_date,
};

use crate::config::{Auth, CallOptions, ClientConfig, RetryEvent, TokenSource};
use crate::exchange::Exchange;
use crate::platform::{HttpAnswer, Platform, PlatformRandom};
use crate::pool::Gate;
use crate::race::{Raced, race};

/// The answer to one request.
#[derive(Debug, Clone, PartialEq)]
pub struct UsageResult {
    /// The records, in the server's order.
    pub items: Vec<UserSpaceQuota>,
    /// The server's `total`.
    pub total: u64,
    /// The `X-Traceid` of the attempt that succeeded.
    pub trace_id: String,
}

/// The server's clock as learned from answers' `Date`, shared by every client
/// made with it ([`Client::with_shared`]): what one learns, the others use at
/// once.
#[derive(Debug, Clone, Default)]
pub struct SharedClock(Rc<Cell<ServerClock>>);

impl SharedClock {
    /// A clock that has learned nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The server clock as learned so far.
    pub fn get(&self) -> ServerClock {
        self.0.get()
    }

    fn set(&self, clock: ServerClock) {
        self.0.set(clock);
    }
}

/// The async client. Cheap to clone; clones share the learned server clock
/// and the cached token.
pub struct Client<P: Platform> {
    pub(crate) config: Rc<ClientConfig>,
    pub(crate) platform: Rc<P>,
    pub(crate) clock: SharedClock,
    token: Rc<RefCell<Option<String>>>,
}

impl<P: Platform> Clone for Client<P> {
    fn clone(&self) -> Self {
        Self {
            config: Rc::clone(&self.config),
            platform: Rc::clone(&self.platform),
            clock: self.clock.clone(),
            token: Rc::clone(&self.token),
        }
    }
}

impl<P: Platform> Client<P> {
    /// A client over `platform`; the settings are checked.
    pub fn new(config: ClientConfig, platform: P) -> Result<Self, KooDriveError> {
        Self::with_shared(config, Rc::new(platform), SharedClock::new())
    }

    /// A client over a platform and a server clock that other clients share:
    /// a proxy makes one per caller (each with its caller's user and token)
    /// and they all learn the server's clock together. The cached token of a
    /// provider is this client's own.
    pub fn with_shared(
        config: ClientConfig,
        platform: Rc<P>,
        clock: SharedClock,
    ) -> Result<Self, KooDriveError> {
        config.validate()?;
        Ok(Self {
            config: Rc::new(config),
            platform,
            clock,
            token: Rc::new(RefCell::new(None)),
        })
    }

    /// The settings.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// The platform.
    pub fn platform(&self) -> &P {
        &self.platform
    }

    /// The server clock as learned so far.
    pub fn server_clock(&self) -> ServerClock {
        self.clock.get()
    }

    /// One request of at most 50 ids, or one page when `userIds` is absent.
    pub async fn query_usage(
        &self,
        request: &SpaceUsageRequest,
        options: &CallOptions,
    ) -> Result<UsageResult, KooDriveError> {
        request.validate()?;
        let (page, trace_id) = self.execute(request, options).await?;
        Ok(UsageResult {
            items: page.items,
            total: page.total,
            trace_id,
        })
    }

    async fn credentials(&self, refresh: bool) -> Result<Credentials, KooDriveError> {
        match &self.config.auth {
            Auth::App { app_id, app_secret } => {
                Ok(Credentials::app(app_id.clone(), app_secret.clone()))
            }
            Auth::Token(TokenSource::Fixed(t) | TokenSource::Verbatim(t)) => {
                Ok(Credentials::token(t.clone()))
            }
            // Planned like token mode; `finish_headers` removes the header.
            Auth::Gateway => Ok(Credentials::token("unsent")),
            Auth::Token(TokenSource::Provider(provider)) => {
                if !refresh && let Some(t) = self.token.borrow().clone() {
                    return Ok(Credentials::token(t));
                }
                let token = provider.token().await.map_err(|cause| {
                    let mut e = KooDriveError::new(
                        ErrorKind::Auth,
                        format!("the access token provider failed: {cause}"),
                    );
                    e.cause = Some(cause);
                    e
                })?;
                if token.trim().is_empty() {
                    return Err(KooDriveError::validation(
                        ValidationError::EmptyCredential {
                            name: "accessToken",
                        },
                    ));
                }
                *self.token.borrow_mut() = Some(token.clone());
                Ok(Credentials::token(token))
            }
        }
    }

    fn can_refresh_token(&self) -> bool {
        matches!(self.config.auth, Auth::Token(TokenSource::Provider(_)))
    }

    /// What to do about refused credentials, for this mode of authentication.
    fn auth_advice(&self, refreshed: bool) -> &'static str {
        match &self.config.auth {
            Auth::Token(TokenSource::Fixed(_)) => {
                "get a new access token from the KooDrive console (a token lasts 20 minutes after its last use)"
            }
            Auth::Token(TokenSource::Provider(_)) if refreshed => {
                "the access token function was asked again and its new token was refused too: check the token it gives"
            }
            Auth::Token(TokenSource::Provider(_)) => {
                "check the token the access token function gives"
            }
            Auth::Token(TokenSource::Verbatim(_)) => {
                "the caller's Authorization was refused: get a new access token from the KooDrive console"
            }
            Auth::App { .. } => {
                "check the app id and secret (and signingHost, when a proxy in between rewrites Host)"
            }
            Auth::Gateway => {
                "the gateway refused the request or its own credentials were refused: check the gateway token, and the app id and secret it signs with"
            }
        }
    }

    /// Makes the message of the error a request ends with say what happened
    /// after the retries, with advice that fits the mode of authentication.
    fn conclude(
        &self,
        error: &mut KooDriveError,
        policy: &koodrive_core::RetryPolicy,
        state: &AttemptState,
        date_readable: bool,
    ) {
        if error.kind == ErrorKind::Auth
            && let Some(status) = error.status
        {
            error.message = credentials_refused(
                status,
                &error.code,
                &error.msg,
                date_readable,
                self.auth_advice(state.token_refresh_used),
            );
        }
        policy.conclude(error, state);
    }

    /// What the settings change in a planned request's headers: a verbatim
    /// `Authorization`, none behind a signing gateway, an `X-Gateway-Token`.
    /// Token mode signs nothing, so its header can be swapped or removed.
    fn finish_headers(&self, planned: &mut PlannedRequest) {
        let authorization = |(name, _): &(&str, String)| name.eq_ignore_ascii_case("authorization");
        match &self.config.auth {
            Auth::Token(TokenSource::Verbatim(value)) => {
                if let Some(slot) = planned.headers.iter_mut().find(|h| authorization(h)) {
                    slot.1.clone_from(value);
                }
            }
            Auth::Gateway => planned.headers.retain(|h| !authorization(h)),
            _ => {}
        }
        if let Some(token) = &self.config.gateway_token {
            planned.headers.push(("X-Gateway-Token", token.clone()));
        }
    }

    /// Sends `request` with retries until it succeeds or the policy gives up.
    pub(crate) async fn execute(
        &self,
        request: &SpaceUsageRequest,
        options: &CallOptions,
    ) -> Result<(UsagePage, String), KooDriveError> {
        let exchange = self.run(request, options).await?;
        exchange.outcome.map(|page| (page, exchange.trace_id))
    }

    /// The attempt loop: plans each attempt on the learned clock, sends it
    /// under the timeout and the signal, learns from the answer's `Date`,
    /// classifies, and asks the retry policy what follows. Ends with the last
    /// answer (whatever it meant), or `Err` when the last attempt had none.
    pub(crate) async fn run(
        &self,
        request: &SpaceUsageRequest,
        options: &CallOptions,
    ) -> Result<Exchange, KooDriveError> {
        self.run_through(request, options, None).await
    }

    /// [`Client::execute`] with every attempt passing a pool's [`Gate`]
    /// (with `key` for its place in the queue), which the attempt's outcome
    /// then informs.
    pub(crate) async fn execute_through(
        &self,
        request: &SpaceUsageRequest,
        options: &CallOptions,
        gate: &Rc<Gate>,
        key: u64,
    ) -> Result<(UsagePage, String), KooDriveError> {
        let exchange = self
            .run_through(request, options, Some((gate, key)))
            .await?;
        exchange.outcome.map(|page| (page, exchange.trace_id))
    }

    async fn run_through(
        &self,
        request: &SpaceUsageRequest,
        options: &CallOptions,
        gate: Option<(&Rc<Gate>, u64)>,
    ) -> Result<Exchange, KooDriveError> {
        let platform = &*self.platform;
        let mut policy = self.config.retry;
        if let Some(max) = options.max_retries {
            policy.max_retries = max;
        }
        let timeout_ms = options.timeout_ms.unwrap_or(self.config.timeout_ms);
        let signal = options.signal.as_ref();
        let mut state = AttemptState::default();
        let mut attempts = 0u32;
        let mut refresh = false;
        let mut last_trace: Option<String> = None;
        let mut date_readable = true;
        let on_retry = options.on_retry.as_ref().or(self.config.on_retry.as_ref());
        let stamp = |mut e: KooDriveError, attempts: u32, trace: &Option<String>| {
            e.attempts = attempts;
            if e.trace_id.is_none() {
                e.trace_id = trace.clone();
            }
            e
        };
        loop {
            if signal.is_some_and(|s| s.is_cancelled()) {
                return Err(stamp(KooDriveError::aborted(), attempts, &last_trace));
            }
            // The pool's turn comes first, so the request is planned (and
            // its X-Date stamped) when it can go out.
            let mut pass = match gate {
                None => None,
                Some((gate, key)) => {
                    match race(platform, gate.enter(platform, key), None, signal).await {
                        Raced::Done(pass) => Some(pass),
                        Raced::Cancelled | Raced::TimedOut => {
                            return Err(stamp(KooDriveError::aborted(), attempts, &last_trace));
                        }
                    }
                }
            };
            let credentials = match race(
                platform,
                self.credentials(refresh),
                Some(timeout_ms),
                signal,
            )
            .await
            {
                Raced::Done(c) => c.map_err(|e| stamp(e, attempts, &last_trace))?,
                Raced::Cancelled => {
                    return Err(stamp(KooDriveError::aborted(), attempts, &last_trace));
                }
                Raced::TimedOut => {
                    let mut e = KooDriveError::new(
                        ErrorKind::Auth,
                        format!("the access token provider gave no token within {timeout_ms} ms"),
                    );
                    e.retryable = false;
                    return Err(stamp(e, attempts, &last_trace));
                }
            };
            refresh = false;
            let ctx = RequestContext {
                base_url: &self.config.base_url,
                acting_user_id: &self.config.acting_user_id,
                credentials: &credentials,
                signing_host: self.config.signing_host.as_deref(),
                language: &self.config.language,
            };
            let mut planned = ctx
                .plan(
                    request,
                    &self.clock.get(),
                    platform.now_ms(),
                    options.trace_id.as_deref(),
                    &mut PlatformRandom(platform),
                )
                .map_err(|e| stamp(KooDriveError::validation(e), attempts, &last_trace))?;
            self.finish_headers(&mut planned);
            attempts += 1;
            last_trace = Some(planned.trace_id.clone());

            let (error, answered) =
                match race(platform, platform.send(&planned), Some(timeout_ms), signal).await {
                    Raced::Cancelled => {
                        return Err(stamp(KooDriveError::aborted(), attempts, &last_trace));
                    }
                    Raced::TimedOut => (KooDriveError::timeout(timeout_ms), None),
                    Raced::Done(Err(e)) => (KooDriveError::network(&planned.url, e.cause), None),
                    Raced::Done(Ok(answer)) => {
                        let HttpAnswer {
                            status,
                            date,
                            retry_after,
                            body,
                            raw,
                        } = answer;
                        let now_ms = platform.now_ms();
                        date_readable = date.as_deref().and_then(parse_http_date).is_some();
                        if let Some(date) = &date {
                            let mut learned = self.clock.get();
                            if learned.observe_date_header(now_ms, date) {
                                self.clock.set(learned);
                            }
                        }
                        let head = AnswerHead {
                            status,
                            date: date.as_deref(),
                            retry_after: retry_after.as_deref(),
                            sent_x_date: &planned.x_date,
                            trace_id: &planned.trace_id,
                            now_ms,
                        };
                        match classify_answer(&head, body) {
                            Ok(page) => {
                                if let Some(pass) = pass.take() {
                                    pass.end(Ok(()), policy.retry_after_cap_ms, now_ms);
                                }
                                return Ok(Exchange {
                                    status,
                                    raw,
                                    outcome: Ok(page),
                                    trace_id: planned.trace_id,
                                    attempts,
                                });
                            }
                            Err(e) => (e, Some((status, raw))),
                        }
                    }
                };
            let mut error = stamp(error, attempts, &last_trace);
            if let Some(pass) = pass.take() {
                pass.end(Err(&error), policy.retry_after_cap_ms, platform.now_ms());
            }
            let decision = policy.decide(
                &state,
                &error,
                self.can_refresh_token(),
                &mut PlatformRandom(platform),
            );
            let delay_ms = match decision {
                RetryDecision::Retry { delay_ms, .. } => delay_ms,
                _ => 0,
            };
            if let (Some(hook), false) = (on_retry, decision == RetryDecision::GiveUp) {
                (hook.0)(&RetryEvent {
                    attempt: attempts,
                    delay_ms,
                    error: &error,
                });
            }
            match decision {
                RetryDecision::GiveUp => {
                    self.conclude(&mut error, &policy, &state, date_readable);
                    return match answered {
                        Some((status, raw)) => Ok(Exchange {
                            status,
                            raw,
                            outcome: Err(error),
                            trace_id: planned.trace_id,
                            attempts,
                        }),
                        None => Err(error),
                    };
                }
                RetryDecision::RefreshToken => {
                    state.token_refresh_used = true;
                    refresh = true;
                }
                RetryDecision::Retry { delay_ms, counted } => {
                    if counted {
                        state.retries += 1;
                    } else {
                        state.clock_retry_used = true;
                    }
                    if delay_ms > 0
                        && let Raced::Cancelled =
                            race(platform, platform.sleep(delay_ms), None, signal).await
                    {
                        return Err(stamp(KooDriveError::aborted(), attempts, &last_trace));
                    }
                }
            }
        }
    }
}
