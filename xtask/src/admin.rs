//! The admin page (`crates/admin`): installing Trunk, building the page into
//! `target/dist/admin/` with `trunk build --release` (with the release
//! wasm's toolchain, see [`crate::nightly`]), reporting its
//! first-load size, and the `e2e` test stage that drives the built page in
//! headless Chromium against the sandbox (`node --test web/e2e/`).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::run::{self, Cmd, Result, ServiceGuard, TestCounts, workspace_root};

/// The Trunk release the page is built with (`Trunk.toml` uses its options).
pub const TRUNK_VERSION: &str = "0.21.14";

/// Where the built page goes, relative to the workspace root (`Trunk.toml`'s `dist`).
pub const DIST_DIR: &str = "target/dist/admin";

/// Where the page with the in-browser demo (cargo feature `demo`) goes.
pub const DEMO_DIST_DIR: &str = "target/dist/admin-demo";

/// Where the browser tests write their screenshots, relative to the workspace root.
pub const SCREENSHOTS_DIR: &str = "target/screenshots";

/// The budget of the page's first load (wasm + js + css, gzip -9, without
/// the parts fetched on demand), in bytes.
pub const FIRST_LOAD_BUDGET: u64 = 150 * 1024;

/// Trunk at exactly [`TRUNK_VERSION`]; installs it with cargo when missing or different.
pub fn ensure_trunk() -> Result<String> {
    let wanted = format!("trunk {TRUNK_VERSION}");
    let check = || run::capture(&Cmd::new("trunk").arg("--version"));
    let mut found = check();
    if found.as_deref() != Ok(wanted.as_str())
        && crate::tools::wait_for_process(
            &["-f", "^[^ ]*cargo install trunk"],
            "an install of Trunk",
        )
    {
        found = check();
    }
    if found.as_deref() != Ok(wanted.as_str()) {
        let shown = found.as_deref().unwrap_or("none");
        println!(
            "{wanted} is needed to build the admin page, found: {shown}: installing it (several minutes)"
        );
        run::run(&Cmd::cargo().args(["install", "trunk", "--version", TRUNK_VERSION, "--locked"]))?;
        found = check();
    }
    match found {
        Ok(line) if line == wanted => Ok(line),
        Ok(line) => Err(format!(
            "{wanted} is still not the first trunk on PATH after installing it (found `{line}`; \
             `cargo install` puts it in {})",
            run::cargo_home().join("bin").display()
        )),
        Err(e) => Err(e),
    }
}

/// The `PATH` for Trunk: binaryen's wasm-opt from `web/node_modules/.bin`
/// first (never a system binaryen), then the children's usual `PATH`.
fn trunk_path() -> Result<OsString> {
    let bin = workspace_root().join("web/node_modules/.bin");
    if !bin.join("wasm-opt").is_file() {
        return Err(format!(
            "{} is missing: run `cargo xtask test --stage tools` (it runs `npm ci` in web/)",
            bin.join("wasm-opt").display()
        ));
    }
    let mut dirs = vec![bin];
    dirs.extend(std::env::split_paths(run::child_path()));
    std::env::join_paths(dirs).map_err(|e| format!("cannot make PATH for trunk: {e}"))
}

/// Leptos' own switch that makes every component return a type-erased view
/// (`AnyView`) instead of its full view type: far fewer monomorphized
/// copies of the view code, measured 10.4 KB gzip off the first load and
/// some 24 KB off the parts (`bench/RESULTS.md`). Only the release build has it;
/// `trunk serve` and the tests keep the typed views.
pub const ERASE_COMPONENTS: &str = "--cfg erase_components";

/// Builds the page with `trunk build --release` into [`DIST_DIR`] and returns that folder.
pub fn build() -> Result<PathBuf> {
    build_into(DIST_DIR, &["--features", "split"])
}

/// Builds the page with the in-browser demo into [`DEMO_DIST_DIR`] and returns that folder.
pub fn build_demo() -> Result<PathBuf> {
    build_into(DEMO_DIST_DIR, &["--features", "demo,split"])
}

fn build_into(dir: &str, extra: &[&str]) -> Result<PathBuf> {
    ensure_trunk()?;
    crate::split::ensure_wasm_split()?;
    let toolchain = crate::nightly::wasm_toolchain();
    // Trunk's `cargo metadata` wants the crates of every platform, offline
    // (with the nightly, the standard library's own crates too).
    run::run(&toolchain.cargo().arg("fetch"))?;
    run::run(
        &toolchain.apply_with_flags(
            Cmd::new("trunk")
                .args(["build", "--release", "--dist", dir])
                .args(extra)
                .env("PATH", trunk_path()?)
                .env("TRUNK_TOOLS_WASM_OPT", "version_132"),
            &format!("{} {ERASE_COMPONENTS}", crate::split::EMIT_RELOCS),
        ),
    )?;
    let dist = workspace_root().join(dir);
    if !dist.join("index.html").is_file() {
        return Err(format!(
            "trunk build finished but {} has no index.html",
            dist.display()
        ));
    }
    let raw = run::target_dir().join("wasm32-unknown-unknown/wasm-release/koodrive-admin.wasm");
    let parts = crate::split::split(&raw, &dist)?;
    println!("split {dir}: {} wasm files loaded on demand", parts.len());
    Ok(dist)
}

/// One file of the page's first load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedFile {
    /// Its name in the dist folder.
    pub name: String,
    /// Its size in bytes.
    pub raw: u64,
    /// Its size after `gzip -9`.
    pub gzip: u64,
}

/// The files a first visit loads besides `index.html`: the wasm, the
/// JavaScript and the CSS (not the parts fetched on demand).
pub fn first_load(dist: &Path) -> Result<Vec<LoadedFile>> {
    files_of(dist, |name| !crate::split::on_demand(name))
}

