// Randomized: the Deluge source's changed-only polls (Active filter, events, by id) keep the table equal to the daemon's truth.

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createSessionCounters } from "@seedwatch/metrics";
import { DelugeSimulator } from "../../../../../bench/simulators/deluge-simulator.ts";
import { TorrentStatus as S, StateMapper } from "../../model/status.ts";
import { type TorrentRow, TorrentTable } from "../../model/torrent-table.ts";
import { TrackerNamer } from "../../model/tracker.ts";
import { Credentials } from "../credentials.ts";
import type { DelugeTorrentStatus } from "./api.ts";
import { DelugeSync, SYNC_KEYS } from "./deluge-sync.ts";
import { DelugeSource } from "./index.ts";
import { type RencodeObject, rdecode, rencode } from "./rencode.ts";
import { DELUGE_STATES } from "./states.ts";

/*
 * The simulator follows Deluge 2.0.3's filter, diff and event semantics (see its header) and
 * changes torrents at random, quiet ones included: paused, resumed, errored, finished while
 * idle, removed, added, tracker errors, moving torrents stopping and quiet ones starting. After
 * every poll the source's table must equal what a full answer of the daemon maps to at that
 * moment. Only the changes Deluge announces by no event and no rate (peers connected without
 * payload, a label set) may lag, until the next full answer: they are compared after one.
 */

/** Fields that may lag until the periodic full answer (see above). */
const SILENT_FIELDS = new Set(["seeds", "leechers", "category"]);

function namer() {
  return new TrackerNamer({ rename: {}, categoryAsTracker: false });
}

/** The table a full answer of the simulator's truth maps to, with the same mapping code. */
function truthTable(sim: DelugeSimulator): TorrentTable {
  // Through the codec, as the wire carries it: floats become float32.
  const wire = rdecode(rencode(Object.fromEntries(sim.truth(SYNC_KEYS)))) as RencodeObject;
  const torrents = new Map(Object.entries(wire)) as Map<string, Partial<DelugeTorrentStatus>>;
  const announces = new Map<string, string[]>();
  for (const [hash, t] of sim.truth(["trackers"]))
    announces.set(
      hash,
      (t.trackers as Array<{ url: string }>).map((e) => e.url),
    );
  const sync = new DelugeSync(new StateMapper(DELUGE_STATES, () => {}));
  const table = new TorrentTable(namer());
  table.apply(sync.apply({ full: true, torrents }, announces, { reconnected: false, now: 0 }));
  return table;
}

function comparable(row: TorrentRow, skip: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) if (!skip.has(key)) out[key] = value;
  return out;
}

function assertSame(got: TorrentTable, want: TorrentTable, skip: ReadonlySet<string>, at: string) {
  const gotHashes = [...got.rows()].map((r) => r.hash).sort();
  const wantHashes = [...want.rows()].map((r) => r.hash).sort();
  assert.deepEqual(gotHashes, wantHashes, `${at}: the same torrents`);
  for (const row of want.rows()) {
    const mine = got.get(row.hash) as TorrentRow;
    assert.deepEqual(comparable(mine, skip), comparable(row, skip), `${at}: torrent ${row.hash}`);
  }
}

describe("DelugeSource changed-only polls against the simulator, randomized", () => {
  const seed = Number(process.env.SEED ?? Math.floor(Math.random() * 2 ** 31));
  let clock = 0;
  let sim: DelugeSimulator;
  let url: string;

  before(async () => {
    // Printed so a failure replays: SEED=<n> node --test ...
    console.log(`quiet-torrents seed: ${seed}`);
    sim = new DelugeSimulator({
      torrents: 400,
      churn: 0.05,
      quietChanges: 0.03,
      seed,
      manualTicks: true,
      now: () => clock,
    });
    url = await sim.listen();
  });
  after(() => sim.close());

  function source(
    resyncIntervalMs: number,
    fullListChunk?: number,
    onProgress?: (loaded: number, total: number | undefined) => void,
  ) {
    const src = new DelugeSource(
      {
        url,
        credentials: Credentials.login("seedwatch", "sim-password"),
        resyncIntervalMs,
        settleMs: 0,
        ...(fullListChunk === undefined ? {} : { fullListChunk }),
      },
      {
        target: "sim",
        session: createSessionCounters(),
        onUnknownState: () => {},
        ...(onProgress === undefined ? {} : { onProgress }),
      },
    );
    const table = new TorrentTable(namer());
    const poll = async () => {
      // One poll interval of the daemon: libtorrent's posted status is older than 1.5 s.
      clock += 10_000;
      sim.advance();
      table.apply(await src.poll(AbortSignal.timeout(30_000)));
    };
    return { src, table, poll };
  }

  it("after every poll, the table equals the daemon's truth (every field but the silent ones)", async () => {
    const { src, table, poll } = source(3_600_000);
    try {
      await poll();
      assertSame(table, truthTable(sim), new Set(), "after the full answer");
      for (let i = 1; i <= 40; i++) {
        await poll();
        assertSame(table, truthTable(sim), SILENT_FIELDS, `poll ${i} (seed ${seed})`);
      }
      assert.ok(src.eventsReceived > 0, "events were received and used");
    } finally {
      await src.close();
    }
  });

  it("a pause of every torrent at once (more than a quarter: the whole list as a diff) is right too", async () => {
    const { src, table, poll } = source(3_600_000);
    try {
      await poll();
      await poll();
      sim.pauseAll();
      await poll();
      assertSame(table, truthTable(sim), SILENT_FIELDS, `after pausing all (seed ${seed})`);
      // All but the few the tick before the poll changed again.
      const paused = [...table.rows()].filter((r) => r.status === S.Paused).length;
      assert.ok(paused > table.size * 0.9, `${paused} of ${table.size} paused`);
      await poll();
      assertSame(table, truthTable(sim), SILENT_FIELDS, `the poll after (seed ${seed})`);
    } finally {
      await src.close();
    }
  });

  it("a full list in parts (ids first, then by id): the truth, with progress after each part", async () => {
    const progress: Array<[number, number | undefined]> = [];
    const { src, table, poll } = source(0, 37, (loaded, total) => progress.push([loaded, total]));
    try {
      for (let i = 0; i < 3; i++) {
        progress.length = 0;
        await poll();
        assertSame(table, truthTable(sim), new Set(), `full poll in parts ${i} (seed ${seed})`);
        const parts = Math.ceil(sim.size / 37);
        assert.deepEqual(
          progress,
          Array.from({ length: parts }, (_, k) => [Math.min(sim.size, (k + 1) * 37), sim.size]),
        );
      }
      // The steady polls after a list in parts are diffs against it, as after a whole one.
      const steady = source(3_600_000, 37);
      try {
        await steady.poll();
        for (let i = 1; i <= 10; i++) {
          await steady.poll();
          assertSame(steady.table, truthTable(sim), SILENT_FIELDS, `poll ${i} (seed ${seed})`);
        }
      } finally {
        await steady.src.close();
      }
    } finally {
      await src.close();
    }
  });

  it("a full answer (every poll, as when resyncs are due) also equals the truth, silent fields included", async () => {
    const { src, table, poll } = source(0);
    try {
      for (let i = 0; i < 5; i++) {
        await poll();
        assertSame(table, truthTable(sim), new Set(), `full poll ${i} (seed ${seed})`);
      }
    } finally {
      await src.close();
    }
  });
});
