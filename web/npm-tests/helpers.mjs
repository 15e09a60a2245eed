import assert from "node:assert/strict";

// Talking to the sandbox the test stage started (SANDBOX_URL).
export const SANDBOX = process.env.SANDBOX_URL ?? "http://127.0.0.1:18080";
export const ACTING = "1505084218764547200";

// Every POST to /__sandbox/ must be JSON, also without a body.
export async function control(method, path, body) {
  const res = await fetch(SANDBOX + path, {
    method,
    headers: method === "POST" ? { "Content-Type": "application/json" } : {},
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

export const reset = () => control("POST", "/__sandbox/reset");
export const fault = (f) => control("POST", "/__sandbox/faults", f);
export const stats = () => control("GET", "/__sandbox/stats");
export const moveClock = (offsetSecs) => control("POST", "/__sandbox/clock", { offsetSecs });

export const tokenOptions = (extra = {}) => ({ baseUrl: SANDBOX, actingUserId: ACTING, accessToken: "sandbox-token", ...extra });
export const appOptions = (extra = {}) => ({ baseUrl: SANDBOX, actingUserId: ACTING, appId: "sandbox-app", appSecret: "sandbox-secret", ...extra });

/** What `promise` rejects with; the test fails when it resolves. */
export async function rejection(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  assert.fail("expected a rejection");
}
