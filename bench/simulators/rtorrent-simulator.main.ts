// Runs the rTorrent SIMULATOR in its own process (so its CPU and memory are not the exporter's).

import { RtorrentSimulator } from "./rtorrent-simulator.ts";

const [torrents = "10000", churn = "0.01"] = process.argv.slice(2);
const simulator = new RtorrentSimulator({ torrents: Number(torrents), churn: Number(churn) });
const url = await simulator.listen();
process.stdout.write(`${url}\n`);
process.on("SIGTERM", () => {
  simulator.close();
  process.exit(0);
});
