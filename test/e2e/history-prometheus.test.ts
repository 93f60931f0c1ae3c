import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  freePort,
  type PrometheusServer,
  startPrometheus,
  waitFor,
} from "@seedwatch/metrics/testing";
import { type Daemon, startDaemon, tempDir } from "@seedwatch/testbed";
import { type Qbittorrent, startQbittorrent } from "@seedwatch/testbed/qbittorrent";
import { type Seedwatch, startSeedwatch } from "@seedwatch/testbed/seedwatch";
import { makeTorrents } from "@seedwatch/testbed/torrents";
import { hash } from "bcryptjs";

type Point = [number, number | null, number | null, number | null];
interface History {
  series: string;
  source: string;
  step: number;
  from: number;
  to: number;
  points: Point[];
}

const TRACKERS = ["127.0.0.5", "127.0.0.6"];

describe("history read from a real Prometheus scraping a real seedwatch", {
  timeout: 300_000,
}, () => {
  let qb: Qbittorrent;
  let seedwatch: Seedwatch;
  let prometheus: PrometheusServer;
  let guarded: Daemon | undefined;
  let proxy: Daemon | undefined;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let target = "";
  let embedded: History;

  const config = (history: string) =>
    `global: { poll_interval: 1s, min_refresh_interval: 0s }\nhost: { paths: ["/"] }\n${history}\ntargets:\n${target}`;
  const history = async (query: string) => {
    const res = await seedwatch.get(`/api/v1/history?${query}`);
    return { status: res.status, body: JSON.parse(res.body) as History & { error?: string } };
  };
  const recent = (seconds: number) => `from=${Date.now() - seconds * 1000}&to=${Date.now()}`;
  const present = (points: Point[]) => points.filter((p) => p[2] !== null);

  before(async () => {
    dir = await tempDir("history-prometheus");
    qb = await startQbittorrent();
    for (const [i, host] of TRACKERS.entries()) {
      const made = await makeTorrents({
        dir: join(dir.path, `t${i}`),
        count: 2,
        prefix: `prom-${i}`,
        announce: [`http://${host}:9/announce?passkey=fedcba9876543210`],
      });
      // The second tracker's torrents are stopped: "started" and "stopped" both have members.
      await qb.addTorrents(made, { savepath: made[0]?.payloadDir ?? "", paused: i === 1 });
    }
    target = `  - { name: qb, type: qbittorrent, url: "${qb.url}", username: "${qb.username}", password: "${qb.password}" }\n`;
    seedwatch = await startSeedwatch(config("history: { resolution: 1s }"));
    prometheus = await startPrometheus(
      [{ job: "seedwatch", target: `127.0.0.1:${seedwatch.port}` }],
      "1s",
    );
    await prometheus.waitUntilAllUp();
    await waitFor("an embedded sample", async () => {
      const { body } = await history(`series=torrents_total&target=qb&${recent(10)}`);
      embedded = body;
      return present(body.points).length > 0 ? true : undefined;
    });
    await seedwatch.writeConfig(
      config(
        `history: { resolution: 1s, source: prometheus, prometheus_url: "${prometheus.url}", prometheus_selector: 'job="seedwatch"', prometheus_rate_window: 5s }`,
      ),
    );
    await seedwatch.restart();
    await waitFor(
      "ten seconds of samples in Prometheus",
      async () => {
        const rows = await prometheus.query('count_over_time(pt_up{job="seedwatch"}[1m])');
        return Number(rows[0]?.value[1] ?? 0) >= 10 ? true : undefined;
      },
      { timeoutMs: 60_000 },
    );
  });
  after(async () => {
    await guarded?.stop();
    await proxy?.stop();
    await seedwatch?.remove();
    await prometheus?.stop();
    await qb?.stop();
    await dir?.remove();
  });

  it("answers in the embedded archive's shape, from query_range", async () => {
    const { status, body } = await history(`series=torrents_total&target=qb&${recent(10)}`);
    assert.equal(status, 200, JSON.stringify(body));
    assert.deepEqual(Object.keys(body).sort(), Object.keys(embedded).sort());
    assert.deepEqual([body.source, embedded.source], ["prometheus", "embedded"]);
    assert.equal(body.step, 1000);
    assert.equal(body.points.length, (body.to - body.from) / body.step);
    const points = present(body.points);
    assert.ok(points.length >= 5, JSON.stringify(body.points));
    for (const p of points) assert.deepEqual(p.slice(1), [4, 4, 4]);
    for (const p of present(embedded.points)) assert.deepEqual(p.slice(1), [4, 4, 4]);
  });

  it("gives per-tracker series, started and stopped, and the client's totals as qBittorrent reports them", async () => {
    for (const tracker of TRACKERS) {
      const { body } = await history(
        `series=tracker_torrents&target=qb&tracker=${tracker}&${recent(10)}`,
      );
      const points = present(body.points);
      assert.ok(points.length > 0, tracker);
      for (const p of points) assert.equal(p[2], 2, tracker);
    }
    for (const [series, count] of [
      ["torrents_started", 2],
      ["torrents_stopped", 2],
    ] as const) {
      const points = present(
        (await history(`series=${series}&target=qb&${recent(10)}`)).body.points,
      );
      assert.ok(points.length > 0, series);
      for (const p of points) assert.equal(p[2], count, series);
    }
    const state = (await qb.api<{ server_state: { alltime_ul: number } }>("sync/maindata"))
      .server_state;
    const uploaded = present(
      (await history(`series=uploaded_total&target=qb&${recent(10)}`)).body.points,
    );
    assert.equal(uploaded.at(-1)?.[2], state.alltime_ul);
  });

  it("computes the host indicators from seedwatch_host_* (rates over the configured window)", async () => {
    const cpu = present((await history(`series=host_cpu_busy&${recent(10)}`)).body.points);
    assert.ok(cpu.length > 0);
    for (const [, min, avg, max] of cpu) {
      assert.ok((min as number) >= 0 && (max as number) <= 1, `cpu ${min} ${max}`);
      assert.ok((min as number) <= (avg as number) && (avg as number) <= (max as number));
    }
    const meminfo = readFileSync("/proc/meminfo", "latin1");
    const kb = (key: string) =>
      Number(new RegExp(`^${key}:\\s+(\\d+)`, "m").exec(meminfo)?.[1]) * 1024;
    const used = kb("MemTotal") - kb("MemAvailable");
    const memory = present((await history(`series=host_memory_used&${recent(10)}`)).body.points);
    const last = memory.at(-1)?.[2] as number;
    assert.ok(last > 0 && last <= kb("MemTotal"), String(last));
    assert.ok(Math.abs(last - used) < used / 4, `${last} vs /proc/meminfo ${used}`);
    const fs = present(
      (await history(`series=host_filesystem_used&path=/&${recent(10)}`)).body.points,
    );
    assert.ok((fs.at(-1)?.[2] ?? 0) > 0);
  });

  it("refuses the classes seedwatch exports no metric for, and bad parameters", async () => {
    const { status, body } = await history("series=torrents_active&target=qb");
    assert.equal(status, 400);
    assert.match(body.error ?? "", /^series: torrents_active is not available from prometheus: /);
    assert.equal((await history("series=upload_rate&target=qb&points=-1")).status, 400);
    const list = JSON.parse((await seedwatch.get("/api/v1/history/series")).body) as {
      source: string;
      series: Array<{ name: string; available: boolean }>;
    };
    assert.equal(list.source, "prometheus");
    assert.deepEqual(
      list.series.filter((s) => !s.available).map((s) => s.name),
      [
        "torrents_active",
        "torrents_with_message",
        "torrents_complete",
        "torrents_incomplete",
        "torrents_seeding",
        "torrents_downloading",
        "torrents_errored",
      ],
    );
  });

  it("sends basic auth to a Prometheus that requires it, and says when it is refused", async () => {
    const port = await freePort();
    const pdir = join(dir.path, "guarded");
    await writeFile(
      join(dir.path, "web.yml"),
      `basic_auth_users:\n  reader: "${await hash("right-password", 4)}"\n`,
    );
    await writeFile(
      join(dir.path, "guarded.yml"),
      JSON.stringify({
        global: { scrape_interval: "1s", scrape_timeout: "1s" },
        scrape_configs: [
          { job_name: "seedwatch", static_configs: [{ targets: [`127.0.0.1:${seedwatch.port}`] }] },
        ],
      }),
    );
    const url = `http://127.0.0.1:${port}`;
    const auth = `Basic ${Buffer.from("reader:right-password").toString("base64")}`;
    guarded = await startDaemon({
      name: "prometheus (basic auth)",
      command: process.env.PROMETHEUS ?? "prometheus",
      args: [
        `--config.file=${join(dir.path, "guarded.yml")}`,
        `--storage.tsdb.path=${pdir}`,
        `--web.listen-address=127.0.0.1:${port}`,
        `--web.config.file=${join(dir.path, "web.yml")}`,
        "--log.level=warn",
      ],
      ready: async () =>
        (await fetch(`${url}/-/ready`, { headers: { authorization: auth } }).catch(() => undefined))
          ?.ok === true,
    });
    const withPassword = (password: string) =>
      config(
        `history: { resolution: 1s, source: prometheus, prometheus_url: "${url}", prometheus_basic_auth: { username: reader, password: ${password} } }`,
      );
    await seedwatch.writeConfig(withPassword("right-password"));
    await seedwatch.restart();
    await waitFor("a sample through the guarded Prometheus", async () => {
      const { status, body } = await history(`series=torrents_total&target=qb&${recent(10)}`);
      assert.equal(status, 200, JSON.stringify(body));
      return present(body.points).length > 0 ? true : undefined;
    });
    await seedwatch.writeConfig(withPassword("wrong-password"));
    await seedwatch.restart();
    const refused = await history(`series=torrents_total&target=qb&${recent(10)}`);
    assert.equal(refused.status, 502);
    assert.match(refused.body.error ?? "", /HTTP 401, credentials refused/);
    assert.doesNotMatch(JSON.stringify(refused.body) + seedwatch.logs(), /wrong-password/);
  });

  it("sends a bearer token read from a file (through a real nginx that requires it)", async () => {
    const port = await freePort();
    const prefix = join(dir.path, "nginx");
    await mkdir(join(prefix, "logs"), { recursive: true });
    const conf = join(prefix, "nginx.conf");
    await writeFile(
      conf,
      `daemon off;
master_process off;
pid ${join(prefix, "nginx.pid")};
error_log ${join(prefix, "logs", "error.log")};
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${join(prefix, "body")};
  proxy_temp_path ${join(prefix, "proxy")};
  fastcgi_temp_path ${join(prefix, "fastcgi")};
  uwsgi_temp_path ${join(prefix, "uwsgi")};
  scgi_temp_path ${join(prefix, "scgi")};
  server {
    listen 127.0.0.1:${port};
    location / {
      if ($http_authorization != "Bearer token-1234") { return 401; }
      proxy_pass ${prometheus.url};
    }
  }
}
`,
    );
    proxy = await startDaemon({
      name: "nginx (bearer token)",
      command: "nginx",
      args: ["-p", `${prefix}/`, "-c", conf, "-e", join(prefix, "logs", "error.log")],
      ready: async () =>
        (await fetch(`http://127.0.0.1:${port}/`).catch(() => undefined))?.status === 401,
    });
    const withToken = async (token: string) => {
      await writeFile(join(dir.path, "token"), `${token}\n`);
      await seedwatch.writeConfig(
        config(
          `history: { resolution: 1s, source: prometheus, prometheus_url: "http://127.0.0.1:${port}", prometheus_selector: 'job="seedwatch"', prometheus_bearer_token_file: ${join(dir.path, "token")} }`,
        ),
      );
      await seedwatch.restart();
      return history(`series=torrents_total&target=qb&${recent(10)}`);
    };
    const good = await withToken("token-1234");
    assert.equal(good.status, 200, JSON.stringify(good.body));
    assert.ok(present(good.body.points).length > 0);
    const bad = await withToken("token-9999");
    assert.equal(bad.status, 502);
    assert.match(bad.body.error ?? "", /HTTP 401, credentials refused/);
    assert.doesNotMatch(JSON.stringify(bad.body) + seedwatch.logs(), /token-9999/);
  });
});
