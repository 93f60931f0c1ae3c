// One variant of the exposition benchmark, run in its own process so its memory is measured alone.

import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import {
  defineGauge,
  encode,
  Gauge,
  Registry,
  type RenderedLabels,
  renderLabels,
} from "@seedwatch/metrics";
import client from "prom-client";
import { FAMILY_NAMES, sampleValue, TORRENT_LABEL_NAMES, torrentLabels } from "./torrent-labels.ts";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const [variant = "", seriesArg = "100000", rendersArg = "15", out = ""] = process.argv.slice(2);
const torrents = Number(seriesArg) / FAMILY_NAMES.length;
const renders = Number(rendersArg);

function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const before = heapUsed();
let render: () => Promise<string>;
let keep: unknown;

if (variant === "prom-client") {
  const registry = new client.Registry();
  const gauges = FAMILY_NAMES.map(
    (name) =>
      new client.Gauge({
        name,
        help: `${name} help.`,
        labelNames: [...TORRENT_LABEL_NAMES],
        registers: [registry],
      }),
  );
  for (let i = 0; i < torrents; i++) {
    const values = torrentLabels(i);
    const labels = Object.fromEntries(TORRENT_LABEL_NAMES.map((n, k) => [n, values[k] as string]));
    gauges.forEach((gauge, f) => {
      gauge.set(labels, sampleValue(f, i));
    });
  }
  keep = registry;
  render = () => registry.metrics();
} else if (variant === "seedwatch-instruments") {
  const registry = new Registry();
  const gauges = FAMILY_NAMES.map((name) =>
    registry.register(
      new Gauge(defineGauge({ name, help: `${name} help.`, labelNames: TORRENT_LABEL_NAMES })),
    ),
  );
  for (let i = 0; i < torrents; i++) {
    const values = torrentLabels(i);
    const labels = renderLabels(TORRENT_LABEL_NAMES, values);
    gauges.forEach((gauge, f) => {
      gauge.withLabels(labels).set(sampleValue(f, i));
    });
  }
  keep = registry;
  render = () => registry.render();
} else if (variant === "seedwatch-collector") {
  // The exporter's shape: a table of torrents with labels rendered once, samples rendered per scrape.
  const defs = FAMILY_NAMES.map((name) =>
    defineGauge({ name, help: `${name} help.`, labelNames: TORRENT_LABEL_NAMES }),
  );
  const labels: RenderedLabels[] = [];
  const values = new Float64Array(torrents * FAMILY_NAMES.length);
  for (let i = 0; i < torrents; i++) {
    labels.push(renderLabels(TORRENT_LABEL_NAMES, torrentLabels(i)));
    for (let f = 0; f < FAMILY_NAMES.length; f++)
      values[i * FAMILY_NAMES.length + f] = sampleValue(f, i);
  }
  const registry = new Registry();
  registry.register({
    name: "torrents",
    collect(writer) {
      defs.forEach((def, f) => {
        const family = writer.family(def);
        for (let i = 0; i < torrents; i++)
          family.sample(labels[i] as RenderedLabels, values[i * FAMILY_NAMES.length + f] as number);
      });
    },
  });
  keep = [registry, labels, values];
  render = async () => encode((await registry.collect()).families, "text");
} else {
  throw new Error(`unknown variant ${variant}`);
}

const retainedBytes = heapUsed() - before;
const times: number[] = [];
let bytes = 0;
for (let r = 0; r < renders + 3; r++) {
  const started = performance.now();
  const text = await render();
  // Flatten the string as a response would (Buffer.from) and count it.
  bytes = Buffer.byteLength(text);
  if (r >= 3) times.push(performance.now() - started);
}
times.sort((a, b) => a - b);
// Fingerprint of the sample lines, order-free, so the runner can check every variant rendered
// the same series with the same values.
const lines = (await render()).split("\n").filter((line) => line !== "" && !line.startsWith("#"));
const fingerprint = createHash("sha256").update(lines.sort().join("\n")).digest("hex").slice(0, 16);
const result = {
  variant,
  series: lines.length,
  fingerprint,
  bytes,
  renderMedianMs: times[Math.floor(times.length / 2)],
  renderMinMs: times[0],
  retainedMB: retainedBytes / 2 ** 20,
  rssMB: process.memoryUsage().rss / 2 ** 20,
};
void keep;
if (out !== "") writeFileSync(out, JSON.stringify(result));
else console.log(JSON.stringify(result));
