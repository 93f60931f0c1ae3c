// Typed errors of the host source: a /proc file that could not be read or understood, bad options.

/** Base of every error the host source raises. */
export class HostError extends Error {
  override name = "HostError";
}

/** A kernel file did not have the shape we expect; the message names the file and what was expected. */
export class HostParseError extends HostError {
  override name = "HostParseError";
  /** The canonical path of the file, e.g. `/proc/stat` (whatever root it was read from). */
  readonly file: string;

  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super(`${file}: ${message}`, options);
    this.file = file;
  }
}

/** A kernel file or a configured path could not be read at all; the system error is the cause. */
export class HostReadError extends HostError {
  override name = "HostReadError";
  /** The canonical path of the file (`/proc/stat`) or the configured path given to statfs. */
  readonly file: string;

  constructor(file: string, cause: unknown) {
    super(`${file}: ${describeCause(cause)}`, { cause });
    this.file = file;
  }
}

/** A short description of a system error: its code when it has one (`ENOENT`), else its message. */
function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code === undefined ? cause.message : `${code} (${cause.message})`;
  }
  return String(cause);
}

/** Quotes a piece of kernel text for an error message, cut to a readable length. */
export function quote(text: string): string {
  const cut = text.length > 80 ? `${text.slice(0, 80)}...` : text;
  return JSON.stringify(cut);
}
