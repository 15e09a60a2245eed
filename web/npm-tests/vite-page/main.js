// A bundler consumer: no plugin, no init() call.
import { SpaceUsageClient } from "koodrive-space-usage";

const sandbox = new URLSearchParams(location.search).get("sandbox");
const out = document.getElementById("out");
try {
  const client = new SpaceUsageClient({ baseUrl: sandbox, actingUserId: "1505084218764547200", appId: "sandbox-app", appSecret: "sandbox-secret" });
  const page = await client.queryUsage({ limit: 3, offset: 0 });
  out.textContent = JSON.stringify({ ok: true, count: page.items.length, first: page.items[0] });
} catch (e) {
  out.textContent = JSON.stringify({ ok: false, kind: e.kind, message: String(e.message) });
}
