//! # koodrive-core
//!
//! Everything about KooDrive's "Querying Space Usage by User" endpoint
//! (`POST /koodrive/ose/v1/space/usage/user`) that needs no I/O: the wire
//! models, validation, `X-Date` and server-clock handling, both ways of
//! authenticating (token and the HMAC-SHA256 app signature, signing and
//! verifying), the error kinds, the classification of answers, and the retry,
//! batching and paging policies; and usage over time ([`history`]: snapshots,
//! their compact stored form, growth and forecasts).
//!
//! Nothing here reads the clock, sleeps, draws random numbers on its own or
//! touches the network: "now" is passed in as Unix milliseconds and randomness
//! as a [`RandomSource`]. The same code therefore runs natively, in Node and in
//! a browser, and the async client, the npm module, the admin page and the
//! sandbox all share it.
//!
//! ```
//! use koodrive_core::{
//!     BaseUrl, Credentials, RequestContext, ServerClock, SeededRandom, SpaceUsageRequest,
//! };
//!
//! let base = BaseUrl::parse("https://intl.myhuaweicloud-koodrive.com").unwrap();
//! let request = SpaceUsageRequest::for_user_ids(["232323", "34343434"]);
//! let ctx = RequestContext {
//!     base_url: &base,
//!     acting_user_id: "1505084218764547200",
//!     credentials: &Credentials::app("my-app-id", "my-app-secret"),
//!     signing_host: None,
//!     language: "en-US",
//! };
//! let clock = ServerClock::default();
//! let mut random = SeededRandom::new(7);
//! let now_ms = 1_764_153_700_000; // the caller's clock, in Unix milliseconds
//! let planned = ctx.plan(&request, &clock, now_ms, None, &mut random).unwrap();
//! assert_eq!(planned.url, "https://intl.myhuaweicloud-koodrive.com/koodrive/ose/v1/space/usage/user");
//! assert!(planned.header("Authorization").unwrap().starts_with("HMAC-SHA256 AppId=my-app-id,"));
//! assert_eq!(planned.trace_id.len(), 58);
//! ```

#![warn(missing_docs)]

mod answer;
mod auth;
mod batch;
mod classify;
mod clock;
mod endpoint;
mod error;
pub mod history;
pub mod json;
mod loose;
mod pace;
mod paging;
mod plan;
mod quota;
mod random;
mod request;
mod retry;
mod signing;
mod traceid;
mod validate;
mod xdate;

pub use answer::{AnswerEnvelope, ApiCode, DataField, ErrorAnswer, UsageAnswer};
pub use auth::{Credentials, token_authorization};
pub use batch::{BatchCollector, BatchPlan, BatchReport, FailedChunk, plan_batches};
pub use classify::{
    AnswerHead, BodyProblem, MAX_ANSWER_BYTES, UsagePage, classify_answer, classify_json_answer,
    credentials_refused, decode_envelope, decode_envelope_with,
};
pub use clock::{ServerClock, X_DATE_WINDOW_SECS, XDateRejection, check_x_date_window};
pub use endpoint::{
    BaseUrl, CODE_AUTH_FAILED, CODE_BAD_PARAMETERS, JSON_CONTENT_TYPE, MAX_BODY_BYTES, USAGE_PATH,
    UrlParts, split_url,
};
pub use error::{ErrorKind, KooDriveError};
pub use pace::{AttemptEnd, Pace, PaceWait};
pub use paging::{
    CheckedPage, Delivery, PageOrder, PageProblem, PageSchedule, SeenIds, page_count,
};
pub use plan::{PlannedRequest, RequestContext};
pub use quota::{RecordProblem, Thresholds, UsageState, UserSpaceQuota};
pub use random::{RandomSource, SeededRandom};
pub use request::{DEFAULT_LIMIT, MAX_LIMIT, MAX_USER_IDS, SpaceUsageRequest};
pub use retry::{AttemptState, RetryDecision, RetryPolicy, parse_retry_after};
pub use signing::{
    AppSignature, AuthorizationError, ParsedAuthorization, REQUIRED_SIGNED_HEADERS, SIGNED_HEADERS,
    SigningInput, VerifyError, canonical_query, canonical_uri, parse_authorization, sign, verify,
};
pub use traceid::{TRACE_ID_LEN, check_trace_id, new_trace_id};
pub use validate::ValidationError;
pub use xdate::{
    format_http_date, format_iso8601, format_x_date, parse_http_date, parse_iso8601, parse_x_date,
    unix_ms_to_datetime,
};

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
