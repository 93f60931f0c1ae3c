// The fault suite: seedwatch in front of the four real clients through fault-injecting proxies, driven through a
// seeded sequence of faults, client rollbacks, removals, restarts and kill -9, with its invariants checked after every step.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { waitFor } from "@seedwatch/metrics/testing";
import { tempDir } from "@seedwatch/testbed";
import { CounterOracle } from "@seedwatch/testbed/counter-oracle";
import { type Fault, type FaultProxy, startFaultProxy } from "@seedwatch/testbed/fault-proxy";
import { type Opentracker, startOpentracker } from "@seedwatch/testbed/opentracker";
import { mulberry32, type Random } from "@seedwatch/testbed/prng";
import {
  type Qbittorrent,
  type QbittorrentTorrent,
  startQbittorrent,
} from "@seedwatch/testbed/qbittorrent";
import { type Seedwatch, startSeedwatch } from "@seedwatch/testbed/seedwatch";
import { type GeneratedTorrent, makeTorrents } from "@seedwatch/testbed/torrents";
import { Samples } from "../support/exposition.ts";
import { SEEDER_KINDS, type SeederInstance, type SeederKind } from "../support/fault-seeders.ts";

/** FAULT_SEED and FAULT_STEPS replay or lengthen a run; CI uses these. */
const SEED = Number(process.env.FAULT_SEED ?? 20261207);
const STEPS = Number(process.env.FAULT_STEPS ?? 18);
const SIZE = 256 * 1024;
/** Resident memory seedwatch may never exceed, whatever a client sends (a gzip bomb included). */
const RSS_LIMIT_MB = 400;
const TIMEOUT_S = 3;

/** One target: its client kind, the live instance, the one restored from older state, its proxy. */
interface Box {
  readonly name: string;
  readonly kind: SeederKind;
  readonly torrents: readonly GeneratedTorrent[];
  readonly live: SeederInstance;
  readonly restored: SeederInstance;
  readonly proxy: FaultProxy;
  /** The instance behind the proxy now. */
  current: SeederInstance;
  readonly oracle: CounterOracle;
}

const NAMES: Record<SeederKind["type"], string> = {
  qbittorrent: "qb",
  transmission: "tr",
  deluge: "de",
  rtorrent: "rt",
};

