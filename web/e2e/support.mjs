// Shared by the admin page's browser tests (run by `cargo xtask test`, stage
// e2e): headless Chromium through playwright-core, the sandbox (the one the
// stage started, or one of a test's own with other flags), waiting on what a
// user would see, and the sandbox's data fetched straight from its API.
//
// Environment (set by the e2e stage):
//   KOODRIVE_SANDBOX_URL  the sandbox serving the built page (http://127.0.0.1:PORT)
//   KOODRIVE_SANDBOX_BIN  the sandbox binary, for tests that need other flags
//   KOODRIVE_GATEWAY_BIN  the gateway binary (koodrive-gateway), for the gateway tests
//   KOODRIVE_ADMIN_DIST   the built page (target/dist/admin)
//   KOODRIVE_SCREENSHOTS  where screenshots go (target/screenshots)
//   CHROMIUM              the browser (default /usr/bin/chromium)

import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { mkdirSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, beforeEach } from "node:test";
import { chromium } from "playwright-core";

export const SANDBOX_URL = process.env.KOODRIVE_SANDBOX_URL ?? "";
export const SANDBOX_BIN = process.env.KOODRIVE_SANDBOX_BIN ?? "";
export const GATEWAY_BIN = process.env.KOODRIVE_GATEWAY_BIN ?? "";
export const ADMIN_DIST = process.env.KOODRIVE_ADMIN_DIST ?? "";
export const SCREENSHOTS = process.env.KOODRIVE_SCREENSHOTS ?? "target/screenshots";
export const TOKEN = "sandbox-token";
export const ACTING_USER = "1505084218764547200";

/** How long any one wait may take before the test fails instead of hanging. */
export const HANG_GUARD_MS = 60_000;

if (!SANDBOX_URL) {
  throw new Error("KOODRIVE_SANDBOX_URL is not set: run these tests with `cargo xtask test --stage e2e`");
}

/** Launches headless Chromium with the flags the test machines need. */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
  });
}

/**
 * A new page on `url`, with the errors it logs collected in `page.problems`
 * (tests assert there are none of their own making).
 */
export async function openPage(browser, url, { width = 1280, height = 900, colorScheme = "light", bypassCSP = false } = {}) {
  const context = await browser.newContext({
    viewport: { width, height },
    colorScheme,
    bypassCSP,
    acceptDownloads: true,
  });
  context.setDefaultTimeout(HANG_GUARD_MS);
  const page = await context.newPage();
  page.problems = [];
  page.on("pageerror", (e) => page.problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    // The browser's own notes about favicon-less pages and preload integrity are not the page's.
    if (m.type() === "error" && !/favicon|integrity/i.test(m.text())) {
      page.problems.push(`console: ${m.text()}`);
    }
  });
  page.on("dialog", (d) => {
    page.problems.push(`dialog: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  await page.goto(url);
  // The page is up once its wasm has drawn the Query button.
  await page.getByRole("button", { name: "Query", exact: true }).waitFor();
  return page;
}

/**
 * Waits until `read()` returns something `ok` accepts; fails with the last
 * value seen when the hang guard runs out.
 */
export async function until(read, ok, what) {
  const started = Date.now();
  let last;
  for (;;) {
    last = await read();
    if (ok(last)) return last;
    if (Date.now() - started > HANG_GUARD_MS) {
      throw new Error(`waited for ${what}; last seen: ${JSON.stringify(last)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The status region's text. */
export const statusText = (page) => page.getByRole("status").first().textContent();

/** Waits until the status reads exactly `expected`. */
export function expectStatus(page, expected) {
  return until(() => statusText(page), (t) => t === expected, `status "${expected}"`);
}

/** Waits until the status matches a pattern, returning its text. */
export function expectStatusMatching(page, pattern) {
  return until(() => statusText(page), (t) => pattern.test(t ?? ""), `status matching ${pattern}`);
}

/** Waits until no bulk query is running (the progress bar is gone). */
export async function settled(page) {
  await page.getByRole("progressbar").waitFor({ state: "detached" });
}

/** Clicks "List all users" and waits for every user to be listed. */
export async function listAll(page, users = 2000) {
  await page.getByRole("button", { name: "List all users" }).click();
  await expectStatus(page, `${users} users shown · 0 missing · 0 failed`);
  await settled(page);
}

/** Pastes ids into the User IDs box and clicks Query. */
export async function queryIds(page, ids) {
  await page.getByLabel("User IDs").fill(ids.join("\n"));
  await page.getByRole("button", { name: "Query", exact: true }).click();
}

/** The rows of the table now in the document, as arrays of cell texts. */
export function visibleRows(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll("table.results tbody tr:not(.spacer)")].map((tr) =>
      [...tr.querySelectorAll("td")].map((td) => {
        // What is seen: without the text kept for screen readers only.
        const copy = td.cloneNode(true);
        copy.querySelectorAll(".sr-only").forEach((n) => n.remove());
        return copy.textContent.trim();
      }),
    ),
  );
}

/** The `used` wire values of the rows in the document (from each cell's title). */
export function visibleUsed(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll("table.results tbody tr:not(.spacer)")].map((tr) => {
      const title = tr.querySelectorAll("td")[2]?.querySelector("[title]")?.getAttribute("title") ?? "";
      const n = Number.parseFloat(title);
      return Number.isFinite(n) ? n : null;
    }),
  );
}

