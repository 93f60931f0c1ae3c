import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseConfig } from "../config/load.ts";
import { createLogger } from "../log.ts";
import { EMPTY_TORRENT } from "../model/torrent.ts";
import { SourceAuthError, SourceTimeoutError } from "../net/errors.ts";
import type { PollResult, SourceContext, TorrentSource } from "../sources/source.ts";
import { CounterStore } from "../store/counter-store.ts";
import { openDatabase } from "../store/database.ts";
import { TorrentTarget } from "./torrent-target.ts";

const CONFIG = parseConfig(
  "targets:\n  - { name: box, type: qbittorrent, url: 'http://h:1', username: u, password: p }\n",
  "t.yml",
  {},
).targets[0] as NonNullable<ReturnType<typeof parseConfig>["targets"][0]>;

function result(n: number): PollResult {
  return {
    reset: true,
    removed: [],
    patches: Array.from({ length: n }, (_, i) => ({
      ...EMPTY_TORRENT,
      hash: `h${i}`,
      name: `t${i}`,
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

/**
 * A source whose every poll reads a long answer on the test's clock: `rows` rows, one second
 * per 1,000 of them, reported as it goes; like a real source, it gives up with a timeout as soon
 * as the poll's signal aborts. `quiet` polls answer at once.
 */
function slowSource(clock: { now: number }, rows: () => number) {
  const source: TorrentSource & { context?: SourceContext; calls: number } = {
    bytesReceived: 0,
    calls: 0,
    async poll(signal) {
      source.calls++;
      const total = rows();
      for (let loaded = 1000; loaded <= total; loaded += 1000) {
        clock.now += 1000;
        source.context?.onProgress?.(loaded, total);
        if (signal.aborted) throw new SourceTimeoutError("torrents/info: no answer in time");
      }
      return result(3);
    },
    remove: async () => {},
    close: async () => {},
  };
  return source;
}

function slowTarget(
  clock: { now: number },
  source: ReturnType<typeof slowSource>,
  lines: string[],
) {
  return new TorrentTarget(CONFIG as never, {
    log: createLogger({ level: "info", format: "logfmt", write: (l) => lines.push(l) }),
    counters: undefined,
    createSource: (_config, context) => {
      source.context = context;
      return source;
    },
    now: () => clock.now,
  });
}

describe("TorrentTarget", () => {
  it("lets a first sync that streams run past the poll timeout, and bounds the steady polls after it", async () => {
    const clock = { now: 1_000_000 };
    let rows = 100_000;
    const lines: string[] = [];
    const source = slowSource(clock, () => rows);
    const target = slowTarget(clock, source, lines);
    assert.equal(CONFIG.timeout, 10_000);
    await target.refreshIfOlderThan(0, clock.now + 600_000);
    assert.equal(target.health.up, true, "100 s of streaming is not a timeout");
    assert.equal(target.errors.get("timeout"), 0);
    assert.equal(
      lines.filter((l) => l.includes("sync is taking longer than the poll timeout")).length,
      1,
    );
    assert.match(lines.at(-1) ?? "", /msg="target is up" .*sync_s=100\b/);
    // Once up, a poll is bounded by the timeout again.
    rows = 20_000;
    await target.refreshIfOlderThan(0, clock.now + 600_000);
    assert.equal(target.health.up, false);
    assert.equal(target.errors.get("timeout"), 1);
    assert.match(target.health.lastError ?? "", /no answer in time \(no answer within 10 s\)/);
    await target.stop();
  });

  it("tries a sync that keeps timing out while data arrives again after the poll interval, never later", async () => {
    const clock = { now: 1_000_000 };
    const lines: string[] = [];
    const source = slowSource(clock, () => 1_000_000);
    const target = slowTarget(clock, source, lines);
    for (let attempt = 1; attempt <= 4; attempt++) {
      await target.refreshIfOlderThan(0, clock.now + 600_000);
      assert.equal(target.health.up, false);
      assert.equal(target.health.consecutiveFailures, attempt);
      assert.equal(target.health.notBefore, clock.now + CONFIG.pollInterval, `attempt ${attempt}`);
      assert.match(target.health.lastError ?? "", /sync still running after its limit of 300 s/);
      clock.now = target.health.notBefore;
    }
    assert.equal(source.calls, 4);
    await target.stop();
  });

  it("backs off as before from a sync that gets no answer at all", async () => {
    const clock = { now: 1_000_000 };
    const source = slowSource(clock, () => 0);
    source.poll = async () => {
      source.calls++;
      clock.now += 10_000;
      throw new SourceTimeoutError("torrents/info: no answer in time");
    };
    const target = slowTarget(clock, source, []);
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const started = clock.now;
      await target.refreshIfOlderThan(0, clock.now + 600_000);
      delays.push(target.health.notBefore - started);
      clock.now = target.health.notBefore;
    }
    const interval = CONFIG.pollInterval;
    assert.deepEqual(delays, [interval, 2 * interval, 4 * interval]);
    await target.stop();
  });

  it("logs progress every 5 s while a long first sync is read, then once that it is up", async () => {
    let clock = 1_000_000;
    const lines: string[] = [];
    const source: TorrentSource & { context?: SourceContext } = {
      bytesReceived: 0,
      async poll() {
        for (let loaded = 1000; loaded <= 12_000; loaded += 1000) {
          clock += 1000;
          source.context?.onProgress?.(loaded, undefined);
        }
        return result(3);
      },
      remove: async () => {},
      close: async () => {},
    };
    const target = new TorrentTarget(CONFIG as never, {
      log: createLogger({
        level: "info",
        format: "logfmt",
        write: (l) => lines.push(l),
        now: () => new Date(clock),
      }),
      counters: undefined,
      createSource: (_config, context) => {
        source.context = context;
        return source;
      },
      now: () => clock,
    });
    await target.refreshIfOlderThan(0, clock + 60_000);
    const progress = lines.filter((l) => l.includes("sync in progress"));
    assert.deepEqual(
      progress.map((l) => /torrents_loaded=(\d+)/.exec(l)?.[1]),
      ["6000", "11000"],
      "one line 5 s after the first progress report, then every 5 s",
    );
    assert.match(lines.at(-1) ?? "", /msg="target is up" target=box torrents=3 version=v1/);
    await target.stop();
  });

  it("marks the target down with the reason, backs off, and comes back", async () => {
    let clock = 5_000_000;
    let fail = true;
    const target = new TorrentTarget(CONFIG as never, {
      log: createLogger({ level: "error", format: "logfmt", write: () => {} }),
      counters: undefined,
      createSource: () => ({
        bytesReceived: 0,
        poll: async () => {
          if (fail) throw new SourceAuthError("refused");
          return result(2);
        },
        remove: async () => {},
        close: async () => {},
      }),
      now: () => clock,
    });
    await target.refreshIfOlderThan(0, clock + 1000);
    assert.equal(target.health.up, false);
    assert.equal(target.errors.get("auth"), 1);
    assert.equal(target.health.notBefore, clock + 5 * 60_000, "refused credentials wait 5 minutes");
    fail = false;
    await target.refreshIfOlderThan(0, clock + 1000);
    assert.equal(target.polls, 1, "no poll while backing off");
    clock += 5 * 60_000;
    await target.refreshIfOlderThan(0, clock + 1000);
    assert.equal(target.health.up, true);
    assert.equal(target.summary().torrents, 2);
    await target.stop();
  });

  it("keeps tracker counters it could not save, says so once, and saves them with the next poll", async () => {
    const db = openDatabase(":memory:");
    const store = new CounterStore(db, { compactAfterSaves: 1 });
    const lines: string[] = [];
    let uploaded = 100;
    const target = new TorrentTarget(CONFIG as never, {
      log: createLogger({ level: "info", format: "logfmt", write: (l) => lines.push(l) }),
      counters: store,
      createSource: () => ({
        bytesReceived: 0,
        poll: async () => {
          const poll = result(1);
          return {
            ...poll,
            patches: [{ ...poll.patches[0], hash: "h0", uploaded, trackerHosts: ["a.example"] }],
          };
        },
        remove: async () => {},
        close: async () => {},
      }),
    });
    db.exec(`CREATE TRIGGER full BEFORE INSERT ON tracker_totals
      BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);
    await target.refreshIfOlderThan(0, Date.now() + 5000);
    uploaded = 150;
    await target.refreshIfOlderThan(0, Date.now() + 5000);
    assert.equal(target.health.up, true, "a full disk does not take the target down");
    assert.equal(target.counterSaveErrors, 2);
    assert.equal(lines.filter((l) => l.includes("could not save tracker counters")).length, 1);
    db.exec("DROP TRIGGER full");
    // Nothing changes in this poll: what is saved is what the failed saves left behind.
    await target.refreshIfOlderThan(0, Date.now() + 5000);
    assert.equal(target.counterSaveErrors, 2);
    assert.match(lines.at(-1) ?? "", /tracker counters are saved again/);
    const saved = store.load("box");
    assert.deepEqual([...saved.totals], [["a.example", { uploaded: 150, downloaded: 0 }]]);
    assert.deepEqual(
      [...saved.torrents].map(([hash, c]) => [hash, c.uploaded]),
      [["h0", 150]],
    );
    await target.stop();
  });
});
