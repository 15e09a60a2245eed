//! Helpers of the gateway's integration tests: a sandbox as the upstream,
//! in-process on loopback (its pure handler behind the shared `serve`
//! module, recording the headers each API request arrived with and the
//! answer it got); the built `koodrive-gateway` started in front of it
//! (killed on drop; its output collected for the log checks); and a tiny
//! HTTP/1.1 client over `std::net::TcpStream` (`Connection: close`).
#![allow(dead_code)]

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, Response, StatusCode};
use koodrive_sandbox::{Outcome, Sandbox, SandboxConfig, Users, is_usage_path};
use koodrive_serve::{ServeOptions, drop_connection, machine_now_ms, serve};

pub const PATH: &str = "/koodrive/ose/v1/space/usage/user";
pub const ACTING_USER: &str = "1505084218764547200";

/// One API request as the upstream saw it, and the answer it gave.
#[derive(Debug, Clone)]
pub struct Seen {
    /// Headers as received, names lower-case.
    pub headers: Vec<(String, String)>,
    /// The status answered (0: dropped).
    pub status: u16,
    /// The body answered.
    pub body: Vec<u8>,
}

impl Seen {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The sandbox as an upstream, served on a thread of its own.
pub struct Upstream {
    /// The handler: its stats, faults and clock.
    pub sandbox: Arc<Sandbox>,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Upstream {
    /// A sandbox of 50 users with `config`'s credentials.
    pub fn start(config: SandboxConfig) -> Self {
        Self::with_users(config, 50)
    }

    /// A sandbox of `count` users with `config`'s credentials.
    pub fn with_users(config: SandboxConfig, count: usize) -> Self {
        let users = Users::generate(count, 42, machine_now_ms());
        let sandbox = Arc::new(Sandbox::new(config, users));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        listener.set_nonblocking(true).unwrap();
        let (handler, record) = (Arc::clone(&sandbox), Arc::clone(&seen));
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                let app = Router::new().fallback(move |request: Request| {
                    let (sandbox, seen) = (Arc::clone(&handler), Arc::clone(&record));
                    async move { answer(&sandbox, &seen, request).await }
                });
                let options = ServeOptions {
                    log_requests: false,
                    ..ServeOptions::default()
                };
                let _ = serve(listener, app, options, std::future::pending()).await;
            });
        });
        Self { sandbox, url, seen }
    }

    /// The sandbox with its default (demo) credentials.
    pub fn demo() -> Self {
        Self::start(SandboxConfig::default())
    }

    /// `127.0.0.1:PORT`.
    pub fn addr(&self) -> &str {
        self.url.trim_start_matches("http://")
    }

    /// Every API request seen so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// Orders faults, as `POST /__sandbox/faults` would.
    pub fn fault(&self, json: &str) {
        let orders = koodrive_sandbox::parse_fault_orders(json.as_bytes()).unwrap();
        self.sandbox.set_faults(orders, machine_now_ms());
    }
}

async fn answer(sandbox: &Sandbox, seen: &Mutex<Vec<Seen>>, request: Request) -> Response<Body> {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let pairs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let request = koodrive_sandbox::Request {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query(),
        headers: &pairs,
        body: &body,
    };
    let outcome = sandbox.handle(&request, machine_now_ms());
    let (answer, wait) = match outcome {
        Outcome::Respond(answer) => (Some(answer), 0),
        Outcome::Delay { delay_ms, response } => (Some(response), delay_ms),
        Outcome::Drop => (None, 0),
    };
    if is_usage_path(parts.uri.path()) && parts.method != "OPTIONS" {
        seen.lock().unwrap().push(Seen {
            headers,
            status: answer.as_ref().map_or(0, |a| a.status),
            body: answer.as_ref().map_or_else(Vec::new, |a| a.body.clone()),
        });
    }
    let Some(answer) = answer else {
        return drop_connection();
    };
    if wait > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
    }
    let mut http = Response::new(Body::from(answer.body));
    *http.status_mut() = StatusCode::from_u16(answer.status).unwrap();
    for (name, value) in answer.headers {
        http.headers_mut().append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(&value).unwrap(),
        );
    }
    http
}

/// A running `koodrive-gateway`, killed on drop.
pub struct Gateway {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    output: Arc<Mutex<String>>,
    readers: Vec<JoinHandle<()>>,
}

fn collect(
    stream: impl std::io::Read + Send + 'static,
    into: Arc<Mutex<String>>,
) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = BufReader::new(stream).read_to_string(&mut text);
        into.lock().unwrap().push_str(&text);
    })
}

impl Gateway {
    /// Starts the gateway in front of `upstream` with these extra flags.
    pub fn start(upstream: &str, args: &[&str]) -> Self {
        Self::try_start(upstream, args)
            .unwrap_or_else(|(status, output)| panic!("the gateway exited ({status}): {output}"))
    }

    /// Starts it, or gives its exit status and output when it stops first.
    pub fn try_start(upstream: &str, args: &[&str]) -> Result<Self, (ExitStatus, String)> {
        let mut command = Command::new(env!("CARGO_BIN_EXE_koodrive-gateway"));
        command.args(["--upstream", upstream]);
        if !args.contains(&"--addr") {
            command.args(["--addr", "127.0.0.1:0"]);
        }
        let mut child = command
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let output = Arc::new(Mutex::new(String::new()));
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let stderr = collect(child.stderr.take().unwrap(), Arc::clone(&output));
        let mut first = String::new();
        let _ = stdout.read_line(&mut first);
        let Some(addr) = first.trim().strip_prefix("listening on http://") else {
            let status = child.wait().unwrap();
            let _ = stderr.join();
            let text = output.lock().unwrap().clone();
            return Err((status, first + &text));
        };
        let addr = addr.to_owned();
        output.lock().unwrap().push_str(&first);
        let stdout = collect(stdout, Arc::clone(&output));
        Ok(Self {
            child,
            addr,
            output,
            readers: vec![stdout, stderr],
        })
    }

    /// Sends one request with a `Host` naming the gateway.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Answer {
        send(&self.addr, method, path, headers, body.as_bytes()).unwrap()
    }

    /// An API request with `X-User-Id` and `Content-Type` and these headers.
    pub fn api(&self, headers: &[(&str, &str)], body: &str) -> Answer {
        let mut all = vec![
            ("X-User-Id", ACTING_USER),
            ("Content-Type", "application/json"),
        ];
        all.extend_from_slice(headers);
        self.request("POST", PATH, &all, body)
    }

    /// Stops the gateway and gives everything it printed (stdout and stderr).
    pub fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        for reader in self.readers.drain(..) {
            let _ = reader.join();
        }
        self.output.lock().unwrap().clone()
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An answer: status, headers (names lower-case) and body.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The whole answer as it came, head and body.
    pub raw: Vec<u8>,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.text()))
    }
}

/// Sends one HTTP/1.1 request (`Host: addr` unless given) and reads the answer to the end.
pub fn send(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<Answer> {
    let mut stream = TcpStream::connect(addr)?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
        head.push_str(&format!("Host: {addr}\r\n"));
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no answer"))?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other("no status line"))?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Ok(Answer {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
        raw,
    })
}

/// Writes `content` to a fresh file under the target folder's temp space.
pub fn secret_file(name: &str, content: &str) -> std::path::PathBuf {
    let dir =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("gateway-{}", std::process::id()));
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&path, content).unwrap();
    path
}
