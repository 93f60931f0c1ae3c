// /metrics of @seedwatch/instrument with its three histograms full (maxSeries label sets each): render and scrape times, with every series observed since the last scrape or only some.

import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { init } from "@seedwatch/instrument";
import { encodeBuffers, encodeForRequest } from "@seedwatch/metrics";
import { current } from "../packages/instrument/src/runtime.ts";

/** How many of the series were observed since the previous scrape. */
export type Changed = "all" | "10%" | "1%" | "none";
const CHANGED: readonly Changed[] = ["all", "10%", "1%", "none"];

/** Milliseconds of each repeat, by share of series changed. */
export type Timings = Readonly<Record<Changed, readonly number[]>>;

/** What this child writes to its result file. */
export interface RenderResult {
  readonly series: number;
  readonly bytes: number;
  /** CPU time of collecting and encoding the text as bytes ready to send (what a scrape does), ms. */
  readonly renderMs: Timings;
  /** The same and gzip, as the scrape of a client that accepts it: wall time, ms. */
  readonly gzipMs: Timings;
  /** The same, CPU time of the process (the compression runs in zlib's threads), ms. */
  readonly gzipCpuMs: Timings;
  /** CPU time of `metrics()`: the text as one string, ms. */
  readonly stringMs: Timings;
  /** A whole scrape over HTTP on the app's port, gzip accepted, every series changed, ms. */
  readonly scrapeMs: readonly number[];
}

const [repeatsArg = "10", out = ""] = process.argv.slice(2);
const repeats = Number(repeatsArg);
const instrument = init({ syscode: "A123456789", metricsPort: false });
const runtime = current();
if (runtime === undefined) throw new Error("init() did not start");
const max = instrument.options.maxSeries;
const UA = "Mozilla/5.0 (X11; Li...";
const registry = instrument.registry;

/** Observes series `i` of each histogram. */
function observe(i: number, round: number): void {
  // Label values as long as a real service's: routes, status, codes, method codes.
  const ms = ((i + round) % 97) * 13.7;
  runtime?.metrics.inbound
    .path(`/api/v2/customers/${i}/orders`)
    .observe(UA, 200 + (i % 3), String(i % 50), `M${i % 7}`, ms);
  runtime?.metrics.partner.observe([String(i % 40), `A${i}`, "200", String(i % 9)], ms);
  runtime?.metrics.consumer.observe(["", `orders.events.${i}`, String(i % 2)], ms);
}

let round = 0;
/** Observes the series a share of the scrapes' series: every one, or one in 10 or 100. */
function change(changed: Changed): void {
  round++;
  const step = changed === "all" ? 1 : changed === "10%" ? 10 : changed === "1%" ? 100 : 0;
  if (step === 0) return;
  // A different subset each round, spread over the slots as real traffic's would be.
  for (let i = round % step; i < max; i += step) observe(i, round);
}

for (let i = 0; i < max; i++) observe(i, 0);
const text = await instrument.metrics();
const series = (text.match(/_count\{/g) ?? []).length;

const timings = (): Record<Changed, number[]> => ({ all: [], "10%": [], "1%": [], none: [] });
const renderMs = timings();
const gzipMs = timings();
const gzipCpuMs = timings();
const stringMs = timings();
/** CPU time of the process, every thread. */
const cpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};
/** Collects the garbage of what came before (run with --expose-gc), so each step pays for its own. */
const settle = (globalThis as { gc?: () => void }).gc ?? (() => {});
const timed = async (f: () => Promise<unknown>): Promise<number> => {
  settle();
  const started = cpuMs();
  await f();
  return cpuMs() - started;
};
for (let r = 0; r < repeats; r++) {
  // Interleaved: each repeat measures every share of changes, in an order rotating each time.
  for (let k = 0; k < CHANGED.length; k++) {
    const changed = CHANGED[(k + r) % CHANGED.length] as Changed;
    change(changed);
    renderMs[changed].push(
      await timed(async () => encodeBuffers((await registry.collect()).families, "text")),
    );
    // As scrapes do, the last one compressed too: its unchanged segments are reused.
    await encodeForRequest(registry, undefined, "gzip");
    change(changed);
    settle();
    const wall = performance.now();
    const cpu = cpuMs();
    await encodeForRequest(registry, undefined, "gzip");
    gzipCpuMs[changed].push(cpuMs() - cpu);
    gzipMs[changed].push(performance.now() - wall);
    change(changed);
    stringMs[changed].push(await timed(() => instrument.metrics()));
  }
}

const server = createServer((_req, res) => res.end("app"));
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
const scrapeMs: number[] = [];
for (let r = 0; r < repeats; r++) {
  change("all");
  const started = performance.now();
  const response = await fetch(url, { headers: { "accept-encoding": "gzip" } });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`scrape answered ${response.status}`);
  scrapeMs.push(performance.now() - started);
}
server.close();
await instrument.close();

const result: RenderResult = {
  series,
  bytes: Buffer.byteLength(text),
  renderMs,
  gzipMs,
  gzipCpuMs,
  stringMs,
  scrapeMs,
};
writeFileSync(out, JSON.stringify(result));
// fetch keeps its connection alive: do not wait for it.
process.exit(0);
