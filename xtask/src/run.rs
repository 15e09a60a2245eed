//! Running commands: printing them, streaming their output live while parsing
//! the test runners' `test result:` lines, timing, and keeping background
//! services (such as the sandbox server) alive for exactly as long as a stage
//! needs them ([`ServiceGuard`]).
//!
//! Every command runs from the workspace root unless told otherwise, with
//! `$CARGO_HOME/bin` on its `PATH` (that is where `cargo install` puts
//! `wasm-bindgen-test-runner`, which cargo calls as the wasm32 runner).

use std::ffi::{OsStr, OsString};
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::LazyLock;
use std::sync::mpsc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// Errors of xtask are plain messages, printed once by `main`.
pub type Result<T, E = String> = std::result::Result<T, E>;

static WORKSPACE_ROOT: LazyLock<PathBuf> = LazyLock::new(|| {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map_or_else(|| manifest_dir.to_path_buf(), Path::to_path_buf)
});

static CHILD_PATH: LazyLock<OsString> = LazyLock::new(|| {
    let current = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs: Vec<PathBuf> = std::env::split_paths(&current).collect();
    let cargo_bin = cargo_home().join("bin");
    if !dirs.iter().any(|d| d == &cargo_bin) {
        dirs.insert(0, cargo_bin);
    }
    std::env::join_paths(dirs).unwrap_or(current)
});

/// The workspace root (the parent of the `xtask/` crate): every command runs there.
pub fn workspace_root() -> &'static Path {
    &WORKSPACE_ROOT
}

/// `$CARGO_HOME`, or `~/.cargo` when it is not set.
pub fn cargo_home() -> PathBuf {
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        return PathBuf::from(home);
    }
    let home = std::env::var_os("HOME").unwrap_or_else(|| OsString::from("/root"));
    PathBuf::from(home).join(".cargo")
}

/// The `PATH` given to every child: ours, with `$CARGO_HOME/bin` added in front if missing.
pub fn child_path() -> &'static OsStr {
    &CHILD_PATH
}

/// Finds an executable by name on the children's `PATH`.
pub fn which(name: &str) -> Option<PathBuf> {
    std::env::split_paths(child_path())
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// A command to run: program, arguments, extra environment and working directory.
#[derive(Debug, Clone)]
pub struct Cmd {
    program: OsString,
    shown_program: String,
    args: Vec<OsString>,
    envs: Vec<(OsString, OsString)>,
    dir: PathBuf,
}

impl Cmd {
    /// A command running `program` from the workspace root.
    pub fn new(program: impl AsRef<OsStr>) -> Self {
        let program = program.as_ref().to_os_string();
        let path = Path::new(&program);
        let shown = path.strip_prefix(workspace_root()).unwrap_or(path);
        Self {
            shown_program: shown.to_string_lossy().into_owned(),
            program,
            args: Vec::new(),
            envs: Vec::new(),
            dir: workspace_root().to_path_buf(),
        }
    }

    /// The cargo that runs this xtask (`$CARGO`), shown as `cargo`.
    pub fn cargo() -> Self {
        let program = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
        let mut cmd = Self::new(program);
        cmd.shown_program = "cargo".to_owned();
        cmd
    }

    /// Adds one argument.
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        self.args.push(arg.as_ref().to_os_string());
        self
    }

    /// Adds several arguments.
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_os_string()));
        self
    }

    /// Sets an environment variable for the child.
    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Self {
        self.envs
            .push((key.as_ref().to_os_string(), value.as_ref().to_os_string()));
        self
    }

    /// Runs the command in `dir` instead of the workspace root.
    pub fn dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.dir = dir.into();
        self
    }

    /// The command as a shell-like line: `[in DIR] [KEY=VALUE ...] program args...`.
    pub fn display(&self) -> String {
        let mut line = String::new();
        if self.dir != workspace_root() {
            let dir = self.dir.strip_prefix(workspace_root()).unwrap_or(&self.dir);
            let _ = write!(line, "(in {}) ", dir.display());
        }
        for (key, value) in &self.envs {
            let _ = write!(
                line,
                "{}={} ",
                key.to_string_lossy(),
                quote(&value.to_string_lossy())
            );
        }
        line.push_str(&quote(&self.shown_program));
        for arg in &self.args {
            line.push(' ');
            line.push_str(&quote(&arg.to_string_lossy()));
        }
        line
    }

    fn command(&self) -> Command {
        let mut command = Command::new(&self.program);
        command
            .args(&self.args)
            .current_dir(&self.dir)
            .env("PATH", child_path());
        for (key, value) in &self.envs {
            command.env(key, value);
        }
        command
    }

    fn spawn_error(&self, err: &std::io::Error) -> String {
        format!("could not start `{}`: {err}", self.display())
    }
}

