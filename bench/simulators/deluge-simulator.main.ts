// Runs the Deluge daemon-RPC simulator in its own process (so its CPU and memory are not the exporter's).

import { DelugeSimulator } from "./deluge-simulator.ts";

const [torrents = "10000", churn = "0.01"] = process.argv.slice(2);
const simulator = new DelugeSimulator({ torrents: Number(torrents), churn: Number(churn) });
const url = await simulator.listen();
process.stdout.write(`${url}\n`);
process.on("SIGTERM", () => {
  simulator.close();
  process.exit(0);
});
