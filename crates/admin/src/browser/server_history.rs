//! Reading the snapshots kept by the gateway that serves the page: its list
//! (`GET /__gateway/snapshots`) and one snapshot in the page's stored form
//! (`GET /__gateway/snapshots/{id}`), from the page's own origin with the
//! browser's `fetch`, as the health check does, carrying the
//! `X-Gateway-Token` when the gateway needs it (as the API calls do), and
//! no cookies. What the answers mean is `state::server_history`.

use js_sys::Uint8Array;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestCredentials, RequestInit, Response};

use crate::state::server_history::{SNAPSHOTS_PATH, ServerProblem, ServerSnapshotInfo, parse_list};

/// GETs `path` at `origin`; the body's bytes of a 200 answer.
async fn get(origin: &str, path: &str, token: Option<&str>) -> Result<Vec<u8>, ServerProblem> {
    let window = web_sys::window().ok_or(ServerProblem::Unreachable)?;
    let init = RequestInit::new();
    init.set_credentials(RequestCredentials::Omit);
    if let Some(token) = token {
        let headers = Headers::new().map_err(|_| ServerProblem::Unreachable)?;
        headers
            .append("X-Gateway-Token", token)
            .map_err(|_| ServerProblem::Token)?;
        init.set_headers(&headers);
    }
    let url = format!("{}{path}", origin.trim_end_matches('/'));
    let answer = JsFuture::from(window.fetch_with_str_and_init(&url, &init))
        .await
        .map_err(|_| ServerProblem::Unreachable)?;
    let response: Response = answer.dyn_into().map_err(|_| ServerProblem::Unreachable)?;
    let body = match response.array_buffer() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .map(|b| Uint8Array::new(&b).to_vec())
            .map_err(|_| ServerProblem::Unreachable)?,
        Err(_) => return Err(ServerProblem::Unreachable),
    };
    match response.status() {
        200 => Ok(body),
        401 | 403 => Err(ServerProblem::Token),
        status => Err(ServerProblem::Status(status, said(&body))),
    }
}

/// What a refusal of the gateway says (its `msg`), or the start of the body.
fn said(body: &[u8]) -> String {
    #[derive(serde::Deserialize)]
    struct Refusal {
        msg: String,
    }
    koodrive_core::json::from_slice_with::<Refusal>(body, |_| f64::NAN)
        .map(|r| r.msg)
        .unwrap_or_else(|_| String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned())
}

/// The gateway's snapshots, oldest first.
pub async fn list(
    origin: &str,
    token: Option<&str>,
) -> Result<Vec<ServerSnapshotInfo>, ServerProblem> {
    let body = get(origin, SNAPSHOTS_PATH, token).await?;
    parse_list(&body).map_err(ServerProblem::Unreadable)
}

/// One snapshot's stored form.
pub async fn fetch(origin: &str, token: Option<&str>, id: i64) -> Result<Vec<u8>, ServerProblem> {
    get(origin, &format!("{SNAPSHOTS_PATH}/{id}"), token).await
}
