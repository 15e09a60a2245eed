//! [`ValidationError`]: input refused before anything is sent, naming the
//! rule that failed and what to do about it.

use core::fmt;

/// Why an input was refused before sending. Each variant is one rule;
/// [`ValidationError::rule`] gives it a stable, matchable name.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ValidationError {
    /// `userIds` was given but empty.
    NoUserIds,
    /// More than 50 ids in one request.
    TooManyUserIds {
        /// How many were given.
        count: usize,
    },
    /// An id that is empty or only white space.
    BlankUserId {
        /// Its position in the list (0-based).
        index: usize,
    },
    /// `limit` outside 1–100.
    LimitOutOfRange {
        /// The value given.
        limit: i64,
    },
    /// `offset` below 0 (or beyond what the wire can carry).
    OffsetOutOfRange {
        /// The value given.
        offset: i64,
    },
    /// No acting user id (`X-User-Id`).
    MissingActingUserId,
    /// Neither an access token nor app credentials.
    MissingCredentials,
    /// Both an access token and app credentials.
    ConflictingCredentials,
    /// An empty access token, app id or app secret.
    EmptyCredential {
        /// Which one.
        name: &'static str,
    },
    /// A base URL that cannot be used.
    InvalidBaseUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// `nearingAt`/`criticalAt` not within (0, 1] or not in order.
    InvalidThresholds {
        /// The nearing threshold given.
        nearing_at: f64,
        /// The critical threshold given.
        critical_at: f64,
    },
    /// A caller-supplied trace id of the wrong shape.
    InvalidTraceId {
        /// What is wrong with it.
        reason: String,
    },
    /// Any other option with a value out of its range.
    InvalidOption {
        /// The option's name as the caller wrote it.
        name: String,
        /// What is wrong and what is accepted.
        reason: String,
    },
}

impl ValidationError {
    /// A stable name of the rule that failed, e.g. `userIds.count`.
    pub fn rule(&self) -> &'static str {
        match self {
            Self::NoUserIds => "userIds.empty",
            Self::TooManyUserIds { .. } => "userIds.count",
            Self::BlankUserId { .. } => "userIds.blank",
            Self::LimitOutOfRange { .. } => "limit.range",
            Self::OffsetOutOfRange { .. } => "offset.range",
            Self::MissingActingUserId => "actingUserId.missing",
            Self::MissingCredentials => "credentials.missing",
            Self::ConflictingCredentials => "credentials.conflict",
            Self::EmptyCredential { .. } => "credentials.empty",
            Self::InvalidBaseUrl { .. } => "baseUrl.invalid",
            Self::InvalidThresholds { .. } => "thresholds.invalid",
            Self::InvalidTraceId { .. } => "traceId.invalid",
            Self::InvalidOption { .. } => "option.invalid",
        }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoUserIds => f.write_str(
                "userIds is empty: give 1 to 50 ids, or leave userIds out to list every user",
            ),
            Self::TooManyUserIds { count } => write!(
                f,
                "userIds has {count} ids but one request takes at most 50: split the list (queryUsageAll does this for you)"
            ),
            Self::BlankUserId { index } => {
                write!(f, "userIds[{index}] is empty: remove it or fill in the id")
            }
            Self::LimitOutOfRange { limit } => {
                write!(f, "limit is {limit} but must be between 1 and 100")
            }
            Self::OffsetOutOfRange { offset } if *offset < 0 => {
                write!(f, "offset is {offset} but must be 0 or more")
            }
            Self::OffsetOutOfRange { .. } => write!(
                f,
                "offset is larger than {}, the largest the endpoint takes",
                i64::MAX
            ),
            Self::MissingActingUserId => f.write_str(
                "actingUserId is missing: give the KooDrive user id the request acts as (sent as X-User-Id)",
            ),
            Self::MissingCredentials => f.write_str(
                "no credentials: give accessToken (token mode) or appId and appSecret (app mode)",
            ),
            Self::ConflictingCredentials => f.write_str(
                "both accessToken and appId/appSecret are given: choose one mode of authentication",
            ),
            Self::EmptyCredential { name } => write!(f, "{name} is empty"),
            Self::InvalidBaseUrl { url, reason } => write!(
                f,
                "baseUrl \"{url}\" cannot be used: {reason} (expected e.g. https://intl.myhuaweicloud-koodrive.com)"
            ),
            Self::InvalidThresholds {
                nearing_at,
                critical_at,
            } => write!(
                f,
                "thresholds nearingAt {} ‰ and criticalAt {} ‰ are invalid: both must be in (0, 1] and nearingAt ≤ criticalAt",
                permille(*nearing_at),
                permille(*critical_at)
            ),
            Self::InvalidTraceId { reason } => write!(
                f,
                "traceId cannot be used: {reason}; KooDrive wants exactly 58 ASCII letters or digits (leave it out to get a fresh one)"
            ),
            Self::InvalidOption { name, reason } => write!(f, "option {name}: {reason}"),
        }
    }
}

impl std::error::Error for ValidationError {}

/// A ratio in per mille, as an integer (no float formatting in the wasm).
fn permille(ratio: f64) -> i64 {
    (ratio * 1000.0).round() as i64
}
