// Part 2 of `cargo xtask bench`: a bulk query of BENCH_IDS ids (requests of
// 50) against the sandbox from Node, once with the sandbox holding every
// answer back by BENCH_DELAY_MS (a `delay` fault, as a real round trip
// would) and once without. Alternatives, run in turns (rotating order), each
// BENCH_REPS times:
//   ours-cN        queryUsageAll of the npm module, concurrency N (a new client
//                  each run, so its one clock probe is counted)
//   fetch-cN       the floor: a bare fetch pool of N that sends the same
//                  requests (same headers) and only reads the bodies
//   openapi-seq    one request at a time with openapi-fetch
// Metrics: `<alt>-delay` and `<alt>-nodelay`, wall time in ms; `cpu-...` the
// harness's CPU time in ms (the server runs in its own process).
//
// Environment: BENCH_SANDBOX_URL, BENCH_PACKAGE_DIR, BENCH_NODE_MODULES,
// BENCH_IDS (10000), BENCH_REPS (5), BENCH_DELAY_MS (50), BENCH_CONCURRENCY ("4,8").

import { ACTING, Metrics, TOKEN, USAGE_PATH, chunks, control, count, devModule, listIds, loadPackage, log, main, rotate, setting, tokenHeaders } from "./lib.mjs";

await main(async () => {
  const base = setting("BENCH_SANDBOX_URL");
  const n = count("BENCH_IDS", 10000);
  const reps = count("BENCH_REPS", 5);
  const delayMs = count("BENCH_DELAY_MS", 50);
  const levels = setting("BENCH_CONCURRENCY", "4,8").split(",").map(Number);
  const { SpaceUsageClient } = await loadPackage();
  const { default: createClient } = await devModule("openapi-fetch");

  await control(base, "POST", "/__sandbox/reset");
  const ids = await listIds(base, n);
  const requests = chunks(ids);
  log(`bulk: ${ids.length} ids in ${requests.length} requests of 50, ${reps} runs each`);

  const ours = (c) => async () => {
    const client = new SpaceUsageClient({ baseUrl: base, actingUserId: ACTING, accessToken: TOKEN, concurrency: c });
    const report = await client.queryUsageAll(ids);
    if (report.failed.length > 0) throw new Error(`ours-c${c}: ${report.failed.length} chunks failed: ${report.failed[0].error.message}`);
    return report.items.length;
  };
  const pool = (c) => async () => {
    let next = 0;
    let bytes = 0;
    const worker = async () => {
      while (next < requests.length) {
        const userIds = requests[next++];
        const res = await fetch(base + USAGE_PATH, { method: "POST", headers: tokenHeaders(), body: JSON.stringify({ userIds }) });
        const body = await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`fetch-c${c}: HTTP ${res.status}`);
        bytes += body.byteLength;
      }
    };
    await Promise.all(Array.from({ length: c }, worker));
    return bytes > 0 ? ids.length : 0;
  };
  const sequential = async () => {
    const client = createClient({ baseUrl: base });
    let items = 0;
    for (const userIds of requests) {
      const { data, error } = await client.POST(USAGE_PATH, { body: { userIds }, headers: tokenHeaders() });
      if (error !== undefined || data?.code !== 0) throw new Error(`openapi-seq: ${JSON.stringify(error ?? data).slice(0, 200)}`);
      items += data.data.length;
    }
    return items;
  };

  const alternatives = [];
  for (const c of levels) alternatives.push([`ours-c${c}`, ours(c)], [`fetch-c${c}`, pool(c)]);
  alternatives.push(["openapi-seq", sequential]);

  const metrics = new Metrics();
  metrics.notes.push(`${ids.length} ids, ${requests.length} requests of 50, sandbox delay ${delayMs} ms per answer in the -delay runs`);
  // Warm-up: connections, JIT, the wasm's first calls.
  for (const [, run] of alternatives) await run();
  for (let rep = 0; rep < reps; rep++) {
    for (const phase of ["delay", "nodelay"]) {
      await control(base, "DELETE", "/__sandbox/faults");
      if (phase === "delay") {
        await control(base, "POST", "/__sandbox/faults", { kind: "delay", delayMs, count: 1_000_000_000 });
      }
      for (const [name, run] of rotate(alternatives, rep)) {
        const cpu = process.cpuUsage();
        const started = performance.now();
        const items = await run();
        const wall = performance.now() - started;
        const used = process.cpuUsage(cpu);
        if (items !== ids.length) throw new Error(`${name}: ${items} of ${ids.length} ids answered`);
        metrics.add(`${name}-${phase}`, "ms", wall);
        metrics.add(`cpu-${name}-${phase}`, "ms", (used.user + used.system) / 1000);
        log(`  run ${rep + 1}/${reps} ${phase.padEnd(7)} ${name.padEnd(12)} ${wall.toFixed(0).padStart(6)} ms wall ${((used.user + used.system) / 1000).toFixed(0).padStart(6)} ms cpu`);
      }
    }
  }
  await control(base, "DELETE", "/__sandbox/faults");
  metrics.emit();
});
