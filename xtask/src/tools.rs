//! Installing what the tests need, each check cheap when it is already there:
//! the Rust components and the wasm32 target, `wasm-bindgen-cli` at exactly the
//! `wasm-bindgen` version in `Cargo.lock`, Chromium and ChromeDriver, Node.js
//! and the npm packages of `web/` (wasm-opt from `binaryen`, `playwright-core`),
//! Trunk and `wasm-split-cli` (the admin page's build and its split), and the
//! pinned nightly of the release wasm builds (see [`crate::nightly`]).

use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use crate::run::{self, Cmd, Result, workspace_root};

/// The Rust target of the browser and npm builds.
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Where Debian's `chromium` package puts the browser.
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// The oldest Node.js major version the npm packages and tests support.
pub const MIN_NODE_MAJOR: u32 = 20;

/// File inside `web/node_modules` holding a hash of the `package-lock.json` it was installed from.
const NPM_STAMP: &str = ".xtask-package-lock.hash";

/// What the tools stage found or installed; later stages use the paths.
#[derive(Debug, Clone)]
pub struct Tools {
    /// The ChromeDriver the browser tests use.
    pub chromedriver: PathBuf,
}

/// Checks every tool and installs what is missing; prints each tool's version at the end.
pub fn ensure_all() -> Result<Tools> {
    let mut versions = Vec::new();
    versions.push(ensure_rust()?);
    versions.push(ensure_wasm_target()?);
    versions.extend(ensure_wasm_bindgen()?);
    let (chromedriver, browser_versions) = ensure_chromium()?;
    versions.extend(browser_versions);
    versions.extend(ensure_node_packages()?);
    versions.push(crate::admin::ensure_trunk()?);
    versions.push(crate::split::ensure_wasm_split()?);
    versions.push(format!(
        "release wasm toolchain: {}",
        crate::nightly::wasm_toolchain().describe()
    ));
    println!("tools ready:");
    for line in &versions {
        println!("  {line}");
    }
    Ok(Tools { chromedriver })
}

/// rustc, rustfmt and clippy (the last two come from rustup components).
fn ensure_rust() -> Result<String> {
    let rustc = run::capture(&Cmd::new("rustc").arg("--version"))?;
    let fmt = run::capture(&Cmd::cargo().args(["fmt", "--version"]));
    let clippy = run::capture(&Cmd::cargo().args(["clippy", "--version"]));
    if fmt.is_err() || clippy.is_err() {
        println!("rustfmt or clippy is missing: installing them with rustup");
        run::run(&Cmd::new("rustup").args(["component", "add", "rustfmt", "clippy"]))?;
    }
    Ok(rustc)
}

/// The `wasm32-unknown-unknown` target of the current toolchain.
fn ensure_wasm_target() -> Result<String> {
    let installed = run::capture(&Cmd::new("rustup").args(["target", "list", "--installed"]))
        .map_err(|e| format!("{e}\n(xtask needs rustup to install the {WASM_TARGET} target)"))?;
    if !installed.lines().any(|l| l.trim() == WASM_TARGET) {
        println!("the {WASM_TARGET} target is missing: installing it");
        run::run(&Cmd::new("rustup").args(["target", "add", WASM_TARGET]))?;
    }
    Ok(format!("rust target {WASM_TARGET}"))
}

/// `wasm-bindgen` and `wasm-bindgen-test-runner` at exactly the version in `Cargo.lock`.
fn ensure_wasm_bindgen() -> Result<Vec<String>> {
    let version = locked_wasm_bindgen_version()?;
    let wanted = |line: &Result<String>, tool: &str| {
        line.as_ref()
            .is_ok_and(|l| l.split_whitespace().collect::<Vec<_>>() == [tool, version.as_str()])
    };
    let check = || {
        let cli = run::capture(&Cmd::new("wasm-bindgen").arg("--version"));
        let runner = run::capture(&Cmd::new("wasm-bindgen-test-runner").arg("--version"));
        (cli, runner)
    };
    let (mut cli, mut runner) = check();
    if !(wanted(&cli, "wasm-bindgen") && wanted(&runner, "wasm-bindgen-test-runner"))
        && wait_for_process(
            &["-f", "^[^ ]*cargo install wasm-bindgen-cli"],
            "an install of wasm-bindgen-cli",
        )
    {
        (cli, runner) = check();
    }
    if !(wanted(&cli, "wasm-bindgen") && wanted(&runner, "wasm-bindgen-test-runner")) {
        let found = cli.as_deref().unwrap_or("none");
        println!(
            "wasm-bindgen-cli {version} is needed (Cargo.lock), found: {found}: installing it (a few minutes)"
        );
        // No `--locked`: one dependency of its lock file is not in the registry.
        run::run(&Cmd::cargo().args([
            "install",
            "wasm-bindgen-cli",
            "--version",
            &format!("={version}"),
        ]))?;
        (cli, runner) = check();
    }
    if wanted(&cli, "wasm-bindgen") && wanted(&runner, "wasm-bindgen-test-runner") {
        return Ok(vec![cli?, runner?]);
    }
    let shown = |tool: &str, line: &Result<String>| {
        let at =
            run::which(tool).map_or_else(|| "not on PATH".to_owned(), |p| p.display().to_string());
        match line {
            Ok(line) => format!("`{line}` ({at})"),
            Err(err) => format!("{err} ({at})"),
        }
    };
    Err(format!(
        "wasm-bindgen-cli {version} is still not there after installing it:\n  {}\n  {}\n\
         (`cargo install` puts it in {}; an older copy earlier on PATH hides it)",
        shown("wasm-bindgen", &cli),
        shown("wasm-bindgen-test-runner", &runner),
        run::cargo_home().join("bin").display()
    ))
}

