// Test helper: each real client as a seeder the fault suite can read, thin out, back up and restore, in the same terms.

import { type DelugeInstance, type DelugeSnapshot, startDeluged } from "@seedwatch/testbed/deluge";
import type { FaultProxy, Upstream } from "@seedwatch/testbed/fault-proxy";
import {
  type Qbittorrent,
  type QbittorrentSnapshot,
  type QbittorrentTorrent,
  startQbittorrent,
} from "@seedwatch/testbed/qbittorrent";
import {
  type RtorrentInstance,
  type RtorrentSnapshot,
  startRtorrent,
} from "@seedwatch/testbed/rtorrent";
import type { GeneratedTorrent } from "@seedwatch/testbed/torrents";
import {
  startTransmission,
  type Transmission,
  type TransmissionSnapshot,
} from "@seedwatch/testbed/transmission";
import { parseMethodResponse } from "../../packages/exporter/src/sources/rtorrent/xmlrpc/reader.ts";
import type { XmlRpcValue } from "../../packages/exporter/src/sources/rtorrent/xmlrpc/value.ts";

/** A torrent's all-time counters as its client reports them. */
export interface ClientCounters {
  readonly hash: string;
  readonly uploaded: number;
  readonly downloaded: number;
}

/** One running instance of a client, seeding. */
export interface SeederInstance {
  /** Where seedwatch's requests go (through the proxy). */
  readonly upstream: Upstream;
  /** Its BitTorrent port on 127.0.0.1. */
  readonly peerPort: number;
  /** Adds torrents whose payloads are in place, and starts seeding them. */
  seed(torrents: readonly GeneratedTorrent[]): Promise<void>;
  /** Every torrent's counters, from the client's own API (not through the proxy). */
  counters(): Promise<ClientCounters[]>;
  /** Removes a torrent, keeping its data. */
  remove(hash: string): Promise<void>;
  /** Stops, copies its state, starts again: a backup to restore later. */
  snapshot(): Promise<{ remove(): Promise<void> }>;
  stop(): Promise<void>;
}

/** A kind of client as the suite drives it. */
export interface SeederKind {
  readonly type: "qbittorrent" | "transmission" | "deluge" | "rtorrent";
  /** How the fault proxy relays to it. */
  readonly mode: "http" | "tcp";
  start(): Promise<SeederInstance>;
  /** A second instance from a snapshot of the first: the client restored from older state. */
  restore(snapshot: { remove(): Promise<void> }): Promise<SeederInstance>;
  /** The target's entry in seedwatch.yml's `targets:`, reaching `instance` through `proxy`. */
  target(name: string, proxy: FaultProxy, instance: SeederInstance): string;
}

const credentials = (c: { username: string; password: string }) =>
  `username: "${c.username}", password: "${c.password}"`;

function qbittorrent(qb: Qbittorrent): SeederInstance & { readonly client: Qbittorrent } {
  return {
    client: qb,
    upstream: { host: qb.interfaceAddress, port: qb.webuiPort },
    peerPort: qb.peerPort,
    async seed(torrents) {
      await qb.addTorrents(torrents, { savepath: (torrents[0] as GeneratedTorrent).payloadDir });
    },
    async counters() {
      const list = await qb.api<QbittorrentTorrent[]>("torrents/info");
      return list.map((t) => ({ hash: t.hash, uploaded: t.uploaded, downloaded: t.downloaded }));
    },
    async remove(hash) {
      await qb.api("torrents/delete", { hashes: hash, deleteFiles: false });
    },
    snapshot: () => qb.snapshot(),
    stop: () => qb.stop(),
  };
}

function transmission(tr: Transmission): SeederInstance & { readonly client: Transmission } {
  return {
    client: tr,
    upstream: { host: "127.0.0.1", port: tr.rpcPort },
    peerPort: tr.peerPort,
    async seed(torrents) {
      await tr.addTorrents(torrents, { downloadDir: (torrents[0] as GeneratedTorrent).payloadDir });
    },
    async counters() {
      const { torrents } = await tr.rpc<{
        torrents: Array<{ hashString: string; uploadedEver: number; downloadedEver: number }>;
      }>("torrent-get", { fields: ["hashString", "uploadedEver", "downloadedEver"] });
      return torrents.map((t) => ({
        hash: t.hashString,
        uploaded: t.uploadedEver,
        downloaded: t.downloadedEver,
      }));
    },
    async remove(hash) {
      await tr.rpc("torrent-remove", { ids: [hash], "delete-local-data": false });
    },
    snapshot: () => tr.snapshot(),
    stop: () => tr.stop(),
  };
}

