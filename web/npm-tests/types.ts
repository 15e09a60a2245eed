// Compiled with `tsc --strict --noEmit`: every public type in use, and wrong
// uses that must not compile.
import {
  SpaceUsageClient,
  KooDriveError,
  type SpaceUsageClientOptions,
  type UserSpaceQuota,
  type UsageState,
  type ErrorKind,
  type UsageReport,
  type UsagePage,
  type PartialUsageReport,
  type Progress,
} from "koodrive-space-usage";

const token: SpaceUsageClientOptions = { baseUrl: "https://x", actingUserId: "1", accessToken: "t" };
const provider: SpaceUsageClientOptions = { baseUrl: "https://x", actingUserId: "1", accessToken: async () => "t" };
const app: SpaceUsageClientOptions = { baseUrl: "https://x", actingUserId: "1", appId: "a", appSecret: "s", signingHost: "h" };

// @ts-expect-error: token and app credentials at once
const both: SpaceUsageClientOptions = { baseUrl: "https://x", actingUserId: "1", accessToken: "t", appId: "a", appSecret: "s" };
// @ts-expect-error: actingUserId is required
const noActing: SpaceUsageClientOptions = { baseUrl: "https://x", accessToken: "t" };
// @ts-expect-error: signingHost belongs to app mode
const tokenWithHost: SpaceUsageClientOptions = { baseUrl: "https://x", actingUserId: "1", accessToken: "t", signingHost: "h" };

async function use(client: SpaceUsageClient, signal: AbortSignal): Promise<void> {
  const page = await client.queryUsage({ userIds: ["1"], limit: 10, offset: 0 }, { signal, timeoutMs: 1000, maxRetries: 1, traceId: "x" });
  const first: UserSpaceQuota | undefined = page.items[0];
  const quota: string = first?.quota ?? "0";
  const ratio: number | null = first?.usedRatio ?? null;
  const state: UsageState | undefined = first?.state;
  const total: number = page.total;
  // @ts-expect-error: quota is a string, never a number
  const wrongQuota: number = first!.quota;
  // @ts-expect-error: "full" is not a state
  const wrongState: UsageState = "full";

  const report: UsageReport = await client.queryUsageAll(["1", "2"], { onProgress: (p: Progress) => void p.done });
  for (const failed of report.failed) {
    const kind: ErrorKind = failed.error.kind;
    void kind;
  }
  // @ts-expect-error: ids are strings
  await client.queryUsageAll([1, 2]);

  for await (const item of client.listUsage({ pageSize: 100 })) void item.userId;
  for await (const p of client.listUsagePages({ pageSize: 50, signal })) {
    const pageOf: UsagePage = p;
    void pageOf.offset;
  }

  try {
    await client.queryUsage({});
  } catch (e) {
    if (KooDriveError.is(e)) {
      const code: number | string | null = e.code;
      const partial: PartialUsageReport | undefined = e.partial;
      void code;
      void partial?.pending;
      // @ts-expect-error: kind is a union of known names
      const k: "boom" = e.kind;
      void k;
    }
  }
  void [quota, ratio, state, total, wrongQuota, wrongState];
}

void [token, provider, app, both, noActing, tokenWithHost, use];

import { createSandboxFetch, type SandboxOptions } from "koodrive-space-usage/sandbox";
const sandboxOptions: SandboxOptions = { users: 10, seed: 1, token: "t" };
const sandboxFetch: typeof globalThis.fetch = createSandboxFetch(sandboxOptions);
new SpaceUsageClient({ baseUrl: "https://x", actingUserId: "1", accessToken: "t", fetch: sandboxFetch });
// @ts-expect-error: users is a number
createSandboxFetch({ users: "10" });
