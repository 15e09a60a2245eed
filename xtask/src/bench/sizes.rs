//! Part 1, sizes (deterministic, measured once): the npm module's main entry
//! (JavaScript + wasm, gzip -9) beside `openapi-fetch` with the types that
//! `openapi-typescript` generates from `openapi/space-usage.yaml`, both
//! also bundled the same way (esbuild `--bundle --minify`, gzip -9); the
//! admin page's first load; what takes the room in the wasm (twiggy on a
//! `wasm-bindgen --keep-debug` build, when twiggy is installed); and, on the
//! built page, a click to a part of the page fetched on first use
//! (`bench/parts.mjs`).

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use super::process::{Harness, Planned, capture_quiet, harness_part, run_harness};
use super::stats::{Figure, Unit};
use super::table::{Goal, Row};
use super::{Ctx, PartOutput};
use crate::npm::{self, gzip_size};
use crate::run::{self, Cmd, Result, workspace_root};

const PART: &str = "1 sizes";

/// The baseline: the same request as `queryUsage`, written with
/// openapi-fetch and the generated types.
const OPENAPI_ENTRY: &str = r#"// Written by `cargo xtask bench`: the baseline of the size comparison.
// The same request as the npm module's queryUsage, with openapi-fetch and
// the types openapi-typescript generates from openapi/space-usage.yaml.
import createClient from "openapi-fetch";
import type { paths } from "./schema";

export function spaceUsageClient(baseUrl: string) {
  const client = createClient<paths>({ baseUrl });
  return {
    async queryUsage(userIds: string[], headers: Record<string, string>) {
      const { data, error } = await client.POST("/koodrive/ose/v1/space/usage/user", {
        body: { userIds, limit: 50, offset: 0 },
        headers,
      });
      if (error !== undefined) throw new Error(JSON.stringify(error));
      return data;
    },
  };
}
"#;

/// Ours, as an application imports it.
const OURS_ENTRY: &str = r#"// Written by `cargo xtask bench`: the npm module as an application imports it.
export { KooDriveError, SpaceUsageClient } from "koodrive-space-usage";
"#;

/// Bundles `entry` with esbuild (browser, ESM, minified) into `out`.
fn bundle(entry: &Path, out: &Path, node_path: &str) -> Result<()> {
    let esbuild = workspace_root().join("web/node_modules/.bin/esbuild");
    run::run(
        &Cmd::new(esbuild)
            .arg(entry)
            .args([
                "--bundle",
                "--minify",
                "--format=esm",
                "--platform=browser",
                "--target=es2022",
                "--log-level=warning",
            ])
            .arg(format!("--outfile={}", out.display()))
            .env("NODE_PATH", node_path),
    )
}

/// The openapi-fetch baseline, bundled; gzip size.
fn openapi_fetch_bundle(dir: &Path) -> Result<u64> {
    let generator = workspace_root().join("web/node_modules/.bin/openapi-typescript");
    run::run(
        &Cmd::new(generator)
            .arg("openapi/space-usage.yaml")
            .arg("-o")
            .arg(dir.join("schema.d.ts")),
    )?;
    let entry = dir.join("openapi-entry.ts");
    fs::write(&entry, OPENAPI_ENTRY).map_err(|e| format!("{}: {e}", entry.display()))?;
    let out = dir.join("openapi-fetch.bundle.js");
    let modules = workspace_root().join("web/node_modules");
    bundle(&entry, &out, &modules.to_string_lossy())?;
    gzip_size(&out)
}

/// Our entry, bundled the same way (the wasm stays a separate file); gzip
/// size of the JavaScript.
fn ours_bundle(dir: &Path, package: &Path) -> Result<u64> {
    let entry = dir.join("ours-entry.js");
    fs::write(&entry, OURS_ENTRY).map_err(|e| format!("{}: {e}", entry.display()))?;
    let out = dir.join("ours.bundle.js");
    let parent = package.parent().unwrap_or(package);
    bundle(&entry, &out, &parent.to_string_lossy())?;
    gzip_size(&out)
}

