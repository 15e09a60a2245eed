// createSandboxFetch: the sandbox's own handler, in memory, as a fetch. Its
// wasm loads when the first sandbox is made (Node) or first asked (browsers).
import * as glue from "../wasm/koodrive_space_usage_sandbox.js";
import { wasmModule } from "../loader.js";

/** The sandbox's wasm module; the entry module says how to find it. */
export const wasm = wasmModule(glue);

function abortError(signal) {
  return signal?.reason ?? new DOMException("This operation was aborted", "AbortError");
}

/**
 * A `fetch` answered by a KooDrive sandbox in memory: the same checks, faults
 * and control endpoints (`/__sandbox/...`) as the `koodrive-sandbox` server.
 */
export function createSandboxFetch(options = {}) {
  const { data, ...rest } = options ?? {};
  const json = data === undefined ? undefined : JSON.stringify(data);
  let sandbox = wasm.readySync() ? new glue.WasmSandbox(rest, json) : undefined;
  if (sandbox === undefined) wasm.ready().catch(() => {});
  return async function sandboxFetch(input, init) {
    if (sandbox === undefined) {
      await wasm.ready();
      sandbox ??= new glue.WasmSandbox(rest, json);
    }
    const request = new Request(input, init);
    if (request.signal.aborted) throw abortError(request.signal);
    const url = new URL(request.url);
    const headers = [...request.headers];
    if (!request.headers.has("host")) headers.push(["host", url.host]);
    const body = new Uint8Array(await request.arrayBuffer());
    const out = sandbox.handle(request.method, url.pathname + url.search, headers, body);
    if (out.drop) throw new TypeError("fetch failed (the sandbox closed the connection without an answer)");
    if (out.delayMs > 0) {
      await new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, out.delayMs);
        request.signal.addEventListener("abort", () => {
          clearTimeout(timer);
          reject(abortError(request.signal));
        }, { once: true });
      });
    }
    const empty = out.status === 204 || request.method === "HEAD";
    return new Response(empty ? null : out.body, { status: out.status, headers: out.headers });
  };
}
