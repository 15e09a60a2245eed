//! Size budgets, checked by `cargo xtask test` (stage `budgets`): sizes are
//! deterministic, so a growth is caught as surely as a failing test. Each
//! artefact has its goal and a ceiling: the ceiling is the goal once the
//! goal is met; until then it is the figure reached (rounded up a little),
//! so that nothing grows while the distance to the goal is worked off.
//! Timings are never asserted in tests; they live in `cargo xtask bench`.

use std::path::Path;

use crate::run::{Result, workspace_root};

/// One size budget.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// What is measured.
    pub what: &'static str,
    /// The goal, gzip bytes.
    pub goal: u64,
    /// What the check allows today, gzip bytes (the goal once it is met),
    /// when the release wasm is built with the pinned nightly.
    pub ceiling: u64,
    /// What it allows when the nightly could not be had and the release
    /// wasm was built with stable (see `crate::nightly`).
    pub stable_ceiling: u64,
    /// Why the goal is not met yet, and what would close the distance.
    pub causes: &'static str,
}

/// The npm module's main entry: JavaScript + wasm, gzip -9.
pub const NPM_MAIN_ENTRY: Budget = Budget {
    what: "npm module main entry (JS + wasm, gzip -9)",
    goal: crate::npm::MAIN_ENTRY_BUDGET_GZIP,
    // 91.4 KB reached (101.3 KB before the size fixes
    // recorded in bench/RESULTS.md); 98.3 KB with the
    // WebAssembly loaded on first use, errors keeping their original cause,
    // the retry policy with its hook and messages fitting the retries and the
    // mode (JS 6.5 -> 9.1 KB, wasm 84.9 -> 89.2 KB). 95.9 KB with talc as
    // the wasm's allocator instead of dlmalloc (98.4 KB before, -2.5 KB);
    // the ceiling keeps about 1 KB for features on their way. 110.8 KB
    // with listings of several pages at a time (13.8 KB more on the
    // same base: the page schedule and its checks, the pool's pace and
    // gate, `listUsageAll`; two more async state machines over the fetch
    // platform, the page pool and the one-report listing, and their
    // conversions).
    // The pinned nightly's build (std built for size) took 9.7 KB off
    // (95.9 -> 86.2 KB) on the base before these listings, 10.4 KB on
    // this one: 100.4 KB; the ceiling keeps 1.1 KB for features on their way.
    ceiling: 101 * 1024 + 512,
    stable_ceiling: 111 * 1024,
    causes: "the wasm holds the whole client: koodrive-core's policy (validation, \
             HMAC-SHA256 signing, X-Date and HTTP dates, retry, batching, paging, record \
             rules; some 14 % of the code), the request loop and the JSON reader (12 %), \
             error messages (9 %), the wasm-bindgen and js-sys glue with its futures \
             (10 %), and Rust's library code for strings, slices and vectors, the \
             allocator (talc), hashbrown and sha2; bench/RESULTS.md has twiggy's breakdown",
};

