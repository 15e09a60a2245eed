//! [`Client::exchange`]: one request under the client's rules whose result
//! is the last attempt's answer as it came, whatever its status, besides what
//! it means. A proxy passes that answer on unchanged; [`Client::query_usage`]
//! keeps only the meaning.

use koodrive_core::{KooDriveError, SpaceUsageRequest, UsagePage};

use crate::client::Client;
use crate::config::CallOptions;
use crate::platform::{Platform, RawAnswer};

/// The answered last attempt of one request.
#[derive(Debug, Clone, PartialEq)]
pub struct Exchange {
    /// Its HTTP status.
    pub status: u16,
    /// The answer as received, when the platform keeps it (the native one
    /// does) and its body was within 8 MiB.
    pub raw: Option<RawAnswer>,
    /// What it means: the page, or the error [`Client::query_usage`] would
    /// report.
    pub outcome: Result<UsagePage, KooDriveError>,
    /// The `X-Traceid` that attempt sent.
    pub trace_id: String,
    /// Attempts made in all, this one included.
    pub attempts: u32,
}

impl<P: Platform> Client<P> {
    /// One request of at most 50 ids, or one page, with the same clock
    /// correction, timeouts, cancellation and retries as
    /// [`Client::query_usage`]; it ends with the last attempt's answer
    /// whatever it says (a 429 the policy no longer retries, a 401, a page).
    ///
    /// `Err` only when there is no answer to give: the input was refused
    /// before sending (`validation`), the last attempt got none (`network`,
    /// `timeout`), or the call was cancelled (`aborted`).
    pub async fn exchange(
        &self,
        request: &SpaceUsageRequest,
        options: &CallOptions,
    ) -> Result<Exchange, KooDriveError> {
        request.validate()?;
        self.run(request, options).await
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::rc::Rc;

    use koodrive_core::{
        ErrorKind, PlannedRequest, check_x_date_window, decode_envelope, format_http_date,
        parse_x_date, unix_ms_to_datetime,
    };

    use super::*;
    use crate::fake::{FakePlatform, Reply, answer, known_ids_answer};
    use crate::platform::HttpAnswer;
    use crate::{Auth, ClientConfig, SharedClock, TokenSource};

    const BUSY: &str = r#"{"code":429,"msg":"slow down"}"#;

    fn client_for(platform: FakePlatform, user: &str, auth: Auth) -> Client<FakePlatform> {
        let config = ClientConfig::new("http://127.0.0.1:8080", user, auth).unwrap();
        Client::new(config, platform).unwrap()
    }

    fn verbatim(value: &str) -> Auth {
        Auth::Token(TokenSource::Verbatim(value.into()))
    }

    fn once() -> CallOptions {
        CallOptions {
            max_retries: Some(0),
            ..CallOptions::default()
        }
    }

    fn ids() -> SpaceUsageRequest {
        SpaceUsageRequest::for_user_ids(["1"])
    }

    #[test]
    fn a_429_no_longer_retried_comes_back_as_received() {
        let platform = FakePlatform::new(|_, now| {
            Reply::Answer(HttpAnswer {
                status: 429,
                date: Some(format_http_date(unix_ms_to_datetime(now))),
                retry_after: Some("7".into()),
                body: decode_envelope(BUSY.as_bytes()),
                raw: Some(RawAnswer {
                    headers: vec![("retry-after".into(), b"7".to_vec())],
                    body: BUSY.as_bytes().to_vec(),
                }),
            })
        });
        let client = client_for(platform, "42", verbatim("Bearer t"));
        let exchange = client
            .platform()
            .block_on(client.exchange(&ids(), &once()))
            .unwrap();
        assert_eq!((exchange.status, exchange.attempts), (429, 1));
        let raw = exchange.raw.unwrap();
        assert_eq!(raw.body, BUSY.as_bytes());
        assert_eq!(raw.headers[0].1, b"7");
        let error = exchange.outcome.unwrap_err();
        assert_eq!(
            (error.kind, error.retry_after_ms),
            (ErrorKind::Http, Some(7000))
        );
        assert_eq!(exchange.trace_id.len(), 58);
    }

    #[test]
    fn no_answer_at_all_is_an_error() {
        let client = client_for(
            FakePlatform::new(|_, _| Reply::Network("connection refused")),
            "42",
            verbatim("t"),
        );
        let e = client
            .platform()
            .block_on(client.exchange(&ids(), &once()))
            .unwrap_err();
        assert_eq!((e.kind, e.attempts), (ErrorKind::Network, 1));
    }

    #[test]
    fn a_verbatim_authorization_is_sent_exactly_as_given() {
        for value in ["bare-token", "Bearer+abc", "Bearer abc"] {
            let client = client_for(FakePlatform::new(known_ids_answer), "42", verbatim(value));
            let exchange = client
                .platform()
                .block_on(client.exchange(&ids(), &once()))
                .unwrap();
            assert!(exchange.outcome.is_ok());
            let sent = client.platform().sent.borrow();
            assert_eq!(sent[0].header("Authorization"), Some(value));
        }
    }

    #[test]
    fn behind_a_signing_gateway_no_authorization_is_sent_but_its_token_is() {
        let platform = FakePlatform::new(known_ids_answer);
        let mut config = ClientConfig::new("http://127.0.0.1:8090", "42", Auth::Gateway).unwrap();
        config.gateway_token = Some("gw-token".into());
        let client = Client::new(config, platform).unwrap();
        let exchange = client
            .platform()
            .block_on(client.exchange(&ids(), &once()))
            .unwrap();
        assert!(exchange.outcome.is_ok());
        let sent = client.platform().sent.borrow();
        assert_eq!(sent[0].header("Authorization"), None);
        assert_eq!(sent[0].header("X-Gateway-Token"), Some("gw-token"));
        assert_eq!(sent[0].header("X-User-Id"), Some("42"));
    }

    /// A server 20 minutes behind that refuses X-Dates outside its window.
    fn behind(refusals: Rc<Cell<u32>>) -> impl FnMut(&PlannedRequest, i64) -> Reply {
        move |request, now| {
            let server_now = now - 1_200_000;
            let sent = parse_x_date(&request.x_date).unwrap();
            if check_x_date_window(sent, unix_ms_to_datetime(server_now)).is_err() {
                refusals.set(refusals.get() + 1);
                return answer(401, server_now, r#"{"code":13000101,"msg":"X-Date"}"#);
            }
            known_ids_answer(request, server_now)
        }
    }

    #[test]
    fn clients_sharing_a_clock_are_corrected_once_for_all_callers() {
        let refusals = Rc::new(Cell::new(0));
        let platform = Rc::new(FakePlatform::new(behind(refusals.clone())));
        let clock = SharedClock::new();
        for (user, token) in [("42", "Bearer a"), ("43", "b")] {
            let config = ClientConfig::new("http://127.0.0.1:8080", user, verbatim(token)).unwrap();
            let client = Client::with_shared(config, Rc::clone(&platform), clock.clone()).unwrap();
            let exchange = platform.block_on(client.exchange(&ids(), &once())).unwrap();
            assert_eq!(exchange.status, 200, "{user}");
        }
        assert_eq!(refusals.get(), 1, "only the first caller met the skew");
        assert!((clock.get().offset_ms() + 1_200_000).abs() < 1000);
        let sent = platform.sent.borrow();
        assert_eq!(sent.len(), 3);
        assert_eq!(sent[2].header("X-User-Id"), Some("43"));
        assert_eq!(sent[2].header("Authorization"), Some("b"));
    }
}
