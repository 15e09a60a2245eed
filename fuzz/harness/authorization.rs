//! Fuzz harness of the app signature's serving side: an `Authorization`
//! value and a request, as text —
//!
//! ```text
//! HMAC-SHA256 AppId=…,SignedHeaders=…,Signature=…
//! POST /koodrive/ose/v1/space/usage/user?query
//! Host: 127.0.0.1:8080
//! X-Date: 20251127T115959Z
//! X-User-Id: 42
//!
//! {"userIds":["1"]}
//! ```
//!
//! — through [`parse_authorization`] and [`verify`]; and the request signed
//! with [`sign`] must verify (when its header names are HTTP tokens and the
//! required ones are there).
//!
//! Shared by the cargo-fuzz target `authorization` and the stable replay of
//! its corpus (`crates/core/tests/fuzz_corpus.rs`).

use koodrive_core::{SigningInput, VerifyError, parse_authorization, sign, verify};

const APP_ID: &str = "sandbox-app";
const APP_SECRET: &str = "sandbox-secret";

fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Parses and verifies the input; panics when an invariant breaks.
pub fn run(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (head, body) = text.split_once("\n\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let authorization = lines.next().unwrap_or_default();
    let (method, target) = lines
        .next()
        .and_then(|l| l.split_once(' '))
        .unwrap_or(("POST", "/koodrive/ose/v1/space/usage/user"));
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (target, None),
    };
    let headers: Vec<(&str, &str)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n, v.trim()))
        .collect();
    let input = SigningInput {
        method,
        path,
        query,
        headers: &headers,
        body: body.as_bytes(),
    };

    let parsed = parse_authorization(authorization);
    let verified = verify(authorization, &input, APP_ID, APP_SECRET);
    match (&parsed, &verified) {
        (Err(e), Err(VerifyError::Authorization(v))) => assert_eq!(e, v),
        (Err(_), _) => panic!("a header that does not parse verified: {verified:?}"),
        (Ok(p), Ok(())) => {
            assert_eq!(p.app_id, APP_ID);
            for required in ["host", "x-date", "x-user-id"] {
                assert!(p.signed_headers.iter().any(|h| h == required), "{required}");
            }
        }
        (Ok(_), Err(_)) => {}
    }
    let _ = verified.map_err(|e| e.to_string());

    let signable = headers.iter().all(|(n, _)| is_token(n))
        && ["host", "x-date", "x-user-id"]
            .iter()
            .all(|r| headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(r)));
    if signable {
        let signature = sign(&input, APP_ID, APP_SECRET);
        assert_eq!(
            verify(&signature.authorization, &input, APP_ID, APP_SECRET),
            Ok(()),
            "a request this side signed does not verify"
        );
        assert_eq!(
            verify(&signature.authorization, &input, APP_ID, "another-secret"),
            Err(VerifyError::SignatureMismatch)
        );
    }
}