/// The admin page's first load: wasm + JavaScript + CSS, gzip -9.
pub const ADMIN_FIRST_LOAD: Budget = Budget {
    what: "admin page first load (wasm + JS + CSS, gzip -9)",
    goal: crate::admin::FIRST_LOAD_BUDGET,
    // 283.5 KB reached with the directory join (import and column
    // mapping, Name/Email/Department columns, emails and names in the User
    // IDs box, the Departments view and its exports, IndexedDB keep), which
    // cost 52.2 KB: about half its views (Leptos' typed views), half its
    // logic (the CSV reader, the indexes, resolution, department sums).
    // 231.3 KB before it. 286.2 KB after the split of state/ and app/ with
    // errors told by i18n; 287.4 KB with the client's final messages (what
    // the retries did, auth advice for each mode), its retry hook and the
    // kept fetch errors, shared with the npm module (1.2 KB).
    // 298.3 KB with results an administrator can trust (10.9 KB): results
    // labelled complete, partial or from an earlier run, the earlier run
    // kept; waits named on the progress bar; the Expired filter and mark;
    // the no-quota bar; the Free column with its exact decimal arithmetic;
    // ids that do not look like KooDrive's listed apart; their words in
    // both languages. 305.4 KB measured on main once the usage history's
    // state and words (Growth, Full in, snapshots, en-US and zh-CN) joined
    // it (7.1 KB). 379.8 KB with the usage history wired into the page
    // (74.4 KB): of what it adds before wasm-opt, about 30 % is Leptos views
    // (the History region, its two charts, the Growth and Full in cells),
    // 14 % core's history (the snapshot codec, the chain, growth, Theil–Sen),
    // 6 % miniz_oxide's zlib, 10 % more instances of the slice sorts, 15 %
    // the page's history state, IndexedDB store and export columns, 8 %
    // words and tables, the rest generic code (twiggy diff of the
    // wasm-release builds of main and this); the Full within filter
    // reads whole days so that Rust's float parser stays out (it cost
    // 15.8 KB). 383.6 KB with a table with room (3.8 KB over that figure):
    // the settings folding into a header strip, the id, usage and state
    // pinned, a card per user on narrow screens (the stylesheet, some
    // 1 KB), the rows' height read from the stylesheet, each card value
    // labelled, a name cell that never hides the account's status (the
    // wasm). 390.4 KB with Export Excel (about 7 KB, wasm 6.9 KB and its
    // JS glue 0.2 KB, against the build before it): the workbook's parts,
    // its typed cells and the ZIP container around miniz_oxide's deflate, in
    // `state::xlsx` behind one function, ready for a chunk loaded on
    // demand. (rust_xlsxwriter measured some 324 KB gzip in a wasm32
    // build: two deflate implementations and its whole feature set.)
    // 400.9 KB with the client's listings of several pages at a time (10.5 KB:
    // the page schedule and its checks, the pool's pace and gate, which
    // the page's List all users runs through). 402.9 KB with Growth per
    // day in Departments (2.0 KB: the column, its sort and its cell
    // in both department exports).
    // The pinned nightly's build took 26.7 KB off (390.4 -> 363.7 KB) on
    // the base before these listings, 27.1 KB on the next: 373.8 KB
    // before Growth per day; the ceiling keeps room for its 2.0 KB and a
    // little for features on their way. 379.8 KB once List all users
    // runs eight pages at a time with Resume and its progress in users,
    // pages and time left (the listing's state, its words in both
    // languages and the Resume button: about 4 KB). 386.4 KB with the
    // results table's keyboard (6.6 KB against 379.8 KB, both from `cargo
    // xtask dist` on the same base): the table one Tab stop with the
    // focused cell moved by arrows, Home/End and pages across the rows
    // drawn and not yet drawn (its keys, focus and click handlers, the
    // re-focus once a row is drawn again), and the cells' tooltip on
    // keyboard focus placed over the page; the JavaScript glue of the
    // browser calls it adds (0.6 KB) and the stylesheet (0.1 KB) included.
    // 397.4 KB (406,903 B) with the gateway's snapshots in the History
    // region (11.0 KB against 386.4 KB, both from `cargo xtask dist`; 10.7
    // KB on the base before the keyboard): reading them in the background
    // (the list, each snapshot, progress and failures: the async task
    // alone some 6 KB before wasm-opt), joining
    // them with this computer's by day for the trends and the charts, the
    // marked rows and their words in both languages (twiggy diff against
    // the build before it). Measured already without a JSON reader of our
    // own (the browser parses the list), with one copy of the trends'
    // pass and merges in place of three more slice-sort instances (6.5 KB
    // off the first draft); the stable ceiling moves by the same 11 KB.
    // Built by stable (`KOODRIVE_WASM_TOOLCHAIN=stable cargo xtask dist`)
    // the page is 424.9 KB (435,124 B) with all of the above: the stable
    // ceiling had not followed the listings' 4 KB nor the keyboard's 6.6 KB.
    // 400.6 KB with the usage history's trends kept beside the snapshots
    // (3.2 KB against 397.4 KB, both from `cargo xtask dist`): their stored
    // form written and read back, the IndexedDB store they live in; it makes
    // a page opened on 100,000 users × 90 snapshots ready in 0.5 s instead of
    // 3.5 s (bench part history). Written without sorting the users (a sort
    // instance cost 1.8 KB more). 401.2 KB with the million-row work beside
    // it (exports in parts, radix sort by one key per row, one-pass
    // tallies, the listing's refresh spaced out as the table grows: 0.2 KB
    // net after trims, on the same base). 404.4 KB with the rows held by
    // column (3.4 KB against 401.0 KB, both from `cargo xtask dist`): the
    // columns and the records kept whole beside them, times read and
    // written as Unix ms without the time crate, the texts written from
    // the columns for the table and the exports, a bit per character for
    // the filter; it takes a million rows from 492 to 165 B per user and a
    // Filter keystroke from 104 to 68 ms (bench part large). The shown rows
    // and the directory's join are shared (`Arc`), one memo type for both.
    // 359.5 KB once the page loads in parts (41.7 KB off 401.2 KB, both
    // from `cargo xtask dist` or the e2e stage): the exports (12.6 KB
    // gzip), the directory's file reading, mapping, Departments view and
    // list (39.3 KB), the usage history's file imports and export (9.6 KB),
    // the histogram and top users (9.5 KB) and five small shared wasm files
    // (4.2 KB) are fetched the first time they are used; the glue is
    // minified by esbuild (7.7 KB gzip) where Trunk's minifier gave up on
    // the parts' loader import. The main module carries the exports the
    // parts link to (`--keep-lld-exports`). The goal is now 150 KB. Built
    // by stable (`KOODRIVE_WASM_TOOLCHAIN=stable cargo xtask dist`) the
    // split page is 386.7 KB (424.9 KB in one wasm).
    // 362.5 KB with both: the page in parts and the rows held by column
    // (3.0 KB over the parts alone, as the columns cost the single wasm
    // 3.4 KB above); built by stable, 390.5 KB.
    // 307.7 KB once the usage history is a part of its own (54.8 KB off
    // 362.5 KB, both from `cargo xtask dist`): fetched once history is in
    // use (ticked, kept here, kept by the gateway, imported), it carries
    // the snapshots' codec and storage with miniz_oxide's zlib, the trends,
    // the History region's table and charts and the gateway's snapshots
    // (66.7 KB gzip); the region's frame stays. Built by stable, 329.9 KB.
    // 303.1 KB with the reader of User ID CSV files as a part (4.6 KB off:
    // the csv crate's reader, shared with the directory's part, and the
    // import's own code; the part itself 1.2 KB). Built by stable, 324.8 KB.
    // 292.7 KB with Leptos' `--cfg erase_components` in the release build
    // (10.4 KB off 303.1 KB, both from `cargo xtask dist`; the parts lose
    // some 21 KB more): each component returns a type-erased view, so the
    // view code is not instantiated for each component's full type. Built
    // by stable, 315.8 KB.
    ceiling: 293 * 1024,
    stable_ceiling: 316 * 1024,
    causes: "the main wasm (some 280 KB gzip) still holds Leptos and its reactive runtime \
             (about a third of its code), the client, the page's views (connection, query, \
             table, summary, notices), the results' state (rows, sorts, filters, tallies) \
             and the directory's join used by the table; see `cargo xtask dist` for the \
             first load and each part, and twiggy on a `--keep-debug` build (`cargo xtask \
             bench --part sizes`) for what takes the room",
};

