// Every Grafana dashboard shipped in deploy/grafana/, in every language, by file name, and the JSON text of each.

import {
  DASHBOARD_LANGUAGES,
  type DashboardLanguage,
  dashboardFolder,
} from "./dashboard-language.ts";
import { instrumentDashboard } from "./instrument-dashboard.ts";
import { buildDashboard, type DashboardSpec } from "./model.ts";
import { overviewDashboard } from "./overview-dashboard.ts";
import { targetDashboard } from "./target-dashboard.ts";
import { trackerDashboard } from "./tracker-dashboard.ts";

/** Each dashboard's generator, by its file name (the same in every language's folder). */
const GENERATORS: ReadonlyArray<{
  readonly name: string;
  readonly build: (language: DashboardLanguage) => DashboardSpec;
}> = [
  { name: "seedwatch-overview.json", build: overviewDashboard },
  { name: "seedwatch-target.json", build: targetDashboard },
  { name: "seedwatch-tracker.json", build: trackerDashboard },
  { name: "seedwatch-instrument.json", build: instrumentDashboard },
];

/** One generated dashboard file. */
export interface DashboardFile {
  /** Path under deploy/grafana/: `seedwatch-target.json`, `zh-CN/seedwatch-target.json`. */
  readonly file: string;
  /** The file name, the same in every language. */
  readonly name: string;
  readonly language: DashboardLanguage;
  readonly spec: DashboardSpec;
}

/** Every dashboard in every language: English in deploy/grafana/, the others in a folder each. */
export const DASHBOARDS: readonly DashboardFile[] = DASHBOARD_LANGUAGES.flatMap((language) =>
  GENERATORS.map(({ name, build }) => ({
    file: `${dashboardFolder(language)}${name}`,
    name,
    language,
    spec: build(language),
  })),
);

/** The JSON text of a dashboard file. */
export function renderDashboard(spec: DashboardSpec): string {
  return `${JSON.stringify(buildDashboard(spec), null, 2)}\n`;
}
