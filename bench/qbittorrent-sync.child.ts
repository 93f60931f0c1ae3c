// One approach of the qBittorrent sync benchmark, in its own process: polls, /metrics latency, memory.

import { FullListSource } from "./full-list-source.ts";
import { runSyncChild } from "./sync-child.ts";

await runSyncChild({
  ours: "incremental",
  target: (url) =>
    `{ name: sim, type: qbittorrent, url: "${url}", username: admin, password: adminadmin }`,
  baseline: (url) => new FullListSource(url),
});
