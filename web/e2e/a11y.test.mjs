// axe-core finds no accessibility violation on the admin page's main views,
// in both themes and both widths. axe is injected as a script, which the
// page's CSP forbids, so these pages run in a context that bypasses the CSP
// (the CSP itself is tested in admin.test.mjs).

import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";

import {
  SANDBOX_URL,
  expectStatus,
  launchBrowser,
  listAll,
  openPage,
  queryIds,
  resetSandbox,
  settled,
} from "./support.mjs";

const require = createRequire(import.meta.url);
const AXE = require.resolve("axe-core/axe.min.js");
let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

beforeEach(async () => {
  await resetSandbox(SANDBOX_URL);
});

/** Runs axe on the page; fails listing every violation with its elements. */
async function expectNoViolations(page, view) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() =>
    window.axe.run(document, { resultTypes: ["violations"] }).then((r) =>
      r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(" ")}: ${n.failureSummary}`),
      })),
    ),
  );
  assert.deepEqual(result, [], `${view}:\n${JSON.stringify(result, null, 2)}`);
}

for (const colorScheme of ["light", "dark"]) {
  for (const width of [1280, 390]) {
    test(`no axe violations: the page with results, ${colorScheme}, ${width} px`, async () => {
      const page = await openPage(browser, SANDBOX_URL, { width, colorScheme, bypassCSP: true });
      await expectNoViolations(page, "the first view");
      await listAll(page);
      await expectNoViolations(page, "after listing every user");
      await page.context().close();
    });
  }
}

test("no axe violations: a refused token, failed and missing ids, a picked bucket, zh-CN", async () => {
  const page = await openPage(browser, SANDBOX_URL, { bypassCSP: true });
  await queryIds(page, ["1", "2"]);
  await expectStatus(page, "0 users shown · 2 missing · 0 failed");
  await page.getByLabel("Access token").fill("wrong");
  await queryIds(page, ["3"]);
  await expectStatus(page, "0 users shown · 2 missing · 1 failed");
  await settled(page);
  await page.getByRole("alert").waitFor();
  await expectNoViolations(page, "errors shown");
  await page.getByLabel("Access token").fill("sandbox-token");
  await listAll(page);
  await page.getByRole("figure").getByRole("button").nth(9).click();
  await page.getByLabel("Language").selectOption("zh-CN");
  await page.getByRole("heading", { name: "KooDrive 空间用量" }).waitFor();
  await expectNoViolations(page, "zh-CN with a bucket picked");
  await page.context().close();
});
