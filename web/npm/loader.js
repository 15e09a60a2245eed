// Loading a wasm module the first time it is needed, not at import: no
// top-level await, so `build.target: "es2020"` and `require()` work, and
// importing only KooDriveError or the types fetches nothing.
import { KooDriveError } from "./error.js";

const KINDS = "a URL, a Response, the bytes of the .wasm file or a WebAssembly.Module";

function failure(kind, message, cause) {
  return new KooDriveError({ kind, message, ...(cause === undefined ? {} : { cause }), attempts: 0 });
}

/** Throws a `validation` KooDriveError unless `source` is a kind of wasm source this package takes. */
export function checkSource(source) {
  if (source === undefined) return;
  const ok =
    typeof source === "string" ||
    source instanceof URL ||
    (typeof Response === "function" && source instanceof Response) ||
    source instanceof ArrayBuffer ||
    ArrayBuffer.isView(source) ||
    source instanceof WebAssembly.Module;
  if (!ok) {
    const e = failure("validation", `wasm: must be ${KINDS}`);
    e.rule = "option.invalid";
    throw e;
  }
}

/**
 * One wasm module of the package. `glue` is its wasm-bindgen glue
 * ({ default: init, initSync }); `platform`, set by the entry module, says how
 * this environment finds the file: `readSync(source)` gives what can be
 * compiled at once (Node), or undefined; `locate()` gives a Response or bytes.
 */
export function wasmModule(glue, onReady = () => {}) {
  let loaded = false;
  let loading;
  let platform;
  const done = () => {
    loaded = true;
    onReady();
  };
  const self = {
    use(p) {
      platform = p;
    },
    /** Loads synchronously when this environment can; true once loaded. */
    readySync(source) {
      if (loaded) return true;
      const bytes = platform?.readSync?.(source);
      if (bytes === undefined) return false;
      glue.initSync({ module: bytes });
      done();
      return true;
    },
    /** Resolves once loaded; a failed load is tried again on the next call. */
    ready(source) {
      if (loaded) return Promise.resolve();
      if (!loading) {
        try {
          if (source !== undefined && self.readySync(source)) return Promise.resolve();
        } catch (e) {
          return Promise.reject(e);
        }
        loading = (async () => {
          checkSource(source);
          const from = source ?? (await platform.locate());
          try {
            await glue.default({ module_or_path: from });
          } catch (e) {
            throw failure(
              "network",
              `could not load the WebAssembly of koodrive-space-usage: ${e?.message ?? e}. Serve the .wasm file next to the package's JavaScript, or pass the wasm option (${KINDS})`,
              e,
            );
          }
          done();
        })();
        loading.catch(() => {
          loading = undefined;
        });
      }
      return loading;
    },
  };
  return self;
}

/**
 * Where the package's file `name` is when this module runs from Vite's dev
 * server pre-bundled into `node_modules/.vite/deps/`, which holds the
 * JavaScript only: the package sits two levels up, beside `.vite`. Built at
 * run time, so no bundler takes it for an asset.
 */
export function viteDepsFallback(moduleUrl, name) {
  const url = new URL(moduleUrl);
  if (!/\/\.vite\/deps[^/]*\/[^/]*$/.test(url.pathname)) return [];
  return [new URL(["..", "..", "koodrive-space-usage", "wasm", name].join("/"), url)];
}

/**
 * The first of `urls` that answers with something other than an HTML page:
 * a dev server's fallback page for a missing file is not the wasm.
 */
export async function fetchFirst(urls) {
  const tried = [];
  for (const url of urls) {
    try {
      const response = await fetch(url);
      const type = response.headers.get("content-type") ?? "";
      if (response.ok && !type.includes("text/html")) return response;
      tried.push(`${url} (HTTP ${response.status}${type ? `, ${type}` : ""})`);
    } catch (e) {
      tried.push(`${url} (${e?.message ?? e})`);
    }
  }
  throw failure(
    "network",
    `could not find the WebAssembly of koodrive-space-usage; tried ${tried.join(", ")}. Serve the .wasm file next to the package's JavaScript, or pass the wasm option (${KINDS})`,
  );
}
