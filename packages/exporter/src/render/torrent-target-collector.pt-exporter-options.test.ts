import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Registry } from "@seedwatch/metrics";
import { assertPromtoolClean } from "@seedwatch/metrics/testing";
import { Samples } from "../../../../test/support/exposition.ts";
import { TorrentTarget } from "../collect/torrent-target.ts";
import { parseConfig } from "../config/load.ts";
import { silentLogger } from "../log.ts";
import { STATUS_COUNT, type StatusCode } from "../model/status.ts";
import { EMPTY_TORRENT, type TorrentPatch } from "../model/torrent.ts";
import type { PollResult } from "../sources/source.ts";
import { TorrentTargetCollector } from "./torrent-target-collector.ts";

const CLIENT = {
  version: "v4.6.7",
  downloadedTotal: 1,
  uploadedTotal: 2,
  downloadRate: 30_000_000,
  uploadRate: 100_000_000,
  freeSpace: 3,
};

/** pt-exporter's `RewriteStatusStr` with `lang: zh`, code by code (10: its README's table). */
const PT_EXPORTER_ZH = [
  "未知",
  "分配",
  "下载中",
  "上传中",
  "校验",
  "错误",
  "等待",
  "排队",
  "暂停",
  "移动中",
  "未定义",
];
/** ... and with any other `lang`. */
const PT_EXPORTER_EN = [
  "Unknown",
  "Allocating",
  "Downloading",
  "Uploading",
  "Checking",
  "Errored",
  "Stalled",
  "Queued",
  "Paused",
  "Moving",
  "Undefined",
];

/** One torrent in each status code, status+1 of them on tracker.example. */
function torrents(): TorrentPatch[] {
  const out: TorrentPatch[] = [];
  for (let status = 0; status < STATUS_COUNT; status++)
    for (let i = 0; i <= status; i++)
      out.push({
        ...EMPTY_TORRENT,
        hash: `${status}-${i}`.padStart(40, "0"),
        name: `t${status}-${i}`,
        status: status as StatusCode,
        category: "tv",
        trackerHosts: ["tracker.example"],
      });
  return out;
}

/** The exposition of a qBittorrent target with `options` (YAML of the target), up or down. */
async function scrape(options: string, up = true): Promise<string> {
  const config = parseConfig(
    `targets:\n  - { name: box, type: qbittorrent, url: "http://127.0.0.1:1", username: u, password: p${options} }\n`,
    "t.yml",
    {},
  ).targets[0];
  const answer: PollResult = { reset: true, removed: [], patches: torrents(), client: CLIENT };
  const target = new TorrentTarget(config as never, {
    log: silentLogger,
    counters: undefined,
    createSource: () => ({
      bytesReceived: 0,
      poll: async () => {
        if (!up) throw new Error("refused");
        return answer;
      },
      remove: async () => {},
      close: async () => {},
    }),
  });
  try {
    await target.refreshIfOlderThan(0, Date.now() + 10_000);
    const registry = new Registry();
    registry.register(new TorrentTargetCollector(target, silentLogger));
    return await registry.render();
  } finally {
    await target.stop();
  }
}

/** The status label of each count of `family`, by count (status code + 1). */
function statusByCount(text: string, family: string): Map<number, string> {
  return new Map(
    new Samples(text).find(family).map((s) => [s.value, s.labels.status as string] as const),
  );
}