impl Budget {
    /// Checks `gzip` bytes against the ceiling (the stable one when
    /// `stable`); the message says where it stands against the goal.
    pub fn check(&self, gzip: u64, stable: bool) -> Result<String> {
        let kb = |b: u64| format!("{:.1} KB", b as f64 / 1024.0);
        let ceiling = if stable {
            self.stable_ceiling
        } else {
            self.ceiling
        };
        if gzip > ceiling {
            return Err(format!(
                "{} is {}, over its ceiling of {} (goal {}): it grew; find what grew \
                 (`cargo xtask bench --part sizes` shows what takes the room) before \
                 raising the ceiling in xtask/src/bench/budgets.rs",
                self.what,
                kb(gzip),
                kb(ceiling),
                kb(self.goal)
            ));
        }
        if gzip <= self.goal {
            Ok(format!(
                "{}: {} ≤ goal {} (met)",
                self.what,
                kb(gzip),
                kb(self.goal)
            ))
        } else {
            Ok(format!(
                "{}: {} ≤ ceiling {}; goal {} not met yet, {} to go: {}",
                self.what,
                kb(gzip),
                kb(ceiling),
                kb(self.goal),
                kb(gzip - self.goal),
                self.causes
            ))
        }
    }
}

/// The `budgets` test stage: the npm package built by the `npm` stage and
/// the admin page built by the `e2e` stage, each built here when missing.
pub fn stage() -> Result<()> {
    let root = workspace_root();
    let package = root.join("target/npm").join(crate::npm::PACKAGE);
    let sizes = if package.join("wasm/koodrive_space_usage_bg.wasm").is_file() {
        crate::npm::main_entry_sizes(&package)?
    } else {
        crate::npm::build()?.sizes
    };
    let mut failures = Vec::new();
    let mut report = |result: Result<String>| match result {
        Ok(line) => println!("{line}"),
        Err(e) => {
            println!("FAILED: {e}");
            failures.push(e);
        }
    };
    let stable = matches!(
        crate::nightly::wasm_toolchain(),
        crate::nightly::WasmToolchain::Stable { .. }
    );
    report(NPM_MAIN_ENTRY.check(sizes.js_gzip + sizes.wasm_gzip, stable));
    let dist = root.join(crate::admin::DIST_DIR);
    let dist = if dist.join("index.html").is_file() {
        dist
    } else {
        crate::admin::build()?
    };
    report(admin_gzip(&dist).and_then(|gzip| ADMIN_FIRST_LOAD.check(gzip, stable)));
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("; "))
    }
}

