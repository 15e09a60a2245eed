// Usage over time, end to end: a sandbox of the test's own that ages
// (`POST /__sandbox/advance {"days": 1}` between listings), the page keeping
// a snapshot after each complete listing, and what it forecasts checked
// against each user's true daily rate (`GET /__sandbox/users/{id}/rate`).
// Then the history kept in the browser: reload, forget, export, import back,
// files refused; and past CSV exports imported as dated snapshots.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import {
  allUsers,
  launchBrowser,
  listAll,
  openPage,
  queryIds,
  rowOf,
  sandboxControl,
  screenshot,
  seededRates,
  startSandbox,
  until,
  visibleRows,
} from "./support.mjs";

const DAYS = 10;

let browser;
let sandbox;
let dir;
let users; // every user at day 0, from the sandbox's API
let rates; // userId -> used per day
let page;
const exports = []; // three CSV exports of the page, taken on days 0, 1 and 2
let historyFile; // the history as exported by the page

const history = () => page.getByRole("region", { name: "History", exact: true });
const snapshotRows = () => history().locator(".history-table tbody tr");
const keep = () => page.getByLabel("Keep history on this computer");

/** How many entries each store of the page's history database holds. */
const storedCounts = () =>
  page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open("koodrive-admin-history");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const names = [...db.objectStoreNames];
          const tx = db.transaction(names);
          const counts = {};
          for (const name of names) {
            const req = tx.objectStore(name).count();
            req.onsuccess = () => (counts[name] = req.result);
          }
          tx.oncomplete = () => {
            db.close();
            resolve(counts);
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );

/** `used` of a user after `days` days: whole tenths, never below 0. */
const usedAfter = (u, days) => Math.max(0, Math.round(u.used * 10 + rates.get(u.userId) * 10 * days) / 10);

/** Picks a file in the input labelled `label`. */
async function pick(label, files) {
  await page.getByLabel(label, { exact: true }).setInputFiles(files);
}

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "koodrive-history-e2e-"));
  browser = await launchBrowser();
  sandbox = await startSandbox();
  users = await allUsers(sandbox.url);
  rates = await seededRates(sandbox.url, users.slice(0, 600));
  page = await openPage(browser, sandbox.url);
});

