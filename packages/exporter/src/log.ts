// Structured logging in logfmt or JSON: one line per event, secrets rendered as <secret>.

/** Log levels, least to most severe. */
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;

/** One log level. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Log line formats. */
export type LogFormat = "logfmt" | "json";

/** Key/value pairs attached to a line. */
export type LogFields = Readonly<Record<string, unknown>>;

/** Writes log lines. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

/** Where and how to log. */
export interface LoggerOptions {
  readonly level: LogLevel;
  readonly format: LogFormat;
  readonly write?: (line: string) => void;
  readonly now?: () => Date;
}

/** A logger writing one line per event to stderr (or `write`). */
export function createLogger(options: LoggerOptions, bound: LogFields = {}): Logger {
  const min = LOG_LEVELS.indexOf(options.level);
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  const emit = (level: LogLevel, msg: string, fields: LogFields = {}) => {
    if (LOG_LEVELS.indexOf(level) < min) return;
    const all: Record<string, unknown> = {
      ts: now().toISOString(),
      level,
      msg,
      ...bound,
      ...fields,
    };
    write(options.format === "json" ? JSON.stringify(all, jsonValue) : logfmt(all));
  };
  return {
    debug: (msg, fields) => emit("debug", msg, fields),
    info: (msg, fields) => emit("info", msg, fields),
    warn: (msg, fields) => emit("warn", msg, fields),
    error: (msg, fields) => emit("error", msg, fields),
    child: (fields) => createLogger(options, { ...bound, ...fields }),
  };
}

/** A logger that drops everything (tests, benchmarks). */
export const silentLogger: Logger = createLogger({
  level: "error",
  format: "logfmt",
  write: () => {},
});

function logfmt(fields: Record<string, unknown>): string {
  return Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${quote(text(value))}`)
    .join(" ");
}

function text(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    value.toString === Object.prototype.toString
  ) {
    return JSON.stringify(value);
  }
  return String(value);
}

function quote(value: string): string {
  return /^[^\s"=\\]+$/.test(value) ? value : JSON.stringify(value);
}

function jsonValue(_key: string, value: unknown): unknown {
  return value instanceof Error ? value.message : value;
}
