// How long a scrape may wait for fresh data: Prometheus's own timeout header, minus a safety offset.

const OFFSET_SECONDS = 0.5;
const DEFAULT_SECONDS = 10;
const MAX_SECONDS = 120;

/**
 * The moment (ms since the epoch) by which a scrape must answer, from Prometheus's
 * `X-Prometheus-Scrape-Timeout-Seconds` minus an offset (as blackbox_exporter does), 10 s
 * when the header is absent or unreadable.
 */
export function scrapeDeadline(header: string | string[] | undefined, now: number): number {
  const value = Number.parseFloat(Array.isArray(header) ? (header[0] ?? "") : (header ?? ""));
  const seconds =
    Number.isFinite(value) && value > 0 ? Math.min(value, MAX_SECONDS) : DEFAULT_SECONDS;
  return now + Math.max(0.1, seconds - OFFSET_SECONDS) * 1000;
}
