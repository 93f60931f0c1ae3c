import assert from "node:assert/strict";
import { once } from "node:events";
import { statfs } from "node:fs/promises";
import { createServer } from "node:net";
import { after, before, describe, it } from "node:test";
import {
  createSessionCounters,
  SESSION_METRIC as M,
  type SessionCounters,
} from "@seedwatch/metrics";
import { freePort, waitFor } from "@seedwatch/metrics/testing";
import { tempDir } from "@seedwatch/testbed";
import { type NginxScgiProxy, startNginxScgiProxy } from "@seedwatch/testbed/nginx";
import { type Opentracker, startOpentracker } from "@seedwatch/testbed/opentracker";
import { type RtorrentInstance, startRtorrent } from "@seedwatch/testbed/rtorrent";
import { type GeneratedTorrent, makeTorrents } from "@seedwatch/testbed/torrents";
import { assertClientProcess } from "../../../../../test/support/process-truth.ts";
import { TorrentStatus as S } from "../../model/status.ts";
import { TorrentTable } from "../../model/torrent-table.ts";
import { TrackerNamer } from "../../model/tracker.ts";
import {
  SourceAuthError,
  SourceConnectionError,
  SourceHttpError,
  SourceProtocolError,
  SourceTimeoutError,
} from "../../net/errors.ts";
import { Credentials } from "../credentials.ts";
import type { PollResult } from "../source.ts";
import { type RtorrentOptions, RtorrentSource } from "./index.ts";
import { parseMethodResponse } from "./xmlrpc/reader.ts";
import type { XmlRpcValue } from "./xmlrpc/value.ts";

const PASSKEY = "0123456789abcdef0123456789abcdef";
const LABEL = "Films & TV/4K 100%";
const SIZE = 512 * 1024;
const USER = "rt";
const PASSWORD = "correct horse";

/** One item as rTorrent's own XML-RPC reports it, read with plain d.* commands by the testbed's client. */
interface Raw {
  hash: string;
  name: string;
  size: number;
  completed: number;
  uploaded: number;
  downloaded: number;
  upRate: number;
  downRate: number;
  ratio: number;
  state: number;
  open: number;
  active: number;
  complete: number;
  message: string;
  label: string;
  directory: string;
  addtime: string;
  started: number;
  finished: number;
  seeds: number;
  leechers: number;
  left: number;
  files: number;
  skipRate: number;
  urls: string[];
}

const RAW_COMMANDS = [
  "d.hash=",
  "d.name=",
  "d.size_bytes=",
  "d.completed_bytes=",
  "d.up.total=",
  "d.down.total=",
  "d.up.rate=",
  "d.down.rate=",
  "d.ratio=",
  "d.state=",
  "d.is_open=",
  "d.is_active=",
  "d.complete=",
  "d.message=",
  "d.custom1=",
  "d.directory=",
  "d.custom=addtime",
  "d.timestamp.started=",
  "d.timestamp.finished=",
  "d.peers_complete=",
  "d.peers_accounted=",
  "d.left_bytes=",
  "d.size_files=",
  "d.skip.rate=",
  "t.multicall=,t.url=",
];

async function rawList(rt: RtorrentInstance): Promise<Raw[]> {
  const rows = parseMethodResponse(
    await rt.call("d.multicall2", "", "main", ...RAW_COMMANDS),
  ) as XmlRpcValue[][];
  return rows.map((c) => ({
    hash: (c[0] as string).toLowerCase(),
    name: c[1] as string,
    size: c[2] as number,
    completed: c[3] as number,
    uploaded: c[4] as number,
    downloaded: c[5] as number,
    upRate: c[6] as number,
    downRate: c[7] as number,
    ratio: c[8] as number,
    state: c[9] as number,
    open: c[10] as number,
    active: c[11] as number,
    complete: c[12] as number,
    message: c[13] as string,
    label: c[14] as string,
    directory: c[15] as string,
    addtime: c[16] as string,
    started: c[17] as number,
    finished: c[18] as number,
    seeds: c[19] as number,
    leechers: c[20] as number,
    left: c[21] as number,
    files: c[22] as number,
    skipRate: c[23] as number,
    urls: (c[24] as XmlRpcValue[][]).map((t) => t[0] as string),
  }));
}

