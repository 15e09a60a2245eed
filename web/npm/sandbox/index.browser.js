// Browser and bundler entry of koodrive-space-usage/sandbox: its own wasm,
// fetched when the first sandbox fetch is called.
import { fetchFirst, viteDepsFallback } from "../loader.js";
import { wasm } from "./api.js";

wasm.use({
  locate: () =>
    fetchFirst([
      new URL("../wasm/koodrive_space_usage_sandbox_bg.wasm", import.meta.url),
      ...viteDepsFallback(import.meta.url, "koodrive_space_usage_sandbox_bg.wasm"),
    ]),
});

export { createSandboxFetch } from "./api.js";
