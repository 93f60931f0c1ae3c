// Every metric a Linxdot miner exports, declared once: linxdot_exporter's names, help and labels, plus `name` and `miner_up`.

import { defineGauge, defineInfo } from "@seedwatch/metrics";

/** The label every miner series carries: the target's name. */
export const MINER_LABELS = ["name"] as const;

/** linxdot_exporter's info labels, in its (alphabetical) order. */
export const MINER_INFO_LABELS = ["animal_name", "firmware", "model_name", "region", "sn"] as const;

/** linxdot_exporter 1.0.1's families (same names and help), plus `miner_up`. */
export const MINER = {
  up: defineGauge({
    name: "miner_up",
    help: "Whether the miner answered the last poll (1) or not (0); when 0 no other miner_* series is exported.",
    labelNames: MINER_LABELS,
  }),
  info: defineInfo({
    name: "miner_exporter_info",
    help: "Miner Information",
    labelNames: [...MINER_LABELS, ...MINER_INFO_LABELS],
  }),
  cpuTemp: defineGauge({
    name: "miner_cpu_temp",
    help: "CPU temperature",
    labelNames: MINER_LABELS,
  }),
  cpuUsage: defineGauge({
    name: "miner_cpu_usage",
    help: "CPU utilization",
    labelNames: MINER_LABELS,
  }),
  memUsage: defineGauge({
    name: "miner_mem_usage",
    help: "Memory utilization",
    labelNames: MINER_LABELS,
  }),
  stoUsage: defineGauge({
    name: "miner_sto_usage",
    help: "Storage utilization",
    labelNames: MINER_LABELS,
  }),
} as const;
