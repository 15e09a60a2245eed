// The module as a JavaScript developer expects of a modern SDK, in Node
// against the sandbox: loading on first use, rejections that carry what
// happened (partial reports, the original cause, the kind a timeout signal
// means), messages that fit the retries and the mode, a retry policy with a
// hook, listing warnings, and a package.json that says where it comes from.
import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { SpaceUsageClient, KooDriveError } from "koodrive-space-usage";
import { reset, fault, stats, tokenOptions, appOptions, rejection } from "./helpers.mjs";

beforeEach(reset);

const here = fileURLToPath(new URL(".", import.meta.url));
const manifestPath = createRequire(import.meta.url).resolve("koodrive-space-usage/package.json");
const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
const wasmFile = new URL("./wasm/koodrive_space_usage_bg.wasm", pathToFileURL(manifestPath)).href;

/** Runs an ES module script in a fresh Node process (a fresh module state) in this project. */
const node = (script) => execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", cwd: here });

test("importing the module loads no WebAssembly; the first client does, and ready() resolves", () => {
  // A fresh process: importing both names compiles nothing until a client is made.
  const script = `
    let compiled = 0;
    const { Module, instantiate } = WebAssembly;
    WebAssembly.Module = new Proxy(Module, { construct(t, a) { compiled += 1; return new t(...a); } });
    WebAssembly.instantiate = (...a) => { compiled += 1; return instantiate(...a); };
    const { KooDriveError, SpaceUsageClient } = await import("koodrive-space-usage");
    const atImport = compiled;
    new SpaceUsageClient({ baseUrl: "https://x.example", actingUserId: "1", accessToken: "t" });
    const afterClient = compiled;
    await SpaceUsageClient.ready();
    console.log(JSON.stringify({ atImport, afterClient, after: compiled, isClass: typeof KooDriveError.is }));
  `;
  const out = JSON.parse(node(script));
  assert.deepEqual(out, { atImport: 0, afterClient: 1, after: 1, isClass: "function" });
});

test("the wasm option takes bytes, a WebAssembly.Module, a file URL or a Response", () => {
  const file = JSON.stringify(wasmFile);
  const sources = {
    bytes: `readFileSync(new URL(${file}))`,
    module: `new WebAssembly.Module(readFileSync(new URL(${file})))`,
    url: `new URL(${file})`,
    response: `new Response(readFileSync(new URL(${file})), { headers: { "content-type": "application/wasm" } })`,
  };
  for (const [name, source] of Object.entries(sources)) {
    const script = `
      import { readFileSync } from "node:fs";
      import { SpaceUsageClient } from "koodrive-space-usage";
      await SpaceUsageClient.ready({ wasm: ${source} });
      try {
        new SpaceUsageClient({ baseUrl: "https://x.example", actingUserId: "1", accessToken: "t", colour: 1 });
        console.log("made");
      } catch (e) {
        console.log(e.kind + ": " + e.message);
      }
    `;
    assert.match(node(script), /^validation: .*colour/, name);
  }
  assert.throws(() => new SpaceUsageClient({ ...tokenOptions(), wasm: 42 }), (e) => e.kind === "validation" && /wasm/.test(e.message));
});

test("queryUsageAll rejects when the credentials are refused, with the partial report on the error", async () => {
  const ids = Array.from({ length: 120 }, (_, i) => `5${String(i).padStart(18, "0")}`);
  const e = await rejection(new SpaceUsageClient(tokenOptions({ accessToken: "wrong" })).queryUsageAll(ids));
  assert.ok(e instanceof KooDriveError);
  assert.equal(e.kind, "auth");
  assert.equal(e.status, 401);
  const p = e.partial;
  assert.ok(p, "the error carries the partial report");
  const failed = p.failed.reduce((n, c) => n + c.userIds.length, 0);
  assert.equal(p.items.length + p.missing.length + failed, 120);
  assert.deepEqual(p.pending, []);
  assert.ok(p.failed.every((c) => c.error instanceof KooDriveError && c.error.kind === "auth"));
  assert.ok((await stats()).requests < 3, "the rest was not sent");
});

test("an onProgress callback that throws stops the query, which rejects with what it threw", async () => {
  await fault({ kind: "delay", delayMs: 20, count: 1000 });
  const ids = Array.from({ length: 1000 }, (_, i) => `4${String(i).padStart(18, "0")}`);
  const mine = new Error("my callback broke");
  const e = await rejection(
    new SpaceUsageClient(tokenOptions({ concurrency: 1 })).queryUsageAll(ids, {
      onProgress: () => {
        throw mine;
      },
    }),
  );
  assert.equal(e, mine);
  assert.ok((await stats()).requests < 20, "nothing more was sent");
});

test("cause is the original value: fetch's TypeError, and signal.reason", async () => {
  await fault({ kind: "drop", count: 1 });
  const client = new SpaceUsageClient(tokenOptions({ maxRetries: 0 }));
  const net = await rejection(client.queryUsage({ userIds: ["1"] }));
  assert.equal(net.kind, "network");
  assert.ok(net.cause instanceof TypeError, `cause: ${net.cause}`);
  assert.equal(typeof net.cause.stack, "string");

  const reason = new Error("my reason");
  const ac = new AbortController();
  await fault({ kind: "delay", delayMs: 2000, count: 1 });
  setTimeout(() => ac.abort(reason), 50);
  const aborted = await rejection(client.queryUsage({ userIds: ["1"] }, { signal: ac.signal }));
  assert.equal(aborted.kind, "aborted");
  assert.equal(aborted.cause, reason);

  const thrown = new Error("no token today");
  const provider = new SpaceUsageClient(tokenOptions({ accessToken: () => Promise.reject(thrown) }));
  const refused = await rejection(provider.queryUsage({ userIds: ["1"] }));
  assert.equal(refused.cause, thrown);
});

