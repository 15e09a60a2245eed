//! Helpers of the sandbox's integration tests: the built binary started on a
//! free port (and killed when the guard drops, also when a test fails), and
//! a tiny HTTP/1.1 client over `std::net::TcpStream` (`Connection: close`).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

use koodrive_core::{SigningInput, format_x_date, sign, unix_ms_to_datetime};
use serde_json::Value;

pub const PATH: &str = "/koodrive/ose/v1/space/usage/user";
pub const ACTING_USER: &str = "1505084218764547200";

/// A running `koodrive-sandbox`, killed on drop.
pub struct SandboxProcess {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    // Kept open so the sandbox never writes into a closed pipe.
    _stdout: BufReader<ChildStdout>,
}

impl SandboxProcess {
    /// Starts the sandbox on a free port with these extra flags.
    pub fn start(args: &[&str]) -> Self {
        let stderr = if std::env::var_os("SANDBOX_TEST_LOG").is_some() {
            Stdio::inherit()
        } else {
            Stdio::null()
        };
        let mut child = Command::new(env!("CARGO_BIN_EXE_koodrive-sandbox"))
            .args(["--addr", "127.0.0.1:0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("the sandbox starts");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
        let mut first = String::new();
        let read = stdout.read_line(&mut first);
        let mut guard = Self {
            child,
            addr: String::new(),
            _stdout: stdout,
        };
        assert!(read.is_ok_and(|n| n > 0), "the sandbox printed nothing");
        let addr = first
            .trim()
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
            .to_owned();
        guard.addr = addr;
        guard
    }

    /// Sends one request; `Err` when the connection closed without an answer.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> std::io::Result<Answer> {
        send(&self.addr, method, path, headers, body)
    }

    /// An API request in token mode with a good X-Date; `extra` replaces or
    /// adds headers (an empty value removes one).
    pub fn api(&self, extra: &[(&str, &str)], body: &str) -> Answer {
        self.try_api(extra, body).expect("an answer")
    }

    /// [`SandboxProcess::api`], keeping a dropped connection as an error.
    pub fn try_api(&self, extra: &[(&str, &str)], body: &str) -> std::io::Result<Answer> {
        let date = x_date_now();
        let mut headers: Vec<(&str, &str)> = vec![
            ("Authorization", "Bearer sandbox-token"),
            ("X-User-Id", ACTING_USER),
            ("X-Date", &date),
            ("Content-Type", "application/json"),
        ];
        for (name, value) in extra {
            headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
            if !value.is_empty() {
                headers.push((name, value));
            }
        }
        self.request("POST", PATH, &headers, body.as_bytes())
    }

    /// A control request, `/__sandbox/{name}`.
    pub fn control(&self, method: &str, name: &str, body: &str) -> Answer {
        self.request(method, &format!("/__sandbox/{name}"), &[], body.as_bytes())
            .expect("a control answer")
    }

    /// Sends SIGTERM and waits for the sandbox to exit; `true` when it exited
    /// successfully.
    pub fn terminate(&mut self) -> bool {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .is_ok_and(|s| s.success());
        sent && self.child.wait().is_ok_and(|s| s.success())
    }

    /// The sandbox clock, Unix milliseconds.
    pub fn now_ms(&self) -> i64 {
        self.control("GET", "clock", "").json()["nowMs"]
            .as_i64()
            .expect("nowMs")
    }

    /// An app-signed API request over the Host this client sends.
    pub fn signed(&self, date: &str, body: &str) -> (String, Vec<(String, String)>) {
        let headers = [
            ("Host", self.addr.as_str()),
            ("X-Date", date),
            ("X-User-Id", ACTING_USER),
        ];
        let input = SigningInput {
            method: "POST",
            path: PATH,
            query: None,
            headers: &headers,
            body: body.as_bytes(),
        };
        let authorization = sign(&input, "sandbox-app", "sandbox-secret").authorization;
        let owned = headers
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect();
        (authorization, owned)
    }
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One answer.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    /// The first header of that name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// `msg` of a KooDrive answer.
    pub fn msg(&self) -> String {
        self.json()["msg"].as_str().unwrap_or_default().to_owned()
    }
}

/// The machine clock, Unix milliseconds.
pub fn machine_now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// An X-Date one second behind the machine clock (the sandbox's, offset 0).
pub fn x_date_now() -> String {
    x_date_at_secs(machine_now_ms().div_euclid(1000) - 1)
}

/// The X-Date of a Unix second.
pub fn x_date_at_secs(secs: i64) -> String {
    format_x_date(unix_ms_to_datetime(secs * 1000))
}

/// The Unix second of an answer's `Date`.
pub fn date_secs(answer: &Answer) -> i64 {
    let date = answer.header("Date").expect("a Date header");
    koodrive_core::parse_http_date(date)
        .expect("an HTTP date")
        .unix_timestamp()
}

/// Sends one HTTP/1.1 request with `Connection: close` and reads the answer.
pub fn send(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<Answer> {
    let mut stream = TcpStream::connect(addr)?;
    let mut head = format!("{method} {path} HTTP/1.1\r\n");
    if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("Host")) {
        head.push_str(&format!("Host: {addr}\r\n"));
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if !body.is_empty() || method == "POST" {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("Connection: close\r\n\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    let mut raw = Vec::new();
    let read = stream.read_to_end(&mut raw);
    if raw.is_empty() {
        read?;
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "closed without an answer",
        ));
    }
    parse_answer(&raw)
}

fn parse_answer(raw: &[u8]) -> std::io::Result<Answer> {
    let bad = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned());
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| bad("no end of head"))?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad("no status"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        body = dechunk(&body).ok_or_else(|| bad("bad chunks"))?;
    }
    Ok(Answer {
        status,
        headers,
        body,
    })
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n")?;
        let size = usize::from_str_radix(
            std::str::from_utf8(&data[..line_end])
                .ok()?
                .split(';')
                .next()?
                .trim(),
            16,
        )
        .ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..)?;
    }
}

/// A fresh empty folder under the system's temporary folder.
pub fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "koodrive-sandbox-{name}-{}-{}",
        std::process::id(),
        machine_now_ms()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    dir
}
