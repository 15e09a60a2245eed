//! Splitting the admin page's wasm into the first load and the parts the
//! page fetches the first time they are used (the functions marked
//! `#[wasm_split(..)]` in `crates/admin/src/parts.rs`).
//!
//! Trunk builds the page (HTML, CSS, its loader script) with the linker
//! keeping the wasm's relocations (`-Clink-args=--emit-relocs`); then, on
//! the wasm cargo linked:
//! 1. `wasm-split-cli` cuts it into the main module, one wasm per part and
//!    the loader of the parts (`__wasm_split.js`);
//! 2. `wasm-bindgen --keep-lld-exports` makes the main module's glue (the
//!    parts reach the main module's memory, table and functions through
//!    the exports the linker made);
//! 3. `wasm-opt -Oz` shrinks each wasm, esbuild minifies the JavaScript;
//! 4. each part and the loader (`wasm-split-<hash>.js`) get a name with a
//!    hash of their content, so a page opened before a redeploy never runs
//!    a part of another build (it fails to fetch it, and says so with a
//!    Retry);
//! 5. they replace Trunk's wasm and glue in the dist folder, and the
//!    `integrity` of `index.html` follows.

use std::path::{Path, PathBuf};

use crate::run::{self, Cmd, Result, workspace_root};

/// The `wasm_split_cli_support` release whose `wasm-split-cli` splits the page.
pub const WASM_SPLIT_VERSION: &str = "0.2.4";

/// The linker flag that keeps the relocations the splitter reads.
pub const EMIT_RELOCS: &str = "-Clink-args=--emit-relocs";

/// The crate the splitter comes from (its binary is `wasm-split-cli`).
const WASM_SPLIT_CRATE: &str = "wasm_split_cli_support";

/// `wasm-split-cli` from [`WASM_SPLIT_CRATE`] at exactly
/// [`WASM_SPLIT_VERSION`]; installs it with cargo when missing or different.
pub fn ensure_wasm_split() -> Result<String> {
    let wanted = format!("{WASM_SPLIT_CRATE} v{WASM_SPLIT_VERSION}");
    let check = || -> Option<String> {
        let list = run::capture(&Cmd::cargo().args(["install", "--list"])).ok()?;
        installed_version(&list, WASM_SPLIT_CRATE, "wasm-split-cli")
    };
    let mut found = check();
    if found.as_deref() != Some(WASM_SPLIT_VERSION)
        && crate::tools::wait_for_process(
            &["-f", "^[^ ]*cargo install wasm_split_cli_support"],
            "an install of wasm_split_cli_support",
        )
    {
        found = check();
    }
    if found.as_deref() != Some(WASM_SPLIT_VERSION) {
        println!(
            "{wanted} (wasm-split-cli) splits the admin page, found: {}: installing it (a few minutes)",
            found.as_deref().unwrap_or("none")
        );
        run::run(&Cmd::cargo().args([
            "install",
            WASM_SPLIT_CRATE,
            "--version",
            WASM_SPLIT_VERSION,
            "--features",
            "build-binary",
            "--locked",
        ]))?;
        found = check();
    }
    if found.as_deref() == Some(WASM_SPLIT_VERSION) && run::which("wasm-split-cli").is_some() {
        Ok(format!("wasm-split-cli ({wanted})"))
    } else {
        Err(format!(
            "{wanted} is still not installed, or wasm-split-cli is not on PATH (`cargo install` \
             puts it in {})",
            run::cargo_home().join("bin").display()
        ))
    }
}

/// The version of `krate` in the text of `cargo install --list` when it
/// provides the binary `bin`.
fn installed_version(list: &str, krate: &str, bin: &str) -> Option<String> {
    let mut lines = list.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(rest) = line.strip_prefix(krate).and_then(|r| r.strip_prefix(" v")) else {
            continue;
        };
        let version = rest.split([':', ' ']).next()?.to_owned();
        while let Some(bin_line) = lines.next_if(|l| l.starts_with(char::is_whitespace)) {
            if bin_line.trim() == bin {
                return Some(version);
            }
        }
    }
    None
}

/// One file of the split page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitFile {
    /// Its name in the dist folder.
    pub name: String,
    /// Which parts of the page it holds (empty for the first load).
    pub parts: String,
}

