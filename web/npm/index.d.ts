/** A user's state: how full their space is. `unknown` when the record's numbers cannot be read. */
export type UsageState = "normal" | "nearing" | "critical" | "exceeded" | "unknown";

/** What kind of failure a KooDriveError is. */
export type ErrorKind =
  | "validation"
  | "network"
  | "timeout"
  | "aborted"
  | "api"
  | "decode"
  | "clock"
  | "auth"
  | "http";

/** One user's quota and usage, with the wire's names plus `usedRatio` and `state`. */
export interface UserSpaceQuota {
  /** The user's KooDrive id (a 19-digit number, as a string). */
  userId: string;
  /** The quota: decimal digits, exact beyond 2^53. Same unit as `used` (not documented by KooDrive; KiB in its sibling APIs). */
  quota: string;
  /** The space used; `null` when the server sent no number. */
  used: number | null;
  /** Activation time, ISO-8601 UTC; absent when the server sent none. */
  createTime?: string;
  /** Start of the quota period, ISO-8601 UTC. */
  effectiveTime?: string;
  /** End of the quota period, ISO-8601 UTC. */
  expirationTime?: string;
  /** `used / quota`; `null` when the quota is "0" or the record is bad. */
  usedRatio: number | null;
  /** `normal`, `nearing` (≥ nearingAt), `critical` (≥ criticalAt), `exceeded` (≥ 1), `unknown`. */
  state: UsageState;
}

interface CommonOptions {
  /** Where KooDrive (or a gateway) lives, e.g. "https://intl.myhuaweicloud-koodrive.com"; may carry a path prefix. */
  baseUrl: string;
  /** The acting user's KooDrive id, sent as X-User-Id. */
  actingUserId: string;
  /** The `language` header; default "en-US". */
  language?: string;
  /** Time allowed for one attempt, ms; default 15000. */
  timeoutMs?: number;
  /** Retries after the first attempt; default 3 (the same as `retry.maxRetries`: give it once). */
  maxRetries?: number;
  /** The retry policy; defaults `{ maxRetries: 3, baseDelayMs: 200, maxDelayMs: 8000 }`. */
  retry?: RetryOptions;
  /** Called before each retry, for logging; a hook that throws stops the call, which rejects with what it threw. */
  onRetry?: (event: RetryEvent) => void;
  /** Requests in flight at once in queryUsageAll; default 4. */
  concurrency?: number;
  /** Usage ratio where `nearing` begins; default 0.9. */
  nearingAt?: number;
  /** Usage ratio where `critical` begins; default 0.99. */
  criticalAt?: number;
  /** The fetch to use; default globalThis.fetch. */
  fetch?: typeof globalThis.fetch;
  /** Where the WebAssembly comes from when it is not next to the package's JavaScript (used by the first client that loads it). */
  wasm?: WasmSource;
}

/** Where the package's WebAssembly comes from: a URL, a fetch Response, the bytes of the .wasm file, or a compiled module. */
export type WasmSource = string | URL | Response | ArrayBuffer | ArrayBufferView | WebAssembly.Module;

/**
 * Retries of network errors, timeouts, 429 and 5xx: before retry `n` (0 for
 * the first) the client waits a random time up to
 * `min(maxDelayMs, baseDelayMs × 2^n)`, or the server's `Retry-After`
 * (capped at 60 s). A clock refusal is retried once, and a token function
 * asked once more, without counting.
 */
export interface RetryOptions {
  /** Retries after the first attempt, 0–20; default 3. */
  maxRetries?: number;
  /** The first backoff ceiling, ms; default 200. */
  baseDelayMs?: number;
  /** The largest backoff ceiling, ms; default 8000. */
  maxDelayMs?: number;
}

/** One retry about to happen. */
export interface RetryEvent {
  /** The attempt that failed (1 for the first). */
  attempt: number;
  /** The wait before the next attempt, ms. */
  delayMs: number;
  /** Why the attempt failed. */
  error: KooDriveError;
}

/** Token mode: the access token from the KooDrive console, or a function giving it. */
export interface TokenAuth extends CommonOptions {
  accessToken: string | (() => string | Promise<string>);
  appId?: never;
  appSecret?: never;
  signingHost?: never;
}

/** App mode: every request is signed with HMAC-SHA256; the secret is never sent. */
export interface AppAuth extends CommonOptions {
  appId: string;
  appSecret: string;
  /** The host to sign when a proxy rewrites Host; default the host of baseUrl. */
  signingHost?: string;
  accessToken?: never;
}

