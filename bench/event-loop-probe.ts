// Loaded with --import into a process under benchmark: the longest the event loop went without turning, in wall time and in the main thread's own CPU time.
//
// A 5 ms timer measures each gap between two of its runs: how late it ran (wall), and how much CPU
// the main thread spent in that gap. On a machine shared with other work the wall gap also counts
// the time the thread waited for a core or for V8's helper threads; the CPU gap is the work that
// held the loop itself. On SIGUSR2 the maxima so far are written, as JSON, to the file named by
// `EVENT_LOOP_PROBE_OUT`, and start again from zero.

import { writeFileSync } from "node:fs";

const TICK_MS = 5;
let wallMs = 0;
let cpuMs = 0;
let at = performance.now();
let cpu = process.threadCpuUsage();

setInterval(() => {
  const now = performance.now();
  const used = process.threadCpuUsage(cpu);
  wallMs = Math.max(wallMs, now - at - TICK_MS);
  cpuMs = Math.max(cpuMs, (used.user + used.system) / 1000);
  at = now;
  cpu = process.threadCpuUsage();
}, TICK_MS).unref();

process.on("SIGUSR2", () => {
  const out = process.env.EVENT_LOOP_PROBE_OUT;
  if (out !== undefined) writeFileSync(out, JSON.stringify({ wallMs, cpuMs }));
  wallMs = 0;
  cpuMs = 0;
});
