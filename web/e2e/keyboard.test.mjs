// The results table by keyboard (stage e2e): the table is one Tab stop, the
// arrow keys, Home, End and Page Up/Down move the focus from cell to cell
// (also far down a 20,000-user listing, where only the rows in view are
// drawn), Enter and Space on a column header sort, one Tab leaves the table,
// and a cell's tooltip shows on keyboard focus outside the scrolling region.

import { test } from "node:test";
import assert from "node:assert/strict";

import { SANDBOX_URL, browserForFile, listAll, openPage, startSandbox, visibleRows } from "./support.mjs";

const shared = browserForFile();

/**
 * Where the keyboard focus is: in the table, the focused cell's row
 * (`aria-rowindex`: 1 for the header row), its column's header, its seen
 * text, whether it lies whole in the region's view below the header, and how
 * many elements of the table are Tab stops.
 */
function focus(page) {
  return page.evaluate(() => {
    const region = document.querySelector(".table-scroll");
    const table = region.querySelector("table.results");
    const stops = table.querySelectorAll('[tabindex="0"]').length;
    const active = document.activeElement;
    const cell = active?.closest("td,th");
    if (!cell || !table.contains(cell)) {
      return { inTable: region.contains(active), stops, tag: active?.tagName };
    }
    const columnOf = (th) => th.textContent.replace(/[▲▼↕]/g, "").trim();
    const column = [...cell.parentElement.children].indexOf(cell);
    const copy = cell.cloneNode(true);
    copy.querySelectorAll(".sr-only").forEach((n) => n.remove());
    const box = cell.getBoundingClientRect();
    const view = region.getBoundingClientRect();
    const headerBottom = table.querySelector("thead").getBoundingClientRect().bottom;
    const row = Number(cell.parentElement.getAttribute("aria-rowindex"));
    const top = row === 1 ? view.top : headerBottom;
    return {
      inTable: true,
      row,
      column: columnOf(table.querySelectorAll("thead th")[column]),
      text: copy.textContent.replace(/[▲▼↕]/g, "").trim(),
      inView: box.top >= top - 1 && box.bottom <= view.top + region.clientTop + region.clientHeight + 1,
      isStop: active.getAttribute("tabindex") === "0",
      stops,
    };
  });
}

/** Focuses the last Tab stop before the results table and presses Tab. */
async function tabIntoTable(page) {
  await page.evaluate(() => {
    const region = document.querySelector(".table-scroll");
    const before = [...document.querySelectorAll("button, input, select, textarea, a[href], summary, [tabindex]")].filter(
      (e) =>
        !e.disabled &&
        e.tabIndex >= 0 &&
        e.getClientRects().length > 0 &&
        !region.contains(e) &&
        region.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_PRECEDING,
    );
    before.at(-1).focus();
  });
  await page.keyboard.press("Tab");
}

/**
 * Presses `key` and returns where the focus went. A row not yet drawn is
 * focused in the animation frame after it is drawn, so this waits two
 * frames first.
 */
async function press(page, key) {
  await page.keyboard.press(key);
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  return focus(page);
}

/** The column headers' names, left to right. */
const headers = (page) =>
  page.evaluate(() =>
    [...document.querySelectorAll("table.results thead th")].map((th) => th.textContent.replace(/[▲▼↕]/g, "").trim()),
  );

