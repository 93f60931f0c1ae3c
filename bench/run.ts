// `npm run bench`: runs the benchmark suites, prints figures and ratios, compares with the baseline.

import { readFile, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { delugeSync } from "./deluge-sync.ts";
import { instrumentOverhead } from "./instrument-overhead.ts";
import { describeMachine } from "./machine.ts";
import { metricsRender } from "./metrics-render.ts";
import { qbittorrentSync } from "./qbittorrent-sync.ts";
import { rtorrentSync } from "./rtorrent-sync.ts";
import type { SuiteOptions, SuiteResult } from "./suite.ts";

const SUITES: Readonly<Record<string, (options: SuiteOptions) => Promise<SuiteResult>>> = {
  "metrics-render": metricsRender,
  "instrument-overhead": instrumentOverhead,
  "qbittorrent-sync": qbittorrentSync,
  "deluge-sync": delugeSync,
  "rtorrent-sync": rtorrentSync,
  "transmission-sync": async (options) =>
    (await import("./transmission-sync.ts")).transmissionSync(options),
  scrape: async (options) => (await import("./scrape.ts")).scrape(options),
  "small-box": async (options) => (await import("./small-box.ts")).smallBox(options),
  "memory-curve": async (options) => (await import("./memory-curve.ts")).memoryCurve(options),
};
/** Suites `npm run bench` without `--suite` leaves out: memory-curve runs for an hour. */
const ON_REQUEST = new Set(["memory-curve"]);
const BASELINE = new URL("./baseline.json", import.meta.url);

interface Baseline {
  readonly machine: Record<string, string | number>;
  /** The day of the latest update; each suite also carries the day it was measured. */
  readonly date: string;
  readonly suites: Record<string, SuiteResult & { measured?: string }>;
}

const { values } = parseArgs({
  options: {
    suite: { type: "string", multiple: true },
    quick: { type: "boolean", default: false },
    minutes: { type: "string" },
    "update-baseline": { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});

if (values.help) {
  console.log(`usage: npm run bench -- [--suite NAME]... [--quick] [--minutes N] [--update-baseline]
suites: ${Object.keys(SUITES).join(", ")} (${[...ON_REQUEST].join(", ")} only with --suite)
  --quick             smaller sizes, for a smoke run
  --minutes N         how long memory-curve runs (default 60; with --quick 3)
  --update-baseline   write this run's figures to bench/baseline.json`);
  process.exit(0);
}

const names = values.suite ?? Object.keys(SUITES).filter((name) => !ON_REQUEST.has(name));
const minutes = values.minutes === undefined ? undefined : Number(values.minutes);
if (minutes !== undefined && !(Number.isFinite(minutes) && minutes > 0)) {
  console.error(`--minutes must be a positive number, got "${values.minutes}"`);
  process.exit(2);
}
const unknown = names.filter((name) => !(name in SUITES));
if (unknown.length > 0) {
  console.error(
    `unknown suite(s): ${unknown.join(", ")}; known: ${Object.keys(SUITES).join(", ")}`,
  );
  process.exit(2);
}

const baseline = await readFile(BASELINE, "utf8")
  .then((text) => JSON.parse(text) as Baseline)
  .catch(() => undefined);
const machine = describeMachine();
console.log(`machine: ${JSON.stringify(machine)}`);
if (baseline !== undefined)
  console.log(`baseline: ${baseline.date} on ${JSON.stringify(baseline.machine)}`);

const results: Record<string, SuiteResult> = {};
let allMet = true;
let goalsChecked = 0;
for (const name of names) {
  const run = SUITES[name] as (typeof SUITES)[string];
  const result = await run({
    quick: values.quick,
    ...(minutes === undefined ? {} : { minutes }),
  });
  results[name] = result;
  console.log(`\n== ${result.suite}: ${result.description}`);
  console.table(result.rows.map(round));
  console.table(result.ratios.map(round));
  const before = baseline?.suites[name];
  if (before !== undefined) {
    console.log("baseline ratios:");
    console.table(before.ratios.map(round));
  }
  for (const goal of result.goals) {
    console.log(`${goal.met ? "met    " : "NOT MET"}  ${goal.what}`);
    allMet &&= goal.met;
    goalsChecked++;
  }
}

if (values["update-baseline"]) {
  const today = new Date().toISOString().slice(0, 10);
  const measured = Object.fromEntries(
    Object.entries(results).map(([name, result]) => [name, { measured: today, ...result }]),
  );
  // Suites not run now keep their figures and their day (the baseline's day before this field).
  const kept = Object.fromEntries(
    Object.entries(baseline?.suites ?? {}).map(([name, result]) => [
      name,
      { measured: baseline?.date, ...result },
    ]),
  );
  const next: Baseline = { machine, date: today, suites: { ...kept, ...measured } };
  await writeFile(BASELINE, `${JSON.stringify(next, null, 2)}\n`);
  console.log(`\nwrote ${BASELINE.pathname}`);
}
// A quick or short run checks no goal: saying "all met" then would claim what was not measured.
if (goalsChecked === 0) console.log("\nno goal checked (quick or short runs check none)");
else console.log(allMet ? `\nall ${goalsChecked} goals met` : "\nsome goals not met (see above)");

function round(row: Record<string, string | number>): Record<string, string | number> {
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => [k, typeof v === "number" ? Number(v.toPrecision(3)) : v]),
  );
}
