import assert from "node:assert/strict";
import type { DatabaseSync } from "node:sqlite";
import { describe, it } from "node:test";
import type { HostSnapshot } from "../host/snapshot.ts";
import { createLogger, type Logger } from "../log.ts";
import { TorrentStatus } from "../model/status.ts";
import { EMPTY_TORRENT } from "../model/torrent.ts";
import { TorrentTable } from "../model/torrent-table.ts";
import { TrackerNamer } from "../model/tracker.ts";
import { openDatabase } from "../store/database.ts";
import { ArchiveStore } from "./archive-store.ts";
import { hostSamples, type SampledTarget, targetSamples } from "./collect-samples.ts";
import { HistorySampler, type SamplerClock } from "./sampler.ts";

const RES = 60_000;
const T0 = Date.UTC(2025, 0, 1, 0, 0, 0);

/** Timers that fire only when the test moves time, each `lateBy` ms after its due time. */
function manualClock(start: number) {
  let now = start;
  let timers: Array<{ at: number; fn: () => void }> = [];
  const clock: SamplerClock & {
    advance(ms: number, lateBy?: number): Promise<void>;
    readonly pending: number;
  } = {
    now: () => now,
    setTimeout(fn, ms) {
      const timer = { at: now + ms, fn };
      timers.push(timer);
      return timer;
    },
    clearTimeout(handle) {
      timers = timers.filter((t) => t !== handle);
    },
    get pending() {
      return timers.length;
    },
    async advance(ms, lateBy = 0) {
      const end = now + ms;
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        const next = timers[0];
        if (next === undefined || next.at + lateBy > end) break;
        timers.shift();
        now = next.at + lateBy;
        next.fn();
        // Let the sample's promise chain (host sample, write, reschedule) run.
        for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
      }
      now = end;
    },
  };
  return clock;
}

function capturingLog(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    log: createLogger({ level: "debug", format: "logfmt", write: (line) => lines.push(line) }),
  };
}

function periods(db: DatabaseSync, series = "upload_rate"): number[] {
  return (
    db
      .prepare(
        "SELECT p.t AS t FROM history_points p JOIN history_series s ON s.id = p.series WHERE p.level = 0 AND s.series = ? ORDER BY p.t",
      )
      .all(series) as Array<{ t: number }>
  ).map((r) => r.t * 1000);
}

function torrentTarget(up = true): SampledTarget {
  const table = new TorrentTable(new TrackerNamer({ rename: {}, categoryAsTracker: false }));
  table.apply({
    reset: true,
    removed: [],
    patches: [
      {
        ...EMPTY_TORRENT,
        hash: "a",
        size: 10,
        progress: 1,
        uploaded: 500,
        uploadRate: 3,
        status: TorrentStatus.Uploading,
        started: true,
        trackerHosts: ["t1.example"],
      },
      {
        ...EMPTY_TORRENT,
        hash: "b",
        size: 20,
        progress: 0.5,
        downloaded: 70,
        status: TorrentStatus.Paused,
        message: "unregistered",
        trackerHosts: ["t2.example"],
      },
    ],
  });
  return {
    config: { name: "box" },
    health: { up },
    client: {
      version: "v5",
      uploadRate: 3,
      downloadRate: 0,
      uploadedTotal: 9000,
      downloadedTotal: undefined,
      freeSpace: 123,
    },
    table,
  };
}

describe("samples", () => {
  it("reads a torrent target's figures, per-tracker ones included, and nothing when it is down", () => {
    const values = Object.fromEntries(
      targetSamples(torrentTarget()).map((s) => [
        `${s.series}${s.key ? `@${s.key}` : ""}`,
        s.value,
      ]),
    );
    assert.deepEqual(values, {
      upload_rate: 3,
      download_rate: 0,
      uploaded_total: 9000,
      free_space: 123,
      torrents_total: 2,
      torrents_active: 1,
      torrents_with_message: 1,
      torrents_complete: 1,
      torrents_incomplete: 1,
      torrents_seeding: 1,
      torrents_downloading: 0,
      torrents_started: 1,
      torrents_stopped: 1,
      torrents_errored: 0,
      "tracker_uploaded@t1.example": 500,
      "tracker_downloaded@t1.example": 0,
      "tracker_torrents@t1.example": 1,
      "tracker_uploaded@t2.example": 0,
      "tracker_downloaded@t2.example": 70,
      "tracker_torrents@t2.example": 1,
    });
    assert.deepEqual(targetSamples(torrentTarget(false)), []);
  });

  it("reads the host's figures and leaves out what is unknown", () => {
    const snapshot = {
      cpu: { busy: 0.25 },
      load: { load1: 1.5 },
      memory: { usedBytes: 1000 },
      swap: null,
      filesystems: [
        { path: "/", ok: true, usedBytes: 5000 },
        { path: "/gone", ok: false, error: "ENOENT" },
      ],
      disks: { readBytesPerSecond: null, writeBytesPerSecond: 7 },
      network: { receiveBytesPerSecond: 8, transmitBytesPerSecond: 9 },
    } as unknown as HostSnapshot;
    assert.deepEqual(
      hostSamples(snapshot).map((s) => [s.series, s.key, s.value]),
      [
        ["host_cpu_busy", "", 0.25],
        ["host_load1", "", 1.5],
        ["host_memory_used", "", 1000],
        ["host_filesystem_used", "/", 5000],
        ["host_disk_write_rate", "", 7],
        ["host_network_receive_rate", "", 8],
        ["host_network_transmit_rate", "", 9],
      ],
    );
  });
});

