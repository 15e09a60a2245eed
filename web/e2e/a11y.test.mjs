// axe-core finds no accessibility violation on the admin page's main views,
// in both themes and both widths. axe is injected as a script, which the
// page's CSP forbids, so these pages run in a context that bypasses the CSP
// (the CSP itself is tested in admin.test.mjs).

import { beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";

import { SANDBOX_URL, allUsers, browserForFile, expectStatus, listAll, openPage, queryIds, resetSandbox, screenshot, settled } from "./support.mjs";

const require = createRequire(import.meta.url);
const AXE = require.resolve("axe-core/axe.min.js");
const shared = browserForFile({ reset: false });

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
      const page = await openPage(shared.browser, SANDBOX_URL, { width, colorScheme, bypassCSP: true });
      await expectNoViolations(page, "the first view");
      await listAll(page);
      await expectNoViolations(page, "after listing every user");
      // The table's one Tab stop on a data cell (a td with tabindex 0),
      // its tooltip shown.
      await page.locator("table.results thead th button").first().focus();
      await page.keyboard.press("ArrowDown");
      await page.keyboard.press("End");
      await page.locator('table.results td[tabindex="0"]:focus').waitFor();
      await expectNoViolations(page, "with the focus on a table cell");
      await page.context().close();
    });
  }
}

test("no axe violations: a refused token, failed and missing ids, a picked bucket, zh-CN", async () => {
  const page = await openPage(shared.browser, SANDBOX_URL, { bypassCSP: true });
  await queryIds(page, ["1", "2"]);
  await expectStatus(page, "0 users shown · 2 missing · 0 failed");
  await page.getByLabel("Access token").fill("wrong");
  await queryIds(page, ["3"]);
  await expectStatus(page, "0 of 1 users shown (partial) · 0 missing · 1 failed");
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

test("no axe violations: a directory in use, its columns, departments and marks, in both themes", async () => {
  // A directory of most of the sandbox's users, some without a department,
  // a disabled account, and a few people KooDrive does not know.
  const users = await allUsers(SANDBOX_URL);
  const departments = ["Research", "Sales", "Finance", "Legal, Compliance"];
  const lines = ["userId,name,email,department,status"];
  users.slice(0, users.length - 40).forEach((u, i) => {
    const department = i % 13 === 0 ? "" : departments[i % departments.length];
    lines.push(`${u.userId},Person ${i},person${i}@example.com,"${department}",${i % 29 === 0 ? "disabled" : "active"}`);
  });
  for (let i = 0; i < 5; i++) lines.push(`90000000000000000${10 + i},Ghost ${i},ghost${i}@example.com,Sales,active`);
  const dir = await mkdtemp(path.join(tmpdir(), "koodrive-a11y-"));
  try {
    const file = path.join(dir, "directory.csv");
    await writeFile(file, lines.join("\n") + "\n");
    for (const colorScheme of ["light", "dark"]) {
      const page = await openPage(shared.browser, SANDBOX_URL, { colorScheme, bypassCSP: true });
      await page.getByLabel("Import directory CSV").setInputFiles(file);
      await page.getByRole("button", { name: "Use directory" }).click();
      await page.locator(".directory-summary").getByText("Directory: 1,965 users").waitFor();
      await listAll(page);
      await page.getByRole("heading", { name: "In the directory, not in KooDrive (5)" }).waitFor();
      await page.getByRole("table", { name: "Departments" }).getByRole("button", { name: "Sales" }).click();
      await page.getByRole("button", { name: "Show all departments" }).waitFor();
      await page.getByRole("textbox", { name: "User IDs" }).fill("person1@example.com\nnobody@example.com\nPerson 2");
      await page.getByRole("list", { name: "Not resolved" }).waitFor();
      await expectNoViolations(page, `a directory in use, ${colorScheme}`);
      await screenshot(page, `directory-${colorScheme}-1280`);
      await page.context().close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
