// Benchmark: what @seedwatch/instrument costs a service per request and per partner call, next to the bare app and the peers.

import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { runChild } from "./child.ts";
import type { InProcessCase, InProcessResult } from "./instrument-inprocess.child.ts";
import type { Client, OutboundRun } from "./instrument-outbound.child.ts";
import type { App, ChildMark, Instrumentation } from "./instrument-overhead.child.ts";
import type { Changed, RenderResult } from "./instrument-render.child.ts";
import type { SuiteResult } from "./suite.ts";

const SERVER = fileURLToPath(new URL("./instrument-overhead.child.ts", import.meta.url));
const CLIENT = fileURLToPath(new URL("./instrument-outbound.child.ts", import.meta.url));
const RENDER = fileURLToPath(new URL("./instrument-render.child.ts", import.meta.url));
const IN_PROCESS_CHILD = fileURLToPath(new URL("./instrument-inprocess.child.ts", import.meta.url));
/** The in-process cases, and the requests (or calls) per block. */
const IN_PROCESS: ReadonlyArray<readonly [InProcessCase, string]> = [
  ["inbound-json", "10000"],
  ["inbound-text", "10000"],
  ["outbound-http", "4000"],
];
const IN_PROCESS_NAMES: Readonly<Record<InProcessCase, string>> = {
  "inbound-json": "node:http, JSON body with a code",
  "inbound-text": 'node:http, "hello world" body',
  "outbound-http": "http.request to a listed partner",
};
/** Shares of the series observed between two scrapes, as the render child measures them. */
const CHANGED: readonly Changed[] = ["all", "10%", "1%", "none"];
const REGISTER = ["--import", "@seedwatch/instrument/register"];
const CONNECTIONS = 10;
const PIPELINING = 10;
const IN_FLIGHT = CONNECTIONS * PIPELINING;
const IDS = Array.from({ length: 10 }, (_, i) => `/users/${1000 + i}`);
const PARTNER_PATH = "/ocr/front";

interface Inbound {
  readonly name: string;
  readonly app: App;
  readonly instrumentation: Instrumentation;
  /** The bare variant this one is compared with. */
  readonly base?: string;
}

const INBOUND: readonly Inbound[] = [
  { name: "node:http", app: "node-http", instrumentation: "none" },
  {
    name: "node:http + seedwatch",
    app: "node-http",
    instrumentation: "seedwatch",
    base: "node:http",
  },
  {
    name: "node:http + OpenTelemetry",
    app: "node-http",
    instrumentation: "opentelemetry",
    base: "node:http",
  },
  { name: "express", app: "express", instrumentation: "none" },
  { name: "express + seedwatch", app: "express", instrumentation: "seedwatch", base: "express" },
  {
    name: "express + express-prom-bundle",
    app: "express",
    instrumentation: "express-prom-bundle",
    base: "express",
  },
  { name: "fastify", app: "fastify", instrumentation: "none" },
  { name: "fastify + seedwatch", app: "fastify", instrumentation: "seedwatch", base: "fastify" },
  {
    name: "fastify + fastify-metrics",
    app: "fastify",
    instrumentation: "fastify-metrics",
    base: "fastify",
  },
];

interface Outbound {
  readonly name: string;
  readonly client: Client;
  /** Not loaded; loaded with the partner listed; loaded with only another host listed. */
  readonly partners: "none" | "listed" | "unlisted";
  readonly base?: string;
}

const OUTBOUND: readonly Outbound[] = (["fetch", "http"] as const).flatMap((client) => {
  const label = client === "fetch" ? "fetch" : "http.request";
  return [
    { name: label, client, partners: "none" as const },
    {
      name: `${label} + seedwatch, listed partner`,
      client,
      partners: "listed" as const,
      base: label,
    },
    {
      name: `${label} + seedwatch, unlisted host`,
      client,
      partners: "unlisted" as const,
      base: label,
    },
  ];
});

/** One measured window of one variant. */
interface Window {
  /** Requests (or calls) per second. */
  readonly rate: number;
  /** Process CPU time (user + system) per request, microseconds. */
  readonly cpu: number;
  /** User CPU time per request, microseconds: where our code runs (it makes no system calls). */
  readonly user: number;
  /** 99th percentile latency, milliseconds (inbound only). */
  readonly p99: number;
}

