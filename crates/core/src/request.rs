//! The request body: `{"userIds": [...], "limit": n, "offset": n}`, each field
//! left out when absent, and the rules the page puts on it.

use serde::{Deserialize, Serialize};

use crate::validate::ValidationError;

/// At most this many ids in one request.
pub const MAX_USER_IDS: usize = 50;
/// The largest `limit`.
pub const MAX_LIMIT: u32 = 100;
/// The `limit` the server assumes when none is sent (the page's example).
pub const DEFAULT_LIMIT: u32 = 10;

/// The body of one request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpaceUsageRequest {
    /// 1–50 ids; when absent, the request pages through every user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_ids: Option<Vec<String>>,
    /// Page size, 1–100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Page start, 0 or more.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
}

impl SpaceUsageRequest {
    /// A request for these ids.
    pub fn for_user_ids<I, S>(ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            user_ids: Some(ids.into_iter().map(Into::into).collect()),
            ..Self::default()
        }
    }

    /// A request for one page of every user.
    pub fn page(limit: u32, offset: u64) -> Self {
        Self {
            user_ids: None,
            limit: Some(limit),
            offset: Some(offset),
        }
    }

    /// Checks every rule of the page: 1–50 ids, none empty, `limit` 1–100.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if let Some(ids) = &self.user_ids {
            if ids.is_empty() {
                return Err(ValidationError::NoUserIds);
            }
            if ids.len() > MAX_USER_IDS {
                return Err(ValidationError::TooManyUserIds { count: ids.len() });
            }
            if let Some(index) = ids.iter().position(|id| id.trim().is_empty()) {
                return Err(ValidationError::BlankUserId { index });
            }
        }
        if let Some(limit) = self.limit
            && !(1..=MAX_LIMIT).contains(&limit)
        {
            return Err(ValidationError::LimitOutOfRange {
                limit: i64::from(limit),
            });
        }
        if let Some(offset) = self.offset
            && offset > i64::MAX as u64
        {
            return Err(ValidationError::OffsetOutOfRange { offset: i64::MAX });
        }
        Ok(())
    }

    /// The JSON body, as `serde_json` would write it (U+2028 and U+2029
    /// aside, which [`crate::json::push_string`] escapes), without needing
    /// it (the npm build ships no JSON serializer).
    pub fn to_json(&self) -> String {
        let mut out = String::from("{");
        let mut sep = "";
        if let Some(ids) = &self.user_ids {
            out.push_str("\"userIds\":[");
            for (i, id) in ids.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                crate::json::push_string(&mut out, id);
            }
            out.push(']');
            sep = ",";
        }
        if let Some(limit) = self.limit {
            out.push_str(sep);
            out.push_str("\"limit\":");
            out.push_str(&limit.to_string());
            sep = ",";
        }
        if let Some(offset) = self.offset {
            out.push_str(sep);
            out.push_str("\"offset\":");
            out.push_str(&offset.to_string());
        }
        out.push('}');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_fields_are_left_out() {
        assert_eq!(SpaceUsageRequest::default().to_json(), "{}");
        assert_eq!(
            SpaceUsageRequest::for_user_ids(["232323", "34343434"]).to_json(),
            r#"{"userIds":["232323","34343434"]}"#
        );
        assert_eq!(
            SpaceUsageRequest::page(10, 0).to_json(),
            r#"{"limit":10,"offset":0}"#
        );
    }

    #[test]
    fn each_rule_of_the_page_is_checked() {
        let ids = |n: usize| SpaceUsageRequest::for_user_ids((0..n).map(|i| i.to_string()));
        assert_eq!(ids(0).validate(), Err(ValidationError::NoUserIds));
        assert!(ids(1).validate().is_ok());
        assert!(ids(50).validate().is_ok());
        assert_eq!(
            ids(51).validate(),
            Err(ValidationError::TooManyUserIds { count: 51 })
        );
        assert_eq!(
            SpaceUsageRequest::for_user_ids(["1", " "]).validate(),
            Err(ValidationError::BlankUserId { index: 1 })
        );
        assert_eq!(
            SpaceUsageRequest::page(0, 0).validate(),
            Err(ValidationError::LimitOutOfRange { limit: 0 })
        );
        assert_eq!(
            SpaceUsageRequest::page(101, 0).validate(),
            Err(ValidationError::LimitOutOfRange { limit: 101 })
        );
        assert!(SpaceUsageRequest::page(100, 5).validate().is_ok());
        let err = ids(51).validate().unwrap_err();
        assert_eq!(err.rule(), "userIds.count");
        assert!(err.to_string().contains("at most 50"));
    }

    #[test]
    fn odd_characters_are_escaped() {
        let r = SpaceUsageRequest::for_user_ids(["a\"b\\c\n\u{1}é"]);
        let back: SpaceUsageRequest = serde_json::from_str(&r.to_json()).unwrap();
        assert_eq!(back, r);
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    fn request() -> impl Strategy<Value = SpaceUsageRequest> {
        (
            proptest::option::of(proptest::collection::vec("\\PC{0,12}|[0-9]{19}", 0..60)),
            proptest::option::of(any::<u32>()),
            proptest::option::of(any::<u64>()),
        )
            .prop_map(|(user_ids, limit, offset)| SpaceUsageRequest {
                user_ids,
                limit,
                offset,
            })
    }

    proptest! {
        #[test]
        fn hand_written_json_equals_serde_json(r in request()) {
            let reference = serde_json::to_string(&r)
                .unwrap()
                .replace('\u{2028}', "\\u2028")
                .replace('\u{2029}', "\\u2029");
            prop_assert_eq!(r.to_json(), reference);
        }

        #[test]
        fn requests_round_trip_through_json(r in request()) {
            let back: SpaceUsageRequest = serde_json::from_str(&r.to_json()).unwrap();
            prop_assert_eq!(back, r);
        }
    }
}
