// Node entry of koodrive-space-usage/sandbox: its own wasm, read and compiled
// synchronously when the first sandbox is made.
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { wasm } from "./api.js";

const FILE = new URL("../wasm/koodrive_space_usage_sandbox_bg.wasm", import.meta.url);

wasm.use({
  readSync: () => readFileSync(FILE),
  locate: () => readFile(FILE),
});

export { createSandboxFetch } from "./api.js";
