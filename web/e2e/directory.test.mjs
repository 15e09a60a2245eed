// The company directory joined to the usage rows, end to end: a sandbox of
// the test's own started with generated users (`--data`), a directory CSV of
// the same people beside it (directory-data.mjs: 1,000 on both sides, some
// only in KooDrive, some only in the directory, and the cells real exports
// have), imported through the page as an administrator does. What the page
// shows is checked against the sandbox's own data, read from its API.

import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import {
  allUsers,
  expectStatus,
  launchBrowser,
  listAll,
  openPage,
  parseCsv,
  settled,
  startSandbox,
  stateOf,
  until,
  visibleRows,
} from "./support.mjs";
import { DIRECTORY_HEADER, makeDirectoryFixture, writeDirectoryFixture } from "./directory-data.mjs";

const DAY_MS = 86_400_000;
const STATES = ["normal", "nearing", "critical", "exceeded", "unknown"];
const NO_DEPARTMENT = "(no department)";
const NOT_IN_DIRECTORY = "(not in directory)";

let browser;
let sandbox;
let dir;
let files; // { data, csv }
let fixture; // what was generated: the directory's people, who is where
let users; // every user of the sandbox, from its API
let page;

before(async () => {
  fixture = makeDirectoryFixture({ nowMs: Date.now() });
  dir = await mkdtemp(path.join(tmpdir(), "koodrive-directory-e2e-"));
  files = await writeDirectoryFixture(dir, fixture);
  browser = await launchBrowser();
  sandbox = await startSandbox(["--data", files.data]);
  users = await allUsers(sandbox.url);
  assert.equal(users.length, fixture.shared.length + fixture.sandboxOnly.length);
});

after(async () => {
  await page?.context().close();
  await sandbox?.stop();
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  await page?.context().close();
  page = await openPage(browser, sandbox.url);
});

/** `1020` as en-US writes it: `1,020`. */
const n = (count) => count.toLocaleString("en-US");

/** The summary the page should show once the generated directory is applied. */
function expectedSummary() {
  const s = fixture.summary;
  return (
    `Directory: ${n(s.users)} users · ${n(s.departments)} departments` +
    ` · ${n(s.duplicateIds)} duplicate ids skipped · ${n(s.withoutId)} row without id skipped`
  );
}

const summary = () => page.locator(".directory-summary");

/** Picks the generated CSV, picks `Org Unit` as the department column and applies it. */
async function importDirectory() {
  await page.getByLabel("Import directory CSV").setInputFiles(files.csv);
  await page.getByLabel("Department column").selectOption({ label: "Org Unit" });
  await page.getByRole("button", { name: "Use directory" }).click();
  await until(() => summary().textContent(), (t) => t === expectedSummary(), "the directory summary");
}

/** The index of the results table's column headed `name` (what is seen, without the sort arrow). */
async function columnIndex(name) {
  const headers = await page.evaluate(() =>
    [...document.querySelectorAll("table.results thead th")].map((th) => {
      const copy = th.cloneNode(true);
      copy.querySelectorAll(".sr-only, .arrow").forEach((e) => e.remove());
      return copy.textContent.trim();
    }),
  );
  const i = headers.indexOf(name);
  assert.ok(i >= 0, `column ${name} among ${headers.join(" | ")}`);
  return i;
}

/** Clicks `button` and reads the CSV file it downloads: `{ name, rows }`. */
async function downloadCsv(button) {
  const [download] = await Promise.all([page.waitForEvent("download"), button.click()]);
  return { name: download.suggestedFilename(), rows: parseCsv(await readFile(await download.path(), "utf8")) };
}

/** The department a sandbox user falls in on the Departments view. */
function departmentOf(userId) {
  const person = fixture.people.get(userId);
  if (!person) return NOT_IN_DIRECTORY;
  return person.department === "" ? NO_DEPARTMENT : person.department;
}

/** The Name cell of a directory user: the name, and the status of an account that is not active. */
function assertNameShown(cell, userId) {
  const { name, status } = fixture.people.get(userId);
  const seen = status === "Active" ? [name] : [name, `${name} ${status}`];
  assert.ok(seen.includes(cell), `${userId}: Name cell "${cell}", expected "${seen.join('" or "')}"`);
}

