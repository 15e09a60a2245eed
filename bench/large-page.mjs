// Part "large" of `cargo xtask bench`, its page half: the built admin page in
// headless Chromium (playwright-core), served by a sandbox of BENCH_USERS
// users (`--static target/dist/admin`), every answer held back
// BENCH_DELAY_MS (a `delay` fault; 0 for none). It measures:
//   large-page-ours-<tag>    "List all users": click to every user shown,
//                            the progress bar gone
//   large-page-fetch-<tag>   the floor: a plain fetch pool of BENCH_CONCURRENCY,
//                            in the same page, asking for the same pages and
//                            reading the bodies (it knows the total beforehand)
//   large-page-longest-task-<tag>  the longest gap between two ticks of a
//                            timer chain in the page while the pages stream in
// and, with BENCH_ROWS=1, at the rows listed:
//   large-bytes-per-user     wasm memory growth + JS heap growth (after a
//                            garbage collection), over the users listed
//   large-sort               click on the "Used" header to the next painted frame
//   large-keystroke          one key typed into "Filter" to the next painted frame
//   large-export-csv / -json click on "Export CSV" / "Export JSON" to the download
//
// Environment: BENCH_SANDBOX_URL, BENCH_NODE_MODULES, BENCH_USERS, BENCH_TAG,
// BENCH_DELAY_MS (50), BENCH_CONCURRENCY (8), BENCH_REPS (3), BENCH_ROWS (0),
// CHROMIUM (/usr/bin/chromium).

import { control, count, listAllInPage, log, main, setting } from "./lib.mjs";
import { measureKeystroke, measureSort, withPage } from "./page.mjs";

const HANG_GUARD_MS = 900_000;

// In the page: the same pages with a plain fetch pool; resolves with the ms taken.
const FETCH_POOL = `async ({ users, concurrency }) => {
  const pages = Math.ceil(users / 100);
  const alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
  const headers = () => {
    const bytes = crypto.getRandomValues(new Uint8Array(58));
    let trace = "";
    for (const b of bytes) trace += alphabet[b % 36];
    return {
      Authorization: "Bearer sandbox-token",
      "X-User-Id": "1505084218764547200",
      "X-Date": new Date(Date.now() - 1000).toISOString().replace(/[-:]/g, "").replace(/\\.\\d{3}Z$/, "Z"),
      "X-Traceid": trace,
      language: "en-US",
      "Content-Type": "application/json",
    };
  };
  let next = 0;
  let bytes = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < pages) {
      const offset = 100 * next++;
      const res = await fetch("/koodrive/ose/v1/space/usage/user", { method: "POST", headers: headers(), body: JSON.stringify({ limit: 100, offset }) });
      const body = await res.arrayBuffer();
      if (res.status !== 200) throw new Error("HTTP " + res.status);
      bytes += body.byteLength;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (bytes === 0) throw new Error("nothing read");
  return performance.now() - started;
}`;

// In the page: a timer chain noting the longest gap between two of its ticks.
const TICKS = `(() => {
  const t = (window.__ticks = { longest: 0, last: performance.now(), on: true });
  const tick = () => {
    const now = performance.now();
    t.longest = Math.max(t.longest, now - t.last);
    t.last = now;
    if (t.on) setTimeout(tick, 0);
  };
  setTimeout(tick, 0);
})()`;

await main(async () => {
  const base = setting("BENCH_SANDBOX_URL");
  const users = count("BENCH_USERS", 1000000);
  const tag = setting("BENCH_TAG", "delay");
  const delayMs = count("BENCH_DELAY_MS", 50);
  const concurrency = count("BENCH_CONCURRENCY", 8);
  const reps = count("BENCH_REPS", 3);
  const rows = count("BENCH_ROWS", 0) === 1;
  const options = { hangGuardMs: HANG_GUARD_MS, args: ["--js-flags=--expose-gc"], context: { acceptDownloads: true } };
  await withPage(options, async ({ context, page, metrics }) => {
    // Trunk announces the started wasm with its exports (and its memory).
    await context.addInitScript(() => {
      addEventListener("TrunkApplicationStarted", (e) => {
        window.__wasm = e.detail?.wasm;
      });
    });
    const cdp = await context.newCDPSession(page);
    await page.goto(base + "/");
    await page.getByRole("button", { name: "List all users" }).waitFor({ timeout: 60_000 });
    const memory = async () => {
      await cdp.send("HeapProfiler.collectGarbage");
      const { usedSize } = await cdp.send("Runtime.getHeapUsage");
      const wasm = await page.evaluate(() => window.__wasm?.memory?.buffer?.byteLength ?? null);
      return { js: usedSize, wasm };
    };

    await control(base, "POST", "/__sandbox/reset");
    if (delayMs > 0) await control(base, "POST", "/__sandbox/faults", { kind: "delay", delayMs, count: 1_000_000_000 });
    metrics.notes.push(`large (${tag}): ${users} users, pages of 100, concurrency ${concurrency}, ${delayMs > 0 ? `${delayMs} ms per answer` : "no delay"}; the floor is a fetch pool in the same page`);

    // The floor first: a fetch pool of the same concurrency, in the page.
    for (let i = 0; i < (rows ? 1 : reps); i++) {
      const ms = await page.evaluate(`(${FETCH_POOL})(${JSON.stringify({ users, concurrency })})`);
      metrics.add(`large-page-fetch-${tag}`, "ms", ms);
      log(`  fetch pool ${i + 1}: ${ms.toFixed(0)} ms`);
    }

    const before = await memory();
    await page.evaluate(TICKS);
    log(`large: listing ${users} users (${tag})`);
    const listed = await listAllInPage(page, users, HANG_GUARD_MS);
    const longest = await page.evaluate(() => {
      window.__ticks.on = false;
      return window.__ticks.longest;
    });
    metrics.add(`large-page-ours-${tag}`, "ms", listed);
    metrics.add(`large-page-longest-task-${tag}`, "ms", longest);
    log(`  List all users: ${listed} ms; longest task ${longest.toFixed(0)} ms`);
    await control(base, "DELETE", "/__sandbox/faults");

    if (rows) {
      const after = await memory();
      if (before.wasm === null || after.wasm === null) {
        metrics.notes.push("bytes per user: the wasm memory was not found (no TrunkApplicationStarted event); JS heap only");
      }
      const grown = (after.js - before.js) + ((after.wasm ?? 0) - (before.wasm ?? 0));
      metrics.add("large-bytes-per-user", "B", grown / users);
      metrics.notes.push(`memory at ${users} rows: JS heap ${before.js} → ${after.js} bytes, wasm memory ${before.wasm} → ${after.wasm} bytes`);

      await measureSort(page, metrics, "large-sort", { reps, withinMs: 60_000, pauseMs: 300 });
      await measureKeystroke(page, metrics, "large-keystroke", { reps, withinMs: 60_000, pauseMs: 1000 });

      for (const [name, metric] of [["Export CSV", "large-export-csv"], ["Export JSON", "large-export-json"]]) {
        const started = Date.now();
        const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name }).click()]);
        const ms = Date.now() - started;
        const path = await download.path();
        metrics.add(metric, "ms", ms);
        log(`  ${name}: ${ms} ms (${path})`);
      }
    }
  });
});
