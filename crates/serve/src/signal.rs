//! [`shutdown_signal`]: resolves on Ctrl-C (SIGINT) or SIGTERM, to start a
//! graceful shutdown.

use std::io::Write as _;

/// Waits for Ctrl-C or (on Unix) SIGTERM, then says so on stderr.
pub async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
    let _ = writeln!(
        std::io::stderr().lock(),
        "shutting down: finishing the requests in flight"
    );
}
