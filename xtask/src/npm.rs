//! The npm module `koodrive-space-usage`: building it (one `cargo build`
//! with the release wasm's toolchain, see [`crate::nightly`],
//! `wasm-bindgen --target web`, `wasm-opt -Oz`, the hand-written JavaScript
//! and types of `web/npm/`, `npm pack`) and testing it as a consumer would:
//! the packed tarball installed into a fresh project, Node's test runner
//! against the sandbox, `tsc --strict`, a Vite build and a plain
//! `<script type="module">` page in headless Chromium.

use std::fs;
use std::path::{Path, PathBuf};

use crate::run::{self, Cmd, Result, TestCounts, workspace_root};
use crate::tools::WASM_TARGET;

/// The package's name on npm.
pub const PACKAGE: &str = "koodrive-space-usage";

/// Gzip budget of the main entry (JavaScript + wasm), bytes.
pub const MAIN_ENTRY_BUDGET_GZIP: u64 = 45 * 1024;

/// A built package.
#[derive(Debug, Clone)]
pub struct Package {
    /// The unpacked package (what the tarball holds).
    pub dir: PathBuf,
    /// The tarball in `target/dist/`.
    pub tarball: PathBuf,
    /// Sizes of the main entry.
    pub sizes: Sizes,
}

/// Raw and gzip sizes of the main entry's files.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sizes {
    /// JavaScript (glue and wrapper), raw.
    pub js_raw: u64,
    /// JavaScript, gzip -9.
    pub js_gzip: u64,
    /// The wasm, raw.
    pub wasm_raw: u64,
    /// The wasm, gzip -9.
    pub wasm_gzip: u64,
}

/// A field of `[workspace.package]` in the root Cargo.toml.
fn workspace_package_field(name: &str) -> Result<String> {
    let manifest = fs::read_to_string(workspace_root().join("Cargo.toml"))
        .map_err(|e| format!("cannot read Cargo.toml: {e}"))?;
    let mut in_package = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[workspace.package]";
        } else if in_package
            && let Some(v) = line.strip_prefix(name)
            && v.trim_start().starts_with('=')
        {
            return Ok(v
                .trim_start_matches([' ', '='])
                .trim()
                .trim_matches('"')
                .to_owned());
        }
    }
    Err(format!("no {name} in [workspace.package] of Cargo.toml"))
}

fn version() -> Result<String> {
    workspace_package_field("version")
}

/// `gzip -9` size of a file.
pub fn gzip_size(path: &Path) -> Result<u64> {
    let out = std::process::Command::new("gzip")
        .args(["-9", "-c"])
        .arg(path)
        .output()
        .map_err(|e| format!("cannot run gzip: {e}"))?;
    if !out.status.success() {
        return Err(format!("gzip {} failed", path.display()));
    }
    Ok(out.stdout.len() as u64)
}

fn size(path: &Path) -> Result<u64> {
    fs::metadata(path)
        .map(|m| m.len())
        .map_err(|e| format!("{}: {e}", path.display()))
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    for entry in fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))? {
        let entry = entry.map_err(|e| e.to_string())?;
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), &target).map_err(|e| format!("{}: {e}", target.display()))?;
        }
    }
    Ok(())
}

/// Builds one cdylib crate into `out` with `wasm-bindgen --target web` and
/// `wasm-opt -Oz`, named `name`.
fn bindgen(crate_name: &str, artefact: &str, out: &Path, name: &str) -> Result<()> {
    run::run(&crate::nightly::wasm_toolchain().cargo().args([
        "build",
        "-p",
        crate_name,
        "--target",
        WASM_TARGET,
        "--profile",
        "wasm-release",
    ]))?;
    let wasm = workspace_root().join(format!("target/{WASM_TARGET}/wasm-release/{artefact}.wasm"));
    run::run(
        &Cmd::new("wasm-bindgen")
            .args([
                "--target",
                "web",
                "--weak-refs",
                "--no-typescript",
                // The package's entries say where the wasm is; the glue's own
                // default would be one more asset reference for bundlers.
                "--omit-default-module-path",
                "--out-name",
                name,
                "--out-dir",
            ])
            .arg(out)
            .arg(&wasm),
    )?;
    let bg = out.join(format!("{name}_bg.wasm"));
    let wasm_opt = workspace_root().join("web/node_modules/.bin/wasm-opt");
    run::run(
        &Cmd::new(wasm_opt)
            .args([
                "-Oz",
                "--enable-bulk-memory",
                "--enable-nontrapping-float-to-int",
                "--enable-sign-ext",
                "--enable-mutable-globals",
                "--strip-debug",
                "--strip-producers",
                "-o",
            ])
            .arg(&bg)
            .arg(&bg),
    )
}

