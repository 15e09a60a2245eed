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

import { Metrics, count, devModule, log, main, setting, listAllInPage } from "./lib.mjs";

const HANG_GUARD_MS = 180_000;

// In the page: resolves with the time of the first task after the next
// animation frame that follows a change of the document (the frame that
// shows the change has then been painted), or rejects after `ms`.
const PAINT_AFTER_CHANGE = `(ms) => new Promise((resolve, reject) => {
  const timer = setTimeout(() => { mo.disconnect(); reject(new Error("no change within " + ms + " ms")); }, ms);
  const mo = new MutationObserver(() => {
    mo.disconnect();
    clearTimeout(timer);
    requestAnimationFrame(() => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => resolve(performance.now());
      ch.port2.postMessage(0);
    });
  });
  mo.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
})`;

await main(async () => {
  const base = setting("BENCH_SANDBOX_URL");
  const users = count("BENCH_USERS", 100000);
  const reps = count("BENCH_REPS", 5);
  const { chromium } = await devModule("playwright-core");
  const browser = await chromium.launch({
    executablePath: setting("CHROMIUM", "/usr/bin/chromium"),
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(HANG_GUARD_MS);
    const page = await context.newPage();
    const problems = [];
    page.on("pageerror", (e) => problems.push(e.message));
    await page.goto(base + "/");
    const listButton = page.getByRole("button", { name: "List all users" });
    await listButton.waitFor({ timeout: 30_000 });
    const metrics = new Metrics();

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

    const header = page.getByRole("columnheader", { name: "Used" });
    const sortTarget = (await header.getByRole("button").count()) > 0 ? header.getByRole("button") : header;
    const sortHandle = await sortTarget.elementHandle();
    await page.evaluate(`window.__paintAfterChange = ${PAINT_AFTER_CHANGE}`);
    for (let i = 0; i < reps; i++) {
      const ms = await page.evaluate(async (el) => {
        const painted = window.__paintAfterChange(10000);
        const t0 = performance.now();
        el.click();
        return (await painted) - t0;
      }, sortHandle);
      metrics.add("admin-sort", "ms", ms);
      log(`  sort ${i + 1}/${reps}: ${ms.toFixed(1)} ms`);
      await page.waitForTimeout(200);
    }

    const filter = page.getByRole("searchbox", { name: "Filter" });
    const box = (await filter.count()) > 0 ? filter : page.getByLabel("Filter", { exact: true });
    await box.focus();
    for (let i = 0; i < reps; i++) {
      // Listen first, then type: the key event's own time starts the clock.
      await page.evaluate(() => {
        window.__keystroke = new Promise((resolve, reject) => {
          addEventListener("keydown", (e) => window.__paintAfterChange(10000).then((t) => resolve(t - e.timeStamp), reject), {
            once: true,
            capture: true,
          });
        });
      });
      await page.keyboard.press("7");
      const measured = page.evaluate(() => window.__keystroke);
      const ms = await measured;
      metrics.add("admin-keystroke", "ms", ms);
      log(`  keystroke ${i + 1}/${reps}: ${ms.toFixed(1)} ms`);
      await page.keyboard.press("Backspace");
      await page.waitForTimeout(300);
    }
    if (problems.length > 0) metrics.notes.push(`page errors: ${problems.slice(0, 3).join("; ")}`);
    metrics.emit();
  } finally {
    await browser.close();
  }
});
