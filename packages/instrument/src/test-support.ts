// Test helpers: histogram series read back from exposition text, and small HTTP utilities.

import { once } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { parseExposition } from "@seedwatch/metrics";

/** One histogram series as a scrape shows it. */
export interface SeriesSample {
  readonly labels: Readonly<Record<string, string>>;
  readonly count: number;
  readonly sum: number;
  /** Cumulative counts by `le`. */
  readonly buckets: Readonly<Record<string, number>>;
}

/**
 * The series of histogram `name` in `text`, sorted by their labels. Throws when the histogram's
 * own invariants do not hold (cumulative buckets, +Inf equal to the count), so every test that
 * reads series checks them too.
 */
export function histogramSeries(text: string, name: string): SeriesSample[] {
  const family = parseExposition(text).find((f) => f.name === name);
  if (family === undefined) return [];
  if (family.type !== "histogram") throw new Error(`${name} is a ${family.type}`);
  const byKey = new Map<
    string,
    { labels: Record<string, string>; count: number; sum: number; buckets: Record<string, number> }
  >();
  for (const sample of family.samples) {
    const labels = Object.fromEntries(sample.labels.filter(([k]) => k !== "le"));
    const key = JSON.stringify(labels);
    let series = byKey.get(key);
    if (series === undefined) {
      series = { labels, count: Number.NaN, sum: Number.NaN, buckets: {} };
      byKey.set(key, series);
    }
    if (sample.name === `${name}_count`) series.count = sample.value;
    else if (sample.name === `${name}_sum`) series.sum = sample.value;
    else if (sample.name === `${name}_bucket`) {
      const le = sample.labels.find(([k]) => k === "le")?.[1] as string;
      series.buckets[le] = sample.value;
    }
  }
  const out = [...byKey.values()];
  for (const series of out) {
    const counts = Object.values(series.buckets);
    for (let i = 1; i < counts.length; i++) {
      if ((counts[i] as number) < (counts[i - 1] as number))
        throw new Error(`${name}: buckets not cumulative`);
    }
    if (series.buckets["+Inf"] !== series.count)
      throw new Error(`${name}: +Inf bucket differs from the count`);
  }
  return out.sort((a, b) => JSON.stringify(a.labels).localeCompare(JSON.stringify(b.labels)));
}

/** Label sets and counts only: what tests compare exactly (durations vary). */
export function counts(
  series: readonly SeriesSample[],
): Array<{ labels: Readonly<Record<string, string>>; count: number }> {
  return series.map(({ labels, count }) => ({ labels, count }));
}

/** Listens on a free loopback port and returns the base URL. */
export async function listen(server: Server): Promise<string> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Closes a server and every connection it still has. */
export async function close(server: Server): Promise<void> {
  if (!server.listening) return;
  server.closeAllConnections();
  const closed = once(server, "close");
  server.close();
  await closed;
}

/**
 * Resolves once at least `ms` milliseconds have passed on performance.now(), the clock the
 * library measures with. (A bare setTimeout runs off the event loop's cached time, which can be
 * behind, so it may fire a little early as performance.now() sees it.)
 */
export async function atLeast(ms: number): Promise<void> {
  const start = performance.now();
  for (;;) {
    const left = ms - (performance.now() - start);
    if (left <= 0) return;
    await new Promise((resolve) => setTimeout(resolve, Math.ceil(left)));
  }
}
