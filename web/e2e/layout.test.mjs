// The results table's room (stage e2e): at 1280 px every column of the
// table is readable, the id, usage and state stay in view while a wide
// table (with a directory) scrolls sideways, and the connection settings
// fold away once the endpoint answered; at 390 px each user is a card and
// nothing scrolls sideways.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import path from "node:path";

import { SANDBOX_URL, SCREENSHOTS, allUsers, browserForFile, listAll, openPage, screenshot, until } from "./support.mjs";

const shared = browserForFile();

/** How far `selector`'s first match sticks out of the table's scrolling region, in px (0: fully inside). */
function outside(page, selector) {
  return page.evaluate((selector) => {
    const region = document.querySelector(".table-scroll").getBoundingClientRect();
    const box = document.querySelector(selector).getBoundingClientRect();
    return Math.max(0, region.left - box.left, box.right - region.right);
  }, selector);
}

/** A screenshot of the results panel alone (a full-page one resizes the window, which moves the table). */
async function panelShot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.locator(".results-panel").screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

/** Whether an element's text is cut (it holds more than it shows). */
const isCut = (page, selector) =>
  page.evaluate((selector) => {
    const el = document.querySelector(selector);
    return el.scrollWidth > el.clientWidth;
  }, selector);

test("at 1280 px Query is in view at once, and the Expires column and a whole expired State show", async () => {
  const page = await openPage(shared.browser, SANDBOX_URL, { width: 1280, height: 900 });
  for (const name of ["Query", "List all users"]) {
    const box = await page.getByRole("button", { name, exact: true }).boundingBox();
    assert.ok(box.y + box.height <= 900, `${name} is ${box.y + box.height - 900} px below the fold`);
  }
  await listAll(page);
  assert.equal(await outside(page, "th.col-expires"), 0, "the Expires header is in view");
  // Sorted by expiry, soonest first: the expired users, the longest relative texts.
  const sortExpires = page.getByRole("columnheader", { name: "Expires" }).getByRole("button");
  await sortExpires.click();
  if (!/^expired/.test(await page.locator("td.expires").first().textContent())) await sortExpires.click();
  await until(() => page.locator("td.expires").first().textContent(), (t) => /^expired/.test(t), "expired first");
  assert.equal(await outside(page, "td.expires"), 0, "the Expires cell is in view");
  assert.equal(await isCut(page, "td.expires"), false, "the Expires text is whole");
  const state = page.locator("td.state-cell", { hasText: "Expired" }).first();
  assert.match(await state.textContent(), /^Normal Expired$|^\w+ Expired$/);
  assert.equal(await state.evaluate((el) => el.scrollWidth > el.clientWidth), false, "the State text is whole");
  await page.context().close();
});

test("with a directory the id, usage and state stay in view while the table scrolls sideways", async () => {
  const page = await openPage(shared.browser, SANDBOX_URL, { width: 1280, height: 900 });
  const ids = (await allUsers(SANDBOX_URL)).slice(0, 50).map((u) => u.userId);
  const csv = ["User ID,Name,Email,Department,Status"]
    .concat(ids.map((id, i) => `${id},Person Number ${i} With A Long Name,person.${i}@example.com,Research and Development ${i % 5},${i % 7 ? "Active" : "Disabled"}`))
    .join("\n");
  await page.getByLabel("Import directory CSV").setInputFiles({ name: "directory.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Use directory" }).click();
  await listAll(page);
  await page.locator("table.results th.col-department").waitFor();
  const wider = await page.evaluate(() => {
    const el = document.querySelector(".table-scroll");
    return el.scrollWidth - el.clientWidth;
  });
  assert.ok(wider > 0, "with the directory's columns the table is wider than its region");
  await panelShot(page, "admin-directory-left-light-1280");
  for (const selector of ["th.col-userid", "th.col-usage", "th.col-state", "td.id", "td.usage", "td.state-cell"]) {
    assert.equal(await outside(page, selector), 0, `${selector} in view, scrolled to the left`);
  }
  // A long name is cut, a disabled account's status beside it is not.
  const status = await page.evaluate(() => {
    const mark = document.querySelector("td.name .dir-status");
    const cell = mark.closest("td").getBoundingClientRect();
    const box = mark.getBoundingClientRect();
    return { text: mark.textContent, inside: box.left >= cell.left && box.right <= cell.right };
  });
  assert.deepEqual(status, { text: "Disabled", inside: true }, "the status shows whole beside a long name");
  await page.evaluate(() => {
    const el = document.querySelector(".table-scroll");
    el.scrollLeft = el.scrollWidth;
  });
  for (const selector of ["th.col-userid", "th.col-usage", "th.col-state", "th.col-expires", "td.id", "td.expires"]) {
    assert.equal(await outside(page, selector), 0, `${selector} in view, scrolled to the right`);
  }
  await panelShot(page, "admin-directory-right-light-1280");
  await page.context().close();
});

test("the connection settings fold once the endpoint answers, and open again when it does not", async () => {
  const page = await openPage(shared.browser, SANDBOX_URL, { width: 1280, height: 900 });
  const help = page.getByText("The KooDrive address");
  await until(() => help.isVisible(), (v) => v === false, "the endpoint's help folded");
  await page.getByLabel("Endpoint").focus();
  await help.waitFor({ state: "visible" });
  // An endpoint that does not answer: the settings open with their help.
  await page.getByLabel("Endpoint").fill("http://127.0.0.1:9");
  await page.getByLabel("Endpoint").blur();
  await help.waitFor({ state: "visible" });
  await page.context().close();
});

for (const colorScheme of ["light", "dark"]) {
  test(`at 390 px (${colorScheme}) each user is a card with id, used and state, and nothing scrolls sideways`, async () => {
    const page = await openPage(shared.browser, SANDBOX_URL, { width: 390, height: 900, colorScheme });
    await listAll(page);
    const overflow = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth - window.innerWidth,
      table: (({ scrollWidth, clientWidth }) => scrollWidth - clientWidth)(document.querySelector(".table-scroll")),
    }));
    assert.deepEqual(overflow, { page: 0, table: 0 }, "no sideways overflow");
    const cards = await page.evaluate(() =>
      [...document.querySelectorAll("table.results tbody tr:not(.spacer)")].slice(0, 8).map((tr) => {
        const card = tr.getBoundingClientRect();
        const seen = (cell) => {
          const el = tr.querySelector(cell);
          const box = el.getBoundingClientRect();
          const inside = box.width > 0 && box.left >= card.left && box.right <= card.right && box.top >= card.top && box.bottom <= card.bottom;
          return inside && el.scrollWidth <= el.clientWidth ? el.innerText.trim() : null;
        };
        return { id: seen("td.id"), used: seen("td.used"), state: seen("td.state-cell"), height: card.height };
      }),
    );
    for (const card of cards) {
      assert.match(card.id ?? "", /^\d+$/, `a card shows its id whole: ${JSON.stringify(card)}`);
      assert.match(card.used ?? "", /^[\d.]+ [KMGTPEZY]?i?B$/, `a card shows what is used: ${JSON.stringify(card)}`);
      assert.match(card.state ?? "", /^(Normal|Nearing|Critical|Exceeded|Unknown)/, `a card shows the state: ${JSON.stringify(card)}`);
      assert.ok(card.height > 80, `a card, not a one-line row: ${card.height} px`);
    }
    await screenshot(page, `admin-cards-${colorScheme}-390`);
    await page.context().close();
  });
}
