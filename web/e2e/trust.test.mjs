// Results an administrator can trust (stage e2e): every result set says how
// complete it is, a new query never mixes in the rows of an earlier run,
// waits say what they wait for, and an error is in view where the
// administrator acted.

import { beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";

import {
  SANDBOX_URL,
  expectStatus,
  expectStatusMatching,
  listAll,
  pageForEachTest,
  parseCsv,
  queryIds,
  sandboxControl,
  settled,
  until,
} from "./support.mjs";

let users;
let page;

const shared = pageForEachTest();
beforeEach(() => ({ page, users } = shared));

const knownIds = (count, skip = 0) => users.slice(skip, skip + count).map((u) => u.userId);
const grouped = (n) => n.toLocaleString("en-US");

/** Clicks an export button and reads the file it saves: `{ name, text }`. */
async function download(name) {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name }).click()]);
  return { name: file.suggestedFilename(), text: await readFile(await file.path(), "utf8") };
}

describe("results say how complete they are", () => {
  test("a List all users that a 503 stops midway is labelled partial, and so are its exports", async () => {
    // Ten requests go through, then every attempt gets a 503: more of them
    // than the retries of all the pages left, several of which are in flight
    // at once.
    await sandboxControl(SANDBOX_URL, "POST", "faults", [
      { kind: "delay", delayMs: 1, count: 10 },
      { kind: "status", status: 503, count: 200 },
    ]);
    await page.getByRole("button", { name: "List all users" }).click();
    const text = await expectStatusMatching(
      page,
      new RegExp(`^[\\d,]+ of ${grouped(users.length)} users shown \\(partial\\) · 0 missing · 0 failed$`),
    );
    const shown = Number(text.split(" of ")[0].replaceAll(",", ""));
    assert.ok(shown > 0 && shown < users.length, text);
    await settled(page);
    const json = await download("Export JSON");
    assert.match(json.name, /^koodrive-usage-partial-\d{8}T\d{6}\.json$/);
    const parsed = JSON.parse(json.text);
    assert.equal(parsed.completeness, "partial");
    assert.equal(parsed.expectedUsers, users.length);
    assert.equal(parsed.users.length, shown);
    const csv = await download("Export CSV");
    assert.match(csv.name, /^koodrive-usage-partial-/);
  });

  test("a cancelled List all users says it is partial", async () => {
    await sandboxControl(SANDBOX_URL, "POST", "faults", { kind: "delay", delayMs: 400, count: 40 });
    await page.getByRole("button", { name: "List all users" }).click();
    const progress = page.getByRole("progressbar");
    await until(() => progress.getAttribute("value"), (v) => Number(v) >= 100, "the first page");
    await page.getByRole("button", { name: "Cancel" }).click();
    await settled(page);
    await expectStatusMatching(page, /^[\d,]+ of [\d,]+ users shown \(partial\) · 0 missing · 0 failed$/);
  });

  test("a finished listing reads as complete, with no partial mark", async () => {
    await listAll(page, users.length);
    const json = await download("Export JSON");
    assert.equal(JSON.parse(json.text).completeness, "complete");
    assert.match(json.name, /^koodrive-usage-\d{8}T\d{6}\.json$/);
  });
});

describe("a new query replaces the results, even when it fails", () => {
  test("a query during an outage counts only its own ids; the earlier run is reachable but never counted in", async () => {
    const first = knownIds(80);
    await queryIds(page, first);
    await expectStatus(page, "80 users shown · 0 missing · 0 failed");
    // The outage: every attempt of the next query fails.
    await sandboxControl(SANDBOX_URL, "POST", "faults", { kind: "status", status: 503, count: 8 });
    await queryIds(page, knownIds(2, 500));
    await expectStatus(page, "0 of 2 users shown (partial) · 0 missing · 2 failed");
    await settled(page);
    assert.equal(await page.locator("table.results tbody td.id").count(), 0, "no row of the earlier run");
    const csv = await download("Export CSV");
    const ids = parseCsv(csv.text).slice(1).map((r) => r[0]);
    assert.deepEqual(ids.sort(), knownIds(2, 500).sort(), "the export holds only this query's ids");
    // The earlier run, labelled as such.
    await page.getByRole("button", { name: "Show earlier run" }).click();
    await expectStatus(page, "80 users shown (from an earlier run) · 0 missing · 0 failed");
    const earlier = await download("Export JSON");
    assert.match(earlier.name, /^koodrive-usage-earlier-run-/);
    assert.equal(JSON.parse(earlier.text).earlierRun, true);
    await page.getByRole("button", { name: "Show latest run" }).click();
    await expectStatus(page, "0 of 2 users shown (partial) · 0 missing · 2 failed");
  });

  test("the zh-CN status says 部分 for a partial run", async () => {
    await page.getByLabel("Language").selectOption("zh-CN");
    await page.getByLabel("访问令牌").fill("wrong");
    await page.getByLabel("用户 ID").fill("1\n2\n3");
    await page.getByRole("button", { name: "查询", exact: true }).click();
    await expectStatus(page, "显示 0 / 3 个用户（部分） · 0 个缺失 · 3 个失败");
  });
});

describe("waits say what they wait for", () => {
  test("a 429 with Retry-After shows the wait and its reason on the progress bar", async () => {
    await sandboxControl(SANDBOX_URL, "POST", "faults", { kind: "status", status: 429, retryAfterSecs: 3, count: 2 });
    await queryIds(page, knownIds(60));
    const waiting = page.locator(".progress .waiting");
    await until(() => waiting.textContent(), (t) => /^waiting \d s: the server asked us to slow down$/.test(t ?? ""), "the wait's reason");
    await expectStatus(page, "60 users shown · 0 missing · 0 failed");
  });

  test("a slow answer is named as one instead of a frozen bar", async () => {
    await sandboxControl(SANDBOX_URL, "POST", "faults", { kind: "delay", delayMs: 6000, count: 1 });
    await queryIds(page, knownIds(10));
    const waiting = page.locator(".progress .waiting");
    await until(() => waiting.textContent(), (t) => /^waiting for the server's answer: \d+ s$/.test(t ?? ""), "the slow answer named");
    await expectStatus(page, "10 users shown · 0 missing · 0 failed");
  });
});

describe("errors are seen where the administrator acted", () => {
  test("an error after pressing Query far down the page takes the focus and is in view", async () => {
    await page.setViewportSize({ width: 1280, height: 500 });
    await page.getByLabel("Access token").fill("wrong");
    await page.getByLabel("User IDs").fill(knownIds(3).join("\n"));
    const query = page.getByRole("button", { name: "Query", exact: true });
    await query.scrollIntoViewIfNeeded();
    await query.click();
    const alert = page.getByRole("alert");
    await alert.getByText(/^The access token was refused/).waitFor();
    await until(() => page.evaluate(() => document.activeElement?.id), (id) => id === "notice", "the focus on the notice");
    const box = await alert.boundingBox();
    assert.ok(box && box.y >= 0 && box.y + 10 < 500, `the notice is in view: ${JSON.stringify(box)}`);
  });
});
