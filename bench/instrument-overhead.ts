// Benchmark: what @seedwatch/instrument costs a service per request, next to the bare app and express-prom-bundle.

import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import type { ChildMark } from "./instrument-overhead.child.ts";
import type { SuiteResult } from "./suite.ts";

const CHILD = fileURLToPath(new URL("./instrument-overhead.child.ts", import.meta.url));
const CONNECTIONS = 10;
const PIPELINING = 10;
const IN_FLIGHT = 2 * CONNECTIONS * PIPELINING;
const IDS = Array.from({ length: 10 }, (_, i) => `/users/${1000 + i}`);

interface Variant {
  readonly name: string;
  readonly app: "node-http" | "express";
  readonly instrumentation: "none" | "seedwatch" | "express-prom-bundle";
}

const VARIANTS: readonly Variant[] = [
  { name: "node:http", app: "node-http", instrumentation: "none" },
  { name: "node:http + seedwatch", app: "node-http", instrumentation: "seedwatch" },
  { name: "express", app: "express", instrumentation: "none" },
  { name: "express + seedwatch", app: "express", instrumentation: "seedwatch" },
  { name: "express + express-prom-bundle", app: "express", instrumentation: "express-prom-bundle" },
];

interface Run {
  readonly rps: number;
  readonly userMicrosPerRequest: number;
  readonly systemMicrosPerRequest: number;
}

/**
 * Each variant is a fresh server process under autocannon load from this process (10
 * connections, 10 pipelined requests each, so the server and not the client is the bottleneck;
 * GET /users/<10 ids>, a small JSON answer with a business code). Variants take turns, round
 * after round, so drift hits them alike. On a shared machine other processes only ever slow a
 * run down, so each variant's figure is its best round (the median is shown too); losses
 * compare best with best. Ours is loaded the way users load it:
 * `node --import @seedwatch/instrument/register`.
 */
export async function instrumentOverhead(options: { quick: boolean }): Promise<SuiteResult> {
  const rounds = options.quick ? 2 : 7;
  const seconds = options.quick ? 2 : 4;
  const runs = new Map<string, Run[]>(VARIANTS.map((v) => [v.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const variant of VARIANTS) {
      (runs.get(variant.name) as Run[]).push(await measure(variant, seconds));
    }
  }
  const of = (name: string) => runs.get(name) as Run[];
  const best = (name: string) => Math.max(...of(name).map((r) => r.rps));
  const leastUser = (name: string) => Math.min(...of(name).map((r) => r.userMicrosPerRequest));
  const loss = (name: string, base: string) => 1 - best(name) / best(base);
  const pairedLoss = (name: string, base: string) =>
    median(of(name).map((run, i) => 1 - run.rps / (of(base)[i] as Run).rps));
  const compared: Array<[string, string]> = [
    ["node:http + seedwatch", "node:http"],
    ["express + seedwatch", "express"],
    ["express + express-prom-bundle", "express"],
  ];
  return {
    suite: "instrument-overhead",
    description: `autocannon, 10 connections x 10 pipelined, GET /users/<id> (JSON with a code), ${rounds} rounds x ${seconds} s per variant; best round and median`,
    rows: VARIANTS.map((v) => ({
      variant: v.name,
      "req/s (best)": best(v.name),
      "req/s (median)": median(of(v.name).map((r) => r.rps)),
      "user CPU us/req (least)": leastUser(v.name),
      "system CPU us/req (median)": median(of(v.name).map((r) => r.systemMicrosPerRequest)),
    })),
    ratios: compared.map(([name, base]) => ({
      variant: name,
      against: base,
      "throughput loss (best vs best)": loss(name, base),
      "throughput loss (median of rounds)": pairedLoss(name, base),
      "extra user CPU us/req": leastUser(name) - leastUser(base),
    })),
    goals: [
      {
        what: "node:http + seedwatch: at most 3% throughput loss",
        met: loss("node:http + seedwatch", "node:http") <= 0.03,
      },
      {
        what: "express + seedwatch: at most 3% throughput loss",
        met: loss("express + seedwatch", "express") <= 0.03,
      },
      {
        what: "express + seedwatch: less overhead than express + express-prom-bundle",
        met:
          loss("express + seedwatch", "express") < loss("express + express-prom-bundle", "express"),
      },
    ],
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

async function measure(variant: Variant, seconds: number): Promise<Run> {
  const seedwatch = variant.instrumentation === "seedwatch";
  const child = fork(CHILD, [variant.app, variant.instrumentation], {
    execArgv: seedwatch ? ["--import", "@seedwatch/instrument/register"] : [],
    env: { ...process.env, SEEDWATCH_SYSCODE: "A123456789", SEEDWATCH_METRICS_PORT: "off" },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  try {
    const [ready] = (await once(child, "message")) as [{ port: number }];
    const url = `http://127.0.0.1:${ready.port}`;
    const load = (duration: number) =>
      autocannon({
        url,
        connections: CONNECTIONS,
        pipelining: PIPELINING,
        duration,
        requests: IDS.map((path) => ({ method: "GET", path })),
      });
    await load(1);
    const before = await mark(child);
    const started = performance.now();
    const result = await load(seconds);
    const elapsed = (performance.now() - started) / 1000;
    const after = await mark(child);
    const served = after.served - before.served;
    if (result.non2xx > 0 || result.errors > 0 || served === 0) {
      throw new Error(`${variant.name}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
    }
    // Requests in flight when the load stops are answered to closed sockets: not recorded.
    if (
      after.recorded !== -1 &&
      (after.recorded > after.served || after.recorded < after.served - IN_FLIGHT)
    ) {
      throw new Error(
        `${variant.name}: served ${after.served} requests but recorded ${after.recorded}`,
      );
    }
    return {
      rps: served / elapsed,
      userMicrosPerRequest: (after.userMicros - before.userMicros) / served,
      systemMicrosPerRequest: (after.systemMicros - before.systemMicros) / served,
    };
  } finally {
    child.disconnect();
    if (child.exitCode === null) await once(child, "exit");
  }
}

async function mark(child: ChildProcess): Promise<ChildMark> {
  const answer = once(child, "message");
  child.send("mark");
  return (await answer)[0] as ChildMark;
}
