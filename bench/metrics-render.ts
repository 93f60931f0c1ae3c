// Benchmark: rendering 100,000 per-torrent series with @seedwatch/metrics and with prom-client 15.

import { fileURLToPath } from "node:url";
import { runChild } from "./child.ts";
import type { SuiteResult } from "./suite.ts";

interface VariantResult {
  readonly variant: string;
  readonly series: number;
  readonly fingerprint: string;
  readonly bytes: number;
  readonly renderMedianMs: number;
  readonly renderMinMs: number;
  readonly retainedMB: number;
  readonly rssMB: number;
}

const CHILD = fileURLToPath(new URL("./metrics-render.child.ts", import.meta.url));

/**
 * Renders 10 families x 10,000 torrents (6 realistic labels each) with prom-client (Gauge.set
 * per series, `registry.metrics()`), with our long-lived Gauge instruments, and with our
 * const-metric collector over a table (the exporter's design). Each variant runs in its own
 * process so that retained heap is measured alone.
 */
export async function metricsRender(options: { quick: boolean }): Promise<SuiteResult> {
  const series = options.quick ? 20_000 : 100_000;
  const renders = options.quick ? 5 : 15;
  const variants = ["prom-client", "seedwatch-instruments", "seedwatch-collector"];
  const results: VariantResult[] = [];
  for (const variant of variants) {
    results.push(await runChild<VariantResult>(CHILD, [variant, String(series), String(renders)]));
  }
  const [base, ...ours] = results as [VariantResult, ...VariantResult[]];
  const mismatched = results.filter(
    (r) => r.fingerprint !== base.fingerprint || r.series !== series,
  );
  if (mismatched.length > 0) {
    throw new Error(
      `variants rendered different series: ${mismatched.map((r) => r.variant).join(", ")}`,
    );
  }
  return {
    suite: "metrics-render",
    description: `${series.toLocaleString("en")} series (10 families x ${series / 10} torrents, 6 labels), ${renders} renders each; render = collect + encode to text + UTF-8 length`,
    rows: results.map((r) => ({
      variant: r.variant,
      "render median ms": r.renderMedianMs,
      "render min ms": r.renderMinMs,
      "retained heap MB": r.retainedMB,
      "rss MB": r.rssMB,
    })),
    ratios: ours.map((r) => ({
      variant: r.variant,
      "speed-up vs prom-client (median)": base.renderMedianMs / r.renderMedianMs,
      "retained memory vs prom-client": r.retainedMB / base.retainedMB,
    })),
    goals: ours.map((r) => ({
      what: `${r.variant}: >= 5x faster and <= 0.5x retained memory`,
      met: base.renderMedianMs / r.renderMedianMs >= 5 && r.retainedMB / base.retainedMB <= 0.5,
    })),
  };
}
