// Part 4 of `cargo xtask bench`: the admin page with 100,000 users, in
// headless Chromium (playwright-core), served by the sandbox
// (`--users 100000 --static target/dist/admin`). It clicks "List all users"
// and measures, in the page (performance.now, a MutationObserver, and the
// first task after the next animation frame as "painted"):
//   admin-first-paint  from the end of the first API answer to the first
//                      painted frame with rows in the table
//   admin-list-all     from the click to "100000 users shown", the progress bar gone
//   admin-sort         click on the "Used" header to the next painted frame
//                      after the table changed (BENCH_REPS times, both ways)
//   admin-keystroke    one key typed into "Filter" (from the key event) to the
//                      next painted frame after the page changed
//   admin-dom-rows     `tr` elements in the table once everything is listed
//
// Environment: BENCH_SANDBOX_URL, BENCH_NODE_MODULES, BENCH_USERS (100000),
// BENCH_REPS (5), CHROMIUM (/usr/bin/chromium).

import { count, listAllInPage, log, main, setting } from "./lib.mjs";
import { measureKeystroke, measureSort, withPage } from "./page.mjs";

const HANG_GUARD_MS = 180_000;

await main(async () => {
  const base = setting("BENCH_SANDBOX_URL");
  const users = count("BENCH_USERS", 100000);
  const reps = count("BENCH_REPS", 5);
  await withPage({ hangGuardMs: HANG_GUARD_MS }, async ({ page, metrics }) => {
    await page.goto(base + "/");
    await page.getByRole("button", { name: "List all users" }).waitFor({ timeout: 30_000 });

    // First paint with data: watch the API answers and the table's rows.
    await page.evaluate(`(() => {
      const b = (window.__bench = { firstAnswerEnd: null, rowsPainted: null });
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          if (b.firstAnswerEnd === null && e.name.includes("/space/usage/user")) b.firstAnswerEnd = e.responseEnd;
        }
      }).observe({ type: "resource" });
      const mo = new MutationObserver(() => {
        // A row that shows a user: a cell holding a long id.
        const body = document.querySelector("table tbody");
        if (body && /\\d{12}/.test(body.textContent ?? "")) {
          mo.disconnect();
          requestAnimationFrame(() => {
            const ch = new MessageChannel();
            ch.port1.onmessage = () => { b.rowsPainted = performance.now(); };
            ch.port2.postMessage(0);
          });
        }
      });
      mo.observe(document.body, { subtree: true, childList: true });
    })()`);
    log(`admin: listing ${users} users`);
    metrics.add("admin-list-all", "ms", await listAllInPage(page, users, HANG_GUARD_MS));
    const first = await page.evaluate("window.__bench");
    if (first.firstAnswerEnd !== null && first.rowsPainted !== null) {
      metrics.add("admin-first-paint", "ms", first.rowsPainted - first.firstAnswerEnd);
    } else {
      metrics.notes.push("first paint: not seen (no API answer or no table rows observed)");
    }
    metrics.add("admin-dom-rows", "rows", await page.evaluate(`document.querySelectorAll("table tr").length`));

    await measureSort(page, metrics, "admin-sort", { reps, withinMs: 10_000, pauseMs: 200 });
    await measureKeystroke(page, metrics, "admin-keystroke", { reps, withinMs: 10_000, pauseMs: 300 });
  });
});
