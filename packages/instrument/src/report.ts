// Our own failures, written to stderr a bounded number of times and never thrown into the app.

const MAX_REPORTS = 10;
let reports = 0;

/**
 * Reports a failure of the instrumentation itself (the app carries on unaffected). Like the
 * original's "An exception occurred while recording the metrics", but at most 10 times per
 * thread, so a broken assumption cannot flood the app's logs.
 */
export function reportError(what: string, error: unknown): void {
  if (reports >= MAX_REPORTS) return;
  reports++;
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const tail = reports === MAX_REPORTS ? " (further errors are not reported)" : "";
  try {
    process.stderr.write(`@seedwatch/instrument: ${what}: ${message}${tail}\n`);
  } catch {
    // stderr closed: nothing more we can do, and nothing the app should notice.
  }
}