/** The client's options: token mode or app mode, never both. */
export type SpaceUsageClientOptions = TokenAuth | AppAuth;

/** Options of every call. */
export interface CallOptions {
  /** Cancels the call; it then rejects with kind "aborted". */
  signal?: AbortSignal;
  /** Overrides the client's per-attempt timeout, ms. */
  timeoutMs?: number;
  /** Overrides the client's retry count. */
  maxRetries?: number;
  /** A 58-character trace id to send instead of fresh ones. */
  traceId?: string;
  /** Replaces the client's onRetry for this call. */
  onRetry?: (event: RetryEvent) => void;
}

/** The body of one request. */
export interface UsageRequest {
  /** 1–50 ids; leave out to page through every user. */
  userIds?: readonly string[];
  /** Page size 1–100 (when userIds is absent). */
  limit?: number;
  /** Page start, 0 or more. */
  offset?: number;
}

/** The answer to one request. */
export interface UsageResult {
  items: UserSpaceQuota[];
  total: number;
  traceId: string;
}

/** Progress of a bulk query, in (deduplicated) ids. */
export interface Progress {
  done: number;
  total: number;
}

/** Options of queryUsageAll. */
export interface QueryAllOptions extends CallOptions {
  /** Called after each request settles; if it throws, the query stops and rejects with what it threw. */
  onProgress?: (progress: Progress) => void;
}

/** A chunk of ids whose request failed after its retries. */
export interface FailedChunk {
  userIds: string[];
  error: KooDriveError;
}

/** Where every id of a bulk query ended. */
export interface UsageReport {
  /** Found, in the input's first-seen order. */
  items: UserSpaceQuota[];
  /** Not known to the server. */
  missing: string[];
  /** Failed, with their errors. */
  failed: FailedChunk[];
}

/** The report of a cancelled bulk query. */
export interface PartialUsageReport extends UsageReport {
  /** Ids whose request had not settled. */
  pending: string[];
}

/** Options of a listing. */
export interface ListOptions extends CallOptions {
  /** 1–100; default 100. */
  pageSize?: number;
  /**
   * Requests in flight at once, 1–64; default: the client's `concurrency`.
   * Pages still come back in offset order, and at most about twice this
   * many pages are held at a time. A 429 lowers it for a while.
   */
  concurrency?: number;
}

/** Progress of a listing: users and pages handed back so far. */
export interface ListProgress extends Progress {
  /** Pages handed back (failed ones included). */
  pagesDone: number;
  /** Pages in all, as far as known. */
  pages: number;
}

/** Options of listUsageAll. */
export interface ListAllOptions extends ListOptions {
  /** Called after each page; if it throws, the listing stops and rejects with what it threw. */
  onProgress?: (progress: ListProgress) => void;
}

/** A page whose request failed after its retries (or was not sent after a refused token). */
export interface FailedPage {
  offset: number;
  limit: number;
  error: KooDriveError;
}

/** Every user of the tenant, as one listing brought them. */
export interface ListReport {
  /** The users, in offset order, each once. */
  items: UserSpaceQuota[];
  /** The server's total as last heard. */
  total: number;
  /** What was odd about the pages (a total that changed, a short page, repeated users). */
  warnings: string[];
  /** The pages that could not be fetched. */
  failedPages: FailedPage[];
}

/** The report of a listing that stopped early. */
export interface PartialListReport extends ListReport {
  /** Offsets of the pages not fetched. */
  pendingOffsets: number[];
}

/** One page of a listing. */
export interface UsagePage {
  items: UserSpaceQuota[];
  total: number;
  offset: number;
  traceId: string;
  /** What was odd about this page (a total that changed, an early empty page, repeated users). */
  warnings: string[];
}

/** What every KooDriveError has. */
export interface KooDriveErrorBase extends Error {
  readonly name: "KooDriveError";
  /** What kind of failure. */
  readonly kind: ErrorKind;
  /** The HTTP status, when an answer came. */
  readonly status: number | null;
  /** KooDrive's code: a number, or a string for gateway codes such as "APIGW.0301". */
  readonly code: number | string | null;
  /** KooDrive's message, as sent. */
  readonly msg: string | null;
  /** The X-Traceid of the last attempt. */
  readonly traceId: string | null;
  /** Whether the client retries this kind of failure. */
  readonly retryable: boolean;
  /** Attempts made (0 when nothing was sent). */
  readonly attempts: number;
  /** The server's Retry-After, ms. */
  readonly retryAfterMs: number | null;
  /** The rule that failed, for validation errors. */
  readonly rule?: string;
  /** For listUsageAll stopped early (cancelled, or the credentials refused): the users handed back, and the pages pending. */
  readonly partialList?: PartialListReport;
}

