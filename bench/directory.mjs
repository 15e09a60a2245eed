// Part 6 of `cargo xtask bench`: the company directory joined to 100,000
// usage rows in the admin page, in headless Chromium (playwright-core),
// served by the sandbox (`--users 100000 --static target/dist/admin`).
//
// It takes the sandbox's 100,000 ids from its listing, writes a directory
// CSV of 100,000 rows with the same ids in another (seeded, shuffled) order
// to a temporary folder (columns `userId,name,email,department,status`, so
// that the page guesses every column; one name in twenty quoted with a
// comma, a few non-ASCII letters), clicks "List all users", waits for
// "100,000 users shown" with no progress bar, then measures in the page
// (performance.now, a MutationObserver, and the first task after the next
// animation frame as "painted"):
//   directory-read       from the file input's input/change event (after
//                        setInputFiles on "Import directory CSV") to the
//                        painted frame showing the "User ID column" select
//                        and "N rows read"
//   directory-join       from the click on "Use directory" to the painted
//                        frame whose results table has the "Name" column
//                        header and names in its rows
//   directory-total      their sum, per turn
//   floor-read, floor-join, floor-total
//                        the baseline, in turns with ours in the same page:
//                        the same file (a file input of the harness's own)
//                        read with File.arrayBuffer + TextDecoder, split into
//                        lines and fields (a small quote-aware split), then a
//                        Map by id, the 100,000 usage ids looked up in it and
//                        one lower-case search key per row made: the least a
//                        page written in JavaScript would do
//   directory-keystroke  one key ("q", which only names, emails and
//                        departments hold) typed into "Filter" once joined,
//                        to paint
//   directory-keystroke-7, keystroke-7-before
//                        part 4's key ("7") once joined (ids and emails
//                        match), and before the import (ids only)
//   directory-sort-name  a click on the "Name" header to paint
//   directory-mem-added  what the first import and join added: the growth of
//                        the wasm's memory plus that of the JS heap (against
//                        floor-heap, the JS heap the floor's rows hold)
//   memory (bytes, after a forced GC): the wasm's linear memory
//                        (WebAssembly.Memory.buffer.byteLength, the memory of
//                        the exports the TrunkApplicationStarted event
//                        carries), performance.memory.usedJSHeapSize (Chromium
//                        runs with --enable-precise-memory-info) and CDP
//                        Performance.getMetrics JSHeapUsedSize: before the
//                        import, after the read, after the first join, after
//                        the last join, after "Forget directory"; and the JS
//                        heap the floor's joined rows hold.
// Between turns "Forget directory" drops the directory and the file is
// imported again.
//
// Environment: BENCH_SANDBOX_URL, BENCH_NODE_MODULES, BENCH_USERS (100000),
// BENCH_REPS (5), CHROMIUM (/usr/bin/chromium).

import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { Metrics, count, listAllInPage, listIds, log, main, rotate, setting } from "./lib.mjs";
import { withPage } from "./page.mjs";

const HANG_GUARD_MS = 180_000;
const FILTER_KEY = "q";