/**
 * Side by side: each inbound variant is a server process started once (and warmed up), loaded
 * by autocannon from this process (10 connections x 10 pipelined requests, so the server and not
 * the client is the bottleneck). Each measured variant is compared with its bare app in
 * adjacent windows, the bare one first in one round and second in the next, so the neighbours'
 * load, which on a shared machine changes by the second, hits both sides of a comparison
 * alike; the pairs take turns, round after round. CPU per request is the server's process CPU
 * time over the requests it served in the window (steadier than throughput, which is shown
 * too, with p99 latency); each figure is the median of the windows with the spread, and a cost
 * is the median of the paired differences of user CPU. Outbound: a client process makes calls
 * to a partner (8 in flight, keep-alive) through fetch or http.request, bare or with us loaded,
 * the partner listed or not; CPU per call the same way.
 *
 * In one process: the same node:http app (and an http.request client) on in-memory sockets,
 * with our hooks switched on and off block after block: our code's own CPU per request, without
 * the network's and the other processes' noise, which on a busy machine is larger than what
 * is measured. Render: /metrics with the three histograms full (maxSeries label sets each).
 */
export async function instrumentOverhead(options: { quick: boolean }): Promise<SuiteResult> {
  const rounds = options.quick ? 2 : 8;
  const seconds = options.quick ? 0.5 : 0.75;
  const warmup = options.quick ? 0.5 : 1;
  const blocks = options.quick ? "6" : "20";
  const loadBefore = loadavg();
  const started = performance.now();
  const inbound = await measureInbound(rounds, seconds, warmup);
  const inboundDone = performance.now();
  const outbound = await measureOutbound(rounds, seconds, warmup);
  const outboundDone = performance.now();
  const inProcess = new Map<InProcessCase, InProcessResult>();
  for (const [kind, per] of IN_PROCESS) {
    inProcess.set(kind, await runChild<InProcessResult>(IN_PROCESS_CHILD, [kind, blocks, per]));
  }
  const inProcessDone = performance.now();
  const render = await runChild<RenderResult>(RENDER, [options.quick ? "3" : "10"], {}, [
    "--expose-gc",
  ]);
  const loadAfter = loadavg();
  const took = (from: number, to: number) => `${Math.round((to - from) / 1000)} s`;

  // The cost is extra user CPU: our code makes no system calls, and the system CPU per request
  // (network) swings with how requests happen to be batched, which only adds noise.
  const cost = (runs: Measured, name: string) => paired(runs, name, (v, b) => v.user - b.user);
  const totalCost = (runs: Measured, name: string) => paired(runs, name, (v, b) => v.cpu - b.cpu);
  const inboundCost = (name: string) => median(cost(inbound, name));
  const outboundCost = (name: string) => median(cost(outbound, name));
  const hooks = (kind: InProcessCase) => {
    const { on, off } = inProcess.get(kind) as InProcessResult;
    return on.map((v, i) => v - (off[i] as number));
  };
  const ours = inboundCost("node:http + seedwatch");
  const loss = median(paired(inbound, "node:http + seedwatch", (v, b) => 1 - v.rate / b.rate));
  const fmt = (values: readonly number[]) => values.map((v) => v.toFixed(2)).join(" ");

  return {
    suite: "instrument-overhead",
    description:
      `inbound: autocannon ${CONNECTIONS} connections x ${PIPELINING} pipelined, GET /users/<id> ` +
      `(JSON with a code); outbound: 8 calls in flight to a local partner; ${rounds} rounds of ` +
      `adjacent ${seconds} s windows per compared pair; in one process: ${blocks} blocks each ` +
      `way; median (min-max); load average ${fmt(loadBefore)} before, ${fmt(loadAfter)} after; ` +
      `took ${took(started, inboundDone)} inbound, ${took(inboundDone, outboundDone)} outbound, ` +
      `${took(outboundDone, inProcessDone)} in one process, ` +
      `${took(inProcessDone, performance.now())} render`,
    rows: [
      ...INBOUND.map((v) => inboundRow(v.name, inbound.all.get(v.name) as Window[])),
      ...OUTBOUND.map((v) => outboundRow(v.name, outbound.all.get(v.name) as Window[])),
      ...IN_PROCESS.map(([kind]) => {
        const { on, off } = inProcess.get(kind) as InProcessResult;
        return {
          variant: `in one process: ${IN_PROCESS_NAMES[kind]}, hooks on / off`,
          "CPU us/req (median)": median(on),
          "CPU us/req (min-max)": spread(on),
          "CPU us/req, hooks off (median)": median(off),
        };
      }),
      ...CHANGED.map((changed) => ({
        variant: `/metrics, 3 histograms x ${render.series / 3} series, ${changed} observed since the last scrape`,
        "render CPU ms (median)": median(render.renderMs[changed]),
        "render CPU ms (min-max)": spread(render.renderMs[changed]),
        "render + gzip ms (median)": median(render.gzipMs[changed]),
        "render + gzip ms (min-max)": spread(render.gzipMs[changed]),
        "render + gzip CPU ms, all threads (median)": median(render.gzipCpuMs[changed]),
        "as one string, CPU ms (median)": median(render.stringMs[changed]),
        "bytes (text)": render.bytes,
      })),
      {
        variant: `/metrics over HTTP, gzip, all ${render.series} series observed since the last scrape`,
        "scrape ms (median)": median(render.scrapeMs),
        "scrape ms (min-max)": spread(render.scrapeMs),
      },
    ],
    ratios: [
      ...INBOUND.filter((v) => v.base !== undefined).map((v) => {
        const extra = cost(inbound, v.name);
        const losses = paired(inbound, v.name, (x, b) => 1 - x.rate / b.rate);
        return {
          variant: v.name,
          against: v.base as string,
          "extra user CPU us/req (median)": median(extra),
          "extra user CPU us/req (min-max)": spread(extra),
          "extra user+system us/req (median)": median(totalCost(inbound, v.name)),
          "throughput loss (median)": median(losses),
          "throughput loss (min-max)": spread(
            losses.map((l) => l * 100),
            "%",
          ),
          "p99 latency ratio (median)": median(paired(inbound, v.name, (x, b) => x.p99 / b.p99)),
        };
      }),
      ...OUTBOUND.filter((v) => v.base !== undefined).map((v) => {
        const extra = cost(outbound, v.name);
        return {
          variant: v.name,
          against: v.base as string,
          "extra user CPU us/call (median)": median(extra),
          "extra user CPU us/call (min-max)": spread(extra),
          "extra user+system us/call (median)": median(totalCost(outbound, v.name)),
          "calls/s loss (median)": median(paired(outbound, v.name, (x, b) => 1 - x.rate / b.rate)),
        };
      }),
      ...IN_PROCESS.map(([kind]) => ({
        variant: `in one process: ${IN_PROCESS_NAMES[kind]}`,
        against: "hooks off",
        "extra CPU us/req (median)": median(hooks(kind)),
        "extra CPU us/req (min-max)": spread(hooks(kind)),
      })),
    ],
    goals: [
      {
        what: "node:http + seedwatch (JSON body, code read): <= 1 us of CPU per request",
        met: ours <= 1,
      },
      {
        what: "in one process, JSON body: our hooks <= 1 us of CPU per request",
        met: median(hooks("inbound-json")) <= 1,
      },
      { what: "node:http + seedwatch: <= 6% throughput loss", met: loss <= 0.06 },
      {
        what: "in one process: a body that is not JSON costs less than a JSON one",
        met: median(hooks("inbound-text")) < median(hooks("inbound-json")),
      },
      {
        what: "fetch to a listed partner: <= 2 us of CPU per call",
        met: outboundCost("fetch + seedwatch, listed partner") <= 2,
      },
      {
        what: "http.request to a listed partner: <= 2 us of CPU per call",
        met: outboundCost("http.request + seedwatch, listed partner") <= 2,
      },
      {
        what: "in one process, http.request to a listed partner: our hooks <= 2 us per call",
        met: median(hooks("outbound-http")) <= 2,
      },
      {
        what: "unlisted hosts: ~0 (within 0.5 us per call)",
        met:
          Math.abs(outboundCost("fetch + seedwatch, unlisted host")) <= 0.5 &&
          Math.abs(outboundCost("http.request + seedwatch, unlisted host")) <= 0.5,
      },
      {
        what: "seedwatch costs less than OpenTelemetry on node:http",
        met: ours < inboundCost("node:http + OpenTelemetry"),
      },
      {
        what: "seedwatch costs less than express-prom-bundle on Express",
        met: inboundCost("express + seedwatch") < inboundCost("express + express-prom-bundle"),
      },
      {
        what: "seedwatch costs less than fastify-metrics on Fastify",
        met: inboundCost("fastify + seedwatch") < inboundCost("fastify + fastify-metrics"),
      },
      {
        what: "/metrics render of the three full histograms < 5 ms, 10% of the series observed since the last scrape",
        met: median(render.renderMs["10%"]) < 5,
      },
      {
        what: "/metrics render of the three full histograms < 5 ms, every series observed since the last scrape",
        met: median(render.renderMs.all) < 5,
      },
    ],
  };
}

