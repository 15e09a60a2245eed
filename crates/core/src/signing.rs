//! The app mode of authentication: KooDrive's HMAC-SHA256 request signature,
//! both sides of it. The client signs ([`sign`]); the sandbox and the gateway
//! parse and check ([`parse_authorization`], [`verify`]).
//!
//! CanonicalRequest = METHOD, CanonicalURI, CanonicalQueryString,
//! CanonicalHeaders, SignedHeaders, hex(SHA-256(body)), joined by `\n`;
//! StringToSign = `HMAC-SHA256\n` + hex(SHA-256(CanonicalRequest));
//! Signature = hex(HMAC-SHA256(AppSecret, StringToSign)). No date line and no
//! credential scope, unlike Huawei's general SDK signing.

use core::fmt;

use hmac::{Hmac, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// The headers this project signs, in canonical order.
pub const SIGNED_HEADERS: &str = "host;x-date;x-user-id";

const ALGORITHM: &str = "HMAC-SHA256";

/// Everything but the unreserved characters `A-Z a-z 0-9 - _ . ~` is encoded.
const ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn encode(raw: &str) -> String {
    // Decode first so that an already-encoded path or query is not encoded twice.
    let decoded = percent_decode_str(raw).decode_utf8_lossy();
    utf8_percent_encode(&decoded, ENCODE).to_string()
}

/// The canonical URI: each segment encoded, empty, `.` and `..` segments
/// resolved, and a `/` at the end.
pub fn canonical_uri(path: &str) -> String {
    let mut segments: Vec<String> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(encode(s)),
        }
    }
    if segments.is_empty() {
        "/".to_owned()
    } else {
        format!("/{}/", segments.join("/"))
    }
}

/// The canonical query string: parameters encoded, sorted by name then value
/// (byte order), `name=value` with the `=` kept for empty values, joined by
/// `&`. Empty when there is no query.
pub fn canonical_query(query: Option<&str>) -> String {
    let mut pairs: Vec<(String, String)> = query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (name, value) = p.split_once('=').unwrap_or((p, ""));
            (encode(name), encode(value))
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(n, v)| format!("{n}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// One request as signing sees it.
#[derive(Debug, Clone, Copy)]
pub struct SigningInput<'a> {
    /// The HTTP method, e.g. `POST`.
    pub method: &'a str,
    /// The request path as sent, base-URL prefix included.
    pub path: &'a str,
    /// The query string without `?`, if any.
    pub query: Option<&'a str>,
    /// The headers: names in any case; values are trimmed. When signing, all
    /// of them are signed; when verifying, those named by `SignedHeaders`
    /// are looked up among them.
    pub headers: &'a [(&'a str, &'a str)],
    /// The exact body bytes.
    pub body: &'a [u8],
}

impl SigningInput<'_> {
    fn header(&self, lower_name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(lower_name))
            .map(|(_, v)| *v)
    }

    /// The canonical request over `signed` (lower-case names, sorted), with
    /// the header values looked up in [`SigningInput::headers`].
    fn canonical_request_over(&self, signed: &[String]) -> Result<String, VerifyError> {
        let mut headers = String::new();
        for name in signed {
            let value = self
                .header(name)
                .ok_or_else(|| VerifyError::SignedHeaderMissing(name.clone()))?;
            headers.push_str(name);
            headers.push(':');
            headers.push_str(value.trim());
            headers.push('\n');
        }
        Ok(format!(
            "{}\n{}\n{}\n{}\n{}\n{}",
            self.method.to_ascii_uppercase(),
            canonical_uri(self.path),
            canonical_query(self.query),
            headers,
            signed.join(";"),
            sha256_hex(self.body)
        ))
    }

    fn header_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .headers
            .iter()
            .map(|(n, _)| n.to_ascii_lowercase())
            .collect();
        names.sort();
        names.dedup();
        names
    }
}

/// A computed app signature with its intermediate strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppSignature {
    /// The canonical request.
    pub canonical_request: String,
    /// The string to sign.
    pub string_to_sign: String,
    /// Lower-case hex of the HMAC.
    pub signature: String,
    /// The whole `Authorization` header value.
    pub authorization: String,
}

fn string_to_sign(canonical_request: &str) -> String {
    format!("{ALGORITHM}\n{}", sha256_hex(canonical_request.as_bytes()))
}

fn hmac_of(secret: &str, message: &str) -> HmacSha256 {
    // HMAC takes keys of any length; this cannot fail.
    let mut mac = <HmacSha256 as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(message.as_bytes());
    mac
}

/// Signs a request with the app's id and secret, over all of `input.headers`.
pub fn sign(input: &SigningInput<'_>, app_id: &str, app_secret: &str) -> AppSignature {
    let signed = input.header_names();
    let canonical_request = input
        .canonical_request_over(&signed)
        .unwrap_or_else(|_| unreachable!("every signed header comes from the input"));
    let string_to_sign = string_to_sign(&canonical_request);
    let signature = hex::encode(hmac_of(app_secret, &string_to_sign).finalize().into_bytes());
    let authorization = format!(
        "{ALGORITHM} AppId={app_id},SignedHeaders={},Signature={signature}",
        signed.join(";")
    );
    AppSignature {
        canonical_request,
        string_to_sign,
        signature,
        authorization,
    }
}

