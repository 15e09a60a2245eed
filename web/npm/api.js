// The idiomatic JavaScript surface over the wasm binding: SpaceUsageClient
// and async iterators. The logic (validation, signing, retries, batching,
// paging) runs in Rust; the wasm loads when the first client needs it.
import * as glue from "./wasm/koodrive_space_usage.js";
import { KooDriveError } from "./error.js";
import { checkSource, wasmModule } from "./loader.js";

/** The main wasm module; the entry module says how to find it. */
export const wasm = wasmModule(glue, () => glue.setErrorFactory((fields) => new KooDriveError(fields)));

function optionsCopy(options) {
  return typeof options === "object" && options !== null && !Array.isArray(options) ? { ...options } : options;
}

/** A client of KooDrive's "Querying Space Usage by User" endpoint. */
export class SpaceUsageClient {
  #wasm;
  #options;

  /**
   * Loads the WebAssembly now instead of on first use; `wasm` says where it
   * is when it is not next to this file.
   */
  static ready(options) {
    return wasm.ready(options?.wasm);
  }

  constructor(options) {
    const source = typeof options === "object" && options !== null ? options.wasm : undefined;
    checkSource(source);
    if (wasm.readySync(source)) {
      this.#wasm = new glue.WasmClient(options);
    } else {
      // Checked on the first call, once the wasm is there.
      this.#options = optionsCopy(options);
      wasm.ready(source).catch(() => {});
    }
  }

  async #client() {
    if (this.#wasm === undefined) {
      await wasm.ready(this.#options?.wasm);
      this.#wasm = new glue.WasmClient(this.#options);
    }
    return this.#wasm;
  }

  /** One request of at most 50 ids (or one page when userIds is absent). */
  async queryUsage(request, options) {
    return (await this.#client()).queryUsage(request, options);
  }

  /** Any number of ids: every id ends in exactly one of items, missing, failed. */
  async queryUsageAll(ids, options) {
    return (await this.#client()).queryUsageAll(ids, options);
  }

  /**
   * Every user of the tenant in one report, several pages at a time:
   * `{ items, total, warnings, failedPages }`. A page that fails is listed in
   * `failedPages` and the others go on.
   */
  async listUsageAll(options) {
    return (await this.#client()).listAll(options);
  }

  /** Every user of the tenant, page by page, several at a time, in offset order. */
  async *listUsagePages(options) {
    const pages = (await this.#client()).listPages(options);
    try {
      for (;;) {
        const page = await pages.next();
        if (page === undefined) return;
        yield page;
      }
    } finally {
      pages.free();
    }
  }

  /** Every user of the tenant, one record at a time; `warnings` collects what was odd about the pages. */
  listUsage(options) {
    const warnings = [];
    const pages = this.listUsagePages(options);
    const records = (async function* () {
      for await (const page of pages) {
        warnings.push(...page.warnings);
        yield* page.items;
      }
    })();
    records.warnings = warnings;
    return records;
  }
}
