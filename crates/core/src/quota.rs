//! One user's space: [`UserSpaceQuota`] as it comes off the wire, read
//! leniently, and what is derived from it: the usage ratio, the
//! [`UsageState`] under configurable [`Thresholds`], and validity.

use core::fmt;

use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::loose::{Loose, next_key};
use crate::validate::ValidationError;
use crate::xdate::parse_iso8601;

/// One user's quota and usage, with the wire's names. `quota` stays the exact
/// decimal string; `used` is a number (`None` when the server sent none).
/// Absent times are `None`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserSpaceQuota {
    /// The user's KooDrive id.
    pub user_id: String,
    /// The quota, a string of decimal digits, exact beyond 2^53.
    pub quota: String,
    /// The space used, in the same (undocumented) unit as `quota`.
    pub used: Option<f64>,
    /// When the quota was created (activation), ISO-8601.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_time: Option<String>,
    /// When the quota takes effect, ISO-8601.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_time: Option<String>,
    /// When the quota expires, ISO-8601.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiration_time: Option<String>,
    #[serde(skip)]
    decode_problem: Option<RecordProblem>,
}

/// Why a record's numbers cannot be used; its state is then `unknown`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RecordProblem {
    /// The record is not a JSON object.
    NotAnObject,
    /// `userId` is absent or not a string.
    UserIdNotAString,
    /// `quota` is not a string of decimal digits.
    QuotaNotDigits(String),
    /// `quota` has more digits than a u64 holds.
    QuotaTooLarge,
    /// `used` is absent or not a number.
    UsedNotANumber(String),
    /// `used` is below zero.
    UsedNegative,
}

impl fmt::Display for RecordProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAnObject => f.write_str("the record is not an object"),
            Self::UserIdNotAString => f.write_str("userId is missing or not a string"),
            Self::QuotaNotDigits(q) => write!(f, "quota {q} is not a string of digits"),
            Self::QuotaTooLarge => f.write_str("quota is larger than 18446744073709551615"),
            Self::UsedNotANumber(u) => write!(f, "used {u} is not a number"),
            Self::UsedNegative => f.write_str("used is negative"),
        }
    }
}

impl UserSpaceQuota {
    /// Writes the record as JSON with the wire's names, as its `Serialize`
    /// does: `userId`, `quota` (the exact string), `used` (`null` when
    /// absent) and the times that are present.
    pub fn push_json(&self, out: &mut String) {
        let mut o = crate::json::Object::new(out);
        o.str("userId", &self.user_id)
            .str("quota", &self.quota)
            .opt_f64("used", self.used)
            .opt_str("createTime", self.create_time.as_deref())
            .opt_str("effectiveTime", self.effective_time.as_deref())
            .opt_str("expirationTime", self.expiration_time.as_deref());
        o.finish();
    }

    /// A well-formed record.
    pub fn new(user_id: impl Into<String>, quota: u64, used: f64) -> Self {
        Self {
            user_id: user_id.into(),
            quota: quota.to_string(),
            used: Some(used),
            create_time: None,
            effective_time: None,
            expiration_time: None,
            decode_problem: None,
        }
    }

    /// What makes this record unusable, if anything.
    pub fn problem(&self) -> Option<RecordProblem> {
        if let Some(p) = &self.decode_problem {
            return Some(p.clone());
        }
        if self.quota.is_empty() || !self.quota.bytes().all(|b| b.is_ascii_digit()) {
            return Some(RecordProblem::QuotaNotDigits(format!("\"{}\"", self.quota)));
        }
        if self.quota.parse::<u64>().is_err() {
            return Some(RecordProblem::QuotaTooLarge);
        }
        match self.used {
            None => Some(RecordProblem::UsedNotANumber("(absent)".into())),
            Some(u) if !u.is_finite() => Some(RecordProblem::UsedNotANumber("(not finite)".into())),
            Some(u) if u < 0.0 => Some(RecordProblem::UsedNegative),
            Some(_) => None,
        }
    }

    /// The quota as an integer, when the record is usable.
    pub fn quota_value(&self) -> Option<u64> {
        if self.problem().is_some() {
            return None;
        }
        self.quota.parse().ok()
    }

    /// `used / quota`; `None` when the quota is `"0"` or the record is bad.
    pub fn used_ratio(&self) -> Option<f64> {
        let quota = self.quota_value()?;
        let used = self.used?;
        (quota > 0).then(|| used / quota as f64)
    }

    /// The state under `thresholds` (see [`UsageState`]).
    pub fn state(&self, thresholds: &Thresholds) -> UsageState {
        let (Some(quota), Some(used)) = (self.quota_value(), self.used) else {
            return UsageState::Unknown;
        };
        thresholds.state_of(quota, used)
    }

    /// Milliseconds from `now_ms` until `expirationTime`: negative once
    /// expired; `None` without a readable expiration time.
    pub fn expires_in_ms(&self, now_ms: i64) -> Option<i64> {
        let t = parse_iso8601(self.expiration_time.as_deref()?)?;
        let ms = (t.unix_timestamp_nanos() / 1_000_000) as i64;
        Some(ms.saturating_sub(now_ms))
    }

