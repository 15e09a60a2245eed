//! The snapshot endpoints. The gateway token is checked before this (the
//! same rule as the API's); here:
//! - `GET /__gateway/snapshots` → `[{"id", "takenAt", "users", "bytes"}]`;
//! - `POST /__gateway/snapshots` (with `Content-Type: application/json`, so
//!   that a page on another origin always needs a preflight) takes one now
//!   and answers 201 with its summary, or 502 with why it failed;
//! - `GET /__gateway/snapshots/{id}`: one snapshot in the admin page's
//!   stored form (`application/octet-stream`), or, with `Accept:
//!   application/json`, streamed as JSON (see `koodrive_snapshots::wire`);
//! - `GET /__gateway/users/{userId}/history` → one user's series.
//!
//! Every read runs on a blocking thread with a read-only connection.

use axum::body::{Body, Bytes};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, Response, StatusCode, header};
use koodrive_snapshots::wire::{
    self, JSON_CONTENT_TYPE, STORED_FORM_CONTENT_TYPE, SnapshotJson, SnapshotStoredForm,
};

use super::Snapshots;
use crate::relay::{method_not_allowed, refusal};

/// Where snapshots are listed and taken.
pub const SNAPSHOTS_PATH: &str = "/__gateway/snapshots";

/// Where one user's history is, around the user id.
const HISTORY_PREFIX: &str = "/__gateway/users/";
const HISTORY_SUFFIX: &str = "/history";

/// Whether `path` is one of the snapshot endpoints.
pub fn is_snapshot_path(path: &str) -> bool {
    path == SNAPSHOTS_PATH
        || path.starts_with("/__gateway/snapshots/")
        || (path.starts_with(HISTORY_PREFIX) && path.ends_with(HISTORY_SUFFIX))
}

fn json_answer(status: StatusCode, body: impl Into<Body>) -> Response<Body> {
    let mut answer = Response::new(body.into());
    *answer.status_mut() = status;
    let headers = answer.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(JSON_CONTENT_TYPE),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    answer
}

fn store_failed(e: &str) -> Response<Body> {
    refusal(
        StatusCode::INTERNAL_SERVER_ERROR,
        "GATEWAY.SNAPSHOT_STORE",
        &format!("the snapshot database could not be read: {e}"),
    )
}

/// Answers a snapshot endpoint; `snapshots` is `None` when they are off.
pub async fn answer(snapshots: Option<&Snapshots>, parts: &Parts) -> Response<Body> {
    let Some(snapshots) = snapshots else {
        return refusal(
            StatusCode::NOT_FOUND,
            "GATEWAY.SNAPSHOTS_OFF",
            "this gateway takes no snapshots: start it in app mode with --snapshot-every 24h --snapshot-db FILE",
        );
    };
    let path = parts.uri.path();
    let is_read = parts.method == Method::GET || parts.method == Method::HEAD;
    if path == SNAPSHOTS_PATH {
        return if is_read {
            list(snapshots).await
        } else if parts.method == Method::POST {
            take(snapshots, parts).await
        } else {
            method_not_allowed("GET, HEAD, POST, OPTIONS")
        };
    }
    if !is_read {
        return method_not_allowed("GET, HEAD, OPTIONS");
    }
    if let Some(id) = path.strip_prefix("/__gateway/snapshots/") {
        return match id.parse::<i64>() {
            Ok(id) if id > 0 && wants_json(parts) => one(snapshots, id).await,
            Ok(id) if id > 0 => stored_form(snapshots, id).await,
            _ => refusal(
                StatusCode::NOT_FOUND,
                "GATEWAY.NO_SNAPSHOT",
                &format!("{id:?} is not a snapshot id; GET {SNAPSHOTS_PATH} lists them"),
            ),
        };
    }
    let user_id = path
        .strip_prefix(HISTORY_PREFIX)
        .and_then(|rest| rest.strip_suffix(HISTORY_SUFFIX))
        .unwrap_or_default();
    let fine = |c: char| c.is_ascii_alphanumeric() || "-_.".contains(c);
    if user_id.is_empty() || user_id.len() > 128 || !user_id.chars().all(fine) {
        return refusal(
            StatusCode::BAD_REQUEST,
            "GATEWAY.BAD_REQUEST",
            "the user id in the path must be 1 to 128 letters, digits, '-', '_' or '.'",
        );
    }
    history(snapshots, user_id.to_owned()).await
}

async fn list(snapshots: &Snapshots) -> Response<Body> {
    let reader = snapshots.reader();
    match tokio::task::spawn_blocking(move || reader.list()).await {
        Ok(Ok(list)) => json_answer(StatusCode::OK, wire::list_json(&list)),
        Ok(Err(e)) => store_failed(&e.to_string()),
        Err(e) => store_failed(&e.to_string()),
    }
}

