import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { builtInConfig } from "../config/load.ts";
import { createLogger } from "../log.ts";
import { Secret } from "../settings/secret.ts";
import type { Discovered } from "./discovered-targets.ts";
import { DiscoveryService } from "./discovery-service.ts";
import type { Finding } from "./find-clients.ts";

const PASSWORD = "Zq7xE2e-found-in-auth";

const deluge = (password: string): Finding => ({
  key: "deluge:/h/.config/deluge",
  type: "deluge",
  name: "deluge",
  url: "deluge://127.0.0.1:58846",
  file: "/h/.config/deluge/core.conf",
  login: {
    kind: "found",
    username: "localclient",
    password: new Secret(password),
    file: "/h/.config/deluge/auth",
  },
  tls: undefined,
});

const LOCKED: Finding = {
  key: "qbittorrent:port:127.0.0.1:8080",
  type: "qbittorrent",
  name: "qbittorrent",
  url: "http://127.0.0.1:8080",
  file: undefined,
  login: { kind: "missing", username: "admin", reason: "not-found", file: undefined },
  tls: undefined,
};

/** A service over scripted rounds, recording what it applied and logged. */
function service(rounds: Finding[][]) {
  const lines: string[] = [];
  const applied: Discovered[] = [];
  let round = 0;
  const config = builtInConfig("/state/seedwatch.db");
  const discovery = new DiscoveryService({
    find: async () => rounds[Math.min(round++, rounds.length - 1)] ?? [],
    context: () => ({
      configured: [],
      clientDefaults: config.clientDefaults,
      configFile: undefined,
      storagePath: config.storagePath,
    }),
    apply: async (discovered) => {
      applied.push(discovered);
    },
    intervalMs: 3_600_000,
    log: createLogger({ level: "debug", format: "logfmt", write: (l) => lines.push(l) }),
  });
  return { discovery, lines, applied };
}

describe("DiscoveryService", () => {
  it("applies a round only when what it watches changed, and logs each client once", async () => {
    const { discovery, lines, applied } = service([
      [deluge(PASSWORD), LOCKED],
      [deluge(PASSWORD), LOCKED],
      [deluge("changed-in-auth")],
    ]);
    try {
      await discovery.start();
      await discovery.round();
      assert.equal(applied.length, 1, "the second round found the same: nothing to apply");
      await discovery.round();
      assert.equal(applied.length, 2, "a changed password replaces the target");
      assert.equal(applied[1]?.targets[0]?.config.password?.reveal(), "changed-in-auth");
      assert.equal(discovery.discovered.needsCredentials.length, 1, "found once: kept");
    } finally {
      await discovery.stop();
    }
    assert.deepEqual(discovery.discovered.targets, []);

    assert.equal(lines.filter((l) => l.includes("msg=watching")).length, 1, lines.join("\n"));
    assert.match(
      lines.find((l) => l.includes("msg=watching")) ?? "",
      /target=deluge type=deluge url=deluge:\/\/127\.0\.0\.1:58846 found_in=\/h\/\.config\/deluge\/core\.conf/,
    );
    const needs = lines.filter((l) => l.includes("needs a password"));
    assert.equal(needs.length, 1);
    assert.match(needs[0] as string, /level=warn .*found_in="its default port" reason=not-found/);
  });

  it("never logs a password it found", async () => {
    const { discovery, lines } = service([[deluge(PASSWORD)]]);
    await discovery.start();
    await discovery.stop();
    assert.ok(lines.length > 0);
    for (const line of lines) assert.ok(!line.includes(PASSWORD), line);
  });

  it("keeps what it found when a round fails", async () => {
    let calls = 0;
    const lines: string[] = [];
    const config = builtInConfig("/state/seedwatch.db");
    const discovery = new DiscoveryService({
      find: async () => {
        if (calls++ > 0) throw new Error("EMFILE");
        return [deluge(PASSWORD)];
      },
      context: () => ({
        configured: [],
        clientDefaults: config.clientDefaults,
        configFile: undefined,
        storagePath: config.storagePath,
      }),
      apply: async () => {},
      intervalMs: 3_600_000,
      log: createLogger({ level: "info", format: "logfmt", write: (l) => lines.push(l) }),
    });
    await discovery.start();
    await discovery.round();
    assert.equal(discovery.discovered.targets.length, 1);
    assert.match(lines.at(-1) ?? "", /discovery failed, keeping what it found before/);
    await discovery.stop();
  });
});
