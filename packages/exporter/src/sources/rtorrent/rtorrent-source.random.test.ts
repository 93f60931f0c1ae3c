import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createSessionCounters } from "@seedwatch/metrics";
import { mulberry32 } from "@seedwatch/testbed/prng";
import {
  RtorrentSimulator,
  type SimTorrent,
} from "../../../../../bench/simulators/rtorrent-simulator.ts";
import { TorrentStatus as S } from "../../model/status.ts";
import { TorrentTable } from "../../model/torrent-table.ts";
import { TrackerNamer } from "../../model/tracker.ts";
import { RtorrentSource } from "./index.ts";

const ROUNDS = 40;
const TORRENTS = 40;

const newTable = () => new TorrentTable(new TrackerNamer({ rename: {}, categoryAsTracker: false }));

function rows(table: TorrentTable): string {
  return JSON.stringify([...table.rows()].sort((a, b) => (a.hash < b.hash ? -1 : 1)));
}

/** One random change, to any torrent: most of them quiet, as on a real box. */
function change(sim: RtorrentSimulator, random: () => number): string {
  const all = sim.torrents;
  const t = all[Math.floor(random() * all.length)] as SimTorrent;
  const n = Math.floor(random() * 1_000_000);
  const kind = Math.floor(random() * 13);
  switch (kind) {
    case 0:
    case 1:
      sim.transfer(t, n, n * 3);
      return `transfer ${t.hash}`;
    case 2: {
      // Going quiet matters for a torrent that was moving: pick one of those when there is one.
      const moving = all.filter((m) => m.upRate > 0 || m.downRate > 0);
      const quiet = moving[Math.floor(random() * moving.length)] ?? t;
      sim.idle(quiet);
      return `idle ${quiet.hash}`;
    }
    case 3:
      sim.stop(t);
      return `stop ${t.hash}`;
    case 4:
      sim.start(t);
      return `start ${t.hash}`;
    case 5:
      sim.pause(t);
      return `pause ${t.hash}`;
    case 6:
      sim.resume(t);
      return `resume ${t.hash}`;
    case 7: {
      // Markup characters and UTF-8 too: such rows are not read from the bytes but parsed.
      const message = [
        "",
        "Tracker: [Timeout was reached]",
        "Storage error: [disk full]",
        'Tracker: [Failure reason "x & <y>", déjà vu]',
      ][n % 4];
      sim.setMessage(t, message as string);
      return `message ${t.hash} ${message}`;
    }
    case 8:
      sim.finish(t);
      return `finish ${t.hash}`;
    case 9:
      sim.checkHash(t);
      return `check ${t.hash}`;
    case 10:
      sim.hashDone(t);
      return `checked ${t.hash}`;
    case 11:
      sim.erase(t);
      return `erase ${t.hash}`;
    default:
      return `add ${sim.add().hash}`;
  }
}

