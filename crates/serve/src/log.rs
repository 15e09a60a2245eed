//! The request log: one line per request on stderr, with the method, the
//! path (never the query string; at most 200 characters), the status (or
//! `dropped`), the latency and the trace id (at most
//! [`MAX_LOGGED_TRACE_CHARS`] characters, then `…`). Never a header value:
//! no token, secret or signature reaches the log.

use std::io::Write as _;
use std::time::Duration;

/// The most characters of a trace id a log line shows (a trace id is 58).
pub const MAX_LOGGED_TRACE_CHARS: usize = 64;

/// One request as the log shows it.
#[derive(Debug, Clone, Copy)]
pub struct LogLine<'a> {
    /// The method.
    pub method: &'a str,
    /// The path, without the query string.
    pub path: &'a str,
    /// The status sent; `None` when the connection was dropped unanswered.
    pub status: Option<u16>,
    /// From the request's arrival to its answer.
    pub latency: Duration,
    /// The trace id, from the answer's or the request's `X-Traceid`.
    pub trace_id: Option<&'a str>,
}

impl core::fmt::Display for LogLine<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let status = self
            .status
            .map_or_else(|| "dropped".to_owned(), |s| s.to_string());
        // Paths are printed as received, minus control characters.
        let path: String = self
            .path
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect();
        // Any trace id a client sent is cut to a bounded prefix.
        let trace = self.trace_id.unwrap_or("-");
        let mut shown: String = trace
            .chars()
            .filter(|c| !c.is_control() && !c.is_whitespace())
            .take(MAX_LOGGED_TRACE_CHARS)
            .collect();
        if trace.chars().count() > MAX_LOGGED_TRACE_CHARS {
            shown.push('…');
        }
        write!(
            f,
            "{} {path} {status} {:.1}ms trace={shown}",
            self.method,
            self.latency.as_secs_f64() * 1000.0,
        )
    }
}

impl LogLine<'_> {
    /// Writes the line to stderr in one write (stderr is unbuffered: a
    /// formatted `writeln!` would make a system call for each piece of the
    /// line); a closed stderr is ignored.
    pub fn write(&self) {
        let mut line = self.to_string();
        line.push('\n');
        let _ = std::io::stderr().lock().write_all(line.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_line_has_method_path_status_latency_and_trace() {
        let line = LogLine {
            method: "POST",
            path: "/koodrive/ose/v1/space/usage/user",
            status: Some(401),
            latency: Duration::from_micros(1_250),
            trace_id: Some("abc"),
        };
        assert_eq!(
            line.to_string(),
            "POST /koodrive/ose/v1/space/usage/user 401 1.2ms trace=abc"
        );
        let dropped = LogLine {
            status: None,
            trace_id: None,
            path: "/a\nb",
            ..line
        };
        assert_eq!(dropped.to_string(), "POST /ab dropped 1.2ms trace=-");
    }

    #[test]
    fn a_long_trace_id_is_logged_as_a_bounded_prefix() {
        let long = "x".repeat(30 * 1024);
        let line = LogLine {
            method: "GET",
            path: "/__sandbox/stats",
            status: Some(200),
            latency: Duration::ZERO,
            trace_id: Some(&long),
        }
        .to_string();
        assert!(
            line.ends_with(&format!("trace={}…", "x".repeat(64))),
            "{line}"
        );
        assert!(line.len() < 200);
    }
}
