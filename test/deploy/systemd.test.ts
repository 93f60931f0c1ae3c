// deploy/systemd/seedwatch.service through systemd's own checks: `systemd-analyze verify` and `security --offline`.

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { tempDir } from "@seedwatch/testbed";
import { parseConfig } from "../../packages/exporter/src/config/load.ts";

const UNIT = fileURLToPath(new URL("../../deploy/systemd/seedwatch.service", import.meta.url));
const TEXT = readFileSync(UNIT, "utf8");
const INSTALLED_BIN = "/usr/local/bin/seedwatch";

function analyze(args: readonly string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    execFile("systemd-analyze", [...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      const failure = error as (NodeJS.ErrnoException & { code?: number | string }) | null;
      if (failure?.code === "ENOENT") {
        reject(new Error("systemd-analyze not found: install Debian's systemd package"));
        return;
      }
      resolve({
        code: failure === null ? 0 : Number(failure.code ?? 1),
        out: `${stdout}${stderr}`,
      });
    });
  });
}

/** The unit's settings as `key -> values` (a key may repeat, like SystemCallFilter). */
function settings(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of text.split("\n")) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (m === null) continue;
    out.set(m[1] as string, [...(out.get(m[1] as string) ?? []), m[2] as string]);
  }
  return out;
}

describe("deploy/systemd/seedwatch.service", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  /** The unit with ExecStart pointed at an executable stand-in (seedwatch is not installed here). */
  let unit = "";
  const write = (name: string, text: string) => {
    const path = join(dir.path, name);
    writeFileSync(path, text);
    return path;
  };

  before(async () => {
    dir = await tempDir("systemd");
    const bin = write("seedwatch", "#!/bin/sh\nexit 0\n");
    chmodSync(bin, 0o755);
    assert.ok(TEXT.includes(`ExecStart=${INSTALLED_BIN} `));
    unit = write(
      "seedwatch.service",
      TEXT.replace(`ExecStart=${INSTALLED_BIN} `, `ExecStart=${bin} `),
    );
  });
  after(async () => {
    await dir?.remove();
  });

  it("passes systemd-analyze verify without a warning", async () => {
    const { code, out } = await analyze(["verify", unit]);
    assert.equal(code, 0, out);
    assert.equal(out, "");
  });

  it("is reported by verify when a setting is misspelt (the check above has teeth)", async () => {
    const broken = write(
      "broken.service",
      readFileSync(unit, "utf8").replace("ProtectSystem=", "ProtectSytem="),
    );
    const { out } = await analyze(["verify", broken]);
    assert.match(out, /Unknown key 'ProtectSytem'/);
  });

  it("has an overall exposure of at most 2.0 by systemd-analyze security (--threshold counts tenths)", async () => {
    const { code, out } = await analyze(["security", "--offline=yes", "--threshold=20", unit]);
    assert.equal(code, 0, out);
    const level = Number(/Overall exposure level for seedwatch\.service: ([\d.]+)/.exec(out)?.[1]);
    assert.ok(level <= 2, out.slice(-300));
  });

  it("sandboxes the daemon and keeps its state database in its StateDirectory", () => {
    const s = settings(TEXT);
    for (const [key, value] of [
      ["ProtectSystem", "strict"],
      ["ProtectHome", "yes"],
      ["NoNewPrivileges", "yes"],
      ["PrivateTmp", "yes"],
      ["PrivateDevices", "yes"],
      ["DynamicUser", "yes"],
      ["StateDirectory", "seedwatch"],
      ["ConfigurationDirectory", "seedwatch"],
      ["CapabilityBoundingSet", ""],
      ["RestrictAddressFamilies", "AF_UNIX AF_INET AF_INET6"],
    ] as const)
      assert.deepEqual(s.get(key), [value], key);
    // V8's JIT needs writable executable memory: this setting would kill the daemon at start.
    assert.equal(s.get("MemoryDenyWriteExecute"), undefined);
    const exec = s.get("ExecStart")?.[0] ?? "";
    assert.match(exec, /--config\.file=\/etc\/seedwatch\/seedwatch\.yml/);
    // systemd passes StateDirectory= as $STATE_DIRECTORY: the database goes there by default.
    const config = parseConfig(
      "targets:\n  - { name: t, type: transmission, url: 'http://127.0.0.1:9091' }\n",
      "/etc/seedwatch/seedwatch.yml",
      { STATE_DIRECTORY: "/var/lib/seedwatch" },
    );
    assert.equal(config.storagePath, "/var/lib/seedwatch/seedwatch.db");
    assert.deepEqual(s.get("ExecReload"), ["/bin/kill -HUP $MAINPID"]);
  });
});
