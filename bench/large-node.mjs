// Part "large" of `cargo xtask bench`, its Node half: every user of a
// sandbox of BENCH_USERS users listed from Node, with every answer held back
// BENCH_DELAY_MS (a `delay` fault, as a real round trip would). Alternatives,
// run in turns (rotating order), each BENCH_REPS times:
//   ours    listUsageAll of the npm module, pages of 100, concurrency BENCH_CONCURRENCY
//           (a new client each run, so its first page alone is counted)
//   fetch   the floor: a bare fetch pool of the same concurrency asking for the
//           same pages (same headers), reading the bodies; it knows the
//           total beforehand, which ours learns from its first page
// Metrics: `large-node-ours` and `large-node-fetch`, wall time in ms.
//
// Environment: BENCH_SANDBOX_URL, BENCH_PACKAGE_DIR, BENCH_USERS (50000),
// BENCH_REPS (3), BENCH_DELAY_MS (50), BENCH_CONCURRENCY (8).

import { ACTING, Metrics, TOKEN, USAGE_PATH, control, count, loadPackage, log, main, rotate, setting, tokenHeaders } from "./lib.mjs";

await main(async () => {
  const base = setting("BENCH_SANDBOX_URL");
  const users = count("BENCH_USERS", 50000);
  const reps = count("BENCH_REPS", 3);
  const delayMs = count("BENCH_DELAY_MS", 50);
  const concurrency = count("BENCH_CONCURRENCY", 8);
  const { SpaceUsageClient } = await loadPackage();
  const pages = Math.ceil(users / 100);

  const ours = async () => {
    const client = new SpaceUsageClient({ baseUrl: base, actingUserId: ACTING, accessToken: TOKEN });
    const report = await client.listUsageAll({ pageSize: 100, concurrency });
    if (report.failedPages.length > 0) throw new Error(`ours: ${report.failedPages.length} pages failed: ${report.failedPages[0].error.message}`);
    if (report.warnings.length > 0) throw new Error(`ours: ${report.warnings[0]}`);
    return report.items.length;
  };
  const pool = async () => {
    let next = 0;
    let bytes = 0;
    const worker = async () => {
      while (next < pages) {
        const offset = 100 * next++;
        const res = await fetch(base + USAGE_PATH, { method: "POST", headers: tokenHeaders(), body: JSON.stringify({ limit: 100, offset }) });
        const body = await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`fetch: HTTP ${res.status}`);
        bytes += body.byteLength;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return bytes > 0 ? users : 0;
  };
  const alternatives = [
    ["ours", ours],
    ["fetch", pool],
  ];

  const metrics = new Metrics();
  metrics.notes.push(`large: ${users} users in ${pages} pages of 100 from Node, concurrency ${concurrency}, sandbox delay ${delayMs} ms per answer`);
  await control(base, "POST", "/__sandbox/reset");
  for (const [, run] of alternatives) await run(); // warm-up, no delay
  await control(base, "POST", "/__sandbox/faults", { kind: "delay", delayMs, count: 1_000_000_000 });
  for (let rep = 0; rep < reps; rep++) {
    for (const [name, run] of rotate(alternatives, rep)) {
      const started = performance.now();
      const items = await run();
      const wall = performance.now() - started;
      if (items !== users) throw new Error(`${name}: ${items} of ${users} users listed`);
      metrics.add(`large-node-${name}`, "ms", wall);
      log(`  run ${rep + 1}/${reps} ${name.padEnd(6)} ${wall.toFixed(0).padStart(7)} ms`);
    }
  }
  await control(base, "DELETE", "/__sandbox/faults");
  metrics.emit();
});
