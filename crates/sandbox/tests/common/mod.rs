//! Helpers of the sandbox's integration tests: the built binary started on a
//! free port (the test kit's process guard), requests in token and app mode,
//! X-Dates; the raw HTTP/1.1 client is the test kit's. Each test file uses
//! some of them.
#![allow(dead_code)]

use std::time::{SystemTime, UNIX_EPOCH};

use koodrive_core::{SigningInput, format_x_date, sign, unix_ms_to_datetime};
use koodrive_testkit::ServerProcess;

pub use koodrive_testkit::{ACTING_USER, Answer, USAGE_PATH as PATH};

/// A running `koodrive-sandbox` on a free port, killed on drop (also when
/// a test fails).
pub struct SandboxProcess {
    process: ServerProcess,
    /// `127.0.0.1:PORT`.
    pub addr: String,
}

/// The process's own methods (`send`, `output`, …).
impl std::ops::Deref for SandboxProcess {
    type Target = ServerProcess;

    fn deref(&self) -> &ServerProcess {
        &self.process
    }
}

impl std::ops::DerefMut for SandboxProcess {
    fn deref_mut(&mut self) -> &mut ServerProcess {
        &mut self.process
    }
}

impl SandboxProcess {
    /// Starts the sandbox on a free port with these extra flags.
    pub fn start(args: &[&str]) -> Self {
        let process = ServerProcess::start(env!("CARGO_BIN_EXE_koodrive-sandbox"), args)
            .unwrap_or_else(|e| panic!("the sandbox exited ({}): {}", e.status, e.output));
        let addr = process.addr().to_owned();
        Self { process, addr }
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
        self.process.send("POST", PATH, &headers, body.as_bytes())
    }

    /// A control request, `/__sandbox/{name}`, as JSON (every `POST` there
    /// must be), to the loopback address it listens on.
    pub fn control(&self, method: &str, name: &str, body: &str) -> Answer {
        self.process
            .send(
                method,
                &format!("/__sandbox/{name}"),
                &[("Content-Type", "application/json")],
                body.as_bytes(),
            )
            .expect("a control answer")
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
