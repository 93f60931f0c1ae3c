// Test helper: the checks every per-client end-to-end test makes on seedwatch's exposition, shared.

import assert from "node:assert/strict";
import { assertPromtoolClean, startPrometheus, waitFor } from "@seedwatch/metrics/testing";
import type { Daemon } from "@seedwatch/testbed";
import { Samples } from "./exposition.ts";

/** What the checks need of a running seedwatch (`Seedwatch` from the testbed has it). */
export interface SeedwatchUnderTest {
  readonly port: number;
  get(path: string): Promise<{ readonly body: string }>;
  logs(): string;
}

/** The labels every series of one target carries (a type alias, so it passes as a label record). */
export type TargetHead = { readonly name: string; readonly client: string; readonly host: string };

/** A torrent as the client itself reports it, put in the terms of our labels and metrics. */
export interface ClientTorrent {
  readonly hash: string;
  readonly name: string;
  /** The tracker's host name (the `tracker` label). */
  readonly tracker: string;
  readonly size: number;
  readonly uploaded: number;
  readonly downloaded: number;
  /** Our status name (one of `STATUS_NAMES`), worked out by the test from the client's state. */
  readonly status: string;
  /** The `category` label ("" for none). */
  readonly category: string;
  /**
   * Whether the client says its tracker failed; leave it out where the client's list does not
   * say, and `pt_tracker_error_torrents` is not compared.
   */
  readonly trackerError?: boolean;
}

/** The client-wide figures as the client reports them. */
export interface ClientFigures {
  readonly downloaded: number;
  readonly uploaded: number;
  /** Payload bytes per second. */
  readonly uploadSpeed: number;
  readonly downloadSpeed: number;
}

/** How long a wait may take: `waitFor`'s bounds. */
export interface WaitBounds {
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
}

/** pt-exporter's status table: a status name's index is its code. */
export const STATUS_NAMES: readonly string[] = [
  "Unknown",
  "Allocating",
  "Downloading",
  "Uploading",
  "Checking",
  "Errored",
  "Stalled",
  "Queued",
  "Paused",
  "Moving",
  "Undefined",
];

/** The status code of a status name of pt-exporter's table; fails on a name not in it. */
export function statusCode(name: string): number {
  const code = STATUS_NAMES.indexOf(name);
  assert.ok(code >= 0, `"${name}" is no status of pt-exporter's table`);
  return code;
}

/** The samples of one GET of `path` (default `/metrics`). */
export async function scrape(seedwatch: SeedwatchUnderTest, path = "/metrics"): Promise<Samples> {
  return new Samples((await seedwatch.get(path)).body);
}

/** A function that reads the samples of `/probe?target=<target>`. */
export function prober(seedwatch: SeedwatchUnderTest, target: string): () => Promise<Samples> {
  return () => scrape(seedwatch, `/probe?target=${target}`);
}

/** Reads with `read` until `accept` holds for the samples, and returns them (`waitFor`'s bounds). */
export function waitForSamples(
  what: string,
  read: () => Promise<Samples>,
  accept: (m: Samples) => boolean,
  bounds: WaitBounds = {},
): Promise<Samples> {
  return waitFor(
    what,
    async () => {
      const m = await read();
      return accept(m) ? m : undefined;
    },
    bounds,
  );
}

/** Bounds of a wait that spans seedwatch's backoff of a failing target: 120 s, a read a second. */
export const THROUGH_BACKOFF: WaitBounds = { timeoutMs: 120_000, intervalMs: 1000 };

/** Reads with `read` until `pt_up` is 1, and returns those samples (`waitFor`'s bounds). */
export function waitForUp(
  what: string,
  read: () => Promise<Samples>,
  bounds: WaitBounds = {},
): Promise<Samples> {
  return waitForSamples(what, read, (m) => m.value("pt_up") === 1, bounds);
}

/**
 * Asserts a target is shown down with no stale figure: `pt_up` 0, at least one poll error of
 * `reason`, no per-tracker series. `labels` picks the target in a many-target exposition.
 * Returns the poll errors counted for `reason`.
 */
export function assertDown(
  m: Samples,
  reason: string,
  labels: Record<string, string> = {},
): number {
  assert.equal(m.value("pt_up", labels), 0);
  const errors = m.value("seedwatch_target_poll_errors_total", { ...labels, reason });
  assert.ok(errors >= 1, `${reason} errors counted`);
  assert.equal(m.has("pt_tracker_torrents", labels), false, "nothing stale");
  return errors;
}

