import type { UserSpaceQuota } from "../index.js";

/** Options of an in-memory sandbox. */
export interface SandboxOptions {
  /** How many users to generate (default 2000). */
  users?: number;
  /** The seed of the generated users (default 42). */
  seed?: number;
  /** Users to serve instead of generated ones (usedRatio and state are ignored). */
  data?: Array<Pick<UserSpaceQuota, "userId" | "quota" | "used" | "createTime" | "effectiveTime" | "expirationTime">>;
  /** The access token it accepts (default "sandbox-token"). */
  token?: string;
  /** The app id it accepts (default "sandbox-app"). */
  appId?: string;
  /** The app secret it accepts (default "sandbox-secret"). */
  appSecret?: string;
}

/**
 * A `fetch` answered in memory by the KooDrive sandbox: the endpoint with all
 * its checks, and the test-control endpoints (`/__sandbox/faults`,
 * `/__sandbox/clock`, `/__sandbox/stats`, `/__sandbox/reset`). Pass it as the
 * client's `fetch` option.
 */
export declare function createSandboxFetch(options?: SandboxOptions): typeof globalThis.fetch;
