// Browser and bundler entry of koodrive-space-usage/sandbox: its own wasm, by top-level await.
import init from "../wasm/koodrive_space_usage_sandbox.js";

await init({ module_or_path: new URL("../wasm/koodrive_space_usage_sandbox_bg.wasm", import.meta.url) });

export { createSandboxFetch } from "./api.js";
