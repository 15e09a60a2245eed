// Shared by the harnesses that drive the built admin page in headless
// Chromium (admin.mjs, directory.mjs, history.mjs, large-page.mjs): the
// browser, the page and its errors, and the two timings they all take, a
// sort click and a Filter keystroke, each to the next painted frame.

import { Metrics, devModule, log, setting } from "./lib.mjs";

/** Chromium's flags for a quiet, headless measurement. */
const QUIET_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
];

/**
 * Runs `body({ context, page, metrics })` in a new 1280 × 900 page of the
 * machine's Chromium (CHROMIUM, /usr/bin/chromium) through playwright-core;
 * `body` opens the admin page itself, after any init script it needs. Then
 * emits the metrics, the page's errors among their notes, and closes the
 * browser, also when `body` throws.
 *
 * Options: `hangGuardMs`, the longest any one wait may take; `args`, more
 * Chromium flags; `context`, more `newContext` options; `metrics`, the
 * harness's own when it noted something before.
 */
export async function withPage({ hangGuardMs, args = [], context: contextOptions = {}, metrics = new Metrics() }, body) {
  const { chromium } = await devModule("playwright-core");
  const browser = await chromium.launch({
    executablePath: setting("CHROMIUM", "/usr/bin/chromium"),
    args: [...QUIET_FLAGS, ...args],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...contextOptions });
    context.setDefaultTimeout(hangGuardMs);
    const page = await context.newPage();
    const problems = [];
    page.on("pageerror", (e) => problems.push(e.message));
    await body({ context, page, metrics });
    if (problems.length > 0) metrics.notes.push(`page errors: ${problems.slice(0, 3).join("; ")}`);
    metrics.emit();
  } finally {
    await browser.close();
  }
}

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

/**
 * Clicks the "Used" column header `reps` times (so both ways) and adds each
 * click-to-paint time to `metric`, waiting at most `withinMs` for the table
 * to change and `pauseMs` between clicks.
 */
export async function measureSort(page, metrics, metric, { reps, withinMs, pauseMs }) {
  await page.evaluate(`window.__paintAfterChange = ${PAINT_AFTER_CHANGE}`);
  const header = page.getByRole("columnheader", { name: "Used" });
  const target = (await header.getByRole("button").count()) > 0 ? header.getByRole("button") : header;
  const handle = await target.elementHandle();
  for (let i = 0; i < reps; i++) {
    const ms = await page.evaluate(
      async ([el, within]) => {
        const painted = window.__paintAfterChange(within);
        const t0 = performance.now();
        el.click();
        return (await painted) - t0;
      },
      [handle, withinMs],
    );
    metrics.add(metric, "ms", ms);
    log(`  sort ${i + 1}/${reps}: ${ms.toFixed(1)} ms`);
    await page.waitForTimeout(pauseMs);
  }
}

/**
 * Types "7" into Filter (and takes it back) `reps` times, adding each time
 * from the key event to the next painted frame to `metric`.
 */
export async function measureKeystroke(page, metrics, metric, { reps, withinMs, pauseMs }) {
  await page.evaluate(`window.__paintAfterChange = ${PAINT_AFTER_CHANGE}`);
  const filter = page.getByRole("searchbox", { name: "Filter" });
  const box = (await filter.count()) > 0 ? filter : page.getByLabel("Filter", { exact: true });
  await box.focus();
  for (let i = 0; i < reps; i++) {
    // Listen first, then type: the key event's own time starts the clock.
    await page.evaluate((within) => {
      window.__keystroke = new Promise((resolve, reject) => {
        addEventListener("keydown", (e) => window.__paintAfterChange(within).then((t) => resolve(t - e.timeStamp), reject), {
          once: true,
          capture: true,
        });
      });
    }, withinMs);
    await page.keyboard.press("7");
    const ms = await page.evaluate(() => window.__keystroke);
    metrics.add(metric, "ms", ms);
    log(`  keystroke ${i + 1}/${reps}: ${ms.toFixed(1)} ms`);
    await page.keyboard.press("Backspace");
    await page.waitForTimeout(pauseMs);
  }
}
