// A Transmission 3.00 RPC SIMULATOR for benchmarks: N torrents in 3.00's wire format, most quiet, a few moving, recently-active.
// It exists only because 100,000 real torrents cannot be had here; tests use the real transmission-daemon.

import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { gzipSync } from "node:zlib";
import { mulberry32, type Random } from "../../packages/testbed/src/prng.ts";
import { simulatedTorrent } from "../torrent-labels.ts";

/** What to simulate. */
export interface TransmissionSimulatorOptions {
  readonly torrents: number;
  /** Fraction of torrents that move payload before each torrent-get of a poll. */
  readonly churn: number;
  /**
   * Changes to torrents (nearly all quiet) per poll, as a share of all torrents (default 0.0005:
   * 50 a poll at 100,000): stopped, started, removed, added (each makes the torrent recently
   * active, as 3.00 does: checked on the real daemon), a tracker error (which does not).
   */
  readonly quietChanges?: number;
  /** Seed of those changes (default 1). */
  readonly seed?: number;
  /** Basic auth (default admin / adminadmin). */
  readonly username?: string;
  readonly password?: string;
}

/** Simulated seconds per torrent-get: one poll every 10 s, seedwatch's default interval. */
const SECONDS_PER_POLL = 10;
/** `recently-active` covers 60 s (libtransmission/rpcimpl.c RECENTLY_ACTIVE_SECONDS). */
const RECENT_SECONDS = 60;
const LABELS = [["movies"], ["tv"], ["music", "flac"], [], ["keep"]];

interface SimTorrent {
  readonly id: number;
  readonly hash: string;
  readonly name: string;
  readonly size: number;
  readonly tracker: string;
  readonly addedDate: number;
  readonly labels: readonly string[];
  status: number;
  error: number;
  errorString: string;
  rateUpload: number;
  uploadedEver: number;
  peersGettingFromUs: number;
  /** Simulated time of the last activity (libtransmission's anyDate). */
  activity: number;
  lastAnnounce: number;
  /** Seconds seeded before the current run, and when the current run began (status 6). */
  seededBefore: number;
  seedingSince: number;
}

/**
 * Answers what an exporter asks of Transmission 3.00, in its wire format: Basic auth (401), the
 * X-Transmission-Session-Id handshake (409 with the id in a header), `torrent-get` with only the
 * requested fields in the objects or table format, for all ids, a list, or `recently-active`
 * (torrents active in the last 60 simulated seconds, plus `removed`), `session-stats`,
 * `session-get` with its `fields` filter, `free-space`; gzip when asked, as 3.00 does. Each
 * torrent-get of a poll (not a follow-up for some ids) advances the simulated clock by 10 s and
 * first moves `churn` of the torrents and makes `quietChanges` (see the option).
 */
export class TransmissionSimulator {
  readonly #torrents: SimTorrent[] = [];
  readonly #server: Server;
  readonly #options: TransmissionSimulatorOptions;
  readonly #authorization: string;
  readonly #sessionId = randomBytes(36).toString("base64url").slice(0, 48);
  readonly #started = Date.now();
  #now = 1_800_000_000;
  #cursor = 0;
  #nextId = 1;
  readonly #random: Random;
  /** Removed torrents' ids and when (libtransmission's session->removedTorrents). */
  readonly #removed: Array<{ id: number; date: number }> = [];
  #uploaded = 40_000_000_000_000;
  #uploadSpeed = 0;

