// Secret hygiene of the npm module: the access token, the app secret and the
// signature never appear in a URL it fetches, nor in any KooDriveError field
// or its `cause`, whatever the answer. (The admin page's storage, console,
// CSP and XSS checks are the admin page's own tests.)
import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { SpaceUsageClient, KooDriveError } from "koodrive-space-usage";
import { SANDBOX, reset, fault, tokenOptions, appOptions } from "./helpers.mjs";

beforeEach(reset);

/** Everything an error shows, its cause included. */
function shown(e) {
  const fields = Object.fromEntries(Object.entries(e).map(([k, v]) => [k, String(v)]));
  const cause = e.cause === undefined ? "" : `${String(e.cause)} ${e.cause?.message ?? ""} ${e.cause?.stack ?? ""}`;
  return [String(e), e.message, e.stack, JSON.stringify(fields), cause].join("\n");
}

/** A fetch that records what is sent, then asks the sandbox. */
function recording(sent) {
  return (url, init) => {
    sent.push({ url: String(url), authorization: new Headers(init?.headers).get("authorization") ?? "" });
    return globalThis.fetch(url, init);
  };
}

const FAULTS = [
  { kind: "status", status: 401, count: 2 }, // a token provider is asked again once
  { kind: "status", status: 503, retryAfterSecs: 1, count: 1 },
  { kind: "status", status: 502, body: "<html>Bad Gateway</html>", contentType: "text/html", count: 1 },
  { kind: "garbage", count: 1 },
  { kind: "apiError", code: "APIGW.0301", msg: "Incorrect IAM authentication", count: 1 },
  { kind: "drop", count: 1 },
  { kind: "delay", delayMs: 1000, count: 1 },
];

test("no URL and no error field or cause shows the token, the app secret or the signature", async () => {
  const modes = {
    token: tokenOptions({ accessToken: "sandbox-token" }),
    provider: tokenOptions({ accessToken: async () => "sandbox-token" }),
    app: appOptions(),
    "wrong token": tokenOptions({ accessToken: "wrong-token-5e1d" }),
    "wrong secret": appOptions({ appSecret: "wrong-secret-77b0" }),
  };
  const secrets = ["sandbox-token", "sandbox-secret", "wrong-token-5e1d", "wrong-secret-77b0"];
  let errors = 0;
  for (const [mode, options] of Object.entries(modes)) {
    for (const f of mode.startsWith("wrong") ? [undefined] : FAULTS) {
      await reset();
      if (f) await fault(f);
      const sent = [];
      const client = new SpaceUsageClient({ ...options, fetch: recording(sent), maxRetries: 0, timeoutMs: 300 });
      let error;
      try {
        await client.queryUsage({ userIds: ["1"] });
      } catch (e) {
        error = e;
      }
      assert.ok(error instanceof KooDriveError, `${mode} ${f?.kind}: ${error}`);
      errors += 1;
      const signatures = sent.map((s) => s.authorization.split("Signature=")[1]).filter(Boolean);
      assert.ok(mode !== "app" || signatures.length > 0, "app mode signs");
      const text = shown(error);
      for (const secret of [...secrets, ...signatures]) {
        assert.ok(!text.includes(secret), `${mode} ${f?.kind}: the error shows ${secret}:\n${text}`);
        for (const { url } of sent) assert.ok(!url.includes(secret), `${url} shows ${secret}`);
      }
    }
  }
  assert.equal(errors, 3 * FAULTS.length + 2);
});

test("refused options and unreachable services do not echo credentials", async () => {
  const secret = "s3cr3t-in-options-1f2e";
  const attempts = [
    () => new SpaceUsageClient({ ...tokenOptions({ accessToken: secret }), appId: "a", appSecret: secret }),
    () => new SpaceUsageClient({ ...appOptions({ appSecret: secret }), colour: secret.length }),
    () => new SpaceUsageClient({ ...tokenOptions({ accessToken: secret }), timeoutMs: -1 }),
  ];
  for (const attempt of attempts) {
    let error;
    try {
      attempt();
    } catch (e) {
      error = e;
    }
    assert.equal(error?.kind, "validation");
    assert.ok(!shown(error).includes(secret), shown(error));
  }
  // A closed port: a network error whose cause is the platform's words.
  const closed = new SpaceUsageClient(tokenOptions({ baseUrl: "http://127.0.0.1:9", accessToken: secret, maxRetries: 0 }));
  const e = await closed.queryUsage({ userIds: ["1"] }).catch((err) => err);
  assert.equal(e.kind, "network");
  assert.ok(!shown(e).includes(secret), shown(e));
  assert.ok(SANDBOX.startsWith("http://"));
});
