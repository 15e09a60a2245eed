// The results table by keyboard (stage e2e): its rows are one Tab stop, so
// the panels below it can be reached without tabbing through every date.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";

import { SANDBOX_URL, launchBrowser, listAll, openPage, resetSandbox } from "./support.mjs";

let browser;

before(async () => {
  browser = await launchBrowser();
  await resetSandbox(SANDBOX_URL);
});

after(async () => {
  await browser?.close();
});

test("one Tab leaves the table's rows", async () => {
  const page = await openPage(browser, SANDBOX_URL);
  await listAll(page);
  const region = page.getByRole("region", { name: "Results table" });
  await region.focus();
  const inRows = () => page.evaluate(() => !!document.activeElement?.closest("table.results tbody"));
  await page.keyboard.press("Tab");
  assert.equal(await inRows(), false, "Tab left the rows in one press");
  await page.context().close();
});
