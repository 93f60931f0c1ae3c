// Tests of a Linxdot target and its collector against the Linxdot device SIMULATOR: exact exposition, refresh interval, failures.

import assert from "node:assert/strict";
import { after, afterEach, describe, it } from "node:test";
import { encode, Registry } from "@seedwatch/metrics";
import { assertPromtoolClean } from "@seedwatch/metrics/testing";
import {
  LINXDOT_SAMPLE_SYSTEM,
  type LinxdotSimulator,
  type LinxdotSimulatorOptions,
  startLinxdotSimulator,
} from "@seedwatch/testbed/linxdot-simulator";
import type { DeviceTarget } from "../../collect/device-target.ts";
import { parseConfig } from "../../config/load.ts";
import { silentLogger } from "../../log.ts";
import { buildTarget } from "../../target-kinds.ts";
import type { LinxdotSystemInfo } from "./system-info.ts";

type LinxdotTarget = DeviceTarget<LinxdotSystemInfo>;

/** A clock the test moves by hand, so "once per interval" is checked without waiting. */
class Clock {
  t = 1_700_000_000_000;
  readonly now = () => this.t;
}

const cleanups: Array<() => Promise<unknown>> = [];
const cleanUp = async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
};
afterEach(cleanUp);

async function setup(options: { device?: LinxdotSimulatorOptions; target?: string } = {}): Promise<{
  sim: LinxdotSimulator;
  target: LinxdotTarget;
  clock: Clock;
  render(): Promise<string>;
}> {
  const sim = await startLinxdotSimulator(options.device);
  cleanups.push(() => sim.close());
  const config = parseConfig(
    `targets:\n  - { name: miner, type: linxdot, url: "${sim.url}", username: admin, password: sim-password${options.target ?? ""} }\n`,
    "seedwatch.yml",
    {},
  );
  const clock = new Clock();
  const entry = buildTarget(config.targets[0] as never, {
    log: silentLogger,
    counters: undefined,
    now: clock.now,
  });
  const target = entry.target as LinxdotTarget;
  cleanups.push(() => target.stop());
  const render = async () => {
    const registry = new Registry();
    registry.register(entry.collector);
    return encode((await registry.collect()).families, "text");
  };
  return { sim, target, clock, render };
}

const refresh = (target: LinxdotTarget, clock: Clock) =>
  target.refreshIfOlderThan(target.config.minRefreshInterval, clock.t + 10_000);

const SELF_DOWN_OR_UP = (
  up: 0 | 1,
  polls: number,
  errors: Record<string, number>,
  last: number,
) => [
  "# HELP seedwatch_target_up Whether the target's last poll succeeded.",
  "# TYPE seedwatch_target_up gauge",
  `seedwatch_target_up{name="miner",type="linxdot"} ${up}`,
  "# HELP seedwatch_target_poll_duration_seconds How long the target's last poll took.",
  "# TYPE seedwatch_target_poll_duration_seconds gauge",
  'seedwatch_target_poll_duration_seconds{name="miner",type="linxdot"} 0',
  "# HELP seedwatch_target_polls_total Polls of the target.",
  "# TYPE seedwatch_target_polls_total counter",
  `seedwatch_target_polls_total{name="miner",type="linxdot"} ${polls}`,
  "# HELP seedwatch_target_poll_errors_total Failed polls of the target by reason (auth, banned, timeout, connection, http, protocol, other).",
  "# TYPE seedwatch_target_poll_errors_total counter",
  ...["auth", "banned", "timeout", "connection", "http", "protocol", "other"].map(
    (reason) =>
      `seedwatch_target_poll_errors_total{name="miner",type="linxdot",reason="${reason}"} ${errors[reason] ?? 0}`,
  ),
  "# HELP seedwatch_target_last_success_timestamp_seconds When the target last answered a poll (0 if never).",
  "# TYPE seedwatch_target_last_success_timestamp_seconds gauge",
  `seedwatch_target_last_success_timestamp_seconds{name="miner",type="linxdot"} ${last}`,
  "# HELP seedwatch_target_received_bytes_total Bytes received from the target's API (on the wire, compressed).",
  "# TYPE seedwatch_target_received_bytes_total counter",
];

const MINER_UP_HEADER = [
  "# HELP miner_up Whether the miner answered the last poll (1) or not (0); when 0 no other miner_* series is exported.",
  "# TYPE miner_up gauge",
];