/** One global figure, straight from rTorrent. */
async function rawGlobal(rt: RtorrentInstance, method: string): Promise<XmlRpcValue> {
  return parseMethodResponse(await rt.call(method, ""));
}

async function rawGlobals(rt: RtorrentInstance) {
  return {
    up: await rawGlobal(rt, "throttle.global_up.total"),
    down: await rawGlobal(rt, "throttle.global_down.total"),
    upRate: await rawGlobal(rt, "throttle.global_up.rate"),
    downRate: await rawGlobal(rt, "throttle.global_down.rate"),
    version: await rawGlobal(rt, "system.client_version"),
  };
}

/** Connected peers by kind, from rTorrent's own p.multicall of every item. */
async function peerCensus(rt: RtorrentInstance): Promise<Record<string, number>> {
  const flags = ["encrypted", "incoming", "obfuscated", "preferred", "snubbed", "unwanted"];
  const census: Record<string, number> = { total: 0 };
  for (const flag of flags) census[flag] = 0;
  for (const raw of await rawList(rt)) {
    const peers = parseMethodResponse(
      await rt.call("p.multicall", raw.hash.toUpperCase(), "", ...flags.map((f) => `p.is_${f}=`)),
    ) as number[][];
    for (const peer of peers) {
      census.total = (census.total ?? 0) + 1;
      flags.forEach((f, i) => {
        if (peer[i] !== 0) census[f] = (census[f] ?? 0) + 1;
      });
    }
  }
  return census;
}

function newSource(
  url: string,
  password = PASSWORD,
  options: Partial<Pick<RtorrentOptions, "peerCensusEveryMs">> = {},
) {
  const session = createSessionCounters();
  const unknown: string[] = [];
  const source = new RtorrentSource(
    { url, credentials: Credentials.login(USER, password), ...options },
    { target: "rt", session, onUnknownState: (s) => unknown.push(s) },
  );
  return { source, session, unknown };
}

const newTable = () => new TorrentTable(new TrackerNamer({ rename: {}, categoryAsTracker: false }));
const poll = (source: RtorrentSource, ms = 15_000) => source.poll(AbortSignal.timeout(ms));

/**
 * Polls until rTorrent gives the same answer just before and just after our poll (bytes and
 * rates move), and returns that poll with the answer.
 */
