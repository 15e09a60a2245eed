//! Helpers of the gateway's integration tests: the sandbox binary as the
//! upstream, behind a recording proxy that keeps the headers each API
//! request arrived with and the answer it got; the built `koodrive-gateway`
//! started in front of it (killed on drop; its output collected for the log
//! checks); and the shared raw HTTP/1.1 client. The gateway never links the
//! sandbox: its tests run the sandbox's binary. Each test file uses some of
//! the helpers.
#![allow(dead_code)]

use std::path::Path;

use koodrive_core::{format_x_date, unix_ms_to_datetime};
use koodrive_testkit::{Exchange, RecordingProxy, ServerProcess, send, workspace_binary};

pub use koodrive_testkit::{ACTING_USER, Answer, USAGE_PATH as PATH};

/// The sandbox as an upstream: its process, and the proxy in front of it
/// that the gateway is pointed at.
pub struct Upstream {
    sandbox: ServerProcess,
    proxy: RecordingProxy,
    /// `http://127.0.0.1:PORT` of the proxy.
    pub url: String,
}

impl Upstream {
    /// A sandbox of 50 users with these extra flags (`--app-secret S`,
    /// `--clock-offset N`, …).
    pub fn start(flags: &[&str]) -> Self {
        Self::with_users(50, flags)
    }

    /// A sandbox of `count` users with these extra flags.
    pub fn with_users(count: usize, flags: &[&str]) -> Self {
        let binary = workspace_binary("koodrive-sandbox", "koodrive-sandbox");
        let count = count.to_string();
        let mut args = vec!["--users", count.as_str()];
        args.extend_from_slice(flags);
        let sandbox = ServerProcess::start(binary, &args)
            .unwrap_or_else(|e| panic!("the sandbox exited ({}): {}", e.status, e.output));
        let proxy = RecordingProxy::start(sandbox.addr());
        let url = proxy.url();
        Self {
            sandbox,
            proxy,
            url,
        }
    }

    /// The sandbox with its default (demo) credentials.
    pub fn demo() -> Self {
        Self::start(&[])
    }

    /// `127.0.0.1:PORT` of the proxy, the upstream the gateway sees.
    pub fn addr(&self) -> &str {
        self.proxy.addr()
    }

    /// Every API request that reached the upstream so far.
    pub fn seen(&self) -> Vec<Exchange> {
        self.proxy.seen()
    }

    /// Orders faults, with `POST /__sandbox/faults`.
    pub fn fault(&self, json: &str) {
        let answer = self.control("POST", "faults", json);
        assert_eq!(answer.status, 200, "{}", answer.text());
    }

    /// Clears the faults still pending (`DELETE /__sandbox/faults`).
    pub fn clear_faults(&self) {
        let answer = self.control("DELETE", "faults", "");
        assert_eq!(answer.status, 200, "{}", answer.text());
    }

    /// Moves the sandbox clock `days` ahead.
    pub fn age(&self, days: i64) {
        let offset = self.control("GET", "clock", "").json()["offsetSecs"]
            .as_i64()
            .unwrap_or_else(|| panic!("the sandbox did not say its clock offset"));
        let body = format!(r#"{{"offsetSecs": {}}}"#, offset + days * 86_400);
        let answer = self.control("POST", "clock", &body);
        assert_eq!(answer.status, 200, "{}", answer.text());
    }

    /// Every user of the sandbox, in its order, as its API lists them
    /// (token mode, straight to the sandbox: not counted in [`Self::seen`]).
    pub fn records(&self) -> Vec<serde_json::Value> {
        let mut records = Vec::new();
        loop {
            let now_ms = self.control("GET", "clock", "").json()["nowMs"]
                .as_i64()
                .unwrap_or_else(|| panic!("the sandbox did not say its time"));
            let date = format_x_date(unix_ms_to_datetime(now_ms - 1000));
            let body = format!(r#"{{"limit": 100, "offset": {}}}"#, records.len());
            let headers = [
                ("Authorization", "Bearer sandbox-token"),
                ("X-User-Id", ACTING_USER),
                ("X-Date", date.as_str()),
                ("Content-Type", "application/json"),
            ];
            let page = self
                .sandbox
                .send("POST", PATH, &headers, body.as_bytes())
                .unwrap_or_else(|e| panic!("the sandbox did not answer a listing: {e}"))
                .json();
            let items = page["data"].as_array().cloned().unwrap_or_default();
            let total = page["total"].as_u64().unwrap_or(0);
            if items.is_empty() {
                return records;
            }
            records.extend(items);
            if records.len() as u64 >= total {
                return records;
            }
        }
    }

    /// The API requests the sandbox counted.
    pub fn requests(&self) -> u64 {
        self.control("GET", "stats", "").json()["requests"]
            .as_u64()
            .unwrap_or(u64::MAX)
    }

    fn control(&self, method: &str, name: &str, body: &str) -> Answer {
        let headers: &[(&str, &str)] = if method == "POST" {
            &[("Content-Type", "application/json")]
        } else {
            &[]
        };
        self.sandbox
            .send(
                method,
                &format!("/__sandbox/{name}"),
                headers,
                body.as_bytes(),
            )
            .unwrap_or_else(|e| panic!("the sandbox did not answer {name}: {e}"))
    }
}

/// A running `koodrive-gateway`, killed on drop.
pub struct Gateway {
    process: ServerProcess,
    /// `127.0.0.1:PORT`.
    pub addr: String,
}

impl Gateway {
    /// Starts the gateway in front of `upstream` with these extra flags.
    pub fn start(upstream: &str, args: &[&str]) -> Self {
        Self::try_start(upstream, args)
            .unwrap_or_else(|(status, output)| panic!("the gateway exited ({status}): {output}"))
    }

    /// Starts it in app mode (app id `sandbox-app`, `app_secret` written to a
    /// file named after `name`), with a gateway token when one is given.
    pub fn signing(upstream: &str, name: &str, app_secret: &str, token: Option<&str>) -> Self {
        let secret = secret_file(&format!("{name}-secret"), &format!("{app_secret}\n"));
        let token = token.map(|t| secret_file(&format!("{name}-token"), &format!("{t}\n")));
        let mut args = vec!["--app-id", "sandbox-app", "--app-secret-file"];
        args.push(secret.to_str().unwrap_or_default());
        if let Some(token) = &token {
            args.extend(["--gateway-token-file", token.to_str().unwrap_or_default()]);
        }
        Self::start(upstream, &args)
    }

    /// Starts it, or gives its exit status and output when it stops first.
    pub fn try_start(
        upstream: &str,
        args: &[&str],
    ) -> Result<Self, (std::process::ExitStatus, String)> {
        let mut all = vec!["--upstream", upstream];
        all.extend_from_slice(args);
        let process = ServerProcess::start(env!("CARGO_BIN_EXE_koodrive-gateway"), &all)
            .map_err(|e| (e.status, e.output))?;
        let addr = process.addr().to_owned();
        Ok(Self { process, addr })
    }

    /// Sends one request with a `Host` naming the gateway.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Answer {
        send(&self.addr, method, path, headers, body.as_bytes())
            .unwrap_or_else(|e| panic!("no answer from the gateway: {e}"))
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
    pub fn stop(self) -> String {
        self.process.stop()
    }
}

/// Writes `content` to a fresh file under the target folder's temp space.
pub fn secret_file(name: &str, content: &str) -> std::path::PathBuf {
    let dir =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("gateway-{}", std::process::id()));
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::write(&path, content).unwrap_or_else(|e| panic!("{e}"));
    path
}
