// Node entry: the wasm is read from the package and compiled synchronously,
// so importing is all it takes.
import { readFileSync } from "node:fs";
import { initSync } from "./wasm/koodrive_space_usage.js";

initSync({ module: readFileSync(new URL("./wasm/koodrive_space_usage_bg.wasm", import.meta.url)) });

export { KooDriveError, SpaceUsageClient } from "./api.js";
