// End to end: the real seedwatch process (daemon and `seedwatch linxdot`) against Linxdot device SIMULATORS (no miner exists here).

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import {
  assertPromtoolClean,
  freePort,
  type PrometheusServer,
  startPrometheus,
  waitFor,
} from "@seedwatch/metrics/testing";
import { type Daemon, startDaemon, tempDir } from "@seedwatch/testbed";
import { type LinxdotSimulator, startLinxdotSimulator } from "@seedwatch/testbed/linxdot-simulator";
import { type Seedwatch, startSeedwatch } from "@seedwatch/testbed/seedwatch";

const MAIN = fileURLToPath(new URL("../../packages/exporter/src/main.ts", import.meta.url));

const MINER = {
  animal_name: "brisk-orange-owl",
  region: "EU868",
  firmware: "Linxdot 1.2.26 r17752-8c4a79dd5",
  model_name: "LD-1002",
  sn: "LD1NTV0000042",
  cpu_temp: "48.3125",
  cpu_usage: "12.0625",
  memory_usage: 33.33333,
  storage_usage: "61",
};

/** The sample lines of `text` whose metric name starts with `prefix`, sorted. */
function lines(text: string, prefix: string): string[] {
  return text
    .split("\n")
    .filter((line) => line.startsWith(prefix))
    .sort();
}

describe("the seedwatch daemon with linxdot targets, against Linxdot device SIMULATORS", {
  timeout: 120_000,
}, () => {
  let md5Miner: LinxdotSimulator;
  let plainMiner: LinxdotSimulator;
  let brokenMiner: LinxdotSimulator;
  let seedwatch: Seedwatch;
  let prometheus: PrometheusServer | undefined;

  before(async () => {
    md5Miner = await startLinxdotSimulator();
    plainMiner = await startLinxdotSimulator({ credentials: "plain", password: "plain-pw" });
    brokenMiner = await startLinxdotSimulator();
    md5Miner.system = MINER;
    brokenMiner.system = { ...MINER, cpu_temp: "n/a" };
    const target = (name: string, url: string, extra: string) =>
      `  - { name: ${name}, type: linxdot, url: "${url}", username: admin, ${extra} }\n`;
    seedwatch = await startSeedwatch(
      "targets:\n" +
        // An hour between polls makes "the device is not asked again" independent of the clock.
        target("roof", md5Miner.url, "password: sim-password, poll_interval: 1h") +
        target(
          "barn",
          plainMiner.url,
          "password: plain-pw, plain_credentials: true, poll_interval: 1h",
        ) +
        target("wrongpass", md5Miner.url, "password: not-it") +
        target("broken", brokenMiner.url, "password: sim-password"),
    );
    await waitFor("every target polled once", async () =>
      (await seedwatch.get("/-/ready")).status === 200 ? true : undefined,
    );
  });
  after(async () => {
    await prometheus?.stop();
    await seedwatch?.remove();
    for (const sim of [md5Miner, plainMiner, brokenMiner]) await sim?.close();
  });

  it("exports exactly the miners' figures, as linxdot_exporter names them, and promtool accepts it", async () => {
    const scraped = await seedwatch.get("/metrics");
    assert.equal(scraped.status, 200);
    assert.deepEqual(lines(scraped.body, "miner_"), [
      'miner_cpu_temp{name="barn"} 35.555',
      'miner_cpu_temp{name="roof"} 48.3125',
      'miner_cpu_usage{name="barn"} 7.169',
      'miner_cpu_usage{name="roof"} 12.062',
      'miner_exporter_info{name="barn",animal_name="xxxxxx-xxxxxxx-xxxxxxxx",firmware="Linxdot 1.2.26 r17752-8c4a79dd5",model_name="LD-1001",region="AU915",sn="LD1NTVxxxxxxxxx"} 1',
      'miner_exporter_info{name="roof",animal_name="brisk-orange-owl",firmware="Linxdot 1.2.26 r17752-8c4a79dd5",model_name="LD-1002",region="EU868",sn="LD1NTV0000042"} 1',
      'miner_mem_usage{name="barn"} 17.504',
      'miner_mem_usage{name="roof"} 33.333',
      'miner_sto_usage{name="barn"} 39.822',
      'miner_sto_usage{name="roof"} 61',
      'miner_up{name="barn"} 1',
      'miner_up{name="broken"} 0',
      'miner_up{name="roof"} 1',
      'miner_up{name="wrongpass"} 0',
    ]);
    assert.deepEqual(lines(scraped.body, "seedwatch_target_up{"), [
      'seedwatch_target_up{name="barn",type="linxdot"} 1',
      'seedwatch_target_up{name="broken",type="linxdot"} 0',
      'seedwatch_target_up{name="roof",type="linxdot"} 1',
      'seedwatch_target_up{name="wrongpass",type="linxdot"} 0',
    ]);
    const errors = lines(scraped.body, "seedwatch_target_poll_errors_total{").filter(
      (line) => !line.endsWith(" 0"),
    );
    assert.deepEqual(errors, [
      'seedwatch_target_poll_errors_total{name="broken",type="linxdot",reason="protocol"} 1',
      'seedwatch_target_poll_errors_total{name="wrongpass",type="linxdot",reason="auth"} 1',
    ]);
    await assertPromtoolClean(scraped.body);
    const probe = await seedwatch.get("/probe?target=roof");
    assert.deepEqual(
      lines(probe.body, "miner_"),
      lines(scraped.body, "miner_").filter((line) => line.includes('name="roof"')),
    );
    await assertPromtoolClean(probe.body);
    assert.deepEqual(plainMiner.requests[0]?.form, { username: "admin", password: "plain-pw" });
    assert.ok(!seedwatch.logs().includes("sim-password") && !seedwatch.logs().includes("not-it"));
    assert.match(
      seedwatch.logs(),
      /target=broken .*cpu_temp: expected a number or a numeric string, got \\"n\/a\\"/,
    );
  });

  it("does not ask the device again for scrapes within the refresh interval, a real Prometheus's included", async () => {
    const before = { ...md5Miner.counts };
    assert.deepEqual(before, { logins: 1, refusedLogins: 1, systemRequests: 1, unauthorized: 0 });
    for (let i = 0; i < 5; i++) {
      assert.equal((await seedwatch.get("/metrics")).status, 200);
      assert.equal((await seedwatch.get("/probe?target=roof")).status, 200);
    }
    prometheus = await startPrometheus([
      {
        job: "seedwatch",
        target: `127.0.0.1:${seedwatch.port}`,
        path: "/probe",
        params: { target: ["roof"] },
      },
    ]);
    await prometheus.waitUntilAllUp();
    const series = await waitFor("Prometheus to have scraped the miner a few times", async () => {
      const result = await prometheus?.query('count_over_time(miner_cpu_temp{name="roof"}[1m])');
      const count = Number(result?.[0]?.value[1] ?? 0);
      return count >= 3 ? result : undefined;
    });
    assert.equal(series[0]?.metric.job, "seedwatch");
    assert.deepEqual(md5Miner.counts, before);
  });
});

