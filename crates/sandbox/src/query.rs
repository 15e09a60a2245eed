//! Answering a checked request from the users: by ids (every known id once,
//! in request order, unknown ids left out, `total` the number found) or page
//! by page through every user (`limit` default 10, `offset` default 0,
//! `total` the number of users).

use std::collections::HashSet;

use koodrive_core::{DEFAULT_LIMIT, SpaceUsageRequest, UsageAnswer, UserSpaceQuota};

use crate::http::Response;
use crate::users::Users;

/// The records a request asks for, and the `total` to send with them.
pub fn select(users: &Users, request: &SpaceUsageRequest) -> (Vec<UserSpaceQuota>, u64) {
    match &request.user_ids {
        Some(ids) => {
            let mut seen = HashSet::with_capacity(ids.len());
            let found: Vec<UserSpaceQuota> = ids
                .iter()
                .filter(|id| seen.insert(id.as_str()))
                .filter_map(|id| users.get(id).cloned())
                .collect();
            let total = found.len() as u64;
            (found, total)
        }
        None => {
            let limit = request.limit.unwrap_or(DEFAULT_LIMIT) as usize;
            let page = users.page(request.offset.unwrap_or(0), limit).to_vec();
            (page, users.len() as u64)
        }
    }
}

/// The success answer for a checked request.
pub fn answer(users: &Users, request: &SpaceUsageRequest) -> Response {
    let (data, total) = select(users, request);
    match serde_json::to_vec(&UsageAnswer::success(&data, total)) {
        Ok(body) => Response::json(200, body),
        // Records hold only strings and finite numbers; this cannot happen.
        Err(e) => Response::json(500, format!("{{\"code\":500,\"msg\":\"{e}\"}}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn users() -> Users {
        Users::from_records(
            (1..=25)
                .map(|i| UserSpaceQuota::new(i.to_string(), 100, 1.0))
                .collect(),
        )
        .unwrap()
    }

    fn ids(data: &[UserSpaceQuota]) -> Vec<&str> {
        data.iter().map(|r| r.user_id.as_str()).collect()
    }

    #[test]
    fn ids_come_back_once_in_request_order_without_unknown_ones() {
        let request = SpaceUsageRequest::for_user_ids(["7", "404", "3", "7"]);
        let (data, total) = select(&users(), &request);
        assert_eq!(ids(&data), ["7", "3"]);
        assert_eq!(total, 2);
        let mut cut = request.clone();
        cut.limit = Some(1);
        cut.offset = Some(5);
        assert_eq!(
            select(&users(), &cut).0.len(),
            2,
            "limit and offset do not cut"
        );
    }

    #[test]
    fn without_ids_the_users_are_paged() {
        let (data, total) = select(&users(), &SpaceUsageRequest::default());
        assert_eq!(data.len(), 10);
        assert_eq!(total, 25);
        let (data, _) = select(&users(), &SpaceUsageRequest::page(10, 20));
        assert_eq!(ids(&data), ["21", "22", "23", "24", "25"]);
        assert!(
            select(&users(), &SpaceUsageRequest::page(10, 99))
                .0
                .is_empty()
        );
    }
}
