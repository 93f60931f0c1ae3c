// Tests of startOpentracker against Debian's real opentracker: whitelist, reload, passkeys, stats.

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { type Opentracker, startOpentracker } from "./opentracker.ts";

/** One announce as a client sends it; returns the bencoded answer as text. */
async function announce(announceUrl: string, infoHash: string, peerPort: number): Promise<string> {
  const escaped = infoHash.replace(/../g, (byte) => `%${byte}`);
  const separator = announceUrl.includes("?") ? "&" : "?";
  const peerId = `-SW0001-${randomBytes(6).toString("hex")}`;
  const query = `info_hash=${escaped}&peer_id=${peerId}&port=${peerPort}&left=0&compact=1`;
  const response = await fetch(`${announceUrl}${separator}${query}`, {
    signal: AbortSignal.timeout(5000),
  });
  return response.text();
}

describe("startOpentracker", { timeout: 60_000 }, () => {
  let first: Opentracker;
  let second: Opentracker;
  const initial = randomBytes(20).toString("hex");

  before(async () => {
    first = await startOpentracker({ allow: [initial] });
    second = await startOpentracker({ host: "127.0.0.3" });
  });
  after(async () => {
    await first?.stop();
    await second?.stop();
  });

  it("runs several trackers at once on different loopback addresses", async () => {
    assert.equal(first.host, "127.0.0.1");
    assert.equal(second.host, "127.0.0.3");
    assert.equal(second.announceUrl(), `http://127.0.0.3:${second.port}/announce`);
    assert.deepEqual(await first.counts(), { torrents: 0, peers: 0, seeds: 0 });
    assert.deepEqual(await second.counts(), { torrents: 0, peers: 0, seeds: 0 });
    assert.match(await second.stats("everything"), /<stats>/);
  });

  it("accepts whitelisted hashes, with a passkey in the announce URL", async () => {
    const answer = await announce(first.announceUrl("0123abcdef"), initial, 5555);
    assert.match(answer, /^d8:completei1e/);
    assert.deepEqual(await first.counts(), { torrents: 1, peers: 1, seeds: 1 });
  });

  it("refuses a hash until allow() has reloaded the whitelist", async () => {
    const hash = randomBytes(20).toString("hex");
    const url = second.announceUrl("passkey42");
    assert.match(await announce(url, hash, 5556), /not authorized/);
    assert.equal((await second.counts()).torrents, 0);
    await second.allow([hash.toUpperCase()]);
    assert.match(await announce(url, hash, 5556), /^d8:completei1e/);
    assert.deepEqual(await second.counts(), { torrents: 1, peers: 1, seeds: 1 });
    // The other tracker has its own whitelist.
    assert.match(await announce(first.announceUrl(), hash, 5556), /not authorized/);
  });

  it("allows several batches in a row without losing any", async () => {
    const batches = [0, 1, 2].map(() => [randomBytes(20).toString("hex")]);
    await Promise.all(batches.map((batch) => first.allow(batch)));
    for (const [hash] of batches) {
      assert.match(await announce(first.announceUrl(), hash as string, 5557), /^d8:complete/);
    }
  });

  it("rejects bad input with a clear error", async () => {
    await assert.rejects(startOpentracker({ host: "10.0.0.1" }), /IPv4 loopback address/);
    await assert.rejects(first.allow(["xyz"]), /40 hex digits, got "xyz"/);
    assert.throws(() => first.announceUrl("a b"), /passkey must be/);
  });
});
