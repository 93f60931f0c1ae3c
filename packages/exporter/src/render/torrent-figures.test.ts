import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CollectingWriter, encode, parseExposition, renderLabels } from "@seedwatch/metrics";
import { assertPromtoolClean } from "@seedwatch/metrics/testing";
import { TorrentStatus } from "../model/status.ts";
import { EMPTY_TORRENT, type TorrentPatch, type TorrentRecord } from "../model/torrent.ts";
import { TorrentTable } from "../model/torrent-table.ts";
import { TrackerNamer } from "../model/tracker.ts";
import { figureSupport, renderTorrentFigures } from "./torrent-figures.ts";

const head = renderLabels(["name", "host", "client"], ["box", "http://127.0.0.1:1", "rtorrent"]);

function torrent(hash: string, fields: Partial<TorrentRecord>): TorrentPatch {
  return { ...EMPTY_TORRENT, hash, started: true, trackerHosts: ["a.example"], ...fields };
}

function table(): TorrentTable {
  const t = new TorrentTable(new TrackerNamer({ rename: {}, categoryAsTracker: false }));
  t.apply({ reset: true, removed: [], patches: [] });
  t.apply({
    reset: false,
    removed: [],
    patches: [
      torrent("1", { progress: 1, ratio: 0.4, files: 3, skipRate: 7, uploadRate: 1 }),
      torrent("2", { progress: 0.5, left: 500, ratio: 1.5, files: 1, message: "x" }),
      torrent("3", {
        progress: 0,
        left: 1000,
        ratio: -1,
        started: false,
        trackerHosts: ["b.example"],
      }),
      torrent("4", { progress: 1, ratio: 12, status: TorrentStatus.Paused, started: false }),
    ],
  });
  t.apply({ reset: false, removed: [], patches: [{ hash: "2", progress: 1, left: 0 }] });
  return t;
}

function render(type: string, version: string) {
  const w = new CollectingWriter();
  renderTorrentFigures(w, table(), head, figureSupport(type, version));
  return w.families.values();
}

describe("the torrent figures", () => {
  it("export classes, bytes left, files, skip rate, events and ratios, promtool-clean", async () => {
    const text = encode(render("rtorrent", "0.9.8"), "text");
    await assertPromtoolClean(text);
    const value = (series: string) => {
      const line = text.split("\n").find((l) => l.startsWith(`${series} `));
      assert.ok(line, `${series} is exported`);
      return Number(line.slice(series.length + 1));
    };
    const t = 'name="box",host="http://127.0.0.1:1",client="rtorrent"';
    assert.equal(value(`pt_class_torrents{${t},class="total"}`), 4);
    assert.equal(value(`pt_class_torrents{${t},class="seeding"}`), 2);
    assert.equal(value(`pt_class_torrents{${t},class="stopped"}`), 2);
    assert.equal(value(`pt_class_torrents{${t},class="message"}`), 1);
    assert.equal(
      value(`pt_tracker_class_torrents{${t},tracker="b.example",class="incomplete"}`),
      1,
    );
    assert.equal(value(`pt_left_bytes{${t}}`), 1000);
    assert.equal(value(`pt_tracker_left_bytes{${t},tracker="a.example"}`), 0);
    assert.equal(value(`pt_files{${t}}`), 4);
    assert.equal(value(`pt_skip_speed_bytes{${t}}`), 7);
    assert.equal(value(`pt_torrent_events_total{${t},event="added"}`), 4);
    assert.equal(value(`pt_torrent_events_total{${t},event="finished"}`), 1);
    assert.equal(
      value(`pt_tracker_torrent_events_total{${t},tracker="b.example",event="added"}`),
      1,
    );
    assert.equal(value(`pt_tracker_ratio_bucket{${t},tracker="a.example",le="0.5"}`), 1);
    assert.equal(value(`pt_tracker_ratio_bucket{${t},tracker="a.example",le="2.0"}`), 2);
    assert.equal(value(`pt_tracker_ratio_bucket{${t},tracker="a.example",le="+Inf"}`), 3);
    assert.equal(value(`pt_tracker_ratio_count{${t},tracker="a.example"}`), 3);
    assert.equal(value(`pt_tracker_ratio_sum{${t},tracker="a.example"}`), 13.9);
    assert.equal(value(`pt_tracker_ratio_count{${t},tracker="b.example"}`), 0, "unknown ratio");
  });

  it("exports opened and closed for rTorrent only, the one client with an open state", () => {
    const events = (type: string) =>
      [
        ...encode(render(type, "4.0.6"), "text").matchAll(
          /^pt_torrent_events_total\{.*event="(\w+)"\}/gm,
        ),
      ].map((m) => m[1]);
    assert.deepEqual(events("rtorrent"), [
      "added",
      "finished",
      "removed",
      "errored",
      "opened",
      "closed",
    ]);
    for (const type of ["qbittorrent", "transmission", "deluge"])
      assert.deepEqual(events(type), ["added", "finished", "removed", "errored"], type);
  });

  it("exports every listed tracker's events from the start, at 0", () => {
    const t = new TorrentTable(new TrackerNamer({ rename: {}, categoryAsTracker: false }));
    t.apply({ reset: true, removed: [], patches: [torrent("1", {})] });
    const w = new CollectingWriter();
    renderTorrentFigures(w, t, head, figureSupport("rtorrent", "0.9.8"));
    const text = encode(w.families.values(), "text");
    assert.match(
      text,
      /^pt_tracker_torrent_events_total\{[^}]*tracker="a.example",event="added"\} 0$/m,
    );
  });

  it("is a gaugehistogram in OpenMetrics", () => {
    const text = encode(render("rtorrent", "0.9.8"), "openmetrics");
    const ratio = parseExposition(text).find((f) => f.name === "pt_tracker_ratio");
    assert.equal(ratio?.type, "gaugehistogram");
    assert.ok(ratio?.samples.some((s) => s.name === "pt_tracker_ratio_gcount"));
  });

  it("leaves out what a client does not report rather than export a zero", () => {
    const names = (type: string, version: string) =>
      [...render(type, version)].map((f) => f.def.name);
    for (const [type, version] of [
      ["qbittorrent", "v5.0.4"],
      ["transmission", "3.00 (bb6b5a062e)"],
    ] as const) {
      assert.ok(!names(type, version).includes("pt_files"), `${type} ${version}: no files`);
      assert.ok(!names(type, version).includes("pt_skip_speed_bytes"));
      assert.ok(names(type, version).includes("pt_left_bytes"));
    }
    assert.ok(names("transmission", "4.0.6").includes("pt_files"));
    assert.ok(names("deluge", "2.0.3").includes("pt_files"));
    assert.ok(!names("deluge", "2.0.3").includes("pt_skip_speed_bytes"));
  });
});