fn quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Test counts parsed from `test result: ok. N passed; M failed; ...` lines.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TestCounts {
    /// Tests that passed.
    pub passed: u64,
    /// Tests that failed.
    pub failed: u64,
    /// Tests that were ignored.
    pub ignored: u64,
    /// How many `test result:` lines were seen (one per test binary).
    pub suites: u64,
}

impl TestCounts {
    /// Adds other counts into these.
    pub fn add(&mut self, other: Self) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.ignored += other.ignored;
        self.suites += other.suites;
    }

    /// Reads one output line; counts it when it is a `test result:` line,
    /// or the `# pass N` / `# fail N` summary of Node's test runner (TAP).
    pub fn observe_line(&mut self, line: &str) {
        if let Some(found) = parse_test_result(line) {
            self.add(found);
        } else if let Some(found) = parse_tap_summary(line) {
            self.add(found);
        }
    }
}

/// Parses the summary line that both libtest (`cargo test`) and
/// `wasm-bindgen-test-runner` print once per test binary:
/// `test result: ok. 3 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s`.
pub fn parse_test_result(line: &str) -> Option<TestCounts> {
    let line = strip_ansi(line);
    let rest = line.split_once("test result:")?.1.trim_start();
    let rest = rest
        .strip_prefix("ok.")
        .or_else(|| rest.strip_prefix("FAILED."))?;
    let mut counts = TestCounts {
        suites: 1,
        ..TestCounts::default()
    };
    let mut any = false;
    for part in rest.split(';') {
        let mut words = part.split_whitespace();
        let (Some(number), Some(word)) = (words.next(), words.next()) else {
            continue;
        };
        let Ok(number) = number.parse::<u64>() else {
            continue;
        };
        match word {
            "passed" => counts.passed = number,
            "failed" => counts.failed = number,
            "ignored" => counts.ignored = number,
            _ => continue,
        }
        any = true;
    }
    any.then_some(counts)
}

/// Parses the closing `# pass N` and `# fail N` lines of Node's test runner
/// with the TAP reporter (`# pass` counts the suite once).
pub fn parse_tap_summary(line: &str) -> Option<TestCounts> {
    let line = strip_ansi(line);
    let rest = line.strip_prefix("# ")?;
    let (word, number) = rest.split_once(' ')?;
    let number = number.trim().parse::<u64>().ok()?;
    match word {
        "pass" => Some(TestCounts {
            passed: number,
            suites: 1,
            ..TestCounts::default()
        }),
        "fail" => Some(TestCounts {
            failed: number,
            ..TestCounts::default()
        }),
        _ => None,
    }
}

/// Removes ANSI escape sequences (colours) from a line.
pub fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        if chars.peek() == Some(&'[') {
            chars.next();
            for c in chars.by_ref() {
                if ('\u{40}'..='\u{7e}').contains(&c) {
                    break;
                }
            }
        }
    }
    out
}

/// Formats a duration the way the banners and the summary show it: `12.3s`.
pub fn format_duration(duration: Duration) -> String {
    format!("{:.1}s", duration.as_secs_f64())
}

/// Runs a command to completion: prints it, echoes its stdout and stderr live
/// line by line, adds every `test result:` line it prints into `counts` (also
/// when it fails), and fails when it exits non-zero.
pub fn run_streaming(cmd: &Cmd, counts: &mut TestCounts) -> Result<()> {
    println!("$ {}", cmd.display());
    let started = Instant::now();
    let mut child = cmd
        .command()
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| cmd.spawn_error(&e))?;
    let stdout = child.stdout.take().map(|s| echo_lines(s, false));
    let stderr = child.stderr.take().map(|s| echo_lines(s, true));
    let status = child.wait();
    for reader in [stdout, stderr].into_iter().flatten() {
        if let Ok(found) = reader.join() {
            counts.add(found);
        }
    }
    let status = status.map_err(|e| format!("could not wait for `{}`: {e}", cmd.display()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "command `{}` failed ({status}) after {}",
            cmd.display(),
            format_duration(started.elapsed())
        ))
    }
}

