// A real swarm on loopback: opentracker(s), a seeding and a leeching qBittorrent, and bytes moving between them.

import { randomBytes } from "node:crypto";
import { waitFor } from "@seedwatch/metrics/testing";
import { tempDir } from "./daemon.ts";
import { type Opentracker, startOpentracker } from "./opentracker.ts";
import { type Qbittorrent, type QbittorrentTorrent, startQbittorrent } from "./qbittorrent.ts";
import { type GeneratedTorrent, makeTorrents } from "./torrents.ts";

/** What swarm to build. */
export interface SwarmOptions {
  /** Number of torrents (default 2). */
  readonly torrents?: number;
  /** Payload bytes per torrent (default 256 KiB). */
  readonly size?: number;
  /** Number of trackers, 1 or 2 (default 2: 127.0.0.1 and 127.0.0.3); torrent i uses tracker i mod n. */
  readonly trackers?: 1 | 2;
  /** How long to wait for the first completed download (default 120 s). */
  readonly timeoutMs?: number;
}

/** A running swarm. */
export interface Swarm {
  /** The trackers, in the order torrents are spread over them. */
  readonly trackers: readonly Opentracker[];
  /** The announce URL (with its passkey) of each tracker, same order. */
  readonly announceUrls: readonly string[];
  readonly torrents: readonly GeneratedTorrent[];
  /** qBittorrent on 127.0.0.1 with the payloads: category "seed", tags "swarm" and "seeder". */
  readonly seeder: Qbittorrent;
  /** qBittorrent on 127.0.0.2 that downloads them: category "leech", tags "swarm" and "leecher". */
  readonly leecher: Qbittorrent;
  /** Stops every daemon and removes every directory. */
  stop(): Promise<void>;
}

const TRACKER_HOSTS = ["127.0.0.1", "127.0.0.3"] as const;
const SEEDING = new Set(["uploading", "stalledUP", "forcedUP", "queuedUP"]);

/**
 * Starts tracker(s), makes private torrents whose announce URLs carry a passkey, lets a seeder
 * qBittorrent check the payloads and seed, then adds the same torrents, empty, to a leecher bound
 * to 127.0.0.2. Resolves once the leecher has completed at least one torrent and, by their own
 * APIs, the leecher reports downloaded and the seeder uploaded bytes; everything started is
 * stopped again if that does not happen in time.
 */
export async function startSwarm(options: SwarmOptions = {}): Promise<Swarm> {
  const count = options.torrents ?? 2;
  const size = options.size ?? 256 * 1024;
  const trackerCount = options.trackers ?? 2;
  const timeoutMs = options.timeoutMs ?? 120_000;
  if (!Number.isInteger(count) || count < 1 || count > 500) {
    throw new Error(`torrents must be an integer from 1 to 500, got ${String(count)}`);
  }
  if (!Number.isInteger(size) || size < 1 || size > 64 * 2 ** 20) {
    throw new Error(
      `size must be an integer number of bytes from 1 to 64 MiB, got ${String(size)}`,
    );
  }
  if (trackerCount !== 1 && trackerCount !== 2) {
    throw new Error(`trackers must be 1 or 2, got ${String(trackerCount)}`);
  }

  // Stopped in reverse order, one layer at a time: clients, then trackers, then the directory.
  const stops: Array<Array<() => Promise<void>>> = [];
  const stopAll = async () => {
    let failure: unknown;
    for (const layer of stops.reverse()) {
      const results = await Promise.allSettled(layer.map((stop) => stop()));
      const failed = results.find((result) => result.status === "rejected");
      if (failed && failure === undefined) failure = (failed as PromiseRejectedResult).reason;
    }
    stops.length = 0;
    if (failure !== undefined) throw failure;
  };
  try {
    const dir = await tempDir("swarm");
    stops.push([dir.remove]);
    const trackerStops: Array<() => Promise<void>> = [];
    stops.push(trackerStops);
    const trackers: Opentracker[] = [];
    for (const host of TRACKER_HOSTS.slice(0, trackerCount)) {
      const tracker = await startOpentracker({ host });
      trackerStops.push(tracker.stop);
      trackers.push(tracker);
    }
    const announceUrls = trackers.map((tracker) =>
      tracker.announceUrl(randomBytes(16).toString("hex")),
    );

    const torrents: GeneratedTorrent[] = [];
    for (const [index, tracker] of trackers.entries()) {
      const share = Math.floor(count / trackerCount) + (index < count % trackerCount ? 1 : 0);
      if (share === 0) continue;
      const made = await makeTorrents({
        dir: dir.path,
        count: share,
        size,
        announce: [announceUrls[index] as string],
        prefix: `swarm${index}`,
      });
      await tracker.allow(made.map((torrent) => torrent.infoHash));
      torrents.push(...made);
    }

    const clients = await Promise.allSettled([
      startQbittorrent({ interfaceAddress: "127.0.0.1" }),
      startQbittorrent({ interfaceAddress: "127.0.0.2" }),
    ]);
    stops.push(
      clients.flatMap((client) => (client.status === "fulfilled" ? [client.value.stop] : [])),
    );
    const [seeder, leecher] = clients.map((client) => {
      if (client.status === "rejected") throw client.reason;
      return client.value;
    }) as [Qbittorrent, Qbittorrent];
    const payloadDir = (torrents[0] as GeneratedTorrent).payloadDir;
    const hashes = new Set(torrents.map((torrent) => torrent.infoHash));
    const mine = (all: QbittorrentTorrent[]) => all.filter((torrent) => hashes.has(torrent.hash));

    await seeder.addTorrents(torrents, {
      savepath: payloadDir,
      category: "seed",
      tags: ["swarm", "seeder"],
    });
    // Seeding and announced, so the leecher's first announce already returns the seeder.
    await waitFor(
      "the seeder to check its payloads and announce them",
      async () => {
        const seen = mine(await seeder.api<QbittorrentTorrent[]>("torrents/info"));
        const ready = seen.filter(
          (torrent) => SEEDING.has(torrent.state) && torrent.tracker !== "",
        );
        return ready.length === torrents.length ? true : undefined;
      },
      { timeoutMs, intervalMs: 250 },
    );

    await leecher.addTorrents(torrents, { category: "leech", tags: ["swarm", "leecher"] });
    await waitFor(
      "the leecher to complete a torrent and both to report the bytes moved",
      async () => {
        const got = mine(await leecher.api<QbittorrentTorrent[]>("torrents/info"));
        const gave = mine(await seeder.api<QbittorrentTorrent[]>("torrents/info"));
        // progress reaches 1 a refresh before the byte counters move: wait for both.
        const completed = got.some((torrent) => torrent.progress === 1 && torrent.downloaded > 0);
        const uploaded = gave.reduce((sum, torrent) => sum + torrent.uploaded, 0);
        return completed && uploaded > 0 ? true : undefined;
      },
      { timeoutMs, intervalMs: 250 },
    );

    return {
      trackers,
      announceUrls,
      torrents,
      seeder,
      leecher,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll().catch(() => {});
    throw error;
  }
}
