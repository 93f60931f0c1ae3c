// The error init() throws for a bad option, naming the option (or environment variable) and what was expected.

/** A bad option given to `init()` or through a `SEEDWATCH_*` environment variable. */
export class InstrumentConfigError extends Error {
  override name = "InstrumentConfigError";
  /** The option or environment variable at fault, e.g. `syscode` or `SEEDWATCH_METRICS_PORT`. */
  readonly field: string;

  constructor(field: string, message: string, options?: { cause?: unknown }) {
    super(`${field}: ${message}`, options);
    this.field = field;
  }
}
