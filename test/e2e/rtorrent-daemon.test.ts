import assert from "node:assert/strict";
import { once } from "node:events";
import { statfs } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { assertPromtoolClean, startPrometheus, waitFor } from "@seedwatch/metrics/testing";
import { tempDir } from "@seedwatch/testbed";
import { type NginxScgiProxy, startNginxScgiProxy } from "@seedwatch/testbed/nginx";
import { type Opentracker, startOpentracker } from "@seedwatch/testbed/opentracker";
import { type RtorrentInstance, startRtorrent } from "@seedwatch/testbed/rtorrent";
import { type Seedwatch, startSeedwatch } from "@seedwatch/testbed/seedwatch";
import { type GeneratedTorrent, makeTorrents } from "@seedwatch/testbed/torrents";
import {
  parseMethodResponse,
  type XmlRpcValue,
} from "../../packages/exporter/src/sources/rtorrent/xmlrpc.ts";
import { Samples } from "../support/exposition.ts";

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
      str("1000:1000:0:0:0:0:0:1:1:1:1:0:9:0:0:0:0"),
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
      await waitFor(
        `${name} figures to match`,
        async () => {
          const list = await rawList(rt);
          const globals = await rawGlobals(rt);
          const scraped = await seedwatch.get(`/probe?target=${name}`);
          if (
            JSON.stringify([list, globals]) !==
            JSON.stringify([await rawList(rt), await rawGlobals(rt)])
          )
            return undefined;
          const m = new Samples(scraped.body);
          const head = { name, client: "rtorrent", host: url };
          assert.equal(m.value("pt_up", head), 1);
          assert.equal(m.value("pt_download_bytes_total", head), globals["down.total"]);
          assert.equal(m.value("pt_upload_bytes_total", head), globals["up.total"]);
          assert.equal(m.value("pt_upload_speed_bytes", head), globals["up.rate"]);
          assert.equal(m.value("pt_upload_speed", head), (globals["up.rate"] ?? 0) * 8);
          assert.equal(m.value("pt_download_speed_bytes", head), globals["down.rate"]);
          assert.equal(m.value("pt_session_bw_total_uploaded_total", head), globals["up.total"]);
          const fs = await statfs(rt.downloadDir);
          const free = fs.bavail * fs.bsize;
          assert.ok(Math.abs(m.value("pt_free_space_on_disk_bytes", head) - free) < free * 0.01);
          for (const t of list) {
            const labels = {
              ...head,
              torrent_hash: t.hash,
              torrent_name: t.name,
              tracker: "127.0.0.1",
            };
            assert.equal(m.value("pt_tracker_torrent", labels), 1);
            assert.equal(m.value("pt_tracker_torrent_size_bytes", labels), t.size);
            assert.equal(m.value("pt_tracker_torrent_upload_bytes_total", labels), t.uploaded);
            assert.equal(m.value("pt_tracker_torrent_download_bytes_total", labels), t.downloaded);
            // Here every item is complete or stopped: Paused, else Uploading or Stalled by its rate.
            const status = t.state === 0 ? 8 : t.upRate > 0 ? 3 : 6;
            assert.equal(m.value("pt_tracker_torrent_status", labels), status);
            assert.equal(new URL(t.url).hostname, "127.0.0.1");
          }
          const tracker = { ...head, tracker: "127.0.0.1" };
          assert.equal(m.value("pt_tracker_torrents", tracker), list.length);
          assert.equal(
            m.value("pt_tracker_size_bytes", tracker),
            list.reduce((s, t) => s + t.size, 0),
          );
          assert.equal(
            m.value("pt_tracker_upload_bytes_total", tracker),
            list.reduce((s, t) => s + t.uploaded, 0),
          );
          assert.equal(
            m.value("pt_tracker_download_bytes_total", tracker),
            list.reduce((s, t) => s + t.downloaded, 0),
          );
          const counts = new Map<string, number>();
          for (const t of list) {
            const status = t.state === 0 ? "Paused" : t.upRate > 0 ? "Uploading" : "Stalled";
            const key = `${status}\u0000${t.label}`;
            counts.set(key, (counts.get(key) ?? 0) + 1);
          }
          for (const [key, count] of counts) {
            const [status = "", category = ""] = key.split("\u0000");
            assert.equal(m.value("pt_torrents_count", { ...tracker, status, category }), count);
          }
          assert.equal(
            m.find("pt_torrents_count", head).reduce((s, c) => s + c.value, 0),
            list.length,
          );
          assert.doesNotMatch(scraped.body, /passkey|announce|fedcba9876543210/);
          await assertPromtoolClean(scraped.body);
          return true;
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );
    }
    const m = new Samples((await seedwatch.get("/probe?target=seeder")).body);
    assert.ok(m.value("pt_upload_bytes_total", { name: "seeder" }) > 5 * SIZE, "real bytes moved");
    assert.equal(
      m.value("pt_torrents_count", { name: "seeder", status: "Paused", category: "music" }),
      1,
    );
    const leech = new Samples((await seedwatch.get("/probe?target=unix-leecher")).body);
    assert.equal(
      leech.value("pt_tracker_download_bytes_total", { tracker: "127.0.0.1" }),
      3 * SIZE,
    );
  });

  it("serves downloader-exporter's family for the target that asks for it", async () => {
    const m = new Samples((await seedwatch.get("/metrics")).body);
    const head = { name: "seeder", client: "rtorrent", version: "0.9.8", host: seeder.url };
    assert.equal(m.value("downloader_up", head), 1);
    assert.equal(
      m.find("downloader_torrents_count", head).reduce((s, c) => s + c.value, 0),
      4,
    );
    assert.equal(m.has("downloader_up", { name: "unix-leecher" }), false);
  });

  it("is scraped by a real Prometheus that sees the three rTorrents up and the broken targets down", async () => {
    const prometheus = await startPrometheus([
      { job: "seedwatch", target: `127.0.0.1:${seedwatch.port}` },
    ]);
    try {
      await prometheus.waitUntilAllUp();
      const up = await waitFor("pt_up samples", async () => {
        const result = await prometheus.query('pt_up{client="rtorrent"} == 1');
        return result.length >= 3 ? result : undefined;
      });
      assert.deepEqual(up.map((r) => r.metric.name).sort(), [
        "http-leecher",
        "seeder",
        "unix-leecher",
      ]);
      const down = await prometheus.query("pt_up == 0");
      assert.deepEqual(down.map((r) => r.metric.name).sort(), ["impostor", "wrongpass"]);
      const moved = await prometheus.query(
        'sum(pt_tracker_download_bytes_total{tracker="127.0.0.1"})',
      );
      assert.equal(
        Number(moved[0]?.value[1]),
        5 * SIZE,
        "what the two leechers took from the seeder",
      );
    } finally {
      await prometheus.stop();
    }
  });

  it("shows a wrong nginx password as down with a clear error, and does not retry at every scrape", async () => {
    const first = new Samples((await seedwatch.get("/metrics")).body);
    for (let i = 0; i < 5; i++) await seedwatch.get("/metrics");
    const later = new Samples((await seedwatch.get("/metrics")).body);
    const labels = { name: "wrongpass", reason: "auth" };
    assert.equal(first.value("pt_up", { name: "wrongpass" }), 0);
    assert.equal(first.value("seedwatch_target_poll_errors_total", labels), 1);
    assert.equal(later.value("seedwatch_target_poll_errors_total", labels), 1, "backing off");
    assert.equal(
      later.has("pt_tracker_torrents", { name: "wrongpass" }),
      false,
      "nothing stale or made up",
    );
    assert.match(
      seedwatch.logs(),
      /msg="target is down" target=wrongpass reason=auth err="POST http:\/\/127\.0\.0\.1:\d+\/RPC2: HTTP 401 \(wrong user name or password\)"/,
    );
    assert.doesNotMatch(seedwatch.logs(), /not-the-password|s3cret/);
  });

  it("shows garbage, a truncated answer and an unknown state for what they are", async () => {
    const read = () => seedwatch.get("/probe?target=impostor").then((r) => new Samples(r.body));
    const protocolErrors = async () =>
      (await read()).value("seedwatch_target_poll_errors_total", { reason: "protocol" });
    let m = await read();
    assert.equal(m.value("pt_up"), 0);
    assert.ok(m.value("seedwatch_target_poll_errors_total", { reason: "protocol" }) >= 1);
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
      {
        timeoutMs: 120_000,
        intervalMs: 1000,
      },
    );
    impostor.answer = (method) =>
      scgiResponse(method === "d.multicall2" ? ODD_LIST : ODD_GLOBALS(true));
    m = await waitFor(
      "the impostor to be up",
      async () => {
        const r = await read();
        return r.value("pt_up") === 1 ? r : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 1000 },
    );
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
    unixLeecher.daemon.signal("SIGSTOP");
    try {
      const m = await waitFor("the hung rTorrent to be marked down", async () => {
        const r = new Samples((await seedwatch.get("/metrics")).body);
        return r.value("pt_up", { name: "unix-leecher" }) === 0 ? r : undefined;
      });
      assert.equal(m.value("pt_up", { name: "seeder" }), 1);
      assert.equal(m.value("pt_up", { name: "http-leecher" }), 1);
      assert.ok(
        m.value("seedwatch_target_poll_errors_total", {
          name: "unix-leecher",
          reason: "timeout",
        }) >= 1,
      );
      assert.equal(m.has("pt_tracker_torrents", { name: "unix-leecher" }), false);
    } finally {
      unixLeecher.daemon.signal("SIGCONT");
    }
    await waitFor(
      "the unix leecher back up",
      async () =>
        new Samples((await seedwatch.get("/metrics")).body).value("pt_up", {
          name: "unix-leecher",
        }) === 1
          ? true
          : undefined,
      { timeoutMs: 60_000, intervalMs: 500 },
    );
  });

  it("recovers when rTorrent is killed and restarted, with counters that never go down", async () => {
    const read = async () => new Samples((await seedwatch.get("/probe?target=seeder")).body);
    const tracker = (m: Samples) =>
      m.value("pt_tracker_upload_bytes_total", { tracker: "127.0.0.1" });
    const before = await read();
    const uploaded = tracker(before);
    assert.ok(uploaded >= 5 * SIZE);
    seeder.daemon.signal("SIGKILL");
    const down = await waitFor("the killed rTorrent to be marked down", async () => {
      const m = await read();
      return m.value("pt_up") === 0 ? m : undefined;
    });
    assert.ok(down.value("seedwatch_target_poll_errors_total", { reason: "connection" }) >= 1);
    await seeder.restart();
    const again = await waitFor(
      "the seeder back up",
      async () => {
        const m = await read();
        return m.value("pt_up") === 1 ? m : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
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