/// Builds the package into `target/npm/koodrive-space-usage/` and packs it
/// into `target/dist/koodrive-space-usage-<version>.tgz`.
pub fn build() -> Result<Package> {
    let root = workspace_root();
    let version = version()?;
    let dir = root.join("target/npm").join(PACKAGE);
    let _ = fs::remove_dir_all(&dir);
    copy_dir(&root.join("web/npm"), &dir)?;
    let manifest = dir.join("package.json");
    let text = fs::read_to_string(&manifest).map_err(|e| e.to_string())?;
    let repository = workspace_package_field("repository")?;
    let text = text
        .replace("0.0.0-template", &version)
        .replace("{{repository}}", &repository);
    fs::write(&manifest, text).map_err(|e| e.to_string())?;
    bindgen(
        "koodrive-js",
        "koodrive_js",
        &dir.join("wasm"),
        "koodrive_space_usage",
    )?;
    bindgen(
        "koodrive-js-sandbox",
        "koodrive_js_sandbox",
        &dir.join("wasm"),
        "koodrive_space_usage_sandbox",
    )?;

    let dist = root.join("target/dist");
    fs::create_dir_all(&dist).map_err(|e| e.to_string())?;
    run::run(
        &Cmd::new("npm")
            .args(["pack", "--silent", "--pack-destination"])
            .arg(&dist)
            .dir(&dir),
    )?;
    let tarball = dist.join(format!("{PACKAGE}-{version}.tgz"));
    if !tarball.is_file() {
        return Err(format!("npm pack did not write {}", tarball.display()));
    }

    let sizes = main_entry_sizes(&dir)?;
    Ok(Package {
        dir,
        tarball,
        sizes,
    })
}

/// The sizes of the main entry of the package unpacked in `dir`: the
/// browser entry, its modules and the wasm-bindgen glue, and the wasm.
pub fn main_entry_sizes(dir: &Path) -> Result<Sizes> {
    let js: Vec<PathBuf> = [
        "index.browser.js",
        "api.js",
        "error.js",
        "loader.js",
        "wasm/koodrive_space_usage.js",
    ]
    .iter()
    .map(|f| dir.join(f))
    .collect();
    let wasm = dir.join("wasm/koodrive_space_usage_bg.wasm");
    let mut sizes = Sizes::default();
    for f in &js {
        sizes.js_raw += size(f)?;
        sizes.js_gzip += gzip_size(f)?;
    }
    sizes.wasm_raw = size(&wasm)?;
    sizes.wasm_gzip = gzip_size(&wasm)?;
    Ok(sizes)
}

/// Prints the package's sizes against the budget.
pub fn print_sizes(p: &Package) {
    let s = p.sizes;
    let kb = |b: u64| format!("{:.1} KB", b as f64 / 1024.0);
    println!(
        "npm package {} (unpacked in {})",
        p.tarball.display(),
        p.dir.display()
    );
    println!(
        "  main entry JS    {:>10} raw {:>10} gzip",
        kb(s.js_raw),
        kb(s.js_gzip)
    );
    println!(
        "  main entry wasm  {:>10} raw {:>10} gzip",
        kb(s.wasm_raw),
        kb(s.wasm_gzip)
    );
    println!(
        "  JS + wasm        {:>10} raw {:>10} gzip (budget {})",
        kb(s.js_raw + s.wasm_raw),
        kb(s.js_gzip + s.wasm_gzip),
        kb(MAIN_ENTRY_BUDGET_GZIP)
    );
}

/// `cargo xtask dist`'s npm artefact: builds and packs the package, prints its sizes.
pub fn dist() -> Result<()> {
    let package = build()?;
    print_sizes(&package);
    Ok(())
}

/// The `npm` test stage: consumer tests of the packed tarball (against the
/// sandbox, and through `koodrive-gateway`, which the tests start from
/// `GATEWAY_BIN`).
pub fn consumer_tests(
    counts: &mut TestCounts,
    sandbox_url: &str,
    sandbox_bin: &Path,
    gateway_bin: &Path,
) -> Result<()> {
    let package = build()?;
    print_sizes(&package);
    let root = workspace_root();
    let consumer = root.join("target/npm-consumer");
    let _ = fs::remove_dir_all(&consumer);
    copy_dir(&root.join("web/npm-tests"), &consumer)?;
    run::run(
        &Cmd::new("npm")
            .args([
                "install",
                "--no-audit",
                "--no-fund",
                "--no-save",
                "--offline",
            ])
            .arg(&package.tarball)
            .dir(&consumer),
    )?;
    let dev_bin = root.join("web/node_modules/.bin");
    run::run(
        &Cmd::new(dev_bin.join("tsc"))
            .args([
                "--strict",
                "--noEmit",
                "--target",
                "es2022",
                "--module",
                "nodenext",
                "--moduleResolution",
                "nodenext",
                "types.ts",
            ])
            .dir(&consumer),
    )?;
    run::run_streaming(
        &Cmd::new("node")
            .args(["--test", "--test-reporter=tap", "--test-concurrency=1"])
            .env("SANDBOX_URL", sandbox_url)
            .env("SANDBOX_BIN", sandbox_bin)
            .env("GATEWAY_BIN", gateway_bin)
            .env("DEV_NODE_MODULES", root.join("web/node_modules"))
            .dir(&consumer),
        counts,
    )
}