/** Saves a screenshot under the screenshots folder. */
export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// --- The sandbox ---------------------------------------------------------

/** Test control: `POST /__sandbox/faults` and friends (every POST as JSON, also without a body). */
export async function sandboxControl(base, method, route, body) {
  const res = await fetch(`${base}/__sandbox/${route}`, {
    method,
    headers: method === "POST" ? { "content-type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} /__sandbox/${route}: HTTP ${res.status} ${await res.text()}`);
  return res;
}

/** Resets the sandbox's faults, clock and statistics. */
export const resetSandbox = (base) => sandboxControl(base, "POST", "reset");

function xDate(now = new Date()) {
  return now.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

/** One request to the sandbox's API, as a client would send it. */
export async function apiQuery(base, body) {
  const res = await fetch(`${base}/koodrive/ose/v1/space/usage/user`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${TOKEN}`,
      "x-user-id": ACTING_USER,
      "x-date": xDate(new Date(Date.now() - 1000)),
      language: "en-US",
    },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  if (json.code !== 0) throw new Error(`API answered ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

/** Every user the sandbox holds, straight from its API. */
export async function allUsers(base) {
  const users = [];
  for (let offset = 0; ; offset += 100) {
    const page = await apiQuery(base, { limit: 100, offset });
    users.push(...page.data);
    if (page.data.length === 0 || users.length >= page.total) return users;
  }
}

/** Each of `users`' seeded daily change of `used` (`GET /__sandbox/users/{id}/rate`), by id. */
export async function seededRates(base, users) {
  const rates = new Map();
  for (const u of users) {
    const res = await sandboxControl(base, "GET", `users/${encodeURIComponent(u.userId)}/rate`);
    const body = await res.json();
    if (body.userId !== u.userId) throw new Error(`the rate of ${u.userId} came back for ${body.userId}`);
    rates.set(u.userId, body.usedPerDay);
  }
  return rates;
}

/** The cells of one user's row: the table filtered down to that user. */
export async function rowOf(page, id) {
  await page.getByRole("searchbox", { name: "Filter" }).fill(id);
  const rows = await until(
    () => visibleRows(page),
    (rows) => rows.length === 1 && rows[0][0] === id,
    `the row of user ${id}`,
  );
  return rows[0];
}

/** The state of a record under the default thresholds (README.md, "The core crate": derived values). */
export function stateOf(user, nearingAt = 0.9, criticalAt = 0.99) {
  if (typeof user.quota !== "string" || !/^\d+$/.test(user.quota) || typeof user.used !== "number" || user.used < 0) {
    return "unknown";
  }
  const quota = Number(user.quota);
  if (quota === 0) return user.used > 0 ? "exceeded" : "normal";
  const ratio = user.used / quota;
  if (ratio >= 1) return "exceeded";
  if (ratio >= criticalAt) return "critical";
  if (ratio >= nearingAt) return "nearing";
  return "normal";
}

/**
 * Starts a sandbox of the test's own (`--addr 127.0.0.1:0`, serving the built
 * page) with more flags; resolves with `{ url, stop }` once it listens.
 */
export function startSandbox(extraArgs = []) {
  if (!SANDBOX_BIN) {
    throw new Error("KOODRIVE_SANDBOX_BIN is not set: run these tests with `cargo xtask test --stage e2e`");
  }
  const args = ["--addr", "127.0.0.1:0", ...(ADMIN_DIST ? ["--static", ADMIN_DIST] : []), ...extraArgs];
  return startService("the sandbox", SANDBOX_BIN, args);
}

/**
 * Starts a gateway (`--addr 127.0.0.1:0`, serving the built page) in front
 * of `upstream` with more flags; resolves with `{ url, stop }` once it listens.
 */
export function startGateway(upstream, extraArgs = []) {
  if (!GATEWAY_BIN) {
    throw new Error("KOODRIVE_GATEWAY_BIN is not set: run these tests with `cargo xtask test --stage e2e`");
  }
  const args = ["--upstream", upstream, "--addr", "127.0.0.1:0", "--static", ADMIN_DIST, ...extraArgs];
  return startService("the gateway", GATEWAY_BIN, args);
}

/** Runs `bin` with `args` until its first line names the URL it listens on. */
function startService(what, bin, args) {
  // Its request log (stderr) is not the test's output.
  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "ignore"] });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`${what} exited (${code}) before listening`)));
    lines.once("line", (line) => {
      const url = /http:\/\/\S+/.exec(line)?.[0];
      if (!url) {
        child.kill();
        reject(new Error(`unexpected first line from ${what}: ${line}`));
        return;
      }
      // Keep draining its output so it never blocks on a full pipe.
      lines.on("line", () => {});
      resolve({
        url,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once("exit", () => done());
            child.kill();
          }),
      });
    });
  });
}

