// The Transmission simulator's secondsSeeding, as the real 3.00 daemon counts it: up every second a torrent seeds.

import assert from "node:assert/strict";
import { test } from "node:test";
import { TransmissionSimulator } from "../../bench/simulators/transmission-simulator.ts";

/** One torrent-get of every torrent's id, status and secondsSeeding, with 3.00's handshake. */
async function seedingTimes(url: string): Promise<Map<number, [number, number]>> {
  const authorization = `Basic ${Buffer.from("admin:adminadmin").toString("base64")}`;
  const body = JSON.stringify({
    method: "torrent-get",
    arguments: { fields: ["id", "status", "secondsSeeding"] },
  });
  const post = (headers: Record<string, string>) =>
    fetch(url, { method: "POST", body, headers: { authorization, ...headers } });
  let response = await post({});
  if (response.status === 409) {
    const id = response.headers.get("x-transmission-session-id") ?? "";
    response = await post({ "x-transmission-session-id": id });
  }
  assert.equal(response.status, 200);
  const answer = (await response.json()) as {
    arguments: { torrents: Array<{ id: number; status: number; secondsSeeding: number }> };
  };
  return new Map(answer.arguments.torrents.map((t) => [t.id, [t.status, t.secondsSeeding]]));
}

test("a seeding torrent's secondsSeeding rises by the simulated 10 s of each poll; a stopped one's stays", async () => {
  const simulator = new TransmissionSimulator({ torrents: 30, churn: 0, quietChanges: 0 });
  const url = await simulator.listen();
  try {
    const first = await seedingTimes(url);
    const second = await seedingTimes(url);
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
