import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { encode, type ParsedFamily, parseExposition, Registry } from "@seedwatch/metrics";
import { assertPromtoolClean } from "@seedwatch/metrics/testing";
import { tempDir } from "@seedwatch/testbed";
import { HostCollector } from "./collector.ts";
import { HOST_METRICS } from "./metrics.ts";
import { HOST_FILES, HostSampler } from "./sampler.ts";

/** The value of one sample, found by name and label values; undefined when it is not there. */
function sampleValue(
  families: readonly ParsedFamily[],
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const family of families) {
    for (const sample of family.samples) {
      if (sample.name !== name) continue;
      const found = Object.fromEntries(sample.labels);
      if (Object.entries(labels).every(([k, v]) => found[k] === v)) return sample.value;
    }
  }
  return undefined;
}

const labelValues = (families: readonly ParsedFamily[], name: string, label: string) =>
  families
    .flatMap((family) => family.samples)
    .filter((sample) => sample.name === name)
    .map((sample) => Object.fromEntries(sample.labels)[label]);

describe("HostCollector", () => {
  it("names every family seedwatch_host_*, in base units, counters ending in _total", () => {
    for (const def of Object.values(HOST_METRICS)) {
      assert.match(def.name, /^seedwatch_host_[a-z0-9_]+$/, def.name);
      assert.equal(def.kind === "counter", def.name.endsWith("_total"), def.name);
      assert.doesNotMatch(def.name, /_(kb|kib|mb|ms|percent|jiffies|ticks)(_|$)/, def.name);
      if (/_bytes(_total)?$/.test(def.name)) assert.equal(def.unit, "bytes", def.name);
      if (/_seconds(_total)?$/.test(def.name)) assert.equal(def.unit, "seconds", def.name);
    }
  });

  it("exports this machine's latest sample, promtool-clean, with path, device and interface labels", async () => {
    const dir = await tempDir("host-metrics");
    try {
      const missing = join(dir.path, "missing");
      const sampler = new HostSampler({ paths: ["/", dir.path, missing] });
      const registry = new Registry({ collectorMetricsPrefix: "seedwatch" });
      registry.register(new HostCollector({ sampler }));
      const collection = await registry.collect();
      const text = encode(collection.families, "text");
      await assertPromtoolClean(text);
      const snap = sampler.latest;
      assert.ok(snap !== undefined, "the scrape took a sample");
      const families = parseExposition(text);
      const om = parseExposition(encode(collection.families, "openmetrics"));
      assert.equal(sampleValue(om, "seedwatch_host_memory_total_bytes"), snap.memory?.totalBytes);

      assert.equal(
        sampleValue(families, "seedwatch_scrape_collector_success", { collector: "host" }),
        1,
      );
      assert.equal(sampleValue(families, "seedwatch_host_uptime_seconds"), snap.uptime?.seconds);
      assert.equal(
        sampleValue(families, "seedwatch_host_boot_time_seconds"),
        snap.uptime?.bootTimeSeconds,
      );
      assert.equal(sampleValue(families, "seedwatch_host_cpus"), snap.cpu?.count);
      for (const mode of ["user", "system", "idle", "iowait", "steal"] as const) {
        assert.equal(
          sampleValue(families, "seedwatch_host_cpu_seconds_total", { mode }),
          snap.cpu?.seconds[mode],
          mode,
        );
      }
      assert.equal(sampleValue(families, "seedwatch_host_load15"), snap.load?.load15);
      assert.equal(
        sampleValue(families, "seedwatch_host_memory_available_bytes"),
        snap.memory?.availableBytes,
      );
      assert.equal(sampleValue(families, "seedwatch_host_swap_total_bytes"), snap.swap?.totalBytes);

      assert.deepEqual(labelValues(families, "seedwatch_host_filesystem_error", "path"), [
        "/",
        dir.path,
        missing,
      ]);
      assert.equal(sampleValue(families, "seedwatch_host_filesystem_error", { path: missing }), 1);
      assert.equal(sampleValue(families, "seedwatch_host_filesystem_error", { path: "/" }), 0);
      assert.deepEqual(labelValues(families, "seedwatch_host_filesystem_size_bytes", "path"), [
        "/",
        dir.path,
      ]);
      const root = snap.filesystems[0];
      assert.equal(
        sampleValue(families, "seedwatch_host_filesystem_available_bytes", { path: "/" }),
        root?.ok ? root.availableBytes : Number.NaN,
      );

      const devices = snap.disks?.devices ?? [];
      assert.deepEqual(
        labelValues(families, "seedwatch_host_disk_written_bytes_total", "device"),
        devices.map((d) => d.device),
      );
      for (const d of devices) {
        assert.equal(
          sampleValue(families, "seedwatch_host_disk_read_bytes_total", { device: d.device }),
          d.readBytes,
        );
      }
      const interfaces = labelValues(
        families,
        "seedwatch_host_network_receive_bytes_total",
        "interface",
      );
      assert.deepEqual(
        interfaces,
        snap.network?.interfaces.map((i) => i.interface),
      );
      assert.equal(interfaces.includes("lo"), false);
      for (const nic of snap.network?.interfaces ?? []) {
        assert.equal(
          sampleValue(families, "seedwatch_host_network_transmit_bytes_total", {
            interface: nic.interface,
          }),
          nic.transmitBytes,
        );
      }
      for (const file of HOST_FILES) {
        assert.equal(sampleValue(families, "seedwatch_host_read_success", { file }), 1, file);
      }
    } finally {
      await dir.remove();
    }
  });

  it("leaves out what could not be read, says so, and stays promtool-clean", async () => {
    const dir = await tempDir("host-broken");
    try {
      await mkdir(join(dir.path, "net"));
      await writeFile(join(dir.path, "uptime"), "2407.29 4465.63\n");
      await writeFile(join(dir.path, "meminfo"), "MemTotal: garbage\n");
      await writeFile(
        join(dir.path, "net", "dev"),
        "eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n",
      );
      const sampler = new HostSampler({ procRoot: dir.path, sysRoot: join(dir.path, "sys") });
      const registry = new Registry();
      registry.register(new HostCollector({ sampler, name: "host-fixture" }));
      const text = await registry.render();
      await assertPromtoolClean(text);
      const families = parseExposition(text);
      assert.equal(sampleValue(families, "seedwatch_host_uptime_seconds"), 2407.29);
      assert.equal(sampleValue(families, "seedwatch_host_boot_time_seconds"), undefined);
      assert.equal(sampleValue(families, "seedwatch_host_memory_total_bytes"), undefined);
      assert.equal(sampleValue(families, "seedwatch_host_cpus"), undefined);
      assert.equal(
        sampleValue(families, "seedwatch_host_network_receive_bytes_total", { interface: "eth0" }),
        1,
      );
      const success = Object.fromEntries(
        HOST_FILES.map((file) => [
          file,
          sampleValue(families, "seedwatch_host_read_success", { file }),
        ]),
      );
      assert.deepEqual(success, {
        "/proc/uptime": 1,
        "/proc/stat": 0,
        "/proc/loadavg": 0,
        "/proc/meminfo": 0,
        "/proc/diskstats": 0,
        "/proc/net/dev": 1,
        "/sys/block": 1,
      });
    } finally {
      await dir.remove();
    }
  });
  it("says a mount is stuck and leaves out its figures, while the other paths are served", async () => {
    const stats = {
      type: 0,
      bsize: 4096,
      frsize: 4096,
      blocks: 10,
      bfree: 5,
      bavail: 4,
      files: 0,
      ffree: 0,
    };
    const sampler = new HostSampler({
      paths: ["/", "/mnt/nfs"],
      statfs: (path) => (path === "/mnt/nfs" ? new Promise(() => {}) : Promise.resolve(stats)),
      statfsTimeoutMs: 50,
    });
    const registry = new Registry({ collectorMetricsPrefix: "seedwatch" });
    registry.register(new HostCollector({ sampler }));
    const text = await registry.render();
    await assertPromtoolClean(text);
    const families = parseExposition(text);
    assert.equal(
      sampleValue(families, "seedwatch_scrape_collector_success", { collector: "host" }),
      1,
    );
    assert.equal(sampleValue(families, "seedwatch_host_filesystem_stuck", { path: "/mnt/nfs" }), 1);
    assert.equal(sampleValue(families, "seedwatch_host_filesystem_error", { path: "/mnt/nfs" }), 1);
    assert.equal(sampleValue(families, "seedwatch_host_filesystem_stuck", { path: "/" }), 0);
    assert.equal(sampleValue(families, "seedwatch_host_filesystem_error", { path: "/" }), 0);
    assert.deepEqual(labelValues(families, "seedwatch_host_filesystem_size_bytes", "path"), ["/"]);
    assert.deepEqual(labelValues(families, "seedwatch_host_filesystem_files_free", "path"), ["/"]);
    assert.equal(sampleValue(families, "seedwatch_host_uptime_seconds") !== undefined, true);
  });
});