/// The parts of an app-mode `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedAuthorization {
    /// `AppId`.
    pub app_id: String,
    /// `SignedHeaders`, lower-cased, in the order given.
    pub signed_headers: Vec<String>,
    /// `Signature`, as given.
    pub signature: String,
}

/// Why an `Authorization` header is not a well-formed app signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthorizationError {
    /// It does not start with `HMAC-SHA256 `.
    NotAppSignature,
    /// A required field is absent or empty.
    MissingField(&'static str),
    /// A part is not `Name=value`.
    Malformed(String),
}

impl fmt::Display for AuthorizationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAppSignature => {
                f.write_str("Authorization is not an HMAC-SHA256 app signature")
            }
            Self::MissingField(name) => write!(f, "Authorization has no {name}"),
            Self::Malformed(part) => write!(f, "Authorization part \"{part}\" is not Name=value"),
        }
    }
}

/// Parses `HMAC-SHA256 AppId=…,SignedHeaders=…,Signature=…` (spaces after the
/// commas tolerated).
pub fn parse_authorization(value: &str) -> Result<ParsedAuthorization, AuthorizationError> {
    let rest = value
        .trim()
        .strip_prefix(ALGORITHM)
        .filter(|r| r.starts_with(' '))
        .ok_or(AuthorizationError::NotAppSignature)?;
    let (mut app_id, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let part = part.trim();
        let (name, v) = part
            .split_once('=')
            .ok_or_else(|| AuthorizationError::Malformed(part.chars().take(40).collect()))?;
        match name.trim() {
            "AppId" => app_id = Some(v.trim().to_owned()),
            "SignedHeaders" => signed = Some(v.trim().to_owned()),
            "Signature" => signature = Some(v.trim().to_owned()),
            _ => {}
        }
    }
    let need = |v: Option<String>, name| {
        v.filter(|s| !s.is_empty())
            .ok_or(AuthorizationError::MissingField(name))
    };
    Ok(ParsedAuthorization {
        app_id: need(app_id, "AppId")?,
        signed_headers: need(signed, "SignedHeaders")?
            .split(';')
            .map(|h| h.trim().to_ascii_lowercase())
            .collect(),
        signature: need(signature, "Signature")?,
    })
}

/// Why a signed request was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyError {
    /// The header is not a well-formed app signature.
    Authorization(AuthorizationError),
    /// The `AppId` is not the one this side knows.
    UnknownAppId(String),
    /// `SignedHeaders` leaves out a header that must be signed.
    RequiredHeaderUnsigned(&'static str),
    /// A header named in `SignedHeaders` is not in the request.
    SignedHeaderMissing(String),
    /// The signature does not match the request.
    SignatureMismatch,
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Authorization(e) => e.fmt(f),
            Self::UnknownAppId(id) => write!(f, "AppId \"{id}\" is not known"),
            Self::RequiredHeaderUnsigned(h) => write!(f, "SignedHeaders must include {h}"),
            Self::SignedHeaderMissing(h) => write!(f, "signed header {h} is not in the request"),
            Self::SignatureMismatch => f.write_str(
                "the signature does not match the request (check the app secret, the Host and the body)",
            ),
        }
    }
}

impl From<AuthorizationError> for VerifyError {
    fn from(e: AuthorizationError) -> Self {
        Self::Authorization(e)
    }
}

/// The headers every app signature must cover: `host` (so that a signature
/// made for one service cannot be replayed against another), `x-date` and
/// `x-user-id`.
pub const REQUIRED_SIGNED_HEADERS: [&str; 3] = ["host", "x-date", "x-user-id"];

