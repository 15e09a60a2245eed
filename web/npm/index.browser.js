// Browser and bundler entry: the wasm is fetched next to this file and
// compiled by top-level await, so importing is all it takes.
import init from "./wasm/koodrive_space_usage.js";

await init({ module_or_path: new URL("./wasm/koodrive_space_usage_bg.wasm", import.meta.url) });

export { KooDriveError, SpaceUsageClient } from "./api.js";
