// Part "sizes" of `cargo xtask bench`, its page half: the built admin page
// (split into parts by `cargo xtask dist`) in headless Chromium, served by a
// sandbox of BENCH_USERS users. In a new browser context each time (nothing
// cached), it lists every user, then measures:
//   parts-export-first   click on "Export CSV" to the download, the first
//                        time: the exports' part is fetched, compiled and
//                        linked on the way
//   parts-export-again   the same click once the part is there (baseline)
// Environment: BENCH_SANDBOX_URL, BENCH_NODE_MODULES, BENCH_USERS (1000),
// BENCH_REPS (5), CHROMIUM (/usr/bin/chromium).

import { count, listAllInPage, log, main, setting } from "./lib.mjs";
import { withPage } from "./page.mjs";

const HANG_GUARD_MS = 120_000;

/** Milliseconds from a click on `name` to the download it starts. */
async function clickToDownload(page, name) {
  const started = Date.now();
  await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name }).click()]);
  return Date.now() - started;
}

await main(async () => {
  const base = setting("BENCH_SANDBOX_URL");
  const users = count("BENCH_USERS", 1000);
  const reps = count("BENCH_REPS", 5);
  await withPage({ hangGuardMs: HANG_GUARD_MS }, async ({ context, metrics }) => {
    const browser = context.browser();
    for (let i = 0; i < reps; i++) {
      const fresh = await browser.newContext({ acceptDownloads: true });
      fresh.setDefaultTimeout(HANG_GUARD_MS);
      try {
        const page = await fresh.newPage();
        const parts = [];
        page.on("response", (r) => {
          const name = new URL(r.url()).pathname.slice(1);
          if (/^(split|chunk)_.*\.wasm$/.test(name)) parts.push(name);
        });
        await page.goto(base + "/");
        await listAllInPage(page, users, HANG_GUARD_MS);
        const before = parts.length;
        const first = await clickToDownload(page, "Export CSV");
        const fetched = parts.slice(before);
        if (!fetched.some((n) => n.startsWith("split_exports"))) {
          throw new Error(`the first export fetched no exports part (fetched: ${fetched.join(", ") || "nothing"}); is the page built in parts?`);
        }
        const again = await clickToDownload(page, "Export CSV");
        metrics.add("parts-export-first", "ms", first);
        metrics.add("parts-export-again", "ms", again);
        log(`  run ${i + 1}/${reps}: first export ${first} ms (fetched ${fetched.join(", ")}), again ${again} ms`);
      } finally {
        await fresh.close();
      }
    }
    metrics.notes.push(`parts: ${users} users listed, then Export CSV clicked twice, ${reps} times, each in a new browser context`);
  });
});