/// The wasm files of the parts fetched the first time they are used.
pub fn on_demand(dist: &Path) -> Result<Vec<LoadedFile>> {
    files_of(dist, crate::split::on_demand)
}

/// The wasm, JavaScript and CSS files of `dist` whose names pass `keep`.
fn files_of(dist: &Path, keep: impl Fn(&str) -> bool) -> Result<Vec<LoadedFile>> {
    let entries = std::fs::read_dir(dist).map_err(|e| format!("{}: {e}", dist.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        let loaded = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "wasm" | "js" | "css"));
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !loaded || !keep(&name) {
            continue;
        }
        let raw = std::fs::metadata(&path)
            .map_err(|e| format!("{}: {e}", path.display()))?
            .len();
        files.push(LoadedFile {
            name,
            raw,
            gzip: crate::npm::gzip_size(&path)?,
        });
    }
    files.sort_by_key(|f| std::cmp::Reverse(f.raw));
    Ok(files)
}

/// Prints the first-load table of the page in `dir` and its total against
/// [`FIRST_LOAD_BUDGET`]; returns the total (raw, gzip).
pub fn print_first_load(dir: &str, files: &[LoadedFile]) -> (u64, u64) {
    let kib = |b: u64| format!("{:.1} KiB", b as f64 / 1024.0);
    println!("admin page, first load ({dir}):");
    for f in files {
        println!(
            "  {:<44} {:>12} {:>12} gzip",
            f.name,
            kib(f.raw),
            kib(f.gzip)
        );
    }
    let raw: u64 = files.iter().map(|f| f.raw).sum();
    let gzip: u64 = files.iter().map(|f| f.gzip).sum();
    let verdict = if gzip <= FIRST_LOAD_BUDGET {
        format!("within the {} budget", kib(FIRST_LOAD_BUDGET))
    } else {
        format!(
            "OVER the {} budget by {}",
            kib(FIRST_LOAD_BUDGET),
            kib(gzip - FIRST_LOAD_BUDGET)
        )
    };
    println!(
        "  {:<44} {:>12} {:>12} gzip ({verdict})",
        "total (wasm + js + css)",
        kib(raw),
        kib(gzip)
    );
    (raw, gzip)
}

/// Prints the parts of the page in `dist` fetched on demand, raw and gzip.
pub fn print_on_demand(dir: &str, dist: &Path) -> Result<()> {
    let kib = |b: u64| format!("{:.1} KiB", b as f64 / 1024.0);
    let files = on_demand(dist)?;
    println!("admin page, loaded on demand ({dir}; each the first time it is used):");
    for f in &files {
        println!(
            "  {:<44} {:>12} {:>12} gzip",
            f.name,
            kib(f.raw),
            kib(f.gzip)
        );
    }
    if files.is_empty() {
        println!("  (none: the page was not split)");
    }
    Ok(())
}

/// `cargo xtask dist`'s admin-page artefacts: the page, and the page with the
/// in-browser demo (for static hosts); builds both and prints their sizes.
pub fn dist() -> Result<()> {
    let demo = build_demo()?;
    let demo_total = print_first_load(DEMO_DIST_DIR, &first_load(&demo)?);
    print_on_demand(DEMO_DIST_DIR, &demo)?;
    let page = build()?;
    let total = print_first_load(DIST_DIR, &first_load(&page)?);
    print_on_demand(DIST_DIR, &page)?;
    println!(
        "the in-browser demo adds {:.1} KiB gzip ({DEMO_DIST_DIR} against {DIST_DIR})",
        demo_total.1.saturating_sub(total.1) as f64 / 1024.0
    );
    Ok(())
}

/// The `e2e` test stage: builds the page (and the one with the in-browser
/// demo) and the gateway (debug, for the tests that put it in front of a
/// sandbox), starts the sandbox serving the page on a free port, and runs
/// `node --test web/e2e/` against it in headless Chromium.
pub fn e2e(counts: &mut TestCounts) -> Result<()> {
    let demo = build_demo()?;
    let dist = build()?;
    print_first_load(DIST_DIR, &first_load(&dist)?);
    print_on_demand(DIST_DIR, &dist)?;
    let sandbox_bin = crate::sandbox::build()?;
    let gateway_bin = crate::gateway::build(false)?;
    let cmd = Cmd::new(&sandbox_bin).args(["--addr", "127.0.0.1:0", "--static", DIST_DIR]);
    let sandbox = ServiceGuard::start("sandbox", &cmd, Duration::from_secs(60))?;
    let url = sandbox
        .url()
        .ok_or_else(|| {
            format!(
                "the sandbox's first line has no URL: {}",
                sandbox.first_line()
            )
        })?
        .to_owned();
    let root = workspace_root();
    run::run_streaming(
        &Cmd::new("node")
            .args([
                "--test",
                "--test-reporter=tap",
                "--test-concurrency=1",
                "web/e2e/",
            ])
            .env("KOODRIVE_SANDBOX_URL", &url)
            .env("KOODRIVE_SANDBOX_BIN", &sandbox_bin)
            .env("KOODRIVE_GATEWAY_BIN", &gateway_bin)
            .env("KOODRIVE_ADMIN_DIST", root.join(DIST_DIR))
            .env("KOODRIVE_ADMIN_DEMO_DIST", &demo)
            .env("KOODRIVE_SCREENSHOTS", root.join(SCREENSHOTS_DIR))
            .env("CHROMIUM", crate::tools::CHROMIUM),
        counts,
    )?;
    println!("screenshots: {SCREENSHOTS_DIR}/");
    Ok(())
}