test("the table is one Tab stop and the arrow keys move between its cells", async () => {
  const page = await openPage(shared.browser, SANDBOX_URL);
  await listAll(page);
  const rows = await visibleRows(page);
  const names = await headers(page);
  assert.deepEqual(names.slice(0, 3), ["User ID", "Quota", "Used"]);

  await tabIntoTable(page);
  let at = await focus(page);
  assert.deepEqual(at, { inTable: true, row: 1, column: "User ID", text: "User ID", inView: true, isStop: true, stops: 1 });

  at = await press(page, "ArrowDown");
  assert.deepEqual([at.row, at.column, at.text], [2, "User ID", rows[0][0]], "the first row's id");
  at = await press(page, "ArrowRight");
  assert.deepEqual([at.row, at.column, at.text], [2, "Quota", rows[0][1]]);
  at = await press(page, "ArrowRight");
  assert.deepEqual([at.row, at.column, at.text], [2, "Used", rows[0][2]]);
  at = await press(page, "ArrowDown");
  assert.deepEqual([at.row, at.column, at.text], [3, "Used", rows[1][2]], "the second row's used");
  at = await press(page, "End");
  assert.deepEqual([at.row, at.column], [3, names.at(-1)], "End: the row's last cell");
  assert.equal(at.text, rows[1].at(-1));
  at = await press(page, "Home");
  assert.deepEqual([at.row, at.column, at.text], [3, "User ID", rows[1][0]], "Home: the row's first cell");
  at = await press(page, "ArrowLeft");
  assert.deepEqual([at.row, at.column], [3, "User ID"], "the left edge holds");
  assert.equal(at.stops, 1, "one Tab stop, wherever the focus is");
  assert.equal(at.isStop, true);

  // One Tab leaves the table; Shift+Tab comes back to the same cell.
  at = await press(page, "Tab");
  assert.equal(at.inTable, false, "one Tab left the table");
  at = await press(page, "Shift+Tab");
  assert.deepEqual([at.row, at.column, at.text], [3, "User ID", rows[1][0]], "back on the cell it left");

  // Enter and Space on a header sort by its column.
  await press(page, "ArrowUp");
  at = await press(page, "ArrowUp");
  assert.deepEqual([at.row, at.column], [1, "User ID"], "up into the header row");
  for (let n = 0; at.column !== "Usage"; n++) {
    assert.ok(n < 20, `ArrowRight reaches Usage: ${JSON.stringify(at)}`);
    at = await press(page, "ArrowRight");
    assert.equal(at.row, 1);
  }
  const usage = page.getByRole("columnheader", { name: "Usage" });
  assert.equal(await usage.getAttribute("aria-sort"), "none");
  at = await press(page, "Enter");
  assert.equal(await usage.getAttribute("aria-sort"), "descending", "Enter sorted by Usage");
  assert.deepEqual([at.row, at.column], [1, "Usage"], "the focus stays on the header");
  await press(page, " ");
  assert.equal(await usage.getAttribute("aria-sort"), "ascending", "Space sorted the other way");
  const sorted = await visibleRows(page);
  const usageColumn = names.indexOf("Usage");
  at = await press(page, "ArrowDown");
  assert.deepEqual([at.row, at.column, at.text], [2, "Usage", sorted[0][usageColumn]], "the lowest usage first");
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test("a cell's tooltip shows on keyboard focus, outside the scrolling region", async () => {
  const page = await openPage(shared.browser, SANDBOX_URL);
  await listAll(page);
  await tabIntoTable(page);
  await press(page, "ArrowDown");
  let at = await focus(page);
  for (let n = 0; at.column !== "Expires"; n++) {
    assert.ok(n < 20, `ArrowRight reaches Expires: ${JSON.stringify(at)}`);
    at = await press(page, "ArrowRight");
  }
  // The cell in the view's last row, with the region in the window's middle.
  await page.evaluate(() => document.querySelector(".table-scroll").scrollIntoView({ block: "center" }));
  at = await press(page, "PageDown");
  assert.equal(at.column, "Expires");
  assert.equal(at.inView, true);
  const tip = await page.evaluate(() => {
    const cell = document.activeElement;
    const tip = document.querySelector(".cell-tip");
    const box = tip.getBoundingClientRect();
    const region = document.querySelector(".table-scroll").getBoundingClientRect();
    return {
      text: tip.textContent,
      title: cell.querySelector("time")?.getAttribute("title"),
      shown: !tip.hidden && box.width > 0 && box.height > 0,
      outsideRegion: !tip.closest(".table-scroll"),
      hidden: tip.getAttribute("aria-hidden"),
      inWindow: box.top >= 0 && box.left >= 0 && box.bottom <= innerHeight && box.right <= innerWidth,
      pastRegion: box.bottom > region.bottom,
      nearCell: Math.abs(box.top - cell.getBoundingClientRect().bottom) < 8,
    };
  });
  assert.match(tip.title, /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d /, "the exact expiry time");
  assert.deepEqual(tip, {
    ...tip,
    text: tip.title,
    shown: true,
    outsideRegion: true,
    hidden: "true",
    inWindow: true,
    nearCell: true,
    pastRegion: true,
  });
  // Escape hides it; moving on shows the next cell's.
  await page.keyboard.press("Escape");
  assert.equal(await page.locator(".cell-tip").isHidden(), true);
  await press(page, "ArrowLeft");
  assert.match(await page.locator(".cell-tip").textContent(), /\d{4}-\d\d-\d\d /, "the Effective date's exact time");
  await press(page, "Tab");
  assert.equal(await page.locator(".cell-tip").isHidden(), true, "gone once the focus leaves");
  await page.context().close();
});

test("Page Down far down 20,000 users keeps the focus on a drawn row, in view", async () => {
  const sandbox = await startSandbox(["--users", "20000"]);
  try {
    const page = await openPage(shared.browser, sandbox.url);
    await listAll(page, 20000);
    await tabIntoTable(page);
    let at = await press(page, "ArrowDown");
    assert.deepEqual([at.row, at.column], [2, "User ID"]);
    at = await press(page, "PageDown");
    const page1 = at.row - 2;
    assert.ok(page1 >= 5, `a page is the rows in view: ${page1}`);
    for (let n = 2; n <= 40; n++) {
      at = await press(page, "PageDown");
      assert.equal(at.row, 2 + n * page1, `Page Down ${n}`);
      assert.equal(at.inView, true, `row ${at.row} in view`);
      assert.match(at.text, /^\d+$/, "an id");
    }
    at = await press(page, "PageUp");
    assert.equal(at.row, 2 + 39 * page1);
    assert.equal(at.inView, true);
    // The last row, then the first cell.
    at = await press(page, "Control+End");
    const names = await headers(page);
    assert.deepEqual([at.row, at.column, at.inView, at.stops], [20001, names.at(-1), true, 1]);
    at = await press(page, "ArrowUp");
    assert.deepEqual([at.row, at.inView], [20000, true]);
    at = await press(page, "Control+Home");
    assert.deepEqual([at.row, at.column, at.stops], [1, "User ID", 1]);
    at = await press(page, "ArrowDown");
    assert.deepEqual([at.row, at.inView], [2, true], "back at the top");

    // The focused row scrolled out of the document: the table stays one
    // Tab stop (its column's header) and Tab still reaches it.
    for (let n = 0; n < 10; n++) await press(page, "PageDown");
    const row = (await focus(page)).row;
    await press(page, "Tab");
    await page.evaluate(() => {
      document.querySelector(".table-scroll").scrollTop = 0;
    });
    await page.waitForFunction(
      (r) => !document.querySelector(`table.results tr[aria-rowindex="${r}"]`),
      row,
    );
    at = await press(page, "Shift+Tab");
    assert.deepEqual([at.inTable, at.row, at.column, at.stops], [true, 1, "User ID", 1], "its column's header");
    at = await press(page, "ArrowDown");
    assert.deepEqual([at.row, at.inView], [2, true]);

    // A filter leaves one row: the Tab stop moves to it.
    await press(page, "PageDown");
    const id = (await visibleRows(page))[0][0];
    await page.locator("#filter-text").fill(id);
    await page.waitForFunction(() => document.querySelectorAll("table.results tbody tr:not(.spacer)").length === 1);
    // The Tab stop moves once the clamped cell is drawn, which may be a frame after the row.
    await page
      .waitForFunction(() => document.querySelectorAll('table.results [tabindex="0"]').length === 1)
      .catch(() => {}); // the assertion below says what is there instead
    const stop = await page.evaluate(() => {
      const stops = document.querySelectorAll('table.results [tabindex="0"]');
      return [stops.length, stops[0]?.closest("tr")?.getAttribute("aria-rowindex"), stops[0]?.textContent];
    });
    assert.deepEqual(stop, [1, "2", id]);
    assert.deepEqual(page.problems, []);
    await page.context().close();
  } finally {
    await sandbox.stop();
  }
});

test("on narrow screens the arrows move from card to card", async () => {
  const page = await openPage(shared.browser, SANDBOX_URL, { width: 390, height: 800 });
  await listAll(page);
  const rows = await visibleRows(page);
  await tabIntoTable(page);
  let at = await press(page, "ArrowDown");
  assert.deepEqual([at.row, at.column, at.text], [2, "User ID", rows[0][0]]);
  for (let n = 1; n <= 12; n++) {
    at = await press(page, "ArrowDown");
    assert.deepEqual([at.row, at.column, at.inView], [2 + n, "User ID", true], `card ${n + 1}`);
  }
  at = await press(page, "ArrowRight");
  assert.deepEqual([at.row, at.column, at.inView], [14, "Quota", true]);
  await page.context().close();
});
