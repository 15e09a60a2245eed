// Shared by the benchmark harnesses that `cargo xtask bench` runs (see
// xtask/src/bench.rs). A harness reads its settings from the environment,
// writes its progress to stderr and, as the last line of stdout, one JSON
// object: `{ "metrics": { name: { "unit": u, "samples": [..] } }, "notes": [..] }`
// (or `"error": "why"` when it could not measure). Statistics and the table
// are made by xtask, so every harness only collects raw samples.

import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

/** The path of the usage endpoint. */
export const USAGE_PATH = "/koodrive/ose/v1/space/usage/user";
/** The sandbox's default credentials (README.md, "The sandbox"). */
export const TOKEN = "sandbox-token";
export const APP_ID = "sandbox-app";
export const APP_SECRET = "sandbox-secret";
/** The acting user every request names in X-User-Id. */
export const ACTING = "1505084218764547200";

/** A required setting from the environment. */
export function setting(name, fallback) {
  const value = process.env[name];
  if (value === undefined || value === "") {
    if (fallback !== undefined) return fallback;
    throw new Error(`${name} is not set: run the benchmarks with \`cargo xtask bench\``);
  }
  return value;
}

/** A whole-number setting. */
export function count(name, fallback) {
  const n = Number(setting(name, String(fallback)));
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, not ${process.env[name]}`);
  return n;
}

/** Progress, on stderr (stdout carries the result). */
export function log(...words) {
  process.stderr.write(`${words.join(" ")}\n`);
}

/** A metric's samples, kept in the order they were taken. */
export class Metrics {
  #metrics = {};
  notes = [];

  add(name, unit, value) {
    const m = (this.#metrics[name] ??= { unit, samples: [] });
    m.samples.push(value);
  }

  /** Writes the result line and ends the process. */
  emit(extra = {}) {
    process.stdout.write(`${JSON.stringify({ metrics: this.#metrics, notes: this.notes, ...extra })}\n`);
  }
}

/** Reports that nothing could be measured, and why. */
export function emitError(error) {
  const message = error instanceof Error ? error.message : String(error);
  process.stdout.write(`${JSON.stringify({ metrics: {}, notes: [], error: message })}\n`);
}

/** Runs a harness's main function: any throw becomes an `error` result. */
export async function main(body) {
  try {
    await body();
  } catch (e) {
    log(e instanceof Error ? (e.stack ?? e.message) : String(e));
    emitError(e);
  }
}

/** X-Date as the client writes it: UTC yyyyMMdd'T'HHmmss'Z', one second behind `ms`. */
export function xDate(ms = Date.now()) {
  return new Date(ms - 1000).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}Z$/, "Z");
}

const TRACE_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

/** A new X-Traceid: 58 characters [0-9a-z], as the client makes them. */
export function traceId() {
  const bytes = new Uint8Array(58);
  crypto.getRandomValues(bytes);
  let id = "";
  for (const b of bytes) id += TRACE_ALPHABET[b % 36];
  return id;
}

/** The headers the client sends in token mode, fresh for one request. */
export function tokenHeaders() {
  return {
    Authorization: `Bearer ${TOKEN}`,
    "X-User-Id": ACTING,
    "X-Date": xDate(),
    "X-Traceid": traceId(),
    language: "en-US",
    "Content-Type": "application/json",
  };
}

/** A control request to the sandbox (`/__sandbox/...`). */
export async function control(base, method, path, body) {
  const res = await fetch(base + path, {
    method,
    // Every POST there must be JSON, also without a body.
    headers: method === "POST" ? { "Content-Type": "application/json" } : {},
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

/** One request to the endpoint with bare fetch, token mode; the parsed answer. */
export async function post(base, body) {
  const res = await fetch(base + USAGE_PATH, { method: "POST", headers: tokenHeaders(), body: JSON.stringify(body) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${text.slice(0, 200)}`);
  return JSON.parse(text);
}

/** The first `n` user ids of the sandbox, from its listing (pages of 100). */
export async function listIds(base, n) {
  const ids = [];
  for (let offset = 0; ids.length < n; offset += 100) {
    const page = await post(base, { limit: 100, offset });
    if (page.code !== 0 || !Array.isArray(page.data)) throw new Error(`listing at offset ${offset}: ${JSON.stringify(page).slice(0, 200)}`);
    if (page.data.length === 0) throw new Error(`the sandbox has only ${ids.length} users; ${n} are needed`);
    for (const r of page.data) ids.push(r.userId);
  }
  return ids.slice(0, n);
}

/** Splits `ids` into requests of at most 50. */
export function chunks(ids, size = 50) {
  const out = [];
  for (let i = 0; i < ids.length; i += size) out.push(ids.slice(i, i + size));
  return out;
}

/** The built npm package (target/npm/koodrive-space-usage), as Node loads it. */
export async function loadPackage() {
  return import(pathToFileURL(resolve(setting("BENCH_PACKAGE_DIR"), "index.node.js")).href);
}

/** A package of web/node_modules (openapi-fetch, playwright-core): its ES module entry when it has one. */
export async function devModule(name) {
  const modules = resolve(setting("BENCH_NODE_MODULES"));
  const require = createRequire(join(modules, "noop.js"));
  const manifest = require(`${name}/package.json`);
  const exported = manifest.exports?.["."];
  const esm = typeof exported === "object" ? (exported.import ?? exported.default) : undefined;
  const resolved = typeof esm === "string" ? join(modules, name, esm) : require.resolve(name);
  return import(pathToFileURL(resolved).href);
}

/** `order` rotated by `k`, so that no alternative always runs first. */
export function rotate(order, k) {
  const s = k % order.length;
  return [...order.slice(s), ...order.slice(0, s)];
}

/**
 * Clicks the admin page's "List all users" and waits until `users` users
 * are shown and the progress bar is gone; returns the milliseconds it took.
 * Shared by the page harnesses (admin.mjs, directory.mjs).
 */
export async function listAllInPage(page, users, hangGuardMs) {
  const clicked = Date.now();
  await page.getByRole("button", { name: "List all users" }).click();
  const status = page.getByRole("status").first();
  for (;;) {
    const text = (await status.textContent()) ?? "";
    const shown = /^([\d,\s  ]+) users shown/.exec(text);
    if (shown && Number(shown[1].replace(/\D/g, "")) >= users && (await page.getByRole("progressbar").count()) === 0) break;
    if (Date.now() - clicked > hangGuardMs) throw new Error(`the page did not list ${users} users; status: "${text}"`);
    await page.waitForTimeout(25);
  }
  return Date.now() - clicked;
}
