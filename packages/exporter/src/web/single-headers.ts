// Headers a request may carry once at most: two Host headers (or two of another deciding header) get 400.

/**
 * Headers whose repetition makes a request ambiguous: Node keeps the first `Host`,
 * `Authorization`, `Content-Type` or `Referer` and joins repeated `Origin` or `Sec-Fetch-Site`
 * values, while a proxy in front may have decided on the last; the request is refused rather
 * than guessed. Browsers and Prometheus send each at most once.
 */
export const SINGLE_HEADERS: ReadonlySet<string> = new Set([
  "host",
  "authorization",
  "content-type",
  "content-length",
  "origin",
  "referer",
  "sec-fetch-site",
]);

/** The first header of SINGLE_HEADERS that `rawHeaders` (name, value, name, value...) repeats. */
export function repeatedHeader(rawHeaders: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] as string).toLowerCase();
    if (!SINGLE_HEADERS.has(name)) continue;
    if (seen.has(name)) return name;
    seen.add(name);
  }
  return undefined;
}
