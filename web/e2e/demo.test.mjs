// The built page opened from a plain static host (no sandbox behind it):
// it offers the in-browser demo, whose answers come from the sandbox's
// handler compiled into the page (the `demo` build), and no request leaves
// the page.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import path from "node:path";

import { expectStatus, launchBrowser, listAll, openPage, queryIds, visibleRows } from "./support.mjs";

const DEMO_DIST = process.env.KOODRIVE_ADMIN_DEMO_DIST ?? "";
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".css": "text/css" };
let server;
let url;
let browser;

before(async () => {
  if (!DEMO_DIST) throw new Error("KOODRIVE_ADMIN_DEMO_DIST is not set: run with `cargo xtask test --stage e2e`");
  server = createServer(async (req, res) => {
    const name = decodeURIComponent(new URL(req.url, "http://x").pathname).replace(/^\/+/, "") || "index.html";
    const file = path.join(DEMO_DIST, path.basename(name));
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404, { "content-type": "text/html" });
      res.end("<h1>Not found</h1>");
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${server.address().port}`;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

test("a page on a static host offers the in-browser demo, which answers inside the page", async () => {
  const page = await openPage(browser, url);
  const api = [];
  page.on("request", (r) => {
    if (r.url().includes("/koodrive/ose/")) api.push(r.url());
  });
  await page.getByText("No sandbox answers at this endpoint").waitFor();
  await page.getByRole("button", { name: "In-browser demo" }).click();
  await page.getByText(/^In-browser demo: made-up users/).waitFor();
  await listAll(page, 2000);
  const first = (await visibleRows(page))[0][0];
  await page.getByRole("radio", { name: "App signature" }).check();
  await queryIds(page, [first, "404"]);
  await expectStatus(page, "1 users shown · 1 missing · 0 failed");
  assert.deepEqual(api, []);
  // The one 404 is the static host's answer to the sandbox health check.
  assert.deepEqual(page.problems.filter((p) => !/status of 404/.test(p)), []);
  await page.context().close();
});