fn admin_gzip(dist: &Path) -> Result<u64> {
    Ok(crate::admin::first_load(dist)?.iter().map(|f| f.gzip).sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: Budget = Budget {
        what: "thing",
        goal: 10 * 1024,
        ceiling: 20 * 1024,
        stable_ceiling: 22 * 1024,
        causes: "because",
    };

    #[test]
    fn a_size_over_its_ceiling_fails() {
        assert!(
            B.check(21 * 1024, false)
                .is_err_and(|e| e.contains("over its ceiling"))
        );
        assert!(
            B.check(23 * 1024, true)
                .is_err_and(|e| e.contains("over its ceiling of 22.0 KB"))
        );
    }

    #[test]
    fn a_size_under_the_ceiling_says_the_distance_to_the_goal() {
        let line = B.check(15 * 1024, false).unwrap();
        assert!(line.contains("5.0 KB to go: because"), "{line}");
        assert!(B.check(9 * 1024, false).unwrap().contains("(met)"));
        let line = B.check(21 * 1024, true).unwrap();
        assert!(line.contains("ceiling 22.0 KB"), "{line}");
    }

    #[test]
    fn ceilings_never_sit_below_their_goal() {
        for b in [NPM_MAIN_ENTRY, ADMIN_FIRST_LOAD] {
            assert!(b.ceiling >= b.goal, "{}", b.what);
            assert!(b.stable_ceiling >= b.ceiling, "{}", b.what);
        }
    }
}
