// The packed module in headless Chromium: bundled by Vite (no plugin), and
// as a plain <script type="module"> from the unpacked package.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { execFileSync } from "node:child_process";
import { join, extname, normalize } from "node:path";
import { pathToFileURL, fileURLToPath } from "node:url";
import { SANDBOX, reset } from "./helpers.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const devModules = process.env.DEV_NODE_MODULES ?? join(here, "../../web/node_modules");
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".json": "application/json" };

let server;
let origin;
let browser;

function serve(root) {
  return createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
    try {
      const body = await readFile(join(root, path));
      res.writeHead(200, { "Content-Type": TYPES[extname(path)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
}

before(async () => {
  execFileSync(join(devModules, ".bin/vite"), ["build", "vite-page", "--base", "./", "--outDir", "../vite-dist", "--emptyOutDir", "--logLevel", "warn"], { cwd: here, stdio: "inherit" });
  server = serve(here);
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
  const { chromium } = await import(pathToFileURL(join(devModules, "playwright-core/index.mjs")).href);
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
});

after(async () => {
  await browser?.close();
  server?.close();
});

async function resultOf(path) {
  await reset();
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`${origin}/${path}?sandbox=${encodeURIComponent(SANDBOX)}`);
  await page.waitForFunction(() => document.getElementById("out")?.textContent !== "loading");
  const text = await page.locator("#out").textContent();
  await page.close();
  assert.deepEqual(errors, []);
  return JSON.parse(text);
}

test("a Vite production build queries the sandbox in app mode", async () => {
  const r = await resultOf("vite-dist/index.html");
  assert.equal(r.ok, true, r.message);
  assert.equal(r.count, 3);
  assert.match(r.first.quota, /^[0-9]+$/);
});

test("a plain <script type=module> page queries the sandbox in token mode", async () => {
  const r = await resultOf("plain.html");
  assert.equal(r.ok, true, r.message);
  assert.equal(r.count, 3);
  assert.equal(r.refusedKind, "auth");
  assert.equal(r.isError, true);
});