/** Bad input or options; nothing was sent. */
export interface KooDriveValidationError extends KooDriveErrorBase {
  readonly kind: "validation";
  /** The rule that failed (e.g. "userIds.count"). */
  readonly rule: string;
  readonly partial?: undefined;
}

/** No answer came: `cause` is what fetch threw (a TypeError, with its own `cause`). */
export interface KooDriveNetworkError extends KooDriveErrorBase {
  readonly kind: "network";
  readonly cause?: unknown;
  readonly partial?: undefined;
}

/** No answer within timeoutMs, or the call's signal timed out (`cause` is its reason, as from AbortSignal.timeout). */
export interface KooDriveTimeoutError extends KooDriveErrorBase {
  readonly kind: "timeout";
  readonly cause?: unknown;
  /** For queryUsageAll stopped by its signal: what was settled, and the ids pending. */
  readonly partial?: PartialUsageReport;
}

/** The call's signal fired: `cause` is `signal.reason`. */
export interface KooDriveAbortedError extends KooDriveErrorBase {
  readonly kind: "aborted";
  readonly cause?: unknown;
  /** For queryUsageAll: what was settled, and the ids pending. */
  readonly partial?: PartialUsageReport;
}

/** The credentials were refused. */
export interface KooDriveAuthError extends KooDriveErrorBase {
  readonly kind: "auth";
  readonly cause?: unknown;
  /** For queryUsageAll: every id, the chunks not sent among `failed`. */
  readonly partial?: PartialUsageReport;
}

/** KooDrive answered, but not with the page: an error code (`api`), an unreadable body (`decode`), a refused X-Date (`clock`), or an HTTP status (`http`). */
export interface KooDriveAnswerError extends KooDriveErrorBase {
  readonly kind: "api" | "decode" | "clock" | "http";
  readonly status: number;
  readonly partial?: undefined;
}

/** The records of a listing, with the warnings of its pages. */
export interface UsageListing extends AsyncGenerator<UserSpaceQuota, void, undefined> {
  /** What was odd about the pages read so far (a total that changed, an early empty page, repeated users). */
  readonly warnings: readonly string[];
}

/** An error of this package: narrow it with `kind`. */
export type KooDriveError =
  | KooDriveValidationError
  | KooDriveNetworkError
  | KooDriveTimeoutError
  | KooDriveAbortedError
  | KooDriveAuthError
  | KooDriveAnswerError;

/** The KooDriveError class: `instanceof` and `KooDriveError.is` narrow to the union. The package makes its errors; there is no public constructor. */
export declare const KooDriveError: {
  readonly prototype: KooDriveErrorBase;
  /** True for a KooDriveError, also one from another copy of this package. */
  is(value: unknown): value is KooDriveError;
  [Symbol.hasInstance](value: unknown): value is KooDriveError;
};

/** A client of KooDrive's "Querying Space Usage by User" endpoint. */
export declare class SpaceUsageClient {
  /**
   * Loads the WebAssembly now rather than on first use (from `wasm` when
   * given). Once it resolves, `new SpaceUsageClient` checks its options at
   * once in every environment.
   */
  static ready(options?: { wasm?: WasmSource }): Promise<void>;
  /**
   * Checks the options; throws a KooDriveError of kind "validation" naming a
   * bad one. In a browser before the WebAssembly is loaded, the check (and
   * its error) comes with the first call instead.
   */
  constructor(options: SpaceUsageClientOptions);
  /** One request of at most 50 ids, or one page when userIds is absent. */
  queryUsage(request: UsageRequest, options?: CallOptions): Promise<UsageResult>;
  /** Any number of ids: deduplicated, in requests of 50, with bounded concurrency and retries. */
  queryUsageAll(ids: readonly string[], options?: QueryAllOptions): Promise<UsageReport>;
  /** Every user of the tenant, one record at a time; `warnings` collects what was odd about the pages so far. */
  listUsage(options?: ListOptions): UsageListing;
  /** Every user of the tenant, page by page. */
  listUsagePages(options?: ListOptions): AsyncGenerator<UsagePage, void, undefined>;
  /** Every user of the tenant in one report, several pages at a time; failed pages are listed, the others go on. */
  listUsageAll(options?: ListAllOptions): Promise<ListReport>;
}
