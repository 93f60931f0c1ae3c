// Generating real v1 torrents (with mktorrent) and their payloads, for tests that add them to real clients.

import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** One generated torrent. */
export interface GeneratedTorrent {
  /** Torrent (and payload file) name. */
  readonly name: string;
  /** v1 info-hash, lower-case hex. */
  readonly infoHash: string;
  /** Path of the .torrent file. */
  readonly torrentFile: string;
  /** The .torrent file's bytes. */
  readonly metainfo: Buffer;
  /** Directory holding the payload file (a client's save path for seeding). */
  readonly payloadDir: string;
  /** Payload size in bytes. */
  readonly size: number;
}

/** What to generate. */
export interface TorrentSpec {
  /** Where payloads (`<dir>/payload`) and .torrent files (`<dir>/torrents`) go. */
  readonly dir: string;
  readonly count: number;
  /** Payload size of each torrent (default 64 KiB). */
  readonly size?: number;
  /** Announce URLs, one tier each (passkeys in the query are fine). */
  readonly announce: readonly string[];
  /** Set the private flag, as private trackers do (default true). */
  readonly private?: boolean;
  /** Name prefix (default "torrent"); the i-th torrent is `<prefix>-<i>`. */
  readonly prefix?: string;
  /** Piece length as a power of two (default 15, 32 KiB). */
  readonly pieceLengthExp?: number;
}

/**
 * Writes `count` random payload files and makes a v1 .torrent for each with mktorrent (which only
 * makes v1 torrents, the kind all four clients key by the same hash).
 */
export async function makeTorrents(spec: TorrentSpec): Promise<GeneratedTorrent[]> {
  const payloadDir = join(spec.dir, "payload");
  const torrentDir = join(spec.dir, "torrents");
  await mkdir(payloadDir, { recursive: true });
  await mkdir(torrentDir, { recursive: true });
  const size = spec.size ?? 64 * 1024;
  const out: GeneratedTorrent[] = [];
  for (let i = 0; i < spec.count; i++) {
    const name = `${spec.prefix ?? "torrent"}-${i}`;
    const payload = join(payloadDir, name);
    const torrentFile = join(torrentDir, `${name}.torrent`);
    await writeFile(payload, randomBytes(size));
    const args = ["-l", String(spec.pieceLengthExp ?? 15), "-o", torrentFile, "-d"];
    for (const url of spec.announce) args.push("-a", url);
    if (spec.private ?? true) args.push("-p");
    args.push(payload);
    await run("mktorrent", args);
    const metainfo = await readFile(torrentFile);
    out.push({ name, infoHash: infoHashOf(metainfo), torrentFile, metainfo, payloadDir, size });
  }
  return out;
}

/** The v1 info-hash of a .torrent: SHA-1 of the bencoded `info` dictionary, as written. */
export function infoHashOf(metainfo: Buffer): string {
  const [start, end] = infoSpan(metainfo);
  return createHash("sha1").update(metainfo.subarray(start, end)).digest("hex");
}

function infoSpan(data: Buffer): [number, number] {
  if (data[0] !== 0x64) throw new Error("metainfo is not a bencoded dictionary");
  let pos = 1;
  while (data[pos] !== 0x65) {
    const [key, afterKey] = readString(data, pos);
    const end = skipValue(data, afterKey);
    if (key === "info") return [afterKey, end];
    pos = end;
  }
  throw new Error("metainfo has no info dictionary");
}

function readString(data: Buffer, pos: number): [string, number] {
  const colon = data.indexOf(0x3a, pos);
  const length = Number(data.subarray(pos, colon).toString("ascii"));
  return [data.subarray(colon + 1, colon + 1 + length).toString("latin1"), colon + 1 + length];
}

function skipValue(data: Buffer, pos: number): number {
  const head = data[pos];
  if (head === 0x69) return data.indexOf(0x65, pos) + 1; // i<n>e
  if (head === 0x6c || head === 0x64) {
    let next = pos + 1;
    while (data[next] !== 0x65) next = skipValue(data, next);
    return next + 1;
  }
  return readString(data, pos)[1];
}
