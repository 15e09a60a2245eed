// Node entry of koodrive-space-usage/sandbox: its own wasm, read and compiled synchronously.
import { readFileSync } from "node:fs";
import { initSync } from "../wasm/koodrive_space_usage_sandbox.js";

initSync({ module: readFileSync(new URL("../wasm/koodrive_space_usage_sandbox_bg.wasm", import.meta.url)) });

export { createSandboxFetch } from "./api.js";
