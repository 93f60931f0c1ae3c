// Test worker: rebuilds shared histograms and session counters from their buffers and hammers them.

import { parentPort, workerData } from "node:worker_threads";
import { defineHistogram } from "./definition.ts";
import { Histogram } from "./histogram.ts";
import { attachSessionCounters, SESSION_METRIC } from "./session-catalog.ts";

/** What the test sends each worker. */
export interface HammerJob {
  readonly histogram: SharedArrayBuffer;
  readonly counters: SharedArrayBuffer;
  readonly iterations: number;
  readonly worker: number;
}

const job = workerData as HammerJob;
const histogram = Histogram.attach(
  defineHistogram({
    name: "hammer_values",
    help: "Hammered.",
    buckets: [1, 10, 100],
    labelNames: ["route", "worker"],
  }),
  job.histogram,
);
const counters = attachSessionCounters(job.counters);
const shared = histogram.labels("/shared", "all");
const own = histogram.labels("/own", String(job.worker));
for (let i = 0; i < job.iterations; i++) {
  shared.observe(i % 200);
  own.observe(0.5);
  counters.inc(SESSION_METRIC.NET_BYTES_SENT, 3);
  counters.incDiag(SESSION_METRIC.DISPATCH_ACQUIRE_TOTAL);
  counters.setMax(SESSION_METRIC.DISPATCH_TX_HIGH_WATER, job.worker * job.iterations + i);
}
parentPort?.postMessage("done");
