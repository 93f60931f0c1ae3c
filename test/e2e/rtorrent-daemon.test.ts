// seedwatch as a real process with real rTorrents over SCGI (TCP, Unix) and HTTP, and a real Prometheus.

import assert from "node:assert/strict";
import { once } from "node:events";
import { statfs } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { waitFor } from "@seedwatch/metrics/testing";
import { tempDir } from "@seedwatch/testbed";
import { type NginxScgiProxy, startNginxScgiProxy } from "@seedwatch/testbed/nginx";
import { type Opentracker, startOpentracker } from "@seedwatch/testbed/opentracker";
import { type RtorrentInstance, startRtorrent } from "@seedwatch/testbed/rtorrent";
import { type Seedwatch, startSeedwatch } from "@seedwatch/testbed/seedwatch";
import { type GeneratedTorrent, makeTorrents } from "@seedwatch/testbed/torrents";
import { parseMethodResponse } from "../../packages/exporter/src/sources/rtorrent/xmlrpc/reader.ts";
import type { XmlRpcValue } from "../../packages/exporter/src/sources/rtorrent/xmlrpc/value.ts";
import * as checks from "../support/client-checks.ts";
import type { Samples } from "../support/exposition.ts";

const PASSKEY = "fedcba9876543210fedcba9876543210";
const SIZE = 256 * 1024;
const USER = "rt";
const PASSWORD = "s3cret pass";
const GLOBAL = "global: { poll_interval: 1s, timeout: 2s, min_refresh_interval: 0s }\n";

/** One item as rTorrent itself reports it (plain d.* commands through the testbed's own client). */
interface Raw {
  hash: string;
  name: string;
  size: number;
  uploaded: number;
  downloaded: number;
  upRate: number;
  state: number;
  complete: number;
  label: string;
  url: string;
}

async function rawList(rt: RtorrentInstance): Promise<Raw[]> {
  const xml = await rt.call(
    "d.multicall2",
    "",
    "main",
    "d.hash=",
    "d.name=",
    "d.size_bytes=",
    "d.up.total=",
    "d.down.total=",
    "d.up.rate=",
    "d.state=",
    "d.complete=",
    "d.custom1=",
    "t.multicall=,t.url=",
  );
  return (parseMethodResponse(xml) as XmlRpcValue[][]).map((c) => ({
    hash: (c[0] as string).toLowerCase(),
    name: c[1] as string,
    size: c[2] as number,
    uploaded: c[3] as number,
    downloaded: c[4] as number,
    upRate: c[5] as number,
    state: c[6] as number,
    complete: c[7] as number,
    label: decodeURIComponent(c[8] as string),
    url: ((c[9] as XmlRpcValue[][])[0]?.[0] as string) ?? "",
  }));
}

/**
 * An item in the terms of our labels. Here every item is complete or stopped and announces to
 * 127.0.0.1: Paused, else Uploading or Stalled by its rate.
 */
function asClientTorrent(t: Raw): checks.ClientTorrent {
  return {
    hash: t.hash,
    name: t.name,
    tracker: "127.0.0.1",
    size: t.size,
    uploaded: t.uploaded,
    downloaded: t.downloaded,
    status: t.state === 0 ? "Paused" : t.upRate > 0 ? "Uploading" : "Stalled",
    category: t.label,
  };
}

async function rawGlobals(rt: RtorrentInstance): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of ["up.total", "down.total", "up.rate", "down.rate"]) {
    const [direction, figure] = name.split(".");
    out[name] = parseMethodResponse(
      await rt.call(`throttle.global_${direction}.${figure}`, ""),
    ) as number;
  }
  return out;
}

/**
 * A hostile SCGI server for the daemon's `impostor` target: answers every request with whatever
 * `answer(method)` gives (a raw SCGI response), to show garbage and unknown states for what they are.
 */
interface ScgiImpostor {
  readonly url: string;
  answer: (method: string) => string;
  close(): Promise<void>;
}

