import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Registry } from "@seedwatch/metrics";
import { Samples } from "../../../../test/support/exposition.ts";
import { TorrentTarget } from "../collect/torrent-target.ts";
import { parseConfig } from "../config/load.ts";
import { silentLogger } from "../log.ts";
import type { TorrentPatch } from "../model/torrent.ts";
import { EMPTY_TORRENT } from "../model/torrent.ts";
import type { PollResult } from "../sources/source.ts";
import { TorrentTargetCollector } from "./torrent-target-collector.ts";

const CLIENT = {
  version: "v1",
  downloadedTotal: 1,
  uploadedTotal: 2,
  downloadRate: 0,
  uploadRate: 0,
  freeSpace: 3,
};

function torrent(i: number): TorrentPatch {
  return {
    ...EMPTY_TORRENT,
    hash: `${i}`.padStart(40, "0"),
    name: `t${i}`,
    size: 1000,
    uploaded: i * 100,
    trackerHosts: ["tracker.example"],
  };
}

/** A target whose client answers `next` to each poll, its collector, and a count of table renders. */
function box() {
  const config = parseConfig(
    'targets:\n  - { name: box, type: qbittorrent, url: "http://127.0.0.1:1", username: u, password: p, compat: { downloader_exporter: true } }\n',
    "t.yml",
    {},
  ).targets[0];
  let next: PollResult = {
    reset: true,
    removed: [],
    patches: [torrent(1), torrent(2)],
    client: CLIENT,
  };
  const target = new TorrentTarget(config as never, {
    log: silentLogger,
    counters: undefined,
    createSource: () => ({
      bytesReceived: 0,
      poll: async () => next,
      remove: async () => {},
      close: async () => {},
    }),
  });
  // Each rendering of the per-torrent series (and of downloader-exporter's) walks the rows once.
  let walks = 0;
  const rows = target.table.rows.bind(target.table);
  target.table.rows = () => {
    walks++;
    return rows();
  };
  const collector = new TorrentTargetCollector(target, silentLogger);
  const render = async (c: TorrentTargetCollector) => {
    const registry = new Registry();
    registry.register(c);
    return registry.render();
  };
  /** Polls once (the client answering `answer`), then scrapes. */
  const pollAndScrape = async (answer: PollResult) => {
    next = answer;
    await target.refreshIfOlderThan(0, Date.now() + 10_000);
    return render(collector);
  };
  /** Polls once (the client answering `answer`), without a scrape. */
  const poll = async (answer: PollResult) => {
    next = answer;
    await target.refreshIfOlderThan(0, Date.now() + 10_000);
  };
  return {
    target,
    collector,
    poll,
    pollAndScrape,
    walks: () => walks,
    fresh: () => render(new TorrentTargetCollector(target, silentLogger)),
  };
}

const idle: PollResult = { reset: false, removed: [], patches: [], client: CLIENT };

describe("the torrent target collector's cache", () => {
  it("does not render the torrents again after a poll that changed nothing, yet shows every poll", async () => {
    const { target, pollAndScrape, walks, fresh } = box();
    try {
      const first = await pollAndScrape({
        reset: true,
        removed: [],
        patches: [torrent(1), torrent(2)],
        client: CLIENT,
      });
      assert.equal(walks(), 2, "the per-torrent series and downloader-exporter's, once each");
      for (let polls = 2; polls <= 4; polls++) {
        const before = walks();
        const text = await pollAndScrape(idle);
        assert.equal(walks(), before, `no new rendering after idle poll ${polls}`);
        const samples = new Samples(text);
        assert.equal(samples.value("seedwatch_target_polls_total"), polls);
        assert.equal(samples.find("pt_tracker_torrent").length, 2);
        assert.equal(text, await fresh(), "the same text as a collector without a cache");
      }
      assert.notEqual(first, await fresh());

      const before = walks();
      const changed = await pollAndScrape({
        reset: false,
        removed: [],
        patches: [{ hash: torrent(2).hash, uploaded: 999 }],
        client: CLIENT,
      });
      assert.equal(walks(), before + 2, "rendered again, once");
      assert.equal(changed, await fresh());
      assert.match(
        changed,
        /pt_tracker_torrent_upload_bytes_total\{[^}]*torrent_name="t2"[^}]*\} 999\n/,
      );
    } finally {
      await target.stop();
    }
  });

  it("shows a renamed torrent under its new name and keeps no labels of removed torrents", async () => {
    const { target, collector, pollAndScrape, fresh } = box();
    try {
      await pollAndScrape({
        reset: true,
        removed: [],
        patches: [torrent(1), torrent(2), torrent(3)],
        client: CLIENT,
      });
      assert.equal(collector.labelsKept, 3);
      const text = await pollAndScrape({
        reset: false,
        removed: [torrent(1).hash, torrent(3).hash],
        patches: [{ hash: torrent(2).hash, name: "renamed" }],
        client: CLIENT,
      });
      assert.equal(collector.labelsKept, 1, "only the torrent still in the table");
      const names = new Samples(text)
        .find("pt_tracker_torrent_size_bytes")
        .map((sample) => sample.labels.torrent_name);
      assert.deepEqual(names, ["renamed"]);
      assert.equal(text, await fresh());
      // Back with its first name: labels made again, the same as a new collector's.
      assert.equal(
        await pollAndScrape({
          reset: false,
          removed: [],
          patches: [{ hash: torrent(2).hash, name: "t2" }, torrent(1)],
          client: CLIENT,
        }),
        await fresh(),
      );
      assert.equal(collector.labelsKept, 2);
    } finally {
      await target.stop();
    }
  });

  it("renders downloader-exporter's labels again when the client's version changes", async () => {
    const { target, pollAndScrape, fresh } = box();
    try {
      await pollAndScrape({ reset: true, removed: [], patches: [torrent(1)], client: CLIENT });
      const text = await pollAndScrape({ ...idle, client: { ...CLIENT, version: "v2" } });
      assert.equal(text, await fresh());
      assert.doesNotMatch(text, /version="v1"/);
    } finally {
      await target.stop();
    }
  });

  it("leaves the event loop free while it renders many torrents, and renders once for scrapes that come meanwhile", async () => {
    const { target, collector, poll, walks, fresh } = box();
    try {
      const many = Array.from({ length: 4500 }, (_, i) => torrent(i));
      await poll({ reset: true, removed: [], patches: many, client: CLIENT });
      const before = walks();
      // Counts turns of the event loop: it runs once per turn while the render is under way.
      let turns = 0;
      let spinning = true;
      const spin = () => {
        if (!spinning) return;
        turns++;
        setImmediate(spin);
      };
      setImmediate(spin);
      const scrape = () => {
        const registry = new Registry();
        registry.register(collector);
        return registry.render();
      };
      const [a, b] = await Promise.all([scrape(), scrape()]);
      spinning = false;
      assert.ok(
        turns >= 2,
        `the event loop turned ${turns} times while 22,500 lines were rendered`,
      );
      assert.equal(
        walks(),
        before + 2,
        "one rendering for both scrapes (and downloader-exporter's)",
      );
      assert.equal(a, b);
      assert.equal(a, await fresh());
      assert.equal(new Samples(a).find("pt_tracker_torrent").length, 4500);
    } finally {
      await target.stop();
    }
  });
});
