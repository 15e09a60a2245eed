// The sandbox's made-up tenant looks real (stage e2e): plans from 1 GiB to a
// few TiB, effective dates in the past, a few expired quotas, a long tail of
// heavy users; the edge cases (quota "0", a quota past 2^53) stay as a few rows.

import { test } from "node:test";
import assert from "node:assert/strict";

import { SANDBOX_URL, allUsers, browserForFile, listAll, openPage } from "./support.mjs";

const shared = browserForFile();

const GIB = 1_048_576; // KiB, the unit of the sandbox's numbers

test("the demo tenant's quotas, dates and usage look like a real tenant's", async () => {
  const users = await allUsers(SANDBOX_URL);
  const now = Date.now();
  const quotas = users.map((u) => BigInt(u.quota));
  const plain = quotas.filter((q) => q > 0n && q < 2n ** 53n);
  assert.ok(plain.every((q) => q >= BigInt(GIB) && q <= 4096n * BigInt(GIB)), "plans from 1 GiB to 4 TiB");
  const edge = quotas.length - plain.length;
  assert.ok(edge >= 1 && edge <= 30, `the edge cases are a few rows: ${edge}`);
  assert.equal(users.filter((u) => u.effectiveTime && Date.parse(u.effectiveTime) > now).length, 0, "effective dates are past");
  const expired = users.filter((u) => u.expirationTime && Date.parse(u.expirationTime) <= now).length;
  assert.ok(expired > 0 && expired < users.length / 10, `a few expired: ${expired}`);

  // On the page: the top 10 by used are gibibytes or tebibytes, not zettabytes.
  const page = await openPage(shared.browser, SANDBOX_URL);
  await listAll(page, users.length);
  const top = await page.locator("section.top li .num").allTextContents();
  assert.equal(top.length, 10);
  for (const t of top) assert.match(t, /^[\d.]+ (MiB|GiB|TiB) · /, t);
  await page.context().close();
});
