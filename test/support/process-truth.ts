// Test helper: a real client's process figures as ps (procps) reports them, to check ClientProcess against.

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { ProcessFigures } from "../../packages/exporter/src/collect/client-process.ts";
import {
  ClientProcess,
  processEndpoint,
} from "../../packages/exporter/src/collect/client-process.ts";

const run = promisify(execFile);

/**
 * What `ps -o rss=,vsz=,cputimes=,lstart=` says of `pid`: KiB, KiB, seconds, and the start as a
 * local date to the second (not `etimes`, which a slow `ps` on a busy machine would shift).
 */
async function psOf(pid: number) {
  const { stdout } = await run("ps", ["-o", "rss=,vsz=,cputimes=,lstart=", "-p", String(pid)]);
  const [rss, vsz, cpu, ...start] = stdout.trim().split(/\s+/);
  return {
    residentBytes: Number(rss) * 1024,
    virtualBytes: Number(vsz) * 1024,
    cpuSeconds: Number(cpu),
    startTimeSeconds: Date.parse(start.join(" ")) / 1000,
  };
}

/**
 * Finds the client of a target the way the daemon does (its URL, and the PID the client gave
 * if any) and checks it is the process `pid` and that its figures agree with ps's: memory
 * within 5 %, CPU time within a second (ps rounds down), start time within the second ps shows.
 */
export async function assertClientProcess(
  type: string,
  url: string,
  pid: number,
  pidHint?: number,
): Promise<ProcessFigures> {
  const endpoint = processEndpoint(type, url);
  assert.ok(endpoint !== undefined, `${url} is on this machine`);
  const figures = await new ClientProcess(endpoint).sample(pidHint);
  const ps = await psOf(pid);
  assert.ok(figures !== undefined, `the process of ${url} was not found`);
  assert.equal(figures.pid, pid);
  const near = (a: number, b: number, share: number, what: string) =>
    assert.ok(Math.abs(a - b) <= share * Math.max(a, b), `${what}: ${a} vs ps ${b}`);
  near(figures.residentBytes, ps.residentBytes, 0.05, "resident memory");
  near(figures.virtualBytes, ps.virtualBytes, 0.05, "virtual memory");
  assert.ok(
    Math.abs(figures.cpuSeconds - ps.cpuSeconds) <= 1,
    `cpu ${figures.cpuSeconds} vs ${ps.cpuSeconds}`,
  );
  assert.ok(
    figures.startTimeSeconds >= ps.startTimeSeconds - 0.05 &&
      figures.startTimeSeconds < ps.startTimeSeconds + 1.05,
    `start ${figures.startTimeSeconds} vs ps ${ps.startTimeSeconds}`,
  );
  return figures;
}
