// The packed module as a consumer uses it, in Node, against the sandbox.
import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { SpaceUsageClient, KooDriveError } from "koodrive-space-usage";
import { SANDBOX, ACTING, reset, fault, stats, moveClock, tokenOptions, appOptions, rejection } from "./helpers.mjs";

beforeEach(reset);

async function knownIds(n) {
  const client = new SpaceUsageClient(tokenOptions());
  for await (const page of client.listUsagePages({ pageSize: n })) return page.items.map((i) => i.userId);
  return [];
}

function thrown(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail("expected a throw");
}

test("options are checked when the client is made, naming the option", () => {
  const cases = [
    [{ actingUserId: ACTING, accessToken: "t" }, /baseUrl/],
    [{ baseUrl: SANDBOX, accessToken: "t" }, /actingUserId/],
    [{ ...tokenOptions(), colour: "red" }, /colour/],
    [{ ...tokenOptions(), appId: "a", appSecret: "s" }, /both accessToken and appId/],
    [{ baseUrl: SANDBOX, actingUserId: ACTING }, /no credentials/],
    [{ ...tokenOptions(), timeoutMs: -1 }, /timeoutMs/],
    [{ ...tokenOptions(), baseUrl: "intl.myhuaweicloud-koodrive.com" }, /baseUrl/],
  ];
  for (const [options, message] of cases) {
    const e = thrown(() => new SpaceUsageClient(options));
    assert.ok(e instanceof KooDriveError, String(e));
    assert.ok(e instanceof Error);
    assert.ok(KooDriveError.is(e));
    assert.equal(e.kind, "validation");
    assert.equal(e.attempts, 0);
    assert.match(e.message, message);
  }
  assert.equal(KooDriveError.is(new Error("x")), false);
  assert.equal(KooDriveError.is({ kind: "api" }), false);
});

test("token mode with a string queries known ids, in request order, with derived fields", async () => {
  const ids = await knownIds(5);
  const client = new SpaceUsageClient(tokenOptions());
  const page = await client.queryUsage({ userIds: [...ids].reverse() });
  assert.deepEqual(page.items.map((i) => i.userId), [...ids].reverse());
  assert.equal(page.traceId.length, 58);
  for (const item of page.items) {
    assert.equal(typeof item.quota, "string");
    assert.match(item.quota, /^[0-9]+$/);
    assert.ok(["normal", "nearing", "critical", "exceeded", "unknown"].includes(item.state));
    assert.ok(item.usedRatio === null || typeof item.usedRatio === "number");
    assert.ok(!("createTime" in item) || typeof item.createTime === "string");
  }
});

test("token mode with a provider asks again once after a refusal", async () => {
  const ids = await knownIds(2);
  let asked = 0;
  const client = new SpaceUsageClient({
    ...tokenOptions(),
    accessToken: async () => (++asked === 1 ? "expired-token" : "sandbox-token"),
  });
  const page = await client.queryUsage({ userIds: ids });
  assert.equal(page.items.length, 2);
  assert.equal(asked, 2);
});

test("app mode signs requests the sandbox accepts", async () => {
  const ids = await knownIds(3);
  const page = await new SpaceUsageClient(appOptions()).queryUsage({ userIds: ids });
  assert.equal(page.items.length, 3);
  const wrong = new SpaceUsageClient(appOptions({ appSecret: "not-the-secret" }));
  const e = await rejection(wrong.queryUsage({ userIds: ids }));
  assert.equal(e.kind, "auth");
  assert.equal(e.status, 401);
});

test("invalid input is refused before anything is sent", async () => {
  const client = new SpaceUsageClient(tokenOptions());
  const many = Array.from({ length: 51 }, (_, i) => String(i));
  for (const [call, rule] of [
    [() => client.queryUsage({ userIds: many }), "userIds.count"],
    [() => client.queryUsage({ userIds: [] }), "userIds.empty"],
    [() => client.queryUsage({ userIds: [1505084218764547200] }), "option.invalid"],
    [() => client.queryUsage({ limit: 101 }), "limit.range"],
    [() => client.queryUsageAll(["1", ""]), "userIds.blank"],
    [() => client.queryUsage({ userIds: ["1"] }, { traceId: "short" }), "traceId.invalid"],
    [() => client.queryUsage({ userIds: ["1"] }, { colour: 1 }), "option.invalid"],
  ]) {
    const e = await rejection(call());
    assert.equal(e.kind, "validation", e.message);
    assert.equal(e.rule, rule, e.message);
  }
  assert.equal((await stats()).requests, 0);
});

