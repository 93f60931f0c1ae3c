// seedwatch as a real process with real transmission-daemons, a real tracker and a real Prometheus.

import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { waitFor } from "@seedwatch/metrics/testing";
import { tempDir } from "@seedwatch/testbed";
import { type Opentracker, startOpentracker } from "@seedwatch/testbed/opentracker";
import { type Seedwatch, startSeedwatch } from "@seedwatch/testbed/seedwatch";
import { type GeneratedTorrent, makeTorrents } from "@seedwatch/testbed/torrents";
import { startTransmission, type Transmission } from "@seedwatch/testbed/transmission";
import * as checks from "../support/client-checks.ts";
import type { Samples } from "../support/exposition.ts";

interface TrTorrent {
  id: number;
  hashString: string;
  name: string;
  status: number;
  error: number;
  sizeWhenDone: number;
  uploadedEver: number;
  downloadedEver: number;
  rateUpload: number;
  rateDownload: number;
  labels: string[];
  trackerStats: Array<{ announce: string }>;
}

interface Stats {
  uploadSpeed: number;
  downloadSpeed: number;
  "cumulative-stats": { uploadedBytes: number; downloadedBytes: number };
  "current-stats": { uploadedBytes: number; downloadedBytes: number };
}

const FIELDS = [
  "id",
  "hashString",
  "name",
  "status",
  "error",
  "sizeWhenDone",
  "uploadedEver",
  "downloadedEver",
  "rateUpload",
  "rateDownload",
  "labels",
  "trackerStats",
];

/** Our status names, written out for the test from Transmission's status numbers. */
function statusName(t: TrTorrent): string {
  if (t.error === 3) return "Errored";
  if (t.status === 0) return "Paused";
  if (t.status === 6) return t.rateUpload > 0 ? "Uploading" : "Stalled";
  if (t.status === 4) return t.rateDownload > 0 ? "Downloading" : "Stalled";
  return t.status === 3 || t.status === 5 ? "Queued" : "Checking";
}

/** A torrent of Transmission's list in the terms of our labels (Transmission has no category). */
function asClientTorrent(t: TrTorrent): checks.ClientTorrent {
  return {
    hash: t.hashString,
    name: t.name,
    tracker: new URL(t.trackerStats[0]?.announce ?? "").hostname,
    size: t.sizeWhenDone,
    uploaded: t.uploadedEver,
    downloaded: t.downloadedEver,
    status: statusName(t),
    category: "",
    trackerError: t.error === 2,
  };
}

/**
 * An impostor: answers Transmission's 409 handshake and session calls like 3.00, and torrent-get
 * with whatever a test says (garbage, truncated JSON, unknown states).
 */
interface Impostor {
  readonly url: string;
  torrentGet: string;
  close(): Promise<void>;
}

