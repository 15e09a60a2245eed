//! The headers that keep an answer from becoming a page: every answer that
//! is not a file of the admin page carries [`ANSWER_CSP`] and
//! `X-Content-Type-Options: nosniff`, so that a body a client chose (the
//! sandbox's `status` fault) or an upstream sent (relayed by the gateway),
//! even opened in a tab, runs no script, loads nothing and has an origin of
//! its own. Pure data, always built: the sandbox's handler writes them in
//! memory too; the server adds them to answers that have none.

/// The Content-Security-Policy of every answer that is not a file of the
/// admin page.
pub const ANSWER_CSP: &str = "sandbox; default-src 'none'";

/// The value of `X-Content-Type-Options` on every answer.
pub const NOSNIFF: &str = "nosniff";
