//! Reading a request body under the [`Limits`]: within the body timeout, at
//! most `max_body_bytes + 1` bytes kept (the rest read and dropped, up to
//! `max_drained_body_bytes`, so the answer reaches a client that is still
//! sending), and bodies announced or found to be larger refused outright.

use axum::body::Bytes;
use http_body_util::BodyExt as _;
use hyper::body::Incoming;

use super::limits::Limits;

/// Why a body was not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyProblem {
    /// Longer than `max_drained_body_bytes` (announced or counted).
    TooLarge,
    /// Not all there within `body_read_timeout`.
    TooSlow,
    /// The connection broke while it was read.
    Broken,
}

/// Reads `body` (announced as `content_length` bytes, when known).
pub async fn read_capped_body(
    body: Incoming,
    content_length: Option<u64>,
    limits: &Limits,
) -> Result<Bytes, BodyProblem> {
    if content_length.is_some_and(|n| n > limits.max_drained_body_bytes as u64) {
        return Err(BodyProblem::TooLarge);
    }
    let read = read_frames(
        body,
        limits.max_body_bytes + 1,
        limits.max_drained_body_bytes,
    );
    match tokio::time::timeout(limits.body_read_timeout, read).await {
        Ok(result) => result,
        Err(_) => Err(BodyProblem::TooSlow),
    }
}

async fn read_frames(mut body: Incoming, keep: usize, drain: usize) -> Result<Bytes, BodyProblem> {
    let mut kept = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| BodyProblem::Broken)?;
        let Ok(data) = frame.into_data() else {
            continue; // trailers
        };
        seen = seen.saturating_add(data.len());
        if seen > drain {
            return Err(BodyProblem::TooLarge);
        }
        let room = keep.saturating_sub(kept.len());
        kept.extend_from_slice(&data[..data.len().min(room)]);
    }
    Ok(Bytes::from(kept))
}