/// Splits the wasm cargo linked (`raw`) into the page Trunk built in `dist`;
/// returns the parts loaded on demand, with the functions each one holds.
pub fn split(raw: &Path, dist: &Path) -> Result<Vec<SplitFile>> {
    let (stem, _) = trunk_glue(dist)?;
    let work = run::target_dir().join("wasm-split").join(
        dist.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "page".to_owned()),
    );
    let _ = std::fs::remove_dir_all(&work);
    let cut = work.join("cut");
    let bound = work.join("bound");
    for dir in [&cut, &bound] {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    run::run(&Cmd::new("wasm-split-cli").arg(raw).arg(&cut).args([
        "--target",
        "web",
        "--out-name",
        &stem,
    ]))?;
    let main = cut.join(format!("{stem}.wasm"));
    if !main.is_file() {
        return Err(format!(
            "wasm-split-cli wrote no {}: is the page built with {EMIT_RELOCS}?",
            main.display()
        ));
    }
    run::run(
        &Cmd::new("wasm-bindgen")
            .args(["--target", "web", "--keep-lld-exports", "--no-typescript"])
            .arg("--out-dir")
            .arg(&bound)
            .args(["--out-name", &stem])
            .arg(&main),
    )?;
    let bin = workspace_root().join("web/node_modules/.bin");
    let wasm_opt = |input: &Path, output: &Path| {
        run::run(
            &Cmd::new(bin.join("wasm-opt"))
                .args(["-Oz", "--strip-debug", "--strip-producers"])
                .arg(input)
                .arg("-o")
                .arg(output),
        )
    };
    let minify = |input: &Path, output: &Path| {
        run::run(
            &Cmd::new(bin.join("esbuild"))
                .arg(input)
                .args(["--minify", "--format=esm", "--log-level=warning"])
                .arg(format!("--outfile={}", output.display())),
        )
    };
    // The main module: same names as Trunk's, so index.html still loads it.
    wasm_opt(
        &bound.join(format!("{stem}_bg.wasm")),
        &dist.join(format!("{stem}_bg.wasm")),
    )?;
    // The parts, each named after its content.
    let loader_path = cut.join("__wasm_split.js");
    let mut loader = std::fs::read_to_string(&loader_path)
        .map_err(|e| format!("{}: {e}", loader_path.display()))?;
    let mut parts = Vec::new();
    for (file, holds) in chunk_files(&loader) {
        let optimized = work.join(&file);
        wasm_opt(&cut.join(&file), &optimized)?;
        let name = hashed_name(&file, &optimized)?;
        std::fs::rename(&optimized, dist.join(&name))
            .map_err(|e| format!("{}: {e}", dist.join(&name).display()))?;
        loader = loader.replace(&format!("\"./{file}\""), &format!("\"./{name}\""));
        parts.push(SplitFile { name, parts: holds });
    }
    let loader_tmp = work.join("__wasm_split.js");
    write(&loader_tmp, &loader)?;
    let loader_min = work.join("__wasm_split.min.js");
    minify(&loader_tmp, &loader_min)?;
    // Not `/__…`: the gateway keeps those paths for its controls.
    let loader_name = hashed_name("wasm-split.js", &loader_min)?;
    std::fs::rename(&loader_min, dist.join(&loader_name))
        .map_err(|e| format!("{}: {e}", dist.join(&loader_name).display()))?;
    // The main module's glue, importing the renamed loader.
    let glue_path = bound.join(format!("{stem}.js"));
    let glue =
        std::fs::read_to_string(&glue_path).map_err(|e| format!("{}: {e}", glue_path.display()))?;
    // Only the `import ... from`: the key of the wasm's imports stays the
    // module name the main module asks for.
    let relinked = glue
        .replace(
            "from './__wasm_split.js'",
            &format!("from './{loader_name}'"),
        )
        .replace(
            "from \"./__wasm_split.js\"",
            &format!("from \"./{loader_name}\""),
        );
    if relinked == glue {
        return Err(format!(
            "{} does not import ./__wasm_split.js: the wasm has no split point, or \
             wasm-bindgen names its imports differently",
            glue_path.display()
        ));
    }
    write(&glue_path, &relinked)?;
    minify(&glue_path, &dist.join(format!("{stem}.js")))?;
    update_integrity(dist, &stem)?;
    Ok(parts)
}

