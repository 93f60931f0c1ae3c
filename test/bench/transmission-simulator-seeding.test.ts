// The Transmission simulator's secondsSeeding, as the real 3.00 daemon counts it: up every second a torrent seeds.

import assert from "node:assert/strict";
import { test } from "node:test";
import { TransmissionSimulator } from "../../bench/simulators/transmission-simulator.ts";
import { HttpClient } from "../../packages/exporter/src/net/http-client.ts";
import { Credentials } from "../../packages/exporter/src/sources/credentials.ts";
import { TransmissionApi } from "../../packages/exporter/src/sources/transmission/api.ts";

/** One torrent-get of every torrent's id, status and secondsSeeding, through the daemon's own client. */
async function seedingTimes(api: TransmissionApi): Promise<Map<number, [number, number]>> {
  const answer = await api.call(
    "torrent-get",
    { fields: ["id", "status", "secondsSeeding"] },
    AbortSignal.timeout(10_000),
  );
  const torrents = answer.torrents as Array<{ id: number; status: number; secondsSeeding: number }>;
  return new Map(torrents.map((t) => [t.id, [t.status, t.secondsSeeding]]));
}

test("a seeding torrent's secondsSeeding rises by the simulated 10 s of each poll; a stopped one's stays", async () => {
  const simulator = new TransmissionSimulator({ torrents: 30, churn: 0, quietChanges: 0 });
  const api = new TransmissionApi(
    await simulator.listen(),
    Credentials.login("admin", "adminadmin"),
    new HttpClient(),
  );
  try {
    const first = await seedingTimes(api);
    const second = await seedingTimes(api);
    let seeding = 0;
    let stopped = 0;
    for (const [id, [status, seconds]] of first) {
      const after = second.get(id);
      assert.ok(after !== undefined);
      assert.equal(after[0], status);
      if (status === 6) seeding++;
      else stopped++;
      assert.equal(after[1] - seconds, status === 6 ? 10 : 0, `torrent ${id} (status ${status})`);
    }
    assert.ok(seeding > 0 && stopped > 0);
  } finally {
    simulator.close();
  }
});
