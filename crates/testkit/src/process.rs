//! [`ServerProcess`]: a server binary of this workspace in a child process,
//! on a free loopback port, killed when the guard drops.

use std::ffi::OsStr;
use std::io::{BufRead as _, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;

use crate::http::{Answer, send};

/// A server that stopped before it said where it listens.
#[derive(Debug)]
pub struct Exited {
    /// How it ended.
    pub status: ExitStatus,
    /// Everything it printed (stdout, then stderr).
    pub output: String,
}

/// A running server binary, killed on drop. Its stdout and stderr are
/// collected (and also shown on stderr when `KOODRIVE_TEST_LOG` is set).
pub struct ServerProcess {
    child: Child,
    addr: String,
    output: Arc<Mutex<String>>,
    readers: Vec<JoinHandle<()>>,
}

fn collect(stream: impl Read + Send + 'static, into: Arc<Mutex<String>>) -> JoinHandle<()> {
    let echo = std::env::var_os("KOODRIVE_TEST_LOG").is_some();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stream);
        let mut line = String::new();
        while lines.read_line(&mut line).is_ok_and(|n| n > 0) {
            if echo {
                eprint!("{line}");
            }
            if let Ok(mut output) = into.lock() {
                output.push_str(&line);
            }
            line.clear();
        }
    })
}

impl ServerProcess {
    /// Starts `program` with `args` (and `--addr 127.0.0.1:0` unless `args`
    /// name an address) and waits for its first line,
    /// `listening on http://ADDR`.
    pub fn start(program: impl AsRef<OsStr>, args: &[&str]) -> Result<Self, Exited> {
        let mut command = Command::new(program);
        if !args.contains(&"--addr") {
            command.args(["--addr", "127.0.0.1:0"]);
        }
        let mut child = command
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start the server: {e}"));
        let output = Arc::new(Mutex::new(String::new()));
        let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
            panic!("the server's output is not piped");
        };
        let mut stdout = BufReader::new(stdout);
        let stderr = collect(stderr, Arc::clone(&output));
        let mut first = String::new();
        let _ = stdout.read_line(&mut first);
        let Some(addr) = first.trim().strip_prefix("listening on http://") else {
            let status = child.wait().unwrap_or_else(|e| panic!("{e}"));
            let _ = stderr.join();
            let printed = output.lock().map(|o| o.clone()).unwrap_or_default();
            return Err(Exited {
                status,
                output: first + &printed,
            });
        };
        let addr = addr.to_owned();
        if let Ok(mut printed) = output.lock() {
            printed.insert_str(0, &first);
        }
        let stdout = collect(stdout, Arc::clone(&output));
        Ok(Self {
            child,
            addr,
            output,
            readers: vec![stdout, stderr],
        })
    }

    /// `127.0.0.1:PORT`.
    pub fn addr(&self) -> &str {
        &self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// What it printed so far (stdout and stderr, in the order read).
    pub fn output(&self) -> String {
        self.output.lock().map(|o| o.clone()).unwrap_or_default()
    }

    /// Sends one request to it; `Err` when the connection closed unanswered.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> std::io::Result<Answer> {
        send(&self.addr, method, path, headers, body)
    }

    /// Sends SIGTERM and waits for it to exit; `true` when it exited
    /// successfully.
    pub fn terminate(&mut self) -> bool {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .is_ok_and(|s| s.success());
        sent && self.child.wait().is_ok_and(|s| s.success())
    }

    /// Kills it and gives everything it printed.
    pub fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        for reader in self.readers.drain(..) {
            let _ = reader.join();
        }
        self.output()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The path of binary `bin` of `package`, in the target folder of the
/// running test (`target/debug` for `cargo test`). A package's own tests use
/// `env!("CARGO_BIN_EXE_…")`; this is for another package's binary, which
/// `cargo test --workspace` (and `cargo xtask test`) builds. When it is
/// missing, it is built first with `cargo build -p package --bin bin`.
pub fn workspace_binary(package: &str, bin: &str) -> PathBuf {
    static BUILT: OnceLock<Mutex<()>> = OnceLock::new();
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("{e}"));
    // target/debug/deps/name-hash → target/debug
    let Some(profile_dir) = exe.parent().and_then(Path::parent) else {
        panic!(
            "the test runs from {}, not from a target folder",
            exe.display()
        );
    };
    let binary = profile_dir.join(bin);
    let _one_build_at_a_time = BUILT
        .get_or_init(|| Mutex::new(()))
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if binary.is_file() {
        return binary;
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.args(["build", "--quiet", "-p", package, "--bin", bin]);
    if profile_dir.file_name().is_some_and(|n| n == "release") {
        command.arg("--release");
    }
    if let Some(target) = profile_dir.parent() {
        command.env("CARGO_TARGET_DIR", target);
    }
    let status = command
        .status()
        .unwrap_or_else(|e| panic!("cannot run cargo: {e}"));
    assert!(
        status.success() && binary.is_file(),
        "building {bin} of {package} failed ({status}); run `cargo build -p {package}`"
    );
    binary
}
