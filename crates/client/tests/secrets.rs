//! Secret hygiene of the client, natively over a recording platform: the
//! access token, the app secret and the signature never appear in a URL, in
//! an error's `Display`, `Debug` or `cause`, or in the `Debug` of the
//! settings, whatever the answer (refusals, faults, a broken connection).
#![cfg(not(target_arch = "wasm32"))]

use std::cell::RefCell;
use std::future::{Future, ready};
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use koodrive_client::koodrive_core::{KooDriveError, SpaceUsageRequest, decode_envelope};
use koodrive_client::{
    Auth, CallOptions, Client, ClientConfig, HttpAnswer, Platform, TokenSource, TransportError,
};

const TOKEN: &str = "tok-3c9e71b2a4";
const APP_SECRET: &str = "sec-b81f06d2e7";

/// A request as sent: its URL and headers.
type Sent = (String, Vec<(String, String)>);

/// Answers every request with the same canned answer, keeping the requests.
struct Recorder {
    answer: Result<(u16, &'static str), &'static str>,
    sent: RefCell<Vec<Sent>>,
}

impl Platform for Recorder {
    fn now_ms(&self) -> i64 {
        1_764_244_800_000
    }
    fn random_u32(&self) -> u32 {
        7
    }
    fn sleep(&self, _ms: u64) -> impl Future<Output = ()> {
        ready(())
    }
    fn send(
        &self,
        request: &koodrive_client::koodrive_core::PlannedRequest,
    ) -> impl Future<Output = Result<HttpAnswer, TransportError>> {
        self.sent.borrow_mut().push((
            request.url.clone(),
            request
                .headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), v.clone()))
                .collect(),
        ));
        ready(match self.answer {
            Ok((status, body)) => Ok(HttpAnswer {
                status,
                date: Some("Thu, 27 Nov 2025 12:00:00 GMT".into()),
                retry_after: None,
                body: decode_envelope(body.as_bytes()),
                raw: None,
            }),
            Err(cause) => Err(TransportError {
                cause: cause.to_owned(),
            }),
        })
    }
}

/// Polls a future that never waits (the recorder answers at once).
fn block_on<T>(future: impl Future<Output = T>) -> T {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(value) = future.as_mut().poll(&mut cx) {
            return value;
        }
    }
}

const ANSWERS: &[Result<(u16, &str), &str>] = &[
    Ok((
        401,
        r#"{"code":13000101,"msg":"the access token is not valid"}"#,
    )),
    Ok((403, "")),
    Ok((503, "<html>Service Unavailable</html>")),
    Ok((200, r#"{"code":0,"msg":"success","data":[{"userId":"10086"#)),
    Ok((
        200,
        r#"{"code":"APIGW.0301","msg":"Incorrect IAM authentication"}"#,
    )),
    Ok((400, r#"{"code":13000102,"msg":"limit is 0"}"#)),
    Ok((418, "teapot")),
    Err("connection reset by peer"),
];

fn shown(e: &KooDriveError) -> String {
    format!("{e} | {e:?} | {:?} | {:?}", e.cause, e.msg)
}

#[test]
fn no_error_url_or_setting_shows_a_credential() {
    let modes = [
        Auth::Token(TokenSource::Fixed(TOKEN.into())),
        Auth::Token(TokenSource::Verbatim(format!("Bearer {TOKEN}"))),
        Auth::App {
            app_id: "app".into(),
            app_secret: APP_SECRET.into(),
        },
    ];
    for auth in modes {
        for answer in ANSWERS {
            let config =
                ClientConfig::new("https://kd.example/prefix", "42", auth.clone()).unwrap();
            let recorder = Recorder {
                answer: *answer,
                sent: RefCell::new(Vec::new()),
            };
            let client = Client::new(config, recorder).unwrap();
            let options = CallOptions {
                max_retries: Some(1),
                ..CallOptions::default()
            };
            let error =
                block_on(client.query_usage(&SpaceUsageRequest::for_user_ids(["1"]), &options))
                    .expect_err("every canned answer is a failure");
            let mut secrets = vec![TOKEN.to_owned(), APP_SECRET.to_owned()];
            let sent = client.platform().sent.borrow();
            for (url, headers) in sent.iter() {
                assert!(!url.contains(TOKEN) && !url.contains(APP_SECRET), "{url}");
                let authorization = &headers
                    .iter()
                    .find(|(n, _)| n == "Authorization")
                    .unwrap()
                    .1;
                if let Some((_, signature)) = authorization.split_once("Signature=") {
                    secrets.push(signature.to_owned());
                }
            }
            let text = format!("{} | {:?}", shown(&error), client.config());
            for secret in &secrets {
                assert!(
                    !text.contains(secret.as_str()),
                    "{answer:?} shows {secret}: {text}"
                );
            }
        }
    }
}
