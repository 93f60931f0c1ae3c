// Our hooks' CPU per request in one process, without the network: a node:http app (or an http.request client) on in-memory sockets, our hooks switched on and off in turn.

import { writeFileSync } from "node:fs";
import { init } from "@seedwatch/instrument";
import { activate, current } from "../packages/instrument/src/runtime.ts";
import { type InProcessCase, OPTIONS, runner } from "./instrument-inprocess-runners.ts";

export type { InProcessCase };

/** What this child writes to its result file: CPU per request of each block, microseconds. */
export interface InProcessResult {
  readonly on: readonly number[];
  readonly off: readonly number[];
}

const [kind = "inbound-json", blocksArg = "16", perArg = "20000", out = ""] = process.argv.slice(2);
const blocks = Number(blocksArg);
const per = Number(perArg);

const run = runner(kind);
// Switched off, the hooks stay subscribed and return at once: what is measured is the work
// they do, not Node publishing the channels (which `--cpu-prof` puts at a few hundredths of a
// microsecond per request) nor the wrappers calling through.
init(OPTIONS);
const running = current();
const cpu = () => {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
};
// Warm both ways up before measuring.
await run(per);
activate(undefined);
await run(per);
const on: number[] = [];
const off: number[] = [];
for (let block = 0; block < 2 * blocks; block++) {
  // on, off, off, on, on, off...: each side comes first as often as the other.
  const active = (block + (block >> 1)) % 2 === 0;
  activate(active ? running : undefined);
  const started = cpu();
  await run(per);
  (active ? on : off).push((cpu() - started) / per);
}
const result: InProcessResult = { on, off };
writeFileSync(out, JSON.stringify(result));
process.exit(0);