/// Runs part 1.
pub fn run(ctx: &Ctx) -> PartOutput {
    let mut out = PartOutput::default();
    let dir = ctx.out.join("sizes");
    if let Err(e) = fs::create_dir_all(&dir) {
        out.rows
            .push(Row::new(PART, "size.npm", "npm module").not_measured(e.to_string()));
        return out;
    }
    let baseline = openapi_fetch_bundle(&dir);
    let baseline_name =
        "openapi-fetch + generated types, bundled (types weigh nothing once compiled)";
    let baseline_figure = baseline
        .as_ref()
        .ok()
        .map(|&b| Figure::exact(Unit::Bytes, b as f64));
    if let Err(e) = &baseline {
        out.notes
            .push(format!("the openapi-fetch bundle failed: {e}"));
    }

    match &ctx.package {
        Ok(package) => {
            let s = package.sizes;
            out.rows.push(
                Row::new(
                    PART,
                    "size.npm",
                    format!(
                        "npm module, main entry: JS + wasm, gzip -9 (JS {:.1} KB + wasm {:.1} KB)",
                        s.js_gzip as f64 / 1024.0,
                        s.wasm_gzip as f64 / 1024.0
                    ),
                )
                .ours(Some(Figure::exact(
                    Unit::Bytes,
                    (s.js_gzip + s.wasm_gzip) as f64,
                )))
                .baseline(baseline_name, baseline_figure.clone())
                .goal(Goal::AtMost(npm::MAIN_ENTRY_BUDGET_GZIP as f64)),
            );
            match ours_bundle(&dir, &package.dir) {
                Ok(js) => out.rows.push(
                    Row::new(
                        PART,
                        "size.npm.bundled",
                        "npm module through a bundler (esbuild --minify) + wasm, gzip -9",
                    )
                    .ours(Some(Figure::exact(Unit::Bytes, (js + s.wasm_gzip) as f64)))
                    .baseline(baseline_name, baseline_figure),
                ),
                Err(e) => out.rows.push(
                    Row::new(PART, "size.npm.bundled", "npm module through a bundler")
                        .not_measured(e),
                ),
            }
            out.sections.push((
                "What takes the room in the npm module's wasm".into(),
                room(ctx, s),
            ));
        }
        Err(e) => out
            .rows
            .push(Row::new(PART, "size.npm", "npm module, main entry").not_measured(e.clone())),
    }

    out.rows.push(admin_row(&mut out.sections));
    let parts = harness_part(
        &parts_page(ctx),
        vec![
            Planned::new(
                Row::new(
                    PART,
                    "parts.export",
                    "admin page in parts: click on Export CSV to the download, the first time \
                     (the exports' part fetched on the way), 1,000 users, loopback",
                ),
                "parts-export-first",
            )
            .against(
                "the same click once the part is there",
                "parts-export-again",
            )
            .goal(Goal::AtMost(300.0)),
        ],
    );
    out.notes.extend(parts.notes);
    out.rows.extend(parts.rows);
    out
}

/// The parts harness against a sandbox of 1,000 users serving the built page.
fn parts_page(ctx: &Ctx) -> Result<Harness> {
    let sandbox = super::admin_table::built_page_sandbox(
        ctx,
        "sandbox (1000 users, admin page in parts)",
        1000,
        "parts-sandbox.log",
    )?;
    let mut env = ctx.node_env()?;
    env.push(("BENCH_SANDBOX_URL", sandbox.url().to_owned()));
    env.push(("BENCH_USERS", "1000".into()));
    env.push(("BENCH_REPS", if ctx.quick { "2" } else { "5" }.into()));
    env.push(("CHROMIUM", crate::tools::CHROMIUM.into()));
    run_harness("parts.mjs", &env)
}

fn admin_row(sections: &mut Vec<(String, String)>) -> Row {
    let what = "admin page, first load: wasm + JS + CSS, gzip -9";
    let row = Row::new(PART, "size.admin", what);
    let dist = workspace_root().join(crate::admin::DIST_DIR);
    if !dist.join("index.html").is_file() {
        return row.not_measured(format!(
            "{} is not built (`cargo xtask dist` builds it)",
            crate::admin::DIST_DIR
        ));
    }
    match crate::admin::first_load(&dist) {
        Ok(files) => {
            let gzip: u64 = files.iter().map(|f| f.gzip).sum();
            let mut text = String::from("| file | raw | gzip -9 |\n|---|---|---|\n");
            for f in &files {
                text.push_str(&format!(
                    "| {} | {:.1} KB | {:.1} KB |\n",
                    f.name,
                    f.raw as f64 / 1024.0,
                    f.gzip as f64 / 1024.0
                ));
            }
            sections.push(("The admin page's first load".into(), text));
            row.ours(Some(Figure::exact(Unit::Bytes, gzip as f64)))
                .goal(Goal::AtMost(crate::admin::FIRST_LOAD_BUDGET as f64))
        }
        Err(e) => row.not_measured(e),
    }
}

/// The split of the main entry, and twiggy's view of the wasm grouped by crate.
fn room(ctx: &Ctx, s: npm::Sizes) -> String {
    let kb = |b: u64| format!("{:.1} KB", b as f64 / 1024.0);
    let mut text = format!(
        "Shipped: JavaScript {} raw / {} gzip, wasm {} raw / {} gzip.\n\n",
        kb(s.js_raw),
        kb(s.js_gzip),
        kb(s.wasm_raw),
        kb(s.wasm_gzip)
    );
    if run::which("twiggy").is_none() {
        text.push_str(
            "twiggy is not installed, so the wasm is not broken down here: \
             `cargo install twiggy`, then run the bench again.\n",
        );
        println!("hint: `cargo install twiggy` to see what takes the room in the wasm");
        return text;
    }
    match twiggy_groups(ctx) {
        Ok(table) => text.push_str(&table),
        Err(e) => text.push_str(&format!("twiggy failed: {e}\n")),
    }
    text
}

