//! One request, planned: URL, headers (authorization in either mode,
//! `X-User-Id`, `X-Date` from the corrected clock, `X-Traceid`, `language`)
//! and body. The transport only has to send it.

use crate::auth::{Credentials, token_authorization};
use crate::clock::ServerClock;
use crate::endpoint::BaseUrl;
use crate::random::RandomSource;
use crate::request::SpaceUsageRequest;
use crate::signing::{SigningInput, sign};
use crate::traceid::{check_trace_id, new_trace_id};
use crate::validate::ValidationError;

/// Who calls, where, and how they authenticate.
#[derive(Debug, Clone, Copy)]
pub struct RequestContext<'a> {
    /// Where the endpoint lives.
    pub base_url: &'a BaseUrl,
    /// The acting user, sent as `X-User-Id`.
    pub acting_user_id: &'a str,
    /// Token or app credentials (a token provider's current token in token mode).
    pub credentials: &'a Credentials,
    /// The host to sign when a proxy rewrites `Host`; else the base URL's host.
    pub signing_host: Option<&'a str>,
    /// The `language` header, e.g. `en-US`.
    pub language: &'a str,
}

/// A request ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedRequest {
    /// The absolute URL.
    pub url: String,
    /// The headers, in sending order.
    pub headers: Vec<(&'static str, String)>,
    /// The JSON body.
    pub body: String,
    /// The `X-Traceid` sent.
    pub trace_id: String,
    /// The `X-Date` sent.
    pub x_date: String,
}

impl PlannedRequest {
    /// A header's value by name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl RequestContext<'_> {
    /// Checks the context (acting user and credentials present).
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.acting_user_id.trim().is_empty() {
            return Err(ValidationError::MissingActingUserId);
        }
        self.credentials.validate()
    }

    /// Plans one attempt at local time `now_ms`. A `trace_id` given by the
    /// caller is checked and used; otherwise a fresh one is drawn.
    pub fn plan(
        &self,
        request: &SpaceUsageRequest,
        clock: &ServerClock,
        now_ms: i64,
        trace_id: Option<&str>,
        random: &mut dyn RandomSource,
    ) -> Result<PlannedRequest, ValidationError> {
        self.validate()?;
        request.validate()?;
        let trace_id = match trace_id {
            Some(t) => {
                check_trace_id(t)?;
                t.to_owned()
            }
            None => new_trace_id(random),
        };
        let body = request.to_json();
        let x_date = clock.x_date(now_ms);
        let path = self.base_url.usage_path();
        let authorization = match self.credentials {
            Credentials::Token(token) => token_authorization(token),
            Credentials::App { app_id, app_secret } => {
                let host = self.signing_host.unwrap_or(self.base_url.host());
                let signed = [
                    ("host", host),
                    ("x-date", x_date.as_str()),
                    ("x-user-id", self.acting_user_id.trim()),
                ];
                let input = SigningInput {
                    method: "POST",
                    path: &path,
                    query: None,
                    headers: &signed,
                    body: body.as_bytes(),
                };
                sign(&input, app_id, app_secret).authorization
            }
        };
        Ok(PlannedRequest {
            url: self.base_url.usage_url(),
            headers: vec![
                ("Authorization", authorization),
                ("X-User-Id", self.acting_user_id.trim().to_owned()),
                ("X-Date", x_date.clone()),
                ("X-Traceid", trace_id.clone()),
                ("language", self.language.to_owned()),
                ("Content-Type", "application/json".to_owned()),
            ],
            body,
            trace_id,
            x_date,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::SeededRandom;
    use crate::signing::verify;

    const NOW: i64 = 1_764_244_800_000;

    #[test]
    fn token_mode_sends_bearer_and_every_header() {
        let base = BaseUrl::parse("http://127.0.0.1:8080").unwrap();
        let creds = Credentials::token("sandbox-token");
        let ctx = RequestContext {
            base_url: &base,
            acting_user_id: "42",
            credentials: &creds,
            signing_host: None,
            language: "zh-CN",
        };
        let p = ctx
            .plan(
                &SpaceUsageRequest::for_user_ids(["1"]),
                &ServerClock::default(),
                NOW,
                None,
                &mut SeededRandom::new(1),
            )
            .unwrap();
        assert_eq!(p.header("authorization"), Some("Bearer sandbox-token"));
        assert_eq!(p.header("X-User-Id"), Some("42"));
        assert_eq!(p.header("X-Date"), Some("20251127T115959Z"));
        assert_eq!(p.header("language"), Some("zh-CN"));
        assert_eq!(p.header("content-type"), Some("application/json"));
        assert_eq!(p.trace_id.len(), 58);
        assert_eq!(p.body, r#"{"userIds":["1"]}"#);
    }

    #[test]
    fn app_mode_signs_the_prefixed_path_over_the_signing_host() {
        let base = BaseUrl::parse("https://proxy.example/kd").unwrap();
        let creds = Credentials::app("app", "secret");
        let ctx = RequestContext {
            base_url: &base,
            acting_user_id: "42",
            credentials: &creds,
            signing_host: Some("intl.myhuaweicloud-koodrive.com"),
            language: "en-US",
        };
        let p = ctx
            .plan(
                &SpaceUsageRequest::page(10, 0),
                &ServerClock::default(),
                NOW,
                None,
                &mut SeededRandom::new(1),
            )
            .unwrap();
        assert_eq!(
            p.url,
            "https://proxy.example/kd/koodrive/ose/v1/space/usage/user"
        );
        let received = [
            ("Host", "intl.myhuaweicloud-koodrive.com"),
            ("X-Date", p.x_date.as_str()),
            ("X-User-Id", "42"),
        ];
        let input = SigningInput {
            method: "POST",
            path: "/kd/koodrive/ose/v1/space/usage/user",
            query: None,
            headers: &received,
            body: p.body.as_bytes(),
        };
        assert_eq!(
            verify(p.header("Authorization").unwrap(), &input, "app", "secret"),
            Ok(())
        );
    }

    #[test]
    fn nothing_is_planned_from_bad_input() {
        let base = BaseUrl::parse("http://127.0.0.1:8080").unwrap();
        let creds = Credentials::token("t");
        let mut r = SeededRandom::new(1);
        let ctx = RequestContext {
            base_url: &base,
            acting_user_id: " ",
            credentials: &creds,
            signing_host: None,
            language: "en-US",
        };
        let req = SpaceUsageRequest::for_user_ids(["1"]);
        assert_eq!(
            ctx.plan(&req, &ServerClock::default(), NOW, None, &mut r),
            Err(ValidationError::MissingActingUserId)
        );
        let ctx = RequestContext {
            acting_user_id: "42",
            ..ctx
        };
        assert!(matches!(
            ctx.plan(&req, &ServerClock::default(), NOW, Some("short"), &mut r),
            Err(ValidationError::InvalidTraceId { .. })
        ));
        let given = "a".repeat(58);
        assert_eq!(
            ctx.plan(&req, &ServerClock::default(), NOW, Some(&given), &mut r)
                .unwrap()
                .trace_id,
            given
        );
    }
}
