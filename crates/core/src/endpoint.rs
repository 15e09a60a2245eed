//! Where requests go: [`BaseUrl`] (scheme, host with its port when not the
//! default, optional path prefix) and the endpoint's path.
//!
//! A small parser of our own rather than the `url` crate: base URLs here are
//! plain `http(s)://host[:port][/prefix]`, and `url`'s IDNA tables would cost
//! the npm module more than its whole size budget. Hosts must be ASCII (use
//! the `xn--` form of an international name).

use crate::validate::ValidationError;

/// The endpoint's path below the base URL.
pub const USAGE_PATH: &str = "/koodrive/ose/v1/space/usage/user";

/// The largest request body the endpoint accepts, in bytes (64 KiB). The
/// sandbox and the gateway both refuse longer bodies with 413.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The content type of every JSON answer the sandbox and the gateway write.
pub const JSON_CONTENT_TYPE: &str = "application/json;charset=UTF-8";

/// KooDrive's code for a request that failed authentication.
pub const CODE_AUTH_FAILED: i64 = 13_000_101;

/// KooDrive's code for a request whose parameters failed verification.
pub const CODE_BAD_PARAMETERS: i64 = 13_000_102;

/// An absolute URL split into the parts signing needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlParts {
    /// `http` or `https`, lower-cased.
    pub scheme: String,
    /// `host[:port]` as `URL.host` gives it: lower-cased, default port dropped.
    pub host: String,
    /// The path, `/` when empty.
    pub path: String,
    /// The query without its `?`, when present.
    pub query: Option<String>,
}

/// Splits an absolute `http(s)` URL. Fragments are dropped.
pub fn split_url(url: &str) -> Result<UrlParts, String> {
    let url = url.trim();
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| "it has no scheme (http:// or https://)".to_owned())?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "https" => "443",
        "http" => "80",
        other => return Err(format!("the scheme \"{other}\" is not http or https")),
    };
    let rest = rest.split('#').next().unwrap_or_default();
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    if authority.contains('@') {
        return Err("it carries user information (user@host); give credentials as options".into());
    }
    if !authority.is_ascii() {
        return Err("its host is not ASCII; use the xn-- (punycode) form".into());
    }
    let (host, port) = split_host_port(authority)?;
    if host.is_empty() {
        return Err("it has no host".into());
    }
    let host = host.to_ascii_lowercase();
    let host = match port {
        Some(p) if p != default_port => format!("{host}:{p}"),
        _ => host,
    };
    let (path, query) = match tail.split_once('?') {
        Some((p, q)) => (p, Some(q.to_owned())),
        None => (tail, None),
    };
    let path = if path.is_empty() { "/" } else { path }.to_owned();
    Ok(UrlParts {
        scheme,
        host,
        path,
        query,
    })
}

fn split_host_port(authority: &str) -> Result<(&str, Option<&str>), String> {
    let (host, port) = if let Some(stripped) = authority.strip_prefix('[') {
        let close = stripped
            .find(']')
            .ok_or_else(|| "its IPv6 host has no closing ]".to_owned())?;
        let after = &stripped[close + 1..];
        let port = match after.strip_prefix(':') {
            Some(p) => Some(p),
            None if after.is_empty() => None,
            None => return Err("unexpected text after the IPv6 host".into()),
        };
        (&authority[..close + 2], port)
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if let Some(p) = port {
        let ok = !p.is_empty()
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u32>().is_ok_and(|n| (1..=65535).contains(&n));
        if !ok {
            return Err(format!("its port \"{p}\" is not a number from 1 to 65535"));
        }
    }
    let host_ok = host
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-._[]:".contains(&b));
    if !host_ok {
        return Err(format!(
            "its host \"{host}\" has characters a host cannot have"
        ));
    }
    Ok((host, port))
}

/// A checked base URL: where the endpoint lives, possibly behind a path prefix
/// (`https://proxy.example/kd`), which is then part of the signed path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    scheme: String,
    host: String,
    prefix: String,
}

impl BaseUrl {
    /// Parses and checks a base URL: `http` or `https`, a host, an optional
    /// port and path prefix; no query, fragment or user information.
    pub fn parse(url: &str) -> Result<Self, ValidationError> {
        let invalid = |reason: String| ValidationError::InvalidBaseUrl {
            url: url.to_owned(),
            reason,
        };
        if url.trim().is_empty() {
            return Err(invalid("it is empty".into()));
        }
        let parts = split_url(url).map_err(invalid)?;
        if parts.query.is_some() {
            return Err(invalid(
                "it has a query string (?…); give only the origin and an optional path prefix"
                    .into(),
            ));
        }
        let prefix = parts.path.trim_end_matches('/').to_owned();
        Ok(Self {
            scheme: parts.scheme,
            host: parts.host,
            prefix,
        })
    }

    /// `host[:port]`, the value signed as `host` unless a signing host is set.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The scheme, `http` or `https`.
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// The path prefix without a trailing `/` (empty when there is none).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The endpoint's full path: prefix then [`USAGE_PATH`].
    pub fn usage_path(&self) -> String {
        format!("{}{}", self.prefix, USAGE_PATH)
    }

    /// The endpoint's absolute URL.
    pub fn usage_url(&self) -> String {
        format!("{}://{}{}", self.scheme, self.host, self.usage_path())
    }

    /// The origin, `scheme://host[:port]`.
    pub fn origin(&self) -> String {
        format!("{}://{}", self.scheme, self.host)
    }
}

impl core::fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}{}", self.origin(), self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_keeps_a_port_that_is_not_the_default() {
        let b = BaseUrl::parse("http://127.0.0.1:8080").unwrap();
        assert_eq!(b.host(), "127.0.0.1:8080");
        assert_eq!(
            b.usage_url(),
            "http://127.0.0.1:8080/koodrive/ose/v1/space/usage/user"
        );
        let b = BaseUrl::parse("HTTPS://Intl.MyHuaweiCloud-KooDrive.com:443/").unwrap();
        assert_eq!(b.host(), "intl.myhuaweicloud-koodrive.com");
        assert_eq!(b.prefix(), "");
        let b = BaseUrl::parse("http://[::1]:9000").unwrap();
        assert_eq!(b.host(), "[::1]:9000");
    }

    #[test]
    fn a_path_prefix_becomes_part_of_the_endpoint_path() {
        let b = BaseUrl::parse("https://proxy.example/kd/").unwrap();
        assert_eq!(b.usage_path(), "/kd/koodrive/ose/v1/space/usage/user");
        assert_eq!(b.to_string(), "https://proxy.example/kd");
    }

    #[test]
    fn unusable_base_urls_say_why() {
        for (url, why) in [
            ("", "empty"),
            ("intl.myhuaweicloud-koodrive.com", "no scheme"),
            ("ftp://x.example", "not http"),
            ("https://", "no host"),
            ("https://x.example?a=1", "query"),
            ("https://u:p@x.example", "user information"),
            ("https://x.example:99999", "port"),
            ("https://bücher.example", "xn--"),
            ("https://x y.example", "characters"),
        ] {
            let err = BaseUrl::parse(url).unwrap_err().to_string();
            assert!(err.contains(why), "{url}: {err}");
        }
    }

    #[test]
    fn urls_split_into_signing_parts() {
        let p = split_url("https://cn.example/a/b?offset=0&q=a b#frag").unwrap();
        assert_eq!(p.host, "cn.example");
        assert_eq!(p.path, "/a/b");
        assert_eq!(p.query.as_deref(), Some("offset=0&q=a b"));
    }
}
