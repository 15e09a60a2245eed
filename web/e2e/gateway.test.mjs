// The admin page behind the gateway (`koodrive-gateway`): a sandbox
// of the test's own as the upstream, the gateway serving the built page on
// its own origin. In app mode the gateway signs, so the page shows no
// credential fields and its requests carry no Authorization; in token mode
// the page asks for the access token only and the gateway passes it on.

import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import {
  TOKEN,
  allUsers,
  expectStatus,
  launchBrowser,
  listAll,
  openPage,
  queryIds,
  resetSandbox,
  startGateway,
  startSandbox,
  until,
} from "./support.mjs";

const API_PATH = "/koodrive/ose/v1/space/usage/user";

let browser;
let sandbox;
let gateway;
let dir;
let secretFile;
let users;
let page;

before(async () => {
  browser = await launchBrowser();
  sandbox = await startSandbox();
  users = await allUsers(sandbox.url);
  dir = await mkdtemp(path.join(tmpdir(), "koodrive-gateway-e2e-"));
  secretFile = path.join(dir, "app-secret");
  await writeFile(secretFile, "sandbox-secret\n", { mode: 0o600 });
});

after(async () => {
  await page?.context().close();
  await gateway?.stop();
  await sandbox?.stop();
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  await page?.context().close();
  page = null;
  await gateway?.stop();
  gateway = null;
  await resetSandbox(sandbox.url);
});

/** The page's API requests, collected as they go out. */
function watchApi(p) {
  const seen = [];
  p.on("request", (r) => {
    if (new URL(r.url()).pathname === API_PATH) seen.push(r);
  });
  return seen;
}

/** Opens the page through the gateway and waits until it has found the gateway. */
async function openThroughGateway() {
  const p = await openPage(browser, gateway.url);
  await p.getByText(/^Through the gateway to \S+/).waitFor();
  assert.equal(await p.getByLabel("Endpoint").inputValue(), gateway.url);
  return p;
}

/** The sandbox's counts of answers by status. */
async function sandboxStatuses() {
  const res = await fetch(`${sandbox.url}/__sandbox/stats`);
  assert.equal(res.status, 200);
  return (await res.json()).byStatus;
}

/** Errors the page logged, but for the 404 of `/__sandbox/health` (the gateway forwards no such path). */
const problems = (p) => p.problems.filter((x) => !/status of 404/.test(x));

/** A query of three known users, then the whole listing. */
async function queryAndList(p) {
  await queryIds(p, users.slice(0, 3).map((u) => u.userId));
  await expectStatus(p, "3 users shown · 0 missing · 0 failed");
  await listAll(p, users.length);
}

describe("the admin page behind the gateway", () => {
  test("app mode: the gateway signs, the page shows no credential fields and sends no Authorization", async () => {
    gateway = await startGateway(sandbox.url, ["--app-id", "sandbox-app", "--app-secret-file", secretFile]);
    page = await openThroughGateway();
    const api = watchApi(page);
    for (const name of ["App secret", "App ID", "Access token"]) {
      assert.equal(await page.getByLabel(name).count(), 0, `a visible ${name} field`);
    }
    for (const name of ["Token", "App signature"]) {
      assert.equal(await page.getByRole("radio", { name }).count(), 0, `a ${name} radio`);
    }
    assert.equal(await page.getByLabel("Gateway token").count(), 0);
    await queryAndList(page);
    assert.ok(api.length > 1, `API requests seen: ${api.length}`);
    for (const request of api) {
      const headers = await request.allHeaders();
      assert.equal(headers.authorization, undefined, `${request.method()} ${request.url()} carried Authorization`);
    }
    const statuses = await sandboxStatuses();
    assert.ok((statuses["200"] ?? 0) >= api.length, `sandbox answers: ${JSON.stringify(statuses)}`);
    assert.equal(statuses["401"], undefined, `sandbox answers: ${JSON.stringify(statuses)}`);
    // Nothing was stored in the tab.
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
    assert.deepEqual(problems(page), []);
  });

  test("token mode: the page asks for the access token only and the gateway passes it on", async () => {
    gateway = await startGateway(sandbox.url);
    page = await openThroughGateway();
    const api = watchApi(page);
    const token = page.getByLabel("Access token");
    await token.waitFor();
    for (const name of ["App secret", "App ID", "Gateway token"]) {
      assert.equal(await page.getByLabel(name).count(), 0, `a visible ${name} field`);
    }
    assert.equal(await page.getByRole("radio", { name: "App signature" }).count(), 0);
    await token.fill(TOKEN);
    await queryAndList(page);
    assert.ok(api.length > 1, `API requests seen: ${api.length}`);
    for (const request of api) {
      const headers = await request.allHeaders();
      assert.equal(headers.authorization, `Bearer ${TOKEN}`);
    }
    const statuses = await until(sandboxStatuses, (s) => (s["200"] ?? 0) >= api.length, "the sandbox's 200s");
    assert.equal(statuses["401"], undefined, `sandbox answers: ${JSON.stringify(statuses)}`);
    assert.deepEqual(problems(page), []);
  });

  test("a gateway that needs its token: the page asks for it, and a wrong one points at that field", async () => {
    const tokenFile = path.join(dir, "gateway-token");
    await writeFile(tokenFile, "gateway-token-for-e2e-1234\n", { mode: 0o600 });
    gateway = await startGateway(sandbox.url, [
      "--app-id", "sandbox-app", "--app-secret-file", secretFile, "--gateway-token-file", tokenFile,
    ]);
    page = await openThroughGateway();
    const api = watchApi(page);
    const field = page.getByLabel("Gateway token");
    await field.waitFor();
    assert.equal(await field.getAttribute("type"), "password");
    assert.equal(await page.getByLabel("App secret").count(), 0);
    await field.fill("not-the-token");
    await queryIds(page, users.slice(0, 1).map((u) => u.userId));
    await page.getByRole("alert").getByText(/^The gateway refused the Gateway token: .*under Gateway token/).waitFor();
    await field.fill("gateway-token-for-e2e-1234");
    await queryAndList(page);
    for (const request of api) {
      const headers = await request.allHeaders();
      assert.equal(headers.authorization, undefined);
    }
    assert.equal((await api.at(-1).allHeaders())["x-gateway-token"], "gateway-token-for-e2e-1234");
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
    // The refused request's 401 is the gateway's, logged by the browser.
    assert.deepEqual(problems(page).filter((x) => !/status of 401/.test(x)), []);
  });
});