describe("HistorySampler", () => {
  const setup = (options: { host?: () => Promise<HostSnapshot> } = {}) => {
    const db = openDatabase(":memory:");
    const store = new ArchiveStore(db, { resolutionMs: RES });
    const clock = manualClock(T0 + 12_345);
    const { log, lines } = capturingLog();
    const sampler = new HistorySampler({
      store,
      resolutionMs: RES,
      targets: () => [torrentTarget()],
      host: options.host === undefined ? undefined : { sample: options.host },
      log,
      clock,
    });
    return { db, store, clock, sampler, lines };
  };

  it("samples on each wall-clock minute, stamped with the minute", async () => {
    const { db, clock, sampler } = setup();
    sampler.start();
    await clock.advance(3 * RES);
    assert.deepEqual(periods(db), [T0 + RES, T0 + 2 * RES, T0 + 3 * RES]);
    assert.equal(sampler.written, 3);
    await sampler.stop();
    assert.equal(clock.pending, 0);
  });

  it("records the minute a late timer was due for, and leaves a gap when it is a whole period late", async () => {
    const { db, clock, sampler } = setup();
    sampler.start();
    await clock.advance(RES + 10_000, 20_000); // fires at T0+1m+20s
    await clock.advance(2 * RES, RES + 5000); // the next fires 65 s late
    assert.deepEqual(periods(db), [T0 + RES, T0 + 3 * RES]);
    await sampler.stop();
  });

  it("never samples one period twice, even when a timer fires before its boundary", async () => {
    const { db, clock, sampler } = setup();
    sampler.start();
    await clock.advance(2 * RES, -3); // every timer 3 ms early
    assert.deepEqual(periods(db), [T0 + RES, T0 + 2 * RES]);
    const n = db.prepare("SELECT max(n) AS n FROM history_points WHERE level = 0").get();
    assert.equal(n?.n, 1);
    await sampler.stop();
  });

  it("keeps sampling targets when the host fails, and logs a failing write once", async () => {
    const { db, store, clock, sampler, lines } = setup({
      host: () => Promise.reject(new Error("procfs gone")),
    });
    sampler.start();
    await clock.advance(RES);
    assert.deepEqual(periods(db), [T0 + RES]);
    assert.ok(lines.some((l) => l.includes("host sample failed")));
    const record = store.record.bind(store);
    store.record = () => {
      throw new Error("disk full");
    };
    await clock.advance(3 * RES);
    assert.equal(lines.filter((l) => l.includes("history write failed")).length, 1);
    store.record = record;
    await clock.advance(RES);
    assert.deepEqual(periods(db), [T0 + RES, T0 + 5 * RES]);
    assert.ok(lines.some((l) => l.includes("history writes work again")));
    await sampler.stop();
  });

  it("waits for a sample being taken when stopped", async () => {
    let release: (snapshot: HostSnapshot) => void = () => {};
    const { db, clock, sampler } = setup({
      host: () => new Promise<HostSnapshot>((resolve) => (release = resolve)),
    });
    sampler.start();
    await clock.advance(RES);
    let stopped = false;
    const stopping = sampler.stop().then(() => (stopped = true));
    await new Promise((r) => setImmediate(r));
    assert.equal(stopped, false);
    release({
      cpu: null,
      load: { load1: 2 },
      memory: null,
      swap: null,
      filesystems: [],
      disks: null,
      network: null,
    } as unknown as HostSnapshot);
    await stopping;
    assert.deepEqual(periods(db, "host_load1"), [T0 + RES]);
    assert.equal(clock.pending, 0, "no new timer after stop");
  });
});
