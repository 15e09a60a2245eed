// A CommonJS project: require() of the package on the Node its package.json
// names (engines), against the sandbox the test stage started.
const { test } = require("node:test");
const assert = require("node:assert/strict");

const SANDBOX = process.env.SANDBOX_URL ?? "http://127.0.0.1:18080";

test("require() gives the client and the error class on the Node the package names", async () => {
  const manifest = require("koodrive-space-usage/package.json");
  const [major, minor] = process.versions.node.split(".").map(Number);
  const [needMajor, needMinor] = manifest.engines.node.replace(/^>=\s*/, "").split(".").map(Number);
  assert.ok(major > needMajor || (major === needMajor && minor >= needMinor), `this Node ${process.versions.node} is older than engines ${manifest.engines.node}`);

  const { SpaceUsageClient, KooDriveError } = require("koodrive-space-usage");
  assert.equal(typeof SpaceUsageClient, "function");
  const client = new SpaceUsageClient({ baseUrl: SANDBOX, actingUserId: "1505084218764547200", accessToken: "sandbox-token" });
  const page = await client.queryUsage({ limit: 2 });
  assert.equal(page.items.length, 2);
  assert.throws(() => new SpaceUsageClient({ baseUrl: SANDBOX }), (e) => e instanceof KooDriveError && e.kind === "validation");
  const { createSandboxFetch } = require("koodrive-space-usage/sandbox");
  assert.equal(typeof createSandboxFetch(), "function");
});
