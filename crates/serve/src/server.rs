//! The accept loop: HTTP/1.1 connections served by hyper under the
//! [`Limits`] (head size and count, head timeout for slow or idle clients,
//! a deadline for the whole request and for every write, at most so many
//! connections at once and from one client address), each request through
//! `service::handle`, and a graceful shutdown that stops accepting, lets the
//! requests in flight finish (for at most [`SHUTDOWN_GRACE`]) and returns.

use std::future::Future;
use std::io::Write as _;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use super::ServeOptions;
use super::per_client::PerClient;
use super::service::{Shared, handle};
use super::write_deadline::WriteDeadline;

/// How long a shutdown waits for the requests in flight.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Serves `app` on `listener` until `shutdown` resolves, then shuts down
/// gracefully. Errors of single connections are not errors of the server;
/// it returns an error only when accepting fails for good.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    options: ServeOptions,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let limits = options.limits;
    let shared = Arc::new(Shared { app, options });
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(limits.max_header_bytes.max(8192))
        .max_headers(limits.max_headers)
        .keep_alive(true);
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let per_client = PerClient::default();
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);

    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            permit = Arc::clone(&permits).acquire_owned() => match permit {
                Ok(permit) => tokio::select! {
                    () = &mut shutdown => break,
                    accepted = listener.accept() => accepted.map(|a| (a, permit)),
                },
                Err(_) => break,
            },
        };
        let ((stream, peer), permit) = match accepted {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of file descriptors and the like: wait a moment, go on.
                let _ = writeln!(std::io::stderr().lock(), "accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        // One address past its share: closed at once, its slot free again.
        let Some(held) = per_client.try_hold(peer.ip(), limits.max_connections_per_client.max(1))
        else {
            drop(stream);
            drop(permit);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let shared = Arc::clone(&shared);
        let service = service_fn(move |request| handle(Arc::clone(&shared), request));
        let stream = WriteDeadline::new(stream, limits.write_timeout);
        let connection = builder.serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A dropped, reset or timed-out connection ends here; nothing to do.
            let _ = connection.await;
            drop(held);
            drop(permit);
        });
    }

    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_GRACE) => {
            let _ = writeln!(std::io::stderr().lock(), "shutdown: gave up waiting for slow requests");
        }
    }
    Ok(())
}