describe("compat.status_language", () => {
  it("zh: pt_torrents_count and downloader_torrents_count name every status as pt-exporter's lang: zh does", async () => {
    const text = await scrape(", compat: { status_language: zh, downloader_exporter: true }");
    for (const family of ["pt_torrents_count", "downloader_torrents_count"]) {
      const names = statusByCount(text, family);
      assert.equal(names.size, STATUS_COUNT, family);
      for (let code = 0; code < STATUS_COUNT; code++)
        assert.equal(names.get(code + 1), PT_EXPORTER_ZH[code], `${family}, code ${code}`);
    }
    // The code stays a number, whatever the language.
    const status = new Samples(text).find("pt_tracker_torrent_status", { torrent_name: "t8-0" });
    assert.deepEqual(
      status.map((s) => s.value),
      [8],
    );
    await assertPromtoolClean(text);
  });

  it("en, the default, and given: English names, as pt-exporter with any other lang", async () => {
    const counts = (text: string) =>
      text.split("\n").filter((line) => /^(pt|downloader)_torrents_count\{/.test(line));
    const byDefault = await scrape(", compat: { downloader_exporter: true }");
    assert.deepEqual(
      counts(await scrape(", compat: { status_language: en, downloader_exporter: true }")),
      counts(byDefault),
    );
    for (const family of ["pt_torrents_count", "downloader_torrents_count"]) {
      const names = statusByCount(byDefault, family);
      for (let code = 0; code < STATUS_COUNT; code++)
        assert.equal(names.get(code + 1), PT_EXPORTER_EN[code], `${family}, code ${code}`);
    }
  });

  it("is set globally and per target, the target's winning; anything but zh or en is refused", () => {
    const config = parseConfig(
      "global: { compat: { status_language: zh } }\ntargets:\n" +
        '  - { name: a, type: transmission, url: "http://127.0.0.1:9091/transmission/rpc" }\n' +
        '  - { name: b, type: transmission, url: "http://127.0.0.1:9091/transmission/rpc", compat: { status_language: en } }\n',
      "t.yml",
      {},
    );
    assert.deepEqual(
      config.targets.map((t) => t.compat.statusLanguage),
      ["zh", "en"],
    );
    assert.throws(
      () =>
        parseConfig(
          'targets:\n  - { name: a, type: transmission, url: "http://127.0.0.1:9091/transmission/rpc", compat: { status_language: zh-CN } }\n',
          "t.yml",
          {},
        ),
      /targets\[0\]\.compat\.status_language: /,
    );
  });
});

describe("max_upload_speed and max_download_speed", () => {
  it("export pt-exporter's pt_max_*_speed_bytes in bytes per second, each from its own key", async () => {
    const text = await scrape(", max_upload_speed: 1Gbps, max_download_speed: 100Mbps");
    const samples = new Samples(text);
    const labels = { name: "box", host: "http://127.0.0.1:1", client: "qbittorrent" };
    const series = (name: string) =>
      samples.find(name).map((s) => ({ labels: s.labels, value: s.value }));
    assert.deepEqual(series("pt_max_upload_speed_bytes"), [{ labels, value: 125_000_000 }]);
    assert.deepEqual(series("pt_max_download_speed_bytes"), [{ labels, value: 12_500_000 }]);
    // What a utilization panel divides: 100 MB/s of a 1 Gbps line is 80%.
    assert.equal(
      samples.value("pt_upload_speed_bytes") / samples.value("pt_max_upload_speed_bytes"),
      0.8,
    );
    await assertPromtoolClean(text);
  });

  it("export nothing when not set, or set to 0 (pt-exporter's 0Gbps), or while the target is down", async () => {
    for (const text of [
      await scrape(""),
      await scrape(", max_upload_speed: 0Gbps, max_download_speed: 0"),
      await scrape(", max_upload_speed: 1Gbps, max_download_speed: 1Gbps", false),
    ]) {
      assert.doesNotMatch(text, /pt_max_/);
    }
    const one = new Samples(await scrape(", max_download_speed: 125000000"));
    assert.equal(one.value("pt_max_download_speed_bytes"), 125_000_000);
    assert.equal(one.has("pt_max_upload_speed_bytes"), false);
  });

  it("are per target, for torrent clients only, and say what they expect", () => {
    const problems = (yaml: string) => {
      try {
        parseConfig(yaml, "t.yml", {});
        return "";
      } catch (error) {
        return (error as Error).message;
      }
    };
    assert.match(
      problems(
        'targets:\n  - { name: a, type: qbittorrent, url: "http://127.0.0.1:1", username: u, password: p, max_upload_speed: 1Gb/s }\n',
      ),
      /targets\[0\]\.max_upload_speed: expected a line rate such as "1Gbps" or "100Mbps" \(bits per second\), or a number of bytes per second/,
    );
    assert.match(
      problems(
        'global: { max_upload_speed: 1Gbps }\ntargets:\n  - { name: a, type: qbittorrent, url: "http://127.0.0.1:1", username: u, password: p }\n',
      ),
      /global\.max_upload_speed: unknown key/,
    );
    assert.match(
      problems(
        'targets:\n  - { name: m, type: linxdot, url: "http://127.0.0.1:1", username: u, password: p, max_download_speed: 1Gbps }\n',
      ),
      /targets\[0\]\.max_download_speed: max_download_speed is only for torrent clients/,
    );
  });
});
