//! The headers that keep an answer from becoming a page: every answer that
//! is not a file of the admin page carries [`ANSWER_CSP`] and
//! `X-Content-Type-Options: nosniff`, so that a body a client chose (the
//! sandbox's `status` fault) or an upstream sent (relayed by the gateway),
//! even opened in a tab, runs no script, loads nothing and has an origin of
//! its own. Pure data, always built: the sandbox's handler writes them in
//! memory too; the server adds them to answers that have none.
//!
//! [`is_loopback_host`] is the one test of a `Host` header that both binaries
//! use to refuse DNS rebinding: the sandbox on its `/__sandbox/` controls, the
//! gateway on everything it serves while it listens on loopback.

/// The Content-Security-Policy of every answer that is not a file of the
/// admin page.
pub const ANSWER_CSP: &str = "sandbox; default-src 'none'";

/// The value of `X-Content-Type-Options` on every answer.
pub const NOSNIFF: &str = "nosniff";

/// Whether a `Host` header names this machine's loopback (`localhost`, any
/// `127.x.y.z`, `[::1]`), with any port. A name that only starts like one
/// (`localhost.evil.example`) is not loopback.
pub fn is_loopback_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_are_told_from_others() {
        for host in [
            "127.0.0.1:8090",
            "localhost:8090",
            "LOCALHOST",
            "[::1]:8090",
            "127.1.2.3",
        ] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in [
            "evil.example:8090",
            "10.0.0.1:8090",
            "[2001:db8::1]:80",
            "localhost.evil.example",
        ] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }
}
