//! What the page keeps in this browser, under which key and for how long.
//! Pure: the browser side (`browser::keep`, `browser::session`) stores and
//! reads; the rules live here.
//!
//! - **Keyed by endpoint.** Everything kept (the directory, the remembered
//!   connection, and any later kind) is filed under the [`storage_scope`] of
//!   the connection it came from: the endpoint, and behind a gateway also the
//!   tenant it forwards to. Demo data kept while the page talked to a
//!   sandbox never comes back when the same origin later serves a gateway
//!   to a real tenant, nor the other way round.
//! - **Kept for a while.** A kept directory expires after the days the
//!   administrator chose ([`DEFAULT_KEEP_DAYS`] unless changed, at most
//!   [`MAX_KEEP_DAYS`]); an expired one is deleted the next time the page
//!   looks, never shown.

use super::connection::Connection;

/// How long a kept directory stays, unless the administrator chooses
/// otherwise.
pub const DEFAULT_KEEP_DAYS: u32 = 30;

/// The longest a kept directory may stay.
pub const MAX_KEEP_DAYS: u32 = 365;

const DAY_MS: i64 = 86_400_000;

/// The scope that what the page keeps is filed under: the endpoint as the
/// page reaches it (scheme and host in lower case, no trailing `/`), and
/// behind a gateway ` -> ` and the host it forwards to.
pub fn storage_scope(endpoint: &str, gateway_upstream: Option<&str>) -> String {
    let endpoint = endpoint.trim().trim_end_matches('/');
    let endpoint = match endpoint.split_once("://") {
        Some((scheme, rest)) => {
            let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
            let mut normal = format!(
                "{}://{}",
                scheme.to_ascii_lowercase(),
                host.to_ascii_lowercase()
            );
            if !path.is_empty() {
                normal.push('/');
                normal.push_str(path);
            }
            normal
        }
        None => endpoint.to_owned(),
    };
    match gateway_upstream.map(str::trim).filter(|u| !u.is_empty()) {
        Some(upstream) => format!("{endpoint} -> {}", upstream.to_ascii_lowercase()),
        None => endpoint,
    }
}

/// The scope of what is kept while the page uses `connection`.
pub fn scope_of(connection: &Connection) -> String {
    storage_scope(
        &connection.endpoint,
        connection.gateway.as_ref().map(|g| g.upstream.as_str()),
    )
}

/// The storage key of `name` within `scope`: `name@scope`.
pub fn scoped_key(name: &str, scope: &str) -> String {
    format!("{name}@{scope}")
}

/// The days to keep, as typed: a whole number from 1 to [`MAX_KEEP_DAYS`];
/// `None` otherwise.
pub fn parse_keep_days(text: &str) -> Option<u32> {
    text.trim()
        .parse::<u32>()
        .ok()
        .filter(|d| (1..=MAX_KEEP_DAYS).contains(d))
}

/// When something kept at `saved_at_ms` for `days` days expires (Unix ms).
pub fn expires_at_ms(saved_at_ms: i64, days: u32) -> i64 {
    saved_at_ms.saturating_add(i64::from(days).saturating_mul(DAY_MS))
}

/// Whether something that expires at `expires_at_ms` has, at `now_ms`.
pub fn is_expired(expires_at_ms: i64, now_ms: i64) -> bool {
    now_ms >= expires_at_ms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sandbox_and_a_gateway_on_the_same_origin_keep_apart() {
        let sandbox = storage_scope("http://127.0.0.1:8080", None);
        let gateway = storage_scope(
            "http://127.0.0.1:8080/",
            Some("intl.myhuaweicloud-koodrive.com"),
        );
        assert_eq!(sandbox, "http://127.0.0.1:8080");
        assert_eq!(
            gateway,
            "http://127.0.0.1:8080 -> intl.myhuaweicloud-koodrive.com"
        );
        assert_ne!(
            scoped_key("directory", &sandbox),
            scoped_key("directory", &gateway)
        );
        let tenant = storage_scope("https://intl.myhuaweicloud-koodrive.com", None);
        assert_ne!(sandbox, tenant);
    }

    #[test]
    fn one_endpoint_written_two_ways_is_one_scope() {
        assert_eq!(
            storage_scope(" HTTPS://Proxy.Example/kd/ ", None),
            storage_scope("https://proxy.example/kd", Some("")),
        );
        assert_ne!(
            storage_scope("https://proxy.example/kd", None),
            storage_scope("https://proxy.example/KD", None),
            "paths keep their case"
        );
    }

    #[test]
    fn keeping_expires_after_the_chosen_days() {
        let saved = 1_764_244_800_000;
        let until = expires_at_ms(saved, DEFAULT_KEEP_DAYS);
        assert_eq!(until - saved, 30 * DAY_MS);
        assert!(!is_expired(until, until - 1));
        assert!(is_expired(until, until));
        assert_eq!(parse_keep_days(" 7 "), Some(7));
        for bad in ["0", "366", "-1", "1.5", ""] {
            assert_eq!(parse_keep_days(bad), None, "{bad}");
        }
    }
}
