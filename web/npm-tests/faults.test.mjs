// The fault matrix in Node: every fault the sandbox can stage, and what the
// table of docs/error-kinds.md promises for it (recovered, or the right error kind);
// bulk queries of 1,000 ids under faults lose no id. The matrix is printed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { SpaceUsageClient, KooDriveError } from "koodrive-space-usage";
import { SANDBOX, reset, fault, stats, moveClock, tokenOptions } from "./helpers.mjs";

const matrix = [];

async function knownIds(n) {
  const client = new SpaceUsageClient(tokenOptions());
  const ids = [];
  for await (const page of client.listUsagePages({ pageSize: 100 })) {
    ids.push(...page.items.map((i) => i.userId));
    if (ids.length >= n) break;
  }
  return ids.slice(0, n);
}

/** 700 known ids and 300 unknown ones, interleaved. */
async function thousandIds() {
  const known = await knownIds(700);
  const ids = [];
  for (let i = 0; i < 1000; i += 1) {
    ids.push(i % 10 < 3 ? `6${String(i).padStart(18, "0")}` : known.shift());
  }
  return ids;
}

/** What a call came to: "recovered", or "<kind>" of the error it threw. */
async function outcomeOf(promise) {
  try {
    await promise;
    return { got: "recovered" };
  } catch (e) {
    assert.ok(e instanceof KooDriveError, String(e));
    return { got: e.kind, error: e };
  }
}

/** Every id of `ids` in exactly one of items / missing / failed. */
function accountFor(ids, report) {
  const where = new Map();
  const put = (id, list) => {
    assert.ok(!where.has(id), `${id} is in ${where.get(id)} and in ${list}`);
    where.set(id, list);
  };
  for (const item of report.items) put(item.userId, "items");
  for (const id of report.missing) put(id, "missing");
  for (const chunk of report.failed) for (const id of chunk.userIds) put(id, "failed");
  const unique = new Set(ids);
  assert.equal(where.size, unique.size, "every id is settled");
  for (const id of unique) assert.ok(where.has(id), `${id} is lost`);
  const failed = report.failed.reduce((n, c) => n + c.userIds.length, 0);
  return `${report.items.length} items + ${report.missing.length} missing + ${failed} failed = ${where.size}`;
}

/**
 * Runs one row: resets the sandbox, stages the fault, runs `call`, checks the
 * outcome (`expect`: "recovered" or an error kind) and the requests the
 * sandbox saw, and records the row with what docs/error-kinds.md promises.
 */
async function row(name, { fault: staged, clock, promised, expect = promised, call, requests, check }) {
  await reset();
  if (clock !== undefined) await moveClock(clock);
  if (staged !== undefined) await fault(staged);
  const started = performance.now();
  const { got, error } = await outcomeOf(call());
  const ms = Math.round(performance.now() - started);
  const seen = await stats();
  const entry = { fault: name, promised, got, requests: seen.requests, ms };
  matrix.push(entry);
  assert.equal(got, expect, `${name}: ${error?.message ?? "recovered"}`);
  if (requests !== undefined) assert.equal(seen.requests, requests, `${name}: requests`);
  if (check) await check({ error, seen, entry });
}

const ids3 = { userIds: ["1", "2", "3"] };
const client = (extra) => new SpaceUsageClient(tokenOptions(extra));

/** The 1,000 ids of the bulk rows, read once while no fault is staged. */
let thousand;
before(async () => {
  await reset();
  thousand = await thousandIds();
});
after(() => {
  console.log("fault matrix (Node, npm module):");
  console.table(matrix);
});

test("503 twice is retried and recovers", async () => {
  await row("503 ×2", {
    fault: { kind: "status", status: 503, count: 2 },
    promised: "recovered",
    requests: 3,
    call: () => client().queryUsage(ids3),
  });
});

test("429 with Retry-After twice waits it out each time and recovers", async () => {
  await row("429 + Retry-After: 1 ×2", {
    fault: { kind: "status", status: 429, retryAfterSecs: 1, count: 2 },
    promised: "recovered",
    requests: 3,
    call: () => client().queryUsage(ids3),
    check: ({ seen }) => {
      const at = seen.recent.map((r) => r.atMs);
      assert.ok(at[1] - at[0] >= 1000 && at[2] - at[1] >= 1000, `arrivals ${at}`);
    },
  });
});

test("a dropped connection is a network error, retried", async () => {
  await row("drop", {
    fault: { kind: "drop", count: 1 },
    promised: "recovered",
    requests: 2,
    call: () => client().queryUsage(ids3),
  });
  await row("drop, maxRetries 0", {
    fault: { kind: "drop", count: 1 },
    promised: "network",
    requests: 1,
    call: () => client({ maxRetries: 0 }).queryUsage(ids3),
    check: ({ error }) => assert.equal(error.retryable, true),
  });
});

test("an answer later than the timeout is a timeout, retried", async () => {
  await row("delay 1500 ms > timeoutMs 300", {
    fault: { kind: "delay", delayMs: 1500, count: 1 },
    promised: "recovered",
    call: () => client({ timeoutMs: 300 }).queryUsage(ids3),
  });
  await row("delay 1500 ms > timeoutMs 300, maxRetries 0", {
    fault: { kind: "delay", delayMs: 1500, count: 1 },
    promised: "timeout",
    requests: 1,
    call: () => client({ timeoutMs: 300, maxRetries: 0 }).queryUsage(ids3),
  });
});

test("a body that is not JSON is a decode error, not retried", async () => {
  await row("garbage", {
    fault: { kind: "garbage", count: 1 },
    promised: "decode",
    requests: 1,
    call: () => client().queryUsage(ids3),
    check: ({ error }) => assert.equal(error.status, 200),
  });
});

