// Runs the qBittorrent simulator in its own process (so its CPU and memory are not the exporter's).

import { QbittorrentSimulator } from "./qbittorrent-simulator.ts";

const [torrents = "10000", churn = "0.01", replace = "0"] = process.argv.slice(2);
const simulator = new QbittorrentSimulator({
  torrents: Number(torrents),
  churn: Number(churn),
  replace: Number(replace),
});
const url = await simulator.listen();
process.stdout.write(`${url}\n`);
process.on("SIGTERM", () => {
  simulator.close();
  process.exit(0);
});
