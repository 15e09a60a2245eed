// Part 3 of `cargo xtask bench`: the client's own CPU time per request. A
// local Node `http` server in a child process answers every request with the
// same 50-record body; this process sends BENCH_REQUESTS requests one after
// another per sample and measures its CPU time (process.cpuUsage) and wall
// time. Alternatives, in turns (rotating order), BENCH_REPS samples each:
//   ours-token    queryUsage of 50 ids, token mode: validate, plan, send,
//                 read, classify, records with usedRatio and state
//   ours-app      the same in app mode (HMAC-SHA256 signature on every request)
//   openapi-fetch the same request with openapi-fetch (token mode), which
//                 parses the answer with JSON.parse
//   bare-fetch    fetch + JSON.parse, the same headers: the floor of all
// Metrics `cpu-<alt>` and `wall-<alt>`, µs per request.
//
// Environment: BENCH_PACKAGE_DIR, BENCH_NODE_MODULES, BENCH_REQUESTS (2000), BENCH_REPS (7).

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

import { ACTING, APP_ID, APP_SECRET, Metrics, TOKEN, USAGE_PATH, count, devModule, loadPackage, log, main, rotate, tokenHeaders } from "./lib.mjs";

/** 50 records shaped like the sandbox's: 19-digit ids, exact quotas, ISO times. */
export function fixedAnswer() {
  const data = [];
  for (let i = 0; i < 50; i++) {
    const quota = (BigInt(1 + i) * 1_073_741_824n * 37n + BigInt(i)).toString();
    data.push({
      userId: String(1008600000509220000n + BigInt(i * 7919)),
      quota,
      used: Number(quota) * ((i * 37) % 101) / 100 + 0.25,
      createTime: `2025-0${1 + (i % 9)}-1${i % 10}T08:37:14.613Z`,
      effectiveTime: `2025-0${1 + (i % 9)}-1${i % 10}T08:37:14.613Z`,
      expirationTime: `2026-0${1 + (i % 9)}-2${i % 10}T23:59:59.000Z`,
    });
  }
  return { code: 0, msg: "success", data, total: data.length };
}

async function startServer(bodyFile) {
  const script = join(dirname(fileURLToPath(import.meta.url)), "fixed-server.mjs");
  const child = spawn(process.execPath, [script, bodyFile], { stdio: ["ignore", "pipe", "inherit"] });
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`the fixed-body server exited (${code})`)));
  });
  const url = line.replace(/^listening on /, "").trim();
  return { url, stop: () => child.kill("SIGTERM") };
}

await main(async () => {
  const perSample = count("BENCH_REQUESTS", 2000);
  const reps = count("BENCH_REPS", 7);
  const { SpaceUsageClient } = await loadPackage();
  const { default: createClient } = await devModule("openapi-fetch");

  const answer = fixedAnswer();
  const ids = answer.data.map((r) => r.userId);
  const dir = mkdtempSync(join(tmpdir(), "koodrive-bench-"));
  const bodyFile = join(dir, "answer.json");
  writeFileSync(bodyFile, JSON.stringify(answer));
  const server = await startServer(bodyFile);
  try {
    const base = server.url;
    const tokenClient = new SpaceUsageClient({ baseUrl: base, actingUserId: ACTING, accessToken: TOKEN });
    const appClient = new SpaceUsageClient({ baseUrl: base, actingUserId: ACTING, appId: APP_ID, appSecret: APP_SECRET });
    const openapi = createClient({ baseUrl: base });
    const check = (n) => {
      if (n !== 50) throw new Error(`${n} records decoded, 50 expected`);
    };
    const alternatives = [
      ["ours-token", async () => check((await tokenClient.queryUsage({ userIds: ids })).items.length)],
      ["ours-app", async () => check((await appClient.queryUsage({ userIds: ids })).items.length)],
      [
        "openapi-fetch",
        async () => {
          const { data, error } = await openapi.POST(USAGE_PATH, { body: { userIds: ids }, headers: tokenHeaders() });
          if (error !== undefined) throw new Error(JSON.stringify(error));
          check(data.data.length);
        },
      ],
      [
        "bare-fetch",
        async () => {
          const res = await fetch(base + USAGE_PATH, { method: "POST", headers: tokenHeaders(), body: JSON.stringify({ userIds: ids }) });
          check(JSON.parse(await res.text()).data.length);
        },
      ],
    ];
    const metrics = new Metrics();
    metrics.notes.push(`${perSample} sequential requests per sample against a local Node http server in another process; 50 records per answer (${JSON.stringify(answer).length} bytes)`);
    for (const [, once] of alternatives) for (let i = 0; i < Math.min(200, perSample); i++) await once();
    for (let rep = 0; rep < reps; rep++) {
      for (const [name, once] of rotate(alternatives, rep)) {
        const cpu = process.cpuUsage();
        const started = performance.now();
        for (let i = 0; i < perSample; i++) await once();
        const wall = (performance.now() - started) * 1000;
        const used = process.cpuUsage(cpu);
        const cpuPer = (used.user + used.system) / perSample;
        metrics.add(`cpu-${name}`, "us", cpuPer);
        metrics.add(`wall-${name}`, "us", wall / perSample);
        log(`  run ${rep + 1}/${reps} ${name.padEnd(14)} ${cpuPer.toFixed(0).padStart(5)} µs cpu ${(wall / perSample).toFixed(0).padStart(5)} µs wall per request`);
      }
    }
    metrics.emit();
  } finally {
    server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