async function startImpostor(torrentGet: string): Promise<Impostor> {
  const impostor = { torrentGet } as Impostor & { server: Server };
  const answers: Record<string, unknown> = {
    "session-stats": {
      downloadSpeed: 0,
      uploadSpeed: 0,
      "cumulative-stats": { uploadedBytes: 7, downloadedBytes: 3, secondsActive: 9 },
      "current-stats": { uploadedBytes: 0, downloadedBytes: 0, secondsActive: 0 },
    },
    "session-get": { version: "3.00 (impostor)", "download-dir": "/srv" },
    "free-space": { path: "/srv", "size-bytes": 1000 },
  };
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on("end", () => {
      if (req.headers["x-transmission-session-id"] !== "impostor") {
        res.writeHead(409, { "x-transmission-session-id": "impostor" }).end("<h1>409</h1>");
        return;
      }
      const method = (JSON.parse(body) as { method: string }).method;
      if (method === "torrent-get") {
        res.writeHead(200, { "content-type": "application/json" }).end(impostor.torrentGet);
      } else {
        res.end(JSON.stringify({ arguments: answers[method] ?? {}, result: "success" }));
      }
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  Object.assign(impostor, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/transmission/rpc`,
    close: async () => {
      server.closeAllConnections();
      server.close();
    },
  });
  return impostor;
}

function target(name: string, tr: { url: string; username: string; password: string }, extra = "") {
  return `  - { name: ${name}, type: transmission, url: "${tr.url}", username: "${tr.username}", password: "${tr.password}"${extra} }\n`;
}

const GLOBAL = "global: { poll_interval: 1s, timeout: 2s, min_refresh_interval: 0s }\n";

describe("seedwatch with real transmission-daemons, a real tracker and a real Prometheus", {
  timeout: 600_000,
}, () => {
  let dir: { path: string; remove(): Promise<void> };
  let tracker: Opentracker;
  let box1: Transmission;
  let box2: Transmission;
  let locked: Transmission;
  let impostor: Impostor;
  let seedwatch: Seedwatch;
  let box2Torrents: GeneratedTorrent[];

  before(async () => {
    dir = await tempDir("tr-e2e");
    tracker = await startOpentracker();
    const second = await startOpentracker({ host: "127.0.0.3" });
    const announce = [tracker.announceUrl("SECRETPASSKEY0123")];
    const seeding = await makeTorrents({ dir: dir.path, count: 3, announce, prefix: "seeding" });
    const paused = await makeTorrents({ dir: dir.path, count: 2, announce, prefix: "paused" });
    const refused = await makeTorrents({ dir: dir.path, count: 1, announce, prefix: "unlisted" });
    const elsewhere = await makeTorrents({
      dir: dir.path,
      count: 2,
      announce: [second.announceUrl("OTHERPASSKEY")],
      prefix: "elsewhere",
    });
    box2Torrents = await makeTorrents({ dir: dir.path, count: 3, announce, prefix: "box2" });
    await tracker.allow([...seeding, ...paused, ...box2Torrents].map((t) => t.infoHash));
    await second.allow(elsewhere.map((t) => t.infoHash));
    box1 = await startTransmission();
    box2 = await startTransmission();
    locked = await startTransmission();
    const payload = (seeding[0] as GeneratedTorrent).payloadDir;
    await box1.addTorrents(seeding, { downloadDir: payload, labels: ["movies"] });
    await box1.addTorrents(paused, { paused: true, labels: ["tv", "keep"] });
    await box1.addTorrents(refused, { downloadDir: payload });
    await box1.addTorrents(elsewhere, { downloadDir: payload });
    await box2.addTorrents(box2Torrents, { paused: true });
    // Wait until every running torrent has its first announce answer.
    await waitFor(
      "box1's announces",
      async () => {
        const { torrents } = await box1.rpc<{
          torrents: Array<{ status: number; trackerStats: Array<{ hasAnnounced: boolean }> }>;
        }>("torrent-get", { fields: ["status", "trackerStats"] });
        return torrents.every((t) => t.status === 0 || t.trackerStats[0]?.hasAnnounced)
          ? true
          : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    await second.stop();
    impostor = await startImpostor("{not json");
    seedwatch = await startSeedwatch(
      GLOBAL +
        "targets:\n" +
        target("box1", box1, ", compat: { downloader_exporter: true }") +
        target("box2", box2) +
        target("wrongpass", { ...locked, password: "not-the-password" }) +
        target("impostor", { url: impostor.url, username: "u", password: "p" }),
    );
  });
  after(async () => {
    await seedwatch?.remove();
    await impostor?.close();
    await locked?.stop();
    await box2?.stop();
    await box1?.stop();
    await tracker?.stop();
    await dir?.remove();
  });

  it("exports exactly what Transmission reports, and promtool accepts it", async () => {
    await checks.compareWithClient(seedwatch, "box1", {
      read: async () => ({
        list: (await box1.rpc<{ torrents: TrTorrent[] }>("torrent-get", { fields: FIELDS }))
          .torrents,
        stats: await box1.rpc<Stats>("session-stats"),
        free: (await box1.rpc<{ "size-bytes": number }>("free-space", { path: box1.downloadDir }))[
          "size-bytes"
        ],
      }),
      same: (before, after) =>
        JSON.stringify([before.list, before.stats]) === JSON.stringify([after.list, after.stats]),
      check: (m, before, after) => {
        const { stats } = before;
        const head = { name: "box1", client: "transmission", host: box1.url };
        checks.assertClientFigures(m, head, {
          downloaded: stats["cumulative-stats"].downloadedBytes,
          uploaded: stats["cumulative-stats"].uploadedBytes,
          uploadSpeed: stats.uploadSpeed,
          downloadSpeed: stats.downloadSpeed,
        });
        const freeSpace = m.value("pt_free_space_on_disk_bytes", head);
        if (
          freeSpace < Math.min(before.free, after.free) ||
          freeSpace > Math.max(before.free, after.free)
        )
          return false;
        assert.equal(
          m.value("pt_session_bw_total_uploaded_total", head),
          stats["current-stats"].uploadedBytes,
        );
        assert.equal(after.list.length, 8);
        const torrents = after.list.map(asClientTorrent);
        checks.assertTorrentSeries(m, head, torrents);
        assert.deepEqual(
          new Set(torrents.map((t) => t.tracker)),
          new Set(["127.0.0.1", "127.0.0.3"]),
        );
        checks.assertTrackerAggregates(m, head, torrents);
        assert.equal(m.value("pt_tracker_error_torrents", { ...head, tracker: "127.0.0.1" }), 1);
        for (const tag of ["movies", "tv", "keep"]) {
          assert.equal(
            m.value("pt_tag_torrents", { ...head, tag }),
            after.list.filter((t) => t.labels.includes(tag)).length,
          );
        }
        return true;
      },
      secrets: /PASSKEY|announce/,
    });
  });

  it("serves downloader-exporter's family with Transmission's version", async () => {
    const m = await checks.scrape(seedwatch);
    const head = {
      name: "box1",
      client: "transmission",
      version: "3.00 (bb6b5a062e)",
      host: box1.url,
    };
    checks.assertDownloaderFamily(m, head, 8, "box2");
  });

  it("is scraped by a real Prometheus that sees both Transmissions up", async () => {
    await checks.assertPrometheusSees(
      seedwatch,
      "transmission",
      ["box1", "box2"],
      ["impostor", "wrongpass"],
      [{ query: 'sum(pt_tracker_torrents{name="box1"})', value: 8 }],
    );
  });

  it("shows a wrong password as down, with one login attempt and no storm", async () => {
    await checks.assertBackingOff(
      seedwatch,
      "wrongpass",
      /msg="target is down" target=wrongpass reason=auth err="POST http:\/\/127\.0\.0\.1:\d+\/transmission\/rpc session-stats: Transmission rejected the username or password/,
      /not-the-password/,
    );
    // Transmission 3.00 counts failed logins and locks its RPC at 100: ours was one of them.
    const probe = await fetch(locked.url, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from("admin:probe").toString("base64")}` },
      body: "{}",
    });
    assert.match(await probe.text(), /2 unsuccessful login attempts/);
  });

  it("shows garbage, truncated JSON and unknown states for what they are", async () => {
    const read = checks.prober(seedwatch, "impostor");
    const protocolErrors = (r: Samples) =>
      r.value("seedwatch_target_poll_errors_total", { reason: "protocol" });
    const garbage = checks.assertDown(await read(), "protocol");
    assert.match(
      seedwatch.logs(),
      /target=impostor reason=protocol err="POST http:\/\/127\.0\.0\.1:\d+\/transmission\/rpc torrent-get: JSON: the answer ended before it was complete"/,
    );
    impostor.torrentGet = '{"arguments":{"torrents":[["id","hashString","name","status"],[1,"ab';
    await checks.waitForSamples(
      "truncated JSON counted",
      read,
      (r) => protocolErrors(r) > garbage,
      checks.THROUGH_BACKOFF,
    );
    assert.equal((await read()).value("pt_up"), 0);
    impostor.torrentGet = JSON.stringify({
      arguments: {
        torrents: [
          ["id", "hashString", "name", "status", "sizeWhenDone"],
          [1, "ab".repeat(20), "odd", 9, 1],
        ],
      },
      result: "success",
    });
    const m = await checks.waitForUp("the impostor to be up", read, checks.THROUGH_BACKOFF);
    assert.equal(m.value("pt_tracker_torrent_status", { torrent_name: "odd" }), 10);
    assert.equal(m.value("pt_upload_bytes_total"), 7);
    assert.match(
      seedwatch.logs(),
      /unknown torrent state, exported as status 10 \(Undefined\)" target=impostor state="status 9"/,
    );
  });

  it("keeps the others up while one Transmission hangs, and recovers when it answers again", async () => {
    await checks.assertHangAndRecovery(seedwatch, box2.daemon, "box2", ["box1"]);
  });

  it("recovers when Transmission is killed and restarted, and maps removals with the new ids", async () => {
    const read = checks.prober(seedwatch, "box2");
    const before = await read();
    assert.equal(before.value("seedwatch_target_torrents"), 3);
    box2.daemon.signal("SIGKILL");
    await box2.restart();
    const again = await checks.waitForUp("box2 up after its restart", read, { timeoutMs: 60_000 });
    assert.equal(again.value("seedwatch_target_torrents"), 3);
    assert.ok(again.value("pt_upload_bytes_total") >= before.value("pt_upload_bytes_total"));
    assert.ok(again.value("pt_download_bytes_total") >= before.value("pt_download_bytes_total"));
    const { torrents } = await box2.rpc<{ torrents: TrTorrent[] }>("torrent-get", {
      fields: ["id", "hashString"],
    });
    const victim = box2Torrents[0] as GeneratedTorrent;
    const id = torrents.find((t) => t.hashString === victim.infoHash)?.id;
    await box2.rpc("torrent-remove", { ids: [id] });
    const m = await checks.waitForSamples(
      "the removal seen",
      read,
      (r) => r.value("seedwatch_target_torrents") === 2,
    );
    assert.equal(m.has("pt_tracker_torrent", { torrent_hash: victim.infoHash }), false);
    for (const kept of box2Torrents.slice(1)) {
      assert.equal(m.value("pt_tracker_torrent", { torrent_hash: kept.infoHash }), 1);
    }
  });
});
