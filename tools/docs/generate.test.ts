import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { z } from "zod";
import { configKeys, typeOf, undocumentedKeys } from "./config-reference.ts";
import { generatedFiles, isCurrent, ROOT } from "./generate.ts";
import { code, table } from "./markdown.ts";
import { seriesNames } from "./metric-catalog.ts";
import { sessionSlotsByClient, undocumentedClientFigures } from "./metrics-reference.ts";

/** Names the hand-written docs mention that seedwatch does not export (the other exporters' own). */
const OTHER_EXPORTERS_ONLY = new Set(["downloader_tracker_upload_bytes_total"]);

/** Words with a metric prefix that are not metrics (a Grafana variable). */
const NOT_METRICS = new Set(["seedwatch_url"]);

/**
 * Metric names in a text: seedwatch's prefixes, whole words, no wildcards (`pt_session_*`), not
 * config keys (`compat.downloader_exporter`).
 */
function metricNames(text: string): string[] {
  return [
    ...new Set(
      [...text.matchAll(/(?<![\w*.])(?:pt|seedwatch|downloader|miner)_[a-z0-9_]+(?![\w*])/g)].map(
        (m) => m[0],
      ),
    ),
  ].filter((name) => !name.endsWith("_") && !NOT_METRICS.has(name));
}

describe("generated docs and dashboards", () => {
  it("are current: `npm run docs` writes them, and this fails until it has been run", async () => {
    const stale = (await generatedFiles()).filter((f) => !isCurrent(f)).map((f) => f.path);
    assert.deepEqual(stale, [], `stale: ${stale.join(", ")}; run npm run docs`);
  });

  it("tell a stale file from a current one", () => {
    assert.equal(
      isCurrent({ path: "docs/metrics.md", text: "not the reference\n", json: false }),
      false,
    );
    assert.equal(isCurrent({ path: "docs/no-such-file.md", text: "", json: false }), false);
    const json = readFileSync(new URL("deploy/grafana/seedwatch-target.json", ROOT), "utf8");
    const data = JSON.parse(json) as { title: string };
    assert.equal(
      isCurrent({
        path: "deploy/grafana/seedwatch-target.json",
        text: JSON.stringify(data),
        json: true,
      }),
      true,
    );
    data.title = "changed";
    assert.equal(
      isCurrent({
        path: "deploy/grafana/seedwatch-target.json",
        text: JSON.stringify(data),
        json: true,
      }),
      false,
    );
  });
});

describe("the configuration reference", () => {
  it("has a meaning for every key of the schema, and none for keys it no longer has", () => {
    assert.deepEqual(undocumentedKeys(), { missing: [], stale: [] });
  });

  it("walks the whole schema: nested objects, lists of objects, ranges", () => {
    const paths = configKeys().map((k) => k.path);
    for (const path of [
      "targets[].url",
      "targets[].per_torrent.max_torrents",
      "targets[].removal.rules[].ratio.min",
      "global.poll_interval",
      "global.min_refresh_interval",
      "history.prometheus_basic_auth.username",
      "web.allowed_origins",
    ])
      assert.ok(paths.includes(path), path);
  });

  it("names types by what they accept", () => {
    assert.equal(typeOf(z.boolean().optional()), "boolean");
    assert.equal(typeOf(z.number().int().min(1).max(10)), "integer (1 to 10)");
    assert.equal(typeOf(z.number().int().min(0)), "integer (0 or more)");
    assert.equal(typeOf(z.array(z.enum(["a", "b"]))), "list of one of `a`, `b`");
    assert.equal(typeOf(z.record(z.string(), z.string())), "map of string to string");
    const key = configKeys().find((k) => k.path === "targets[].poll_interval");
    assert.match(key?.type ?? "", /^duration/);
    const size = configKeys().find((k) => k.path === "targets[].removal.rules[].free_space_below");
    assert.match(size?.type ?? "", /^size/);
  });
});

describe("the metrics reference", () => {
  it("says where every client-dependent figure of pt_* comes from", () => {
    assert.deepEqual(undocumentedClientFigures(), []);
  });

  it("reads which session slots each client fills from the sources", () => {
    const slots = sessionSlotsByClient();
    assert.ok(slots.get("qbittorrent")?.has("DHT_NODES"));
    assert.ok(slots.get("transmission")?.has("SES_UPTIME_SECS"));
    assert.ok(slots.get("deluge")?.has("NET_BYTES_SENT"));
    assert.ok(slots.get("rtorrent")?.has("BW_TOTAL_UPLOADED"));
    assert.ok(slots.get("list")?.has("SES_NUM_TORRENTS"));
    assert.equal(slots.get("transmission")?.has("DHT_NODES"), false);
  });

  it("escapes table cells", () => {
    assert.equal(table(["a"], [["x|y"]]), "| a |\n| --- |\n| x\\|y |");
    assert.equal(code("a`b"), "``a`b``");
  });
});

describe("hand-written docs", () => {
  for (const doc of ["docs/migration.md", "docs/troubleshooting.md"]) {
    it(`${doc} names only metrics seedwatch exports (or says they are the other exporters')`, async () => {
      const known = await seriesNames();
      const text = readFileSync(new URL(doc, ROOT), "utf8");
      const names = metricNames(text);
      assert.ok(names.length > 0);
      const unknown = names.filter((n) => !known.has(n) && !OTHER_EXPORTERS_ONLY.has(n));
      assert.deepEqual(unknown, []);
    });
  }

  it("finds metric names the way the check above needs", () => {
    assert.deepEqual(
      metricNames("`pt_up` and pt_session_* and `seedwatch_target_*` or pt_nope_x"),
      ["pt_up", "pt_nope_x"],
    );
  });
});