// In the page: helpers the measurements share (installed once).
const PAGE_HELPERS = `(() => {
  const paintedNow = (resolve) => requestAnimationFrame(() => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => resolve(performance.now());
    ch.port2.postMessage(0);
  });
  // The accessible-ish label of a form control: aria-label or its <label>s.
  const labelOf = (el) => el.getAttribute("aria-label") ??
    [...(el.labels ?? [])].map((l) => l.textContent.trim()).join(" ");
  const visible = (el) => (el.checkVisibility ? el.checkVisibility() : el.offsetParent !== null);
  const B = (window.__bench = {
    // Resolves with the time of the first task after the next animation
    // frame that follows a change of the document (the frame that shows the
    // change has been painted), or rejects after ms.
    paintAfterChange: (ms) => new Promise((resolve, reject) => {
      const timer = setTimeout(() => { mo.disconnect(); reject(new Error("no change within " + ms + " ms")); }, ms);
      const mo = new MutationObserver(() => { mo.disconnect(); clearTimeout(timer); paintedNow(resolve); });
      mo.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    }),
    // The same, after the first change that makes cond() true.
    paintWhen: (cond, ms, what) => new Promise((resolve, reject) => {
      const timer = setTimeout(() => { mo.disconnect(); reject(new Error("not seen within " + ms + " ms: " + what)); }, ms);
      const mo = new MutationObserver(() => {
        if (!cond()) return;
        mo.disconnect(); clearTimeout(timer); paintedNow(resolve);
      });
      mo.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    }),
    mappingShown: () => [...document.querySelectorAll("select")].some((s) => labelOf(s).includes("User ID column") && visible(s)),
    rowsRead: () => {
      const m = /([\\d,.\\s\\u00a0\\u202f]+)\\s+rows? read/.exec(document.body.textContent ?? "");
      return m ? Number(m[1].replace(/\\D/g, "")) : null;
    },
    // The results table's "Name" header cell, when it has one.
    nameHeader: () => {
      const table = document.querySelector("table.results") ? "table.results" : "table";
      return [...document.querySelectorAll(table + " th")].find((th) => /^Name\\b/.test(th.textContent.trim())) ?? null;
    },
    // Whether rows of that table show names (not "Not in directory").
    namesShown: () => {
      const th = B.nameHeader();
      if (!th) return false;
      const table = th.closest("table");
      const col = th.cellIndex;
      for (const tr of table?.tBodies[0]?.rows ?? []) {
        const cell = tr.cells[col];
        const text = cell?.textContent.trim() ?? "";
        if (tr.cells.length > col && text !== "" && !text.includes("Not in directory")) return true;
      }
      return false;
    },
  });
})()`;

// In the page: the floor. Reads the harness's own file input, returns the
// times of its two halves; keeps the joined rows in window.__floorKeep.
const FLOOR = `async () => {
  const file = document.getElementById("__bench_floor_file").files[0];
  const ids = window.__benchUsageIds;
  const splitLine = (line) => {
    if (!line.includes('"')) return line.split(",");
    const out = [];
    let field = "", quoted = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (quoted) {
        if (c === '"') { if (line[i + 1] === '"') { field += '"'; i++; } else quoted = false; }
        else field += c;
      } else if (c === '"') quoted = true;
      else if (c === ",") { out.push(field); field = ""; }
      else field += c;
    }
    out.push(field);
    return out;
  };
  const t0 = performance.now();
  let text = new TextDecoder().decode(await file.arrayBuffer());
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split("\\n");
  const rows = [];
  for (let i = 1; i < lines.length; i++) {
    let line = lines[i];
    if (line.endsWith("\\r")) line = line.slice(0, -1);
    if (line !== "") rows.push(splitLine(line));
  }
  const t1 = performance.now();
  const byId = new Map();
  for (let i = 0; i < rows.length; i++) byId.set(rows[i][0], i);
  const joined = new Array(ids.length);
  let matched = 0;
  for (let i = 0; i < ids.length; i++) {
    const at = byId.get(ids[i]);
    if (at === undefined) { joined[i] = null; continue; }
    const r = rows[at];
    matched++;
    joined[i] = { name: r[1], email: r[2], department: r[3], key: (ids[i] + "\\n" + r[1] + "\\n" + r[2] + "\\n" + r[3]).toLowerCase() };
  }
  const t2 = performance.now();
  window.__floorKeep = { rows, joined };
  return { read: t1 - t0, join: t2 - t1, rows: rows.length, matched };
}`;

const FIRST = ["Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "John", "Margaret", "Ken", "Dennis", "Radia",
  "Linus", "Guido", "Bjarne", "Niklaus", "Tony", "Leslie", "Shafi", "Quentin", "Jacques", "Joaquim", "Yukihiro", "Sophie",
  "Anita", "Hedy", "Katherine", "Dorothy", "Mary", "Tim", "Vint", "Whitfield", "Martin", "Lynn", "Jean", "Adele", "Evelyn",
  "Ivan", "José", "Zoë", "Søren", "Anne-Marie", "Mei", "Priya", "Olumide", "Aoife"];
const LAST = ["Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Allen", "McCarthy", "Hamilton", "Thompson",
  "Ritchie", "Perlman", "Torvalds", "van Rossum", "Stroustrup", "Wirth", "Hoare", "Lamport", "Goldwasser", "Quinn",
  "Jacquard", "Borg", "Lamarr", "Johnson", "Vaughan", "Jackson", "Berners-Lee", "Cerf", "Kahn", "Diffie", "Fowler",
  "Conway", "Sammet", "Goldberg", "Berry", "Sutherland", "Núñez", "Okafor", "Nakamura", "Sharma", "Ó Briain"];
