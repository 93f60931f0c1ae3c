import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, parseConfig } from "../config/load.ts";

const QB = "type: qbittorrent, url: 'http://127.0.0.1:8080', username: u, password: p";

function problems(yaml: string): string[] {
  try {
    parseConfig(yaml, "f.yml", {});
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe("removal and web settings in seedwatch.yml", () => {
  it("keeps removal off unless a target (or global) turns it on, and merges named rules", () => {
    const config = parseConfig(
      `global:
  removal:
    rules:
      - { name: ratio-done, ratio: { min: 2 } }
      - { name: shared, tags: [x] }
targets:
  - { name: a, ${QB} }
  - { name: b, ${QB}, removal: { enabled: true, rules: [{ name: shared, categories: [tv], delete_data: true }] } }
`,
      "f.yml",
      {},
    );
    const a = config.removal.get("a");
    const b = config.removal.get("b");
    assert.equal(a?.enabled, false);
    assert.deepEqual(
      a?.rules.map((r) => r.name),
      ["ratio-done", "shared"],
    );
    assert.equal(b?.enabled, true);
    assert.deepEqual(
      b?.rules.map((r) => [r.name, r.deleteData]),
      [
        ["ratio-done", false],
        ["shared", true],
      ],
    );
    assert.deepEqual(
      b?.rules[1]?.categories,
      new Set(["tv"]),
      "the target's rule replaces the global one",
    );
  });

  it("resolves the web section over the defaults", () => {
    const none = parseConfig(`targets:\n  - { name: a, ${QB} }\n`, "f.yml", {});
    assert.deepEqual(
      [...none.web.authRequired],
      ["metrics", "dashboard", "api", "actions", "admin"],
    );
    assert.deepEqual([...none.web.loopbackOnly], ["dashboard", "api", "actions", "admin"]);
    const set = parseConfig(
      `web:
  auth_required: [dashboard, api, actions, admin]
  loopback_only: []
  allowed_hosts: [Seed.Example.org]
  allowed_origins: ["https://seed.example.org"]
targets:
  - { name: a, ${QB} }
`,
      "f.yml",
      {},
    );
    assert.equal(set.web.authRequired.has("metrics"), false);
    assert.equal(set.web.loopbackOnly.size, 0);
    assert.deepEqual(set.web.allowedHosts, ["seed.example.org"]);
    assert.deepEqual(set.web.allowedOrigins, ["https://seed.example.org"]);
  });

  it("names the file, line, field path and what was expected", () => {
    const table: Array<[string, string[]]> = [
      [
        `targets:\n  - { name: a, ${QB}, removal: { enabled: yes please } }\n`,
        ["f.yml:2:111: targets[0].removal.enabled: expected true or false, got a string"],
      ],
      [
        `targets:\n  - { name: a, ${QB}, removal: { rules: [{ ratio: { min: 1 } }] } }\n`,
        [
          "f.yml:2:110: targets[0].removal.rules[0].name: a configured rule needs a name (requests and the audit log refer to it)",
        ],
      ],
      [
        `targets:\n  - { name: a, ${QB}, removal: { rules: [{ name: x, tags: [a] }, { name: x, tags: [b] }] } }\n`,
        [
          "f.yml:2:142: targets[0].removal.rules[1].name: duplicate rule name (the same as rules[0].name)",
        ],
      ],
      [
        `global: { removal: { rules: [{ name: x, seeding_time: { min: forever } }] } }\ntargets:\n  - { name: a, ${QB} }\n`,
        [
          'f.yml:1:62: global.removal.rules[0].seeding_time.min: expected a duration such as "36h", "7d", "90m", or a number of seconds',
        ],
      ],
      [
        "targets:\n  - { name: m, type: linxdot, url: 'http://10.0.0.9', username: a, password: b, removal: { enabled: true } }\n",
        ["f.yml:2:90: targets[0].removal: removal is only for torrent clients"],
      ],
      [
        `web: { auth_required: [dashboard], loopback_only: [everything] }\ntargets:\n  - { name: a, ${QB} }\n`,
        [
          "f.yml:1:52: web.loopback_only[0]: expected one of health, metrics, dashboard, api, actions, admin",
        ],
      ],
      [
        `web: { auth_required: [dashboard, admin] }\ntargets:\n  - { name: a, ${QB} }\n`,
        [
          "f.yml:1:23: web.auth_required: actions always needs a user when web-config.yml has basic_auth_users; keep it in the list",
        ],
      ],
      [
        `web: { allowed_origins: ["https://a.example/path"], allowed_hosts: ["a.example:80"] }\ntargets:\n  - { name: a, ${QB} }\n`,
        [
          "f.yml:1:69: web.allowed_hosts[0]: expected a host name or IP address without scheme or port",
          "f.yml:1:26: web.allowed_origins[0]: expected an origin such as https://seed.example.org (scheme, host, optional port)",
        ],
      ],
      [
        `web: { open: true }\ntargets:\n  - { name: a, ${QB} }\n`,
        ["f.yml:1:8: web.open: unknown key"],
      ],
    ];
    for (const [yaml, expected] of table)
      assert.deepEqual(problems(yaml).sort(), expected.sort(), yaml);
  });
});