test("queryUsageAll dedupes, keeps first-seen order, reports progress and missing ids", async () => {
  const known = await knownIds(60);
  const unknown = Array.from({ length: 20 }, (_, i) => `9${String(i).padStart(18, "0")}`);
  const ids = [...known, ...unknown, ...known.slice(0, 10)];
  const progress = [];
  const report = await new SpaceUsageClient(tokenOptions()).queryUsageAll(ids, { onProgress: (p) => progress.push(p) });
  assert.deepEqual(report.items.map((i) => i.userId), known);
  assert.deepEqual(report.missing, unknown);
  assert.deepEqual(report.failed, []);
  assert.equal(progress.length, 2);
  assert.deepEqual(progress.at(-1), { done: 80, total: 80 });
  assert.deepEqual(await new SpaceUsageClient(tokenOptions()).queryUsageAll([]), { items: [], missing: [], failed: [] });
});

test("a failing chunk is reported with its error and loses no other id", async () => {
  const known = await knownIds(100);
  await reset();
  await fault({ kind: "apiError", code: "APIGW.0301", msg: "Incorrect IAM authentication", count: 1 });
  const report = await new SpaceUsageClient(tokenOptions({ concurrency: 1 })).queryUsageAll(known);
  assert.equal(report.failed.length, 1);
  const { error, userIds } = report.failed[0];
  assert.ok(error instanceof KooDriveError);
  assert.equal(error.kind, "api");
  assert.equal(error.code, "APIGW.0301");
  assert.equal(error.msg, "Incorrect IAM authentication");
  assert.equal(report.items.length + report.missing.length + userIds.length, 100);
});

test("listUsage and listUsagePages walk every user once", async () => {
  const client = new SpaceUsageClient(tokenOptions());
  const seen = new Set();
  let total = 0;
  for await (const item of client.listUsage()) {
    assert.ok(!seen.has(item.userId));
    seen.add(item.userId);
  }
  const offsets = [];
  for await (const page of client.listUsagePages({ pageSize: 100 })) {
    offsets.push(page.offset);
    total = page.total;
    assert.deepEqual(page.warnings, []);
  }
  assert.equal(seen.size, total);
  assert.deepEqual(offsets, Array.from({ length: Math.ceil(total / 100) }, (_, i) => i * 100));
});

test("each failure has the kind docs/error-kinds.md gives it", async () => {
  const client = new SpaceUsageClient(tokenOptions({ maxRetries: 0 }));
  const cases = [
    [{ kind: "drop", count: 1 }, "network"],
    [{ kind: "garbage", count: 1 }, "decode"],
    [{ kind: "apiError", code: 13000301, msg: "Space not found.", count: 1 }, "api"],
    [{ kind: "status", status: 503, retryAfterSecs: 1, count: 1 }, "http"],
    [{ kind: "status", status: 502, body: "<html>Bad Gateway</html>", contentType: "text/html", count: 1 }, "http"],
  ];
  for (const [f, kind] of cases) {
    await reset();
    await fault(f);
    const e = await rejection(client.queryUsage({ userIds: ["1"] }));
    assert.equal(e.kind, kind, `${f.kind}: ${e.message}`);
    assert.equal(e.traceId.length, 58);
    assert.equal(e.attempts, 1);
  }
  await reset();
  await fault({ kind: "status", status: 503, retryAfterSecs: 1, count: 1 });
  const e = await rejection(client.queryUsage({ userIds: ["1"] }));
  assert.equal(e.retryAfterMs, 1000);
  assert.equal(e.retryable, true);
  const bad = new SpaceUsageClient(tokenOptions({ accessToken: "wrong" }));
  const auth = await rejection(bad.queryUsage({ userIds: ["1"] }));
  assert.equal(auth.kind, "auth");
  assert.equal(auth.code, 13000101);
  assert.match(auth.message, /access token/);
});

test("timeoutMs on a call gives a timeout, and retries recover from 503s", async () => {
  await fault({ kind: "delay", delayMs: 1500, count: 1 });
  const client = new SpaceUsageClient(tokenOptions());
  const e = await rejection(client.queryUsage({ userIds: ["1"] }, { timeoutMs: 200, maxRetries: 0 }));
  assert.equal(e.kind, "timeout");
  await reset();
  await fault({ kind: "status", status: 503, count: 2 });
  await client.queryUsage({ userIds: ["1"] });
  assert.equal((await stats()).requests, 3);
});

test("a given traceId is sent and echoed", async () => {
  const traceId = "a".repeat(58);
  const page = await new SpaceUsageClient(tokenOptions()).queryUsage({ userIds: ["1"] }, { traceId });
  assert.equal(page.traceId, traceId);
  assert.equal((await stats()).recent.at(-1).traceId, traceId);
});

