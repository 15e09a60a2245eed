// Snapshots kept by the gateway, end to end: a sandbox of the test's own
// that ages (`POST /__sandbox/advance {"days": 1}`), a gateway in app mode in
// front of it keeping snapshots (`--snapshot-every 24h --snapshot-db FILE`,
// one taken at start, four more with `POST /__gateway/snapshots`), and the
// page served by that gateway: its History region lists the five, marked as
// the server's, and Growth and Full in come from them, checked against each
// user's true daily rate (`GET /__sandbox/users/{id}/rate`). Then the
// server's snapshots beside those kept on this computer (one per day), a
// gateway whose snapshots cannot be read (the browser's history stays), and
// a gateway without snapshots (nothing changes).

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import {
  ACTING_USER,
  allUsers,
  launchBrowser,
  listAll,
  openPage,
  rowOf,
  sandboxControl,
  seededRates,
  startGateway,
  startSandbox,
  until,
} from "./support.mjs";

const SNAPSHOTS = 5;
const DAY_MS = 86_400_000;

let browser;
let sandbox;
let gateway;
let dir;
let secretFile;
let users; // every user at the first snapshot, from the sandbox's API
let rates; // userId -> used per day
let listed; // the gateway's list of snapshots
let page;

const history = () => page.getByRole("region", { name: "History", exact: true });
const snapshotRows = () => history().locator(".history-table tbody tr");
const keptMarks = () => snapshotRows().locator("td.kept").allTextContents();

/** `used` of a user after `days` days: whole tenths, never below 0. */
const usedAfter = (u, days) => Math.max(0, Math.round(u.used * 10 + rates.get(u.userId) * 10 * days) / 10);

/** The gateway's snapshot endpoints, as a script on this machine calls them. */
async function gatewaySnapshots(method = "GET") {
  const res = await fetch(`${gateway.url}/__gateway/snapshots`, {
    method,
    headers: method === "POST" ? { "content-type": "application/json" } : {},
  });
  const body = await res.json();
  if (res.status !== (method === "POST" ? 201 : 200)) {
    throw new Error(`${method} /__gateway/snapshots: HTTP ${res.status} ${JSON.stringify(body)}`);
  }
  return body;
}

/** The sandbox's clock now (its Date header), Unix ms. */
async function sandboxNow() {
  const res = await sandboxControl(sandbox.url, "GET", "health");
  return Date.parse(res.headers.get("date"));
}

/** Opens the page through the gateway and waits until it has found the gateway. */
async function openThroughGateway() {
  const p = await openPage(browser, gateway.url);
  await p.getByText(/^Through the gateway to \S+/).waitFor();
  return p;
}

/** Errors the page logged, but for the 404 of `/__sandbox/health` (the gateway forwards no such path). */
const problems = (p) => p.problems.filter((x) => !/status of 404/.test(x));

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "koodrive-server-history-e2e-"));
  secretFile = path.join(dir, "app-secret");
  await writeFile(secretFile, "sandbox-secret\n", { mode: 0o600 });
  browser = await launchBrowser();
  sandbox = await startSandbox();
  users = await allUsers(sandbox.url);
  rates = await seededRates(sandbox.url, users.slice(0, 600));
  gateway = await startGateway(sandbox.url, [
    "--app-id", "sandbox-app", "--app-secret-file", secretFile, "--acting-user-id", ACTING_USER,
    "--snapshot-every", "24h", "--snapshot-db", path.join(dir, "snapshots.db"),
  ]);
  // The first is taken at start; then one a day.
  await until(() => gatewaySnapshots(), (list) => list.length === 1, "the gateway's first snapshot");
  for (let day = 1; day < SNAPSHOTS; day++) {
    await sandboxControl(sandbox.url, "POST", "advance", { days: 1 });
    await gatewaySnapshots("POST");
  }
  listed = await gatewaySnapshots();
  assert.equal(listed.length, SNAPSHOTS);
  assert.ok(listed.every((s) => s.users === users.length), JSON.stringify(listed));
});