/// Groups twiggy's items by crate (and `core`/`alloc` by module).
fn twiggy_groups(ctx: &Ctx) -> Result<String> {
    let wasm = workspace_root().join(format!(
        "target/{}/wasm-release/koodrive_js.wasm",
        crate::tools::WASM_TARGET
    ));
    let dir = ctx.out.join("sizes/twiggy");
    let _ = fs::remove_dir_all(&dir);
    run::run(
        &Cmd::new("wasm-bindgen")
            .args([
                "--target",
                "web",
                "--keep-debug",
                "--no-typescript",
                "--out-dir",
            ])
            .arg(&dir)
            .arg(&wasm),
    )?;
    let bg = dir.join("koodrive_js_bg.wasm");
    let csv = capture_quiet(
        "twiggy",
        &[
            "top",
            "-n",
            "100000",
            "--format",
            "csv",
            &bg.to_string_lossy(),
        ],
    )?;
    let mut groups: BTreeMap<String, u64> = BTreeMap::new();
    let mut total = 0u64;
    for line in csv.lines().skip(1) {
        let Some((name, size)) = split_csv_row(line) else {
            continue;
        };
        if name.contains("function names") || name.starts_with('Σ') {
            continue;
        }
        total += size;
        *groups.entry(group_of(&name)).or_default() += size;
    }
    let mut sorted: Vec<(String, u64)> = groups.into_iter().collect();
    sorted.sort_by_key(|(_, size)| std::cmp::Reverse(*size));
    let mut text = format!(
        "`twiggy top` of a `wasm-bindgen --keep-debug` build of `koodrive_js.wasm`, before \
         wasm-opt (code and data {:.1} KB; the name section left out), grouped by crate:\n\n\
         | where | bytes | share |\n|---|---|---|\n",
        total as f64 / 1024.0
    );
    for (name, size) in sorted.iter().take(18) {
        text.push_str(&format!(
            "| {name} | {size} | {:.1} % |\n",
            *size as f64 * 100.0 / total.max(1) as f64
        ));
    }
    Ok(text)
}

/// `name,shallow,...`, the name quoted CSV-style when it holds commas or quotes.
fn split_csv_row(line: &str) -> Option<(String, u64)> {
    let (name, rest) = if let Some(quoted) = line.strip_prefix('"') {
        let mut name = String::new();
        let mut chars = quoted.char_indices().peekable();
        let mut end = None;
        while let Some((i, c)) = chars.next() {
            if c != '"' {
                name.push(c);
            } else if chars.peek().is_some_and(|(_, next)| *next == '"') {
                name.push('"');
                chars.next();
            } else {
                end = Some(i);
                break;
            }
        }
        (name, quoted.get(end? + 1..)?.strip_prefix(',')?)
    } else {
        let (name, rest) = line.split_once(',')?;
        (name.to_owned(), rest)
    };
    let size = rest.split(',').next()?.parse().ok()?;
    Some((name, size))
}

/// The crate an item of twiggy belongs to: `koodrive_core`, `dlmalloc`,
/// `core::fmt`, `data (.rodata)`.
fn group_of(name: &str) -> String {
    if name.starts_with("data segment") {
        return "data segments (strings, tables)".into();
    }
    let name = name
        .trim_start_matches('<')
        .trim_start_matches("&mut ")
        .trim_start_matches('&');
    let first = name.split([':', '[', '<', ' ']).next().unwrap_or(name);
    if matches!(first, "core" | "alloc" | "std") {
        // `core[hash]::fmt::...` → `core::fmt`.
        let without_hash: String = {
            let mut out = String::new();
            let mut skip = false;
            for c in name.chars() {
                match c {
                    '[' => skip = true,
                    ']' => skip = false,
                    _ if !skip => out.push(c),
                    _ => {}
                }
            }
            out
        };
        let module = without_hash.split("::").nth(1).unwrap_or("");
        return format!("{first}::{module}");
    }
    if first.is_empty() || first.chars().all(|c| c.is_ascii_digit()) {
        return "other".into();
    }
    first.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twiggy_rows_are_grouped_by_crate() {
        assert_eq!(
            group_of("<dlmalloc[e24a]::dlmalloc::Dlmalloc<A>>::malloc"),
            "dlmalloc"
        );
        assert_eq!(
            group_of("core[c593]::num::flt2dec::strategy::dragon::format_exact"),
            "core::num"
        );
        assert_eq!(
            group_of("koodrive_client::client::Client<P>::execute::{{closure}}"),
            "koodrive_client"
        );
        assert_eq!(
            group_of(
                "<&mut koodrive_client::json::Reader as serde_core::de::Deserializer>::deserialize_any"
            ),
            "koodrive_client"
        );
        assert_eq!(
            group_of("data segment \".rodata\""),
            "data segments (strings, tables)"
        );
    }

    #[test]
    fn twiggy_csv_rows_are_split() {
        assert_eq!(
            split_csv_row(r#""data segment "".rodata""",23670,6.69,,"#),
            Some(("data segment \".rodata\"".into(), 23670))
        );
        assert_eq!(
            split_csv_row("sha2::sha256::compress256,4484,1.26,,"),
            Some(("sha2::sha256::compress256".into(), 4484))
        );
    }
}