test("a skewed sandbox clock is corrected without the caller noticing", async () => {
  const ids = await knownIds(3);
  for (const offset of [-1200, 1200]) {
    await reset();
    await moveClock(offset);
    const page = await new SpaceUsageClient(tokenOptions()).queryUsage({ userIds: ids });
    assert.equal(page.items.length, 3);
    assert.equal((await stats()).byStatus["401"], 1);
  }
});

test("aborting stops a bulk query and keeps the partial report", async () => {
  await fault({ kind: "delay", delayMs: 100, count: 1000 });
  const ids = Array.from({ length: 1000 }, (_, i) => `8${String(i).padStart(18, "0")}`);
  const controller = new AbortController();
  const e = await rejection(
    new SpaceUsageClient(tokenOptions()).queryUsageAll(ids, {
      signal: controller.signal,
      onProgress: ({ done }) => done >= 100 && controller.abort(),
    }),
  );
  assert.ok(e instanceof KooDriveError);
  assert.equal(e.kind, "aborted");
  const p = e.partial;
  assert.ok(p.missing.length >= 100);
  assert.ok(p.pending.length > 0);
  assert.equal(p.items.length + p.missing.length + p.pending.length, 1000);
  const already = new AbortController();
  already.abort();
  const e2 = await rejection(new SpaceUsageClient(tokenOptions()).queryUsage({ userIds: ["1"] }, { signal: already.signal }));
  assert.equal(e2.kind, "aborted");
});

test("an injected fetch is used, called with this bound to globalThis", async () => {
  let calls = 0;
  const client = new SpaceUsageClient(
    tokenOptions({
      fetch: function (url, init) {
        calls += 1;
        assert.equal(this, globalThis);
        return globalThis.fetch(url, init);
      },
    }),
  );
  await client.queryUsage({ userIds: ["1"] });
  assert.equal(calls, 1);
});

test("thresholds change the state", async () => {
  const ids = await knownIds(50);
  const strict = await new SpaceUsageClient(tokenOptions({ nearingAt: 0.01, criticalAt: 0.02 })).queryUsage({ userIds: ids });
  const lenient = await new SpaceUsageClient(tokenOptions()).queryUsage({ userIds: ids });
  const count = (p, s) => p.items.filter((i) => i.state === s).length;
  assert.ok(count(strict, "normal") < count(lenient, "normal"));
  assert.equal(count(strict, "exceeded"), count(lenient, "exceeded"));
});

test("createSandboxFetch answers in memory like the sandbox server", async () => {
  const { createSandboxFetch } = await import("koodrive-space-usage/sandbox");
  const before = (await stats()).requests;
  const fetch = createSandboxFetch({ users: 120, seed: 7 });
  const client = new SpaceUsageClient({ baseUrl: "https://intl.myhuaweicloud-koodrive.com", actingUserId: ACTING, accessToken: "sandbox-token", fetch });
  let count = 0;
  for await (const item of client.listUsage({ pageSize: 50 })) count += item.userId.length === 19 ? 1 : 0;
  assert.equal(count, 120);
  const app = new SpaceUsageClient({ baseUrl: "https://intl.myhuaweicloud-koodrive.com", actingUserId: ACTING, appId: "sandbox-app", appSecret: "sandbox-secret", fetch });
  assert.equal((await app.queryUsage({ limit: 5 })).items.length, 5);
  // Its faults and checks work too.
  const control = "https://intl.myhuaweicloud-koodrive.com/__sandbox/faults";
  const plain = await fetch(control, { method: "POST", body: JSON.stringify({ kind: "status", status: 503, count: 1 }) });
  assert.equal(plain.status, 415, "control posts must be JSON, in memory too");
  await fetch(control, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ kind: "status", status: 503, count: 1 }) });
  const e = await rejection(client.queryUsage({ limit: 1 }, { maxRetries: 0 }));
  assert.equal(e.kind, "http");
  const wrong = new SpaceUsageClient({ baseUrl: "https://x.example", actingUserId: ACTING, accessToken: "nope", fetch });
  assert.equal((await rejection(wrong.queryUsage({ limit: 1 }))).kind, "auth");
  const own = createSandboxFetch({ data: [{ userId: "42", quota: "18446744073709551615", used: 1 }] });
  const mine = new SpaceUsageClient({ baseUrl: "https://x.example", actingUserId: ACTING, accessToken: "sandbox-token", fetch: own });
  const page = await mine.queryUsage({ userIds: ["42", "43"] });
  assert.deepEqual(page.items.map((i) => i.quota), ["18446744073709551615"]);
  assert.equal((await stats()).requests, before, "nothing went over the network");
});
