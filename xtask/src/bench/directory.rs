//! Part 6, the company directory joined to the usage rows in the admin page:
//! a CSV of 100,000 directory rows imported and joined with the 100,000
//! usage rows of "List all users", in headless Chromium through
//! playwright-core (`bench/directory.mjs`), against the release sandbox
//! serving the built page (`--users 100000 --static target/dist/admin`):
//! the time to read the file (to the column mapping), to join it (to the
//! table with its Name column), their total, a Filter keystroke and a sort
//! by Name once joined, and the memory it takes (the wasm's linear memory
//! and the JS heap, before the import and after the join).
//!
//! The baseline, measured in turns with ours in the same page, is a floor
//! written in the page's JavaScript: the same file read with
//! `File.arrayBuffer` + `TextDecoder`, split into lines and fields, put in a
//! `Map` by id, the 100,000 usage ids looked up in it and one search key
//! made per row. It does the work the page cannot avoid (decode, split,
//! index, look up) and nothing else, so ours ÷ floor says what the page's
//! own way costs. "List all users" (part 4) was the other candidate; it was
//! not chosen because it times 1,000 requests to the sandbox and their
//! rendering, none of which the directory does, so a ratio to it would
//! move with the network and the listing, not with the join. The memory
//! the directory adds (the wasm's growth, which comes in 64 KiB pages and
//! never shrinks, plus the JS heap's) stands beside the JS heap that the
//! floor's parsed and joined rows hold; the wasm memory and the JS heap
//! after the join stand beside the same page just before the import.
//!
//! The keystrokes and the sort keep part 4's goals: a directory must not
//! make the table slower to use than those goals allow. Part 4's keystroke
//! ("7") is also timed before the import, as the baseline of the same key
//! once the search keys hold names, emails and departments. When the page is
//! not built, has no directory import, or the run fails, the rows say so
//! instead of failing the bench.

use std::fmt::Write as _;

use super::process::{Harness, Planned, harness_part};
use super::table::{Goal, Row};
use super::{Ctx, PartOutput};
use crate::run::Result;

const PART: &str = "6 directory";

/// Each row: its key, what it measures, our metric, and its baseline (name, metric).
struct Spec {
    key: &'static str,
    what: &'static str,
    ours: &'static str,
    baseline: Option<(&'static str, &'static str)>,
    goal: Goal,
}

const SPECS: &[Spec] = &[
    Spec {
        key: "directory.read",
        what: "directory CSV of 100,000 rows: file chosen to the column mapping painted",
        ours: "directory-read",
        baseline: Some((
            "File.arrayBuffer + TextDecoder + split into fields, page JS (floor)",
            "floor-read",
        )),
        goal: Goal::None,
    },
    Spec {
        key: "directory.join",
        what: "Use directory: click to the Name column painted, 100,000 × 100,000 rows",
        ours: "directory-join",
        baseline: Some((
            "Map by id + 100,000 lookups + a search key per row, page JS (floor)",
            "floor-join",
        )),
        goal: Goal::None,
    },
    Spec {
        key: "directory.total",
        what: "import and join 100,000 directory rows with 100,000 usage rows (read + join)",
        ours: "directory-total",
        baseline: Some(("the two above, page JS (floor)", "floor-total")),
        goal: Goal::None,
    },
    Spec {
        key: "directory.keystroke",
        what: "one Filter keystroke (\"q\": names, emails) to paint, directory joined",
        ours: "directory-keystroke",
        baseline: None,
        goal: Goal::AtMost(50.0),
    },
    Spec {
        key: "directory.keystroke-7",
        what: "part 4's Filter keystroke (\"7\") to paint, directory joined",
        ours: "directory-keystroke-7",
        baseline: Some((
            "the same keystroke before the import, same page",
            "keystroke-7-before",
        )),
        goal: Goal::AtMost(50.0),
    },
    Spec {
        key: "directory.sort-name",
        what: "sort by Name: click to paint, directory joined",
        ours: "directory-sort-name",
        baseline: None,
        goal: Goal::AtMost(150.0),
    },
    Spec {
        key: "directory.memory-added",
        what: "memory the import and join add: growth of the wasm memory + of the JS heap",
        ours: "directory-mem-added",
        baseline: Some((
            "the JS heap the floor's parsed and joined rows hold",
            "floor-heap",
        )),
        goal: Goal::None,
    },
    Spec {
        key: "directory.wasm-memory",
        what: "wasm linear memory after the join (WebAssembly.Memory)",
        ours: "mem-joined-wasm",
        baseline: Some(("the same page before the import", "mem-before-wasm")),
        goal: Goal::None,
    },
    Spec {
        key: "directory.js-heap",
        what: "JS heap used after the join (performance.memory, after a GC)",
        ours: "mem-joined-heap",
        baseline: Some(("the same page before the import", "mem-before-heap")),
        goal: Goal::None,
    },
];