after(async () => {
  await page?.context().close();
  await sandbox?.stop();
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("usage history against an ageing sandbox", () => {
  test(`${DAYS} daily listings keep ${DAYS} snapshots`, async () => {
    await keep().check();
    for (let day = 0; day < DAYS; day++) {
      await listAll(page, users.length);
      await until(() => snapshotRows().count(), (n) => n === day + 1, `snapshot ${day + 1}`);
      if (day < 3) {
        const [download] = await Promise.all([
          page.waitForEvent("download"),
          page.getByRole("button", { name: "Export CSV" }).click(),
        ]);
        exports.push(await readFile(await download.path()));
      }
      if (day < DAYS - 1) await sandboxControl(sandbox.url, "POST", "advance", { days: 1 });
    }
    const summary = await history().locator(".history-summary").textContent();
    assert.match(summary, new RegExp(`^${DAYS} snapshots · `), summary);
    const first = await snapshotRows().first().locator("td").allTextContents();
    assert.equal(first[1], "listing");
    assert.equal(first[2], users.length.toLocaleString("en-US"));
  });

  test("a growing user's Full in is within one day of the truth", async (t) => {
    const last = DAYS - 1;
    const numeric = (u) => /^\d+$/.test(u.quota) && Number(u.quota) > 0 && Number(u.quota) < 2 ** 53;
    const candidates = users
      .filter((u) => rates.has(u.userId) && numeric(u) && rates.get(u.userId) > 0)
      .map((u) => ({ u, days: (Number(u.quota) - usedAfter(u, last)) / rates.get(u.userId) }))
      .filter(({ days }) => days >= 3 && days <= 300);
    assert.ok(candidates.length > 0, "the sandbox has users that will fill their quota");
    // The fastest to fill, and one slower.
    candidates.sort((a, b) => a.days - b.days);
    for (const { u, days } of [candidates[0], candidates[candidates.length - 1]]) {
      const row = await rowOf(page, u.userId);
      const fullIn = row[row.length - 1];
      const shown = /^in (\d+) days?$/.exec(fullIn);
      assert.ok(shown, `user ${u.userId}: "${fullIn}", truth ${days.toFixed(2)} days`);
      assert.ok(Math.abs(Number(shown[1]) - days) <= 1, `user ${u.userId}: "${fullIn}", truth ${days.toFixed(2)} days`);
      assert.match(row[row.length - 2], /^\+[\d.]+ \w+\/day\+[\d.]+ \w+\/30 days$/);
      // The JSON export says the same, to a tenth of a day, with the rate.
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("button", { name: "Export JSON" }).click(),
      ]);
      const exported = JSON.parse(await readFile(await download.path(), "utf8")).users.find((x) => x.userId === u.userId);
      assert.ok(Math.abs(exported.fullInDays - days) <= 1, `exported ${exported.fullInDays}, truth ${days.toFixed(2)}`);
      // Snapshots are a day and the listing's few hundred ms apart: the rate agrees to 0.1 %.
      assert.ok(Math.abs(exported.growthPerDay / rates.get(u.userId) - 1) < 1e-3, `rate ${exported.growthPerDay}, truth ${rates.get(u.userId)}`);
      t.diagnostic(`user ${u.userId}: shown "${fullIn}", exported ${exported.fullInDays} days, truth ${days.toFixed(2)} days`);
    }
  });

  test("a flat user shows —, a user past the quota shows full now", async () => {
    const flat = users.find((u) => rates.get(u.userId) === 0 && u.used > 0 && /^[1-9]\d*$/.test(u.quota));
    assert.ok(flat, "the sandbox has a flat user");
    const row = await rowOf(page, flat.userId);
    assert.equal(row[row.length - 1], "—");
    const over = users.find(
      (u) => rates.get(u.userId) > 0 && /^[1-9]\d{0,14}$/.test(u.quota) && usedAfter(u, DAYS - 1) > Number(u.quota),
    );
    assert.ok(over, "the sandbox has a user past the quota");
    const overRow = await rowOf(page, over.userId);
    assert.equal(overRow[overRow.length - 1], "full now");
    // Full within (days): only users full by then stay.
    await page.getByRole("searchbox", { name: "Filter" }).fill("");
    await page.getByLabel("Full within (days)").fill("0");
    await page.getByLabel("Full within (days)").press("Enter");
    const rows = await until(
      () => visibleRows(page),
      (rows) => rows.length > 0 && rows.every((r) => r[r.length - 1] === "full now"),
      "only users full now",
    );
    assert.ok(rows.some((r) => r[0] === over.userId) || rows.length >= 10);
    await page.getByLabel("Full within (days)").fill("");
    await page.getByLabel("Full within (days)").press("Enter");
  });

  test("a user's chart and the tenant's totals are drawn", async () => {
    const grower = users.find((u) => rates.get(u.userId) > 0);
    await page.getByLabel("User ID to chart").fill(grower.userId);
    await page.getByLabel("User ID to chart").press("Enter");
    const chart = history().getByRole("img", { name: `Usage over time: ${grower.userId}` });
    const points = (await chart.locator("path.used").getAttribute("d")).split(/[ML]/).filter(Boolean);
    assert.equal(points.length, DAYS);
    await history().getByRole("img", { name: "Tenant totals over time" }).waitFor();
    await screenshot(page, "admin-history-light-1280");
  });

  test("with a directory, Departments grows by its users' rates", async () => {
    const growers = users.filter((u) => rates.get(u.userId) > 0).slice(0, 3);
    const flat = users.filter((u) => rates.get(u.userId) === 0).slice(0, 2);
    const csv = ["userId,name,department", ...growers.map((u, i) => `${u.userId},Grower ${i},Growers`), ...flat.map((u, i) => `${u.userId},Flat ${i},Flat`)];
    await page.getByLabel("Import directory CSV").setInputFiles({ name: "directory.csv", mimeType: "text/csv", buffer: Buffer.from(csv.join("\n")) });
    await page.getByRole("button", { name: "Use directory" }).click();
    const departments = page.getByRole("table", { name: "Departments" });
    await departments.getByRole("columnheader", { name: /Growth per day/ }).waitFor();
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export departments JSON" }).click(),
    ]);
    const list = JSON.parse(await readFile(await download.path(), "utf8")).departments;
    const truth = growers.reduce((sum, u) => sum + rates.get(u.userId), 0);
    const grown = list.find((d) => d.department === "Growers");
    assert.ok(Math.abs(grown.growthPerDay / truth - 1) < 1e-3, `Growers ${grown.growthPerDay}, truth ${truth}`);
    const still = list.find((d) => d.department === "Flat");
    assert.ok(still.growthPerDay === undefined || Math.abs(still.growthPerDay) < 1e-6, `Flat ${still.growthPerDay}`);
    const row = departments.getByRole("row", { name: /^Growers/ });
    assert.match(await row.locator("td.growth").textContent(), /^\+[\d.]+ \w+$/);
  });

  test("the history stays after a reload, exports, and is forgotten when unticked", async () => {
    // The trends are kept beside the snapshots: a page opened again shows
    // the same forecasts without decoding every snapshot first.
    const grower = users.find((u) => rates.get(u.userId) > 0 && /^[1-9]\d{0,14}$/.test(u.quota));
    await queryIds(page, [grower.userId]);
    const before = await rowOf(page, grower.userId);
    await until(storedCounts, (c) => c.trends === 1 && c.snapshots === DAYS, "the snapshots and their trends kept");
    await page.reload();
    await page.getByRole("button", { name: "Query", exact: true }).waitFor();
    await until(() => snapshotRows().count(), (n) => n === DAYS, `${DAYS} snapshots after a reload`);
    assert.equal(await keep().isChecked(), true);
    await queryIds(page, [grower.userId]);
    const after = await rowOf(page, grower.userId);
    assert.deepEqual(after.slice(-2), before.slice(-2), "Growth and Full in after a reload");

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      history().getByRole("button", { name: "Export history" }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^koodrive-history-\d{8}T\d{6}\.kdhistory$/);
    historyFile = path.join(dir, download.suggestedFilename());
    await download.saveAs(historyFile);

    // One deleted, then forgotten altogether.
    await snapshotRows().first().getByRole("button", { name: /^Delete / }).click();
    await until(() => snapshotRows().count(), (n) => n === DAYS - 1, "one snapshot fewer");
    await keep().uncheck();
    await until(() => snapshotRows().count(), (n) => n === 0, "no snapshot once forgotten");
    // Nothing of it is left in this browser: snapshots, trends, the mark.
    assert.deepEqual(await storedCounts(), { keep: 0, snapshots: 0, trends: 0 });
    await page.reload();
    await page.getByRole("button", { name: "Query", exact: true }).waitFor();
    await history().getByText("No snapshots yet").waitFor();
    assert.equal(await keep().isChecked(), false);
    assert.equal(await page.getByRole("columnheader", { name: /Full in/ }).count(), 0);
  });

  test("an exported history imports back; a damaged or foreign file is refused and the history stays", async () => {
    await keep().check();
    await pick("Import history", historyFile);
    await until(() => snapshotRows().count(), (n) => n === DAYS, `${DAYS} snapshots imported`);

    const good = await readFile(historyFile);
    const damaged = Buffer.from(good);
    damaged[Math.floor(damaged.length / 2)] ^= 0x5a;
    const damagedFile = path.join(dir, "damaged.kdhistory");
    await writeFile(damagedFile, damaged);
    await pick("Import history", damagedFile);
    const alert = history().getByRole("alert");
    await until(() => alert.textContent(), (t) => /^The file was refused: damaged\.kdhistory: /.test(t ?? ""), "a refusal");
    assert.equal(await snapshotRows().count(), DAYS);

    const foreign = path.join(dir, "foreign.kdhistory");
    await writeFile(foreign, exports[0]);
    await pick("Import history", foreign);
    await until(() => alert.textContent(), (t) => /foreign\.kdhistory/.test(t ?? ""), "a refusal of a foreign file");
    assert.equal(await snapshotRows().count(), DAYS);

    // Still kept: it comes back after a reload.
    await page.reload();
    await page.getByRole("button", { name: "Query", exact: true }).waitFor();
    await until(() => snapshotRows().count(), (n) => n === DAYS, `${DAYS} snapshots after a reload`);
  });

  test("three past CSV exports import as three snapshots with their dates", async () => {
    await page.context().close();
    page = await openPage(browser, sandbox.url);
    const names = ["koodrive-usage-20261101T080000.csv", "koodrive-usage-20261102T080000.csv", "usage 2026-11-03.csv"];
    const files = names.map((name, i) => ({ name, mimeType: "text/csv", buffer: exports[i] }));
    await pick("Import past CSV exports", files);
    await until(() => snapshotRows().count(), (n) => n === 3, "three imported snapshots");
    const rows = await snapshotRows().evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)),
    );
    const dates = rows.map((r) => /\d{4}-\d{2}-\d{2}/.exec(r[0])?.[0]).sort();
    assert.deepEqual(dates, ["2026-11-01", "2026-11-02", "2026-11-03"]);
    assert.ok(rows.every((r) => r[1] === "import"));

    // A file that is not an export of this page is refused, by name.
    await pick("Import past CSV exports", { name: "2026-11-04.csv", mimeType: "text/csv", buffer: Buffer.from("name,email\nA,a@x\n") });
    const alert = history().getByRole("alert");
    await until(() => alert.textContent(), (t) => /2026-11-04\.csv is not a CSV export of this page/.test(t ?? ""), "a refusal");
    assert.equal(await snapshotRows().count(), 3);
    assert.deepEqual(page.problems, []);
  });
});
