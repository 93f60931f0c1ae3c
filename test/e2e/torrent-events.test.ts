// End to end: a torrent added, finished and removed bumps each event once, and a restart or a kill -9 of seedwatch counts none again.

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { assertPromtoolClean, waitFor } from "@seedwatch/metrics/testing";
import { tempDir } from "@seedwatch/testbed";
import { type Seedwatch, startSeedwatch } from "@seedwatch/testbed/seedwatch";
import { type Swarm, startSwarm } from "@seedwatch/testbed/swarm";
import { type GeneratedTorrent, makeTorrents } from "@seedwatch/testbed/torrents";
import { Samples } from "../support/exposition.ts";

const EVENTS = ["added", "finished", "removed", "errored"] as const;
type Counts = Record<(typeof EVENTS)[number], number>;

describe("torrent events against a real qBittorrent swarm", { timeout: 600_000 }, () => {
  let swarm: Swarm;
  let seedwatch: Seedwatch;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let late: GeneratedTorrent;

  const probe = async () => {
    const response = await seedwatch.get("/probe?target=leecher");
    assert.equal(response.status, 200);
    return { text: response.body, m: new Samples(response.body) };
  };
  const counts = (m: Samples, labels: Record<string, string> = {}): Counts =>
    Object.fromEntries(
      EVENTS.map((event) => [
        event,
        labels.tracker === undefined
          ? m.value("pt_torrent_events_total", { event })
          : m.value("pt_tracker_torrent_events_total", { ...labels, event }),
      ]),
    ) as Counts;
  const waitForCounts = (what: string, want: Partial<Counts>) =>
    waitFor(
      what,
      async () => {
        const { m } = await probe().catch(() => ({ m: undefined }));
        if (m === undefined || !m.has("pt_torrent_events_total")) return undefined;
        const now = counts(m);
        return Object.entries(want).every(([k, v]) => now[k as keyof Counts] === v)
          ? now
          : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );

  before(async () => {
    swarm = await startSwarm({ torrents: 2, trackers: 1 });
    dir = await tempDir("torrent-events");
    [late] = (await makeTorrents({
      dir: dir.path,
      count: 1,
      size: 1024 * 1024,
      announce: [swarm.announceUrls[0] as string],
      prefix: "late",
    })) as [GeneratedTorrent];
    await swarm.trackers[0]?.allow([late.infoHash]);
    await swarm.seeder.addTorrents([late], { savepath: late.payloadDir });
    const { leecher } = swarm;
    seedwatch = await startSeedwatch(
      "global: { poll_interval: 1s, min_refresh_interval: 0s }\nstorage: { path: state.db }\ntargets:\n" +
        `  - { name: leecher, type: qbittorrent, url: "${leecher.url}", username: "${leecher.username}", password: "${leecher.password}" }\n`,
    );
  });
  after(async () => {
    await seedwatch?.remove();
    await swarm?.stop();
    await dir?.remove();
  });

  it("counts what it sees happen once, under the torrent's tracker, and never again after a restart or a kill -9", async () => {
    // The torrents there at the first poll were found, not added.
    const first = await waitForCounts("the first poll", { added: 0 });
    assert.deepEqual(first, { added: 0, finished: 0, removed: 0, errored: 0 });

    await swarm.leecher.addTorrents([late]);
    await waitForCounts("the late torrent to be added and finished", { added: 1, finished: 1 });

    await swarm.leecher.api("torrents/delete", {
      hashes: swarm.torrents[0]?.infoHash as string,
      deleteFiles: false,
    });
    const settled = await waitForCounts("the removal", { added: 1, finished: 1, removed: 1 });
    assert.deepEqual(settled, { added: 1, finished: 1, removed: 1, errored: 0 });
    const { text, m } = await probe();
    await assertPromtoolClean(text);
    assert.deepEqual(counts(m, { tracker: "127.0.0.1" }), settled, "all on the one tracker");
    assert.equal(m.value("pt_class_torrents", { class: "total" }), 2);
    assert.equal(
      m.value("pt_tracker_class_torrents", { tracker: "127.0.0.1", class: "complete" }),
      2,
    );

    for (const how of ["restart", "kill -9"] as const) {
      await seedwatch.restart(how === "kill -9" ? { kill: true } : {});
      // Several polls after the restart: the same torrents add nothing.
      await waitFor(
        `polls after the ${how}`,
        async () => {
          const polls = (await probe().catch(() => undefined))?.m.find(
            "seedwatch_target_polls_total",
          );
          const done = polls?.reduce((n, s) => n + s.value, 0) ?? 0;
          return done >= 3 ? true : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );
      assert.deepEqual(counts((await probe()).m), settled, `after a ${how}`);
    }

    // Removed while seedwatch was down: counted once at its next start.
    await seedwatch.kill();
    await swarm.leecher.api("torrents/delete", {
      hashes: swarm.torrents[1]?.infoHash as string,
      deleteFiles: false,
    });
    await seedwatch.restart();
    await waitForCounts("the removal seen at start", { removed: 2 });
    await seedwatch.restart();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    assert.deepEqual(counts((await probe()).m), { added: 1, finished: 1, removed: 2, errored: 0 });
  });
});
