// The parts of the admin page fetched the first time they are used: the
// first load holds what the first screen needs, and the exports and the
// directory come as wasm files of their own once the administrator uses
// them (`cargo xtask dist` splits the build), as does the usage history
// (its snapshots, trends and charts, its file imports and exports) once
// history is in use. A part that cannot be fetched says so, with a Retry
// that fetches it again.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { HANG_GUARD_MS, SANDBOX_URL, browserForFile, listAll, resetSandbox, until } from "./support.mjs";

const shared = browserForFile();

/** The wasm part files the page fetched so far (`split_NAME-HASH.wasm`, `chunk_...`). */
const partsFetched = (requests) =>
  requests
    .map((url) => new URL(url).pathname.slice(1))
    .filter((name) => /^(split|chunk)_.*\.wasm$/.test(name));

/** A new page on the sandbox with every request it makes recorded from the start. */
async function openRecorded() {
  await resetSandbox(SANDBOX_URL);
  const context = await shared.browser.newContext({ acceptDownloads: true });
  context.setDefaultTimeout(HANG_GUARD_MS);
  const page = await context.newPage();
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(SANDBOX_URL);
  await page.getByRole("button", { name: "Query", exact: true }).waitFor();
  return { page, requests };
}

describe("parts fetched on first use", () => {
  test("the first load and a listing fetch no export, directory or history part; each comes when used", async () => {
    const { page, requests } = await openRecorded();
    try {
      await listAll(page);
      assert.ok(
        requests.some((u) => /\.wasm$/.test(new URL(u).pathname)),
        "the page's own wasm was fetched",
      );
      const first = partsFetched(requests);
      assert.deepEqual(
        first.filter((n) => /exports|directory|history|idsfile/.test(n)),
        [],
        `first load and listing fetched: ${first.join(", ")}`,
      );

      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("button", { name: "Export CSV" }).click(),
      ]);
      assert.match(download.suggestedFilename(), /\.csv$/);
      assert.ok(
        partsFetched(requests).some((n) => n.startsWith("split_exports")),
        `the exports' part came with the first export: ${partsFetched(requests).join(", ")}`,
      );
      assert.ok(
        !partsFetched(requests).some((n) => n.startsWith("split_directory")),
        "the directory's part is not fetched by an export",
      );

      const dir = await mkdtemp(path.join(tmpdir(), "koodrive-e2e-parts-"));
      try {
        assert.ok(
          !partsFetched(requests).some((n) => n.startsWith("split_history")),
          "the history's part is not fetched by an export",
        );
        const exported = path.join(dir, download.suggestedFilename());
        await download.saveAs(exported);
        await page.getByLabel("Import past CSV exports", { exact: true }).setInputFiles(exported);
        await until(
          () => partsFetched(requests),
          (names) => names.some((n) => n.startsWith("split_history")),
          "the history's part, with the first history import",
        );
        const file = path.join(dir, "directory.csv");
        await writeFile(file, "KooDrive User ID,Full Name,E-mail\n1,Ada Lovelace,ada@example.com\n");
        await page.getByLabel("Import directory CSV").setInputFiles(file);
        await page.getByRole("button", { name: "Use directory" }).waitFor();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      assert.ok(
        partsFetched(requests).some((n) => n.startsWith("split_directory")),
        `the directory's part came with the first directory file: ${partsFetched(requests).join(", ")}`,
      );
    } finally {
      await page.context().close();
    }
  });

  test("a part that cannot be fetched says so, and Retry fetches it and does what was asked", async () => {
    const { page } = await openRecorded();
    try {
      await listAll(page);
      // As after a redeploy, or offline: the exports' file does not come.
      await page.route(/\/split_exports[^/]*\.wasm$/, (route) => route.abort("internetdisconnected"));
      await page.getByRole("button", { name: "Export CSV" }).click();
      const alert = page.getByRole("alert").filter({ hasText: "could not be loaded" });
      await alert.waitFor();
      assert.match(await alert.textContent(), /exports \(CSV, JSON, Excel\) could not be loaded/);
      assert.match(await alert.textContent(), /press Retry/);

      await page.unroute(/\/split_exports[^/]*\.wasm$/);
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        alert.getByRole("button", { name: "Retry" }).click(),
      ]);
      assert.match(download.suggestedFilename(), /\.csv$/);
      await alert.waitFor({ state: "detached" });
    } finally {
      await page.context().close();
    }
  });

  test("ticking Keep history fetches the history's part; when it cannot come, the box shows what holds and Retry ticks it", async () => {
    const { page, requests } = await openRecorded();
    try {
      const keep = page.getByLabel("Keep history on this computer");
      await keep.waitFor();
      assert.ok(!partsFetched(requests).some((n) => n.startsWith("split_history")), "no history part before it is used");
      await page.route(/\/split_history[^/]*\.wasm$/, (route) => route.abort("internetdisconnected"));
      await keep.click();
      const alert = page.getByRole("alert").filter({ hasText: "could not be loaded" });
      await alert.waitFor();
      assert.match(await alert.textContent(), /usage history \(snapshots, trends, imports, exports\) could not be loaded/);
      await until(() => keep.isChecked(), (checked) => checked === false, "the box unticked again");

      await page.unroute(/\/split_history[^/]*\.wasm$/);
      await alert.getByRole("button", { name: "Retry" }).click();
      await alert.waitFor({ state: "detached" });
      await until(() => keep.isChecked(), (checked) => checked === true, "the box ticked by Retry");
      assert.ok(partsFetched(requests).some((n) => n.startsWith("split_history")), "the history's part came");

      // Now in use: a listing keeps its snapshot.
      await listAll(page);
      const history = page.getByRole("region", { name: "History" });
      await until(
        () => history.locator(".history-summary").textContent(),
        (text) => /^1 snapshot/.test(text),
        "the listing's snapshot kept",
      );
    } finally {
      await page.context().close();
    }
  });

  test("a CSV of User IDs is read by a part fetched with the first file; when it cannot come, Retry reads the file", async () => {
    const { page, requests } = await openRecorded();
    try {
      const file = {
        name: "ids.csv",
        mimeType: "text/csv",
        buffer: Buffer.from("userId,name\n1505084218764547200,Ada\n1505084218764547201,Grace\n"),
      };
      const picker = page.getByLabel("Import CSV", { exact: true });
      const box = page.getByLabel("User IDs", { exact: true });
      await page.route(/\/split_idsfile[^/]*\.wasm$/, (route) => route.abort("internetdisconnected"));
      await picker.setInputFiles(file);
      const alert = page.getByRole("alert").filter({ hasText: "could not be loaded" });
      await alert.waitFor();
      assert.match(await alert.textContent(), /reader of User ID CSV files could not be loaded/);
      assert.equal(await box.inputValue(), "", "nothing taken while the reader is missing");

      await page.unroute(/\/split_idsfile[^/]*\.wasm$/);
      await alert.getByRole("button", { name: "Retry" }).click();
      await alert.waitFor({ state: "detached" });
      await until(
        () => box.inputValue(),
        (text) => text === "1505084218764547200\n1505084218764547201",
        "the file's ids in the box",
      );
      assert.ok(partsFetched(requests).some((n) => n.startsWith("split_idsfile")), "the reader's part came");
      assert.ok(
        !partsFetched(requests).some((n) => /^split_(exports|directory|history)/.test(n)),
        `only the reader came: ${partsFetched(requests).join(", ")}`,
      );
    } finally {
      await page.context().close();
    }
  });
});