async function stablePoll(rt: RtorrentInstance, source: RtorrentSource, table: TorrentTable) {
  for (let attempt = 0; ; attempt++) {
    const before = JSON.stringify([await rawList(rt), await rawGlobals(rt)]);
    const result = await poll(source);
    table.apply(result);
    const list = await rawList(rt);
    const globals = await rawGlobals(rt);
    if (before === JSON.stringify([list, globals])) return { result, list, globals };
    assert.ok(attempt < 30, "rTorrent never held still long enough to compare");
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

for (const kind of ["tcp", "unix", "http"] as const) {
  const over = kind === "http" ? "HTTP through nginx with basic auth" : `SCGI over ${kind}`;
  describe(`rTorrent source against real rTorrent 0.9.8, ${over}`, { timeout: 300_000 }, () => {
    let dir: { path: string; remove(): Promise<void> };
    let tracker: Opentracker;
    let seeder: RtorrentInstance;
    let leecher: RtorrentInstance;
    let nginx: NginxScgiProxy | undefined;
    let url: string;
    let moved: GeneratedTorrent[];
    let paused: GeneratedTorrent;
    let stopped: GeneratedTorrent;
    let dead: GeneratedTorrent;

    before(async () => {
      dir = await tempDir(`rt-source-${kind}`);
      tracker = await startOpentracker();
      seeder = await startRtorrent({
        transport: kind === "unix" ? "unix" : "tcp",
        // DHT on (still loopback only) for one of them, to see its statistics filled in.
        rcLines: kind === "tcp" ? ["dht.mode.set = on", `dht.port.set = ${await freePort()}`] : [],
      });
      leecher = await startRtorrent({
        transport: "tcp",
        rcLines: ["network.bind_address.set = 127.0.0.2", "network.local_address.set = 127.0.0.2"],
      });
      url = seeder.url;
      if (kind === "http") {
        nginx = await startNginxScgiProxy({
          scgiUrl: seeder.url,
          username: USER,
          password: PASSWORD,
        });
        url = nginx.url;
      }
      const made = await makeTorrents({
        dir: dir.path,
        count: 4,
        size: SIZE,
        announce: [tracker.announceUrl(PASSKEY)],
      });
      await tracker.allow(made.map((t) => t.infoHash));
      [dead] = (await makeTorrents({
        dir: dir.path,
        count: 1,
        size: SIZE,
        prefix: "dead",
        announce: [`http://127.0.0.1:${await freePort()}/announce?passkey=${PASSKEY}`],
      })) as [GeneratedTorrent];
      moved = made.slice(0, 2);
      [paused, stopped] = made.slice(2) as [GeneratedTorrent, GeneratedTorrent];
      const payloadDir = made[0]?.payloadDir as string;
      await seeder.addTorrents(moved, { start: true, directory: payloadDir, label: LABEL });
      await seeder.addTorrents([paused, dead], {
        start: true,
        directory: payloadDir,
      });
      await seeder.addTorrents([stopped]);
      await leecher.addTorrents(moved, { start: true });
      await waitFor(
        "the leecher to download both torrents from the seeder",
        async () => {
          const rows = await rawList(leecher);
          return rows.length === 2 && rows.every((r) => r.complete === 1) ? true : undefined;
        },
        { timeoutMs: 120_000, intervalMs: 500 },
      );
      await seeder.call("d.pause", paused.infoHash.toUpperCase());
      await waitFor("the dead tracker's failure", async () =>
        (await rawList(seeder)).some((r) => r.message.startsWith("Tracker: [")) ? true : undefined,
      );
    });
    after(async () => {
      await nginx?.stop();
      await leecher?.stop();
      await seeder?.stop();
      await tracker?.stop();
      await dir?.remove();
    });

    it("exports every torrent and global figure exactly as rTorrent's own XML-RPC reports it", async () => {
      const { source, session, unknown } = newSource(url);
      const table = newTable();
      try {
        const { result, list, globals } = await stablePoll(seeder, source, table);
        assert.equal(table.size, 5);
        assert.equal(list.length, 5);
        for (const raw of list) {
          const row = table.get(raw.hash);
          assert.ok(row, `${raw.name} is in the table under its lower-case hash`);
          assert.equal(row.name, raw.name);
          assert.equal(row.size, raw.size);
          assert.equal(row.uploaded, raw.uploaded);
          assert.equal(row.downloaded, raw.downloaded);
          assert.equal(row.uploadRate, raw.upRate);
          assert.equal(row.downloadRate, raw.downRate);
          assert.equal(row.ratio, raw.ratio / 1000);
          assert.equal(row.progress, raw.complete === 1 ? 1 : raw.completed / raw.size);
          assert.equal(row.category, decodeURIComponent(raw.label));
          assert.equal(row.savePath, raw.directory);
          assert.equal(row.message, raw.message);
          assert.equal(row.addedOn, Number(raw.addtime));
          assert.equal(row.completedOn, raw.finished);
          assert.equal(row.seeds, raw.seeds);
          assert.equal(row.leechers, raw.leechers);
          assert.equal(row.started, raw.state === 1, "d.state");
          assert.equal(row.left, raw.left, "d.left_bytes");
          assert.equal(row.files, raw.files, "d.size_files");
          assert.equal(row.skipRate, raw.skipRate, "d.skip.rate");
          assert.deepEqual(
            row.trackerHosts,
            raw.urls.map((u) => new URL(u).hostname),
          );
          assert.equal(row.tracker, "127.0.0.1", "the announce host, never the URL");
        }
        const get = (t: GeneratedTorrent) => table.get(t.infoHash);
        for (const t of moved) {
          const raw = list.find((r) => r.hash === t.infoHash);
          assert.equal(get(t)?.status, (raw?.upRate ?? 0) > 0 ? S.Uploading : S.Stalled);
          assert.equal(get(t)?.category, LABEL);
          assert.equal(get(t)?.uploaded, SIZE, "the leecher took the whole payload from us");
          assert.equal(get(t)?.trackerError, false, "opentracker answers");
          assert.equal(get(t)?.progress, 1);
        }
        assert.equal(get(paused)?.status, S.Paused);
        assert.equal(get(stopped)?.status, S.Paused);
        assert.equal(get(stopped)?.progress, 0);
        assert.equal(get(dead)?.status, S.Stalled);
        assert.equal(get(dead)?.trackerError, true);
        assert.match(get(dead)?.message ?? "", /^Tracker: \[/);
        assert.equal(table.trackers.get("127.0.0.1")?.errors, 1);
        // The classes are rTorrent's own views: each view's size is our count.
        const views = {
          main: "total",
          started: "started",
          stopped: "stopped",
          complete: "complete",
          incomplete: "incomplete",
          seeding: "seeding",
          leeching: "downloading",
        } as const;
        for (const [view, field] of Object.entries(views)) {
          const size = parseMethodResponse(await seeder.call("view.size", "", view));
          assert.equal(table.classes[field], size, `view.size of ${view}`);
          assert.equal(table.trackerFigures.get("127.0.0.1")?.classes[field], size);
        }
        assert.equal(
          table.sizes.left,
          list.reduce((n, r) => n + r.left, 0),
        );
        assert.ok(table.sizes.left >= SIZE, "the stopped item has everything left");
        assert.equal(
          table.sizes.files,
          list.reduce((n, r) => n + r.files, 0),
        );
        // Peers by kind against rTorrent's own p.multicall of every item.
        const census = await peerCensus(seeder);
        assert.deepEqual(result.peers, census, "pt_peers");

        const client = result.client;
        assert.equal(client.version, globals.version);
        assert.equal(client.version, "0.9.8");
        assert.equal(client.uploadedTotal, globals.up);
        assert.equal(client.downloadedTotal, globals.down);
        assert.equal(client.uploadRate, globals.upRate);
        assert.equal(client.downloadRate, globals.downRate);
        assert.ok(
          (client.uploadedTotal ?? 0) > 2 * SIZE,
          "every byte sent to peers, overhead included",
        );
        const fs = await statfs(moved[0]?.payloadDir as string);
        const free = fs.bavail * fs.bsize;
        assert.ok(
          client.freeSpace !== undefined && Math.abs(client.freeSpace - free) < free * 0.01,
        );

        assert.equal(session.get(M.BW_TOTAL_UPLOADED), globals.up);
        assert.equal(session.get(M.BW_TOTAL_DOWNLOADED), globals.down);
        assert.equal(session.get(M.BW_UPLOAD_RATE), globals.upRate);
        assert.equal(
          session.get(M.BW_PAYLOAD_UPLOAD_RATE),
          list.reduce((s, r) => s + r.upRate, 0),
        );
        assert.equal(session.isFilled(M.NET_BYTES_SENT), false, "rTorrent has no such figure");
        assert.equal(session.isFilled(M.DISK_READ_BYTES), false, "rTorrent has no such figure");
        await assertDht(seeder, session, kind === "tcp");

        assert.doesNotMatch(JSON.stringify([...table.rows()]), /passkey|announce|0123456789abcdef/);
        assert.deepEqual(unknown, []);
        // Nothing changed since: the next poll sends nothing.
        const next = await poll(source);
        if (JSON.stringify(await rawList(seeder)) === JSON.stringify(list)) {
          assert.deepEqual(next.patches, []);
        }
        assert.equal(next.reset, false);
      } finally {
        await source.close();
      }
    });

    it("reports its engine as rTorrent's own XML-RPC does, and its process as ps does", async () => {
      const { source, session } = newSource(url);
      const engineRaw = async () => ({
        sockets: await rawGlobal(seeder, "network.open_sockets"),
        http: await rawGlobal(seeder, "network.http.current_open"),
        unchoked: await rawGlobal(seeder, "throttle.unchoked_uploads"),
        downloading: await rawGlobal(seeder, "throttle.unchoked_downloads"),
        syncQueue: await rawGlobal(seeder, "pieces.sync.queue_size"),
      });
      try {
        let compared = false;
        for (let attempt = 0; attempt < 30 && !compared; attempt++) {
          const before = await engineRaw();
          const { client } = await poll(source);
          const after = await engineRaw();
          if (JSON.stringify(before) !== JSON.stringify(after)) continue;
          const engine = client.engine ?? {};
          assert.equal(engine.openSockets, after.sockets);
          assert.equal(engine.openHttpRequests, after.http);
          assert.equal(engine.openFiles, undefined, "0.9.8 has no network.open_files");
          assert.equal(engine.libraryVersion, await rawGlobal(seeder, "system.library_version"));
          assert.equal(engine.libraryVersion, "0.13.8");
          assert.equal(engine.pid, seeder.daemon.pid);
          assert.equal(engine.startTimeSeconds, undefined, "0.9.8 has no startup_time");
          assert.equal(session.get(M.PEER_NUM_UNCHOKED), after.unchoked);
          assert.equal(session.get(M.PEER_NUM_DOWNLOADING), after.downloading);
          assert.equal(session.get(M.DISK_QUEUE_DEPTH), after.syncQueue);
          assert.equal(session.isFilled(M.SES_UPTIME_SECS), false);
          compared = true;
        }
        assert.ok(compared, "rTorrent never held still long enough to compare");
        await assertClientProcess("rtorrent", url, seeder.daemon.pid, seeder.daemon.pid);
      } finally {
        await source.close();
      }
    });

    it("counts the bytes really moved between the two rTorrents", async () => {
      const { source } = newSource(leecher.url);
      const table = newTable();
      try {
        const { result, globals } = await stablePoll(leecher, source, table);
        for (const t of moved) {
          const row = table.get(t.infoHash);
          assert.equal(row?.downloaded, SIZE, "payload bytes, exactly");
          assert.equal(row?.progress, 1);
          assert.equal(row?.savePath, leecher.downloadDir);
        }
        assert.equal(table.trackers.get("127.0.0.1")?.downloaded, 2 * SIZE);
        assert.equal(result.client.downloadedTotal, globals.down);
        assert.ok((result.client.downloadedTotal ?? 0) > 2 * SIZE, "overhead included");
      } finally {
        await source.close();
      }
    });

    // The census does not depend on the transport: asked over TCP only, not skipped elsewhere.
    const overTcp = kind === "tcp" ? it : () => {};
    overTcp("counts connected peers by kind as rTorrent's own p.multicall does", async () => {
      const [big] = (await makeTorrents({
        dir: dir.path,
        count: 1,
        size: 8 * 1024 * 1024,
        prefix: "peers",
        announce: [tracker.announceUrl(PASSKEY)],
      })) as [GeneratedTorrent];
      const hash = big.infoHash.toUpperCase();
      await tracker.allow([big.infoHash]);
      await seeder.addTorrents([big], { start: true, directory: big.payloadDir });
      // A slow leecher keeps the two connected for the whole test.
      await leecher.call("throttle.global_down.max_rate.set_kb", "", 16);
      await leecher.addTorrents([big], { start: true });
      const { source } = newSource(url, PASSWORD, { peerCensusEveryMs: 0 });
      try {
        await waitFor(
          "the leecher to connect to the seeder",
          async () => ((await peerCensus(seeder)).total ?? 0) > 0 || undefined,
          { timeoutMs: 60_000, intervalMs: 500 },
        );
        for (let attempt = 0; ; attempt++) {
          const before = await peerCensus(seeder);
          const result = await poll(source);
          const after = await peerCensus(seeder);
          if (JSON.stringify(before) !== JSON.stringify(after) && attempt < 20) continue;
          assert.deepEqual(result.peers, after);
          assert.ok((after.total ?? 0) >= 1, "a connected peer");
          break;
        }
      } finally {
        await source.close();
        await leecher.call("throttle.global_down.max_rate.set_kb", "", 0);
        await seeder.call("d.erase", hash);
        await leecher.call("d.erase", hash);
      }
    });

    it("times out on a hung rTorrent without waiting for it, and answers again after it resumes", async () => {
      const { source } = newSource(url);
      try {
        await poll(source);
        seeder.daemon.signal("SIGSTOP");
        try {
          await assert.rejects(poll(source, 1500), (error: unknown) => {
            assert.ok(error instanceof SourceTimeoutError, String(error));
            assert.match(error.message, /no answer in time/);
            return true;
          });
        } finally {
          seeder.daemon.signal("SIGCONT");
        }
        const again = await poll(source);
        assert.equal(again.reset, true, "a failed poll is followed by a full resync");
        assert.equal(again.patches.length, 5);
      } finally {
        await source.close();
      }
    });

    it("recovers from a killed rTorrent with sane counters", async () => {
      const { source } = newSource(url);
      const table = newTable();
      try {
        table.apply(await poll(source));
        const trackerBefore = table.trackers.get("127.0.0.1")?.uploaded ?? 0;
        assert.ok(trackerBefore >= 2 * SIZE);
        seeder.daemon.signal("SIGKILL");
        await waitFor("rTorrent to be gone", () => (seeder.daemon.running ? undefined : true));
        await assert.rejects(poll(source), (error: unknown) =>
          kind === "http"
            ? error instanceof SourceHttpError && error.status === 502
            : error instanceof SourceConnectionError,
        );
        await seeder.restart();
        const early = (await rawGlobals(seeder)).up as number;
        const result = await poll(source);
        const late = (await rawGlobals(seeder)).up as number;
        table.apply(result);
        assert.equal(result.reset, true);
        assert.equal(table.size, 5, "the session dir brought every item back");
        assert.ok(
          (table.trackers.get("127.0.0.1")?.uploaded ?? 0) >= trackerBefore,
          "a restart never lowers a tracker counter",
        );
        const total = result.client.uploadedTotal ?? -1;
        assert.ok(early <= total && total <= late, "rTorrent's own figure at that moment");
        assert.ok(
          (result.client.uploadedTotal ?? 0) < 2 * SIZE,
          "throttle totals restart with the process",
        );
      } finally {
        await source.close();
      }
    });

    if (kind === "http") {
      it("refuses a wrong nginx password with a clear SourceAuthError that does not repeat it", async () => {
        const { source } = newSource(url, "not-the-password");
        await assert.rejects(poll(source), (error: unknown) => {
          assert.ok(error instanceof SourceAuthError);
          assert.match(
            error.message,
            /^POST http:\/\/127\.0\.0\.1:\d+\/RPC2: HTTP 401 \(wrong user name or password\)$/,
          );
          assert.doesNotMatch(error.message, /not-the-password/);
          return true;
        });
        await source.close();
      });
    }
  });
}

/** DHT figures are filled only while rTorrent's DHT runs, and then equal `dht.statistics`. */
async function assertDht(rt: RtorrentInstance, session: SessionCounters, on: boolean) {
  const stats = (await rawGlobal(rt, "dht.statistics")) as Record<string, XmlRpcValue>;
  assert.equal(stats.active, on ? 1 : 0);
  assert.equal(session.isFilled(M.DHT_NODES), on);
  if (on) {
    assert.equal(session.get(M.DHT_NODES), stats.nodes);
    assert.equal(session.get(M.DHT_BYTES_OUT), stats.bytes_written);
  }
}

/** Every exported field of every row equals rTorrent's own answer, and nothing else is in the table. */
function assertMatches(table: TorrentTable, list: readonly Raw[], when: string): void {
  assert.equal(table.size, list.length, `${when}: as many torrents as rTorrent has`);
  for (const raw of list) {
    const row = table.get(raw.hash);
    assert.ok(row, `${when}: ${raw.name} is in the table`);
    const expected = {
      name: raw.name,
      size: raw.size,
      uploaded: raw.uploaded,
      downloaded: raw.downloaded,
      uploadRate: raw.upRate,
      downloadRate: raw.downRate,
      ratio: raw.ratio / 1000,
      progress: raw.complete === 1 ? 1 : raw.completed / raw.size,
      category: decodeURIComponent(raw.label),
      savePath: raw.directory,
      message: raw.message,
      completedOn: raw.finished,
      seeds: raw.seeds,
      leechers: raw.leechers,
    };
    const actual = Object.fromEntries(
      Object.keys(expected).map((k) => [k, row[k as keyof typeof row]]),
    );
    assert.deepEqual(actual, expected, `${when}: ${raw.name}`);
  }
}

describe("rTorrent source: a change to a quiet torrent is seen at the next poll, without a full list", {
  timeout: 300_000,
}, () => {
  let dir: { path: string; remove(): Promise<void> };
  let rt: RtorrentInstance;
  let seeding: GeneratedTorrent[];
  let unchecked: GeneratedTorrent;
  let later: GeneratedTorrent;

  before(async () => {
    dir = await tempDir("rt-quiet");
    rt = await startRtorrent({ transport: "tcp" });
    const announce = [`http://127.0.0.1:${await freePort()}/announce?passkey=${PASSKEY}`];
    seeding = await makeTorrents({ dir: dir.path, count: 4, size: SIZE, announce });
    [unchecked, later] = (await makeTorrents({
      dir: dir.path,
      count: 2,
      size: SIZE,
      prefix: "extra",
      announce,
    })) as [GeneratedTorrent, GeneratedTorrent];
    const payloadDir = seeding[0]?.payloadDir as string;
    await rt.addTorrents(seeding, { start: true, directory: payloadDir });
    // Loaded stopped on its data: incomplete until a start checks it.
    await rt.addTorrents([unchecked], { directory: payloadDir });
  });
  after(async () => {
    await rt?.stop();
    await dir?.remove();
  });

  it("stop, close, open, pause, error, erase, add, finish and restart, each seen by the next poll", async () => {
    const { source, unknown } = newSource(rt.url);
    const table = newTable();
    const h = (t: GeneratedTorrent) => t.infoHash.toUpperCase();
    const step = async (when: string) => {
      const result = await poll(source);
      table.apply(result);
      assertMatches(table, await rawList(rt), when);
      return result;
    };
    const [a, b, c, d] = seeding as [
      GeneratedTorrent,
      GeneratedTorrent,
      GeneratedTorrent,
      GeneratedTorrent,
    ];
    try {
      await waitFor("the seeding torrents to be open and checked", async () =>
        (await rawList(rt)).filter((r) => r.complete === 1).length === 4 ? true : undefined,
      );
      await step("first poll");
      assert.equal(source.fullLists, 1);

      await rt.call("d.stop", h(a));
      await step("after d.stop");
      assert.equal(table.get(a.infoHash)?.status, S.Paused);
      await rt.call("d.close", h(a));
      await step("after d.close");
      assert.equal(table.get(a.infoHash)?.open, false);
      assert.equal(table.events.closed, 1);
      await rt.call("d.open", h(a));
      await step("after d.open");
      assert.equal(table.get(a.infoHash)?.open, true);
      assert.deepEqual([table.events.opened, table.events.closed], [1, 1]);

      await rt.call("d.pause", h(b));
      await step("after d.pause");
      assert.equal(table.get(b.infoHash)?.status, S.Paused);

      await rt.call("d.message.set", h(c), 'Tracker: [Failure reason "Unregistered torrent"]');
      await step("after a tracker error");
      assert.equal(table.get(c.infoHash)?.trackerError, true);
      await rt.call("d.message.set", h(c), "");
      await step("after the error cleared");
      assert.equal(table.get(c.infoHash)?.trackerError, false);
      await rt.call("d.message.set", h(d), "Storage error: [disk full]");
      await step("after a local error");
      assert.equal(table.get(d.infoHash)?.status, S.Errored);

      await rt.call("d.erase", h(c));
      const erased = await step("after d.erase");
      assert.deepEqual(erased.removed, [c.infoHash]);

      await rt.addTorrents([later]);
      await step("after an add");
      assert.ok(table.get(later.infoHash));

      await rt.call("d.erase", h(later));
      await rt.addTorrents([later]);
      await step("after an erase and an add of the same torrent");

      assert.equal(table.get(unchecked.infoHash)?.progress, 0);
      await rt.call("d.start", h(unchecked));
      await waitFor("the started torrent's check to finish it", async () =>
        (await rawList(rt)).find((r) => r.hash === unchecked.infoHash)?.complete === 1
          ? true
          : undefined,
      );
      await step("after it finished");
      assert.equal(table.get(unchecked.infoHash)?.progress, 1);

      await rt.call("d.start", h(a));
      await step("after d.start");
      assert.notEqual(table.get(a.infoHash)?.status, S.Paused);
      assert.equal(source.fullLists, 1, "every change above was seen without a full list");

      // rTorrent forgets views and handlers when it restarts: the source installs them again.
      await rt.restart();
      await step("after rTorrent restarted");
      assert.equal(source.fullLists, 2);
      await rt.call("d.stop", h(d));
      await step("after d.stop, rTorrent restarted");
      assert.equal(source.fullLists, 2, "the views are back: no full list");

      // A label set on a quiet torrent fires no event: the periodic full list shows it.
      await rt.call("d.custom1.set", h(b), "later");
      await poll(source).then((r) => table.apply(r));
      assert.equal(table.get(b.infoHash)?.category, "", "not seen before the full list");
      assert.deepEqual(unknown, []);
    } finally {
      await source.close();
    }
  });

  it("reads the whole list again after the full-list interval, and shows a label then", async () => {
    let now = 1_000_000;
    const session = createSessionCounters();
    const source = new RtorrentSource(
      { url: rt.url, fullListEveryMs: 60_000, now: () => now },
      { target: "interval", session, onUnknownState: () => {} },
    );
    const table = newTable();
    const [, b] = seeding as [GeneratedTorrent, GeneratedTorrent];
    try {
      table.apply(await poll(source));
      await rt.call("d.custom1.set", b.infoHash.toUpperCase(), "films");
      now += 10_000;
      table.apply(await poll(source));
      assert.equal(source.fullLists, 1);
      now += 50_000;
      table.apply(await poll(source));
      assert.equal(source.fullLists, 2, "a full list once the interval is over");
      assertMatches(table, await rawList(rt), "after the full list");
      assert.equal(table.get(b.infoHash)?.category, "films");
      now += 51_000;
      table.apply(await poll(source));
      assert.equal(
        source.fullLists,
        3,
        "more than 50 s since the last read: rates may hide a move",
      );
    } finally {
      await source.close();
    }
  });
});

describe("rTorrent source against bad answers and limits", { timeout: 120_000 }, () => {
  it("gives SourceProtocolError for a server that answers garbage", async () => {
    const server = createServer((socket) => {
      socket.on("error", () => {});
      socket.end("Status: 200 OK\r\nContent-Type: text/xml\r\n\r\n<html>not xml-rpc</html>");
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { source } = newSource(`scgi://127.0.0.1:${(server.address() as { port: number }).port}`);
    try {
      await assert.rejects(poll(source), (error: unknown) => {
        assert.ok(error instanceof SourceProtocolError, String(error));
        // The views' system.multicall got garbage too: the whole list is asked for all the same.
        assert.match(
          error.message,
          /d\.multicall2: malformed XML-RPC response: expected <methodResponse>/,
        );
        return true;
      });
    } finally {
      await source.close();
      server.close();
    }
  });

  it("refuses a real answer larger than its limit, and works within it", async () => {
    const rt = await startRtorrent({ transport: "tcp" });
    const dir = await tempDir("rt-limit");
    try {
      const torrents = await makeTorrents({
        dir: dir.path,
        count: 3,
        size: 1000,
        announce: [`http://127.0.0.1:${await freePort()}/announce`],
      });
      await rt.addTorrents(torrents);
      const session = createSessionCounters();
      const small = new RtorrentSource(
        { url: rt.url, limits: { maxBytes: 1000 } },
        { target: "rt", session, onUnknownState: () => {} },
      );
      await assert.rejects(poll(small), /larger than 1000 bytes/);
      const { source } = newSource(rt.url);
      const result: PollResult = await poll(source);
      assert.equal(result.patches.length, 3);
      assert.equal(
        result.client.freeSpace,
        undefined,
        "no item is open: no figure rather than a wrong one",
      );
      assert.ok(source.bytesReceived > 1000);
      assert.equal(source.requests, 3, "views installed, the whole list, the globals");
      await poll(source);
      assert.equal(
        source.requests,
        8,
        "then two system.multicalls of changes, the two views streamed, the globals",
      );
      assert.equal(source.fullLists, 1);
      await small.close();
      await source.close();
    } finally {
      await rt.stop();
      await dir.remove();
    }
  });
});