/// Runs a command, printing it and echoing its output live; fails when it exits non-zero.
pub fn run(cmd: &Cmd) -> Result<()> {
    run_streaming(cmd, &mut TestCounts::default())
}

/// Echoes a child's stream line by line to ours, counting `test result:` lines.
fn echo_lines(stream: impl Read + Send + 'static, to_stderr: bool) -> JoinHandle<TestCounts> {
    thread::spawn(move || {
        let mut counts = TestCounts::default();
        let mut reader = BufReader::new(stream);
        let mut line = Vec::new();
        loop {
            line.clear();
            match reader.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            // A failed echo (closed terminal) must not stop the child: keep draining.
            let _ = if to_stderr {
                std::io::stderr().lock().write_all(&line)
            } else {
                let mut out = std::io::stdout().lock();
                out.write_all(&line).and_then(|()| out.flush())
            };
            counts.observe_line(&String::from_utf8_lossy(&line));
        }
        counts
    })
}

/// Runs a command with its stdout and stderr written to `log` (created or
/// truncated) instead of the terminal, for tools that print too much to
/// follow (libFuzzer, load generators); fails when it exits non-zero.
pub fn run_logged(cmd: &Cmd, log: &Path) -> Result<()> {
    println!("$ {} > {}", cmd.display(), log.display());
    let file = std::fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
    let err = file
        .try_clone()
        .map_err(|e| format!("{}: {e}", log.display()))?;
    let status = cmd
        .command()
        .stdin(Stdio::null())
        .stdout(file)
        .stderr(err)
        .status()
        .map_err(|e| cmd.spawn_error(&e))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("command `{}` failed ({status})", cmd.display()))
    }
}

/// Runs a command quietly and returns its trimmed stdout; fails when it cannot
/// start or exits non-zero. Used for cheap checks such as `tool --version`.
pub fn capture(cmd: &Cmd) -> Result<String> {
    println!("$ {}", cmd.display());
    let output = cmd
        .command()
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| cmd.spawn_error(&e))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
    } else {
        Err(format!(
            "command `{}` failed ({}): {}",
            cmd.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

/// Where cargo writes what it builds: `CARGO_TARGET_DIR` when it is set
/// (relative to the workspace root), else `target/`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => workspace_root().join(dir),
        _ => workspace_root().join("target"),
    }
}

/// The cargo arguments that build binary `bin` of `package`. One package
/// per call: cargo applies a `--bin` filter to every `-p` of the same call,
/// so a second package there would be left unbuilt.
fn build_args(package: &str, bin: &str, release: bool) -> Vec<String> {
    let mut args = vec!["build".to_owned()];
    args.push(if release { "--release" } else { "--quiet" }.to_owned());
    for arg in ["-p", package, "--bin", bin] {
        args.push(arg.to_owned());
    }
    args
}

/// Builds binary `bin` of `package` (`release`, or the debug profile) and
/// returns its path, or says which binary is missing after the build.
pub fn build_binary(package: &str, bin: &str, release: bool) -> Result<PathBuf> {
    let started = Instant::now();
    run(&Cmd::cargo().args(build_args(package, bin, release)))?;
    let profile = if release { "release" } else { "debug" };
    let binary = target_dir().join(profile).join(bin);
    if !binary.is_file() {
        return Err(format!(
            "cargo built {package} but {} is missing",
            binary.display()
        ));
    }
    if release {
        println!(
            "built {bin} (release) in {}",
            format_duration(started.elapsed())
        );
    }
    Ok(binary)
}

/// Asks the system for a TCP port on 127.0.0.1 that is free right now.
pub fn free_port() -> Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .map_err(|e| format!("could not find a free port on 127.0.0.1: {e}"))?;
    listener
        .local_addr()
        .map(|addr| addr.port())
        .map_err(|e| format!("could not read the address of a bound port: {e}"))
}

