// @seedwatch/metrics/testing: helpers for tests of code that exposes metrics.

export { freePort, freePortRun, waitFor } from "./ports.ts";
export type { PrometheusServer, ScrapeJob } from "./prometheus.ts";
export { startPrometheus } from "./prometheus.ts";
export type { PromtoolResult } from "./promtool.ts";
export { assertPromtoolClean, promtoolCheckMetrics } from "./promtool.ts";
