// /metrics of @seedwatch/instrument with its three histograms full (maxSeries label sets each): render and scrape times.

import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { init } from "@seedwatch/instrument";
import { current } from "../packages/instrument/src/runtime.ts";

/** What this child writes to its result file. */
export interface RenderResult {
  readonly series: number;
  readonly bytes: number;
  /** Rendering the Prometheus text, milliseconds, each repeat. */
  readonly renderMs: readonly number[];
  /** A whole scrape over HTTP on the app's port, gzip accepted, milliseconds, each repeat. */
  readonly scrapeMs: readonly number[];
}

const [repeatsArg = "30", out = ""] = process.argv.slice(2);
const repeats = Number(repeatsArg);
const instrument = init({ syscode: "A123456789", metricsPort: false });
const runtime = current();
if (runtime === undefined) throw new Error("init() did not start");
const max = instrument.options.maxSeries;
const UA = "Mozilla/5.0 (X11; Li...";
// Label values as long as a real service's: routes, status, codes, method codes.
for (let i = 0; i < max; i++) {
  const ms = (i % 97) * 13.7;
  runtime.metrics.inbound
    .path(`/api/v2/customers/${i}/orders`)
    .observe(UA, 200 + (i % 3), String(i % 50), `M${i % 7}`, ms);
  runtime.metrics.partner.observe([String(i % 40), `A${i}`, "200", String(i % 9)], ms);
  runtime.metrics.consumer.observe(["", `orders.events.${i}`, String(i % 2)], ms);
}

const text = await instrument.metrics();
const series = (text.match(/_count\{/g) ?? []).length;
const renderMs: number[] = [];
for (let r = 0; r < repeats; r++) {
  const started = performance.now();
  await instrument.metrics();
  renderMs.push(performance.now() - started);
}

const server = createServer((_req, res) => res.end("app"));
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
const scrapeMs: number[] = [];
for (let r = 0; r < repeats; r++) {
  const started = performance.now();
  const response = await fetch(url, { headers: { "accept-encoding": "gzip" } });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`scrape answered ${response.status}`);
  scrapeMs.push(performance.now() - started);
}
server.close();
await instrument.close();

const result: RenderResult = { series, bytes: Buffer.byteLength(text), renderMs, scrapeMs };
writeFileSync(out, JSON.stringify(result));
// fetch keeps its connection alive: do not wait for it.
process.exit(0);