/// A background process (a sandbox, a gateway, the bench's floor server)
/// that a stage, a command or a benchmark needs: the one process guard of
/// xtask.
///
/// [`ServiceGuard::start`] spawns the child with its stdout piped and waits for
/// its first line (for example `listening on http://127.0.0.1:PORT`); later
/// lines are echoed with a `[name]` prefix, stderr goes straight through.
/// [`ServiceGuard::start_logged`] sends stderr to a log file instead and
/// reads later stdout lines without echoing them (a sandbox under load logs
/// every request, which must not flood the terminal). The child is killed
/// when the guard is dropped: at the end of the stage, when the stage returns
/// an error, or when it panics.
pub struct ServiceGuard {
    name: String,
    child: Child,
    first_line: String,
    echo: Option<JoinHandle<()>>,
    log: Option<PathBuf>,
}

impl ServiceGuard {
    /// Starts `cmd` and waits up to `timeout` for its first stdout line.
    pub fn start(name: &str, cmd: &Cmd, timeout: Duration) -> Result<Self> {
        println!("$ {} &", cmd.display());
        Self::spawn(name, cmd, timeout, None)
    }

    /// Starts `cmd` with its stderr written to `log`, and waits up to
    /// `timeout` for its first stdout line.
    pub fn start_logged(name: &str, cmd: &Cmd, log: &Path, timeout: Duration) -> Result<Self> {
        if let Some(dir) = log.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let file = std::fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
        println!(
            "$ {} 2>{} &",
            cmd.display(),
            log.strip_prefix(workspace_root()).unwrap_or(log).display()
        );
        Self::spawn(name, cmd, timeout, Some((file, log)))
    }