/**
 * Parses CSV text (RFC 4180: quotes, doubled quotes, CRLF) into rows of
 * fields; a leading byte-order mark is not part of the first field.
 */
export function parseCsv(text) {
  text = text.replace(/^\uFEFF/, "");
  const rows = [];
  let row = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else {
      field += c;
    }
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

// The hooks test files share. Each registers node:test hooks when called at
// the top of a file, and returns an object whose fields are set once the
// file's tests run; whatever they start is stopped after the file's tests,
// also when one of them fails.

/**
 * One browser for the file's tests (`.browser`); with `reset` (the default)
 * the shared sandbox is reset before them.
 */
export function browserForFile({ reset = true } = {}) {
  const shared = { browser: null };
  before(async () => {
    shared.browser = await launchBrowser();
    if (reset) await resetSandbox(SANDBOX_URL);
  });
  after(async () => {
    await shared.browser?.close();
  });
  return shared;
}

/**
 * A fresh page of the shared sandbox for every test: before the file's tests
 * one browser and `.users`, every user of the sandbox (from its API); before
 * each test the sandbox reset and `.page` a new page on it, the previous
 * test's page closed.
 */
export function pageForEachTest() {
  const shared = browserForFile({ reset: false });
  shared.users = [];
  shared.page = null;
  before(async () => {
    shared.users = await allUsers(SANDBOX_URL);
  });
  beforeEach(async () => {
    await resetSandbox(SANDBOX_URL);
    await shared.page?.context().close();
    shared.page = await openPage(shared.browser, SANDBOX_URL);
  });
  return shared;
}

/**
 * A sandbox of the file's own serving exactly `users` (the wire's records,
 * written to a temporary `--data` file): `.url` once the tests run.
 */
export function sandboxWithUsers(users) {
  const own = { url: "" };
  let sandbox;
  let dir;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "koodrive-e2e-users-"));
    const file = path.join(dir, "users.json");
    await writeFile(file, JSON.stringify(users));
    sandbox = await startSandbox(["--data", file]);
    own.url = sandbox.url;
  });
  after(async () => {
    await sandbox?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  return own;
}