test("an HTML 502 page is an http error, retried", async () => {
  const page = { kind: "status", status: 502, body: "<html><body><h1>502 Bad Gateway</h1></body></html>", contentType: "text/html" };
  await row("HTML 502 page", { fault: { ...page, count: 1 }, promised: "recovered", requests: 2, call: () => client().queryUsage(ids3) });
  await row("HTML 502 page ×2, maxRetries 1", {
    fault: { ...page, count: 2 },
    promised: "http",
    requests: 2,
    call: () => client({ maxRetries: 1 }).queryUsage(ids3),
    check: ({ error }) => {
      assert.equal(error.status, 502);
      assert.equal(error.attempts, 2);
      assert.equal(error.code, null);
    },
  });
});

test("apiError on HTTP 200 is an api error with the server's code, not retried", async () => {
  await row("apiError on HTTP 200", {
    fault: { kind: "apiError", code: 13000301, msg: "Space not found.", count: 1 },
    promised: "api",
    requests: 1,
    call: () => client().queryUsage(ids3),
    check: ({ error }) => {
      assert.equal(error.code, 13000301);
      assert.equal(error.msg, "Space not found.");
    },
  });
});

test("401 is an auth error, not retried", async () => {
  await row("401", {
    fault: { kind: "status", status: 401, count: 1 },
    promised: "auth",
    requests: 1,
    call: () => client().queryUsage(ids3),
    check: ({ error }) => assert.equal(error.status, 401),
  });
});

test("a sandbox clock 30 minutes off either way is corrected once", async () => {
  for (const minutes of [-30, 30]) {
    await row(`sandbox clock ${minutes > 0 ? "+" : "−"}${Math.abs(minutes)} min`, {
      clock: minutes * 60,
      promised: "recovered",
      requests: 2,
      call: () => client().queryUsage(ids3),
      check: ({ seen }) => assert.equal(seen.byStatus["401"], 1),
    });
  }
});

test("an answer over 8 MiB is refused as a decode error, with or without Content-Length", async () => {
  const big = 9 * 1024 * 1024;
  const answers = {
    "answer of 9 MiB (Content-Length)": () => new Response(new Uint8Array(big).fill(32), { headers: { "Content-Length": String(big) } }),
    "answer of 9 MiB (streamed)": () => {
      let sent = 0;
      const body = new ReadableStream({
        pull(controller) {
          if (sent >= big) return controller.close();
          controller.enqueue(new Uint8Array(1024 * 1024).fill(32));
          sent += 1024 * 1024;
        },
      });
      return new Response(body, { headers: { "Content-Type": "application/json" } });
    },
  };
  for (const [name, answer] of Object.entries(answers)) {
    await row(name, {
      promised: "decode",
      requests: 0,
      call: () => client({ fetch: async () => answer() }).queryUsage(ids3),
      check: ({ error }) => {
        assert.match(error.message, /larger than 8388608 bytes/);
        assert.equal(error.attempts, 1);
      },
    });
  }
});

test("the sandbox down for 3 s in the middle of a batch of 1,000 ids loses no id", async () => {
  const ids = thousand;
  let calls = 0;
  // The 6th request takes the sandbox down first: the batch is mid-way.
  const fetchDownMidway = async (url, init) => {
    calls += 1;
    if (calls === 6) await fault({ kind: "down", durationMs: 3000 });
    return globalThis.fetch(url, init);
  };
  let report;
  await row("down 3 s mid-batch, 1,000 ids", {
    promised: "each id in one list",
    expect: "recovered",
    call: async () => {
      report = await client({ fetch: fetchDownMidway }).queryUsageAll(ids);
    },
    check: ({ seen, entry }) => {
      entry.got = accountFor(ids, report);
      assert.ok(seen.byStatus["0"] >= 1, "requests were dropped");
      for (const chunk of report.failed) assert.equal(chunk.error.kind, "network", chunk.error.message);
    },
  });
});

test("a batch of 1,000 ids through a queue of mixed faults loses no id", async () => {
  const ids = thousand;
  const staged = [
    { kind: "status", status: 503, count: 2 },
    { kind: "garbage", count: 1 },
    { kind: "drop", count: 1 },
    { kind: "apiError", code: 13000102, msg: "Verify parameters failed.", count: 1 },
    { kind: "status", status: 429, retryAfterSecs: 1, count: 1 },
    { kind: "delay", delayMs: 50, count: 3 },
  ];
  let report;
  await row("mixed faults, 1,000 ids", {
    fault: staged,
    promised: "each id in one list",
    expect: "recovered",
    call: async () => {
      report = await client().queryUsageAll(ids);
    },
    check: ({ entry }) => {
      entry.got = accountFor(ids, report);
      const kinds = report.failed.map((c) => c.error.kind).sort();
      assert.deepEqual(kinds, ["api", "decode"], "garbage and apiError fail their chunks; the rest recover");
    },
  });
});

test("the same 1,000 ids with no fault: all found or missing", async () => {
  const ids = thousand;
  let report;
  await row("no fault, 1,000 ids", {
    promised: "each id in one list",
    expect: "recovered",
    requests: 20,
    call: async () => {
      report = await client().queryUsageAll(ids);
    },
    check: ({ entry }) => {
      entry.got = accountFor(ids, report);
      assert.equal(report.items.length, 700);
      assert.equal(report.missing.length, 300);
    },
  });
});

test("the sandbox URL is the one the stage started", () => {
  assert.match(SANDBOX, /^http:\/\/127\.0\.0\.1:\d+$/);
});
