// One torrent target whose client changes nothing between polls: how long `/metrics` takes when every scrape polls first.
//
//   node bench/scrape-unchanged.ts [torrents=5000] [scrapes=200]
//
// The client is an in-process source that lists the torrents once and then answers every poll
// with no change, as an idle box does; `min_refresh_interval: 0s` makes every scrape poll it
// first, as a scrape does whenever the data is older than the (2 s) default. Prints the median
// and 90th percentile of the scrape's latency over loopback HTTP, and the body's size.

import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { TargetSet } from "../packages/exporter/src/collect/target-set.ts";
import { parseConfig } from "../packages/exporter/src/config/load.ts";
import { silentLogger } from "../packages/exporter/src/log.ts";
import { EMPTY_TORRENT } from "../packages/exporter/src/model/torrent.ts";
import type { ClientStatus, PollResult } from "../packages/exporter/src/sources/source.ts";
import { buildTarget } from "../packages/exporter/src/target-kinds.ts";
import { coreRoutes } from "../packages/exporter/src/web/core-routes.ts";
import { createRouter } from "../packages/exporter/src/web/router.ts";

const [torrents = 5000, scrapes = 200] = process.argv.slice(2).map(Number);
const CLIENT: ClientStatus = {
  version: "v5.0.0",
  downloadedTotal: 1e12,
  uploadedTotal: 2e12,
  downloadRate: 0,
  uploadRate: 0,
  freeSpace: 1e12,
};

function firstList(): PollResult {
  return {
    reset: true,
    removed: [],
    patches: Array.from({ length: torrents }, (_, i) => ({
      ...EMPTY_TORRENT,
      hash: i.toString(16).padStart(40, "0"),
      name: `torrent ${i}`,
      status: 5,
      size: 1e9,
      progress: 1,
      uploaded: i * 1e6,
      downloaded: 1e9,
      category: `c${i % 5}`,
      tags: [`t${i % 3}`],
      trackerHosts: [`tracker${i % 20}.example`],
    })),
    client: CLIENT,
  };
}

const config = parseConfig(
  `global: { poll_interval: 1h, min_refresh_interval: 0s }
targets:
  - { name: idle, type: qbittorrent, url: "http://127.0.0.1:1", username: u, password: p }
`,
  "/tmp/scrape-unchanged.yml",
  {},
);
let listed = false;
const targets = new TargetSet((target) =>
  buildTarget(target, {
    log: silentLogger,
    counters: undefined,
    createSource: () => ({
      bytesReceived: 0,
      poll: async () => {
        if (listed) return { reset: false, removed: [], patches: [], client: CLIENT };
        listed = true;
        return firstList();
      },
      remove: async () => {},
      close: async () => {},
    }),
  }),
);
await targets.apply(config);
await targets.refresh(Date.now() + 60_000, undefined, 0);

const router = createRouter(
  coreRoutes({
    targets,
    daemonCollectors: [],
    config: () => config,
    reload: async () => ({ ok: true }),
    allowedOrigins: () => [],
    log: silentLogger,
  }),
  async () => true,
  silentLogger,
);
const server = createServer((req, res) => void router(req, res));
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const port = (server.address() as AddressInfo).port;

const latencies: number[] = [];
let bytes = 0;
for (let i = 0; i < scrapes + 10; i++) {
  const started = performance.now();
  bytes = await scrape(port);
  // The first ten warm the JIT up.
  if (i >= 10) latencies.push(performance.now() - started);
}
server.close();
await targets.stop();
latencies.sort((a, b) => a - b);
const at = (q: number) => (latencies[Math.floor(latencies.length * q)] ?? 0).toFixed(2);
console.log(
  `${torrents} torrents, ${scrapes} scrapes each after a poll with no change: median ${at(0.5)} ms, p90 ${at(0.9)} ms, ${bytes} bytes`,
);

function scrape(port: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    request({ host: "127.0.0.1", port, path: "/metrics" }, (res) => {
      let size = 0;
      res.on("data", (c: Buffer) => {
        size += c.length;
      });
      res.on("end", () => resolve(size));
      res.on("error", reject);
    })
      .on("error", reject)
      .end();
  });
}