function deluge(de: DelugeInstance): SeederInstance & { readonly client: DelugeInstance } {
  return {
    client: de,
    upstream: { host: "127.0.0.1", port: de.daemonPort },
    peerPort: de.peerPort,
    async seed(torrents) {
      await de.addTorrents(torrents);
    },
    async counters() {
      const [status] = (await de.rpc([
        { method: "core.get_torrents_status", args: [{}, ["total_uploaded", "all_time_download"]] },
      ])) as [Record<string, { total_uploaded: number; all_time_download: number }>];
      return Object.entries(status).map(([hash, t]) => ({
        hash,
        uploaded: t.total_uploaded,
        downloaded: t.all_time_download,
      }));
    },
    async remove(hash) {
      await de.rpc([{ method: "core.remove_torrent", args: [hash, false] }]);
    },
    snapshot: () => de.snapshot(),
    stop: () => de.stop(),
  };
}

function rtorrent(rt: RtorrentInstance): SeederInstance & { readonly client: RtorrentInstance } {
  const port = (rt.scgi as { port: number }).port;
  return {
    client: rt,
    upstream: { host: "127.0.0.1", port },
    peerPort: rt.peerPort,
    async seed(torrents) {
      await rt.addTorrents(torrents, {
        directory: (torrents[0] as GeneratedTorrent).payloadDir,
        start: true,
      });
    },
    async counters() {
      const xml = await rt.call(
        "d.multicall2",
        "",
        "main",
        "d.hash=",
        "d.up.total=",
        "d.down.total=",
      );
      return (parseMethodResponse(xml) as XmlRpcValue[][]).map(([hash, up, down]) => ({
        hash: String(hash).toLowerCase(),
        uploaded: Number(up),
        downloaded: Number(down),
      }));
    },
    async remove(hash) {
      await rt.call("d.erase", hash.toUpperCase());
    },
    snapshot: () => rt.snapshot(),
    stop: () => rt.stop(),
  };
}

/** The four clients. */
export const SEEDER_KINDS: readonly SeederKind[] = [
  {
    type: "qbittorrent",
    mode: "http",
    start: async () => qbittorrent(await startQbittorrent({ interfaceAddress: "127.0.0.1" })),
    restore: async (snapshot) =>
      qbittorrent(await startQbittorrent({ fromSnapshot: snapshot as QbittorrentSnapshot })),
    target: (name, proxy, instance) =>
      `{ name: ${name}, type: qbittorrent, url: "${proxy.url}", ${credentials((instance as ReturnType<typeof qbittorrent>).client)} }`,
  },
  {
    type: "transmission",
    mode: "http",
    start: async () => transmission(await startTransmission()),
    restore: async (snapshot) =>
      transmission(await startTransmission({ fromSnapshot: snapshot as TransmissionSnapshot })),
    target: (name, proxy, instance) =>
      `{ name: ${name}, type: transmission, url: "${proxy.url}/transmission/rpc", ${credentials((instance as ReturnType<typeof transmission>).client)} }`,
  },
  {
    type: "deluge",
    mode: "tcp",
    start: async () => deluge(await startDeluged()),
    restore: async (snapshot) =>
      deluge(await startDeluged({ fromSnapshot: snapshot as DelugeSnapshot })),
    target: (name, proxy, instance) =>
      `{ name: ${name}, type: deluge, url: "deluge://127.0.0.1:${proxy.port}", ${credentials((instance as ReturnType<typeof deluge>).client)} }`,
  },
  {
    type: "rtorrent",
    mode: "tcp",
    start: async () => rtorrent(await startRtorrent({ transport: "tcp" })),
    restore: async (snapshot) =>
      rtorrent(await startRtorrent({ fromSnapshot: snapshot as RtorrentSnapshot })),
    target: (name, proxy) =>
      `{ name: ${name}, type: rtorrent, url: "scgi://127.0.0.1:${proxy.port}" }`,
  },
];
