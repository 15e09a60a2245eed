// Listings through the packed module, in Node, against the sandbox: pages in
// offset order at any concurrency, the bound on requests in flight, the
// one-report listUsageAll with progress, failed pages and cancellation.
import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { SpaceUsageClient, KooDriveError } from "koodrive-space-usage";
import { reset, fault, stats, tokenOptions, rejection } from "./helpers.mjs";

beforeEach(reset);

async function idsOneByOne() {
  const ids = [];
  for await (const item of new SpaceUsageClient(tokenOptions()).listUsage({ concurrency: 1 })) ids.push(item.userId);
  return ids;
}

test("listUsagePages with a concurrency keeps offset order and never exceeds it", async () => {
  const expected = await idsOneByOne();
  await reset();
  await fault({ kind: "delay", delayMs: 30, count: 1000 });
  const client = new SpaceUsageClient(tokenOptions());
  const offsets = [];
  const ids = [];
  for await (const page of client.listUsagePages({ pageSize: 100, concurrency: 3 })) {
    offsets.push(page.offset);
    ids.push(...page.items.map((i) => i.userId));
    assert.deepEqual(page.warnings, []);
  }
  assert.deepEqual(offsets, Array.from({ length: expected.length / 100 }, (_, i) => i * 100));
  assert.deepEqual(ids, expected);
  const s = await stats();
  assert.ok(s.maxInFlight <= 3, `maxInFlight ${s.maxInFlight}`);
  assert.ok(s.maxInFlight > 1, "the pages went out one at a time");
});

test("listUsage takes a concurrency and yields every user once, in order", async () => {
  const expected = await idsOneByOne();
  const ids = [];
  for await (const item of new SpaceUsageClient(tokenOptions()).listUsage({ pageSize: 50, concurrency: 8 })) ids.push(item.userId);
  assert.deepEqual(ids, expected);
});

test("listUsageAll resolves to one report with progress", async () => {
  const expected = await idsOneByOne();
  await reset();
  const progress = [];
  const report = await new SpaceUsageClient(tokenOptions()).listUsageAll({
    concurrency: 4,
    onProgress: (p) => progress.push(p),
  });
  assert.deepEqual(Object.keys(report).sort(), ["failedPages", "items", "total", "warnings"]);
  assert.deepEqual(report.items.map((i) => i.userId), expected);
  assert.equal(report.total, expected.length);
  assert.deepEqual(report.warnings, []);
  assert.deepEqual(report.failedPages, []);
  assert.ok(typeof report.items[0].state === "string" && "usedRatio" in report.items[0]);
  const last = progress.at(-1);
  assert.deepEqual(last, { done: expected.length, total: expected.length, pagesDone: 20, pages: 20 });
  assert.ok(progress.every((p, i) => i === 0 || p.done >= progress[i - 1].done));
});

test("listUsageAll lists a failed page with its error and goes on with the others", async () => {
  // The first page goes alone; one of the next fails its every attempt.
  await fault([
    { kind: "delay", delayMs: 0, count: 1 },
    { kind: "apiError", code: 13000102, msg: "Verify parameters failed.", count: 1 },
  ]);
  const report = await new SpaceUsageClient(tokenOptions()).listUsageAll({ concurrency: 4 });
  assert.equal(report.failedPages.length, 1);
  const [failed] = report.failedPages;
  assert.equal(failed.limit, 100);
  assert.ok(failed.offset >= 100 && failed.offset % 100 === 0);
  assert.ok(failed.error instanceof KooDriveError);
  assert.equal(failed.error.kind, "api");
  assert.equal(report.items.length, report.total - 100);
});

test("listUsageAll reports a short page as a warning and asks for it again", async () => {
  await fault([
    { kind: "delay", delayMs: 0, count: 1 },
    { kind: "status", status: 200, contentType: "application/json", body: JSON.stringify({ code: 0, msg: "success", total: 2000, data: [] }) },
  ]);
  const report = await new SpaceUsageClient(tokenOptions()).listUsageAll({ concurrency: 4 });
  assert.equal(report.items.length, 2000);
  assert.equal(new Set(report.items.map((i) => i.userId)).size, 2000);
  assert.equal(report.warnings.length, 1);
  assert.match(report.warnings[0], /came back short/);
  assert.equal((await stats()).requests, 21);
});

test("cancelling listUsageAll rejects with what was handed back and the pages pending", async () => {
  await fault({ kind: "delay", delayMs: 50, count: 1000 });
  const controller = new AbortController();
  const e = await rejection(
    new SpaceUsageClient(tokenOptions()).listUsageAll({
      concurrency: 2,
      signal: controller.signal,
      onProgress: ({ pagesDone }) => pagesDone >= 3 && controller.abort(),
    }),
  );
  assert.ok(e instanceof KooDriveError);
  assert.equal(e.kind, "aborted");
  const p = e.partialList;
  assert.equal(p.items.length, 300);
  assert.equal(p.total, 2000);
  assert.deepEqual(p.pendingOffsets, Array.from({ length: 17 }, (_, i) => (i + 3) * 100));
  const sent = (await stats()).requests;
  assert.ok(sent < 20, `${sent} requests: the rest were never sent`);
});

test("a concurrency out of range is refused before anything is sent", async () => {
  const client = new SpaceUsageClient(tokenOptions());
  for (const concurrency of [0, 65, 1.5, "4"]) {
    const e = await rejection(client.listUsageAll({ concurrency }));
    assert.equal(e.kind, "validation");
    assert.match(e.message, /concurrency/);
  }
  assert.equal((await stats()).requests, 0);
});
