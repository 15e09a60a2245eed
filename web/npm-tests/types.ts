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
  type RetryEvent,
  type UsageListing,
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
      void code;
      // @ts-expect-error: kind is a union of known names
      const k: "boom" = e.kind;
      void k;
      // Narrowing on kind: only a stopped bulk query's errors carry a partial report.
      if (e.kind === "aborted" || e.kind === "timeout" || e.kind === "auth") {
        const partial: PartialUsageReport | undefined = e.partial;
        void partial?.pending;
      } else {
        const none: undefined = e.partial;
        void none;
      }
      if (e.kind === "validation") {
        const rule: string = e.rule;
        void rule;
      }
      if (e.kind === "http") {
        const status: number = e.status;
        void status;
      }
    }
    if (e instanceof KooDriveError && e.kind === "network") {
      const cause: unknown = e.cause;
      void cause;
    }
  }
  // @ts-expect-error: the package makes its errors; there is no public constructor
  new KooDriveError("boom");

  const ids: readonly string[] = ["1", "2"];
  await client.queryUsage({ userIds: ids });
  await client.queryUsageAll(ids);

  const listing: UsageListing = client.listUsage();
  const warnings: readonly string[] = listing.warnings;
  void warnings;

  await SpaceUsageClient.ready();
  await SpaceUsageClient.ready({ wasm: new URL("https://cdn.example/koodrive_space_usage_bg.wasm") });
  const retrying = new SpaceUsageClient({
    baseUrl: "https://x",
    actingUserId: "1",
    accessToken: "t",
    retry: { maxRetries: 5, baseDelayMs: 100, maxDelayMs: 2000 },
    onRetry: ({ attempt, delayMs, error }: RetryEvent) => void [attempt, delayMs, error.kind],
    wasm: new ArrayBuffer(8),
  });
  await retrying.queryUsage({ userIds: ["1"] }, { onRetry: (event) => void event.attempt });
  // @ts-expect-error: retry takes numbers
  new SpaceUsageClient({ baseUrl: "https://x", actingUserId: "1", accessToken: "t", retry: { maxRetries: "5" } });
  void [quota, ratio, state, total, wrongQuota, wrongState];
}

void [token, provider, app, both, noActing, tokenWithHost, use];

import { createSandboxFetch, type SandboxOptions } from "koodrive-space-usage/sandbox";
const sandboxOptions: SandboxOptions = { users: 10, seed: 1, token: "t" };
const sandboxFetch: typeof globalThis.fetch = createSandboxFetch(sandboxOptions);
new SpaceUsageClient({ baseUrl: "https://x", actingUserId: "1", accessToken: "t", fetch: sandboxFetch });
// @ts-expect-error: users is a number
createSandboxFetch({ users: "10" });

// Listings with a concurrency, and the one-report listUsageAll.
import type { ListReport, ListProgress, FailedPage, PartialListReport } from "koodrive-space-usage";

export async function listing(client: SpaceUsageClient, signal: AbortSignal): Promise<number> {
  for await (const p of client.listUsagePages({ pageSize: 100, concurrency: 8 })) void p.offset;
  const report: ListReport = await client.listUsageAll({
    concurrency: 8,
    signal,
    onProgress: (p: ListProgress) => void [p.done, p.total, p.pagesDone, p.pages],
  });
  const failed: FailedPage[] = report.failedPages;
  const warnings: string[] = report.warnings;
  void [failed[0]?.offset, failed[0]?.error.kind, warnings];
  // @ts-expect-error: concurrency is a number
  await client.listUsageAll({ concurrency: "8" });
  try {
    await client.listUsageAll({ signal });
  } catch (e) {
    if (KooDriveError.is(e)) {
      const partial: PartialListReport | undefined = e.partialList;
      void partial?.pendingOffsets;
    }
  }
  return report.total;
}