const DEPARTMENTS = ["Sales", "Engineering", "Finance", "Legal", "Marketing", "Support", "Operations", "Research",
  "Human Resources", "Procurement", "Facilities", "Security", "Design", "Quality Assurance", "Logistics", "Training",
  "Customer Success", "Data", "Platform", "Mobile", "Infrastructure", "Communications", "Strategy", "Executive Office"];

/** A small seeded generator (mulberry32), so that the file is the same every run. */
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The directory CSV of `ids`, in a shuffled order. */
function directoryCsv(ids) {
  const random = seeded(42);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const order = ids.slice();
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const lines = ["userId,name,email,department,status"];
  order.forEach((id, n) => {
    const first = pick(FIRST);
    const last = pick(LAST);
    // Emails are ASCII and unique: the name's letters, then a number.
    const local = `${first}.${last}`.normalize("NFD").replace(/[^A-Za-z.]/g, "").toLowerCase();
    const email = `${local}.${n + 1}@example.com`;
    const name = random() < 0.05 ? `"${last}, ${first}"` : `${first} ${last}`;
    const status = random() < 0.05 ? "disabled" : "active";
    lines.push(`${id},${name},${email},${pick(DEPARTMENTS)},${status}`);
  });
  return `${lines.join("\r\n")}\r\n`;
}