/// Checks an app-signed request: the `Authorization` value, the app's id and
/// secret, and the request as received (all its headers; `host` is the
/// received `Host`). `SignedHeaders` must name every one of
/// [`REQUIRED_SIGNED_HEADERS`]. The signature is compared in constant time.
pub fn verify(
    authorization: &str,
    request: &SigningInput<'_>,
    app_id: &str,
    app_secret: &str,
) -> Result<(), VerifyError> {
    let parsed = parse_authorization(authorization)?;
    if parsed.app_id != app_id {
        return Err(VerifyError::UnknownAppId(parsed.app_id));
    }
    for required in REQUIRED_SIGNED_HEADERS {
        if !parsed.signed_headers.iter().any(|h| h == required) {
            return Err(VerifyError::RequiredHeaderUnsigned(required));
        }
    }
    let canonical = request.canonical_request_over(&parsed.signed_headers)?;
    let expected = hex::decode(&parsed.signature).map_err(|_| VerifyError::SignatureMismatch)?;
    hmac_of(app_secret, &string_to_sign(&canonical))
        .verify_slice(&expected)
        .map_err(|_| VerifyError::SignatureMismatch)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input<'a>(headers: &'a [(&'a str, &'a str)], body: &'a [u8]) -> SigningInput<'a> {
        SigningInput {
            method: "POST",
            path: "/koodrive/ose/v1/space/usage/user",
            query: None,
            headers,
            body,
        }
    }

    const HEADERS: &[(&str, &str)] = &[
        ("Host", "127.0.0.1:8080"),
        ("X-Date", "20261127T120000Z"),
        ("X-User-Id", "42"),
    ];

    #[test]
    fn canonical_uri_resolves_and_encodes_segments() {
        assert_eq!(canonical_uri(""), "/");
        assert_eq!(canonical_uri("/a//b/./c/../d"), "/a/b/d/");
        assert_eq!(canonical_uri("/a b/é"), "/a%20b/%C3%A9/");
        assert_eq!(canonical_uri("/a%20b/"), "/a%20b/");
    }

    #[test]
    fn canonical_query_sorts_and_keeps_equals_for_empty_values() {
        assert_eq!(canonical_query(None), "");
        assert_eq!(canonical_query(Some("b=2&a&c=x y")), "a=&b=2&c=x%20y");
    }

    #[test]
    fn a_signed_request_verifies_and_any_change_breaks_it() {
        let body = br#"{"userIds":["1"]}"#;
        let sig = sign(&input(HEADERS, body), "app", "secret");
        assert!(
            sig.authorization.starts_with(
                "HMAC-SHA256 AppId=app,SignedHeaders=host;x-date;x-user-id,Signature="
            )
        );
        assert_eq!(
            verify(&sig.authorization, &input(HEADERS, body), "app", "secret"),
            Ok(())
        );

        let other_body = br#"{"userIds":["2"]}"#;
        assert_eq!(
            verify(
                &sig.authorization,
                &input(HEADERS, other_body),
                "app",
                "secret"
            ),
            Err(VerifyError::SignatureMismatch)
        );
        let moved: &[(&str, &str)] = &[("Host", "localhost:8080"), HEADERS[1], HEADERS[2]];
        assert_eq!(
            verify(&sig.authorization, &input(moved, body), "app", "secret"),
            Err(VerifyError::SignatureMismatch)
        );
        assert_eq!(
            verify(&sig.authorization, &input(HEADERS, body), "app", "other"),
            Err(VerifyError::SignatureMismatch)
        );
        assert_eq!(
            verify(&sig.authorization, &input(HEADERS, body), "nope", "secret"),
            Err(VerifyError::UnknownAppId("app".into()))
        );
        let tampered = sig.authorization.replace("Signature=", "Signature=00");
        assert_eq!(
            verify(&tampered, &input(HEADERS, body), "app", "secret"),
            Err(VerifyError::SignatureMismatch)
        );
    }

    #[test]
    fn malformed_authorization_headers_say_what_is_wrong() {
        assert_eq!(
            parse_authorization("Bearer x"),
            Err(AuthorizationError::NotAppSignature)
        );
        assert_eq!(
            parse_authorization("HMAC-SHA256 AppId=a,SignedHeaders=x-date"),
            Err(AuthorizationError::MissingField("Signature"))
        );
        assert!(matches!(
            parse_authorization("HMAC-SHA256 junk"),
            Err(AuthorizationError::Malformed(_))
        ));
        let p = parse_authorization(
            "HMAC-SHA256 AppId=a, SignedHeaders=X-Date;x-user-id, Signature=ab",
        )
        .unwrap();
        assert_eq!(p.signed_headers, ["x-date", "x-user-id"]);
        let unsigned = "HMAC-SHA256 AppId=a,SignedHeaders=host;x-date,Signature=ab";
        assert_eq!(
            verify(unsigned, &input(HEADERS, b""), "a", "s"),
            Err(VerifyError::RequiredHeaderUnsigned("x-user-id"))
        );
    }

    #[test]
    fn a_signature_that_leaves_out_host_is_refused_even_when_it_matches() {
        // A correct HMAC over x-date and x-user-id only: it would verify if
        // host were optional, and could then be replayed to any service.
        let signed = ["x-date".to_owned(), "x-user-id".to_owned()];
        let canonical = input(HEADERS, b"{}")
            .canonical_request_over(&signed)
            .unwrap();
        let signature = hex::encode(
            hmac_of("secret", &string_to_sign(&canonical))
                .finalize()
                .into_bytes(),
        );
        let authorization =
            format!("HMAC-SHA256 AppId=app,SignedHeaders=x-date;x-user-id,Signature={signature}");
        let refused = verify(&authorization, &input(HEADERS, b"{}"), "app", "secret");
        assert_eq!(refused, Err(VerifyError::RequiredHeaderUnsigned("host")));
        assert_eq!(
            refused.unwrap_err().to_string(),
            "SignedHeaders must include host"
        );
    }
}
