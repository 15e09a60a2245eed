//! # koodrive-testkit
//!
//! Helpers that the integration tests of the sandbox and the gateway share,
//! in a crate of their own (a dev-dependency only, never shipped):
//!
//! - [`ServerProcess`]: one of this workspace's binaries started on a free
//!   loopback port, its `listening on http://ADDR` line read, its output
//!   collected, and the process killed when the guard drops (also when the
//!   test fails); [`workspace_binary`] finds (or builds) a binary of another
//!   package.
//! - [`send`]: a tiny HTTP/1.1 client over `std::net::TcpStream`
//!   (`Connection: close`, the answer read to the end and de-chunked), and
//!   its [`Answer`].
//! - [`RecordingProxy`]: a loopback proxy in front of a server that records
//!   every request's headers and the answer it got.
//!
//! Nothing here knows the sandbox's or the gateway's rules: tests keep those.

mod http;
mod process;
mod proxy;

pub use http::{Answer, send};
pub use process::{Exited, ServerProcess, workspace_binary};
pub use proxy::{Exchange, RecordingProxy};

/// The endpoint's path.
pub const USAGE_PATH: &str = "/koodrive/ose/v1/space/usage/user";

/// The acting user the tests send as `X-User-Id`.
pub const ACTING_USER: &str = "1505084218764547200";
