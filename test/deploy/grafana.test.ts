// deploy/grafana/**/*.json, in every language: the shape Grafana imports, and every PromQL expression run by a real Prometheus scraping a real seedwatch and service.

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import {
  freePort,
  type PrometheusServer,
  startPrometheus,
  waitFor,
} from "@seedwatch/metrics/testing";
import { type Daemon, startDaemon } from "@seedwatch/testbed";
import { type Seedwatch, startSeedwatch } from "@seedwatch/testbed/seedwatch";
import { type Swarm, startSwarm } from "@seedwatch/testbed/swarm";
import { parse } from "yaml";
import { z } from "zod";
import { STATUS_LABELS } from "../../packages/exporter/src/render/status-labels.ts";
import { seriesNames } from "../../tools/docs/metric-catalog.ts";
import { DASHBOARDS } from "../../tools/grafana/dashboards.ts";
import { queriesOf } from "../../tools/grafana/model.ts";
import { metricsIn } from "./promql-names.ts";

const ROOT = new URL("../../", import.meta.url);
const DIR = new URL("deploy/grafana/", ROOT);
/** Every dashboard file, English at the top, other languages in a folder each (`zh-CN/...`). */
const FILES = readdirSync(DIR, { recursive: true, encoding: "utf8" }).filter((f) =>
  f.endsWith(".json"),
);
const RULES = parse(
  readFileSync(new URL("deploy/prometheus/seedwatch.rules.yml", ROOT), "utf8"),
) as {
  groups: Array<{ rules: Array<{ alert: string; expr: string }> }>;
};
const SYSCODE = "B123456789";

/** Variables Grafana itself provides. */
const BUILT_IN = new Set([
  "__rate_interval",
  "__interval",
  "__range",
  "__url_time_range",
  "__data",
]);

const gridPos = z.strictObject({
  h: z.number().int().min(1),
  w: z.number().int().min(1).max(24),
  x: z.number().int().min(0).max(23),
  y: z.number().int().min(0),
});
const datasource = z.strictObject({
  type: z.literal("prometheus"),
  uid: z.literal(`\${datasource}`),
});
const target = z.object({
  refId: z.string().regex(/^[A-Z]$/),
  expr: z.string().min(1),
  datasource,
  legendFormat: z.string(),
  range: z.boolean(),
  instant: z.boolean(),
});
const panel = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("row"),
    id: z.number().int(),
    title: z.string().min(1),
    gridPos,
    collapsed: z.boolean(),
    panels: z.array(z.unknown()),
  }),
  ...(["timeseries", "stat", "table", "bargauge"] as const).map((type) =>
    z.object({
      type: z.literal(type),
      id: z.number().int(),
      title: z.string().min(1),
      gridPos,
      datasource,
      targets: z.array(target).min(1),
      fieldConfig: z.object({
        defaults: z.record(z.string(), z.unknown()),
        overrides: z.array(z.unknown()),
      }),
      options: z.record(z.string(), z.unknown()),
    }),
  ),
]);
const variable = z.discriminatedUnion("type", [
  z.object({ type: z.literal("datasource"), name: z.string(), query: z.literal("prometheus") }),
  z.object({
    type: z.literal("query"),
    name: z.string(),
    datasource,
    definition: z.string().regex(/^label_values\(.+, \w+\)$/),
    query: z.object({ query: z.string() }),
    refresh: z.union([z.literal(1), z.literal(2)]),
    multi: z.boolean(),
    includeAll: z.boolean(),
  }),
  z.object({ type: z.literal("textbox"), name: z.string(), query: z.string() }),
]);
/** The parts of Grafana's dashboard model these files use, as Grafana 10/11 import them. */
const dashboard = z.object({
  title: z.string().min(1),
  uid: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/),
  schemaVersion: z.number().int().min(36),
  version: z.number().int(),
  editable: z.boolean(),
  time: z.object({ from: z.string(), to: z.string() }),
  tags: z.array(z.string()),
  templating: z.object({ list: z.array(variable) }),
  annotations: z.object({ list: z.array(z.unknown()) }),
  links: z.array(z.object({ type: z.string(), title: z.string() })),
  panels: z.array(panel).min(1),
});
type Dashboard = z.infer<typeof dashboard>;
type Panel = Dashboard["panels"][number];
type Target = z.infer<typeof target>;

