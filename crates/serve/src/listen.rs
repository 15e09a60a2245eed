//! Starting a server binary: the runtime and the listening socket, with
//! errors that say what failed. Shared by the sandbox and the gateway.

use std::net::SocketAddr;

use tokio::net::TcpListener;
use tokio::runtime::Runtime;

/// A multi-threaded tokio runtime with every driver enabled.
pub fn runtime() -> Result<Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))
}

/// Listens on `addr` (port 0 picks a free one) and returns the listener with
/// the address it got.
pub async fn listen(addr: &str) -> Result<(TcpListener, SocketAddr), String> {
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let bound = listener
        .local_addr()
        .map_err(|e| format!("cannot read the bound address: {e}"))?;
    Ok((listener, bound))
}
