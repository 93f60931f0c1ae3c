import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CatalogError, defineCatalog, prometheusNaming } from "./catalog.ts";
import { parseExposition } from "./parse.ts";
import { Registry } from "./registry.ts";
import {
  attachSessionCounters,
  createSessionCounters,
  DIAGNOSTIC_COUNTERS_START,
  NUM_SESSION_METRICS,
  SESSION_CATALOG,
  SESSION_CATEGORIES,
  SESSION_METRIC,
} from "./session-catalog.ts";
import { SessionCollector } from "./session-collector.ts";
import { assertPromtoolClean } from "./testing/promtool.ts";

const M = SESSION_METRIC;

describe("the session catalog", () => {
  it("has irontide-session's 99 metrics in 8 categories, with its indices", () => {
    assert.equal(NUM_SESSION_METRICS, 99);
    const categories = new Set(SESSION_CATALOG.entries.map((e) => e.category));
    assert.deepEqual([...categories], Object.values(SESSION_CATEGORIES));
    // Indices irontide-session 0.165's source pins down.
    assert.equal(M.NET_BYTES_SENT, 0);
    assert.equal(M.NET_TCP_BYTES_SENT, 8);
    assert.equal(M.DISK_READ_COUNT, 12);
    assert.equal(M.DHT_NODES, 22);
    assert.equal(M.PEER_NUM_UNCHOKED, 29);
    assert.equal(M.PROTO_PIECES_DOWNLOADED, 41);
    assert.equal(M.BW_UPLOAD_RATE, 55);
    assert.equal(M.SES_ACTIVE_TORRENTS, 65);
    assert.equal(M.SES_QUEUE_PAUSED_BY_AUTO, 69);
    assert.equal(M.DISPATCH_ACQUIRE_TOTAL, 74);
    assert.equal(M.DISPATCH_ACQUIRE_US, 76);
    assert.equal(M.DISPATCH_ACQUIRE_RTT_US, 80);
    assert.equal(M.TARGET_DEPTH_SAMPLES, 89);
    assert.equal(DIAGNOSTIC_COUNTERS_START, 70);
    for (const entry of SESSION_CATALOG.entries) {
      assert.equal(entry.id.replace(/^(DIAG_)/, ""), entry.id);
      assert.equal(SESSION_CATALOG.indexOf(entry.name), entry.index);
      assert.equal(entry.diagnostic, entry.index >= DIAGNOSTIC_COUNTERS_START);
    }
    assert.equal(SESSION_CATALOG.indexOf("no.such"), -1);
  });

  it("derives Prometheus names with base units and _total", () => {
    const name = (id: keyof typeof M) =>
      prometheusNaming(SESSION_CATALOG.entries[M[id]] as never, "pt_session_").name;
    assert.equal(name("NET_BYTES_SENT"), "pt_session_net_bytes_sent_total");
    assert.equal(name("DISK_JOB_TIME_US"), "pt_session_disk_job_time_seconds_total");
    assert.equal(name("SES_UPTIME_SECS"), "pt_session_ses_uptime_seconds");
    assert.equal(name("PEER_LIFETIME_SUM_MS"), "pt_session_diag_peer_lifetime_sum_seconds_total");
    assert.equal(name("CONNECT_FAILURES_TOTAL"), "pt_session_diag_connect_failures_total");
    assert.equal(name("DISK_WRITE_BUFFER_BYTES"), "pt_session_disk_write_buffer_bytes");
  });

  it("rejects inconsistent declarations", () => {
    const cats = { a: "A" };
    const entry = { id: "A_X", name: "a.x", kind: "counter", help: "x" } as const;
    assert.throws(() => defineCatalog([entry, entry], cats), CatalogError);
    assert.throws(() => defineCatalog([{ ...entry, name: "b.x" }], cats), CatalogError);
    assert.throws(() => defineCatalog([{ ...entry, name: "nodot" }], cats), CatalogError);
    assert.throws(
      () =>
        defineCatalog(
          [
            { ...entry, diagnostic: true },
            { ...entry, id: "A_Y", name: "a.y" },
          ],
          cats,
        ),
      CatalogError,
    );
  });
});