/** Within a relative 1e-9 of each other (sums of floats in another order). */
function assertClose(actual, expected, what) {
  const scale = Math.max(Math.abs(expected), 1);
  assert.ok(Math.abs(actual - expected) <= 1e-9 * scale, `${what}: ${actual}, expected ${expected}`);
}

/** Whether a record ends its period within 30 days of `nowMs` and has not yet. */
function expiringSoon(user, nowMs) {
  if (!user.expirationTime) return false;
  const left = Date.parse(user.expirationTime) - nowMs;
  return left > 0 && left <= 30 * DAY_MS;
}

/**
 * Whether this page's origin holds anything in IndexedDB: what "Keep on this
 * computer" writes and "Forget directory" deletes (the page shows no sign
 * when the write has landed, and a reload before it would lose it).
 */
function storedRecords() {
  return page.evaluate(async () => {
    let records = 0;
    for (const { name } of await indexedDB.databases()) {
      const db = await new Promise((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      for (const store of db.objectStoreNames) {
        records += await new Promise((resolve, reject) => {
          const count = db.transaction(store).objectStore(store).count();
          count.onsuccess = () => resolve(count.result);
          count.onerror = () => reject(count.error);
        });
      }
      db.close();
    }
    return records;
  });
}

describe("the company directory", () => {
  test("importing the CSV guesses the id, name, email and status columns, takes the department column picked, and counts what it skipped", async () => {
    await page.getByLabel("Import directory CSV").setInputFiles(files.csv);
    await page.getByText(/\b1,?023 rows read\b/).first().waitFor();
    assert.equal(fixture.summary.rowsRead, 1023);
    // Every select offers "—" and the header's cells; a column is guessed
    // from its header's name, `Org Unit` is not.
    const choices = ["—", ...DIRECTORY_HEADER];
    const mapping = {
      "User ID column": "0",
      "Name column": "2",
      "Email column": "3",
      "Department column": "",
      "Status column": "5",
    };
    for (const [label, value] of Object.entries(mapping)) {
      const select = page.getByLabel(label);
      assert.deepEqual(await select.locator("option").allTextContents(), choices, label);
      assert.equal(await select.inputValue(), value, label);
    }
    // Without an id column there is nothing to join on.
    const use = page.getByRole("button", { name: "Use directory" });
    await page.getByLabel("User ID column").selectOption("");
    await until(() => use.isDisabled(), (disabled) => disabled, "Use directory disabled without a User ID column");
    await page.getByLabel("User ID column").selectOption({ label: "KooDrive User ID" });
    await page.getByLabel("Department column").selectOption({ label: "Org Unit" });
    assert.equal(await page.getByLabel("Department column").inputValue(), "4");
    await use.click();
    await until(() => summary().textContent(), (t) => t === expectedSummary(), "the directory summary");
    assert.equal(await summary().getAttribute("aria-live"), "polite");
    assert.deepEqual(page.problems, []);
  });

  test("a query by pasted emails and names shows those users with their directory columns and lists what it could not resolve", async () => {
    await importDirectory();
    const { comma, accents, sameName1, sameName2 } = fixture.tricky;
    // Shared users with a department, but none of the tricky ones or repeated ids.
    const plain = fixture.shared.filter(
      (id) =>
        fixture.people.get(id).department !== "" &&
        !fixture.repeatedIds.includes(id) &&
        !Object.values(fixture.tricky).some((t) => t.id === id),
    );
    const byEmail = plain.slice(0, 5);
    const email = (id) => fixture.people.get(id).email;
    // Emails in other cases than the directory's.
    const upper = (id) => email(id).toUpperCase();
    const title = (id) => email(id).replace(/^./, (c) => c.toUpperCase()).replace("@example", "@Example");
    const sandboxOnly = fixture.sandboxOnly[0];
    const directoryOnly = fixture.directoryOnly[0];
    const unknown = "nobody@nowhere.example";
    const pasted = [
      `${title(byEmail[0])}, ${upper(byEmail[1])}`,
      `${upper(byEmail[2])} ${title(byEmail[3])}`,
      `${email(byEmail[4])}\t${sandboxOnly}`,
      comma.name.toLowerCase(), // "lovelace, ada": a whole line that is a name
      accents.name.replace(" ", "  "), // runs of spaces collapse
      unknown,
      "ann lee", // two people have that name
      email(directoryOnly).toUpperCase(), // in the directory, not in KooDrive
    ].join("\n");
    await page.getByLabel("User IDs").fill(pasted);
    await until(
      () => page.locator("#user-ids-check").textContent(),
      (t) => (t ?? "").startsWith("9 ids to query · 6 from emails · 2 from names"),
      "the inline check of the pasted entries",
    );
    const notResolved = page.getByRole("list", { name: "Not resolved" });
    const items = await until(() => notResolved.locator("li").allTextContents(), (l) => l.length === 2, "two entries not resolved");
    assert.ok(items.includes(`${unknown} — not in the directory`), items.join(" | "));
    const ambiguous = items.find((t) => t.startsWith("ann lee — ambiguous: 2 users ("));
    assert.ok(ambiguous, items.join(" | "));
    assert.ok(ambiguous.includes(sameName1.id) && ambiguous.includes(sameName2.id), ambiguous);

    await page.getByRole("button", { name: "Query", exact: true }).click();
    await expectStatus(page, "8 users shown · 1 missing · 0 failed");
    await settled(page);
    const results = page.locator("table.results");
    for (const name of ["Name", "Email", "Department"]) {
      await results.getByRole("columnheader", { name }).waitFor();
    }
    const [id, name, mail, department] = await Promise.all(["User ID", "Name", "Email", "Department"].map(columnIndex));
    const rows = await visibleRows(page);
    const shown = new Map(rows.map((row) => [row[id], row]));
    const expected = [...byEmail, comma.id, accents.id];
    assert.deepEqual([...shown.keys()].sort(), [...expected, sandboxOnly].sort());
    for (const userId of expected) {
      const person = fixture.people.get(userId);
      const row = shown.get(userId);
      assert.deepEqual([row[mail], row[department]], [person.email, person.department], userId);
      assertNameShown(row[name], userId);
    }
    // The KooDrive user the directory does not know is marked so.
    assert.equal(shown.get(sandboxOnly)[name], "Not in directory");
    assert.equal(await results.locator(".not-in-directory").count(), 1);
    assert.equal(await results.locator(".not-in-directory").textContent(), "Not in directory");
    // The directory's user KooDrive does not know came back missing.
    const missing = page.getByRole("region", { name: /^Missing/ });
    assert.deepEqual(await missing.locator("li").allTextContents(), [
      `${directoryOnly} · ${fixture.people.get(directoryOnly).name.replace(/\s+/g, " ").trim()}`,
    ]);
    // The entries not resolved stay listed, never guessed.
    assert.equal(await notResolved.locator("li").count(), 2);
    assert.deepEqual(page.problems, []);
  });

  test("after listing every user, the Directory filter finds the users outside the directory, and the directory's users KooDrive does not know are listed", async () => {
    await importDirectory();
    await listAll(page, users.length);
    const outside = fixture.sandboxOnly.length;
    const inside = users.length - outside;

    const heading = page.getByRole("heading", { name: `In the directory, not in KooDrive (${fixture.directoryOnly.length})` });
    await heading.waitFor();
    const listed = await page.locator("section", { has: heading }).locator("li").allTextContents();
    const expectedListed = fixture.directoryOnly.map((id) => {
      const p = fixture.people.get(id);
      return `${id} · ${p.name} · ${p.email}`;
    });
    assert.deepEqual([...listed].sort(), [...expectedListed].sort());

    const directory = page.getByRole("combobox", { name: "Directory", exact: true });
    await directory.selectOption("out");
    await expectStatus(page, `${outside} users shown · 0 missing · 0 failed`);
    const [id, name] = await Promise.all(["User ID", "Name"].map(columnIndex));
    const rows = await visibleRows(page);
    assert.ok(rows.length > 0);
    for (const row of rows) {
      assert.ok(fixture.sandboxOnly.includes(row[id]), `${row[id]} is only in KooDrive`);
      assert.equal(row[name], "Not in directory");
    }
    assert.equal(await page.locator("table.results .not-in-directory").count(), rows.length);

    await directory.selectOption("in");
    await expectStatus(page, `${inside} users shown · 0 missing · 0 failed`);
    assert.equal(await page.locator("table.results .not-in-directory").count(), 0);
    await directory.selectOption("");
    await expectStatus(page, `${users.length} users shown · 0 missing · 0 failed`);

    // The Filter box finds a user by email too, whatever its case.
    const { comma } = fixture.tricky;
    await page.getByRole("searchbox", { name: "Filter" }).fill(comma.email.toUpperCase());
    await expectStatus(page, "1 users shown · 0 missing · 0 failed");
    assert.equal((await visibleRows(page))[0][id], comma.id);
    assert.deepEqual(page.problems, []);
  });

  test("the Departments view's totals equal the sums of the sandbox's users, and a department filters the table", async () => {
    await importDirectory();
    await listAll(page, users.length);
    // What the sandbox holds, grouped by the directory's departments.
    const now = Date.now();
    const expected = new Map();
    for (const user of users) {
      const name = departmentOf(user.userId);
      if (!expected.has(name)) {
        expected.set(name, { users: 0, quota: 0n, used: 0, soon: 0, ...Object.fromEntries(STATES.map((s) => [s, 0])) });
      }
      const d = expected.get(name);
      d.users += 1;
      d.quota += BigInt(user.quota);
      d.used += user.used;
      d[stateOf(user)] += 1;
      if (expiringSoon(user, now)) d.soon += 1;
    }
    assert.ok(expected.has(NO_DEPARTMENT) && expected.has(NOT_IN_DIRECTORY));

    const departments = page.getByRole("table", { name: "Departments" });
    await departments.waitFor();
    const { name: file, rows } = await downloadCsv(page.getByRole("button", { name: "Export departments CSV" }));
    assert.match(file, /^koodrive-departments-.+\.csv$/);
    const [header, ...data] = rows;
    assert.deepEqual(header, [
      "department", "users", "quota", "used", "usedRatio", "normal", "nearing", "critical", "exceeded", "unknown",
      "expiringSoon", "quota (GiB)", "used (GiB)", "usage (%)",
    ]);
    const col = Object.fromEntries(header.map((h, i) => [h, i]));
    assert.deepEqual(data.map((r) => r[col.department]).sort(), [...expected.keys()].sort());
    for (const row of data) {
      const name = row[col.department];
      const d = expected.get(name);
      assert.equal(Number(row[col.users]), d.users, `${name}: users`);
      assert.match(row[col.quota], /^\d+$/, `${name}: quota`);
      assert.equal(BigInt(row[col.quota]), d.quota, `${name}: quota`);
      assertClose(Number(row[col.used]), d.used, `${name}: used`);
      if (d.quota > 0n) assertClose(Number(row[col.usedRatio]), d.used / Number(d.quota), `${name}: usedRatio`);
      for (const state of STATES) assert.equal(Number(row[col[state]]), d[state], `${name}: ${state}`);
      assert.equal(Number(row[col.expiringSoon]), d.soon, `${name}: expiringSoon`);
    }
    // Every user is in exactly one department.
    assert.equal(data.reduce((sum, r) => sum + Number(r[col.users]), 0), users.length);

    // A department's button filters the users to it; the chip shows them all again.
    const pick = "Research, Europe";
    await departments.getByRole("button", { name: pick, exact: true }).click();
    await expectStatus(page, `${expected.get(pick).users} users shown · 0 missing · 0 failed`);
    const chip = page.getByRole("button", { name: "Show all departments" });
    assert.match(await chip.textContent(), /^Department: Research, Europe\s*×$/);
    const department = await columnIndex("Department");
    for (const row of await visibleRows(page)) assert.equal(row[department], pick);
    await chip.click();
    await expectStatus(page, `${users.length} users shown · 0 missing · 0 failed`);
    await chip.waitFor({ state: "detached" });
    assert.deepEqual(page.problems, []);
  });

  test("Export CSV adds the directory's columns, marks users outside it, and adds the directory's users KooDrive does not know", async () => {
    // The header without a directory, for comparison.
    await listAll(page, users.length);
    const exportCsv = () => page.getByRole("button", { name: "Export CSV", exact: true });
    const [baseHeader] = (await downloadCsv(exportCsv())).rows;
    assert.deepEqual(baseHeader.slice(0, 5), ["userId", "quota", "used", "usedRatio", "state"]);
    assert.deepEqual(page.problems, []);

    // Then from a fresh page: the directory first, then the complete listing.
    await page.context().close();
    page = await openPage(browser, sandbox.url);
    await importDirectory();
    await listAll(page, users.length);
    await page.getByRole("heading", { name: `In the directory, not in KooDrive (${fixture.directoryOnly.length})` }).waitFor();
    const { rows } = await downloadCsv(exportCsv());
    const [header, ...data] = rows;
    const added = ["name", "email", "department", "directoryStatus", "inDirectory"];
    assert.deepEqual(header, [...baseHeader, ...added]);
    const col = Object.fromEntries(header.map((h, i) => [h, i]));
    const directoryColumns = (row) => added.map((h) => row[col[h]]);
    const expectedColumns = (id, inDirectory) => {
      const p = fixture.people.get(id);
      return [p.name, p.email, p.department, p.status, inDirectory];
    };

    assert.equal(data.length, users.length + fixture.directoryOnly.length);
    const byId = new Map(data.map((row) => [row[col.userId], row]));
    assert.equal(byId.size, data.length, "one row per user");
    const sandboxById = new Map(users.map((u) => [u.userId, u]));
    for (const [id, row] of byId) {
      const user = sandboxById.get(id);
      if (!user) continue;
      assert.equal(row[col.quota], user.quota, id);
      assert.equal(row[col.state], stateOf(user), id);
      if (fixture.repeatedIds.includes(id)) {
        // Which of its two rows counts is the page's to say; both share the department.
        assert.equal(row[col.department], fixture.people.get(id).department, id);
        assert.equal(row[col.inDirectory], "yes", id);
      } else if (fixture.people.has(id)) {
        assert.deepEqual(directoryColumns(row), expectedColumns(id, "yes"), id);
      } else {
        assert.deepEqual(directoryColumns(row), ["", "", "", "", "no"], id);
      }
    }
    // The tricky names come out as they went in (quotes, commas, accents, Han).
    for (const { id, name } of Object.values(fixture.tricky)) assert.equal(byId.get(id)[col.name], name, id);
    // The directory's users KooDrive does not know come last, with their directory columns.
    const tail = data.slice(users.length);
    assert.deepEqual(tail.map((row) => row[col.userId]).sort(), [...fixture.directoryOnly].sort());
    for (const row of tail) {
      const id = row[col.userId];
      assert.equal(row[col.state], "notInKooDrive", id);
      assert.deepEqual(directoryColumns(row), expectedColumns(id, "yes"), id);
    }
    assert.deepEqual(page.problems, []);
  });

  test("a directory kept on this computer comes back after a reload, and Forget directory removes it", async () => {
    await importDirectory();
    const keep = page.getByLabel("Keep on this computer");
    await keep.check();
    await until(storedRecords, (count) => count > 0, "the directory to be stored in this browser");

    await page.reload();
    await page.getByRole("button", { name: "Query", exact: true }).waitFor();
    await until(() => summary().textContent(), (t) => t === expectedSummary(), "the kept directory's summary");
    await until(() => keep.isChecked(), (checked) => checked, "Keep on this computer checked again");
    // And it is joined again: a pasted email resolves.
    const { accents } = fixture.tricky;
    await page.getByLabel("User IDs").fill(accents.email);
    await page.getByRole("button", { name: "Query", exact: true }).click();
    await expectStatus(page, "1 users shown · 0 missing · 0 failed");
    const name = await columnIndex("Name");
    assertNameShown((await visibleRows(page))[0][name], accents.id);

    await page.getByRole("button", { name: "Forget directory" }).click();
    await summary().waitFor({ state: "hidden" });
    await until(storedRecords, (count) => count === 0, "the kept directory to be deleted");
    await page.reload();
    await page.getByRole("button", { name: "Query", exact: true }).waitFor();
    // Nothing is stored any more, so nothing can come back.
    assert.equal(await storedRecords(), 0);
    assert.equal(await summary().isVisible(), false);
    assert.deepEqual(page.problems, []);
  });
});