  constructor(options: TransmissionSimulatorOptions) {
    this.#options = options;
    this.#authorization = `Basic ${Buffer.from(
      `${options.username ?? "admin"}:${options.password ?? "adminadmin"}`,
    ).toString("base64")}`;
    this.#random = mulberry32(options.seed ?? 1);
    for (let i = 0; i < options.torrents; i++) this.#add(i, this.#now - 3600);
    this.#server = createServer((req, res) => this.#handle(req, res));
  }

  #add(i: number, activity: number): void {
    const { hash, name, tracker, size } = simulatedTorrent(i);
    this.#torrents.push({
      id: this.#nextId++,
      hash,
      name,
      size,
      tracker,
      addedDate: this.#now - (i % 1000) * 3600,
      labels: LABELS[i % LABELS.length] as string[],
      status: i % 7 === 0 ? 0 : 6,
      error: 0,
      errorString: "",
      rateUpload: 0,
      uploadedEver: Math.round(size * 1.25),
      peersGettingFromUs: 0,
      activity,
      lastAnnounce: this.#now - (i % 1800),
      seededBefore: 86_400 + (i % 1000),
      seedingSince: this.#now,
    });
  }

  /** Listens on a free loopback port; resolves with the RPC URL. */
  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
    const address = this.#server.address();
    if (address === null || typeof address === "string") throw new Error("no address");
    return `http://127.0.0.1:${address.port}/transmission/rpc`;
  }

  close(): void {
    this.#server.closeAllConnections();
    this.#server.close();
  }

  /** One poll interval of a busy box: `churn` of the torrents (round robin) move. */
  #tick(): void {
    this.#now += SECONDS_PER_POLL;
    const count = Math.round(this.#torrents.length * this.#options.churn);
    let speed = 0;
    for (let k = 0; k < count; k++) {
      const t = this.#torrents[this.#cursor] as SimTorrent;
      this.#cursor = (this.#cursor + 1) % this.#torrents.length;
      if (t.status === 0) continue;
      t.rateUpload = (this.#now * 7919 + k) % 2_000_000;
      t.uploadedEver += t.rateUpload * SECONDS_PER_POLL;
      t.peersGettingFromUs = (this.#now + k) % 7;
      t.activity = this.#now;
      speed += t.rateUpload;
    }
    this.#uploaded += speed * SECONDS_PER_POLL;
    this.#uploadSpeed = speed;
    const changes = Math.round(this.#torrents.length * (this.#options.quietChanges ?? 0.0005));
    for (let c = 0; c < changes; c++) this.#quietChange();
  }

  /** One change to a torrent drawn at random (nearly always a quiet one). */
  #quietChange(): void {
    const kind = Math.floor(this.#random() * 5);
    if (kind === 3) {
      this.#add(this.#nextId + 1_000_000, this.#now);
      return;
    }
    const index = Math.floor(this.#random() * this.#torrents.length);
    const t = this.#torrents[index];
    if (t === undefined) return;
    if (kind === 0 || kind === 1) {
      // A stop or a start: 3.00 makes the torrent recently active.
      if (t.status === 6) t.seededBefore += this.#now - t.seedingSince;
      else t.seedingSince = this.#now;
      t.status = t.status === 0 ? 6 : 0;
      t.rateUpload = 0;
      t.peersGettingFromUs = 0;
      t.activity = this.#now;
    } else if (kind === 2) {
      this.#torrents.splice(index, 1);
      this.#removed.push({ id: t.id, date: this.#now });
    } else {
      // A tracker error (or its end): no activity, seen only in a full list.
      t.error = t.error === 2 ? 0 : 2;
      t.errorString = t.error === 2 ? "Tracker gave an error: Unregistered torrent" : "";
    }
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const parts: Buffer[] = [];
    req.on("data", (chunk: Buffer) => parts.push(chunk));
    req.on("end", () => {
      if (req.headers.authorization !== this.#authorization) {
        res
          .writeHead(401, {
            "www-authenticate": 'Basic realm="Transmission"',
            "content-type": "text/html; charset=ISO-8859-1",
          })
          .end(
            "<h1>401: Unauthorized</h1><p>Unauthorized User. 1 unsuccessful login attempts.</p>",
          );
        return;
      }
      if (req.headers["x-transmission-session-id"] !== this.#sessionId) {
        res
          .writeHead(409, {
            "x-transmission-session-id": this.#sessionId,
            "content-type": "text/html; charset=ISO-8859-1",
          })
          .end(
            `<h1>409: Conflict</h1><p>Your request had an invalid session-id header.</p><p><code>X-Transmission-Session-Id: ${this.#sessionId}</code></p>`,
          );
        return;
      }
      let request: { method?: string; arguments?: Record<string, unknown>; tag?: number };
      try {
        request = JSON.parse(Buffer.concat(parts).toString());
      } catch {
        send(req, res, JSON.stringify({ arguments: {}, result: "invalid JSON" }));
        return;
      }
      const args = request.arguments ?? {};
      const answer = (result: string, values: unknown) =>
        send(req, res, JSON.stringify({ arguments: values, result, tag: request.tag }));
      switch (request.method) {
        case "session-stats":
          return answer("success", this.#sessionStats());
        case "session-get": {
          const all: Record<string, unknown> = {
            "download-dir": "/srv/torrents",
            "rpc-version": 16,
            "rpc-version-minimum": 1,
            "session-id": this.#sessionId,
            version: "3.00 (bb6b5a062e)",
          };
          const fields = Array.isArray(args.fields) ? (args.fields as string[]) : Object.keys(all);
          return answer(
            "success",
            Object.fromEntries(fields.filter((f) => f in all).map((f) => [f, all[f]])),
          );
        }
        case "free-space":
          return answer("success", { path: args.path, "size-bytes": 2_000_000_000_000 });
        case "torrent-get":
          // A poll's list (all, or recently-active); not a follow-up for some ids.
          if (!Array.isArray(args.ids)) this.#tick();
          return answer("success", this.#torrentGet(args));
        default:
          return answer("method name not recognized", {});
      }
    });
  }

  #sessionStats(): Record<string, unknown> {
    const seconds = Math.floor((Date.now() - this.#started) / 1000);
    const paused = this.#torrents.filter((t) => t.status === 0).length;
    return {
      activeTorrentCount: this.#torrents.length - paused,
      "cumulative-stats": {
        downloadedBytes: 9_000_000_000_000,
        filesAdded: this.#torrents.length,
        secondsActive: 86_400_000 + seconds,
        sessionCount: 42,
        uploadedBytes: this.#uploaded,
      },
      "current-stats": {
        downloadedBytes: 0,
        filesAdded: 0,
        secondsActive: seconds,
        sessionCount: 1,
        uploadedBytes: this.#uploaded - 40_000_000_000_000,
      },
      downloadSpeed: 0,
      pausedTorrentCount: paused,
      torrentCount: this.#torrents.length,
      uploadSpeed: this.#uploadSpeed,
    };
  }

  #torrentGet(args: Record<string, unknown>): Record<string, unknown> {
    const fields = (Array.isArray(args.fields) ? (args.fields as string[]) : []).filter(
      (f) => f in GETTERS,
    );
    let selected = this.#torrents;
    const recent = args.ids === "recently-active";
    if (recent) selected = selected.filter((t) => t.activity >= this.#now - RECENT_SECONDS);
    else if (Array.isArray(args.ids)) {
      const wanted = new Set(args.ids);
      selected = selected.filter((t) => wanted.has(t.id) || wanted.has(t.hash));
    }
    const getters = fields.map((f) => GETTERS[f] as Getter);
    const now = this.#now;
    const torrents =
      args.format === "table"
        ? [fields, ...selected.map((t) => getters.map((get) => get(t, now)))]
        : selected.map((t) =>
            Object.fromEntries(fields.map((f, i) => [f, (getters[i] as Getter)(t, now)])),
          );
    const removed = this.#removed
      .filter((r) => r.date >= this.#now - RECENT_SECONDS)
      .map((r) => r.id);
    return recent ? { removed, torrents } : { torrents };
  }
}

/** A field's value for torrent `t` at simulated time `now` (Unix seconds). */
type Getter = (t: SimTorrent, now: number) => unknown;

/** Every field an exporter may ask for, with 3.00's names and value shapes. */
const GETTERS: Readonly<Record<string, Getter>> = {
  id: (t) => t.id,
  hashString: (t) => t.hash,
  name: (t) => t.name,
  status: (t) => t.status,
  error: (t) => t.error,
  errorString: (t) => t.errorString,
  sizeWhenDone: (t) => t.size,
  totalSize: (t) => t.size,
  leftUntilDone: () => 0,
  // 3.00 answers 0 for a field it does not know (fileCount is 4.0's).
  fileCount: () => 0,
  percentDone: () => 1,
  haveValid: (t) => t.size,
  downloadedEver: (t) => t.size,
  uploadedEver: (t) => t.uploadedEver,
  rateDownload: () => 0,
  rateUpload: (t) => t.rateUpload,
  uploadRatio: (t) => Math.round((t.uploadedEver / t.size) * 10000) / 10000,
  labels: (t) => t.labels,
  addedDate: (t) => t.addedDate,
  doneDate: (t) => t.addedDate + 3600,
  activityDate: (t) => t.activity,
  // The real 3.00 daemon counts it up every second a torrent seeds, active or not (seen against
  // it in this project's Transmission contract setup): a running seed's row changes every poll.
  secondsSeeding: (t, now) => t.seededBefore + (t.status === 6 ? now - t.seedingSince : 0),
  downloadDir: () => "/srv/torrents",
  peersConnected: (t) => t.peersGettingFromUs,
  peersSendingToUs: () => 0,
  peersGettingFromUs: (t) => t.peersGettingFromUs,
  isFinished: () => false,
  isStalled: (t) => t.rateUpload === 0,
  queuePosition: (t) => t.id - 1,
  eta: () => -1,
  isPrivate: () => true,
  trackers: (t) => [
    {
      announce: `https://${t.tracker}/announce.php?passkey=0123456789abcdef0123456789abcdef`,
      id: 0,
      scrape: `https://${t.tracker}/scrape.php?passkey=0123456789abcdef0123456789abcdef`,
      tier: 0,
    },
  ],
  trackerStats: (t) => [
    {
      announce: `https://${t.tracker}/announce.php?passkey=0123456789abcdef0123456789abcdef`,
      announceState: t.status === 0 ? 0 : 1,
      downloadCount: 120,
      hasAnnounced: t.status !== 0,
      hasScraped: true,
      host: `https://${t.tracker}:443`,
      id: 0,
      isBackup: false,
      lastAnnouncePeerCount: 12,
      lastAnnounceResult: t.status === 0 ? "" : t.error === 2 ? "Unregistered torrent" : "Success",
      lastAnnounceStartTime: t.lastAnnounce,
      lastAnnounceSucceeded: t.status !== 0 && t.error !== 2,
      lastAnnounceTime: t.lastAnnounce,
      lastAnnounceTimedOut: false,
      lastScrapeResult: "",
      lastScrapeStartTime: t.lastAnnounce,
      lastScrapeSucceeded: true,
      lastScrapeTime: t.lastAnnounce,
      lastScrapeTimedOut: false,
      leecherCount: 1,
      nextAnnounceTime: t.lastAnnounce + 1800,
      nextScrapeTime: t.lastAnnounce + 1800,
      scrape: `https://${t.tracker}/scrape.php?passkey=0123456789abcdef0123456789abcdef`,
      scrapeState: 1,
      seederCount: 12,
      tier: 0,
    },
  ],
};

function send(req: IncomingMessage, res: ServerResponse, body: string): void {
  const headers: Record<string, string | number> = {
    server: "Transmission",
    "content-type": "application/json; charset=UTF-8",
  };
  const raw = Buffer.from(body);
  if (/gzip/.test(req.headers["accept-encoding"] ?? "")) {
    const zipped = gzipSync(raw);
    res.writeHead(200, { ...headers, "content-encoding": "gzip", "content-length": zipped.length });
    res.end(zipped);
  } else {
    res.writeHead(200, { ...headers, "content-length": raw.length }).end(raw);
  }
}
