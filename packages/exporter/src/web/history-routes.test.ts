import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, describe, it } from "node:test";
import { freePort } from "@seedwatch/metrics/testing";
import type { Target } from "../collect/target.ts";
import { ArchiveStore } from "../history/archive-store.ts";
import type { HistoryBackend } from "../history/backend.ts";
import { EmbeddedBackend } from "../history/embedded-backend.ts";
import { PrometheusBackend } from "../history/prometheus-backend.ts";
import { SERIES } from "../history/series.ts";
import { silentLogger } from "../log.ts";
import { Secret } from "../settings/secret.ts";
import { openDatabase } from "../store/database.ts";
import { historyRoutes } from "./history-routes.ts";
import { createRouter } from "./router.ts";

const MIN = 60_000;
const NOW = Date.UTC(2025, 4, 1, 12, 0, 0);
const targets = { get: (name: string) => (name === "box" ? ({} as Target) : undefined) };

async function serve(
  backend: HistoryBackend | undefined,
): Promise<{ base: string; server: Server }> {
  const routes = historyRoutes({
    backend,
    resolution: MIN,
    targets,
    hostPaths: ["/", "/srv"],
    log: silentLogger,
    now: () => NOW,
  });
  const router = createRouter(routes, async () => true, silentLogger);
  const server = createServer((req, res) => void router(req, res));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const get = async (base: string, path: string) => {
  const res = await fetch(`${base}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe("the history API on the embedded archive", async () => {
  const db = openDatabase(":memory:");
  const store = new ArchiveStore(db, { resolutionMs: MIN });
  // Ten minutes of a rising upload rate; the host's load in one minute only.
  for (let i = 0; i < 10; i++) {
    store.record(NOW - 10 * MIN + i * MIN, [
      { target: "box", series: "upload_rate", key: "", value: 100 + i },
      { target: "box", series: "tracker_torrents", key: "t.example", value: 3 },
      { target: "old", series: "upload_rate", key: "", value: 1 },
    ]);
  }
  store.record(NOW - 2 * MIN, [{ target: "", series: "host_load1", key: "", value: 0.5 }]);
  const { base, server } = await serve(new EmbeddedBackend(store, () => NOW));
  after(() => {
    server.close();
    db.close();
  });

  it("lists the series with their units and scopes, and the levels", async () => {
    const { status, body } = await get(base, "/api/v1/history/series");
    assert.equal(status, 200);
    assert.equal(body.source, "embedded");
    assert.equal(body.resolution, MIN);
    assert.deepEqual(body.levels, [
      { step: MIN, retention: 2 * 24 * 60 * MIN },
      { step: 5 * MIN, retention: 14 * 24 * 60 * MIN },
      { step: 60 * MIN, retention: 396 * 24 * 60 * MIN },
    ]);
    const series = body.series as Array<{
      name: string;
      unit: string;
      scope: string;
      available: boolean;
    }>;
    assert.deepEqual(
      series.map((s) => s.name),
      SERIES.map((s) => s.name),
    );
    assert.deepEqual(
      series.find((s) => s.name === "tracker_uploaded"),
      {
        name: "tracker_uploaded",
        unit: "bytes",
        scope: "tracker",
        help: "Bytes uploaded for the tracker's torrents, never going down (removed torrents' bytes stay in).",
        available: true,
      },
    );
  });

  it("answers 1-minute points over the last quarter hour, gaps as nulls", async () => {
    const { status, body } = await get(
      base,
      `/api/v1/history?series=upload_rate&target=box&from=${NOW - 15 * MIN}&to=${NOW - 1}`,
    );
    assert.equal(status, 200);
    assert.equal(body.step, MIN);
    assert.deepEqual(
      [body.from, body.to, body.source, body.unit],
      [NOW - 15 * MIN, NOW, "embedded", "bytes_per_second"],
    );
    const points = body.points as Array<[number, number | null, number | null, number | null]>;
    assert.equal(points.length, 15);
    assert.deepEqual(points[0], [NOW - 15 * MIN, null, null, null]);
    assert.deepEqual(points[5], [NOW - 10 * MIN, 100, 100, 100]);
    assert.deepEqual(points[14], [NOW - MIN, 109, 109, 109]);
  });

  it("merges points when asked for fewer, and reads per-tracker, host and archived-only series", async () => {
    const { body } = await get(
      base,
      `/api/v1/history?series=upload_rate&target=box&from=${NOW - 10 * MIN}&to=${NOW - 1}&points=2`,
    );
    assert.equal(body.step, 5 * MIN);
    assert.deepEqual(body.points, [
      [NOW - 10 * MIN, 100, 102, 104],
      [NOW - 5 * MIN, 105, 107, 109],
    ]);
    const tracker = await get(
      base,
      `/api/v1/history?series=tracker_torrents&target=box&tracker=t.example&from=${NOW - 10 * MIN}&to=${NOW - 1}&points=1`,
    );
    assert.deepEqual(tracker.body.points, [[NOW - 10 * MIN, 3, 3, 3]], "one 10-minute point");
    assert.equal(tracker.body.tracker, "t.example");
    const host = await get(
      base,
      `/api/v1/history?series=host_load1&from=${NOW - 3 * MIN}&to=${NOW - 1}`,
    );
    assert.deepEqual(host.body.points, [
      [NOW - 3 * MIN, null, null, null],
      [NOW - 2 * MIN, 0.5, 0.5, 0.5],
      [NOW - MIN, null, null, null],
    ]);
    const old = await get(base, "/api/v1/history?series=upload_rate&target=old");
    assert.equal(old.status, 200, "a target no longer configured keeps its history");
  });

  it("answers 400 naming the parameter, 404 for unknown targets and paths", async () => {
    assert.deepEqual(await get(base, "/api/v1/history?series=upload_rate"), {
      status: 400,
      body: { error: "target: required for series upload_rate" },
    });
    assert.deepEqual(await get(base, "/api/v1/history?series=host_load1&points=0"), {
      status: 400,
      body: { error: "points: expected a whole number from 1 to 10000" },
    });
    assert.deepEqual(await get(base, "/api/v1/history?series=upload_rate&target=nope"), {
      status: 404,
      body: { error: 'target: no target named "nope" is configured or archived' },
    });
    assert.deepEqual(await get(base, "/api/v1/history?series=host_filesystem_used&path=/home"), {
      status: 404,
      body: { error: 'path: "/home" is not a configured host path (host.paths) nor archived' },
    });
    assert.equal(
      (await get(base, "/api/v1/history?series=host_filesystem_used&path=/srv")).status,
      200,
    );
  });
});

describe("the history API when history is off or Prometheus fails", async () => {
  const off = await serve(undefined);
  const port = await freePort();
  const prometheus = new PrometheusBackend(
    {
      url: `http://127.0.0.1:${port}`,
      selector: "",
      timeout: 2000,
      rateWindow: 60_000,
      username: "reader",
      password: new Secret("do-not-leak"),
      bearerToken: undefined,
      tls: {},
    },
    MIN,
  );
  const down = await serve(prometheus);
  after(() => {
    off.server.close();
    down.server.close();
    prometheus.close();
  });

  it("says history is off", async () => {
    assert.deepEqual(await get(off.base, "/api/v1/history?series=host_load1"), {
      status: 404,
      body: { error: "history is off (history.enabled: false)" },
    });
    const { body } = await get(off.base, "/api/v1/history/series");
    assert.equal(body.enabled, false);
  });

  it("refuses series Prometheus cannot give, and answers 502 without credentials when it is unreachable", async () => {
    const classes = await get(down.base, "/api/v1/history?series=torrents_seeding&target=box");
    assert.equal(classes.status, 400);
    assert.match(
      String(classes.body.error),
      /^series: torrents_seeding is not available from prometheus: /,
    );
    const { body: list } = await get(down.base, "/api/v1/history/series");
    const seeding = (list.series as Array<{ name: string; available: boolean }>).find(
      (s) => s.name === "torrents_seeding",
    );
    assert.equal(seeding?.available, false);
    const res = await get(down.base, "/api/v1/history?series=upload_rate&target=box");
    assert.equal(res.status, 502);
    assert.match(
      String(res.body.error),
      new RegExp(`POST http://127\\.0\\.0\\.1:${port}/api/v1/query_range`),
    );
    assert.doesNotMatch(JSON.stringify(res.body), /do-not-leak|reader/);
  });
});