describe("a Linxdot target and its collector against the Linxdot device SIMULATOR", {
  timeout: 60_000,
}, () => {
  after(cleanUp);

  it("exports linxdot_exporter's families with a name label, exactly, and promtool accepts them", async () => {
    const { sim, target, clock, render } = await setup();
    sim.system = {
      animal_name: "brisk-orange-owl",
      region: "AU915",
      firmware: "Linxdot 1.2.26 r17752-8c4a79dd5",
      model_name: "LD-1001",
      sn: "LD1NTV0000001",
      cpu_temp: "35.5555",
      cpu_usage: "7.0625",
      memory_usage: 17.50449,
      storage_usage: "39.8225",
    };
    await refresh(target, clock);
    const text = await render();
    const received = target.bytesReceived;
    assert.ok(received > 0);
    assert.equal(
      text,
      [
        ...MINER_UP_HEADER,
        'miner_up{name="miner"} 1',
        ...SELF_DOWN_OR_UP(1, 1, {}, 1_700_000_000),
        `seedwatch_target_received_bytes_total{name="miner",type="linxdot"} ${received}`,
        "# HELP miner_exporter_info Miner Information",
        "# TYPE miner_exporter_info gauge",
        'miner_exporter_info{name="miner",animal_name="brisk-orange-owl",firmware="Linxdot 1.2.26 r17752-8c4a79dd5",model_name="LD-1001",region="AU915",sn="LD1NTV0000001"} 1',
        "# HELP miner_cpu_temp CPU temperature",
        "# TYPE miner_cpu_temp gauge",
        // linxdot_exporter does not round the temperature; the usages it rounds as Python does.
        'miner_cpu_temp{name="miner"} 35.5555',
        "# HELP miner_cpu_usage CPU utilization",
        "# TYPE miner_cpu_usage gauge",
        'miner_cpu_usage{name="miner"} 7.062',
        "# HELP miner_mem_usage Memory utilization",
        "# TYPE miner_mem_usage gauge",
        'miner_mem_usage{name="miner"} 17.504',
        "# HELP miner_sto_usage Storage utilization",
        "# TYPE miner_sto_usage gauge",
        'miner_sto_usage{name="miner"} 39.822',
        "",
      ].join("\n"),
    );
    await assertPromtoolClean(text);
    assert.deepEqual(target.summary(), {
      model: "LD-1001",
      version: "Linxdot 1.2.26 r17752-8c4a79dd5",
    });
  });

  it("asks the device at most once per poll interval however often it is refreshed", async () => {
    const { sim, target, clock } = await setup({ target: ", poll_interval: 30s" });
    assert.equal(target.config.minRefreshInterval, 30_000);
    await refresh(target, clock);
    for (const step of [0, 1000, 28_999]) {
      clock.t += step;
      await refresh(target, clock);
    }
    assert.equal(sim.counts.systemRequests, 1);
    clock.t += 1000;
    await refresh(target, clock);
    assert.equal(sim.counts.systemRequests, 2);
    assert.equal(sim.counts.logins, 1);
    assert.equal(target.polls, 2);
  });

  it("shows nothing stale when the device stops answering properly, and comes back", async () => {
    const { sim, target, clock, render } = await setup();
    await refresh(target, clock);
    assert.match(await render(), /^miner_cpu_temp\{name="miner"\} 35\.555$/m);
    sim.system = "{not json";
    clock.t += 60_000;
    await refresh(target, clock);
    const down = await render();
    assert.equal(
      down,
      [
        ...MINER_UP_HEADER,
        'miner_up{name="miner"} 0',
        ...SELF_DOWN_OR_UP(0, 2, { protocol: 1 }, 1_700_000_000),
        `seedwatch_target_received_bytes_total{name="miner",type="linxdot"} ${target.bytesReceived}`,
        "",
      ].join("\n"),
    );
    await assertPromtoolClean(down);
    assert.match(target.health.lastError ?? "", /info\/system: the answer is not JSON/);
    sim.system = { ...LINXDOT_SAMPLE_SYSTEM, cpu_temp: 40 };
    clock.t = target.health.notBefore;
    await refresh(target, clock);
    assert.match(await render(), /^miner_up\{name="miner"\} 1$/m);
    assert.match(await render(), /^miner_cpu_temp\{name="miner"\} 40$/m);
  });

  it("marks a device with wrong credentials down with reason auth, and never shows the password", async () => {
    const { target, clock, render } = await setup({ device: { password: "another-password" } });
    await refresh(target, clock);
    const text = await render();
    assert.match(text, /^miner_up\{name="miner"\} 0$/m);
    assert.match(
      text,
      /^seedwatch_target_poll_errors_total\{name="miner",type="linxdot",reason="auth"\} 1$/m,
    );
    assert.doesNotMatch(text, /miner_cpu|miner_exporter_info/);
    assert.match(target.health.lastError ?? "", /refused the username or password \(HTTP 401\)/);
    assert.ok(!(target.health.lastError ?? "").includes("sim-password"));
  });

  it("marks a slow device down with reason timeout once the target's timeout passes", async () => {
    const { sim, target, clock, render } = await setup({ target: ", timeout: 300ms" });
    sim.delayMs = 5000;
    await refresh(target, clock);
    assert.equal(target.health.up, false);
    assert.match(target.health.lastError ?? "", /login_odd: no answer in time/);
    assert.match(
      await render(),
      /^seedwatch_target_poll_errors_total\{name="miner",type="linxdot",reason="timeout"\} 1$/m,
    );
  });

  it("logs in again after the device forgot the session, without going down", async () => {
    const { sim, target, clock } = await setup();
    await refresh(target, clock);
    sim.expireSessions();
    clock.t += 60_000;
    await refresh(target, clock);
    assert.equal(target.health.up, true);
    assert.equal(sim.counts.logins, 2);
    assert.equal(sim.counts.unauthorized, 1);
  });
});
