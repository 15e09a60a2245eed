// A bundler consumer: no plugin, no init() call, no top-level await (so
// `build.target: "es2020"` builds it).
import { SpaceUsageClient } from "koodrive-space-usage";

const sandbox = new URLSearchParams(location.search).get("sandbox");
const out = document.getElementById("out");

async function run() {
  const client = new SpaceUsageClient({ baseUrl: sandbox, actingUserId: "1505084218764547200", appId: "sandbox-app", appSecret: "sandbox-secret" });
  const page = await client.queryUsage({ limit: 3, offset: 0 });
  return { ok: true, count: page.items.length, first: page.items[0] };
}

run().then(
  (result) => {
    out.textContent = JSON.stringify(result);
  },
  (e) => {
    out.textContent = JSON.stringify({ ok: false, kind: e.kind, message: String(e.message) });
  },
);