const load = (file: string) => JSON.parse(readFileSync(new URL(file, DIR), "utf8")) as unknown;
const dataPanels = (d: Dashboard) =>
  d.panels.filter((p): p is Exclude<Panel, { type: "row" }> => p.type !== "row");
const variablesIn = (text: string) => [...text.matchAll(/\$\{?(\w+)/g)].map((m) => m[1] as string);
/** Every link URL of a dashboard (dashboard links and data links of table columns). */
const linksOf = (raw: unknown) =>
  [...JSON.stringify(raw).matchAll(/"url":"([^"]+)"/g)].map((m) => m[1] as string);

describe("deploy/grafana: the dashboards as files", () => {
  it("holds the overview, per-target, per-tracker and instrument dashboards in every language, as generated", () => {
    assert.deepEqual(FILES.sort(), DASHBOARDS.map((d) => d.file).sort());
  });

  for (const file of FILES) {
    describe(file, () => {
      const raw = load(file);
      const parsed = dashboard.safeParse(raw);

      it("is JSON of the shape Grafana imports", () => {
        assert.ok(
          parsed.success,
          parsed.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n"),
        );
      });

      it("has unique panel ids and refIds, and panels that fit the 24-column grid without overlapping", () => {
        const d = parsed.data as Dashboard;
        const ids = d.panels.map((p) => p.id);
        assert.equal(new Set(ids).size, ids.length);
        const cells = new Set<string>();
        for (const p of d.panels) {
          assert.ok(p.gridPos.x + p.gridPos.w <= 24, `${p.title} is wider than the grid`);
          for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++)
            for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
              assert.ok(!cells.has(`${x},${y}`), `${p.title} overlaps another panel at ${x},${y}`);
              cells.add(`${x},${y}`);
            }
        }
        for (const p of dataPanels(d)) {
          const refs = p.targets.map((t) => t.refId);
          assert.equal(new Set(refs).size, refs.length, p.title);
        }
      });

      it("uses only variables it defines (or Grafana's own), in queries and links", () => {
        const d = parsed.data as Dashboard;
        const defined = new Set(d.templating.list.map((v) => v.name));
        const used = [
          ...dataPanels(d).flatMap((p) => p.targets.flatMap((t) => variablesIn(t.expr))),
          ...d.templating.list.flatMap((v) =>
            v.type === "query" ? variablesIn(v.definition) : [],
          ),
          ...linksOf(raw).flatMap(variablesIn),
        ];
        assert.ok(used.length > 0);
        for (const name of used)
          assert.ok(defined.has(name) || BUILT_IN.has(name), `${file}: $${name} is not defined`);
      });

      it("queries only metrics seedwatch and @seedwatch/instrument export (and Prometheus's own)", async () => {
        const known = await seriesNames();
        const d = parsed.data as Dashboard;
        for (const expr of dataPanels(d).flatMap((p) => p.targets.map((t) => t.expr))) {
          for (const name of metricsIn(expr))
            assert.ok(known.has(name), `${file}: ${name} in ${expr}`);
        }
      });
    });
  }

  it("links each per-torrent table to the removal confirmation page, in every language", () => {
    const files = DASHBOARDS.filter((d) =>
      ["seedwatch-target.json", "seedwatch-tracker.json"].includes(d.name),
    ).map((d) => d.file);
    assert.equal(files.length, 4);
    for (const file of files) {
      const links = linksOf(load(file)).filter((url) => url.includes("/remove?"));
      assert.equal(links.length, 1, file);
      assert.match(
        links[0] as string,
        /^\$\{seedwatch_url\}\/remove\?target=\$\{[\w.]+\}&hash=\$\{__data\.fields\.torrent_hash\}$/,
      );
    }
  });
});

describe("metricsIn, which the name checks rely on", () => {
  it("finds the metric names of an expression, and only those", () => {
    assert.deepEqual(metricsIn('sum by (name) (seedwatch_target_up{name=~"$name"})'), [
      "seedwatch_target_up",
    ]);
    assert.deepEqual(
      metricsIn(
        `histogram_quantile(0.95, sum by (le, path) (rate(\${syscode}_inner_metrics_bucket{a="pt_x{"}[5m])))`,
      ),
      ["<SYSCODE>_inner_metrics_bucket"],
    );
    assert.deepEqual(metricsIn("pt_a offset 1d and pt_b > 0 or sum(pt_c) / pt_d"), [
      "pt_a",
      "pt_b",
      "pt_c",
      "pt_d",
    ]);
    assert.deepEqual(metricsIn("up == 0 and on (job, instance) scrape_duration_seconds"), []);
  });
});

