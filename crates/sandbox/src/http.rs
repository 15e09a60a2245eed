//! The handler's view of HTTP: a [`Request`] as received (method, path,
//! headers, body bytes), a [`Response`] to send, and the [`Outcome`] of one
//! request, which may also tell the server to wait first or to drop the
//! connection. No I/O lives here; the server (or an in-memory `fetch`) moves
//! the bytes.

use koodrive_core::JSON_CONTENT_TYPE;

/// One request as received.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// The method, e.g. `POST` (compared case-sensitively, as HTTP does).
    pub method: &'a str,
    /// The path, without the query string.
    pub path: &'a str,
    /// The query string without its `?`, when there is one.
    pub query: Option<&'a str>,
    /// Every header as received, names in any case. `Host` must be among
    /// them for app signatures that sign `host`.
    pub headers: &'a [(&'a str, &'a str)],
    /// The body bytes. A server may cut an over-long body to
    /// [`crate::MAX_BODY_BYTES`] + 1 bytes: the handler only needs to know
    /// that it is too long.
    pub body: &'a [u8],
}

impl<'a> Request<'a> {
    /// A request for `target` (a path with an optional `?query`).
    pub fn new(
        method: &'a str,
        target: &'a str,
        headers: &'a [(&'a str, &'a str)],
        body: &'a [u8],
    ) -> Self {
        let (path, query) = match target.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (target, None),
        };
        Self {
            method,
            path,
            query,
            headers,
            body,
        }
    }

    /// The first header of that name (case-insensitive), its value trimmed.
    pub fn header(&self, name: &str) -> Option<&'a str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    }
}

/// An answer to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The HTTP status.
    pub status: u16,
    /// The headers, in the order they are to be sent.
    pub headers: Vec<(&'static str, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl Response {
    /// An answer with a body of the given content type.
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            headers: vec![("Content-Type", content_type.to_owned())],
            body: body.into(),
        }
    }

    /// A JSON answer (`application/json;charset=UTF-8`).
    pub fn json(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self::new(status, JSON_CONTENT_TYPE, body)
    }

    /// An answer without a body.
    pub fn empty(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Sets a header, replacing any of the same name.
    pub fn set_header(&mut self, name: &'static str, value: impl Into<String>) {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name, value.into()));
    }

    /// The body as text (lossy), for tests and logs.
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// What to do with one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Send this answer now.
    Respond(Response),
    /// Wait `delay_ms` milliseconds, then send the answer (the `delay` fault).
    Delay {
        /// How long to wait before answering.
        delay_ms: u64,
        /// The answer, made when the request arrived.
        response: Response,
    },
    /// Close the connection without answering (the `drop` and `down` faults).
    Drop,
}

impl Outcome {
    /// The answer, if one is to be sent at all.
    pub fn response(&self) -> Option<&Response> {
        match self {
            Self::Respond(response) | Self::Delay { response, .. } => Some(response),
            Self::Drop => None,
        }
    }

    /// The answer, consuming the outcome.
    pub fn into_response(self) -> Option<Response> {
        match self {
            Self::Respond(response) | Self::Delay { response, .. } => Some(response),
            Self::Drop => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_splits_into_path_and_query() {
        let r = Request::new("POST", "/a/b?x=1&y", &[], b"");
        assert_eq!((r.path, r.query), ("/a/b", Some("x=1&y")));
        let r = Request::new("GET", "/", &[], b"");
        assert_eq!((r.path, r.query), ("/", None));
    }

    #[test]
    fn headers_are_found_in_any_case_and_trimmed() {
        let headers = [("x-user-id", "  42 "), ("X-User-Id", "7")];
        let r = Request::new("POST", "/", &headers, b"");
        assert_eq!(r.header("X-USER-ID"), Some("42"));
        assert_eq!(r.header("X-Date"), None);
        let mut answer = Response::json(200, "{}");
        answer.set_header("content-type", "text/plain");
        assert_eq!(answer.header("Content-Type"), Some("text/plain"));
        assert_eq!(answer.headers.len(), 1);
    }
}