async function startScgiImpostor(answer: (method: string) => string): Promise<ScgiImpostor> {
  const sockets = new Set<Socket>();
  const impostor = { answer } as ScgiImpostor;
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    let request = "";
    socket.on("data", (chunk: Buffer) => {
      request += chunk.toString("latin1");
      const method = /<methodName>([^<]+)<\/methodName>/.exec(request)?.[1];
      if (method !== undefined && request.endsWith("</methodCall>"))
        socket.end(impostor.answer(method));
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  Object.assign(impostor, {
    url: `scgi://127.0.0.1:${(server.address() as { port: number }).port}`,
    async close() {
      for (const s of sockets) s.destroy();
      server.close();
    },
  });
  return impostor;
}

/** An SCGI response carrying `xml`, with rTorrent's header and CRLF line ends. */
function scgiResponse(xml: string): string {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\r\n${xml}\r\n`;
  return `Status: 200 OK\r\nContent-Type: text/xml\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

const v = (inner: string) => `<value>${inner}</value>`;
const arr = (...items: string[]) => v(`<array><data>\r\n${items.join("\r\n")}\r\n</data></array>`);
const str = (s: string) => v(`<string>${s}</string>`);
const i8 = (n: number) => v(`<i8>${n}</i8>`);
const params = (value: string) =>
  `<methodResponse>\r\n<params>\r\n<param>${value}</param>\r\n</params>\r\n</methodResponse>`;

/** One running, complete item whose `d.hashing` is 9, a value rTorrent 0.9.8 never sends. */
const ODD_LIST = params(
  arr(
    arr(
      str("AB".repeat(20)),
      str("odd"),
      str(""),
      str(""),
      str("/srv/odd"),
      str(""),
      str("1000:1000:0:0:0:0:0:1:1:1:1:0:9:0:0:0:0:0:1:0:0"),
      arr(),
    ),
  ),
);
const ODD_GLOBALS = (withFreeSpace: boolean) =>
  params(
    arr(
      arr(str("0.9.8")),
      arr(str("/srv")),
      arr(i8(1)),
      arr(i8(2)),
      arr(i8(0)),
      arr(i8(0)),
      arr(
        v(
          "<struct>\r\n<member><name>active</name>\r\n<value><i8>0</i8></value></member>\r\n</struct>",
        ),
      ),
      // The engine's commands (network.open_sockets ... pieces.sync.queue_size), all 0.
      ...Array.from({ length: 10 }, () => arr(i8(0))),
      ...(withFreeSpace ? [arr(i8(123_456_789))] : []),
    ),
  );

function target(name: string, url: string, extra = ""): string {
  return `  - { name: ${name}, type: rtorrent, url: "${url}"${extra} }\n`;
}

describe("seedwatch with real rTorrents over SCGI/TCP, SCGI/Unix and HTTP (nginx), real transfers and a real Prometheus", {
  timeout: 600_000,
}, () => {
  let dir: { path: string; remove(): Promise<void> };
  let tracker: Opentracker;
  let seeder: RtorrentInstance;
  let unixLeecher: RtorrentInstance;
  let httpLeecher: RtorrentInstance;
  let nginx: NginxScgiProxy;
  let impostor: ScgiImpostor;
  let seedwatch: Seedwatch;
  let torrents: GeneratedTorrent[];
  let stopped: GeneratedTorrent;
  /** Each rTorrent target's name, its client and the URL seedwatch uses (its `host` label). */
  let clients: Array<{ name: string; rt: RtorrentInstance; url: string }>;

  before(async () => {
    dir = await tempDir("e2e-rtorrent");
    tracker = await startOpentracker();
    seeder = await startRtorrent({ transport: "tcp" });
    unixLeecher = await startRtorrent({
      transport: "unix",
      rcLines: ["network.bind_address.set = 127.0.0.2", "network.local_address.set = 127.0.0.2"],
    });
    httpLeecher = await startRtorrent({
      transport: "tcp",
      rcLines: ["network.bind_address.set = 127.0.0.3", "network.local_address.set = 127.0.0.3"],
    });
    nginx = await startNginxScgiProxy({
      scgiUrl: httpLeecher.url,
      username: USER,
      password: PASSWORD,
    });
    impostor = await startScgiImpostor(() => "Status: 200 OK\r\n\r\n{not xml at all");
    const made = await makeTorrents({
      dir: dir.path,
      count: 4,
      size: SIZE,
      announce: [tracker.announceUrl(PASSKEY)],
    });
    await tracker.allow(made.map((t) => t.infoHash));
    torrents = made.slice(0, 3);
    stopped = made[3] as GeneratedTorrent;
    const payloadDir = made[0]?.payloadDir as string;
    await seeder.addTorrents(torrents.slice(0, 2), {
      start: true,
      directory: payloadDir,
      label: "Movies & TV",
    });
    await seeder.addTorrents(torrents.slice(2), {
      start: true,
      directory: payloadDir,
      label: "music",
    });
    await seeder.addTorrents([stopped], { directory: payloadDir, label: "music" });
    await unixLeecher.addTorrents(torrents, { start: true, label: "leech" });
    await httpLeecher.addTorrents(torrents.slice(0, 2), { start: true });
    for (const rt of [unixLeecher, httpLeecher]) {
      await waitFor(
        "the leechers to download from the seeder",
        async () => ((await rawList(rt)).every((r) => r.complete === 1) ? true : undefined),
        { timeoutMs: 120_000, intervalMs: 500 },
      );
    }
    clients = [
      { name: "seeder", rt: seeder, url: seeder.url },
      { name: "unix-leecher", rt: unixLeecher, url: unixLeecher.url },
      { name: "http-leecher", rt: httpLeecher, url: nginx.url },
    ];
    seedwatch = await startSeedwatch(
      GLOBAL +
        "targets:\n" +
        target("seeder", seeder.url, ", compat: { downloader_exporter: true }") +
        target("unix-leecher", unixLeecher.url) +
        target("http-leecher", nginx.url, `, username: ${USER}, password: "${PASSWORD}"`) +
        target("wrongpass", nginx.url, `, username: ${USER}, password: "not-the-password"`) +
        target("impostor", impostor.url),
    );
  });
  after(async () => {
    await seedwatch?.remove();
    await impostor?.close();
    await nginx?.stop();
    for (const rt of [httpLeecher, unixLeecher, seeder]) await rt?.stop();
    await tracker?.stop();
    await dir?.remove();
  });

  it("exports exactly what each rTorrent reports, and promtool accepts it", async () => {
    for (const { name, rt, url } of clients) {
      // Compare once rTorrent gives the same answer just before and just after our scrape.
      await checks.compareWithClient(seedwatch, name, {
        read: async () => ({ list: await rawList(rt), globals: await rawGlobals(rt) }),
        check: async (m, { list, globals }) => {
          const head = { name, client: "rtorrent", host: url };
          checks.assertClientFigures(m, head, {
            downloaded: globals["down.total"] as number,
            uploaded: globals["up.total"] as number,
            uploadSpeed: globals["up.rate"] as number,
            downloadSpeed: globals["down.rate"] as number,
          });
          assert.equal(m.value("pt_session_bw_total_uploaded_total", head), globals["up.total"]);
          const fs = await statfs(rt.downloadDir);
          const free = fs.bavail * fs.bsize;
          assert.ok(Math.abs(m.value("pt_free_space_on_disk_bytes", head) - free) < free * 0.01);
          for (const t of list) assert.equal(new URL(t.url).hostname, "127.0.0.1");
          const torrents = list.map(asClientTorrent);
          checks.assertTorrentSeries(m, head, torrents);
          checks.assertTrackerAggregates(m, head, torrents);
          assert.equal(
            m.find("pt_torrents_count", head).reduce((s, c) => s + c.value, 0),
            list.length,
          );
          return true;
        },
        secrets: /passkey|announce|fedcba9876543210/,
      });
    }
    const m = await checks.prober(seedwatch, "seeder")();
    // Every piece of the three torrents left the seeder at least once; the leechers may have
    // traded the two torrents they share between themselves, so 5 * SIZE is not guaranteed.
    assert.ok(m.value("pt_upload_bytes_total", { name: "seeder" }) > 3 * SIZE, "real bytes moved");
    assert.equal(
      m.value("pt_torrents_count", { name: "seeder", status: "Paused", category: "music" }),
      1,
    );
    const leech = await checks.prober(seedwatch, "unix-leecher")();
    assert.equal(
      leech.value("pt_tracker_download_bytes_total", { tracker: "127.0.0.1" }),
      3 * SIZE,
    );
  });

  it("serves downloader-exporter's family for the target that asks for it", async () => {
    const m = await checks.scrape(seedwatch);
    const head = { name: "seeder", client: "rtorrent", version: "0.9.8", host: seeder.url };
    checks.assertDownloaderFamily(m, head, 4, "unix-leecher");
  });

  it("is scraped by a real Prometheus that sees the three rTorrents up and the broken targets down", async () => {
    await checks.assertPrometheusSees(
      seedwatch,
      "rtorrent",
      ["http-leecher", "seeder", "unix-leecher"],
      ["impostor", "wrongpass"],
      // What the two leechers took from the seeder.
      [{ query: 'sum(pt_tracker_download_bytes_total{tracker="127.0.0.1"})', value: 5 * SIZE }],
    );
  });

  it("shows a wrong nginx password as down with a clear error, and does not retry at every scrape", async () => {
    await checks.assertBackingOff(
      seedwatch,
      "wrongpass",
      /msg="target is down" target=wrongpass reason=auth err="POST http:\/\/127\.0\.0\.1:\d+\/RPC2: HTTP 401 \(wrong user name or password\)"/,
      /not-the-password|s3cret/,
    );
  });

  it("shows garbage, a truncated answer and an unknown state for what they are", async () => {
    const read = checks.prober(seedwatch, "impostor");
    const protocolErrors = async () =>
      (await read()).value("seedwatch_target_poll_errors_total", { reason: "protocol" });
    checks.assertDown(await read(), "protocol");
    assert.match(
      seedwatch.logs(),
      /target=impostor reason=protocol err="scgi:\/\/127\.0\.0\.1:\d+ d\.multicall2: malformed XML-RPC response: unexpected text at offset 0"/,
    );
    const before = await protocolErrors();
    impostor.answer = (method) => {
      const full = scgiResponse(method === "d.multicall2" ? ODD_LIST : ODD_GLOBALS(true));
      return full.slice(0, full.length - 40);
    };
    await waitFor(
      "the truncated answer counted",
      async () => ((await protocolErrors()) > before ? true : undefined),
      checks.THROUGH_BACKOFF,
    );
    impostor.answer = (method) =>
      scgiResponse(method === "d.multicall2" ? ODD_LIST : ODD_GLOBALS(true));
    const m = await checks.waitForUp("the impostor to be up", read, checks.THROUGH_BACKOFF);
    assert.equal(
      m.value("pt_tracker_torrent_status", { torrent_name: "odd", torrent_hash: "ab".repeat(20) }),
      10,
    );
    assert.equal(m.value("pt_free_space_on_disk_bytes"), 123_456_789);
    assert.match(
      seedwatch.logs(),
      /unknown torrent state, exported as status 10 \(Undefined\)" target=impostor state="d\.hashing=9"/,
    );
    assert.equal(
      seedwatch.logs().match(/unknown torrent state.*target=impostor/g)?.length,
      1,
      "logged once",
    );
  });

  it("keeps the others up while one rTorrent hangs, and recovers when it answers again", async () => {
    await checks.assertHangAndRecovery(seedwatch, unixLeecher.daemon, "unix-leecher", [
      "seeder",
      "http-leecher",
    ]);
  });

  it("recovers when rTorrent is killed and restarted, with counters that never go down", async () => {
    const read = checks.prober(seedwatch, "seeder");
    const tracker = (m: Samples) =>
      m.value("pt_tracker_upload_bytes_total", { tracker: "127.0.0.1" });
    const before = await read();
    const uploaded = tracker(before);
    assert.ok(uploaded >= 3 * SIZE, "each piece left the seeder at least once");
    seeder.daemon.signal("SIGKILL");
    const down = await checks.waitForSamples(
      "the killed rTorrent to be marked down",
      read,
      (m) => m.value("pt_up") === 0,
    );
    checks.assertDown(down, "connection");
    await seeder.restart();
    const again = await checks.waitForUp("the seeder back up", read, {
      timeoutMs: 120_000,
      intervalMs: 500,
    });
    assert.equal(
      again.value("seedwatch_target_torrents"),
      4,
      "its session dir brought every item back",
    );
    assert.ok(tracker(again) >= uploaded, "a restart never lowers a tracker counter");
    assert.ok(
      again.value("pt_upload_bytes_total") < before.value("pt_upload_bytes_total"),
      "throttle.global_up.total is per process: a counter reset, which Prometheus handles",
    );
  });
});