describe("RtorrentSource over views, against a simulated rTorrent changed at random", () => {
  for (let run = 0; run < 4; run++) {
    const seed =
      Number(process.env.RTORRENT_RANDOM_SEED ?? Math.floor(Math.random() * 2 ** 31)) + run;
    it(`equals a whole list after every poll (seed ${seed}; RTORRENT_RANDOM_SEED=${seed} repeats it)`, async (t) => {
      t.diagnostic(`seed ${seed}`);
      const random = mulberry32(seed);
      const sim = new RtorrentSimulator({ torrents: TORRENTS, churn: 0, seed });
      const url = await sim.listen();
      let now = 1_000_000;
      const context = (target: string) => ({
        target,
        session: createSessionCounters(),
        onUnknownState: (state: string) => assert.fail(`unknown state ${state}`),
      });
      const ours = new RtorrentSource({ url, now: () => now }, context("ours"));
      // The client's truth: the whole list read on every poll.
      const truth = new RtorrentSource(
        { url, fullListEveryMs: 0, now: () => now },
        context("truth"),
      );
      const table = newTable();
      const expected = newTable();
      const log: string[] = [];
      try {
        for (let round = 0; round < ROUNDS; round++) {
          const changes = Math.floor(random() * 6);
          for (let i = 0; i < changes; i++) log.push(change(sim, random));
          now += 10_000;
          table.apply(await ours.poll(AbortSignal.timeout(10_000)));
          expected.apply(await truth.poll(AbortSignal.timeout(10_000)));
          assert.equal(
            rows(table),
            rows(expected),
            `round ${round}, seed ${seed}, after:\n${log.slice(-12).join("\n")}`,
          );
          log.push(`-- poll ${round}`);
        }
        // 40 polls 10 s apart: the first whole list, and none but the one every 10 minutes.
        assert.ok(
          ours.fullLists <= 2,
          `${ours.fullLists} whole lists: changes were not read narrowly`,
        );
      } finally {
        await ours.close();
        await truth.close();
        sim.close();
      }
    });
  }

  it("counts peers at most once a minute, and keeps the last counts in between", async () => {
    const sim = new RtorrentSimulator({ torrents: 10, churn: 0 });
    const url = await sim.listen();
    let now = 1_000_000;
    const source = new RtorrentSource(
      { url, now: () => now },
      { target: "peers", session: createSessionCounters(), onUnknownState: () => {} },
    );
    try {
      sim.transfer(sim.torrents[0] as SimTorrent, 1000, 3000);
      const first = await source.poll(AbortSignal.timeout(10_000));
      assert.equal(sim.peerCalls, 1, "one item with peers: one p.multicall");
      assert.ok((first.peers?.total ?? 0) > 0);
      now += 10_000;
      const kept = await source.poll(AbortSignal.timeout(10_000));
      assert.equal(sim.peerCalls, 1, "10 s later: no census");
      assert.deepEqual(kept.peers, first.peers);
      now += 50_000;
      await source.poll(AbortSignal.timeout(10_000));
      assert.equal(sim.peerCalls, 2, "a minute after the first: counted again");
    } finally {
      await source.close();
      sim.close();
    }
  });

  it("reads the whole list, which streams, when events touched more torrents than it holds", async () => {
    const sim = new RtorrentSimulator({ torrents: 20, churn: 0 });
    const url = await sim.listen();
    const source = new RtorrentSource(
      { url, touchedHeld: 3 },
      { target: "held", session: createSessionCounters(), onUnknownState: () => {} },
    );
    const table = newTable();
    try {
      table.apply(await source.poll(AbortSignal.timeout(10_000)));
      const started = sim.torrents.filter((t) => t.state === 1);
      for (const t of started.slice(0, 3)) sim.stop(t);
      table.apply(await source.poll(AbortSignal.timeout(10_000)));
      assert.equal(source.fullLists, 1, "three touched: read in the poll of changes");
      for (const t of started.slice(3, 7)) sim.stop(t);
      table.apply(await source.poll(AbortSignal.timeout(10_000)));
      assert.equal(source.fullLists, 2, "four touched: the whole list");
      for (const t of started.slice(0, 7)) {
        assert.equal(table.get(t.hash.toLowerCase())?.status, S.Paused);
      }
      table.apply(await source.poll(AbortSignal.timeout(10_000)));
      assert.equal(source.fullLists, 2, "the whole list emptied the touched view");
    } finally {
      await source.close();
      sim.close();
    }
  });

  it("sees what no event showed through the sizes of main and started, with a whole list", async () => {
    const sim = new RtorrentSimulator({ torrents: 10, churn: 0 });
    const url = await sim.listen();
    const source = new RtorrentSource(
      { url },
      { target: "sizes", session: createSessionCounters(), onUnknownState: () => {} },
    );
    const table = newTable();
    const poll = async () => table.apply(await source.poll(AbortSignal.timeout(10_000)));
    try {
      await poll();
      // Someone else's configuration dropped our handlers.
      for (const event of [
        "event.download.erased",
        "event.download.paused",
        "event.download.closed",
      ])
        sim.dropHandlers(event);
      const gone = sim.torrents[0] as SimTorrent;
      sim.erase(gone);
      await poll();
      assert.equal(table.get(gone.hash.toLowerCase()), undefined, "main's size told");
      assert.equal(source.fullLists, 2);
      const stopped = sim.torrents.find((t) => t.state === 1) as SimTorrent;
      sim.stop(stopped);
      await poll();
      assert.equal(table.get(stopped.hash.toLowerCase())?.status, S.Paused, "started's size told");
      assert.equal(source.fullLists, 3);
    } finally {
      await source.close();
      sim.close();
    }
  });
});
