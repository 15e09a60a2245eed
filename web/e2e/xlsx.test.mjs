// The Excel export read back (stage e2e): the file the page downloads,
// opened with a spreadsheet reader (read-excel-file, in the tests only), holds
// every listed user with the id and the exact quota as text (19 digits, and
// quotas past 2^53, to the last digit), amounts as numbers and times as dates.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readSheet } from "read-excel-file/node";

import { SANDBOX_URL, allUsers, browserForFile, listAll, openPage } from "./support.mjs";

const shared = browserForFile();

test("Export Excel keeps 19-digit ids and exact quotas as text, amounts as numbers, times as dates", async () => {
  const users = new Map((await allUsers(SANDBOX_URL)).map((u) => [u.userId, u]));
  const page = await openPage(shared.browser, SANDBOX_URL);
  await listAll(page);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Export Excel" }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^koodrive-usage-\d{8}T\d{6}\.xlsx$/);
  const rows = await readSheet(await download.path());
  const [header, ...body] = rows;
  assert.deepEqual(header.slice(0, 8), [
    "userId",
    "quota (KiB)",
    "used (KiB)",
    "usedRatio",
    "state",
    "createTime (UTC)",
    "effectiveTime (UTC)",
    "expirationTime (UTC)",
  ]);
  assert.equal(body.length, users.size, "one row per listed user");
  let pastTwoTo53 = 0;
  for (const [id, quota, used, , state, , , expires] of body) {
    assert.equal(typeof id, "string", `the id ${id} is text`);
    assert.match(id, /^\d{1,19}$/);
    const user = users.get(id);
    assert.ok(user, `${id} is a sandbox user, to the last digit`);
    assert.equal(quota, user.quota, `${id}: the quota as the server sent it`);
    if (BigInt(user.quota) > 2n ** 53n) pastTwoTo53++;
    assert.equal(used, user.used, `${id}: used, as a number`);
    assert.match(state, /^(normal|nearing|critical|exceeded|unknown)$/);
    if (user.expirationTime) {
      assert.ok(expires instanceof Date, `${id}: the expiry is a date`);
      assert.ok(Math.abs(expires.getTime() - Date.parse(user.expirationTime)) < 1000, `${id}: ${expires.toISOString()} is ${user.expirationTime}`);
    }
  }
  assert.ok(body.some(([id]) => id.length === 19), "19-digit ids among them");
  assert.ok(pastTwoTo53 > 0, "quotas past 2^53 among them, read back exact");
  await page.context().close();
});