/// The version of the `wasm-bindgen` package in `Cargo.lock`, creating the lock file if needed.
fn locked_wasm_bindgen_version() -> Result<String> {
    let lock_path = workspace_root().join("Cargo.lock");
    if !lock_path.exists() {
        println!("Cargo.lock is missing: creating it");
        run::run(&Cmd::cargo().arg("generate-lockfile"))?;
    }
    let lock = std::fs::read_to_string(&lock_path)
        .map_err(|e| format!("could not read {}: {e}", lock_path.display()))?;
    let versions = locked_versions(&lock, "wasm-bindgen");
    match versions.as_slice() {
        [version] => Ok(version.clone()),
        [] => Err(format!(
            "{} has no `wasm-bindgen` package",
            lock_path.display()
        )),
        many => Err(format!(
            "{} has several `wasm-bindgen` versions ({}); the test runner must match exactly one",
            lock_path.display(),
            many.join(", ")
        )),
    }
}

/// Every version of package `name` in the text of a `Cargo.lock`.
fn locked_versions(lock: &str, name: &str) -> Vec<String> {
    let wanted_name = format!("name = \"{name}\"");
    lock.split("[[package]]")
        .filter(|block| block.lines().any(|l| l.trim() == wanted_name))
        .filter_map(|block| {
            block.lines().find_map(|l| {
                l.trim()
                    .strip_prefix("version = \"")
                    .and_then(|v| v.strip_suffix('"'))
                    .map(str::to_owned)
            })
        })
        .collect()
}

/// Chromium and ChromeDriver from Debian's packages; installs them as root.
fn ensure_chromium() -> Result<(PathBuf, Vec<String>)> {
    let found = || {
        Path::new(CHROMIUM)
            .exists()
            .then(|| run::which("chromedriver"))?
    };
    let mut chromedriver = found();
    if chromedriver.is_none() && wait_for_process(&["-x", "apt-get"], "a running apt-get") {
        chromedriver = found();
    }
    let chromedriver = match chromedriver {
        Some(path) => path,
        None => {
            let uid = run::capture(&Cmd::new("id").arg("-u")).unwrap_or_default();
            if uid != "0" {
                return Err(format!(
                    "Chromium ({CHROMIUM}) or ChromeDriver (chromedriver on PATH) is missing; install them with:\n    \
                     sudo apt-get update && sudo apt-get install -y chromium chromium-driver"
                ));
            }
            println!("Chromium or ChromeDriver is missing: installing them with apt-get");
            let apt = |args: &[&str]| {
                Cmd::new("apt-get")
                    .env("DEBIAN_FRONTEND", "noninteractive")
                    .args(["-o", "DPkg::Lock::Timeout=600"])
                    .args(args)
            };
            run::run(&apt(&["update"]))?;
            run::run(&apt(&["install", "-y", "chromium", "chromium-driver"]))?;
            found().ok_or_else(|| {
                format!("{CHROMIUM} or chromedriver is still missing after apt-get install")
            })?
        }
    };
    let chromium = run::capture(&Cmd::new(CHROMIUM).arg("--version"))?;
    let driver = run::capture(&Cmd::new(&chromedriver).arg("--version"))?;
    // `ChromeDriver 1.2.3 (hash-refs/...)`: keep the first two words.
    let driver = driver
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ");
    Ok((
        chromedriver.clone(),
        vec![chromium, format!("{driver} ({})", chromedriver.display())],
    ))
}