    /// Whether the quota period has ended at `now_ms`; `None` when unknown.
    pub fn is_expired(&self, now_ms: i64) -> Option<bool> {
        self.expires_in_ms(now_ms).map(|left| left <= 0)
    }
}

/// How full a user's space is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UsageState {
    /// Below the nearing threshold.
    Normal,
    /// At or above `nearing_at`.
    Nearing,
    /// At or above `critical_at`.
    Critical,
    /// At or above the quota (or anything used of a zero quota).
    Exceeded,
    /// The record's numbers cannot be read.
    Unknown,
}

impl UsageState {
    /// Every state, in order of severity, `Unknown` last.
    pub const ALL: [UsageState; 5] = [
        Self::Normal,
        Self::Nearing,
        Self::Critical,
        Self::Exceeded,
        Self::Unknown,
    ];

    /// The wire name: `normal`, `nearing`, `critical`, `exceeded`, `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Normal => "normal",
            Self::Nearing => "nearing",
            Self::Critical => "critical",
            Self::Exceeded => "exceeded",
            Self::Unknown => "unknown",
        }
    }
}

impl fmt::Display for UsageState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where `nearing` and `critical` begin, as usage ratios.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    nearing_at: f64,
    critical_at: f64,
}

impl Default for Thresholds {
    /// 0.90 and 0.99, as Microsoft Graph's quota states.
    fn default() -> Self {
        Self {
            nearing_at: 0.90,
            critical_at: 0.99,
        }
    }
}

impl Thresholds {
    /// Both in (0, 1], `nearing_at ≤ critical_at`.
    pub fn new(nearing_at: f64, critical_at: f64) -> Result<Self, ValidationError> {
        let ok = |x: f64| x > 0.0 && x <= 1.0;
        if ok(nearing_at) && ok(critical_at) && nearing_at <= critical_at {
            Ok(Self {
                nearing_at,
                critical_at,
            })
        } else {
            Err(ValidationError::InvalidThresholds {
                nearing_at,
                critical_at,
            })
        }
    }

    /// Where `nearing` begins.
    pub fn nearing_at(&self) -> f64 {
        self.nearing_at
    }

    /// Where `critical` begins.
    pub fn critical_at(&self) -> f64 {
        self.critical_at
    }

    /// The state of a usable record's `quota` and `used`: a quota of `0`
    /// is exceeded once anything is used, else the ratio decides.
    pub fn state_of(&self, quota: u64, used: f64) -> UsageState {
        if quota == 0 {
            return if used > 0.0 {
                UsageState::Exceeded
            } else {
                UsageState::Normal
            };
        }
        self.classify(used / quota as f64)
    }

    /// The state of a usage ratio.
    pub fn classify(&self, ratio: f64) -> UsageState {
        if ratio >= 1.0 {
            UsageState::Exceeded
        } else if ratio >= self.critical_at {
            UsageState::Critical
        } else if ratio >= self.nearing_at {
            UsageState::Nearing
        } else {
            UsageState::Normal
        }
    }
}

fn quota_text(value: &Loose) -> String {
    match value {
        Loose::Str(s) => s.clone(),
        Loose::Null => String::new(),
        other => other.describe(),
    }
}

struct RecordVisitor;

