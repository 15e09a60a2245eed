//! Users given as data (`--data FILE`): the checks a record must pass, and
//! [`DataError`], which names the first bad record, its position and its
//! `userId`, and says what is wrong with it.

use core::fmt;
use std::collections::HashMap;

use koodrive_core::{UserSpaceQuota, parse_iso8601};

/// Why the given users cannot be served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataError {
    /// The position of the first bad record (0-based), when one is to blame.
    pub index: Option<usize>,
    /// That record's `userId`, when it has one.
    pub user_id: Option<String>,
    /// What is wrong.
    pub problem: String,
}

impl DataError {
    pub(crate) fn not_an_array(e: &serde_json::Error) -> Self {
        Self {
            index: None,
            user_id: None,
            problem: format!("the data is not a JSON array of UserSpaceQuota objects: {e}"),
        }
    }

    fn record(index: usize, record: &UserSpaceQuota, problem: String) -> Self {
        Self {
            index: Some(index),
            user_id: Some(record.user_id.clone()).filter(|id| !id.is_empty()),
            problem,
        }
    }
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.index, &self.user_id) {
            (Some(i), Some(id)) => write!(
                f,
                "record {i} (userId \"{}\"): {}",
                id.escape_debug(),
                self.problem
            ),
            (Some(i), None) => write!(f, "record {i}: {}", self.problem),
            _ => f.write_str(&self.problem),
        }
    }
}

impl std::error::Error for DataError {}

/// Checks every record in order and returns the id index, or the first
/// problem found.
pub(crate) fn check_records(
    records: &[UserSpaceQuota],
) -> Result<HashMap<String, usize>, DataError> {
    let mut index = HashMap::with_capacity(records.len());
    for (i, record) in records.iter().enumerate() {
        if let Some(problem) = record.problem() {
            return Err(DataError::record(i, record, problem.to_string()));
        }
        if record.user_id.trim().is_empty() {
            return Err(DataError::record(i, record, "userId is empty".into()));
        }
        let times = [
            ("createTime", &record.create_time),
            ("effectiveTime", &record.effective_time),
            ("expirationTime", &record.expiration_time),
        ];
        for (name, time) in times {
            if let Some(t) = time.as_deref().filter(|t| parse_iso8601(t).is_none()) {
                return Err(DataError::record(
                    i,
                    record,
                    format!(
                        "{name} \"{}\" is not an ISO-8601 time such as 2025-11-12T08:37:14.613Z",
                        t.escape_debug()
                    ),
                ));
            }
        }
        if let Some(first) = index.insert(record.user_id.clone(), i) {
            return Err(DataError::record(
                i,
                record,
                format!("the same userId as record {first}: ids must be unique"),
            ));
        }
    }
    Ok(index)
}

#[cfg(test)]
mod tests {
    use crate::Users;

    fn refusal(json: &str) -> String {
        Users::from_json(json.as_bytes()).unwrap_err().to_string()
    }

    #[test]
    fn good_data_loads_and_keeps_big_quotas_exact() {
        let users = Users::from_json(
            br#"[{"userId":"1","quota":"18446744073709551615","used":5,"createTime":"2025-11-12T08:37:14.613Z"},
                 {"userId":"2","quota":"0","used":0,"extra":true}]"#,
        )
        .unwrap();
        assert_eq!(users.len(), 2);
        assert_eq!(users.get("1").unwrap().quota, "18446744073709551615");
    }

    #[test]
    fn the_first_bad_record_is_named_with_what_is_wrong() {
        assert_eq!(
            refusal(
                r#"[{"userId":"1","quota":"1","used":0},{"userId":"77","quota":"12a","used":1}]"#
            ),
            r#"record 1 (userId "77"): quota "12a" is not a string of digits"#
        );
        assert_eq!(
            refusal(r#"[{"userId":"1","quota":"1","used":-3}]"#),
            r#"record 0 (userId "1"): used is negative"#
        );
        assert_eq!(
            refusal(r#"[{"userId":"","quota":"1","used":0}]"#),
            "record 0: userId is empty"
        );
        assert_eq!(
            refusal(r#"[{"userId":"5","quota":"1","used":0},{"userId":"5","quota":"1","used":0}]"#),
            r#"record 1 (userId "5"): the same userId as record 0: ids must be unique"#
        );
        assert!(
            refusal(r#"[{"userId":"5","quota":"1","used":0,"expirationTime":"soon"}]"#)
                .contains(r#"expirationTime "soon" is not an ISO-8601 time"#)
        );
        assert!(refusal(r#"[{"userId":"5","quota":1,"used":0}]"#).starts_with("record 0"));
        assert!(refusal(r#"{"userId":"5"}"#).starts_with("the data is not a JSON array"));
        assert!(refusal("[1,").starts_with("the data is not a JSON array"));
    }
}
