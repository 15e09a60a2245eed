// A user id that looks like HTML is shown as text, never run: the sandbox
// serves it from `--data` (its own sandbox, with that flag), and the page
// must draw `<img src=x onerror=alert(1)>` literally in the table, the
// missing list and the export.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";

import { browserForFile, expectStatus, listAll, openPage, parseCsv, queryIds, sandboxWithUsers, visibleRows } from "./support.mjs";

const XSS_ID = "<img src=x onerror=alert(1)>";
const SCRIPT_ID = '"><script>window.__pwned=1</script>';
const sandbox = sandboxWithUsers([
  { userId: XSS_ID, quota: "1048576", used: 1024, expirationTime: "2030-01-01T00:00:00.000Z" },
  { userId: SCRIPT_ID, quota: "2048", used: 2047.5 },
  { userId: "1505084218764547200", quota: "10485760", used: 0 },
]);
const shared = browserForFile({ reset: false });

test("user ids that look like HTML are shown as text and never run", async () => {
  const page = await openPage(shared.browser, sandbox.url);
  await listAll(page, 3);
  const ids = (await visibleRows(page)).map((row) => row[0]);
  assert.deepEqual(ids, [XSS_ID, SCRIPT_ID, "1505084218764547200"]);
  assert.equal(await page.locator("table img, table script").count(), 0);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);

  // Unknown ids of the same kind come back as missing, listed as text too
  // (pasted ids are separated by spaces, so these have none).
  await queryIds(page, [SCRIPT_ID, "<b>bold</b>"]);
  await expectStatus(page, "1 users shown · 1 missing · 0 failed");
  const missing = page.getByRole("region", { name: /^Missing/ });
  assert.deepEqual(await missing.locator("li").allTextContents(), ["<b>bold</b>"]);
  assert.equal(await missing.locator("b").count(), 0);

  // And the export keeps them as data.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Export CSV" }).click(),
  ]);
  const rows = parseCsv(await readFile(await download.path(), "utf8"));
  assert.equal(rows[1][0], SCRIPT_ID);
  assert.deepEqual(rows[2].slice(0, 1).concat(rows[2][4]), ["<b>bold</b>", "missing"]);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
