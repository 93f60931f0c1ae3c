import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { builtInConfig, parseConfig } from "../config/load.ts";
import { Secret } from "../settings/secret.ts";
import { DiscoveredTargets, type DiscoveryContext } from "./discovered-targets.ts";
import type { Finding } from "./find-clients.ts";

const DEFAULTS = builtInConfig("/state/seedwatch.db").clientDefaults;

const context = (configured: DiscoveryContext["configured"] = []): DiscoveryContext => ({
  configured,
  clientDefaults: DEFAULTS,
  configFile: undefined,
  storagePath: "/state/seedwatch.db",
});

const QB: Finding = {
  key: "qbittorrent:/h/.config/qBittorrent/qBittorrent.conf",
  type: "qbittorrent",
  name: "qbittorrent",
  url: "http://127.0.0.1:8080",
  file: "/h/.config/qBittorrent/qBittorrent.conf",
  login: { kind: "none" },
  tls: undefined,
};
const DELUGE: Finding = {
  key: "deluge:/h/.config/deluge",
  type: "deluge",
  name: "deluge",
  url: "deluge://127.0.0.1:58846",
  file: "/h/.config/deluge/core.conf",
  login: {
    kind: "found",
    username: "localclient",
    password: new Secret("d3lug3-pass"),
    file: "/h/.config/deluge/auth",
  },
  tls: { caFile: "/h/.config/deluge/ssl/daemon.cert" },
};
const LOCKED: Finding = {
  key: "qbittorrent:/h/.config/qBittorrent_locked/qBittorrent.conf",
  type: "qbittorrent",
  name: "qbittorrent-locked",
  url: "http://127.0.0.1:8081",
  file: "/h/.config/qBittorrent_locked/qBittorrent.conf",
  login: { kind: "missing", username: "admin", reason: "hashed", file: undefined },
  tls: undefined,
};

describe("DiscoveredTargets", () => {
  it("makes a target of each client it may log in to, with the global options", () => {
    const { targets, needsCredentials } = new DiscoveredTargets().update([QB, DELUGE], context());
    assert.deepEqual(needsCredentials, []);
    const [qb, deluge] = targets.map((t) => t.config);
    assert.equal(qb?.name, "qbittorrent");
    assert.equal(qb?.username, undefined);
    assert.equal(qb?.pollInterval, DEFAULTS.pollInterval);
    assert.equal(deluge?.username, "localclient");
    assert.equal(deluge?.password?.reveal(), "d3lug3-pass");
    assert.deepEqual(deluge?.tls, {
      insecureSkipVerify: false,
      caFile: "/h/.config/deluge/ssl/daemon.cert",
    });
  });

  it("keeps a client it found once when it stops answering, under the same name", () => {
    const discovered = new DiscoveredTargets();
    discovered.update([QB, DELUGE], context());
    const later = discovered.update([DELUGE], context());
    assert.deepEqual(
      later.targets.map((t) => [t.config.name, t.config.url]),
      [
        ["qbittorrent", "http://127.0.0.1:8080"],
        ["deluge", "deluge://127.0.0.1:58846"],
      ],
    );
    // Its file moved it to another port: the same target (name), the new address.
    const moved = discovered.update([{ ...QB, url: "http://127.0.0.1:9999" }], context());
    assert.deepEqual(moved.targets[0]?.config.url, "http://127.0.0.1:9999");
    assert.equal(moved.targets[0]?.config.name, "qbittorrent");
  });

  it("leaves to the config file a client it lists, and a name it uses", () => {
    const configured = [
      { name: "box", url: "http://localhost:8080/" },
      { name: "deluge", url: "deluge://192.0.2.1:58846" },
    ];
    const { targets } = new DiscoveredTargets().update([QB, DELUGE], context(configured));
    assert.deepEqual(
      targets.map((t) => t.config.name),
      ["deluge-58846"],
      "the qBittorrent the file lists as box is not watched twice; deluge's name is the file's",
    );
  });

  it("runs one client found twice (by its file and on its port) once", () => {
    const byPort: Finding = { ...QB, key: "qbittorrent:port:127.0.0.1:8080", file: undefined };
    const { targets } = new DiscoveredTargets().update([QB, byPort], context());
    assert.deepEqual(
      targets.map((t) => t.finding.key),
      [QB.key],
    );
  });

  it("shows a client it may not log in to, with lines that make a whole seedwatch.yml", () => {
    const { targets, needsCredentials } = new DiscoveredTargets().update([QB, LOCKED], context());
    assert.deepEqual(
      targets.map((t) => t.config.name),
      ["qbittorrent"],
    );
    const [needs] = needsCredentials;
    assert.ok(needs);
    assert.deepEqual(
      { ...needs, configLines: undefined },
      {
        name: "qbittorrent-locked",
        type: "qbittorrent",
        url: "http://127.0.0.1:8081",
        foundIn: "/h/.config/qBittorrent_locked/qBittorrent.conf",
        username: "admin",
        reason: "hashed",
        passwordFile: null,
        configLines: undefined,
        passwordVariable: "QBITTORRENT_LOCKED_PASSWORD",
        configFile: null,
      },
    );
    // Written as they are, with the variable set, the lines are a valid config that keeps
    // discovery on and the state database where it is.
    const config = parseConfig(needs.configLines, "/x/seedwatch.yml", {
      QBITTORRENT_LOCKED_PASSWORD: "pw",
    });
    assert.equal(config.discovery, true);
    assert.equal(config.storagePath, "/state/seedwatch.db");
    assert.equal(config.targets[0]?.password?.reveal(), "pw");
  });

  it("with a config file, gives only the entry to add under its targets", () => {
    const { needsCredentials } = new DiscoveredTargets().update([LOCKED], {
      ...context(),
      configFile: "/etc/seedwatch/seedwatch.yml",
    });
    assert.equal(needsCredentials[0]?.configFile, "/etc/seedwatch/seedwatch.yml");
    assert.deepEqual(parse(needsCredentials[0]?.configLines ?? ""), [
      {
        name: "qbittorrent-locked",
        type: "qbittorrent",
        url: "http://127.0.0.1:8081",
        username: "admin",
        // biome-ignore lint/suspicious/noTemplateCurlyInString: seedwatch's ${VAR} syntax
        password: "${QBITTORRENT_LOCKED_PASSWORD}",
      },
    ]);
  });
});