async fn history(snapshots: &Snapshots, user_id: String) -> Response<Body> {
    let reader = snapshots.reader();
    let read = tokio::task::spawn_blocking(move || {
        reader
            .history(&user_id)
            .map(|points| wire::history_json(&user_id, &points))
    });
    match read.await {
        Ok(Ok(json)) => json_answer(StatusCode::OK, json),
        Ok(Err(e)) => store_failed(&e.to_string()),
        Err(e) => store_failed(&e.to_string()),
    }
}

async fn take(snapshots: &Snapshots, parts: &Parts) -> Response<Body> {
    let json = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| {
            let media = t.split(';').next().unwrap_or_default().trim();
            media.eq_ignore_ascii_case("application/json")
        });
    if !json {
        return refusal(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "GATEWAY.CONTENT_TYPE",
            "send the request as Content-Type: application/json (the body may be empty)",
        );
    }
    match snapshots.take_now().await {
        Ok(info) => json_answer(StatusCode::CREATED, wire::info_json(&info)),
        Err(reason) => refusal(
            StatusCode::BAD_GATEWAY,
            "GATEWAY.SNAPSHOT_FAILED",
            &format!("no snapshot was stored: {reason}"),
        ),
    }
}

/// Whether the caller asked for JSON (`Accept: application/json`).
fn wants_json(parts: &Parts) -> bool {
    parts
        .headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|media| {
            let media = media.split(';').next().unwrap_or_default().trim();
            media.eq_ignore_ascii_case("application/json")
        })
}

fn no_snapshot(id: i64) -> Response<Body> {
    refusal(
        StatusCode::NOT_FOUND,
        "GATEWAY.NO_SNAPSHOT",
        &format!("there is no snapshot {id}; GET {SNAPSHOTS_PATH} lists them"),
    )
}

/// One snapshot in the page's stored form, encoded whole (it is compressed).
async fn stored_form(snapshots: &Snapshots, id: i64) -> Response<Body> {
    let reader = snapshots.reader();
    let read = tokio::task::spawn_blocking(move || {
        let mut form = SnapshotStoredForm::new();
        let found = reader.read_snapshot_users(id, &mut |info, users| {
            form.batch_users(info, users);
            true
        })?;
        Ok::<_, koodrive_snapshots::StoreError>(found.map(|_| form.finish()))
    });
    match read.await {
        Ok(Ok(Some(bytes))) => {
            let mut answer = json_answer(StatusCode::OK, bytes);
            answer.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(STORED_FORM_CONTENT_TYPE),
            );
            answer
        }
        Ok(Ok(None)) => no_snapshot(id),
        Ok(Err(e)) => store_failed(&e.to_string()),
        Err(e) => store_failed(&e.to_string()),
    }
}

/// What the reading thread sends the answer.
enum Piece {
    Bytes(Bytes),
    Missing,
    Failed(String),
}

async fn one(snapshots: &Snapshots, id: i64) -> Response<Body> {
    let reader = snapshots.reader();
    let (pieces, mut received) = tokio::sync::mpsc::channel::<Piece>(4);
    tokio::task::spawn_blocking(move || {
        let mut writer = SnapshotJson::new();
        let found = reader.read_snapshot(id, &mut |info, users| {
            let bytes = Bytes::from(writer.batch(info, users));
            pieces.blocking_send(Piece::Bytes(bytes)).is_ok()
        });
        let last = match found {
            Ok(Some(_)) => Piece::Bytes(Bytes::from_static(writer.finish())),
            Ok(None) => Piece::Missing,
            Err(e) => Piece::Failed(e.to_string()),
        };
        let _ = pieces.blocking_send(last);
    });
    let first = match received.recv().await {
        Some(Piece::Bytes(bytes)) => bytes,
        Some(Piece::Missing) => return no_snapshot(id),
        Some(Piece::Failed(e)) => return store_failed(&e),
        None => return store_failed("the reading thread stopped"),
    };
    let rest = futures_util::stream::unfold(received, |mut received| async move {
        match received.recv().await? {
            Piece::Bytes(bytes) => Some((Ok(bytes), received)),
            Piece::Missing | Piece::Failed(_) => Some((
                Err(std::io::Error::other(
                    "the snapshot could not be read to its end",
                )),
                received,
            )),
        }
    });
    let stream = futures_util::StreamExt::chain(
        futures_util::stream::once(async move { Ok::<_, std::io::Error>(first) }),
        rest,
    );
    json_answer(StatusCode::OK, Body::from_stream(stream))
}