impl<'de> Visitor<'de> for RecordVisitor {
    type Value = UserSpaceQuota;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a UserSpaceQuota object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<UserSpaceQuota, A::Error> {
        let mut record = UserSpaceQuota::new("", 0, 0.0);
        let (mut user_id, mut quota, mut used) = (None, None, None);
        while let Some(key) = next_key(&mut map)? {
            let time = |v: Loose| match v {
                Loose::Str(s) => Some(s),
                _ => None,
            };
            match key.as_str() {
                "userId" => user_id = Some(map.next_value::<Loose>()?),
                "quota" => quota = Some(map.next_value::<Loose>()?),
                "used" => used = Some(map.next_value::<Loose>()?),
                "createTime" => record.create_time = time(map.next_value()?),
                "effectiveTime" => record.effective_time = time(map.next_value()?),
                "expirationTime" => record.expiration_time = time(map.next_value()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        match user_id {
            Some(Loose::Str(id)) => record.user_id = id,
            other => {
                record.user_id = match other {
                    Some(Loose::Int(i)) => crate::loose::int_text(i),
                    _ => String::new(),
                };
                record.decode_problem = Some(RecordProblem::UserIdNotAString);
            }
        }
        let quota = quota.unwrap_or(Loose::Null);
        record.quota = quota_text(&quota);
        if !matches!(quota, Loose::Str(_)) && record.decode_problem.is_none() {
            record.decode_problem = Some(RecordProblem::QuotaNotDigits(quota.describe()));
        }
        let used = used.unwrap_or(Loose::Null);
        record.used = used.as_f64();
        if record.used.is_none() && record.decode_problem.is_none() {
            record.decode_problem = Some(RecordProblem::UsedNotANumber(used.describe()));
        }
        Ok(record)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<UserSpaceQuota, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(not_an_object())
    }
    fn visit_bool<E>(self, _: bool) -> Result<UserSpaceQuota, E> {
        Ok(not_an_object())
    }
    fn visit_i64<E>(self, _: i64) -> Result<UserSpaceQuota, E> {
        Ok(not_an_object())
    }
    fn visit_u64<E>(self, _: u64) -> Result<UserSpaceQuota, E> {
        Ok(not_an_object())
    }
    fn visit_f64<E>(self, _: f64) -> Result<UserSpaceQuota, E> {
        Ok(not_an_object())
    }
    fn visit_str<E>(self, _: &str) -> Result<UserSpaceQuota, E> {
        Ok(not_an_object())
    }
    fn visit_unit<E>(self) -> Result<UserSpaceQuota, E> {
        Ok(not_an_object())
    }
    fn visit_none<E>(self) -> Result<UserSpaceQuota, E> {
        Ok(not_an_object())
    }
}

fn not_an_object() -> UserSpaceQuota {
    let mut record = UserSpaceQuota::new("", 0, 0.0);
    record.quota = String::new();
    record.used = None;
    record.decode_problem = Some(RecordProblem::NotAnObject);
    record
}

impl<'de> Deserialize<'de> for UserSpaceQuota {
    /// Lenient: any JSON value gives a record; what cannot be used is noted
    /// in [`UserSpaceQuota::problem`] instead of failing the answer.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RecordVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(json: &str) -> UserSpaceQuota {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn the_pages_example_record_reads_and_derives() {
        let r = record(
            r#"{"quota":"1048576","userId":"1008600000509220652","used":0,
                "effectiveTime":"2025-11-12T08:37:14.613Z","expirationTime":"2025-12-12T08:37:14.613Z","extra":[1]}"#,
        );
        assert_eq!(r.user_id, "1008600000509220652");
        assert_eq!(r.quota_value(), Some(1_048_576));
        assert_eq!(r.used_ratio(), Some(0.0));
        assert_eq!(r.state(&Thresholds::default()), UsageState::Normal);
        assert_eq!(r.create_time, None);
        let now = 1_765_000_000_000; // 2025-12-06
        assert!(r.expires_in_ms(now).unwrap() > 0);
        assert_eq!(r.is_expired(now + 30 * 86_400_000), Some(true));
    }

    #[test]
    fn states_follow_the_thresholds() {
        let t = Thresholds::default();
        let state = |quota: u64, used: f64| UserSpaceQuota::new("u", quota, used).state(&t);
        assert_eq!(state(100, 89.9), UsageState::Normal);
        assert_eq!(state(100, 90.0), UsageState::Nearing);
        assert_eq!(state(100, 99.0), UsageState::Critical);
        assert_eq!(state(100, 100.0), UsageState::Exceeded);
        assert_eq!(state(0, 0.0), UsageState::Normal);
        assert_eq!(state(0, 1.0), UsageState::Exceeded);
        assert_eq!(UserSpaceQuota::new("u", 0, 1.0).used_ratio(), None);
        let strict = Thresholds::new(0.5, 0.75).unwrap();
        assert_eq!(
            UserSpaceQuota::new("u", 100, 60.0).state(&strict),
            UsageState::Nearing
        );
        assert!(Thresholds::new(0.99, 0.9).is_err());
        assert!(Thresholds::new(0.0, 0.9).is_err());
        assert!(Thresholds::new(0.9, 1.1).is_err());
    }

    #[test]
    fn quotas_beyond_two_to_the_53_stay_exact() {
        let r = record(r#"{"userId":"1","quota":"18446744073709551615","used":1}"#);
        assert_eq!(r.quota, "18446744073709551615");
        assert_eq!(r.quota_value(), Some(u64::MAX));
        let back = serde_json::to_string(&r).unwrap();
        assert!(back.contains(r#""quota":"18446744073709551615""#), "{back}");
    }

    #[test]
    fn bad_records_are_kept_as_unknown() {
        let t = Thresholds::default();
        for json in [
            r#"{"userId":"1","quota":"12a","used":1}"#,
            r#"{"userId":"1","quota":1048576,"used":1}"#,
            r#"{"userId":"1","quota":"99999999999999999999999","used":1}"#,
            r#"{"userId":"1","quota":"100","used":-1}"#,
            r#"{"userId":"1","quota":"100","used":"5"}"#,
            r#"{"userId":"1","quota":"100"}"#,
            r#"{"userId":1,"quota":"100","used":5}"#,
            r#"[1,2]"#,
            r#"null"#,
        ] {
            let r = record(json);
            assert!(r.problem().is_some(), "{json}");
            assert_eq!(r.state(&t), UsageState::Unknown, "{json}");
            assert_eq!(r.used_ratio(), None, "{json}");
        }
    }

    #[test]
    fn absent_times_are_absent_when_written() {
        let json = serde_json::to_string(&UserSpaceQuota::new("7", 10, 2.5)).unwrap();
        assert_eq!(json, r#"{"userId":"7","quota":"10","used":2.5}"#);
    }
}
