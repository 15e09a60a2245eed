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
  /** Retries after the first attempt; default 3. */
  maxRetries?: number;
  /** Requests in flight at once in queryUsageAll; default 4. */
  concurrency?: number;
  /** Usage ratio where `nearing` begins; default 0.9. */
  nearingAt?: number;
  /** Usage ratio where `critical` begins; default 0.99. */
  criticalAt?: number;
  /** The fetch to use; default globalThis.fetch. */
  fetch?: typeof globalThis.fetch;
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
}

/** The body of one request. */
export interface UsageRequest {
  /** 1–50 ids; leave out to page through every user. */
  userIds?: string[];
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

/** An error of this package. */
export declare class KooDriveError extends Error {
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
  /** The rule that failed, for validation errors (e.g. "userIds.count"). */
  readonly rule?: string;
  /** For a cancelled queryUsageAll: what was settled, and the ids pending. */
  readonly partial?: PartialUsageReport;
  /** True for a KooDriveError, also one from another copy of this package. */
  static is(value: unknown): value is KooDriveError;
}

/** A client of KooDrive's "Querying Space Usage by User" endpoint. */
export declare class SpaceUsageClient {
  /** Checks the options; throws a KooDriveError of kind "validation" naming a bad one. */
  constructor(options: SpaceUsageClientOptions);
  /** One request of at most 50 ids, or one page when userIds is absent. */
  queryUsage(request: UsageRequest, options?: CallOptions): Promise<UsageResult>;
  /** Any number of ids: deduplicated, in requests of 50, with bounded concurrency and retries. */
  queryUsageAll(ids: readonly string[], options?: QueryAllOptions): Promise<UsageReport>;
  /** Every user of the tenant, one record at a time. */
  listUsage(options?: ListOptions): AsyncGenerator<UserSpaceQuota, void, undefined>;
  /** Every user of the tenant, page by page. */
  listUsagePages(options?: ListOptions): AsyncGenerator<UsagePage, void, undefined>;
}
