// Filters and numbers that mean what they say (stage e2e), on a sandbox of
// the test's own with users made for each case: expiry, a ratio a hair
// below 100 %, quotas of 0, a quota past 2^53, and ids that are not
// KooDrive-shaped.

import { beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";

import { browserForFile, expectStatus, openPage, parseCsv, sandboxWithUsers, until, visibleRows } from "./support.mjs";

const DAY_MS = 86_400_000;
const iso = (ms) => new Date(ms).toISOString();
const now = Date.now();
const past = iso(now - 500 * DAY_MS);

/** One user per case; ids are 19 digits, as KooDrive's are. */
const USERS = [
  { userId: "1008600000000000001", quota: "10000", used: 9999.5, expirationTime: iso(now + 200 * DAY_MS) }, // 99.995 %
  { userId: "1008600000000000002", quota: "0", used: 0 }, // no quota
  { userId: "1008600000000000003", quota: "0", used: 5 }, // quota 0, space used: exceeded
  { userId: "1008600000000000004", quota: "100", used: 150 }, // exceeded, free -50
  { userId: "1008600000000000005", quota: "1048576", used: 996147.2, expirationTime: iso(now + 3 * DAY_MS) },
  { userId: "1008600000000000006", quota: "1048576", used: 1, expirationTime: iso(now - 400 * DAY_MS) }, // expired long ago
  { userId: "1008600000000000007", quota: "1048576", used: 1, expirationTime: iso(now - DAY_MS) }, // expired yesterday
  { userId: "1008600000000000008", quota: "1048576", used: 1, expirationTime: iso(now + 40 * DAY_MS) },
  { userId: "1008600000000000009", quota: "18446744073709551615", used: 1 }, // free past 2^53
].map((u) => ({ createTime: past, effectiveTime: past, ...u }));

const sandbox = sandboxWithUsers(USERS);
const shared = browserForFile({ reset: false });
let page;

beforeEach(async () => {
  await page?.context().close();
  page = await openPage(shared.browser, sandbox.url);
  await page.getByRole("button", { name: "List all users" }).click();
  await expectStatus(page, `${USERS.length} users shown · 0 missing · 0 failed`);
});

/** The summary's value for a label. */
const stat = (label) =>
  page.locator(".stats .stat").filter({ has: page.getByText(label, { exact: true }) }).locator("dd").textContent();

/** The table's rows, by user id. */
async function rowsById() {
  return new Map((await visibleRows(page)).map((r) => [r[0], r]));
}

describe("expiry", () => {
  test("Expires within (days) leaves the expired out, Expired is its own choice, and the summary agrees", async () => {
    await page.getByLabel("Expires within (days)").fill("14");
    await expectStatus(page, "1 users shown · 0 missing · 0 failed");
    assert.deepEqual([...(await rowsById()).keys()], ["1008600000000000005"]);
    await page.getByLabel("Expires within (days)").fill("30");
    await expectStatus(page, "1 users shown · 0 missing · 0 failed");
    await page.getByRole("button", { name: "Clear filters" }).click();
    await expectStatus(page, `${USERS.length} users shown · 0 missing · 0 failed`);
    assert.equal(await stat("Expiring within 30 days"), "1");
    assert.equal(await stat("Expired"), "2");

    await page.getByLabel("State", { exact: true }).selectOption("expired");
    await expectStatus(page, "2 users shown · 0 missing · 0 failed");
    const rows = await rowsById();
    assert.deepEqual([...rows.keys()].sort(), ["1008600000000000006", "1008600000000000007"]);
    // The row says it has expired, beside its state.
    for (const row of rows.values()) assert.equal(row[5], "Normal Expired", row.join(" | "));
  });

  test("a negative number of days is refused inline", async () => {
    const field = page.getByLabel("Expires within (days)");
    await field.fill("-1");
    await until(() => field.getAttribute("aria-invalid"), (v) => v === "true", "the field marked invalid");
    await page.getByText("Enter a number of 0 or more").waitFor();
    await expectStatus(page, `${USERS.length} users shown · 0 missing · 0 failed`);
    await field.fill("5");
    await expectStatus(page, "1 users shown · 0 missing · 0 failed");
    assert.equal(await field.getAttribute("aria-invalid"), null);
  });
});

test("a ratio below 1 never reads 100 %", async () => {
  const row = (await rowsById()).get("1008600000000000001");
  assert.equal(row[4], "99.9%");
  assert.equal(row[5], "Critical");
});

test("every user is in one histogram bar, quota 0 has its own, and the full bar is the Exceeded count", async () => {
  const labels = await page.getByRole("figure").getByRole("button").evaluateAll((bars) => bars.map((b) => b.getAttribute("aria-label")));
  const counts = new Map(labels.map((l) => {
    const [, range, n] = l.match(/^Usage (.+): (\d+) users$/);
    return [range, Number(n)];
  }));
  assert.equal([...counts.values()].reduce((a, b) => a + b, 0), USERS.length, labels.join(" / "));
  assert.equal(counts.get("no quota"), 1);
  const exceeded = await page.locator(".state-counts li").filter({ hasText: "Exceeded" }).textContent();
  assert.equal(counts.get("≥100%"), Number(exceeded.replace(/\D/g, "")));
  assert.equal(counts.get("≥100%"), 2);
});

test("the Free column sorts by quota minus used, and exports it to the last digit", async () => {
  const header = page.getByRole("columnheader", { name: "Free" });
  await header.getByRole("button").click();
  assert.equal(await header.getAttribute("aria-sort"), "descending");
  await until(async () => (await visibleRows(page))[0]?.[0], (id) => id === "1008600000000000009", "the most reclaimable first");
  await header.getByRole("button").click();
  assert.equal(await header.getAttribute("aria-sort"), "ascending");
  await until(async () => (await visibleRows(page))[0]?.[0], (id) => id === "1008600000000000004", "the furthest past its quota first");
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export CSV" }).click()]);
  const [head, ...rows] = parseCsv(await readFile(await download.path(), "utf8"));
  const free = head.indexOf("free");
  const byId = new Map(rows.map((r) => [r[0], r]));
  assert.equal(byId.get("1008600000000000009")[free], "18446744073709551614");
  assert.equal(byId.get("1008600000000000005")[free], "52428.8");
  assert.equal(byId.get("1008600000000000004")[free], "-50");
});

test("ids that are not KooDrive-shaped are flagged before the query, sent, and listed apart; full-width digits are digits", async () => {
  let sent = [];
  page.on("request", (r) => {
    if (r.url().endsWith("/space/usage/user") && r.method() === "POST") sent.push(...(JSON.parse(r.postData() ?? "{}").userIds ?? []));
  });
  await page.getByLabel("User IDs").fill("abc, 12-34, 0, １２３, 1505084218764547200x, 1008600000000000005");
  await until(
    () => page.locator("#user-ids-check").textContent(),
    (t) => t === "6 ids · 4 entries do not look like KooDrive ids",
    "the inline check",
  );
  const flagged = await page.getByRole("list", { name: "Not like KooDrive ids" }).locator("li").allTextContents();
  assert.deepEqual(flagged, ["abc", "12-34", "0", "1505084218764547200x"]);
  await page.getByRole("button", { name: "Query", exact: true }).click();
  await expectStatus(page, "1 users shown · 5 missing · 0 failed");
  assert.ok(sent.includes("123") && !sent.includes("１２３"), `sent: ${sent}`);
  assert.ok(sent.includes("abc"), "odd ids are still sent: the server decides");
  const odd = await page.getByRole("region", { name: /^Missing, not like KooDrive ids/ }).locator("li").allTextContents();
  assert.deepEqual(odd, ["abc", "12-34", "0", "1505084218764547200x"]);
  const missing = await page.getByRole("region", { name: /^Missing: / }).locator("li").allTextContents();
  assert.deepEqual(missing, ["123"]);
});
