// The packed module pointed at koodrive-gateway (GATEWAY_BIN, set by
// `cargo xtask test`) in token mode, in front of the sandbox (SANDBOX_URL):
// the caller's token is passed on, retries, Retry-After and the clock work
// through it as they do without it.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { SpaceUsageClient } from "koodrive-space-usage";
import { SANDBOX, ACTING, reset, fault, stats, moveClock, rejection } from "./helpers.mjs";

const BIN = process.env.GATEWAY_BIN;
const skip = BIN ? false : "GATEWAY_BIN is not set (cargo xtask test sets it)";

let gateway;
let url;

before(async () => {
  if (!BIN) return;
  gateway = spawn(BIN, ["--upstream", SANDBOX, "--addr", "127.0.0.1:0"], { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  gateway.stderr.on("data", (chunk) => (log += chunk));
  const lines = createInterface({ input: gateway.stdout });
  url = await new Promise((resolve, reject) => {
    lines.once("line", (line) => {
      const found = /^listening on (http:\/\/\S+)$/.exec(line);
      if (found) resolve(found[1]);
      else reject(new Error(`the gateway's first line: ${line}`));
    });
    gateway.once("exit", (code) => reject(new Error(`the gateway exited (${code}): ${log}`)));
  });
  lines.on("line", () => {});
});

after(() => gateway?.kill());

beforeEach(reset);

const viaGateway = (extra = {}) => new SpaceUsageClient({ baseUrl: url, actingUserId: ACTING, accessToken: "sandbox-token", ...extra });

test("token mode through the gateway lists users and queries them by id", { skip }, async () => {
  const client = viaGateway();
  let ids = [];
  for await (const page of client.listUsagePages({ pageSize: 60 })) {
    ids = page.items.map((i) => i.userId);
    break;
  }
  assert.equal(ids.length, 60);
  const unknown = ["9000000000000000001", "9000000000000000002"];
  const report = await client.queryUsageAll([...ids, ...unknown]);
  assert.deepEqual(report.items.map((i) => i.userId), ids);
  assert.deepEqual(report.missing, unknown);
  assert.deepEqual(report.failed, []);
  for (const item of report.items) assert.match(item.quota, /^[0-9]+$/);
  const seen = await stats();
  assert.equal(seen.byStatus["200"], seen.requests, "the sandbox accepted every forwarded token");
});

test("a wrong token comes back as the sandbox's own refusal", { skip }, async () => {
  const e = await rejection(viaGateway({ accessToken: "not-the-token" }).queryUsage({ userIds: ["1"] }));
  assert.equal(e.kind, "auth");
  assert.equal(e.status, 401);
  assert.equal(e.code, 13000101);
});

test("a 429 reaches the client with its Retry-After, which it waits out", { skip }, async () => {
  await fault({ kind: "status", status: 429, retryAfterSecs: 1, count: 1 });
  const page = await viaGateway().queryUsage({ limit: 3 });
  assert.equal(page.items.length, 3);
  const { recent } = await stats();
  assert.deepEqual(recent.map((r) => r.status), [429, 200]);
  assert.ok(recent[1].atMs - recent[0].atMs >= 1000, `the retry came ${recent[1].atMs - recent[0].atMs} ms after the 429`);
});

test("a sandbox clock 20 minutes behind is corrected by the gateway", { skip }, async () => {
  await moveClock(-1200);
  const page = await viaGateway({ maxRetries: 0 }).queryUsage({ limit: 2 });
  assert.equal(page.items.length, 2);
  const { recent } = await stats();
  assert.deepEqual(recent.map((r) => r.status), [401, 200]);
});

test("the gateway forwards nothing but the endpoint", { skip }, async () => {
  const res = await fetch(`${url}/__sandbox/reset`, { method: "POST" });
  assert.equal(res.status, 404);
  const health = await (await fetch(`${url}/__gateway/health`)).json();
  assert.deepEqual(health, { gateway: true, upstream: new URL(SANDBOX).host, signs: false, needsToken: false, snapshots: { on: false } });
});
