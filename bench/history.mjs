// Part 8 of `cargo xtask bench`: the usage history in the admin page, in
// headless Chromium (playwright-core), served by the sandbox. A history file
// of BENCH_HISTORY_SNAPSHOTS snapshots (written by the native harness
// `history_scale`, 100,000 users × 90 days) is imported with "Keep history
// on this computer" ticked, then the page is loaded again BENCH_REPS times:
//   history-import  picking the file to "90 snapshots" in the History region
//                   (reading, checking and merging the file, the trends)
//   history-ready   from the start of the navigation (performance.now() in
//                   the page) to the History region listing every snapshot
//                   and the table's Growth and Full in headers shown: the
//                   snapshots and the trends kept beside them read back
//                   from IndexedDB
//   history-ready-computing  the same once the kept trends are deleted, so
//                   that the page decodes every snapshot and computes the
//                   trends (a first load after they went stale)
//
// Environment: BENCH_SANDBOX_URL, BENCH_NODE_MODULES, BENCH_HISTORY_FILE,
// BENCH_HISTORY_SNAPSHOTS (90), BENCH_REPS (3), CHROMIUM (/usr/bin/chromium).

import { count, log, main, setting } from "./lib.mjs";
import { withPage } from "./page.mjs";

const HANG_GUARD_MS = 300_000;

await main(async () => {
  const base = setting("BENCH_SANDBOX_URL");
  const file = setting("BENCH_HISTORY_FILE");
  const snapshots = count("BENCH_HISTORY_SNAPSHOTS", 90);
  const reps = count("BENCH_REPS", 3);
  await withPage({ hangGuardMs: HANG_GUARD_MS }, async ({ page, metrics }) => {
    await page.goto(base + "/");
    await page.getByRole("button", { name: "Query", exact: true }).waitFor();
    const all = new RegExp(`^${snapshots} snapshots · `);
    const summary = page.locator(".history-summary").filter({ hasText: all });

    await page.getByLabel("Keep history on this computer").check();
    const started = Date.now();
    await page.getByLabel("Import history", { exact: true }).setInputFiles(file);
    await summary.waitFor();
    metrics.add("history-import", "ms", Date.now() - started);
    log(`imported ${snapshots} snapshots in ${Date.now() - started} ms`);
    // Written to IndexedDB in the background: wait until every snapshot is there.
    const stored = (store) =>
      page.evaluate(
        (store) =>
          new Promise((resolve) => {
            const open = indexedDB.open("koodrive-admin-history");
            open.onsuccess = () => {
              const db = open.result;
              const req = db.transaction(store).objectStore(store).count();
              req.onsuccess = () => {
                db.close();
                resolve(req.result);
              };
              req.onerror = () => resolve(-1);
            };
            open.onerror = () => resolve(-1);
          }),
        store,
      );
    while ((await stored("snapshots")) < snapshots || (await stored("trends")) < 1) await page.waitForTimeout(200);

    for (let rep = 0; rep < reps; rep++) {
      await page.reload();
      await summary.waitFor();
      await page.getByRole("columnheader", { name: "Full in" }).waitFor();
      const ready = await page.evaluate(() => performance.now());
      metrics.add("history-ready", "ms", ready);
      log(`rep ${rep + 1}: history ready ${ready.toFixed(0)} ms after the navigation began`);
    }

    // Without the kept trends: every snapshot decoded, the trends computed.
    await page.evaluate(
      () =>
        new Promise((resolve, reject) => {
          const open = indexedDB.open("koodrive-admin-history");
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const db = open.result;
            const tx = db.transaction("trends", "readwrite");
            tx.objectStore("trends").clear();
            tx.oncomplete = () => {
              db.close();
              resolve();
            };
            tx.onerror = () => reject(tx.error);
          };
        }),
    );
    await page.reload();
    await summary.waitFor();
    await page.getByRole("columnheader", { name: "Full in" }).waitFor();
    const computing = await page.evaluate(() => performance.now());
    metrics.add("history-ready-computing", "ms", computing);
    log(`without the kept trends: history ready ${computing.toFixed(0)} ms after the navigation began`);
  });
});