/// The stem of Trunk's glue in `dist` (`koodrive-admin-<hash>`), and its path.
fn trunk_glue(dist: &Path) -> Result<(String, PathBuf)> {
    let entries = std::fs::read_dir(dist).map_err(|e| format!("{}: {e}", dist.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if let Some(stem) = name.strip_suffix(".js")
            && dist.join(format!("{stem}_bg.wasm")).is_file()
        {
            return Ok((stem.to_owned(), path));
        }
    }
    Err(format!(
        "{} has no wasm glue (NAME.js beside NAME_bg.wasm): did trunk build it?",
        dist.display()
    ))
}

/// The wasm files the loader fetches (`"./NAME.wasm"`), each with what it
/// holds: the split point's name for a part (`split_NAME.wasm`), or the
/// loader's comment naming the parts that share it (`chunk_N_...wasm`).
fn chunk_files(loader: &str) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = Vec::new();
    let mut comment = String::new();
    for line in loader.lines() {
        let line = line.trim();
        if let Some(text) = line.strip_prefix("/*").and_then(|c| c.strip_suffix("*/")) {
            comment = text.trim().to_owned();
        }
        let mut rest = line;
        while let Some(start) = rest.find("\"./") {
            let after = &rest[start + 3..];
            let Some(end) = after.find('"') else { break };
            let file = &after[..end];
            if let Some(stem) = file.strip_suffix(".wasm")
                && !files.iter().any(|(f, _)| f == file)
            {
                let holds = match stem.strip_prefix("split_") {
                    Some(part) => part.to_owned(),
                    None => format!("shared by {comment}"),
                };
                files.push((file.to_owned(), holds));
            }
            rest = &after[end..];
        }
    }
    files
}

/// Whether a file of the dist folder is fetched on demand (a part's wasm,
/// or a wasm the parts share), not on the first load.
pub fn on_demand(name: &str) -> bool {
    name.ends_with(".wasm") && (name.starts_with("split_") || name.starts_with("chunk_"))
}

/// `NAME-<16 hex digits of its SHA-256>.EXT` for the file at `content`.
fn hashed_name(name: &str, content: &Path) -> Result<String> {
    let hex = run::capture(&Cmd::new("sha256sum").arg(content))?;
    let hash = hex.get(..16).unwrap_or("0000000000000000");
    Ok(match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}-{hash}.{ext}"),
        None => format!("{name}-{hash}"),
    })
}

/// Points the `integrity` of the glue and the wasm in `index.html` at their
/// new content (SHA-384, as Trunk writes it).
fn update_integrity(dist: &Path, stem: &str) -> Result<()> {
    let index_path = dist.join("index.html");
    let mut html = std::fs::read_to_string(&index_path)
        .map_err(|e| format!("{}: {e}", index_path.display()))?;
    for file in [format!("{stem}.js"), format!("{stem}_bg.wasm")] {
        let digest = sha384_base64(&dist.join(&file))?;
        let href = format!("href=/{file} integrity=sha384-");
        let Some(at) = html.find(&href) else { continue };
        let start = at + href.len();
        let end = html[start..]
            .find(|c: char| c.is_ascii_whitespace() || c == '>')
            .map_or(html.len(), |e| start + e);
        html.replace_range(start..end, &digest);
    }
    write(&index_path, &html)
}

/// The base64 SHA-384 of a file (openssl).
fn sha384_base64(path: &Path) -> Result<String> {
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("openssl dgst -sha384 -binary \"$1\" | openssl base64 -A")
        .arg("sh")
        .arg(path)
        .output()
        .map_err(|e| format!("cannot run openssl: {e}"))?;
    let digest = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    if out.status.success() && !digest.is_empty() {
        Ok(digest)
    } else {
        Err(format!(
            "openssl could not hash {}: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

fn write(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_installed_splitter_by_its_binary() {
        let list =
            "trunk v0.21.14:\n    trunk\nwasm_split_cli_support v0.2.4:\n    wasm-split-cli\n";
        assert_eq!(
            installed_version(list, WASM_SPLIT_CRATE, "wasm-split-cli").as_deref(),
            Some("0.2.4")
        );
        assert_eq!(
            installed_version(
                "trunk v0.21.14:\n    trunk\n",
                WASM_SPLIT_CRATE,
                "wasm-split-cli"
            ),
            None
        );
    }

    #[test]
    fn reads_the_parts_the_loader_fetches() {
        let loader = "/* a, b */\nconst __chunk_3 = makeLoad(() => {\n    const src = fetch(new URL(\"./chunk_3_a.wasm\", import.meta.url));\n}, []);\nexport const __wasm_split_load_exports = wrapAsyncCb(makeLoad(() => {\n    const src = fetch(new URL(\"./split_exports.wasm\", import.meta.url));\n";
        let files = chunk_files(loader);
        assert_eq!(files.len(), 2, "{files:?}");
        assert_eq!(
            files[0],
            ("chunk_3_a.wasm".to_owned(), "shared by a, b".to_owned())
        );
        assert_eq!(
            files[1],
            ("split_exports.wasm".to_owned(), "exports".to_owned())
        );
        assert!(on_demand("split_exports-0123456789abcdef.wasm"));
        assert!(!on_demand("__wasm_split-0123456789abcdef.js"));
        assert!(!on_demand("koodrive-admin-0123456789abcdef_bg.wasm"));
    }
}