/// Node.js ≥ 20, `npm ci` in `web/` when its lock file changed, and wasm-opt working.
fn ensure_node_packages() -> Result<Vec<String>> {
    let node = run::capture(&Cmd::new("node").arg("--version")).map_err(|e| {
        format!("{e}\nNode.js {MIN_NODE_MAJOR} or newer is needed (with npm): install it, then run this again")
    })?;
    let major = node
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse::<u32>().ok());
    if major.is_none_or(|m| m < MIN_NODE_MAJOR) {
        return Err(format!(
            "Node.js {MIN_NODE_MAJOR} or newer is needed, found `{node}`: install a newer one, then run this again"
        ));
    }
    let npm = run::capture(&Cmd::new("npm").arg("--version"))
        .map_err(|e| format!("{e}\nnpm is needed (it comes with Node.js)"))?;

    let web = workspace_root().join("web");
    let lock_path = web.join("package-lock.json");
    let lock = std::fs::read(&lock_path)
        .map_err(|e| format!("could not read {}: {e}", lock_path.display()))?;
    let hash = format!("{:016x}", fnv1a(&lock));
    let stamp_path = web.join("node_modules").join(NPM_STAMP);
    let stamp = std::fs::read_to_string(&stamp_path).unwrap_or_default();
    if stamp.trim() != hash {
        println!("web/node_modules is missing or older than web/package-lock.json: running npm ci");
        run::run(
            &Cmd::new("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .dir(&web),
        )?;
        std::fs::write(&stamp_path, format!("{hash}\n"))
            .map_err(|e| format!("could not write {}: {e}", stamp_path.display()))?;
    }
    let wasm_opt = run::capture(&Cmd::new(web.join("node_modules/.bin/wasm-opt")).arg("--version"))
        .map_err(|e| {
            format!("{e}\n(wasm-opt comes from the npm package binaryen in web/package.json)")
        })?;
    let playwright = package_version(&web.join("node_modules/playwright-core/package.json"))
        .map_or_else(
            || "playwright-core (version unknown)".to_owned(),
            |v| format!("playwright-core {v}"),
        );
    Ok(vec![
        format!("node {node}, npm {npm}"),
        wasm_opt,
        playwright,
    ])
}

/// The `"version"` of an installed npm package, read from its `package.json`.
fn package_version(package_json: &Path) -> Option<String> {
    let text = std::fs::read_to_string(package_json).ok()?;
    let after_key = text.split_once("\"version\"")?.1;
    let value = after_key.trim_start().strip_prefix(':')?.trim_start();
    let value = value.strip_prefix('"')?;
    value.split_once('"').map(|(v, _)| v.to_owned())
}

/// 64-bit FNV-1a: a stable hash of the lock file for the `node_modules` stamp.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Waits while `pgrep ARGS` finds a process (another install in the background);
/// returns whether it had to wait. Without pgrep it does not wait.
pub fn wait_for_process(pgrep_args: &[&str], what: &str) -> bool {
    let running = || {
        std::process::Command::new("pgrep")
            .args(pgrep_args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if !running() {
        return false;
    }
    let started = Instant::now();
    println!(
        "waiting for {what} already running on this machine (pgrep {})",
        pgrep_args.join(" ")
    );
    let mut last_note = Instant::now();
    while running() {
        thread::sleep(Duration::from_secs(3));
        if last_note.elapsed() >= Duration::from_secs(60) {
            println!(
                "  still waiting for {what} ({})",
                run::format_duration(started.elapsed())
            );
            last_note = Instant::now();
        }
    }
    println!(
        "{what} finished after {}",
        run::format_duration(started.elapsed())
    );
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"
version = 4

[[package]]
name = "wasm-bindgen"
version = "0.2.130"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = [
 "wasm-bindgen-macro",
]

[[package]]
name = "wasm-bindgen-macro"
version = "0.2.130"
"#;

    #[test]
    fn finds_locked_version() {
        assert_eq!(locked_versions(LOCK, "wasm-bindgen"), ["0.2.130"]);
        assert!(locked_versions(LOCK, "serde").is_empty());
    }

    #[test]
    fn reads_package_json_version() -> Result<()> {
        let dir = std::env::temp_dir().join(format!("xtask-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let file = dir.join("package.json");
        std::fs::write(
            &file,
            "{\n  \"name\": \"x\",\n  \"version\" : \"1.65.1\"\n}",
        )
        .map_err(|e| e.to_string())?;
        let version = package_version(&file);
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(version.as_deref(), Some("1.65.1"));
        Ok(())
    }

    #[test]
    fn fnv1a_is_stable() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