describe("SessionCounters", () => {
  it("increments, sets and keeps high-water marks", () => {
    const c = createSessionCounters();
    c.inc(M.NET_BYTES_SENT, 100);
    c.inc(M.NET_BYTES_SENT);
    c.set(M.NET_NUM_CONNECTIONS, 7);
    c.set(M.NET_NUM_CONNECTIONS, 3);
    c.setMax(M.DISK_QUEUE_DEPTH, 5);
    c.setMax(M.DISK_QUEUE_DEPTH, 2);
    assert.equal(c.get(M.NET_BYTES_SENT), 101);
    assert.equal(c.get(M.NET_NUM_CONNECTIONS), 3);
    assert.equal(c.get(M.DISK_QUEUE_DEPTH), 5);
    assert.throws(() => c.inc(M.NET_BYTES_SENT, -1), RangeError);
    assert.throws(() => c.inc(M.NET_BYTES_SENT, 0.5), RangeError);
    assert.throws(() => c.set(999, 1), RangeError);
    c.inc(M.NET_NUM_CONNECTIONS, -1);
    assert.equal(c.get(M.NET_NUM_CONNECTIONS), 2);
  });

  it("moves diagnostic slots only while diagnostics are enabled, a flag shared through the buffer", () => {
    const c = createSessionCounters();
    c.incDiag(M.PIECE_STEALS_TOTAL, 5);
    c.setMaxDiag(M.EVENT_TX_HIGH_WATER, 9);
    assert.equal(c.get(M.PIECE_STEALS_TOTAL), 0);
    assert.equal(c.isFilled(M.PIECE_STEALS_TOTAL), false);
    const twin = attachSessionCounters(c.buffer);
    twin.diagnosticsEnabled = true;
    assert.equal(c.diagnosticsEnabled, true);
    c.incDiag(M.PIECE_STEALS_TOTAL, 5);
    c.setDiag(M.EVENT_TX_HIGH_WATER, 9);
    assert.equal(twin.get(M.PIECE_STEALS_TOTAL), 5);
    assert.equal(twin.get(M.EVENT_TX_HIGH_WATER), 9);
  });

  it("fills uptime and rates in snapshots, and never overrides what a source set", () => {
    const start = 1_700_000_000_000;
    const c = createSessionCounters({ startedAt: start });
    c.set(M.NET_BYTES_SENT, 1000);
    const first = c.snapshot(start + 10_000);
    assert.equal(first.values[M.SES_UPTIME_SECS], 10);
    assert.equal(first.filled[M.BW_UPLOAD_RATE], false, "no rate before a previous snapshot");
    c.set(M.NET_BYTES_SENT, 5000);
    const second = c.snapshot(start + 12_000);
    assert.equal(second.values[M.BW_UPLOAD_RATE], 2000);
    assert.equal(second.filled[M.BW_DOWNLOAD_RATE], false, "no rate without the total");
    c.set(M.BW_UPLOAD_RATE, 77);
    assert.equal(c.snapshot(start + 14_000).values[M.BW_UPLOAD_RATE], 77);
    const noStart = createSessionCounters().snapshot();
    assert.equal(noStart.filled[M.SES_UPTIME_SECS], false, "uptime unknown without a start time");
  });
});

describe("SessionCollector", () => {
  it("exports only filled slots, one set per target, promtool-clean", async () => {
    const box1 = createSessionCounters({ diagnostics: true, startedAt: Date.now() - 5000 });
    const box2 = createSessionCounters();
    for (const entry of SESSION_CATALOG.entries) box1.set(entry.index, entry.index * 1000);
    box2.set(M.DHT_NODES, 42);
    const registry = new Registry();
    registry.register(
      new SessionCollector({
        name: "session",
        catalog: SESSION_CATALOG,
        prefix: "pt_session_",
        labelNames: ["name"],
        sessions: () => [
          { labels: ["box1"], counters: box1 },
          { labels: ["box2"], counters: box2 },
        ],
      }),
    );
    const text = await registry.render();
    await assertPromtoolClean(text);
    const families = parseExposition(text);
    assert.equal(families.length, 99);
    const box2Samples = families
      .flatMap((f) => f.samples)
      .filter((s) => s.labels[0]?.[1] === "box2");
    assert.deepEqual(
      box2Samples.map((s) => [s.name, s.value]),
      [["pt_session_dht_nodes", 42]],
    );
    assert.match(text, /pt_session_disk_job_time_seconds_total\{name="box1"\} 0.019\n/);
    const om = await registry.render("openmetrics");
    assert.match(
      om,
      /# TYPE pt_session_disk_write_buffer_bytes gauge\n# UNIT pt_session_disk_write_buffer_bytes bytes\n/,
    );
  });
});
