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

/** The least time collectors get after waiting for targets: half of the offset kept above. */
const COLLECT_FLOOR_MS = 250;

/**
 * When the registry's collectors must be done: the scrape's deadline, but at least 250 ms from
 * `now`, so a scrape that spent its time waiting for a slow target still collects the daemon's
 * own parts (host indicators) within the offset Prometheus is left.
 */
export function collectDeadline(deadline: number, now: number): number {
  return Math.max(deadline, now + COLLECT_FLOOR_MS);
}
