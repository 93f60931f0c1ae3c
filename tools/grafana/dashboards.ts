// Every Grafana dashboard shipped in deploy/grafana/, by file name, and the JSON text of each.

import { INSTRUMENT_DASHBOARD } from "./instrument-dashboard.ts";
import { buildDashboard, type DashboardSpec } from "./model.ts";
import { OVERVIEW_DASHBOARD } from "./overview-dashboard.ts";
import { TARGET_DASHBOARD } from "./target-dashboard.ts";
import { TRACKER_DASHBOARD } from "./tracker-dashboard.ts";

/** Every dashboard, by file name in deploy/grafana/. */
export const DASHBOARDS: ReadonlyArray<{ readonly file: string; readonly spec: DashboardSpec }> = [
  { file: "seedwatch-overview.json", spec: OVERVIEW_DASHBOARD },
  { file: "seedwatch-target.json", spec: TARGET_DASHBOARD },
  { file: "seedwatch-tracker.json", spec: TRACKER_DASHBOARD },
  { file: "seedwatch-instrument.json", spec: INSTRUMENT_DASHBOARD },
];

/** The JSON text of a dashboard file. */
export function renderDashboard(spec: DashboardSpec): string {
  return `${JSON.stringify(buildDashboard(spec), null, 2)}\n`;
}
