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

/** FAULT_SEED replays a run; FAULT_STEPS random steps follow the fixed coverage (CI uses these defaults). */
const SEED = Number(process.env.FAULT_SEED ?? 20261207);
const STEPS = Number(process.env.FAULT_STEPS ?? 6);
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
    // One torrent per seeder at a time: Transmission takes one connection per peer address, and
    // libtorrent waits a minute before it tries a refused peer again.
    const seederOf = new Map<string, SeederInstance>();
    for (const [i, live] of lives.entries())
      for (const torrent of made[i] as GeneratedTorrent[]) seederOf.set(torrent.infoHash, live);
    const rounds = [0, 1].map((r) => made.map((mine) => mine[r] as GeneratedTorrent));
    const downloadAll = async () => {
      for (const round of rounds) await download(leecher, round, seederOf);
    };
    await downloadAll();
    phase("first download");
    const snapshots = await Promise.all(lives.map((live) => live.snapshot()));
    phase("snapshots");
    for (const snapshot of snapshots) cleanup.push(snapshot.remove);
    await leecher.api("torrents/delete", {
      hashes: all.map((t) => t.infoHash).join("|"),
      deleteFiles: true,
    });
    await downloadAll();
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

  it(`keeps its invariants through every fault, rollback and restart, then ${STEPS} random steps`, async () => {
    const random = mulberry32(SEED);
    const plan = [
      ...shuffle(random, coverage(random)),
      ...Array.from({ length: STEPS }, () => drawStep(random)),
    ];
    for (const [n, step] of plan.entries()) {
      const label = `${n + 1}/${plan.length}: ${step.label}`;
      console.log(`step ${label}`);
      await step.run();
      await assertInvariants(label, step.down);
      if (step.down.size > 0) {
        for (const box of boxes) box.proxy.setFault({ kind: "pass" });
        // A reload makes every target try again at once, whatever its backoff.
        await reload(seedwatch);
        await assertInvariants(`${label}, cleared`);
      }
    }
  });

  it("archived tracker totals that never step: none above the clients' figures, none going down", async () => {
    for (const box of boxes) {
      for (const tracker of box.oracle.trackers) {
        const final = box.oracle.totals(tracker).uploaded;
        const maxima = await waitFor(
          `${box.name} ${tracker}: the archive to reach ${final}`,
          async () => {
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
            const found = answer.points.flatMap(([, , , max]) => (max === null ? [] : [max]));
            return found.at(-1) === final ? found : undefined;
          },
          { timeoutMs: 30_000, intervalMs: 500 },
        );
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

  /**
   * Every fault at least once (HTTP ones over qBittorrent and Transmission, TCP ones over Deluge
   * and rTorrent), and for every client a rollback followed by a restart of seedwatch (the
   * doubling the suite was built for), a removal, and a rollback while seedwatch is killed.
   */
  function coverage(random: Random): Step[] {
    const byMode = (mode: "http" | "tcp") => boxes.filter((b) => b.kind.mode === mode);
    const steps: Step[] = [];
    for (const mode of ["http", "tcp"] as const) {
      const faults = mode === "http" ? HTTP_FAULTS : TCP_FAULTS;
      const targets = byMode(mode);
      for (const [i, fault] of faults.entries())
        steps.push(faultStep(targets[i % targets.length] as Box, fault(random)));
    }
    for (const box of boxes) {
      steps.push(swapStep(box), restartStep(), removeStep(box, random), killSwapStep(box));
    }
    steps.push(killStep());
    return steps;
  }

  function drawStep(random: Random): Step {
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const box = pick(boxes);
    const roll = random();
    if (roll < 0.5)
      return faultStep(box, pick(box.kind.mode === "http" ? HTTP_FAULTS : TCP_FAULTS)(random));
    if (roll < 0.65) return swapStep(box);
    if (roll < 0.72) return removeStep(box, random);
    if (roll < 0.8) return restartStep();
    if (roll < 0.9) return killStep();
    return killSwapStep(box);
  }

  function faultStep(box: Box, fault: Fault): Step {
    return {
      label: `${box.name}: ${JSON.stringify(fault)}`,
      down: fault.kind === "delay" ? new Set() : new Set([box.name]),
      run: async () => box.proxy.setFault(fault),
    };
  }

  function swapStep(box: Box): Step {
    return { label: `${box.name}: swap the client`, down: new Set(), run: async () => swap(box) };
  }

  function removeStep(box: Box, random: Random): Step {
    const draw = random();
    return {
      label: `${box.name}: remove a torrent`,
      down: new Set(),
      run: async () => {
        const listed = (await box.current.counters()).filter((c) => trackerOf.has(c.hash));
        const chosen = listed[Math.floor(draw * listed.length)];
        if (listed.length > 1 && chosen !== undefined) await box.current.remove(chosen.hash);
      },
    };
  }

  function restartStep(): Step {
    return { label: "restart seedwatch", down: new Set(), run: () => seedwatch.restart() };
  }

  function killStep(): Step {
    return {
      label: "kill -9 seedwatch",
      down: new Set(),
      run: () => seedwatch.restart({ kill: true }),
    };
  }

  function killSwapStep(box: Box): Step {
    return {
      label: `kill -9 seedwatch, swap ${box.name}'s client while it is down`,
      down: new Set(),
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
    seederOf: ReadonlyMap<string, SeederInstance>,
  ): Promise<void> {
    const uploaded = async (torrent: GeneratedTorrent) =>
      (await (seederOf.get(torrent.infoHash) as SeederInstance).counters()).find(
        (c) => c.hash === torrent.infoHash,
      )?.uploaded ?? 0;
    const before = new Map<string, number>();
    for (const torrent of torrents) before.set(torrent.infoHash, await uploaded(torrent));
    await leech.addTorrents(torrents, {});
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
          for (const t of torrents)
            counted.push(`${t.name} up ${await uploaded(t)} (was ${before.get(t.infoHash)})`);
          state = `leecher: ${lines.join(", ")}; seeders: ${counted.join(", ")}`;
          const incomplete = torrents.filter(
            (t) => got.find((g) => g.hash === t.infoHash)?.progress !== 1,
          );
          if (incomplete.length > 0) {
            // Again now and then: a seeder still checking its files refuses the first connection.
            if (polls++ % 8 === 0) await introduce(incomplete);
            return undefined;
          }
          for (const t of torrents)
            if ((await uploaded(t)) <= (before.get(t.infoHash) ?? 0)) return undefined;
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

/** Fisher-Yates with the suite's generator, so the order replays from the seed. */
function shuffle<T>(random: Random, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}
