//! The client on `NativePlatform` (feature `native`) against real HTTP
//! servers on loopback, served in-process by the `koodrive-serve` crate:
//! app signatures verified over the `Host` hyper sends, answers kept as they
//! came, `Retry-After`, the 8 MiB cap (announced and counted), dropped and
//! refused connections, timeouts, and TLS in the path of `https://` URLs.
#![cfg(not(target_arch = "wasm32"))]

use std::future::Future;
use std::rc::Rc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, Response, StatusCode, header};
use koodrive_client::koodrive_core::{
    ErrorKind, MAX_ANSWER_BYTES, SigningInput, SpaceUsageRequest, verify,
};
use koodrive_client::{
    Auth, CallOptions, Client, ClientConfig, NativePlatform, SharedClock, TokenSource,
};
use koodrive_serve::{ServeOptions, drop_connection, serve};

const OK: &str =
    r#"{"code":0,"msg":"success","data":[{"userId":"1","quota":"100","used":95}],"total":1}"#;

/// Runs `test` on a current-thread runtime (the client's futures are not
/// `Send`) with a server answering every request with `answer`.
fn with_server<A, F, T>(answer: A, test: impl FnOnce(String) -> T)
where
    A: Fn(Request) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Response<Body>> + Send + 'static,
    T: Future<Output = ()>,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app = Router::new().fallback(move |request: Request| answer.clone()(request));
        let options = ServeOptions {
            log_requests: false,
            cors: None,
            ..ServeOptions::default()
        };
        tokio::spawn(serve(listener, app, options, std::future::pending()));
        test(base).await;
    });
}

fn client(base: &str, auth: Auth) -> Client<NativePlatform> {
    let config = ClientConfig::new(base, "42", auth).unwrap();
    Client::new(config, NativePlatform::new().unwrap()).unwrap()
}

fn token() -> Auth {
    Auth::Token(TokenSource::Fixed("t".into()))
}

fn once() -> CallOptions {
    CallOptions {
        max_retries: Some(0),
        ..CallOptions::default()
    }
}

fn one() -> SpaceUsageRequest {
    SpaceUsageRequest::for_user_ids(["1"])
}

