// Test helper: two real deluged trading real bytes through two real trackers, and what deluged itself says.

import { join } from "node:path";
import { waitFor } from "@seedwatch/metrics/testing";
import { tempDir } from "@seedwatch/testbed";
import { type DelugeInstance, startDeluged } from "@seedwatch/testbed/deluge";
import { type Opentracker, startOpentracker } from "@seedwatch/testbed/opentracker";
import { type GeneratedTorrent, makeTorrents } from "@seedwatch/testbed/torrents";

/** A torrent as `core.get_torrents_status` reports it, with `DELUGE_TORRENT_KEYS`. */
export interface DelugeTorrent {
  name: string;
  state: string;
  total_wanted: number;
  all_time_download: number;
  total_uploaded: number;
  progress: number;
  label?: string;
  tracker: string;
  tracker_status: string;
  time_added: number;
  download_payload_rate: number;
  upload_payload_rate: number;
  download_location: string;
  ratio: number;
  message: string;
  total_remaining: number;
  num_files: number;
}

/** The torrent keys `readDeluge` asks for. */
export const DELUGE_TORRENT_KEYS: readonly string[] = [
  "name",
  "state",
  "total_wanted",
  "all_time_download",
  "total_uploaded",
  "progress",
  "label",
  "tracker",
  "tracker_status",
  "time_added",
  "download_payload_rate",
  "upload_payload_rate",
  "download_location",
  "ratio",
  "message",
  "total_remaining",
  "num_files",
];

/** What deluged says at one moment: its torrents by hash, session counters and free space. */
export interface DelugeTruth {
  torrents: Record<string, DelugeTorrent>;
  session: Record<string, number>;
  free: number;
}

/** Two trackers, a seeder and a leecher that downloaded everything from it. */
export interface DelugeSwarm {
  readonly trackers: Opentracker[];
  /** Seeded by the seeder, downloaded by the leecher, `counts[i]` of them on tracker i. */
  readonly torrents: GeneratedTorrent[];
  /** Added to the seeder only; its tracker (127.0.0.4:1) refuses connections. */
  readonly dead: GeneratedTorrent;
  /** deluged on 127.0.0.1, with deluge-web in front. */
  readonly seeder: DelugeInstance;
  /** deluged whose peers use 127.0.0.2 (libtorrent refuses peers from its own address). */
  readonly leecher: DelugeInstance;
  /** The host of the tracker a torrent of the swarm announces to (the dead one's included). */
  announceHost(hash: string): string;
  /** Stops everything, in reverse order, and removes the files. */
  stop(): Promise<void>;
}

/** How to build the swarm. */
export interface DelugeSwarmOptions {
  /** Torrents per tracker: the first on 127.0.0.1, the second on 127.0.0.3. */
  readonly counts: readonly [number, number];
  /** Bytes per torrent. */
  readonly size: number;
  /** Put in every announce URL, as private trackers do. */
  readonly passkey: string;
  /** Torrent name prefix (the tracker's index is appended). */
  readonly prefix: string;
}

/** What deluged says now, through Deluge's own codec: torrents, `sessionKeys`, free space. */
export async function readDeluge(
  deluge: DelugeInstance,
  sessionKeys: readonly string[],
): Promise<DelugeTruth> {
  const [torrents, session, free] = (await deluge.rpc([
    { method: "core.get_torrents_status", args: [{}, DELUGE_TORRENT_KEYS] },
    { method: "core.get_session_status", args: [sessionKeys] },
    { method: "core.get_free_space" },
  ])) as [Record<string, DelugeTorrent>, Record<string, number>, number];
  return { torrents, session, free };
}