fn planned(spec: &Spec) -> Planned {
    let row = Planned::new(Row::new(PART, spec.key, spec.what), spec.ours).goal(spec.goal);
    match spec.baseline {
        Some((name, metric)) => row.against(name, metric),
        None => row,
    }
}

/// Runs part 6.
pub fn run(ctx: &Ctx) -> PartOutput {
    let measured = measure(ctx);
    let mut out = harness_part(&measured, SPECS.iter().map(planned).collect());
    if let Ok(h) = &measured {
        if let Some(list) = h.figure("list-all") {
            out.notes.push(format!(
                "List all users, before the import: {}",
                list.display()
            ));
        }
        out.sections
            .push(("The directory join's memory".into(), memory_section(h)));
    }
    out
}

fn measure(ctx: &Ctx) -> Result<Harness> {
    super::admin_table::run_on_built_page(
        ctx,
        "sandbox (100,000 users, admin page, directory)",
        "directory-sandbox.log",
        "directory.mjs",
        5,
    )
}

/// The memory measured at each step, in MiB.
fn memory_section(h: &Harness) -> String {
    let mib = |metric: &str| {
        h.figure(metric).map_or_else(
            || "—".to_owned(),
            |f| format!("{:.1}", f.median / 1_048_576.0),
        )
    };
    let mut s = String::from(
        "In MiB, after a forced garbage collection (CDP `HeapProfiler.collectGarbage`). \
         The wasm's linear memory only grows: what the directory frees stays available \
         to the page but is not given back. The JS heap is \
         `performance.memory.usedJSHeapSize` (Chromium with `--enable-precise-memory-info`), \
         which also counts the bytes of ArrayBuffers (such as a file read whole; not the \
         wasm memory), and CDP `Performance.getMetrics` `JSHeapUsedSize`, which does not.\n\n\
         | when | wasm linear memory | JS heap (performance.memory) | JS heap (CDP) |\n\
         |---|---|---|---|\n",
    );
    let steps = [
        ("before", "100,000 users listed, before the import"),
        ("read", "file read, column mapping shown"),
        ("joined", "after the first join"),
        ("last", "after the last of the turns' joins"),
        ("forgotten", "after Forget directory"),
    ];
    for (step, label) in steps {
        let _ = writeln!(
            s,
            "| {label} | {} | {} | {} |",
            mib(&format!("mem-{step}-wasm")),
            mib(&format!("mem-{step}-heap")),
            mib(&format!("mem-{step}-cdpHeap"))
        );
    }
    let delta = |after: &str, before: &str| {
        Some(h.figure(after)?.median - h.figure(before)?.median)
            .map(|d| format!("{:+.1} MiB", d / 1_048_576.0))
    };
    let _ = writeln!(
        s,
        "\nThe directory's cost, after the first join against before the import: wasm {}, \
         JS heap {}. The floor's parsed and joined rows, kept alive, hold {} of JS heap.",
        delta("mem-joined-wasm", "mem-before-wasm").unwrap_or_else(|| "—".into()),
        delta("mem-joined-heap", "mem-before-heap").unwrap_or_else(|| "—".into()),
        h.figure("floor-heap").map_or_else(
            || "—".to_owned(),
            |f| format!("{:.1} MiB", f.median / 1_048_576.0)
        ),
    );
    s
}