fn answer(status: u16, body: impl Into<Body>) -> Response<Body> {
    let mut response = Response::new(body.into());
    *response.status_mut() = StatusCode::from_u16(status).unwrap();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// 200 when the app signature verifies over the received Host, else 401.
async fn check_signature(request: Request) -> Response<Body> {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    let text = |name: &str| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (host, date, user) = (text("host"), text("x-date"), text("x-user-id"));
    let headers = [
        ("Host", host.as_str()),
        ("X-Date", &date),
        ("X-User-Id", &user),
    ];
    let input = SigningInput {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query(),
        headers: &headers,
        body: &body,
    };
    match verify(&text("authorization"), &input, "app", "secret") {
        Ok(()) => answer(200, OK),
        Err(e) => answer(401, format!(r#"{{"code":13000101,"msg":"{e}"}}"#)),
    }
}

#[test]
fn app_mode_signs_over_the_host_that_hyper_sends() {
    with_server(check_signature, |base| async move {
        // A path prefix is part of the signed path too.
        let auth = Auth::App {
            app_id: "app".into(),
            app_secret: "secret".into(),
        };
        let result = client(&format!("{base}/kd"), auth)
            .query_usage(&one(), &once())
            .await;
        let result = result.unwrap();
        assert_eq!(result.items[0].user_id, "1");
    });
}

#[test]
fn an_exchange_keeps_the_answer_as_it_came() {
    let server = |_request: Request| async {
        let mut response = answer(200, OK);
        response
            .headers_mut()
            .insert("x-extra", HeaderValue::from_static("kept"));
        response
    };
    with_server(server, |base| async move {
        let exchange = client(&base, token())
            .exchange(&one(), &once())
            .await
            .unwrap();
        assert_eq!(exchange.status, 200);
        let raw = exchange.raw.unwrap();
        assert_eq!(raw.body, OK.as_bytes());
        assert!(raw.headers.contains(&("x-extra".into(), b"kept".to_vec())));
        assert!(raw.headers.iter().any(|(name, _)| name == "date"));
        assert_eq!(exchange.outcome.unwrap().items.len(), 1);
    });
}

#[test]
fn a_429_gives_its_retry_after() {
    let server = |_request: Request| async {
        let mut response = answer(429, r#"{"code":429,"msg":"slow down"}"#);
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("3"));
        response
    };
    with_server(server, |base| async move {
        let exchange = client(&base, token())
            .exchange(&one(), &once())
            .await
            .unwrap();
        assert_eq!(exchange.status, 429);
        let error = exchange.outcome.unwrap_err();
        assert_eq!(error.kind, ErrorKind::Http);
        assert_eq!(error.retry_after_ms, Some(3000));
    });
}

#[test]
fn answers_over_8_mib_are_refused_whether_announced_or_counted() {
    let server = |request: Request| async move {
        let size = MAX_ANSWER_BYTES + 1;
        if request.uri().path().starts_with("/announced") {
            answer(200, vec![b' '; size])
        } else {
            // Streamed without a Content-Length: only counting can tell.
            let chunks = (0..=size / 65_536)
                .map(|_| Ok::<_, std::io::Error>(Bytes::from(vec![b' '; 65_536])));
            answer(200, Body::from_stream(futures_util::stream::iter(chunks)))
        }
    };
    with_server(server, |base| async move {
        for prefix in ["/announced", "/streamed"] {
            let exchange = client(&format!("{base}{prefix}"), token())
                .exchange(&one(), &once())
                .await
                .unwrap();
            assert_eq!(exchange.raw, None, "{prefix}");
            let e = exchange.outcome.unwrap_err();
            assert_eq!(e.kind, ErrorKind::Decode, "{prefix}");
            assert!(e.message.contains("larger than"), "{prefix}: {}", e.message);
        }
    });
}

#[test]
fn a_dropped_connection_and_a_closed_port_are_network_errors() {
    with_server(
        |_request: Request| async { drop_connection() },
        |base| async move {
            let e = client(&base, token()).query_usage(&one(), &once()).await;
            assert_eq!(e.unwrap_err().kind, ErrorKind::Network);
            let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            let port = closed.local_addr().unwrap().port();
            drop(closed);
            let e = client(&format!("http://127.0.0.1:{port}"), token())
                .query_usage(&one(), &once())
                .await
                .unwrap_err();
            assert_eq!(e.kind, ErrorKind::Network);
            assert!(e.message.contains("127.0.0.1"), "{}", e.message);
        },
    );
}

#[test]
fn an_attempt_that_outlives_its_timeout_is_a_timeout() {
    with_server(
        |_request: Request| async { std::future::pending::<Response<Body>>().await },
        |base| async move {
            let options = CallOptions {
                timeout_ms: Some(200),
                ..once()
            };
            let e = client(&base, token()).query_usage(&one(), &options).await;
            assert_eq!(e.unwrap_err().kind, ErrorKind::Timeout);
        },
    );
}

#[test]
fn an_https_url_goes_through_tls() {
    with_server(
        |_request: Request| async { answer(200, OK) },
        |base| async move {
            let https = base.replace("http://", "https://");
            let e = client(&https, token()).query_usage(&one(), &once()).await;
            // The plain server cannot answer a TLS handshake.
            assert_eq!(e.unwrap_err().kind, ErrorKind::Network);
        },
    );
}

#[test]
fn clients_made_with_shared_parts_use_one_connection_pool_and_clock() {
    with_server(
        |_request: Request| async { answer(200, OK) },
        |base| async move {
            let platform = Rc::new(NativePlatform::new().unwrap());
            let clock = SharedClock::new();
            for user in ["42", "43"] {
                let config = ClientConfig::new(&base, user, token()).unwrap();
                let client = Client::with_shared(config, Rc::clone(&platform), clock.clone());
                let result = client.unwrap().query_usage(&one(), &once()).await;
                assert!(result.is_ok(), "{user}: {result:?}");
            }
            assert!(clock.get().is_learned(), "the answers' Date was learned");
        },
    );
}
