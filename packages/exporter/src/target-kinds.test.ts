import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TARGET_TYPES } from "./collect/target-config.ts";
import { TargetSet } from "./collect/target-set.ts";
import { parseConfig } from "./config/load.ts";
import { silentLogger } from "./log.ts";
import type { TorrentSource } from "./sources/source.ts";
import { buildTarget, TARGET_KINDS } from "./target-kinds.ts";

/** One target of every type, none of them reachable (nothing here needs a poll to succeed). */
const CONFIG = parseConfig(
  `global: { poll_interval: 1h }
targets:
  - { name: qb, type: qbittorrent, url: "http://127.0.0.1:9", username: u, password: p }
  - { name: tr, type: transmission, url: "http://127.0.0.1:9/transmission/rpc" }
  - { name: de, type: deluge, url: "deluge://127.0.0.1:9", username: u, password: p }
  - { name: rt, type: rtorrent, url: "scgi://127.0.0.1:9" }
  - { name: miner, type: linxdot, url: "http://127.0.0.1:9", username: u, password: p }
`,
  "t.yml",
  {},
);

const IDLE: TorrentSource = {
  bytesReceived: 0,
  // Answers nothing until the target stops.
  poll: (signal) =>
    new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason))),
  remove: async () => {},
  close: async () => {},
};

describe("the map of target kinds", () => {
  it("builds every configured type, each target carrying its kind", () => {
    assert.deepEqual(Object.keys(TARGET_KINDS).sort(), [...TARGET_TYPES].sort());
    const kinds = CONFIG.targets.map((config) => {
      const { target, collector } = buildTarget(config, { log: silentLogger, counters: undefined });
      assert.equal(collector.name, `target:${config.name}`);
      return [config.type, target.kind];
    });
    assert.deepEqual(Object.fromEntries(kinds), {
      qbittorrent: "torrent",
      transmission: "torrent",
      deluge: "torrent",
      rtorrent: "torrent",
      linxdot: "device",
    });
  });
});

describe("TargetSet", () => {
  it("answers its torrent targets by kind, never a device", async () => {
    const set = new TargetSet((config) =>
      buildTarget(config, { log: silentLogger, counters: undefined, createSource: () => IDLE }),
    );
    try {
      await set.apply(CONFIG);
      assert.deepEqual(
        set.torrentTargets().map((t) => t.config.name),
        ["qb", "tr", "de", "rt"],
      );
      assert.equal(set.torrentTarget("qb")?.table.size, 0);
      assert.equal(set.torrentTarget("miner"), undefined);
      assert.equal(set.torrentTarget("nobody"), undefined);
      assert.equal(set.get("miner")?.kind, "device");
      assert.equal(set.targets.length, 5);
    } finally {
      await set.stop();
    }
  });
});
