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

/**
 * statfs on a configured path did not answer in time, or an earlier call on it still has not:
 * the mount is stuck (a hung NFS or FUSE server), and the path is not asked again until the
 * hung call returns.
 */
export class FilesystemStuckError extends HostError {
  override name = "FilesystemStuckError";
  /** The configured path. */
  readonly file: string;
  /** The time limit statfs missed, in milliseconds. */
  readonly timeoutMs: number;

  constructor(file: string, timeoutMs: number) {
    super(
      `${file}: statfs did not answer within ${timeoutMs / 1000}s: the mount is stuck (not asked again until that call returns)`,
    );
    this.file = file;
    this.timeoutMs = timeoutMs;
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
