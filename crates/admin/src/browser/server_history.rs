//! Reading the snapshots kept by the gateway that serves the page: its list
//! (`GET /__gateway/snapshots`) and one snapshot in the page's stored form
//! (`GET /__gateway/snapshots/{id}`), from the page's own origin with the
//! browser's `fetch`, as the health check does, carrying the
//! `X-Gateway-Token` when the gateway needs it (as the API calls do), and
//! no cookies. JSON is parsed by the browser. What the answers mean is
//! `state::server_history`.

use js_sys::{Array, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestCredentials, RequestInit, Response};

use crate::state::server_history::{SNAPSHOTS_PATH, ServerProblem, ServerSnapshotInfo, list_from};

fn field(value: &JsValue, name: &str) -> Option<JsValue> {
    Reflect::get(value, &JsValue::from_str(name)).ok()
}

/// GETs `path` at `origin`; the answer when it is a 200.
async fn get(origin: &str, path: &str, token: Option<&str>) -> Result<Response, ServerProblem> {
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
    match response.status() {
        200 => Ok(response),
        401 | 403 => Err(ServerProblem::Token),
        status => {
            // What the gateway said (its refusal's `msg`), if anything.
            let said = match response.json() {
                Ok(json) => JsFuture::from(json)
                    .await
                    .ok()
                    .and_then(|body| field(&body, "msg"))
                    .and_then(|msg| msg.as_string()),
                Err(_) => None,
            };
            Err(ServerProblem::Status(status, said.unwrap_or_default()))
        }
    }
}

/// The gateway's snapshots, oldest first.
pub async fn list(
    origin: &str,
    token: Option<&str>,
) -> Result<Vec<ServerSnapshotInfo>, ServerProblem> {
    let response = get(origin, SNAPSHOTS_PATH, token).await?;
    let not_a_list =
        || ServerProblem::Unreadable("the gateway's list of snapshots is not JSON".into());
    let body = JsFuture::from(response.json().map_err(|_| not_a_list())?)
        .await
        .map_err(|_| not_a_list())?;
    let entries: Array = body.dyn_into().map_err(|_| not_a_list())?;
    list_from(entries.iter().map(|entry| {
        let number = |name: &str| field(&entry, name).and_then(|v| v.as_f64());
        Some([
            number("id")?,
            number("takenAt")?,
            number("users")?,
            number("bytes")?,
        ])
    }))
    .map_err(ServerProblem::Unreadable)
}

/// One snapshot's stored form.
pub async fn fetch(origin: &str, token: Option<&str>, id: i64) -> Result<Vec<u8>, ServerProblem> {
    let response = get(origin, &format!("{SNAPSHOTS_PATH}/{id}"), token).await?;
    let promise = response
        .array_buffer()
        .map_err(|_| ServerProblem::Unreachable)?;
    let bytes = JsFuture::from(promise)
        .await
        .map_err(|_| ServerProblem::Unreachable)?;
    Ok(Uint8Array::new(&bytes).to_vec())
}