/**
 * Scrapes `/probe?target=` between two readings of the client's own figures, retrying (every
 * 500 ms, for 60 s at most) until both readings are the same (`same`, by default equal as JSON)
 * and `check` passes without returning false. Then the exposition must contain nothing that
 * matches `secrets` and pass `promtool check metrics`.
 */
export async function compareWithClient<T>(
  seedwatch: SeedwatchUnderTest,
  target: string,
  options: {
    /** Reads the client's own figures. */
    read(): Promise<T>;
    /** Whether two readings agree (the client held still while we scraped). */
    same?(before: T, after: T): boolean;
    /** The comparisons; `false` means "not yet, try again". */
    check(m: Samples, before: T, after: T): Promise<boolean | undefined> | boolean | undefined;
    /** What must never appear in the exposition (passkeys, announce URLs). */
    secrets: RegExp;
  },
): Promise<void> {
  const same = options.same ?? ((a: T, b: T) => JSON.stringify(a) === JSON.stringify(b));
  await waitFor(
    `${target} figures to match`,
    async () => {
      const before = await options.read();
      const scraped = await seedwatch.get(`/probe?target=${target}`);
      const afterwards = await options.read();
      if (!same(before, afterwards)) return undefined;
      if ((await options.check(new Samples(scraped.body), before, afterwards)) === false)
        return undefined;
      assert.doesNotMatch(scraped.body, options.secrets);
      await assertPromtoolClean(scraped.body);
      return true;
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
}

/** Asserts the target is up with the client's own totals and speeds (speeds in bytes and bits). */
export function assertClientFigures(m: Samples, head: TargetHead, client: ClientFigures): void {
  assert.equal(m.value("pt_up", head), 1);
  assert.equal(m.value("pt_download_bytes_total", head), client.downloaded);
  assert.equal(m.value("pt_upload_bytes_total", head), client.uploaded);
  assert.equal(m.value("pt_upload_speed_bytes", head), client.uploadSpeed);
  assert.equal(m.value("pt_upload_speed", head), client.uploadSpeed * 8);
  assert.equal(m.value("pt_download_speed_bytes", head), client.downloadSpeed);
}

/** Asserts each torrent's series: present once, its size, byte totals and status code. */
export function assertTorrentSeries(
  m: Samples,
  head: TargetHead,
  torrents: readonly ClientTorrent[],
): void {
  for (const t of torrents) {
    const labels = { ...head, torrent_hash: t.hash, torrent_name: t.name, tracker: t.tracker };
    assert.equal(m.value("pt_tracker_torrent", labels), 1);
    assert.equal(m.value("pt_tracker_torrent_size_bytes", labels), t.size);
    assert.equal(m.value("pt_tracker_torrent_upload_bytes_total", labels), t.uploaded);
    assert.equal(m.value("pt_tracker_torrent_download_bytes_total", labels), t.downloaded);
    assert.equal(m.value("pt_tracker_torrent_status", labels), statusCode(t.status), t.name);
  }
}

/**
 * Asserts the per-tracker aggregates against the client's torrent list: torrents, size, byte
 * totals, tracker errors (where the client says), and `pt_torrents_count` per status and category.
 */
export function assertTrackerAggregates(
  m: Samples,
  head: TargetHead,
  torrents: readonly ClientTorrent[],
): void {
  for (const tracker of new Set(torrents.map((t) => t.tracker))) {
    const mine = torrents.filter((t) => t.tracker === tracker);
    const labels = { ...head, tracker };
    const sum = (figure: (t: ClientTorrent) => number) => mine.reduce((s, t) => s + figure(t), 0);
    assert.equal(m.value("pt_tracker_torrents", labels), mine.length);
    assert.equal(
      m.value("pt_tracker_size_bytes", labels),
      sum((t) => t.size),
    );
    assert.equal(
      m.value("pt_tracker_upload_bytes_total", labels),
      sum((t) => t.uploaded),
    );
    assert.equal(
      m.value("pt_tracker_download_bytes_total", labels),
      sum((t) => t.downloaded),
    );
    if (mine.every((t) => t.trackerError !== undefined)) {
      assert.equal(
        m.value("pt_tracker_error_torrents", labels),
        mine.filter((t) => t.trackerError).length,
      );
    }
    const counts = new Map<string, { status: string; category: string; count: number }>();
    for (const { status, category } of mine) {
      const key = JSON.stringify([status, category]);
      const entry = counts.get(key) ?? { status, category, count: 0 };
      counts.set(key, { ...entry, count: entry.count + 1 });
    }
    for (const { status, category, count } of counts.values()) {
      assert.equal(m.value("pt_torrents_count", { ...labels, status, category }), count);
    }
  }
}

/**
 * Asserts downloader-exporter's family for the target of `head` (its labels and `version`): up,
 * `downloader_torrents_count` adding up to `torrents` with the status, category and tracker
 * labels; and no such family for the target named `without`, which did not ask for it.
 */
export function assertDownloaderFamily(
  m: Samples,
  head: TargetHead & { readonly version: string },
  torrents: number,
  without: string,
): void {
  assert.equal(m.value("downloader_up", head), 1);
  const counts = m.find("downloader_torrents_count", head);
  assert.equal(
    counts.reduce((s, c) => s + c.value, 0),
    torrents,
  );
  assert.ok(counts.every((c) => ["status", "category", "tracker"].every((k) => k in c.labels)));
  assert.equal(m.has("downloader_up", { name: without }), false);
}

/**
 * For a target with a wrong password: scrapes once, five more times, and once again, and asserts
 * it is down with exactly one failed login on either side (backing off, no login storm), shows
 * nothing stale, logs `log`, and never logs anything matching `secret`.
 */
export async function assertBackingOff(
  seedwatch: SeedwatchUnderTest,
  target: string,
  log: RegExp,
  secret: RegExp,
): Promise<void> {
  const first = await scrape(seedwatch);
  for (let i = 0; i < 5; i++) await seedwatch.get("/metrics");
  const later = await scrape(seedwatch);
  const labels = { name: target, reason: "auth" };
  assert.equal(first.value("pt_up", { name: target }), 0);
  assert.equal(first.value("seedwatch_target_poll_errors_total", labels), 1);
  assert.equal(
    later.value("seedwatch_target_poll_errors_total", labels),
    1,
    "backing off: no new login per scrape",
  );
  assert.equal(later.has("pt_tracker_torrents", { name: target }), false, "nothing stale");
  assert.match(seedwatch.logs(), log);
  assert.doesNotMatch(seedwatch.logs(), secret);
}

/**
 * Stops the daemon of target `hung` (SIGSTOP), waits until it is shown down by a timeout with
 * nothing stale while every one of `others` stays up, then resumes it (SIGCONT, also on failure)
 * and waits (60 s at most) until it is up again.
 */
export async function assertHangAndRecovery(
  seedwatch: SeedwatchUnderTest,
  daemon: Pick<Daemon, "signal">,
  hung: string,
  others: readonly string[],
): Promise<void> {
  daemon.signal("SIGSTOP");
  try {
    const m = await waitForSamples(
      "the hung client to be marked down",
      () => scrape(seedwatch),
      (r) => r.value("pt_up", { name: hung }) === 0,
    );
    for (const name of others) assert.equal(m.value("pt_up", { name }), 1, `${name} stays up`);
    assertDown(m, "timeout", { name: hung });
  } finally {
    daemon.signal("SIGCONT");
  }
  await waitForSamples(
    `${hung} back up`,
    () => scrape(seedwatch),
    (r) => r.value("pt_up", { name: hung }) === 1,
    { timeoutMs: 60_000, intervalMs: 500 },
  );
}

/**
 * Starts a real Prometheus scraping seedwatch and asserts it sees exactly `up` up and `down`
 * down, every one with `client`, and that the first value of each `also` query is its `value`;
 * stops it whatever happens.
 */
export async function assertPrometheusSees(
  seedwatch: SeedwatchUnderTest,
  client: string,
  up: readonly string[],
  down: readonly string[],
  also: ReadonlyArray<{ readonly query: string; readonly value: number }> = [],
): Promise<void> {
  const prometheus = await startPrometheus([
    { job: "seedwatch", target: `127.0.0.1:${seedwatch.port}` },
  ]);
  try {
    await prometheus.waitUntilAllUp();
    const upNow = await waitFor("pt_up samples", async () => {
      const result = await prometheus.query("pt_up == 1");
      return result.length >= up.length ? result : undefined;
    });
    const downNow = await prometheus.query("pt_up == 0");
    for (const [seen, expected] of [
      [upNow, up],
      [downNow, down],
    ] as const) {
      assert.deepEqual(seen.map((r) => r.metric.name).sort(), [...expected].sort());
      assert.deepEqual(
        seen.map((r) => r.metric.client),
        seen.map(() => client),
      );
    }
    for (const { query, value } of also) {
      assert.equal(Number((await prometheus.query(query))[0]?.value[1]), value, query);
    }
  } finally {
    await prometheus.stop();
  }
}