await main(async () => {
  const base = setting("BENCH_SANDBOX_URL");
  const users = count("BENCH_USERS", 100000);
  const reps = Math.max(1, count("BENCH_REPS", 5));
  const metrics = new Metrics();

  log(`directory: reading the sandbox's ${users} ids`);
  const ids = await listIds(base, users);
  const dir = mkdtempSync(join(tmpdir(), "koodrive-bench-directory-"));
  const csvPath = join(dir, "directory.csv");
  writeFileSync(csvPath, directoryCsv(ids));
  const csvBytes = statSync(csvPath).size;
  metrics.notes.push(
    `the directory CSV: ${users.toLocaleString("en-US")} rows (userId,name,email,department,status), ` +
      `${(csvBytes / 1048576).toFixed(1)} MiB, shuffled against the listing; ${reps} turns of ours and the floor`,
  );
  log(`directory: ${csvPath} (${(csvBytes / 1048576).toFixed(1)} MiB)`);

  try {
    const options = { hangGuardMs: HANG_GUARD_MS, args: ["--enable-precise-memory-info"], metrics };
    await withPage(options, async ({ context, page }) => {
      // The wasm's memory: the exports travel with the event the page's loader sends.
      await page.addInitScript(() => {
        addEventListener("TrunkApplicationStarted", (e) => {
          window.__benchWasmMemory = e.detail?.wasm?.memory ?? null;
        });
      });
      const cdp = await context.newCDPSession(page);
      await cdp.send("Performance.enable");
      await page.goto(base + "/");
      const listButton = page.getByRole("button", { name: "List all users" });
      await listButton.waitFor({ timeout: 30_000 });
      const importInput = page.getByLabel("Import directory CSV");
      await importInput.waitFor({ state: "attached", timeout: 5_000 }).catch(() => {});
      if ((await importInput.count()) === 0) {
        throw new Error("the page has no `Import directory CSV` input (built before the directory join?)");
      }
      await page.evaluate(PAGE_HELPERS);

      // Everything listed first: the join is of 100,000 rows with 100,000.
      log(`directory: listing ${users} users`);
      metrics.add("list-all", "ms", await listAllInPage(page, users, HANG_GUARD_MS));
      await page.waitForTimeout(1000);

      // Each of these on its own: one that fails becomes a note, the other figures stay.
      const extra = async (what, body) => {
        try {
          await body();
        } catch (e) {
          log(e instanceof Error ? (e.stack ?? e.message) : String(e));
          metrics.notes.push(`${what}: not measured (${(e instanceof Error ? e.message : String(e)).split("\n")[0]})`);
        }
      };
      // One key typed into "Filter" (from the key event) to the next painted
      // frame after the page changed, BENCH_REPS times; Backspace in between.
      const keystrokes = async (key, metric) => {
        const filter = page.getByRole("searchbox", { name: "Filter" });
        const box = (await filter.count()) > 0 ? filter : page.getByLabel("Filter", { exact: true });
        await box.focus({ timeout: 10_000 });
        for (let i = 0; i < reps; i++) {
          await page.evaluate(() => {
            window.__keystroke = new Promise((resolve, reject) => {
              addEventListener("keydown", (e) => window.__bench.paintAfterChange(10000).then((t) => resolve(t - e.timeStamp), reject), {
                once: true,
                capture: true,
              });
            });
          });
          await page.keyboard.press(key);
          const ms = await page.evaluate(() => window.__keystroke);
          metrics.add(metric, "ms", ms);
          log(`  keystroke "${key}" ${i + 1}/${reps}: ${ms.toFixed(1)} ms`);
          await page.keyboard.press("Backspace");
          await page.waitForTimeout(300);
        }
      };
      // Part 4's keystroke, before the import: the baseline of the same key once joined.
      await extra("Filter keystroke 7 before the import", () => keystrokes("7", "keystroke-7-before"));
      await page.waitForTimeout(500);

      // Memory after a forced GC, in bytes.
      const memory = async (label) => {
        await cdp.send("HeapProfiler.collectGarbage");
        await page.waitForTimeout(200);
        const m = await page.evaluate(() => ({
          wasm: window.__benchWasmMemory?.buffer?.byteLength ?? null,
          heap: performance.memory?.usedJSHeapSize ?? null,
        }));
        const { metrics: list } = await cdp.send("Performance.getMetrics");
        m.cdpHeap = list.find((x) => x.name === "JSHeapUsedSize")?.value ?? null;
        const mib = (b) => (b === null ? "?" : (b / 1048576).toFixed(1));
        log(`  memory ${label}: wasm ${mib(m.wasm)} MiB, JS heap ${mib(m.heap)} MiB (CDP ${mib(m.cdpHeap)} MiB)`);
        for (const [key, value] of Object.entries(m)) {
          if (value !== null) metrics.add(`mem-${label}-${key}`, "bytes", value);
        }
        return m;
      };
      const before = await memory("before");
      if (before.wasm === null) metrics.notes.push("wasm memory: not found (no TrunkApplicationStarted event with detail.wasm.memory)");

      const forgetButton = page.getByRole("button", { name: "Forget directory" });
      const useButton = page.getByRole("button", { name: "Use directory" });
      let loaded = false;
      const forget = async () => {
        await forgetButton.click();
        const until = Date.now() + 30_000;
        while (await page.evaluate(() => window.__bench.nameHeader() !== null)) {
          if (Date.now() > until) throw new Error("the Name column stayed after Forget directory");
          await page.waitForTimeout(25);
        }
        loaded = false;
      };

      let first = true;
      const ours = async () => {
        if (loaded) {
          await forget();
          await page.waitForTimeout(300);
        }
        // Read: listen first, then choose the file; the input event's time starts the clock.
        await page.evaluate((ms) => {
          const B = window.__bench;
          B.read = new Promise((resolve, reject) => {
            let start = null;
            const onInput = (e) => {
              if (start === null && e.target instanceof HTMLInputElement && e.target.type === "file") start = e.timeStamp;
            };
            addEventListener("input", onInput, true);
            addEventListener("change", onInput, true);
            B.paintWhen(() => start !== null && B.mappingShown() && B.rowsRead() !== null, ms, "the User ID column select and N rows read")
              .then((t) => resolve({ ms: t - start, rowsRead: B.rowsRead() }), reject)
              .finally(() => {
                removeEventListener("input", onInput, true);
                removeEventListener("change", onInput, true);
              });
          });
        }, HANG_GUARD_MS);
        // The same file again fires no change event: empty the input first, without events.
        await importInput.evaluate((el) => {
          el.value = "";
        });
        await importInput.setInputFiles(csvPath);
        const read = await page.evaluate(() => window.__bench.read);
        if (read.rowsRead !== users && first) metrics.notes.push(`the page said ${read.rowsRead} rows read, not ${users}`);
        if (first) await memory("read");
        // Join: a click from the page, to the painted table with names.
        const joinMs = await page.evaluate(
          async ([el, ms]) => {
            const B = window.__bench;
            const painted = B.paintWhen(() => B.namesShown(), ms, "the Name column with names in the rows");
            const t0 = performance.now();
            el.click();
            return (await painted) - t0;
          },
          [await useButton.elementHandle(), HANG_GUARD_MS],
        );
        loaded = true;
        metrics.add("directory-read", "ms", read.ms);
        metrics.add("directory-join", "ms", joinMs);
        metrics.add("directory-total", "ms", read.ms + joinMs);
        log(`  ours: read ${read.ms.toFixed(0)} ms, join ${joinMs.toFixed(0)} ms`);
        if (first) {
          first = false;
          const summary = (await page.locator(".directory-summary").first().textContent({ timeout: 5_000 }).catch(() => null)) ?? "";
          const expected = `Directory: ${users.toLocaleString("en-US")} users`;
          if (!summary.includes(expected)) metrics.notes.push(`directory summary: "${summary.trim()}", expected "${expected} · …"`);
          const kept = page.getByRole("checkbox", { name: "Keep on this computer" });
          if ((await kept.count()) > 0 && (await kept.isChecked())) {
            metrics.notes.push("Keep on this computer was checked: the times include storing the file in IndexedDB");
          }
          const joined = await memory("joined");
          if (before.wasm !== null && joined.wasm !== null && before.heap !== null && joined.heap !== null) {
            metrics.add("directory-mem-added", "bytes", joined.wasm - before.wasm + (joined.heap - before.heap));
          }
        }
      };

      let floorReady = false;
      let floorMeasured = false;
      const floor = async () => {
        if (!floorReady) {
          // The usage ids and a file input of the harness's own, holding the same file.
          await page.evaluate((list) => {
            window.__benchUsageIds = list;
            const input = document.createElement("input");
            input.type = "file";
            input.id = "__bench_floor_file";
            input.hidden = true;
            document.documentElement.append(input);
          }, ids);
          await page.setInputFiles("#__bench_floor_file", csvPath);
          floorReady = true;
        }
        const heapBefore = floorMeasured ? null : await memory("floor-before");
        const r = await page.evaluate(`(${FLOOR})()`);
        if (r.rows !== users || r.matched !== users) throw new Error(`the floor read ${r.rows} rows and matched ${r.matched}, not ${users}`);
        if (!floorMeasured) {
          floorMeasured = true;
          const heapAfter = await memory("floor-after");
          if (heapBefore.heap !== null && heapAfter.heap !== null) metrics.add("floor-heap", "bytes", heapAfter.heap - heapBefore.heap);
        }
        await page.evaluate(() => {
          window.__floorKeep = null;
        });
        metrics.add("floor-read", "ms", r.read);
        metrics.add("floor-join", "ms", r.join);
        metrics.add("floor-total", "ms", r.read + r.join);
        log(`  floor: read ${r.read.toFixed(0)} ms, join ${r.join.toFixed(0)} ms`);
      };

      for (let k = 0; k < reps; k++) {
        log(`directory: turn ${k + 1}/${reps}`);
        // Ours first in the first turn: its memory is measured before the floor's data is in the page.
        for (const which of rotate(["ours", "floor"], k)) {
          await (which === "ours" ? ours() : floor());
          await page.waitForTimeout(300);
        }
      }
      await page.evaluate(() => {
        window.__benchUsageIds = null;
      });
      await memory("last");

      // With the directory joined: a Filter keystroke (names widen the search keys) and a sort by Name.
      await extra("Filter keystroke on names", () => keystrokes(FILTER_KEY, "directory-keystroke"));
      await extra("Filter keystroke 7, directory joined", () => keystrokes("7", "directory-keystroke-7"));
      await extra("sort by Name", async () => {
        const results = (await page.locator("table.results").count()) > 0 ? page.locator("table.results") : page;
        const header = results.getByRole("columnheader", { name: "Name" });
        const sortTarget = (await header.getByRole("button").count()) > 0 ? header.getByRole("button").first() : header.first();
        const sortHandle = await sortTarget.elementHandle({ timeout: 10_000 });
        for (let i = 0; i < reps; i++) {
          const ms = await page.evaluate(async (el) => {
            const painted = window.__bench.paintAfterChange(10000);
            const t0 = performance.now();
            el.click();
            return (await painted) - t0;
          }, sortHandle);
          metrics.add("directory-sort-name", "ms", ms);
          log(`  sort by Name ${i + 1}/${reps}: ${ms.toFixed(1)} ms`);
          await page.waitForTimeout(200);
        }
      });

      await extra("memory after Forget directory", async () => {
        await forget();
        await page.waitForTimeout(300);
        await memory("forgotten");
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