test("an AbortSignal.timeout is kind timeout, with its reason as cause and the partial report", async () => {
  await fault({ kind: "delay", delayMs: 3000, count: 1000 });
  const client = new SpaceUsageClient(tokenOptions());
  const one = await rejection(client.queryUsage({ userIds: ["1"] }, { signal: AbortSignal.timeout(200) }));
  assert.equal(one.kind, "timeout");
  assert.equal(one.cause?.name, "TimeoutError");
  const ids = Array.from({ length: 200 }, (_, i) => `3${String(i).padStart(18, "0")}`);
  const all = await rejection(client.queryUsageAll(ids, { signal: AbortSignal.timeout(200) }));
  assert.equal(all.kind, "timeout");
  assert.equal(all.partial.pending.length, 200);
});

test("messages say what happened after the retries, with advice that fits the mode", async () => {
  await fault({ kind: "status", status: 503, count: 4 });
  const tired = await rejection(new SpaceUsageClient(tokenOptions({ retry: { baseDelayMs: 1, maxDelayMs: 1 } })).queryUsage({ userIds: ["1"] }));
  assert.equal(tired.attempts, 4);
  assert.doesNotMatch(tired.message, /is retried/);
  assert.match(tired.message, /after 4 attempts/);

  const app = await rejection(new SpaceUsageClient(appOptions({ appSecret: "not-the-secret" })).queryUsage({ userIds: ["1"] }));
  assert.equal(app.kind, "auth");
  assert.match(app.message, /app id and secret/);
  assert.doesNotMatch(app.message, /access token/);
  const token = await rejection(new SpaceUsageClient(tokenOptions({ accessToken: "wrong" })).queryUsage({ userIds: ["1"] }));
  assert.match(token.message, /new access token/);
  assert.doesNotMatch(token.message, /app id/);
});

test("retry: { maxRetries, baseDelayMs, maxDelayMs } and onRetry({ attempt, delayMs, error })", async () => {
  await fault({ kind: "status", status: 503, count: 5 });
  const events = [];
  const client = new SpaceUsageClient(tokenOptions({ retry: { maxRetries: 2, baseDelayMs: 0, maxDelayMs: 0 }, onRetry: (ev) => events.push(ev) }));
  const e = await rejection(client.queryUsage({ userIds: ["1"] }));
  assert.equal(e.attempts, 3);
  assert.equal((await stats()).requests, 3);
  assert.deepEqual(events.map((ev) => [ev.attempt, ev.delayMs]), [[1, 0], [2, 0]]);
  assert.ok(events.every((ev) => ev.error instanceof KooDriveError && ev.error.kind === "http" && ev.error.status === 503));

  await reset();
  await fault({ kind: "status", status: 503, count: 1 });
  const mine = new Error("logging failed");
  const thrown = await rejection(client.queryUsage({ userIds: ["1"] }, { onRetry: () => { throw mine; } }));
  assert.equal(thrown, mine);

  for (const [retry, pattern] of [
    [{ maxRetries: 21 }, /maxRetries/],
    [{ baseDelayMs: 500, maxDelayMs: 100 }, /maxDelayMs/],
    [{ tries: 1 }, /tries/],
  ]) {
    assert.throws(() => new SpaceUsageClient(tokenOptions({ retry })), (err) => err.kind === "validation" && pattern.test(err.message));
  }
  assert.throws(() => new SpaceUsageClient(tokenOptions({ maxRetries: 1, retry: { maxRetries: 2 } })), /given twice/);
});

test("listUsage exposes the warnings of its pages", async () => {
  // A server whose total grows between pages.
  let pages = 0;
  const growing = async (url, init) => {
    const res = await globalThis.fetch(url, init);
    const body = await res.json();
    if (pages++ > 0 && typeof body.total === "number") body.total += 1;
    return new Response(JSON.stringify(body), { status: res.status, headers: res.headers });
  };
  const listing = new SpaceUsageClient(tokenOptions({ fetch: growing })).listUsage({ pageSize: 100 });
  assert.deepEqual(listing.warnings, []);
  let count = 0;
  for await (const item of listing) count += item ? 1 : 0;
  assert.ok(count > 0);
  assert.ok(listing.warnings.length > 0, "a changing total is reported");
  assert.match(listing.warnings[0], /number of users changed/);
});

test("the README gives every client option with its default, and the unit of quota and used", () => {
  const readme = readFileSync(manifestPath.replace(/package\.json$/, "README.md"), "utf8");
  let known;
  try {
    new SpaceUsageClient({ ...tokenOptions(), notAnOption: 1 });
  } catch (e) {
    known = /known: ([^)]*)\)/.exec(e.message)?.[1].split(", ");
  }
  assert.ok(known?.length > 10, "the refusal lists the options");
  for (const name of known) {
    const row = readme.split("\n").find((line) => line.startsWith("| ") && line.includes(`\`${name}\``));
    assert.ok(row, `README has a row for ${name}`);
    assert.ok(row.split("|").length >= 5 && row.split("|")[2].trim() !== "", `the row of ${name} gives a default: ${row}`);
  }
  assert.match(readme, /\*\*Units\.\*\*.*`quota` and `used`/s);
});

test("package.json says where the package comes from and which Node its require() needs", () => {
  for (const field of ["homepage", "repository"]) assert.ok(manifest[field], `${field} is set`);
  assert.match(manifest.homepage, /^https?:\/\//);
  assert.match(manifest.repository.url, /^git\+https?:\/\//);
  const [major, minor] = manifest.engines.node.replace(/^>=\s*/, "").split(".").map(Number);
  assert.ok(major > 20 || (major === 20 && minor >= 19), `engines ${manifest.engines.node} allows a Node without require(esm)`);
});
