import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, before, describe, it } from "node:test";
import { waitFor } from "@seedwatch/metrics/testing";
import { tempDir } from "@seedwatch/testbed";
import { type Qbittorrent, startQbittorrent } from "@seedwatch/testbed/qbittorrent";
import { type Seedwatch, startSeedwatch } from "@seedwatch/testbed/seedwatch";
import { type GeneratedTorrent, makeTorrents } from "@seedwatch/testbed/torrents";

const RES = 1000; // history.resolution of this test: one sample per second
const TRACKERS = ["127.0.0.5", "127.0.0.6", "127.0.0.7"];
const PER_TRACKER = 3;

/** One life of the daemon: from answering /-/healthy to being killed. */
interface Run {
  readonly ready: number;
  killed: number;
  readonly how: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const nextBoundary = (after = Date.now()) => (Math.floor(after / RES) + 1) * RES;

/** The process state letter of /proc/<pid>/stat (R running, S sleeping, T stopped, ...). */
function processState(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
  return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
}

describe("the history archive survives kill -9 at any moment", { timeout: 300_000 }, () => {
  let qb: Qbittorrent;
  let seedwatch: Seedwatch;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let torrents: GeneratedTorrent[] = [];
  let dbFile = "";
  const runs: Run[] = [];

  before(async () => {
    dir = await tempDir("history-kill");
    qb = await startQbittorrent();
    for (const [i, host] of TRACKERS.entries()) {
      const made = await makeTorrents({
        dir: join(dir.path, `t${i}`),
        count: PER_TRACKER,
        prefix: `kill-${i}`,
        announce: [`http://${host}:9/announce?passkey=0123456789abcdef`],
      });
      await qb.addTorrents(made, { savepath: made[0]?.payloadDir ?? "" });
      torrents = [...torrents, ...made];
    }
    seedwatch = await startSeedwatch(
      "global: { poll_interval: 1s, min_refresh_interval: 0s }\n" +
        'history: { resolution: 1s }\nhost: { paths: ["/"] }\nstorage: { path: state.db }\ntargets:\n' +
        `  - { name: qb, type: qbittorrent, url: "${qb.url}", username: "${qb.username}", password: "${qb.password}" }\n`,
    );
    runs.push({ ready: Date.now(), killed: 0, how: "first start" });
    dbFile = join(seedwatch.dir, "state.db");
  });
  after(async () => {
    await seedwatch?.remove();
    await qb?.stop();
    await dir?.remove();
  });

  const kill = (how: string) => {
    seedwatch.daemon.signal("SIGKILL");
    (runs.at(-1) as Run).killed = Date.now();
    runs.push({ ready: 0, killed: 0, how });
  };
  const restart = async () => {
    await seedwatch.restart();
    const run = runs.pop() as Run;
    runs.push({ ...run, ready: Date.now() });
  };
  const integrity = () => {
    const db = new DatabaseSync(dbFile, { readOnly: true });
    try {
      return (db.prepare("PRAGMA integrity_check").all() as Array<{ integrity_check: string }>).map(
        (r) => r.integrity_check,
      );
    } finally {
      db.close();
    }
  };
  /** Level-0 periods (ms) of a series, with their sums. */
  const stored = (series: string, level = 0, key = "") => {
    const db = new DatabaseSync(dbFile, { readOnly: true });
    try {
      return db
        .prepare(
          `SELECT p.t * 1000 AS t, p.n AS n, p.sum AS sum FROM history_points p JOIN history_series s ON s.id = p.series
           WHERE s.series = ? AND s.target = (CASE WHEN ? LIKE 'host_%' THEN '' ELSE 'qb' END) AND s.key = ?
             AND p.level = ? ORDER BY p.t`,
        )
        .all(series, series, key, level) as Array<{ t: number; n: number; sum: number }>;
    } finally {
      db.close();
    }
  };

  it("has an archive before the first kill", async () => {
    await waitFor("three samples of the target", async () =>
      stored("torrents_total").length >= 3 ? true : undefined,
    );
  });

  it("restarts cleanly after a kill between two writes", async () => {
    await sleep(nextBoundary() + RES / 2 - Date.now());
    kill("between writes");
    await restart();
    assert.deepEqual(integrity(), ["ok"]);
  });

  it("restarts cleanly after a kill inside a write transaction", async (t) => {
    await sleep(1500);
    // Freeze the daemon again and again just after a boundary, and ask SQLite whether its write
    // lock is held; when it is, the daemon is inside a write transaction: kill it there.
    const probe = new DatabaseSync(dbFile, { timeout: 0 });
    let caught = false;
    let attempts = 0;
    try {
      for (let period = 0; period < 60 && !caught; period++) {
        await sleep(nextBoundary() - Date.now());
        const until = Date.now() + RES / 4;
        while (Date.now() < until) {
          attempts++;
          const pid = seedwatch.daemon.pid;
          seedwatch.daemon.signal("SIGSTOP");
          while (processState(pid) !== "T") await new Promise((r) => setImmediate(r));
          try {
            probe.exec("BEGIN IMMEDIATE");
            probe.exec("ROLLBACK");
          } catch (error) {
            if (!/locked|busy/i.test((error as Error).message)) throw error;
            caught = true;
            break;
          } finally {
            if (!caught) seedwatch.daemon.signal("SIGCONT");
          }
          await new Promise((r) => setImmediate(r));
        }
      }
    } finally {
      probe.close();
    }
    assert.ok(caught, "the daemon was seen holding the write lock");
    t.diagnostic(`caught inside a write after ${attempts} freezes`);
    kill("inside a write transaction");
    await restart();
    assert.deepEqual(integrity(), ["ok"]);
  });

  it("restarts cleanly after a kill right after starting and one on a boundary", async () => {
    kill("right after start");
    await restart();
    assert.deepEqual(integrity(), ["ok"]);
    await sleep(2500);
    await sleep(nextBoundary() - Date.now());
    kill("on a boundary");
    await restart();
    assert.deepEqual(integrity(), ["ok"]);
    await sleep(3500);
    (runs.at(-1) as Run).killed = Date.now();
  });

  it("lost nothing but the periods when it was not running", () => {
    const host = new Set(stored("host_load1").map((p) => p.t));
    const total = stored("torrents_total");
    const targetPeriods = new Set(total.map((p) => p.t));
    for (const run of runs) {
      // From the first boundary after it answered to the last whole period before it died.
      const first = Math.ceil(run.ready / RES) * RES;
      const last = Math.floor(run.killed / RES) * RES - RES;
      for (let t = first; t <= last; t += RES)
        assert.ok(host.has(t), `host sample at ${new Date(t).toISOString()} (run "${run.how}")`);
      // The target's series start with its first successful poll, then never miss a period.
      const polled = total.find((p) => p.t >= first && p.t <= last)?.t;
      if (last - first >= 3 * RES)
        assert.ok(polled !== undefined, `target sampled in run "${run.how}"`);
      for (let t = polled ?? last + RES; t <= last; t += RES)
        assert.ok(
          targetPeriods.has(t),
          `target sample at ${new Date(t).toISOString()} (run "${run.how}")`,
        );
    }
    for (const p of total) assert.deepEqual([p.n, p.sum], [1, torrents.length], `at ${p.t}`);
    assert.ok(runs.length === 5, `five lives: ${runs.map((r) => r.how).join(", ")}`);
  });

  it("kept every coarse point equal to the fine points it summarises (no half-written sample)", () => {
    for (const [series, key] of [
      ["host_load1", ""],
      ["torrents_total", ""],
      ["tracker_torrents", TRACKERS[2] as string],
    ] as const) {
      const fine = stored(series, 0, key);
      for (const [level, width] of [
        [1, 5 * RES],
        [2, 60 * RES],
      ] as const) {
        const points = stored(series, level, key);
        assert.ok(points.length > 0, `${series} level ${level}`);
        for (const coarse of points) {
          const inside = fine.filter((p) => p.t >= coarse.t && p.t < coarse.t + width);
          assert.equal(coarse.n, inside.length, `${series} level ${level} at ${coarse.t}: count`);
          const sum = inside.reduce((s, p) => s + p.sum, 0);
          assert.ok(
            Math.abs(coarse.sum - sum) <= 1e-9 * Math.abs(sum),
            `${series} level ${level} at ${coarse.t}: sum`,
          );
        }
      }
    }
  });

  it("serves the archive, with the downtime as gaps, through the API", async () => {
    const from = runs[0]?.ready ?? 0;
    const res = await seedwatch.get(
      `/api/v1/history?series=torrents_total&target=qb&from=${from}&to=${Date.now()}&points=10000`,
    );
    assert.equal(res.status, 200, res.body);
    const body = JSON.parse(res.body) as {
      step: number;
      points: Array<[number, number | null, number | null, number | null]>;
    };
    assert.equal(body.step, RES);
    const present = body.points.filter((p) => p[2] !== null);
    assert.ok(present.length > 5);
    for (const p of present)
      assert.deepEqual(p.slice(1), [torrents.length, torrents.length, torrents.length]);
    assert.ok(
      body.points.some((p) => p[2] === null),
      "the downtime shows as nulls",
    );
    const trackers = await seedwatch.get(
      `/api/v1/history?series=tracker_torrents&target=qb&tracker=${TRACKERS[1]}&from=${from}`,
    );
    const points = (JSON.parse(trackers.body) as { points: Array<Array<number | null>> }).points;
    assert.ok(points.some((p) => p[2] === PER_TRACKER));
  });
});
