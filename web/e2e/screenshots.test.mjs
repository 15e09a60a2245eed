// Screenshots of the main views, light and dark, 1280 and 390 px wide, for
// people to look at: target/screenshots/admin-{view}-{theme}-{width}.png.
// Each also checks what a user would notice at once: nothing sticks out of
// the page sideways, and the status is in view.

import { test } from "node:test";
import assert from "node:assert/strict";

import { SANDBOX_URL, browserForFile, expectStatus, listAll, openPage, queryIds, sandboxControl, screenshot, settled } from "./support.mjs";

const shared = browserForFile();

for (const colorScheme of ["light", "dark"]) {
  for (const width of [1280, 390]) {
    test(`screenshots: ${colorScheme}, ${width} px`, async () => {
      const page = await openPage(shared.browser, SANDBOX_URL, { width, height: 900, colorScheme });
      await screenshot(page, `admin-start-${colorScheme}-${width}`);
      await listAll(page);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the page is ${overflow} px wider than the window`);
      await screenshot(page, `admin-results-${colorScheme}-${width}`);

      // Errors: a chunk that failed, missing ids, the notice.
      await sandboxControl(SANDBOX_URL, "POST", "faults", { kind: "status", status: 503, count: 4 });
      const ids = await page.evaluate(() =>
        [...document.querySelectorAll("table.results tbody td.id")].slice(0, 3).map((td) => td.textContent),
      );
      const many = Array.from({ length: 60 }, (_, i) => `${1_000_000_000_000_000_000n + BigInt(i)}`);
      await queryIds(page, [...many, ...ids]);
      await expectStatus(page, "3 of 63 users shown (partial) · 10 missing · 50 failed");
      await settled(page);
      await screenshot(page, `admin-errors-${colorScheme}-${width}`);
      await page.context().close();
    });
  }
}