/** Our status name for a Deluge torrent, from its state and rates (the documented table). */
export function delugeStatusName(t: DelugeTorrent): string {
  if (t.state === "Seeding") return t.upload_payload_rate > 0 ? "Uploading" : "Stalled";
  if (t.state === "Downloading") return t.download_payload_rate > 0 ? "Downloading" : "Stalled";
  const fixed: Record<string, string> = {
    Allocating: "Allocating",
    Checking: "Checking",
    Error: "Errored",
    Queued: "Queued",
    Paused: "Paused",
    Moving: "Moving",
  };
  return fixed[t.state] ?? "Undefined";
}

/**
 * Starts two opentrackers, a seeder (with deluge-web) seeding the torrents under label "seed" plus
 * one on a dead tracker, and a leecher that downloads them all under label "leech"; resolves once
 * every torrent announced and both sides count every byte. Stops what it started if it fails.
 */
export async function startDelugeSwarm(options: DelugeSwarmOptions): Promise<DelugeSwarm> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => {});
    stops.length = 0;
  };
  try {
    const dir = await tempDir("deluge-swarm");
    stops.push(dir.remove);
    const trackers = [
      await startOpentracker({ host: "127.0.0.1" }),
      await startOpentracker({ host: "127.0.0.3" }),
    ];
    for (const t of trackers) stops.push(t.stop);
    const hosts = new Map<string, string>();
    const torrents: GeneratedTorrent[] = [];
    for (const [i, tracker] of trackers.entries()) {
      const made = await makeTorrents({
        dir: join(dir.path, `t${i}`),
        count: options.counts[i] as number,
        size: options.size,
        announce: [tracker.announceUrl(options.passkey)],
        prefix: `${options.prefix}${i}`,
      });
      await tracker.allow(made.map((t) => t.infoHash));
      for (const t of made) hosts.set(t.infoHash, tracker.host);
      torrents.push(...made);
    }
    const [dead] = (await makeTorrents({
      dir: join(dir.path, "dead"),
      count: 1,
      announce: [`http://127.0.0.4:1/announce?passkey=${options.passkey}`],
      prefix: "dead",
    })) as [GeneratedTorrent];
    hosts.set(dead.infoHash, "127.0.0.4");
    const seeder = await startDeluged({ withWeb: true });
    stops.push(seeder.stop);
    const leecher = await startDeluged({ peerAddress: "127.0.0.2" });
    stops.push(leecher.stop);
    await seeder.addTorrents(torrents, { label: "seed" });
    await seeder.addTorrents([dead]);
    const status = async (d: DelugeInstance, keys: string[]) =>
      (
        (await d.rpc([{ method: "core.get_torrents_status", args: [{}, keys] }])) as [
          Record<string, Record<string, number | string>>,
        ]
      )[0];
    await waitFor("the seeder to seed and announce", async () => {
      const all = await status(seeder, ["state", "tracker_status"]);
      const ready = torrents.filter(
        (t) =>
          all[t.infoHash]?.state === "Seeding" && all[t.infoHash]?.tracker_status === "Announce OK",
      );
      return ready.length === torrents.length ? true : undefined;
    });
    await leecher.addTorrents(torrents, { downloadLocation: leecher.downloadDir, label: "leech" });
    await leecher.rpc(
      torrents.map((t) => ({
        method: "core.connect_peer",
        args: [t.infoHash, "127.0.0.1", seeder.peerPort],
      })),
    );
    await waitFor(
      "the leecher to download everything and both to count it",
      async () => {
        const got = await status(leecher, ["all_time_download"]);
        const gave = await status(seeder, ["total_uploaded"]);
        const done = torrents.every((t) => got[t.infoHash]?.all_time_download === options.size);
        const sent = torrents.reduce((s, t) => s + Number(gave[t.infoHash]?.total_uploaded), 0);
        return done && sent >= options.size * torrents.length ? true : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    const announceHost = (hash: string) => {
      const host = hosts.get(hash);
      if (host === undefined) throw new Error(`torrent ${hash} is not one of the swarm's`);
      return host;
    };
    return { trackers, torrents, dead, seeder, leecher, announceHost, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
