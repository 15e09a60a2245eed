// KooDriveError: every failure of this package. It needs no WebAssembly:
// importing it (or only the types) loads nothing.

const BRAND = Symbol.for("koodrive-space-usage.KooDriveError");

/** An error of this package; `kind` says what happened. */
export class KooDriveError extends Error {
  constructor(fields) {
    const f = typeof fields === "object" && fields !== null ? fields : { message: fields === undefined ? "" : String(fields) };
    super(f.message ?? "", "cause" in f ? { cause: f.cause } : undefined);
    this.name = "KooDriveError";
    this.kind = f.kind ?? "api";
    this.status = f.status ?? null;
    this.code = f.code ?? null;
    this.msg = f.msg ?? null;
    this.traceId = f.traceId ?? null;
    this.retryable = Boolean(f.retryable);
    this.attempts = f.attempts ?? 0;
    this.retryAfterMs = f.retryAfterMs ?? null;
    if (f.rule !== undefined) this.rule = f.rule;
    if (f.partial !== undefined) this.partial = f.partial;
  }

  /** True for a KooDriveError, also one from another copy of this package. */
  static is(value) {
    return typeof value === "object" && value !== null && value[BRAND] === true;
  }
}
Object.defineProperty(KooDriveError.prototype, BRAND, { value: true });
