import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Registry } from "@seedwatch/metrics";
import { assertPromtoolClean } from "@seedwatch/metrics/testing";
import { Samples } from "../../../../test/support/exposition.ts";
import { TorrentTarget } from "../collect/torrent-target.ts";
import { parseConfig } from "../config/load.ts";
import { createLogger } from "../log.ts";
import { EMPTY_TORRENT } from "../model/torrent.ts";
import type { PollResult } from "../sources/source.ts";
import { omittedTorrents, perTorrentCap } from "./per-torrent-cap.ts";
import { TorrentTargetCollector } from "./torrent-target-collector.ts";

/** A full list of `n` torrents on two trackers, torrent i having uploaded i * 100 bytes. */
function list(n: number): PollResult {
  return {
    reset: true,
    removed: [],
    patches: Array.from({ length: n }, (_, i) => ({
      ...EMPTY_TORRENT,
      hash: `${i}`.padStart(40, "0"),
      name: `t${i}`,
      size: 1000,
      uploaded: i * 100,
      trackerHosts: [i % 2 === 0 ? "even.example" : "odd.example"],
    })),
    client: {
      version: "v1",
      downloadedTotal: 1,
      uploadedTotal: 2,
      downloadRate: 0,
      uploadRate: 0,
      freeSpace: 3,
    },
  };
}

/** A target whose client answers with `torrents.n` torrents, its collector, and its log lines. */
function box(perTorrent: string) {
  const config = parseConfig(
    `targets:\n  - { name: box, type: qbittorrent, url: "http://127.0.0.1:1", username: u, password: p, per_torrent: ${perTorrent}, compat: { downloader_exporter: true } }\n`,
    "t.yml",
    {},
  ).targets[0];
  const torrents = { n: 0 };
  const lines: string[] = [];
  const log = createLogger({ level: "info", format: "logfmt", write: (l) => lines.push(l) });
  const target = new TorrentTarget(config as never, {
    log,
    counters: undefined,
    createSource: () => ({
      bytesReceived: 0,
      poll: async () => list(torrents.n),
      remove: async () => {},
      close: async () => {},
    }),
  });
  const collector = new TorrentTargetCollector(target, log);
  /** Polls with `n` torrents and scrapes. */
  const scrape = async (n: number) => {
    torrents.n = n;
    await target.refreshIfOlderThan(0, Date.now() + 10_000);
    const registry = new Registry();
    registry.register(collector);
    const text = await registry.render();
    return { text, samples: new Samples(text) };
  };
  const capLines = () => lines.filter((l) => l.includes("per_torrent.max_torrents"));
  return { target, scrape, capLines };
}

const PER_TORRENT = [
  "pt_tracker_torrent",
  "pt_tracker_torrent_status",
  "pt_tracker_torrent_size_bytes",
  "pt_tracker_torrent_upload_bytes_total",
  "pt_tracker_torrent_download_bytes_total",
  "downloader_tracker_torrent_upload_bytes_total",
  "downloader_tracker_torrent_download_bytes_total",
];

const sum = (samples: Samples, name: string) =>
  samples.find(name).reduce((total, s) => total + s.value, 0);

describe("the per-torrent cap: every torrent or none", () => {
  it("omits none at or below the cap and all above it; with series off, all", () => {
    const on = { enabled: true, maxTorrents: 5000 };
    assert.deepEqual(
      [0, 1, 5000, 5001, 100_000].map((n) => omittedTorrents(n, on)),
      [0, 0, 0, 5001, 100_000],
    );
    const off = { enabled: false, maxTorrents: 5000 };
    assert.deepEqual(
      [0, 1, 5000].map((n) => omittedTorrents(n, off)),
      [0, 1, 5000],
    );
    assert.equal(perTorrentCap(on), 5000);
    assert.equal(perTorrentCap(off), 0);
    assert.equal(omittedTorrents(1, { enabled: true, maxTorrents: 0 }), 1);
  });

  it("crossing the cap either way drops or restores the series of every torrent, says so in the series and logs it once", async () => {
    const { target, scrape, capLines } = box("{ max_torrents: 3 }");
    try {
      const at = await scrape(3);
      await assertPromtoolClean(at.text);
      assert.equal(at.samples.value("seedwatch_target_per_torrent_omitted_torrents"), 0);
      assert.equal(at.samples.value("seedwatch_target_per_torrent_max_torrents"), 3);
      for (const name of PER_TORRENT)
        assert.ok(at.samples.find(name).length >= 2, `${name} at the cap`);
      assert.equal(at.samples.find("pt_tracker_torrent").length, 3);
      // Every torrent is there, so a sum over per-torrent series is the aggregate.
      assert.equal(
        sum(at.samples, "pt_tracker_torrent_upload_bytes_total"),
        sum(at.samples, "pt_tracker_upload_bytes_total"),
      );
      assert.deepEqual(capLines(), []);

      const above = await scrape(4);
      await assertPromtoolClean(above.text);
      assert.equal(above.samples.value("seedwatch_target_per_torrent_omitted_torrents"), 4);
      for (const name of PER_TORRENT) assert.equal(above.samples.has(name), false, name);
      assert.equal(sum(above.samples, "pt_tracker_torrents"), 4, "the aggregates count every one");
      assert.equal(sum(above.samples, "pt_tracker_upload_bytes_total"), 600);
      assert.equal(capLines().length, 1);
      assert.match(
        capLines()[0] ?? "",
        /level=warn msg="more torrents than per_torrent.max_torrents: no torrent of the target has per-torrent series now, only the aggregates" target=box torrents=4 max_torrents=3/,
      );

      const further = await scrape(6);
      assert.equal(further.samples.value("seedwatch_target_per_torrent_omitted_torrents"), 6);
      assert.equal(further.samples.has("pt_tracker_torrent"), false);
      assert.equal(capLines().length, 1, "one line per crossing, not per scrape");

      const back = await scrape(2);
      assert.equal(back.samples.value("seedwatch_target_per_torrent_omitted_torrents"), 0);
      assert.deepEqual(
        back.samples.find("pt_tracker_torrent").map((s) => s.labels.torrent_name),
        ["t0", "t1"],
      );
      assert.equal(back.samples.find("downloader_tracker_torrent_upload_bytes_total").length, 2);
      assert.equal(capLines().length, 2);
      assert.match(
        capLines()[1] ?? "",
        /level=info msg="torrents back within per_torrent.max_torrents: every torrent of the target has per-torrent series again" target=box torrents=2 max_torrents=3/,
      );
    } finally {
      await target.stop();
    }
  });

  it("with per-torrent series off, every torrent is counted as omitted and nothing is logged", async () => {
    const { target, scrape, capLines } = box("{ enabled: false }");
    try {
      const { samples } = await scrape(2);
      assert.equal(samples.value("seedwatch_target_per_torrent_omitted_torrents"), 2);
      assert.equal(samples.value("seedwatch_target_per_torrent_max_torrents"), 0);
      for (const name of PER_TORRENT) assert.equal(samples.has(name), false, name);
      assert.equal(sum(samples, "pt_tracker_torrents"), 2);
      assert.deepEqual(capLines(), []);
    } finally {
      await target.stop();
    }
  });
});
