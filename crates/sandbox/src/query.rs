//! Answering a checked request from the users: by ids (every known id once,
//! in request order, unknown ids left out, `total` the number found) or page
//! by page through every user (`limit` default 10, `offset` default 0,
//! `total` the number of users). The answer is put together from each
//! record's JSON, written once when the users were made ([`Users::json`]).

use koodrive_core::{DEFAULT_LIMIT, SpaceUsageRequest};

use crate::http::Response;
use crate::users::Users;

/// The positions of the records a request asks for, and the `total` to send.
fn positions(users: &Users, request: &SpaceUsageRequest) -> (Vec<usize>, u64) {
    match &request.user_ids {
        Some(ids) => {
            // At most 50 ids: a repeated one is found among the positions
            // already taken faster than by hashing it again.
            let mut found: Vec<usize> = Vec::with_capacity(ids.len());
            for position in ids.iter().filter_map(|id| users.position(id)) {
                if !found.contains(&position) {
                    found.push(position);
                }
            }
            let total = found.len() as u64;
            (found, total)
        }
        None => {
            let limit = request.limit.unwrap_or(DEFAULT_LIMIT) as usize;
            let page = users.page_positions(request.offset.unwrap_or(0), limit);
            (page.collect(), users.len() as u64)
        }
    }
}

/// The records a request asks for, and the `total` to send with them.
#[cfg(test)]
fn select(users: &Users, request: &SpaceUsageRequest) -> (Vec<koodrive_core::UserSpaceQuota>, u64) {
    let (found, total) = positions(users, request);
    let records = users.records();
    (
        found.into_iter().map(|i| records[i].clone()).collect(),
        total,
    )
}

/// The success answer for a checked request: what serde_json writes for
/// `UsageAnswer::success(records, total)`, byte for byte.
pub fn answer(users: &Users, request: &SpaceUsageRequest) -> Response {
    const HEAD: &str = r#"{"code":0,"msg":"success","data":["#;
    let (found, total) = positions(users, request);
    let size = found
        .iter()
        .map(|&i| users.json(i).len() + 1)
        .sum::<usize>();
    let mut body = String::with_capacity(HEAD.len() + size + 32);
    body.push_str(HEAD);
    for (n, &i) in found.iter().enumerate() {
        if n > 0 {
            body.push(',');
        }
        body.push_str(users.json(i));
    }
    body.push_str("],\"total\":");
    body.push_str(&total.to_string());
    body.push('}');
    Response::json(200, body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use koodrive_core::UserSpaceQuota;

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
    fn answers_are_what_serde_json_writes_for_the_selected_records() {
        use koodrive_core::UsageAnswer;
        let users = Users::generate(300, 42, 1_764_244_800_000);
        let id = |i: usize| users.records()[i].user_id.clone();
        for request in [
            SpaceUsageRequest::for_user_ids([id(7), "404".into(), id(3), id(7), id(299)]),
            SpaceUsageRequest::for_user_ids(["404"]),
            SpaceUsageRequest::default(),
            SpaceUsageRequest::page(100, 250),
            SpaceUsageRequest::page(10, 300),
        ] {
            let (data, total) = select(&users, &request);
            let expected = serde_json::to_vec(&UsageAnswer::success(&data, total)).unwrap();
            assert_eq!(
                String::from_utf8(answer(&users, &request).body).unwrap(),
                String::from_utf8(expected).unwrap()
            );
        }
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
