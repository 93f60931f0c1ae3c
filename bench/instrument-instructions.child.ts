// Our hooks' instructions per request, under `valgrind --tool=callgrind --instr-atstart=no`: blocks with the hooks on and off in turn, each dumped alone.

import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { init } from "@seedwatch/instrument";
import { activate, current } from "../packages/instrument/src/runtime.ts";
import { OPTIONS, runner } from "./instrument-inprocess-runners.ts";

/** What this child writes to its result file: per callgrind dump (1, 2...), whether the hooks were on. */
export interface InstructionsBlocks {
  readonly on: readonly boolean[];
}

const [kind = "inbound-json", blocksArg = "4", perArg = "2000", warmArg = "20000", out = ""] =
  process.argv.slice(2);
const blocks = Number(blocksArg);
const per = Number(perArg);
const underCallgrind = process.env.SEEDWATCH_CALLGRIND === "1";

/** Sends callgrind a command (it reaches this process while it waits for the command to end). */
function callgrind(...command: string[]): void {
  // Without callgrind (to look at the blocks with --trace-opt, say), only marks where they are.
  if (!underCallgrind) console.log(`callgrind ${command.join(" ")}`);
  else execFileSync("callgrind_control", [...command, String(process.pid)], { stdio: "ignore" });
}

const run = runner(kind);
init(OPTIONS);
const running = current();
// Warmed up both ways uninstrumented (fast) until the JIT is done with the hot code.
for (let i = 0; i < 2; i++) {
  activate(running);
  await run(Number(warmArg) / 2);
  activate(undefined);
  await run(Number(warmArg) / 2);
}
callgrind("-i", "on");
const on: boolean[] = [];
for (let block = 0; block < 2 * blocks; block++) {
  // on, off, off, on, on, off...: each side comes first as often as the other.
  const active = (block + (block >> 1)) % 2 === 0;
  activate(active ? running : undefined);
  callgrind("-z");
  await run(per);
  callgrind("-d");
  on.push(active);
}
writeFileSync(out, JSON.stringify({ on } satisfies InstructionsBlocks));
process.exit(0);
