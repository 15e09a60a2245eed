// Browser and bundler entry. Nothing loads at import: the wasm is fetched
// the first time a client needs it (or at `await SpaceUsageClient.ready()`).
import { fetchFirst, viteDepsFallback } from "./loader.js";
import { wasm } from "./api.js";

wasm.use({
  locate: () =>
    fetchFirst([
      // Next to this file; bundlers that ship `new URL(…, import.meta.url)` assets see it.
      new URL("./wasm/koodrive_space_usage_bg.wasm", import.meta.url),
      ...viteDepsFallback(import.meta.url, "koodrive_space_usage_bg.wasm"),
    ]),
});

export { KooDriveError } from "./error.js";
export { SpaceUsageClient } from "./api.js";