function inboundRow(name: string, runs: readonly Window[]): Record<string, string | number> {
  return {
    variant: name,
    "CPU us/req (median)": median(runs.map((r) => r.cpu)),
    "CPU us/req (min-max)": spread(runs.map((r) => r.cpu)),
    "user CPU us/req (median)": median(runs.map((r) => r.user)),
    "req/s (median)": median(runs.map((r) => r.rate)),
    "req/s (min-max)": spread(runs.map((r) => r.rate)),
    "p99 ms (median)": median(runs.map((r) => r.p99)),
  };
}

function outboundRow(name: string, runs: readonly Window[]): Record<string, string | number> {
  return {
    variant: name,
    "CPU us/call (median)": median(runs.map((r) => r.cpu)),
    "CPU us/call (min-max)": spread(runs.map((r) => r.cpu)),
    "user CPU us/call (median)": median(runs.map((r) => r.user)),
    "calls/s (median)": median(runs.map((r) => r.rate)),
  };
}

/** `f(variant, base)` for each pair of adjacent windows of a variant and its base. */
function paired(
  runs: Measured,
  name: string,
  f: (variant: Window, base: Window) => number,
): number[] {
  return (runs.pairs.get(name) as Array<[Window, Window]>).map(([v, b]) => f(v, b));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function spread(values: readonly number[], unit = ""): string {
  const show = (v: number) => `${Number(v.toPrecision(3))}${unit}`;
  return `${show(Math.min(...values))} to ${show(Math.max(...values))}`;
}

/** The order of `items` in round `round`: rotated, so no variant always follows the same one. */
function rotated<T>(items: readonly T[], round: number): T[] {
  const k = round % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

/** Every window of each variant, and the pairs [variant, base] measured side by side. */
interface Measured {
  readonly all: Map<string, Window[]>;
  readonly pairs: Map<string, Array<[Window, Window]>>;
}

/**
 * Measures each variant that has a base next to its base, `rounds` times: the base first in
 * even rounds, second in odd ones; the pairs take turns in an order rotating each round.
 */
async function runPaired<V extends { readonly name: string; readonly base?: string }>(
  variants: readonly V[],
  rounds: number,
  measure: (variant: V) => Promise<Window>,
): Promise<Measured> {
  const byName = new Map(variants.map((v) => [v.name, v]));
  const all = new Map<string, Window[]>(variants.map((v) => [v.name, []]));
  const pairs = new Map<string, Array<[Window, Window]>>();
  const compared = variants.filter((v) => v.base !== undefined);
  for (const v of compared) pairs.set(v.name, []);
  for (let round = 0; round < rounds; round++) {
    for (const variant of rotated(compared, round)) {
      const base = byName.get(variant.base as string) as V;
      let onBase: Window;
      let onVariant: Window;
      if (round % 2 === 0) {
        onBase = await measure(base);
        onVariant = await measure(variant);
      } else {
        onVariant = await measure(variant);
        onBase = await measure(base);
      }
      (all.get(base.name) as Window[]).push(onBase);
      (all.get(variant.name) as Window[]).push(onVariant);
      (pairs.get(variant.name) as Array<[Window, Window]>).push([onVariant, onBase]);
    }
  }
  return { all, pairs };
}

async function measureInbound(rounds: number, seconds: number, warmup: number): Promise<Measured> {
  const servers = new Map<string, Server>();
  try {
    for (const variant of INBOUND) servers.set(variant.name, await startServer(variant));
    for (const variant of INBOUND) await load(servers.get(variant.name) as Server, warmup);
    return await runPaired(INBOUND, rounds, (variant) =>
      window(servers.get(variant.name) as Server, seconds),
    );
  } finally {
    await Promise.all([...servers.values()].map((s) => stop(s.child)));
  }
}

interface Server {
  readonly variant: Inbound;
  readonly child: ChildProcess;
  readonly url: string;
}

async function startServer(variant: Inbound): Promise<Server> {
  const child = fork(SERVER, [variant.app, variant.instrumentation], {
    execArgv: variant.instrumentation === "seedwatch" ? REGISTER : [],
    env: { ...process.env, SEEDWATCH_SYSCODE: "A123456789", SEEDWATCH_METRICS_PORT: "off" },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const [ready] = (await once(child, "message")) as [{ port: number }];
  return { variant, child, url: `http://127.0.0.1:${ready.port}` };
}

function load(server: Server, duration: number): Promise<autocannon.Result> {
  return autocannon({
    url: server.url,
    connections: CONNECTIONS,
    pipelining: PIPELINING,
    duration,
    requests: IDS.map((path) => ({ method: "GET", path })),
  });
}

async function window(server: Server, seconds: number): Promise<Window> {
  const name = server.variant.name;
  const before = await mark(server.child);
  const started = performance.now();
  const result = await load(server, seconds);
  const elapsed = (performance.now() - started) / 1000;
  const after = await mark(server.child);
  const served = after.served - before.served;
  if (result.non2xx > 0 || result.errors > 0 || served === 0) {
    throw new Error(`${name}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  }
  // Every request is recorded once; those in flight when the load stops are answered to
  // closed sockets, and neither we nor the peers record a request whose client left (or a
  // request answered while the window closed is counted in the next one).
  const recorded = after.recorded - before.recorded;
  if (after.recorded !== -1 && Math.abs(served - recorded) > IN_FLIGHT) {
    throw new Error(`${name}: served ${served} requests but recorded ${recorded}`);
  }
  const user = after.userMicros - before.userMicros;
  const cpu = user + after.systemMicros - before.systemMicros;
  return {
    rate: served / elapsed,
    cpu: cpu / served,
    user: user / served,
    p99: result.latency.p99,
  };
}

/** Sends a message to a child and waits for its answer. */
async function send(child: ChildProcess, message: unknown): Promise<unknown> {
  const answer = once(child, "message");
  child.send(message as object);
  return (await answer)[0];
}

async function mark(child: ChildProcess): Promise<ChildMark> {
  const answer = once(child, "message");
  child.send("mark");
  return (await answer)[0] as ChildMark;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = once(child, "exit");
  child.disconnect();
  await exited;
}

async function measureOutbound(rounds: number, seconds: number, warmup: number): Promise<Measured> {
  const partner = await startServer({ name: "partner", app: "node-http", instrumentation: "none" });
  const clients = new Map<string, ChildProcess>();
  try {
    const port = new URL(partner.url).port;
    const listed = { [`127.0.0.1:${port}`]: { partner: 7, paths: { [PARTNER_PATH]: 401 } } };
    const unlisted = { "partner.example:8443": { partner: 7, paths: { [PARTNER_PATH]: 401 } } };
    for (const variant of OUTBOUND) {
      const measured = variant.partners !== "none";
      const child = fork(
        CLIENT,
        [variant.client, `${partner.url}${PARTNER_PATH}`, measured ? "yes" : "no"],
        {
          execArgv: measured ? REGISTER : [],
          env: {
            ...process.env,
            SEEDWATCH_SYSCODE: "A123456789",
            SEEDWATCH_METRICS_PORT: "off",
            SEEDWATCH_PARTNERS: JSON.stringify(variant.partners === "listed" ? listed : unlisted),
          },
          stdio: ["ignore", "inherit", "inherit", "ipc"],
        },
      );
      await once(child, "message");
      clients.set(variant.name, child);
    }
    const total = new Map<string, number>();
    const call = async (variant: Outbound, duration: number): Promise<OutboundRun> => {
      const child = clients.get(variant.name) as ChildProcess;
      const run = (await send(child, { seconds: duration })) as OutboundRun;
      const calls = (total.get(variant.name) ?? 0) + run.calls;
      total.set(variant.name, calls);
      const expected = variant.partners === "listed" ? calls : 0;
      if (run.recorded !== -1 && run.recorded !== expected) {
        throw new Error(`${variant.name}: ${calls} calls but ${run.recorded} recorded`);
      }
      return run;
    };
    for (const variant of OUTBOUND) await call(variant, warmup);
    return await runPaired(OUTBOUND, rounds, async (variant) => {
      const run = await call(variant, seconds);
      return {
        rate: run.calls / run.seconds,
        cpu: (run.userMicros + run.systemMicros) / run.calls,
        user: run.userMicros / run.calls,
        p99: Number.NaN,
      };
    });
  } finally {
    await Promise.all([...clients.values(), partner.child].map(stop));
  }
}
