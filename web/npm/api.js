// The idiomatic JavaScript surface over the wasm binding: SpaceUsageClient,
// KooDriveError (an Error subclass), async iterators. The logic (validation,
// signing, retries, batching, paging) runs in Rust.
import { WasmClient } from "./wasm/koodrive_space_usage.js";

const BRAND = Symbol.for("koodrive-space-usage.KooDriveError");

/** An error of this package; `kind` says what happened. */
export class KooDriveError extends Error {
  constructor(fields) {
    super(fields.message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.name = "KooDriveError";
    this.kind = fields.kind;
    this.status = fields.status ?? null;
    this.code = fields.code ?? null;
    this.msg = fields.msg ?? null;
    this.traceId = fields.traceId ?? null;
    this.retryable = Boolean(fields.retryable);
    this.attempts = fields.attempts ?? 0;
    this.retryAfterMs = fields.retryAfterMs ?? null;
    if (fields.rule !== undefined) this.rule = fields.rule;
    if (fields.partial !== undefined) this.partial = report(fields.partial);
  }

  /** True for a KooDriveError, also one from another copy of this package. */
  static is(value) {
    return typeof value === "object" && value !== null && value[BRAND] === true;
  }
}
Object.defineProperty(KooDriveError.prototype, BRAND, { value: true });

function toError(e) {
  if (e !== null && typeof e === "object" && e.__koodrive === true) return new KooDriveError(e);
  return e;
}

function report(r) {
  for (const f of r.failed) f.error = toError(f.error);
  return r;
}

/** A client of KooDrive's "Querying Space Usage by User" endpoint. */
export class SpaceUsageClient {
  #wasm;

  constructor(options) {
    try {
      this.#wasm = new WasmClient(options);
    } catch (e) {
      throw toError(e);
    }
  }

  /** One request of at most 50 ids (or one page when userIds is absent). */
  async queryUsage(request, options) {
    try {
      return await this.#wasm.queryUsage(request, options);
    } catch (e) {
      throw toError(e);
    }
  }

  /** Any number of ids: every id ends in exactly one of items, missing, failed. */
  async queryUsageAll(ids, options) {
    try {
      return report(await this.#wasm.queryUsageAll(ids, options));
    } catch (e) {
      throw toError(e);
    }
  }

  /** Every user of the tenant, page by page. */
  async *listUsagePages(options) {
    let pages;
    try {
      pages = this.#wasm.listPages(options);
    } catch (e) {
      throw toError(e);
    }
    try {
      for (;;) {
        let page;
        try {
          page = await pages.next();
        } catch (e) {
          throw toError(e);
        }
        if (page === undefined) return;
        yield page;
      }
    } finally {
      pages.free();
    }
  }

  /** Every user of the tenant, one record at a time. */
  async *listUsage(options) {
    for await (const page of this.listUsagePages(options)) yield* page.items;
  }
}