after(async () => {
  await page?.context().close();
  await gateway?.stop();
  await sandbox?.stop();
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("snapshots kept by the gateway, in the page it serves", () => {
  test(`the History region lists the gateway's ${SNAPSHOTS} snapshots, marked as the server's`, async () => {
    page = await openThroughGateway();
    await until(() => snapshotRows().count(), (n) => n === SNAPSHOTS, `${SNAPSHOTS} snapshots listed`);
    assert.deepEqual(await keptMarks(), Array(SNAPSHOTS).fill("server"));
    await history().getByText(`${SNAPSHOTS} snapshots on the server`).waitFor();
    const newest = await snapshotRows().first().locator("td").allTextContents();
    assert.equal(newest[1], "listing");
    assert.equal(newest[2], users.length.toLocaleString("en-US"));
    // The server's snapshots are the gateway's to delete, and nothing is kept here.
    assert.equal(await snapshotRows().getByRole("button", { name: /^Delete / }).count(), 0);
    assert.equal(await page.getByLabel("Keep history on this computer").isChecked(), false);
    assert.equal(await history().getByRole("alert").count(), 0);
  });

  test("Growth and Full in come from the server's snapshots, at each user's true rate", async (t) => {
    await listAll(page, users.length);
    const last = SNAPSHOTS - 1;
    const numeric = (u) => /^\d+$/.test(u.quota) && Number(u.quota) > 0 && Number(u.quota) < 2 ** 53;
    const candidates = users
      .filter((u) => rates.has(u.userId) && numeric(u) && rates.get(u.userId) > 0)
      .map((u) => ({ u, days: (Number(u.quota) - usedAfter(u, last)) / rates.get(u.userId) }))
      .filter(({ days }) => days >= 3 && days <= 300);
    assert.ok(candidates.length > 0, "the sandbox has users that will fill their quota");
    candidates.sort((a, b) => a.days - b.days);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export JSON" }).click(),
    ]);
    const exported = JSON.parse(await readFile(await download.path(), "utf8")).users;
    for (const { u, days } of [candidates[0], candidates[candidates.length - 1]]) {
      const row = await rowOf(page, u.userId);
      const fullIn = row[row.length - 1];
      const shown = /^in (\d+) days?$/.exec(fullIn);
      assert.ok(shown, `user ${u.userId}: "${fullIn}", truth ${days.toFixed(2)} days`);
      assert.ok(Math.abs(Number(shown[1]) - days) <= 1, `user ${u.userId}: "${fullIn}", truth ${days.toFixed(2)} days`);
      assert.match(row[row.length - 2], /^\+[\d.]+ \w+\/day\+[\d.]+ \w+\/30 days$/);
      const mine = exported.find((x) => x.userId === u.userId);
      // Five snapshots a day apart (and the seconds between the gateway's listings): the rate agrees to 0.1 %.
      const truth = rates.get(u.userId);
      assert.ok(Math.abs(mine.growthPerDay / truth - 1) < 1e-3, `user ${u.userId}: rate ${mine.growthPerDay}, truth ${truth}`);
      assert.ok(Math.abs(mine.fullInDays - days) <= 1, `user ${u.userId}: exported ${mine.fullInDays} days, truth ${days.toFixed(2)}`);
      t.diagnostic(`user ${u.userId}: Growth ${mine.growthPerDay}/day (truth ${truth}), shown "${fullIn}", truth ${days.toFixed(2)} days`);
    }
    // A flat user shows —.
    const flat = users.find((u) => rates.get(u.userId) === 0 && u.used > 0 && /^[1-9]\d*$/.test(u.quota));
    assert.ok(flat, "the sandbox has a flat user");
    const row = await rowOf(page, flat.userId);
    assert.equal(row[row.length - 1], "—");
    await page.getByRole("searchbox", { name: "Filter" }).fill("");
    assert.deepEqual(problems(page), []);
  });

  test("beside the history kept on this computer, each day counts once", async () => {
    const grower = users.find((u) => rates.get(u.userId) > 0);
    await page.getByLabel("Keep history on this computer").check();
    const before = await sandboxNow();
    await listAll(page, users.length);
    await until(() => snapshotRows().count(), (n) => n === SNAPSHOTS + 1, "the server's and this computer's snapshots");
    const after = await sandboxNow();
    const marks = await keptMarks();
    assert.equal(marks.filter((m) => m === "this computer").length, 1, JSON.stringify(marks));
    assert.equal(marks.filter((m) => m === "server").length, SNAPSHOTS, JSON.stringify(marks));
    // Only this computer's snapshot can be deleted here.
    assert.equal(await snapshotRows().getByRole("button", { name: /^Delete / }).count(), 1);
    // The browser's snapshot falls on the day of the server's newest (unless
    // the test ran across midnight UTC): that day counts once.
    const newestDay = Math.floor(listed.at(-1).takenAt / DAY_MS);
    const sameDay = Math.floor(before / DAY_MS) === newestDay && Math.floor(after / DAY_MS) === newestDay;
    await page.getByLabel("User ID to chart").fill(grower.userId);
    await page.getByLabel("User ID to chart").press("Enter");
    const chart = history().getByRole("img", { name: `Usage over time: ${grower.userId}` });
    const points = (await chart.locator("path.used").getAttribute("d")).split(/[ML]/).filter(Boolean);
    assert.equal(points.length, sameDay ? SNAPSHOTS : SNAPSHOTS + 1, `sandbox clock ${before}–${after}, newest ${listed.at(-1).takenAt}`);
    assert.deepEqual(problems(page), []);
  });

  test("when the server's snapshots cannot be read, it says so and this computer's history stays", async () => {
    await page.context().close();
    page = await openThroughGateway();
    // The gateway's database fails for every snapshot (simulated on the way).
    await page.route(/\/__gateway\/snapshots\/\d+$/, (route) =>
      route.fulfill({
        status: 500,
        contentType: "application/json",
        body: JSON.stringify({ code: "GATEWAY.SNAPSHOT_STORE", msg: "the snapshot database could not be read: disk I/O error" }),
      }),
    );
    // From a fresh start, with the route in place.
    await page.reload();
    await page.getByText(/^Through the gateway to \S+/).waitFor();
    await page.getByLabel("Keep history on this computer").check();
    await listAll(page, users.length);
    const alert = history().getByRole("alert");
    const text = await until(() => alert.textContent().catch(() => ""), (t) => /server's snapshots/.test(t ?? ""), "the failure told");
    assert.equal(
      text,
      "The server's snapshots could not be read (the gateway answered 500: the snapshot database could not be read: disk I/O error). " +
        "The history on this computer is unchanged; list all users to try again.",
    );
    // The list still shows the server's, and this computer's snapshot stays.
    await until(() => keptMarks(), (m) => m.filter((x) => x === "this computer").length === 1 && m.length === SNAPSHOTS + 1, "both sets listed");
    await page.reload();
    await page.getByRole("button", { name: "Query", exact: true }).waitFor();
    await until(() => keptMarks(), (m) => m.filter((x) => x === "this computer").length === 1, "this computer's snapshot after a reload");
    // In Chinese, the same.
    await page.getByLabel("Language").selectOption("zh-CN");
    const zh = page.getByRole("region", { name: "历史", exact: true }).getByRole("alert");
    await until(() => zh.textContent().catch(() => ""), (t) => /^无法读取服务器的快照（网关返回 500：/.test(t ?? ""), "the failure told in Chinese");
  });

  test("a gateway without snapshots changes nothing in the History region", async () => {
    await page.context().close();
    page = null;
    await gateway.stop();
    gateway = await startGateway(sandbox.url, ["--app-id", "sandbox-app", "--app-secret-file", secretFile]);
    page = await openThroughGateway();
    const requests = [];
    page.on("request", (r) => {
      if (new URL(r.url()).pathname.startsWith("/__gateway/snapshots")) requests.push(r.url());
    });
    await listAll(page, users.length);
    await history().getByText("No snapshots yet").waitFor();
    assert.equal(await history().getByText(/on the server/).count(), 0);
    assert.equal(await history().getByRole("alert").count(), 0);
    assert.equal(await page.getByRole("columnheader", { name: /Full in/ }).count(), 0);
    assert.deepEqual(requests, []);
    assert.deepEqual(problems(page), []);
  });

  test("a gateway that keeps snapshots and needs its token: the region says so before the token, and lists them after", async () => {
    await page?.context().close();
    page = null;
    await gateway.stop();
    const tokenFile = path.join(dir, "gateway-token");
    await writeFile(tokenFile, "gateway-token-for-e2e-5678\n", { mode: 0o600 });
    gateway = await startGateway(sandbox.url, [
      "--app-id", "sandbox-app", "--app-secret-file", secretFile, "--acting-user-id", ACTING_USER,
      "--snapshot-every", "24h", "--snapshot-db", path.join(dir, "snapshots.db"),
      "--gateway-token-file", tokenFile,
    ]);
    page = await openThroughGateway();
    // Nothing can be read yet, but the region says the gateway keeps snapshots.
    await history().getByText(/^The gateway that serves this page takes snapshots by itself/).waitFor();
    await history().getByText("0 snapshots on the server").waitFor();
    assert.equal(await snapshotRows().count(), 0);

    await page.getByLabel("Gateway token").fill("gateway-token-for-e2e-5678");
    await listAll(page, users.length);
    await until(() => keptMarks(), (m) => m.filter((x) => x === "server").length >= SNAPSHOTS, "the gateway's snapshots listed");
  });
});
