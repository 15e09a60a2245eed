//! The server with any app, as both binaries use it: any router, with
//! panics answered as 500 while the server goes on, `drop_connection`
//! closing the connection unanswered, CORS and `Date` added to answers that
//! lack them, and a graceful shutdown.
#![cfg(feature = "server")]

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use koodrive_serve::{DateSource, ServeOptions, drop_connection, serve};
use koodrive_testkit::send;

fn app() -> Router {
    Router::new()
        .route("/ok", get(|| async { "fine" }))
        .route("/panic", get(panicking))
        .route("/drop", get(|| async { drop_connection() }))
}

async fn panicking() -> &'static str {
    panic!("a bug in one handler")
}

#[test]
fn the_serve_module_survives_panics_drops_and_shuts_down_gracefully() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let date: DateSource = Arc::new(|| "Thu, 27 Nov 2025 12:00:00 GMT".to_owned());
    let options = ServeOptions {
        date: Some(date),
        log_requests: false,
        ..ServeOptions::default()
    };
    let server = runtime.spawn(serve(listener, app(), options, async {
        let _ = stopped.await;
    }));

    let ok = send(&addr, "GET", "/ok", &[], b"").unwrap();
    assert_eq!((ok.status, ok.text().as_str()), (200, "fine"));
    assert_eq!(ok.header("Date"), Some("Thu, 27 Nov 2025 12:00:00 GMT"));
    assert_eq!(ok.header("Access-Control-Allow-Origin"), Some("*"));
    assert_eq!(
        ok.header("Access-Control-Expose-Headers"),
        Some("Date, Retry-After, X-Traceid")
    );

    let panicked = send(&addr, "GET", "/panic", &[], b"").unwrap();
    assert_eq!(panicked.status, 500);
    assert!(panicked.header("Access-Control-Allow-Origin").is_some());
    assert_eq!(
        send(&addr, "GET", "/ok", &[], b"").unwrap().status,
        200,
        "still serving"
    );

    assert!(send(&addr, "GET", "/drop", &[], b"").is_err());
    assert_eq!(
        send(&addr, "GET", "/missing", &[], b"").unwrap().status,
        404
    );

    let _ = stop.send(());
    assert!(runtime.block_on(server).unwrap().is_ok());
    assert!(
        std::net::TcpStream::connect(&addr).is_err(),
        "no longer listening"
    );
}