describe("deploy/prometheus/seedwatch.rules.yml", () => {
  it("queries only metrics seedwatch exports (and Prometheus's own)", async () => {
    const known = await seriesNames();
    const exprs = RULES.groups.flatMap((g) => g.rules.map((r) => r.expr));
    assert.ok(exprs.length >= 5);
    for (const expr of exprs)
      for (const name of metricsIn(expr)) assert.ok(known.has(name), `${name} in ${expr}`);
  });
});

describe("every PromQL expression against a real Prometheus", { timeout: 420_000 }, () => {
  let swarm: Swarm;
  let seedwatch: Seedwatch;
  let service: Daemon;
  let prometheus: PrometheusServer;
  let servicePort = 0;

  before(async () => {
    swarm = await startSwarm({ torrents: 4 });
    const target = (name: string, qb: Swarm["seeder"], extra = "") =>
      `  - { name: ${name}, type: qbittorrent, url: "${qb.url}", username: "${qb.username}", password: "${qb.password}"${extra} }\n`;
    // The seeder has its line's capacity set (the utilization panel); the leecher writes its
    // status label as pt-exporter's lang: zh (what the Chinese dashboards' readers may have).
    seedwatch = await startSeedwatch(
      `global: { poll_interval: 1s, min_refresh_interval: 0s }\nhistory: { enabled: false }\ntargets:\n${target("seeder", swarm.seeder, ", removal: { enabled: true }, max_upload_speed: 1Gbps, max_download_speed: 100Mbps")}${target("leecher", swarm.leecher, ", compat: { status_language: zh }")}`,
    );
    servicePort = await freePort();
    service = await startDaemon({
      name: "instrumented service",
      command: process.execPath,
      args: [fileURLToPath(new URL("fixtures/instrumented-service.ts", import.meta.url))],
      env: { PORT: String(servicePort), SYSCODE },
      ready: async () =>
        (await fetch(`http://127.0.0.1:${servicePort}/metrics`).catch(() => undefined))?.status ===
        200,
    });
    prometheus = await startPrometheus(
      [
        { job: "seedwatch", target: `127.0.0.1:${seedwatch.port}` },
        { job: "service", target: `127.0.0.1:${servicePort}` },
      ],
      "1s",
    );
    await prometheus.waitUntilAllUp();
    // Traffic spread over several scrapes, so rates and quantiles have something to work on.
    for (let i = 0; i < 12; i++) {
      for (const path of ["/hello", "/fail", "/work"]) {
        const res = await fetch(`http://127.0.0.1:${servicePort}${path}`);
        await res.text();
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await waitFor(
      "five scrapes of each job with the traffic in them",
      async () => {
        const rows = await prometheus.query(
          `count_over_time(${SYSCODE}_consumer_metrics_count[1m])`,
        );
        const sw = await prometheus.query('count_over_time(pt_up{name="seeder"}[1m])');
        return rows.length > 0 && Number(sw[0]?.value[1] ?? 0) >= 5 ? true : undefined;
      },
      { timeoutMs: 60_000 },
    );
  });
  after(async () => {
    await prometheus?.stop();
    await service?.stop();
    await seedwatch?.remove();
    await swarm?.stop();
  });

  /** The values Grafana would put in for the variables, by how they are used. */
  const substitute = (expr: string) => {
    const regex: Record<string, string> = {
      name: "(seeder|leecher)",
      tracker: String.raw`(127\\.0\\.0\\.1|127\\.0\\.0\\.3)`,
      instance: String.raw`127\\.0\\.0\\.1:${servicePort}`,
    };
    const single: Record<string, string> = { name: "seeder", syscode: SYSCODE };
    return expr
      .replace(
        /=~"\$(\w+)"/g,
        (_, v: string) => `=~"${regex[v] ?? assert.fail(`no value for $${v}`)}"`,
      )
      .replace(
        /="\$(\w+)"/g,
        (_, v: string) => `="${single[v] ?? assert.fail(`no value for $${v}`)}"`,
      )
      .replaceAll(`\${syscode}`, SYSCODE)
      .replaceAll("$__rate_interval", "1m")
      .replaceAll("$__range", "1h")
      .replaceAll("$__interval", "15s");
  };

  for (const { file, spec } of DASHBOARDS) {
    it(`${file}: every panel query runs, and those that must answer do`, async () => {
      const d = load(file) as Dashboard;
      const exprs = dataPanels(d).flatMap((p) => p.targets.map((t: Target) => t.expr));
      const mayBeEmpty = new Map(queriesOf(spec).map((q) => [q.expr, q.mayBeEmpty]));
      assert.ok(exprs.length > 0);
      const empty: string[] = [];
      for (const expr of exprs) {
        assert.ok(
          mayBeEmpty.has(expr),
          `${expr} is not in the generator's dashboard: run npm run docs`,
        );
        const result = await prometheus.query(substitute(expr));
        if (result.length === 0 && mayBeEmpty.get(expr) === undefined) empty.push(expr);
      }
      assert.deepEqual(empty, [], "queries with no data on a healthy setup");
    });

    it(`${file}: every variable lists the values the test setup has`, async () => {
      const d = load(file) as Dashboard;
      const expected: Record<string, string[]> = {
        name: ["leecher", "seeder"],
        tracker: ["127.0.0.1", "127.0.0.3"],
        syscode: [SYSCODE],
        instance: [`127.0.0.1:${servicePort}`],
      };
      for (const v of d.templating.list) {
        if (v.type !== "query") continue;
        const [, selector, label] = /^label_values\((.+), (\w+)\)$/.exec(v.definition) ?? [];
        const rows = await prometheus.query(`count by (${label}) (${substitute(selector ?? "")})`);
        const values = rows.map((r) => r.metric[label ?? ""] ?? "").sort();
        const want = expected[v.name] ?? assert.fail(`no expectation for $${v.name}`);
        for (const value of want)
          assert.ok(values.includes(value), `$${v.name}: ${values.join(", ")}`);
      }
    });
  }

  it("the utilization panel divides the speed by the configured line, and status names follow each target's language", async () => {
    const utilization = queriesOf(
      (DASHBOARDS.find((d) => d.file === "seedwatch-target.json") ?? assert.fail()).spec,
    ).filter((q) => q.expr.includes("pt_max_"));
    assert.equal(utilization.length, 2);
    for (const { expr } of utilization) {
      const rows = await prometheus.query(substitute(expr));
      assert.equal(rows.length, 1, expr);
      const [numerator, denominator] = expr.split(" / ") as [string, string];
      const speed = await prometheus.query(substitute(numerator));
      const line = await prometheus.query(substitute(denominator));
      assert.equal(Number(line[0]?.value[1]), expr.includes("upload") ? 125_000_000 : 12_500_000);
      assert.equal(
        Number(rows[0]?.value[1]),
        Number(speed[0]?.value[1]) / Number(line[0]?.value[1]),
      );
    }
    const statuses = async (name: string) =>
      (await prometheus.query(`count by (status) (pt_torrents_count{name="${name}"})`)).map(
        (r) => r.metric.status ?? "",
      );
    const seeder = await statuses("seeder");
    const leecher = await statuses("leecher");
    assert.ok(seeder.length > 0 && leecher.length > 0);
    for (const status of seeder) assert.ok(STATUS_LABELS.en.includes(status), status);
    for (const status of leecher) assert.ok(STATUS_LABELS.zh.includes(status), status);
  });

  it("every alert rule's expression runs", async () => {
    for (const rule of RULES.groups.flatMap((g) => g.rules)) await prometheus.query(rule.expr);
  });

  it("the removal link of a per-torrent row opens seedwatch's confirmation page for that torrent", async () => {
    const link = linksOf(load("seedwatch-target.json")).find((url) =>
      url.includes("/remove?"),
    ) as string;
    const row = (await prometheus.query('pt_tracker_torrent_status{name="seeder"}'))[0];
    assert.ok(row !== undefined);
    const url = link
      .replace(`\${seedwatch_url}`, seedwatch.url)
      .replace(`\${name}`, "seeder")
      .replace(`\${__data.fields.torrent_hash}`, row.metric.torrent_hash ?? "");
    const path = url.slice(seedwatch.url.length);
    const page = await seedwatch.get(path);
    assert.equal(page.status, 200, page.body.slice(0, 300));
    assert.ok(page.body.includes(row.metric.torrent_name ?? "?"), page.body.slice(0, 600));
    // Only a confirmation: nothing was removed.
    const still = await swarm.seeder.api<Array<{ hash: string }>>("torrents/info");
    assert.ok(still.some((t) => t.hash === row.metric.torrent_hash));
  });
});
