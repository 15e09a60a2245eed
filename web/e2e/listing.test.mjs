// List all users on a tenant of many pages (stage e2e): pages go out
// several at a time, the progress tells users, pages and the time left, the
// table can be sorted while pages stream in, and a listing cancelled midway
// is resumed: only the pages missing are fetched, every user is listed once.

import { beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";

import {
  SANDBOX_URL,
  expectStatus,
  expectStatusMatching,
  pageForEachTest,
  resetSandbox,
  sandboxControl,
  settled,
  until,
  visibleUsed,
} from "./support.mjs";

let users;
let page;

const PAGE_SIZE = 100;

const shared = pageForEachTest();
beforeEach(() => ({ page, users } = shared));

const grouped = (n) => n.toLocaleString("en-US");
const stats = async () => (await sandboxControl(SANDBOX_URL, "GET", "stats")).json();
/**
 * The first `answered` API requests are answered at once, the others only
 * after a minute: a listing that stays under way until it is cancelled.
 */
const stallAfter = (answered) =>
  sandboxControl(SANDBOX_URL, "POST", "faults", [
    { kind: "delay", delayMs: 1, count: answered },
    { kind: "delay", delayMs: 60_000, count: 10_000 },
  ]);
const progressLabel = () => page.locator(".progress > span").first().textContent();

test("a cancelled listing is resumed: only the missing pages are fetched, every user is listed once", async () => {
  const pages = Math.ceil(users.length / PAGE_SIZE);
  assert.ok(pages >= 10, `the sandbox holds ${users.length} users: too few pages for this test`);
  await stallAfter(4);
  await page.getByRole("button", { name: "List all users" }).click();
  const progress = page.getByRole("progressbar");
  await until(() => progress.getAttribute("value"), (v) => Number(v) >= PAGE_SIZE, "the first page");
  // The progress tells users, pages and, once pages came back, the time left.
  const label = await until(progressLabel, (t) => /left/.test(t ?? ""), "an estimate of the time left");
  assert.match(label, new RegExp(`^[\\d,]+ of ${grouped(users.length)} users · \\d+ of ${pages} pages · about \\d+ (s|min) left$`));
  const { maxInFlight } = await until(stats, (s) => s.maxInFlight > 1, "several pages in flight");
  assert.ok(maxInFlight <= 8, `pages in flight at once: ${maxInFlight}`);

  await page.getByRole("button", { name: "Cancel" }).click();
  await settled(page);
  const text = await expectStatusMatching(
    page,
    new RegExp(`^[\\d,]+ of ${grouped(users.length)} users shown \\(partial\\) · 0 missing · 0 failed$`),
  );
  const shown = Number(text.split(" of ")[0].replaceAll(",", ""));
  assert.ok(shown > 0 && shown < users.length && shown % PAGE_SIZE === 0, text);

  // From here the sandbox counts the resume's requests alone, answered at once.
  await resetSandbox(SANDBOX_URL);
  await page.getByRole("button", { name: "Resume" }).click();
  await expectStatus(page, `${users.length} users shown · 0 missing · 0 failed`);
  await settled(page);
  assert.equal(await page.getByRole("button", { name: "Resume" }).count(), 0, "nothing left to resume");

  const after = await stats();
  assert.equal(after.requests, pages - shown / PAGE_SIZE, "the resume fetched each missing page once, and no other");
  assert.deepEqual(Object.keys(after.byStatus), ["200"]);

  // Every user once: the export holds the tenant's users, none twice.
  const [file] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Export JSON" }).click(),
  ]);
  const listed = JSON.parse(await readFile(await file.path(), "utf8")).users.map((u) => u.userId);
  assert.equal(new Set(listed).size, listed.length, "no user twice");
  assert.deepEqual(listed.sort(), users.map((u) => u.userId).sort());
  assert.deepEqual(page.problems, []);
});

test("the table sorts while pages stream in", async () => {
  await stallAfter(2);
  await page.getByRole("button", { name: "List all users" }).click();
  const progress = page.getByRole("progressbar");
  await until(() => progress.getAttribute("value"), (v) => Number(v) >= PAGE_SIZE, "the first page");
  const header = page.getByRole("columnheader", { name: "Used" });
  await header.getByRole("button").click();
  assert.equal(await header.getAttribute("aria-sort"), "descending");
  // Sorted by Used while the listing goes on and pages keep arriving.
  const used = await until(
    () => visibleUsed(page),
    (u) => u.length > 1 && u.every((x, i) => i === 0 || u[i - 1] >= x),
    "rows sorted by Used, largest first",
  );
  assert.ok(used.length > 1);
  assert.equal(await progress.count(), 1, "still listing");
  await page.getByRole("button", { name: "Cancel" }).click();
  await settled(page);
});