    fn spawn(
        name: &str,
        cmd: &Cmd,
        timeout: Duration,
        log: Option<(std::fs::File, &Path)>,
    ) -> Result<Self> {
        let echo_later = log.is_none();
        let (stderr, log) = match log {
            Some((file, path)) => (Stdio::from(file), Some(path.to_path_buf())),
            None => (Stdio::inherit(), None),
        };
        let mut child = cmd
            .command()
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .map_err(|e| cmd.spawn_error(&e))?;
        let Some(stdout) = child.stdout.take() else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("{name}: no stdout pipe"));
        };
        let (first_tx, first_rx) = mpsc::channel::<String>();
        let prefix = format!("[{name}] ");
        let echo = thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut first_tx = Some(first_tx);
            let mut line = String::new();
            loop {
                line.clear();
                match reader.read_line(&mut line) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
                let text = line.trim_end_matches(['\r', '\n']);
                if let Some(tx) = first_tx.take() {
                    let _ = tx.send(text.to_owned());
                }
                // Read on either way, so that the child never blocks on a
                // full pipe.
                if echo_later {
                    println!("{prefix}{text}");
                }
            }
        });
        // From here on `guard` kills the child on every early return.
        let mut guard = Self {
            name: name.to_owned(),
            child,
            first_line: String::new(),
            echo: Some(echo),
            log,
        };
        match first_rx.recv_timeout(timeout) {
            Ok(line) => {
                guard.first_line = line;
                Ok(guard)
            }
            Err(mpsc::RecvTimeoutError::Timeout) => Err(format!(
                "{name} printed nothing within {} (`{}`)",
                format_duration(timeout),
                cmd.display()
            )),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                let status = guard
                    .child
                    .wait()
                    .map_or_else(|e| e.to_string(), |s| s.to_string());
                Err(format!(
                    "{name} exited ({status}) before printing a line (`{}`)",
                    cmd.display()
                ))
            }
        }
    }

    /// The first line the service printed.
    pub fn first_line(&self) -> &str {
        &self.first_line
    }

    /// The `http://...` address in the first line, if there is one.
    pub fn url(&self) -> Option<&str> {
        let start = self.first_line.find("http://")?;
        self.first_line[start..].split_whitespace().next()
    }

    /// The service's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for ServiceGuard {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
        if let Some(echo) = self.echo.take() {
            let _ = echo.join();
        }
        match &self.log {
            Some(log) => println!("stopped {} (log: {})", self.name, log.display()),
            None => println!("stopped {}", self.name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_libtest_summary() {
        let line = "test result: ok. 12 passed; 0 failed; 3 ignored; 0 measured; 0 filtered out; finished in 0.02s";
        assert_eq!(
            parse_test_result(line),
            Some(TestCounts {
                passed: 12,
                failed: 0,
                ignored: 3,
                suites: 1
            })
        );
    }

    #[test]
    fn parses_failed_and_coloured_summary() {
        let line = "test result: \u{1b}[31mFAILED\u{1b}[0m. 4 passed; 2 failed; 0 ignored; 0 filtered out; finished in 1.20s\n";
        let counts = parse_test_result(line);
        assert_eq!(counts.map(|c| (c.passed, c.failed)), Some((4, 2)));
    }

    #[test]
    fn ignores_other_lines() {
        assert_eq!(parse_test_result("running 3 tests"), None);
        assert_eq!(parse_test_result("test result: maybe"), None);
        assert_eq!(parse_test_result("test foo::bar ... ok"), None);
    }

    #[test]
    fn sums_counts() {
        let mut counts = TestCounts::default();
        counts.observe_line("test result: ok. 2 passed; 0 failed; 0 ignored");
        counts.observe_line("something else");
        counts.observe_line("test result: FAILED. 1 passed; 1 failed; 0 ignored");
        assert_eq!((counts.passed, counts.failed, counts.suites), (3, 1, 2));
    }

    #[test]
    fn quotes_only_when_needed() {
        assert_eq!(quote("--target"), "--target");
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote(""), "''");
    }

    #[test]
    fn service_guard_reads_first_line_and_kills() -> Result<()> {
        let cmd = Cmd::new("sh").args([
            "-c",
            "echo 'listening on http://127.0.0.1:4321'; exec sleep 60",
        ]);
        let guard = ServiceGuard::start("sleeper", &cmd, Duration::from_secs(10))?;
        assert_eq!(guard.url(), Some("http://127.0.0.1:4321"));
        let pid = guard.pid();
        drop(guard);
        assert!(!Path::new(&format!("/proc/{pid}")).exists());
        Ok(())
    }

    #[test]
    fn a_logged_service_writes_stderr_to_its_log_and_is_killed_on_drop() -> Result<()> {
        let log = std::env::temp_dir().join(format!("xtask-guard-{}.log", std::process::id()));
        let cmd = Cmd::new("sh").args([
            "-c",
            "echo to-the-log >&2; echo 'listening on http://127.0.0.1:4322'; echo more; exec sleep 60",
        ]);
        let guard = ServiceGuard::start_logged("logger", &cmd, &log, Duration::from_secs(10))?;
        assert_eq!(guard.url(), Some("http://127.0.0.1:4322"));
        let pid = guard.pid();
        drop(guard);
        assert!(!Path::new(&format!("/proc/{pid}")).exists());
        let text = std::fs::read_to_string(&log).map_err(|e| e.to_string())?;
        let _ = std::fs::remove_file(&log);
        assert_eq!(text, "to-the-log\n");
        Ok(())
    }

    #[test]
    fn service_guard_reports_early_exit() {
        let cmd = Cmd::new("sh").args(["-c", "exit 3"]);
        let result = ServiceGuard::start("quitter", &cmd, Duration::from_secs(10));
        assert!(result.is_err_and(|e| e.contains("exited")));
    }

    #[test]
    fn each_build_names_one_package_and_its_binary() {
        assert_eq!(
            build_args("koodrive-bench-floor", "koodrive-bench-floor", true),
            [
                "build",
                "--release",
                "-p",
                "koodrive-bench-floor",
                "--bin",
                "koodrive-bench-floor"
            ]
        );
        assert_eq!(
            build_args("koodrive-sandbox", "koodrive-sandbox", false),
            [
                "build",
                "--quiet",
                "-p",
                "koodrive-sandbox",
                "--bin",
                "koodrive-sandbox"
            ]
        );
    }

    #[test]
    fn free_port_is_bindable() -> Result<()> {
        let port = free_port()?;
        assert!(TcpListener::bind((Ipv4Addr::LOCALHOST, port)).is_ok());
        Ok(())
    }
}
