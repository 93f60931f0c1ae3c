// Renders a torrent target's engine series: what the client says of its engine and what /proc says of its process.

import {
  joinLabels,
  type MetricWriter,
  type RenderedLabels,
  renderLabels,
} from "@seedwatch/metrics";
import type { TorrentTarget } from "../collect/torrent-target.ts";
import { ENGINE } from "./engine-metrics.ts";

/**
 * Writes the engine series of an up target (`head`: its name, host and client labels). Every
 * figure the client or /proc did not give is left out, never written as 0.
 */
export function renderEngine(w: MetricWriter, target: TorrentTarget, head: RenderedLabels): void {
  const client = target.client;
  if (client === undefined) return;
  const engine = client.engine ?? {};
  const info = renderLabels(
    ["version", "libtorrent"],
    [client.version, engine.libraryVersion ?? ""],
  );
  w.family(ENGINE.info).sample(joinLabels(head, info), 1);
  const start = target.clientStartTimeSeconds;
  if (start !== undefined) w.family(ENGINE.startTime).sample(head, start);
  if (engine.openSockets !== undefined)
    w.family(ENGINE.openSockets).sample(head, engine.openSockets);
  if (engine.openFiles !== undefined) w.family(ENGINE.openFiles).sample(head, engine.openFiles);
  if (engine.openHttpRequests !== undefined)
    w.family(ENGINE.openHttpRequests).sample(head, engine.openHttpRequests);
  const p = target.process;
  if (p === undefined) return;
  w.family(ENGINE.processCpu).sample(head, p.cpuSeconds);
  w.family(ENGINE.processResident).sample(head, p.residentBytes);
  w.family(ENGINE.processVirtual).sample(head, p.virtualBytes);
  w.family(ENGINE.processStart).sample(head, p.startTimeSeconds);
}