describe("seedwatch linxdot, the standalone exporter, as a real process configured by environment only", {
  timeout: 120_000,
}, () => {
  let sim: LinxdotSimulator;
  let exporter: Daemon;
  let dir: { path: string; remove(): Promise<void> };
  let port: number;
  const get = async (path: string) => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      signal: AbortSignal.timeout(30_000),
    });
    return { status: res.status, body: await res.text() };
  };

  before(async () => {
    sim = await startLinxdotSimulator({ credentials: "plain", password: "p4ss w0rd" });
    sim.system = MINER;
    dir = await tempDir("linxdot-standalone");
    port = await freePort();
    exporter = await startDaemon({
      name: "seedwatch linxdot",
      command: process.execPath,
      args: [MAIN, "linxdot"],
      env: {
        MINER_HOST: sim.host,
        MINER_USERNAME: "admin",
        MINER_PASSWORD: "p4ss w0rd",
        PLAIN_CREDENTIALS: "true",
        EXPORTER_REFRESH: "3600",
        EXPORTER_PORT: String(port),
        EXPORTER_ADDRESS: "127.0.0.1",
        EXPORTER_DEBUG: "1",
        LOG_FILE: join(dir.path, "linxdot.log"),
      },
      ready: async () => (await get("/-/healthy").catch(() => undefined))?.status === 200,
    });
  });
  after(async () => {
    await exporter?.stop();
    await sim?.close();
    await dir?.remove();
  });

  it("serves the miner's figures exactly, promtool-clean, asking the device once per refresh interval", async () => {
    const first = await waitFor("the miner to be up", async () => {
      const scraped = await get("/metrics");
      return scraped.body.includes(`miner_up{name="${sim.host}"} 1`) ? scraped : undefined;
    });
    const name = sim.host;
    assert.deepEqual(lines(first.body, "miner_"), [
      `miner_cpu_temp{name="${name}"} 48.3125`,
      `miner_cpu_usage{name="${name}"} 12.062`,
      `miner_exporter_info{name="${name}",animal_name="brisk-orange-owl",firmware="Linxdot 1.2.26 r17752-8c4a79dd5",model_name="LD-1002",region="EU868",sn="LD1NTV0000042"} 1`,
      `miner_mem_usage{name="${name}"} 33.333`,
      `miner_sto_usage{name="${name}"} 61`,
      `miner_up{name="${name}"} 1`,
    ]);
    await assertPromtoolClean(first.body);
    for (let i = 0; i < 5; i++) assert.equal((await get("/metrics")).status, 200);
    assert.deepEqual(sim.counts, {
      logins: 1,
      refusedLogins: 0,
      systemRequests: 1,
      unauthorized: 0,
    });
    assert.deepEqual(sim.requests[0]?.form, { username: "admin", password: "p4ss w0rd" });
  });

  it("writes its log to LOG_FILE (debug lines with EXPORTER_DEBUG), never the password", async () => {
    await waitFor("a cache hit in the log", async () => {
      const log = await readFile(join(dir.path, "linxdot.log"), "utf8");
      return log.includes("cache hit") ? true : undefined;
    });
    const log = await readFile(join(dir.path, "linxdot.log"), "utf8");
    assert.match(
      log,
      new RegExp(
        `level=info msg=listening address=127\\.0\\.0\\.1:${port} miner=http://${sim.host}/ refresh_s=3600 plain_credentials=true`,
      ),
    );
    assert.match(log, /level=info msg="target is up" target=127\.0\.0\.1:\d+ model=LD-1002/);
    assert.match(log, /level=debug msg="asked the miner"/);
    assert.ok(!log.includes("p4ss"));
    assert.equal(exporter.logs(), "");
  });

  it("exits 1 naming the missing settings when a required one is absent", async () => {
    const result = await promisify(execFile)(process.execPath, [MAIN, "linxdot"], {
      env: { PATH: process.env.PATH ?? "", MINER_HOST: sim.host },
      timeout: 30_000,
    }).then(
      () => ({ code: 0, stderr: "" }),
      (error: { code: number; stderr: string }) => error,
    );
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr,
      "seedwatch linxdot: Required arguments or environment variables: HOST, USERNAME and PASSWORD (missing: -u/--username or MINER_USERNAME, -p/--password or MINER_PASSWORD)\n",
    );
  });
});
