// The packed module in headless Chromium: bundled by Vite (no plugin, no
// configuration) for production, for `build.target: "es2020"` and in Vite's
// dev server; as a plain <script type="module"> from the unpacked package;
// KooDriveError alone fetching no wasm; and the `wasm` option.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFile, readdir } from "node:fs/promises";
import { execFileSync } from "node:child_process";
import { gzipSync } from "node:zlib";
import { join, extname, normalize } from "node:path";
import { pathToFileURL, fileURLToPath } from "node:url";
import { SANDBOX, reset } from "./helpers.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const devModules = process.env.DEV_NODE_MODULES ?? join(here, "../../web/node_modules");
const vite = join(devModules, ".bin/vite");
const packageDir = join(here, "node_modules/koodrive-space-usage");
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".json": "application/json" };

let server;
let origin;
let browser;

/** Static files of `root`; `/moved/` is the package without its .wasm files, `/elsewhere/` their only place. */
function serve(root) {
  return createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
    let file = join(root, path);
    if (path.startsWith("/moved/")) file = path.endsWith(".wasm") ? "" : join(packageDir, path.slice("/moved/".length));
    if (path.startsWith("/elsewhere/")) file = join(packageDir, "wasm", path.slice("/elsewhere/".length));
    try {
      const body = await readFile(file);
      res.writeHead(200, { "Content-Type": TYPES[extname(path)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
}

function build(...args) {
  execFileSync(vite, ["build", "vite-page", "--base", "./", "--emptyOutDir", "--logLevel", "warn", ...args], { cwd: here, stdio: "inherit" });
}

before(async () => {
  build("--outDir", "../vite-dist");
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

/** Loads `url`, waits for #out, and gives its JSON and every URL the page requested. */
async function load(url) {
  await reset();
  const page = await browser.newPage();
  const errors = [];
  const requests = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("request", (r) => requests.push(r.url()));
  try {
    await page.goto(url);
    await page.waitForFunction(() => document.getElementById("out")?.textContent !== "loading");
    const result = JSON.parse(await page.locator("#out").textContent());
    assert.deepEqual(errors, []);
    return { result, requests };
  } finally {
    await page.close();
  }
}

const resultOf = async (path) => (await load(`${origin}/${path}${path.includes("?") ? "&" : "?"}sandbox=${encodeURIComponent(SANDBOX)}`)).result;

async function gzipSizes(dir) {
  const sizes = { js: 0, wasm: 0 };
  for (const name of await readdir(join(dir, "assets"))) {
    const kind = extname(name).slice(1);
    if (kind in sizes) sizes[kind] += gzipSync(await readFile(join(dir, "assets", name)), { level: 9 }).length;
  }
  return sizes;
}

test("a Vite production build queries the sandbox in app mode", async (t) => {
  const r = await resultOf("vite-dist/index.html");
  assert.equal(r.ok, true, r.message);
  assert.equal(r.count, 3);
  assert.match(r.first.quota, /^[0-9]+$/);
  const s = await gzipSizes(join(here, "vite-dist"));
  t.diagnostic(`Vite build bundle, gzip -9: JS ${(s.js / 1024).toFixed(1)} KiB + wasm ${(s.wasm / 1024).toFixed(1)} KiB = ${((s.js + s.wasm) / 1024).toFixed(1)} KiB`);
});

test('a Vite build with build.target "es2020" works (no top-level await)', async () => {
  build("--target", "es2020", "--outDir", "../vite-dist-es2020");
  const r = await resultOf("vite-dist-es2020/index.html");
  assert.equal(r.ok, true, r.message);
  assert.equal(r.count, 3);
});

test("Vite's dev server, with no configuration, serves a page that works", async () => {
  const { createServer: createViteServer } = await import(pathToFileURL(join(devModules, "vite/dist/node/index.js")).href);
  const dev = await createViteServer({
    root: here,
    configFile: false,
    logLevel: "warn",
    clearScreen: false,
    server: { host: "127.0.0.1", port: 0, hmr: false },
  });
  try {
    await dev.listen();
    const { port } = dev.httpServer.address();
    const { result, requests } = await load(`http://127.0.0.1:${port}/vite-page/index.html?sandbox=${encodeURIComponent(SANDBOX)}`);
    assert.equal(result.ok, true, result.message);
    assert.equal(result.count, 3);
    assert.ok(requests.some((u) => u.includes("/.vite/deps/koodrive-space-usage")), "the module was pre-bundled");
    assert.ok(requests.some((u) => u.endsWith("/koodrive_space_usage_bg.wasm")), "the wasm was fetched");
  } finally {
    await dev.close();
  }
});

test("a plain <script type=module> page queries the sandbox in token mode", async () => {
  const r = await resultOf("plain.html");
  assert.equal(r.ok, true, r.message);
  assert.equal(r.count, 3);
  assert.equal(r.refusedKind, "auth");
  assert.equal(r.isError, true);
});

test("importing KooDriveError alone fetches no wasm", async () => {
  const { result, requests } = await load(`${origin}/error-only.html`);
  assert.deepEqual(result, { ok: true, is: false, name: "KooDriveError" });
  assert.ok(requests.some((u) => u.endsWith("/index.browser.js")), "the module was loaded");
  assert.deepEqual(requests.filter((u) => u.endsWith(".wasm")), []);
  // While a client's first call fetches it: the log does see wasm requests.
  const { requests: used } = await load(`${origin}/plain.html?sandbox=${encodeURIComponent(SANDBOX)}`);
  assert.equal(used.filter((u) => u.endsWith(".wasm")).length, 1);
});

test("the wasm option finds the WebAssembly wherever it is: URL, Response, bytes or Module", async () => {
  const none = await resultOf("wasm-option.html?source=none");
  assert.equal(none.ok, false);
  assert.equal(none.kind, "network");
  assert.match(none.message, /wasm option/);
  for (const source of ["string", "url", "response", "bytes", "module"]) {
    const r = await resultOf(`wasm-option.html?source=${source}`);
    assert.deepEqual(r, { ok: true, count: 2 }, source);
  }
});