describe(`fault suite (FAULT_SEED=${SEED} FAULT_STEPS=${STEPS})`, { timeout: 900_000 }, () => {
  const cleanup: Array<() => Promise<void>> = [];
  const boxes: Box[] = [];
  const trackerOf = new Map<string, string>();
  let seedwatch: Seedwatch;
  let leecher: Qbittorrent;
  let trackers: Opentracker[];
  let startedAt = 0;
  /** The highest value every tracker counter ever showed, to catch one going down. */
  const highest = new Map<string, number>();

  before(async () => {
    console.log(`fault suite: seed ${SEED}, ${STEPS} steps (replay with FAULT_SEED=${SEED})`);
    const began = Date.now();
    const phase = (what: string) =>
      console.log(`fault suite: ${what} after ${Date.now() - began} ms`);
    const dir = await tempDir("fault-suite");
    cleanup.push(dir.remove);
    trackers = [
      await startOpentracker({ host: "127.0.0.1" }),
      await startOpentracker({ host: "127.0.0.3" }),
    ];
    for (const tracker of trackers) cleanup.push(tracker.stop);
    // Two torrents per client, one on each tracker, so every target has two tracker counters.
    const made: GeneratedTorrent[][] = [];
    for (const [i, kind] of SEEDER_KINDS.entries()) {
      const mine: GeneratedTorrent[] = [];
      for (const tracker of trackers) {
        const [torrent] = (await makeTorrents({
          dir: dir.path,
          count: 1,
          size: SIZE,
          announce: [tracker.announceUrl(`passkey${i}0123456789abcdef`)],
          prefix: `${NAMES[kind.type]}${tracker.host.replaceAll(".", "")}`,
        })) as [GeneratedTorrent];
        await tracker.allow([torrent.infoHash]);
        trackerOf.set(torrent.infoHash, tracker.host);
        mine.push(torrent);
      }
      made.push(mine);
    }
    leecher = await startQbittorrent({ interfaceAddress: "127.0.0.2" });
    cleanup.push(leecher.stop);
    const lives = await Promise.all(SEEDER_KINDS.map((kind) => kind.start()));
    for (const live of lives) cleanup.push(live.stop);
    await Promise.all(lives.map((live, i) => live.seed(made[i] as GeneratedTorrent[])));
    const all = made.flat();
    phase("clients seeding");

    // Bytes move twice: a backup taken between the two is a client with lower, non-zero counters.
    await download(leecher, all, lives, made);
    phase("first download");
    const snapshots = await Promise.all(lives.map((live) => live.snapshot()));
    phase("snapshots");
    for (const snapshot of snapshots) cleanup.push(snapshot.remove);
    await leecher.api("torrents/delete", {
      hashes: all.map((t) => t.infoHash).join("|"),
      deleteFiles: true,
    });
    await download(leecher, all, lives, made);
    phase("second download");
    const restored = await Promise.all(
      SEEDER_KINDS.map((kind, i) => kind.restore(snapshots[i] as { remove(): Promise<void> })),
    );
    for (const instance of restored) cleanup.push(instance.stop);

    for (const [i, kind] of SEEDER_KINDS.entries()) {
      const live = lives[i] as SeederInstance;
      const proxy = await startFaultProxy({ mode: kind.mode, upstream: live.upstream });
      cleanup.push(proxy.close);
      boxes.push({
        name: NAMES[kind.type],
        kind,
        torrents: made[i] as GeneratedTorrent[],
        live,
        restored: restored[i] as SeederInstance,
        proxy,
        current: live,
        oracle: new CounterOracle(),
      });
    }
    const config =
      `global: { poll_interval: 1s, timeout: ${TIMEOUT_S}s, min_refresh_interval: 0s }\n` +
      "history: { resolution: 1s }\n" +
      "targets:\n" +
      boxes.map((b) => `  - ${b.kind.target(b.name, b.proxy, b.live)}\n`).join("");
    phase("restored clients");
    startedAt = Date.now();
    seedwatch = await startSeedwatch(config);
    cleanup.push(seedwatch.remove);
  });

  after(async () => {
    for (const stop of cleanup.reverse()) await stop().catch(() => {});
  });

  /** Reads what each client behind a proxy says now, and credits it as seedwatch will. */
  async function observeClients(): Promise<void> {
    for (const box of boxes) {
      const counters = await box.current.counters();
      box.oracle.observe(
        counters
          .filter((c) => trackerOf.has(c.hash))
          .map((c) => ({ ...c, tracker: trackerOf.get(c.hash) as string })),
      );
    }
  }

  /** Checks every target: up or down as expected, and an up one's tracker totals exactly right. */
  async function assertInvariants(step: string, down: ReadonlySet<string> = new Set()) {
    await observeClients();
    for (const box of boxes) {
      const expectDown = down.has(box.name);
      let last = "";
      try {
        await waitFor(
          `${box.name} ${expectDown ? "down" : "up, with exact tracker totals"}`,
          async () => {
            const m = new Samples((await seedwatch.get("/metrics")).body);
            last = checkTarget(m, box, expectDown);
            return last === "" ? true : undefined;
          },
          { timeoutMs: 60_000, intervalMs: 250 },
        );
      } catch (error) {
        throw new Error(
          `after step "${step}" (replay with FAULT_SEED=${SEED}): ${last}\n${tail(seedwatch.logs())}`,
          { cause: error },
        );
      }
    }
    const rss = residentMB(seedwatch.daemon.pid);
    assert.ok(rss < RSS_LIMIT_MB, `after step "${step}": seedwatch holds ${rss} MB resident`);
  }

  /** "" when the target is as expected in these samples, else what is not (for the message). */
  function checkTarget(m: Samples, box: Box, expectDown: boolean): string {
    const up = m.find("pt_up", { name: box.name })[0]?.value;
    const trackerSeries = m.find("pt_tracker_upload_bytes_total", { name: box.name });
    for (const family of ["pt_tracker_upload_bytes_total", "pt_tracker_download_bytes_total"]) {
      for (const sample of m.find(family, { name: box.name })) {
        const key = `${family}{${box.name},${sample.labels.tracker}}`;
        const before = highest.get(key) ?? 0;
        assert.ok(sample.value >= before, `${key} went down from ${before} to ${sample.value}`);
        highest.set(key, sample.value);
      }
    }
    if (expectDown) {
      if (up !== 0) return `pt_up is ${up}, expected 0`;
      if (trackerSeries.length > 0) return "a down target still exports tracker counters";
      return "";
    }
    if (up !== 1) return `pt_up is ${up}, expected 1`;
    for (const tracker of box.oracle.trackers) {
      const want = box.oracle.totals(tracker);
      const labels = { name: box.name, tracker };
      const got = {
        uploaded: m.find("pt_tracker_upload_bytes_total", labels)[0]?.value,
        downloaded: m.find("pt_tracker_download_bytes_total", labels)[0]?.value,
      };
      if (got.uploaded !== want.uploaded || got.downloaded !== want.downloaded)
        return `tracker ${tracker}: seedwatch ${JSON.stringify(got)}, the client's figures ${JSON.stringify(want)}`;
    }
    return "";
  }

  it("starts with every target up and every tracker counted once", async () => {
    await assertInvariants("start");
    for (const box of boxes) {
      for (const tracker of box.oracle.trackers)
        assert.ok(box.oracle.totals(tracker).uploaded > 0, `${box.name} ${tracker} moved bytes`);
    }
  });

  it(`keeps its invariants through ${STEPS} seeded steps`, async () => {
    const random = mulberry32(SEED);
    for (let n = 1; n <= STEPS; n++) {
      const step = drawStep(random, boxes);
      console.log(`step ${n}/${STEPS}: ${step.label}`);
      await step.run();
      await assertInvariants(`${n}: ${step.label}`, step.down);
      if (step.down.size > 0) {
        for (const box of boxes) box.proxy.setFault({ kind: "pass" });
        // A reload makes every target try again at once, whatever its backoff.
        await reload(seedwatch);
        await assertInvariants(`${n}: ${step.label}, cleared`);
      }
    }
  });

  it("archived tracker totals that never step: no point above the clients' figures, none going down", async () => {
    for (const box of boxes) {
      for (const tracker of box.oracle.trackers) {
        const query = new URLSearchParams({
          series: "tracker_uploaded",
          target: box.name,
          tracker,
          from: String(startedAt),
          to: String(Date.now()),
        });
        const answer = JSON.parse((await seedwatch.get(`/api/v1/history?${query}`)).body) as {
          points: Array<[number, number | null, number | null, number | null]>;
        };
        const maxima = answer.points.flatMap(([, , , max]) => (max === null ? [] : [max]));
        assert.ok(maxima.length > 0, `${box.name} ${tracker}: archived points`);
        const final = box.oracle.totals(tracker).uploaded;
        let previous = 0;
        for (const max of maxima) {
          assert.ok(max <= final, `${box.name} ${tracker}: archived ${max} above ${final}`);
          assert.ok(max >= previous, `${box.name} ${tracker}: archived ${max} after ${previous}`);
          previous = max;
        }
      }
    }
  });

  /** One step of the sequence: what it does, and which targets are down after it. */
  interface Step {
    readonly label: string;
    readonly down: ReadonlySet<string>;
    run(): Promise<void>;
  }

  function drawStep(random: Random, all: readonly Box[]): Step {
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const box = pick(all);
    const roll = random();
    const none = new Set<string>();
    if (roll < 0.5) {
      const fault = pick(box.kind.mode === "http" ? HTTP_FAULTS : TCP_FAULTS)(random);
      return {
        label: `${box.name}: ${JSON.stringify(fault)}`,
        down: fault.kind === "delay" ? none : new Set([box.name]),
        run: async () => box.proxy.setFault(fault),
      };
    }
    if (roll < 0.65) {
      return { label: `${box.name}: swap the client`, down: none, run: async () => swap(box) };
    }
    if (roll < 0.72) {
      return {
        label: `${box.name}: remove a torrent`,
        down: none,
        run: async () => {
          const listed = await box.current.counters();
          if (listed.length > 1) await box.current.remove(pick(listed).hash);
        },
      };
    }
    if (roll < 0.8)
      return { label: "restart seedwatch", down: none, run: () => seedwatch.restart() };
    if (roll < 0.9)
      return {
        label: "kill -9 seedwatch",
        down: none,
        run: () => seedwatch.restart({ kill: true }),
      };
    return {
      label: `kill -9 seedwatch, swap ${box.name}'s client while it is down`,
      down: none,
      run: async () => {
        await seedwatch.kill();
        swap(box);
        await seedwatch.restart();
      },
    };
  }

  function swap(box: Box): void {
    box.current = box.current === box.live ? box.restored : box.live;
    box.proxy.setUpstream(box.current.upstream);
  }

  /**
   * Lets the leecher download every torrent from the seeders, and waits until it has them all and
   * every seeder counts more uploaded bytes for each of its torrents than before.
   */
  async function download(
    leech: Qbittorrent,
    torrents: readonly GeneratedTorrent[],
    seeders: readonly SeederInstance[],
    bySeeder: readonly (readonly GeneratedTorrent[])[],
  ): Promise<void> {
    const before = new Map<string, number>();
    for (const seeder of seeders)
      for (const c of await seeder.counters()) before.set(c.hash, c.uploaded);
    await leech.addTorrents(torrents, {});
    const seederOf = new Map<string, SeederInstance>();
    for (const [i, seeder] of seeders.entries())
      for (const torrent of bySeeder[i] as GeneratedTorrent[])
        seederOf.set(torrent.infoHash, seeder);
    // Each seeder's address, given to the leecher directly: a seeder's announce to 127.0.0.3 comes
    // from 127.0.0.3, where it does not listen, so the tracker cannot introduce them.
    const introduce = async (missing: readonly GeneratedTorrent[]) => {
      for (const torrent of missing) {
        const seeder = seederOf.get(torrent.infoHash) as SeederInstance;
        await leech.api("torrents/addPeers", {
          hashes: torrent.infoHash,
          peers: `127.0.0.1:${seeder.peerPort}`,
        });
      }
    };
    let state = "";
    let polls = 0;
    const done = new Set<string>();
    const t0 = Date.now();
    try {
      await waitFor(
        "the leecher to download every torrent and each seeder to count its upload",
        async () => {
          const got = await leech.api<QbittorrentTorrent[]>("torrents/info");
          const lines = torrents.map((t) => {
            const g = got.find((x) => x.hash === t.infoHash);
            return `${t.name}: ${g?.state} ${g?.progress}`;
          });
          const counted: string[] = [];
          for (const [i, seeder] of seeders.entries()) {
            for (const c of await seeder.counters())
              if (trackerOf.has(c.hash))
                counted.push(
                  `${SEEDER_KINDS[i]?.type} ${c.hash.slice(0, 8)} up ${c.uploaded} (was ${before.get(c.hash) ?? 0})`,
                );
          }
          state = `leecher: ${lines.join(", ")}; seeders: ${counted.join(", ")}`;
          const incomplete = torrents.filter(
            (t) => got.find((g) => g.hash === t.infoHash)?.progress !== 1,
          );
          for (const t of torrents)
            if (!incomplete.includes(t) && !done.has(t.name)) {
              done.add(t.name);
              console.log(`DEBUG ${t.name} complete after ${Date.now() - t0} ms`);
            }
          if (incomplete.length > 0) {
            // Again now and then: a seeder still checking its files refuses the first connection.
            if (polls++ % 8 === 0) await introduce(incomplete);
            return undefined;
          }
          for (const seeder of seeders) {
            for (const c of await seeder.counters())
              if (trackerOf.has(c.hash) && c.uploaded <= (before.get(c.hash) ?? 0))
                return undefined;
          }
          return true;
        },
        { timeoutMs: 180_000, intervalMs: 500 },
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}: ${state}`, { cause: error });
    }
  }
});

/** Faults an HTTP client can meet, drawn with the suite's generator. */
const HTTP_FAULTS: ReadonlyArray<(random: Random) => Fault> = [
  () => ({ kind: "refuse" }),
  () => ({ kind: "delay", ms: 250 }),
  () => ({ kind: "hang" }),
  (random) => ({ kind: "truncate", afterBytes: Math.floor(random() * 200), target: "body" }),
  (random) => ({ kind: "truncate", afterBytes: Math.floor(random() * 40), target: "any" }),
  (random) => ({
    kind: "corrupt",
    seed: Math.floor(random() * 2 ** 31),
    rate: 0.05,
    target: "any",
  }),
  () => ({ kind: "status", status: 403, body: "Forbidden" }),
  () => ({ kind: "status", status: 500, body: "Internal Server Error" }),
  () => ({ kind: "gzipBomb", status: 500, decodedBytes: 2 ** 30 }),
  () => ({ kind: "gzipBomb", status: 200, decodedBytes: 2 ** 30 }),
];

/** Faults a raw TCP client (SCGI, Deluge's TLS) can meet. */
const TCP_FAULTS: ReadonlyArray<(random: Random) => Fault> = [
  () => ({ kind: "refuse" }),
  () => ({ kind: "delay", ms: 250 }),
  () => ({ kind: "hang" }),
  (random) => ({ kind: "truncate", afterBytes: Math.floor(random() * 300) }),
  (random) => ({ kind: "corrupt", seed: Math.floor(random() * 2 ** 31), rate: 0.05 }),
];

async function reload(seedwatch: Seedwatch): Promise<void> {
  const answer = await fetch(`${seedwatch.url}/-/reload`, { method: "POST" });
  assert.equal(answer.status, 200, await answer.text());
}

function residentMB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN);
  return Math.round(kb / 1024);
}

function tail(text: string, lines = 30): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}
