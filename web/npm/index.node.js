// Node entry. Nothing loads at import: the wasm is read from the package and
// compiled synchronously when the first client is made, so options are
// checked at once. No top-level await, so require() works too (Node ≥ 20.19).
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { wasm } from "./api.js";

const FILE = new URL("./wasm/koodrive_space_usage_bg.wasm", import.meta.url);

wasm.use({
  readSync(source) {
    if (source === undefined) return readFileSync(FILE);
    if (source instanceof URL || typeof source === "string") {
      let url;
      try {
        url = new URL(source);
      } catch {
        return undefined; // not an absolute URL: fetch says what is wrong
      }
      return url.protocol === "file:" ? readFileSync(url) : undefined;
    }
    if (source instanceof WebAssembly.Module || source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return source;
    return undefined; // a Response: asynchronous
  },
  locate: () => readFile(FILE),
});

export { KooDriveError } from "./error.js";
export { SpaceUsageClient } from "./api.js";
