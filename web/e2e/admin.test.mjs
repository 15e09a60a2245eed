// The admin page end to end, as an administrator uses it, against the
// sandbox that `cargo xtask test --stage e2e` started (serving the built
// page). One job of the page per test; each starts from a fresh page and a
// reset sandbox.

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
  stateOf,
  statusText,
  until,
  visibleRows,
  visibleUsed,
} from "./support.mjs";

const DAY_MS = 86_400_000;
let users; // every user of the sandbox, from its API
let page;

const shared = pageForEachTest();
beforeEach(() => ({ page, users } = shared));

/** Ids of known users, `count` of them, from the `skip`-th on. */
const knownIds = (count, skip = 0) => users.slice(skip, skip + count).map((u) => u.userId);

describe("the admin page", () => {
  test("the first query works with the prefilled connection and says the data are the sandbox's", async () => {
    assert.equal(await page.getByLabel("Endpoint").inputValue(), SANDBOX_URL);
    await page.getByText("Sandbox demo data").waitFor();
    await listAll(page, users.length);
    const rows = await visibleRows(page);
    assert.ok(rows.length > 5, `rows drawn: ${rows.length}`);
    assert.equal(rows[0][0], users[0].userId);
    // Only the rows in view exist in the document, not all 2,000.
    assert.ok(rows.length < 100, `rows in the document: ${rows.length}`);
    const table = page.getByRole("table");
    for (const name of ["User ID", "Quota", "Used", "Usage", "State", "Effective", "Expires"]) {
      await table.getByRole("columnheader", { name }).waitFor();
    }
    assert.deepEqual(page.problems, []);
  });

  test("120 pasted ids with duplicates and unknown ids show progress, the right counts and the missing ids", async () => {
    const known = knownIds(100);
    const unknown = Array.from({ length: 10 }, (_, i) => `99999999999999990${String(i).padStart(2, "0")}`);
    const pasted = [...known, ...known.slice(0, 10), ...unknown];
    assert.equal(pasted.length, 120);
    await page.getByLabel("User IDs").fill(pasted.join(", "));
    await until(
      () => page.locator("#user-ids-check").textContent(),
      (t) => t === "110 ids · 10 duplicates removed",
      "the inline check of the pasted ids",
    );
    // Slow the first request down so the progress bar can be seen.
    await sandboxControl(SANDBOX_URL, "POST", "faults", { kind: "delay", delayMs: 1500, count: 1 });
    await page.getByRole("button", { name: "Query", exact: true }).click();
    const progress = page.getByRole("progressbar");
    await progress.waitFor();
    assert.equal(await progress.getAttribute("max"), "110");
    await expectStatus(page, "100 users shown · 10 missing · 0 failed");
    await settled(page);
    const missing = page.getByRole("region", { name: /^Missing/ });
    const listed = await missing.locator("li").allTextContents();
    assert.deepEqual(listed, unknown);
    assert.deepEqual(page.problems, []);
  });

  test("the Used column sorts both ways", async () => {
    await listAll(page, users.length);
    const header = page.getByRole("columnheader", { name: "Used" });
    await header.getByRole("button").click();
    assert.equal(await header.getAttribute("aria-sort"), "descending");
    let used = await visibleUsed(page);
    const largest = Math.max(...users.map((u) => u.used));
    assert.equal(used[0], largest);
    for (let i = 1; i < used.length; i++) assert.ok(used[i - 1] >= used[i], `row ${i}: ${used[i - 1]} before ${used[i]}`);
    await header.getByRole("button").click();
    assert.equal(await header.getAttribute("aria-sort"), "ascending");
    used = await until(() => visibleUsed(page), (u) => u[0] === Math.min(...users.map((x) => x.used)), "the smallest first");
    for (let i = 1; i < used.length; i++) assert.ok(used[i - 1] <= used[i], `row ${i}: ${used[i - 1]} before ${used[i]}`);
  });

  test("filters by state and by expiry show exactly the matching users", async () => {
    await listAll(page, users.length);
    const exceeded = users.filter((u) => stateOf(u) === "exceeded").length;
    await page.getByLabel("State", { exact: true }).selectOption("exceeded");
    await expectStatus(page, `${exceeded} users shown · 0 missing · 0 failed`);
    for (const row of await visibleRows(page)) assert.match(row[5], /^Exceeded( Expired)?$/);

    await page.getByLabel("State", { exact: true }).selectOption("");
    const now = Date.now();
    // Within 7 days and not expired yet: expired quotas have their own filter.
    const within7 = users.filter((u) => {
      const left = u.expirationTime ? Date.parse(u.expirationTime) - now : NaN;
      return left > 0 && left <= 7 * DAY_MS;
    }).length;
    await page.getByLabel("Expires within (days)").fill("7");
    await expectStatus(page, `${within7} users shown · 0 missing · 0 failed`);
    for (const row of await visibleRows(page)) {
      assert.match(row[7], /^(in \d+ (day|hour|minute)s?|in less than a minute)$/, row.join(" | "));
      assert.ok(!/^in ([89]|\d\d+) days/.test(row[7]), row[7]);
    }
    await page.getByRole("button", { name: "Clear filters" }).click();
    await expectStatus(page, `${users.length} users shown · 0 missing · 0 failed`);
  });

  test("clicking a histogram bar filters to its bucket, and the keyboard does the same", async () => {
    await listAll(page, users.length);
    const inBucket = users.filter((u) => {
      const q = Number(u.quota);
      if (!(q > 0) || typeof u.used !== "number") return false;
      const r = u.used / q;
      return r >= 0.9 && r < 1;
    }).length;
    const bar = page.getByRole("figure").getByRole("button", { name: /^Usage 90–100%: \d+ users$/ });
    assert.equal(await bar.getAttribute("aria-label"), `Usage 90–100%: ${inBucket} users`);
    await bar.click();
    await expectStatus(page, `${inBucket} users shown · 0 missing · 0 failed`);
    for (const row of await visibleRows(page)) {
      const pct = Number.parseFloat(row[4]);
      assert.ok(pct >= 90 && pct < 100.05, row.join(" | "));
    }
    // Again clears it; Enter on a focused bar picks it.
    await bar.click();
    await expectStatus(page, `${users.length} users shown · 0 missing · 0 failed`);
    await bar.focus();
    await page.keyboard.press("Enter");
    await expectStatus(page, `${inBucket} users shown · 0 missing · 0 failed`);
  });

  test("Export CSV gives the documented header and exactly the sandbox's users", async () => {
    await listAll(page, users.length);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export CSV" }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^koodrive-usage-\d{8}T\d{6}\.csv$/);
    const rows = parseCsv(await readFile(await download.path(), "utf8"));
    const [header, ...data] = rows;
    assert.deepEqual(header.slice(0, 5), ["userId", "quota", "used", "usedRatio", "state"]);
    assert.ok(header.includes("quota (GiB)") && header.includes("used (GiB)"), header.join(","));
    assert.equal(data.length, users.length);
    const byId = new Map(users.map((u) => [u.userId, u]));
    for (const row of data) {
      const user = byId.get(row[0]);
      assert.ok(user, `exported id ${row[0]} is the sandbox's`);
      assert.equal(row[1], user.quota);
      assert.equal(Number(row[2]), user.used);
      assert.equal(row[4], stateOf(user));
      const expiration = header.indexOf("expirationTime");
      if (user.expirationTime) {
        assert.equal(Date.parse(row[expiration]), Date.parse(user.expirationTime));
        assert.match(row[expiration], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      } else {
        assert.equal(row[expiration], "");
      }
    }
  });

  test("a chunk that keeps failing with 503 is listed with its trace id and Retry failed recovers it", async () => {
    const ids = knownIds(120);
    // The first request goes alone (it learns the server's clock): it and
    // its three retries get the 503, so its chunk of 50 fails.
    await sandboxControl(SANDBOX_URL, "POST", "faults", { kind: "status", status: 503, count: 4 });
    await queryIds(page, ids);
    await expectStatus(page, "70 of 120 users shown (partial) · 0 missing · 50 failed");
    await settled(page);
    const failed = page.locator("section.failed");
    await failed.getByText("http · HTTP 503").waitFor();
    assert.match(await failed.locator("code").first().textContent(), /^[0-9a-z]{58}$/);
    await page.getByRole("alert").getByText(/HTTP 503/).waitFor();
    await page.getByRole("button", { name: "Retry failed" }).click();
    await expectStatus(page, "120 users shown · 0 missing · 0 failed");
    await failed.waitFor({ state: "detached" });
  });

  test("app-signature mode queries with the app id and secret", async () => {
    await page.getByRole("radio", { name: "App signature" }).check();
    assert.equal(await page.getByLabel("App ID").inputValue(), "sandbox-app");
    assert.equal(await page.getByLabel("App secret").inputValue(), "sandbox-secret");
    await queryIds(page, knownIds(60));
    await expectStatus(page, "60 users shown · 0 missing · 0 failed");
    // A wrong secret is refused with advice about the app credentials.
    await page.getByLabel("App secret").fill("not-the-secret");
    await queryIds(page, knownIds(5, 200));
    await page.getByRole("alert").getByText(/^The app signature was refused/).waitFor();
  });

  test("a refused token says what to do, keeps the earlier table reachable, and Retry failed works with a new token", async () => {
    await queryIds(page, knownIds(80));
    await expectStatus(page, "80 users shown · 0 missing · 0 failed");
    await page.getByLabel("Access token").fill("expired-token");
    await queryIds(page, knownIds(30, 500));
    const alert = page.getByRole("alert");
    await alert.getByText(/^The access token was refused: get a new one from the KooDrive console/).waitFor();
    assert.match(await alert.locator("code").textContent(), /^[0-9a-z]{58}$/);
    // The new query's own users only; the 80 are the earlier run.
    await expectStatus(page, "0 of 30 users shown (partial) · 0 missing · 30 failed");
    await page.getByRole("button", { name: "Show earlier run" }).click();
    await expectStatus(page, "80 users shown (from an earlier run) · 0 missing · 0 failed");
    assert.equal((await visibleRows(page))[0][0], knownIds(1)[0]);
    await page.getByRole("button", { name: "Show latest run" }).click();
    await page.getByLabel("Access token").fill("sandbox-token");
    await page.getByRole("button", { name: "Retry failed" }).click();
    await expectStatus(page, "30 users shown · 0 missing · 0 failed");
  });

  test("Cancel stops a bulk query, keeps what came back and leaves the rest to Retry failed", async () => {
    const ids = knownIds(300);
    // Every request is slow: cancel once the first (sent alone) has answered.
    await sandboxControl(SANDBOX_URL, "POST", "faults", { kind: "delay", delayMs: 1500, count: 6 });
    await queryIds(page, ids);
    const progress = page.getByRole("progressbar");
    await until(() => progress.getAttribute("value"), (v) => Number(v) >= 50, "the first chunk to settle");
    await page.getByRole("button", { name: "Cancel" }).click();
    await settled(page);
    const text = await expectStatusMatching(page, /^\d+ of 300 users shown \(partial\) · 0 missing · \d+ failed$/);
    const [shown, , , failed] = text.match(/\d+/g).map(Number);
    assert.equal(shown + failed, 300, text);
    assert.ok(shown >= 50 && failed > 0, text);
    await page.locator("section.failed").getByText("cancelled before an answer came").first().waitFor();
    await sandboxControl(SANDBOX_URL, "DELETE", "faults");
    await page.getByRole("button", { name: "Retry failed" }).click();
    await expectStatus(page, "300 users shown · 0 missing · 0 failed");
  });

  test("switching to zh-CN changes the words, the document language and the language header", async () => {
    await page.getByLabel("Language").selectOption("zh-CN");
    await page.getByRole("heading", { name: "KooDrive 空间用量" }).waitFor();
    assert.equal(await page.locator("html").getAttribute("lang"), "zh-CN");
    // The focus stays on the language select.
    assert.equal(await page.evaluate(() => document.activeElement?.id), "language");
    let sentLanguage;
    page.on("request", (r) => {
      if (r.url().endsWith("/space/usage/user") && r.method() === "POST") sentLanguage = r.headers().language;
    });
    await page.getByRole("button", { name: "列出所有用户" }).click();
    await expectStatus(page, `显示 ${users.length} 个用户 · 0 个缺失 · 0 个失败`);
    assert.equal(sentLanguage, "zh-CN");
    await page.getByRole("columnheader", { name: "已用" }).waitFor();
  });

  test("the page is served with a strict CSP, and an injected inline script does not run", async () => {
    const res = await page.request.get(SANDBOX_URL);
    const csp = res.headers()["content-security-policy"] ?? "";
    assert.match(csp, /script-src [^;]*'wasm-unsafe-eval'/);
    assert.doesNotMatch(csp, /'unsafe-inline'|'unsafe-eval'/);
    const violations = [];
    await page.exposeFunction("reportViolation", (v) => violations.push(v));
    await page.evaluate(() => {
      document.addEventListener("securitypolicyviolation", (e) => window.reportViolation(e.violatedDirective));
      const s = document.createElement("script");
      s.textContent = "window.__injected = true;";
      document.body.appendChild(s);
    });
    await until(() => violations, (v) => v.length > 0, "a CSP violation report");
    assert.equal(await page.evaluate(() => window.__injected), undefined);
    assert.match(violations[0], /^script-src/);
  });

  test("the keyboard sorts the table and reaches every control, with a visible focus", async () => {
    await listAll(page, users.length);
    const header = page.getByRole("columnheader", { name: "Usage" });
    await header.getByRole("button").focus();
    await page.keyboard.press("Enter");
    assert.equal(await header.getAttribute("aria-sort"), "descending");
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, "none");
    // The exact expiry time is in the cell for screen readers and on hover.
    const exact = await page.locator("table.results time").first().getAttribute("title");
    assert.match(exact, /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d /);
    assert.match(await page.locator("table.results time .sr-only").first().textContent(), /\d{4}-\d\d-\d\d /);
    const before = await statusText(page);
    assert.equal(before, `${users.length} users shown · 0 missing · 0 failed`);
  });
});
