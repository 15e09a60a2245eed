// Part 5 of `cargo xtask bench`, preparation: wrk scripts that send one
// 50-id query to the sandbox at BENCH_SANDBOX_URL, in token mode and in app
// mode, and the sandbox's answer to it (the body the floor server sends).
// The app-mode headers are signed by the npm module itself (its `fetch`
// option catches the request instead of sending it), with an X-Date that
// stays inside the sandbox's 15-minute window for the whole run.
//
// Environment: BENCH_SANDBOX_URL, BENCH_PACKAGE_DIR, BENCH_OUT_DIR, BENCH_NAME.
// Result: `{ "files": { "token": path, "app": path, "body": path }, "bodyBytes": n }`.

import { writeFileSync } from "node:fs";
import { join } from "node:path";

import { ACTING, APP_ID, APP_SECRET, Metrics, TOKEN, USAGE_PATH, listIds, loadPackage, main, setting } from "./lib.mjs";

/** The headers and body a client of the npm module would send for `userIds`. */
async function captured(SpaceUsageClient, base, auth, userIds) {
  let request;
  const fetch = async (url, init) => {
    request = { url, init };
    return new Response(JSON.stringify({ code: 0, msg: "success", data: [], total: 0 }), {
      status: 200,
      headers: { "Content-Type": "application/json" },
    });
  };
  const client = new SpaceUsageClient({ baseUrl: base, actingUserId: ACTING, fetch, maxRetries: 0, ...auth });
  await client.queryUsage({ userIds });
  const headers = Object.fromEntries(new Headers(request.init.headers).entries());
  return { headers, body: request.init.body };
}

function luaString(s) {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

function luaScript({ headers, body }) {
  const lines = ['wrk.method = "POST"', `wrk.body = ${luaString(body)}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`wrk.headers[${luaString(name)}] = ${luaString(value)}`);
  return `-- Written by bench/wrk-prep.mjs for one run of \`cargo xtask bench\`.\n${lines.join("\n")}\n`;
}

await main(async () => {
  const base = setting("BENCH_SANDBOX_URL");
  const out = setting("BENCH_OUT_DIR");
  const name = setting("BENCH_NAME");
  const { SpaceUsageClient } = await loadPackage();
  const userIds = await listIds(base, 50);
  const token = await captured(SpaceUsageClient, base, { accessToken: TOKEN }, userIds);
  const app = await captured(SpaceUsageClient, base, { appId: APP_ID, appSecret: APP_SECRET }, userIds);
  const files = { token: join(out, `${name}-token.lua`), app: join(out, `${name}-app.lua`), body: join(out, `${name}-body.json`) };
  writeFileSync(files.token, luaScript(token));
  writeFileSync(files.app, luaScript(app));
  // Both scripts must be answered 200 with the 50 records before wrk runs them.
  let bodyBytes = 0;
  for (const [mode, req] of [["token", token], ["app", app]]) {
    const res = await fetch(base + USAGE_PATH, { method: "POST", headers: req.headers, body: req.body });
    const bytes = Buffer.from(await res.arrayBuffer());
    const answer = JSON.parse(bytes.toString("utf8"));
    if (res.status !== 200 || answer.code !== 0 || answer.data.length !== 50) {
      throw new Error(`${mode} mode: the prepared request was answered HTTP ${res.status}: ${bytes.toString("utf8").slice(0, 200)}`);
    }
    if (mode === "token") {
      writeFileSync(files.body, bytes);
      bodyBytes = bytes.length;
    }
  }
  new Metrics().emit({ files, bodyBytes });
});
