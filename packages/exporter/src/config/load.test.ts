import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { inspect } from "node:util";
import { stringify } from "yaml";
import {
  ConfigError,
  loadConfig,
  MAX_CONFIG_BYTES,
  MAX_LISTED_PROBLEMS,
  parseConfig,
} from "./load.ts";

const GOOD = `
global:
  poll_interval: 15s
  tracker:
    rename: { "Tracker.Example.org": Example }
targets:
  - name: box1
    type: qbittorrent
    url: http://127.0.0.1:8080
    username: admin
    password: adminadmin
  - name: box2
    type: qbittorrent
    url: https://seedbox.example:8443
    api_key: \${QB_KEY}
    timeout: 30s
    per_torrent: { max_torrents: 100 }
    tls: { insecure_skip_verify: true }
`;

describe("config", () => {
  let dir = "";
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "seedwatch-config-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("merges defaults, global options and target options", () => {
    const config = parseConfig(GOOD, "/etc/seedwatch/seedwatch.yml", { QB_KEY: "qbt_abc" });
    const [box1, box2] = config.targets;
    assert.equal(box1?.pollInterval, 15_000);
    assert.equal(box1?.timeout, 10_000);
    assert.deepEqual(box1?.perTorrent, { enabled: true, maxTorrents: 5000 });
    assert.deepEqual(box1?.tracker.rename, { "tracker.example.org": "Example" });
    assert.equal(box2?.timeout, 30_000);
    assert.equal(box2?.perTorrent.maxTorrents, 100);
    assert.equal(box2?.apiKey?.reveal(), "qbt_abc");
    assert.equal(box2?.tls.insecureSkipVerify, true);
    assert.equal(config.storagePath, "/etc/seedwatch/seedwatch.db");
  });

  it("asks devices at most once per poll interval (60 s unless set), clients per min_refresh_interval", () => {
    const config = parseConfig(
      "global: { poll_interval: 5s, min_refresh_interval: 1s }\ntargets:\n" +
        "  - { name: miner, type: linxdot, url: 'http://10.0.0.9', username: admin, password: pw, plain_credentials: true }\n" +
        "  - { name: qb, type: qbittorrent, url: 'http://h:1', username: u, password: p }\n",
      "f.yml",
      {},
    );
    const [miner, qb] = config.targets;
    assert.equal(miner?.pollInterval, 60_000);
    assert.equal(miner?.minRefreshInterval, 60_000);
    assert.equal(miner?.plainCredentials, true);
    assert.equal(qb?.pollInterval, 5000);
    assert.equal(qb?.minRefreshInterval, 1000);
    assert.throws(
      () =>
        parseConfig(
          "targets:\n  - { name: qb, type: qbittorrent, url: 'http://h:1', username: u, password: p, plain_credentials: true }\n",
          "f.yml",
          {},
        ),
      /plain_credentials is only for linxdot/,
    );
  });

  it("never shows a secret: not in the redacted view, not in logs, not in JSON", () => {
    const config = parseConfig(GOOD, "seedwatch.yml", { QB_KEY: "qbt_abc" });
    const shown = [
      stringify(config.redacted),
      JSON.stringify(config),
      inspect(config, { depth: 10 }),
      `${config.targets[0]?.password}`,
    ];
    for (const text of shown) {
      assert.doesNotMatch(text, /adminadmin|qbt_abc/);
    }
    assert.match(stringify(config.redacted), /password: <secret>/);
    assert.match(stringify(config.redacted), /api_key: <secret>/);
  });

  it("reads password_file relative to the config file", async () => {
    await writeFile(join(dir, "qb.pass"), "from-a-file\n");
    const file = join(dir, "seedwatch.yml");
    await writeFile(
      file,
      "targets:\n  - { name: a, type: qbittorrent, url: 'http://h:1', username: u, password_file: qb.pass }\n",
    );
    assert.equal(loadConfig(file).targets[0]?.password?.reveal(), "from-a-file");
  });

  it("reports each problem with file, line, field path and what was expected", () => {
    const cases: Array<[string, string[]]> = [
      ["targets: []", ["f.yml:1:10: targets: expected at least one target (or discovery: true)"]],
      [
        "discovery: false\ntargets: []",
        ["f.yml:2:10: targets: expected at least one target (or discovery: true)"],
      ],
      [
        "host: { enabled: true }",
        ["f.yml:1:1: targets: expected at least one target (or discovery: true)"],
      ],
      [
        "targets:\n  - { name: a, type: qbittorrent, url: http://h:1, username: u, password: p, colour: red }",
        ["f.yml:2:78: targets[0].colour: unknown key"],
      ],
      [
        "targets:\n  - { name: a, type: vuze, url: http://h:1 }",
        [
          "f.yml:2:22: targets[0].type: expected one of qbittorrent, transmission, deluge, rtorrent, linxdot",
        ],
      ],
      [
        "targets:\n  - { name: a, type: deluge, url: 'http://u:pw@h:1', username: u, password: p }",
        ["f.yml:2:35: targets[0].url: put credentials in username/password, not in the URL"],
      ],
      [
        "targets:\n  - { name: a, type: rtorrent, url: 'ftp://h' }",
        [
          "f.yml:2:37: targets[0].url: a rtorrent URL starts with scgi:// or http:// or https://, e.g. scgi://127.0.0.1:5000",
        ],
      ],
      [
        "targets:\n  - { name: a, type: qbittorrent, url: 'http://h:1', username: u }",
        [
          "f.yml:2:5: targets[0]: qBittorrent needs username and password (or password_file), or api_key, or none of them where it asks this address for no login",
        ],
      ],
      [
        "global: { timeout: soon }\ntargets:\n  - { name: a, type: transmission, url: 'http://h:1' }",
        [
          'f.yml:1:20: global.timeout: expected a duration such as "10s", "1m30s", "500ms", or a number of seconds',
        ],
      ],
      [
        "targets:\n  - { name: a, type: transmission, url: 'http://h:1' }\n  - { name: a, type: transmission, url: 'http://h:2' }",
        ["f.yml:3:13: targets[1].name: duplicate target name (the same as targets[0].name)"],
      ],
      [
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's own ${VAR} syntax under test
        "targets:\n  - { name: a, type: transmission, url: 'http://h:1', password: '${NOPE}' }",
        ["f.yml:2:65: targets[0].password: environment variable NOPE is not set"],
      ],
      [
        "targets:\n  - { name: 'has space', type: transmission, url: 'http://h:1' }",
        [
          "f.yml:2:13: targets[0].name: expected 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit",
        ],
      ],
      [
        "targets: [\n",
        ["f.yml:2:1: YAML syntax: a [ that is not closed, or lines of it not indented enough"],
      ],
    ];
    for (const [text, expected] of cases) {
      assert.throws(
        () => parseConfig(text, "f.yml", {}),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError, String(error));
          assert.deepEqual(error.problems, expected, text);
          return true;
        },
      );
    }
  });

  it("accepts discovery: true without targets, and a qBittorrent that asks for no login", () => {
    const config = parseConfig(
      "discovery: true\nglobal: { poll_interval: 5s, tracker: { rename: { T.Example: Ex } } }\n",
      "/etc/seedwatch/f.yml",
      {},
    );
    assert.equal(config.discovery, true);
    assert.deepEqual(config.targets, []);
    // What a client discovery finds gets: the global settings over the defaults.
    assert.equal(config.clientDefaults.pollInterval, 5000);
    assert.deepEqual(config.clientDefaults.tracker.rename, { "t.example": "Ex" });
    assert.equal(
      parseConfig("targets:\n  - { name: a, type: transmission, url: 'http://h:1' }", "f.yml", {})
        .discovery,
      false,
    );
    const open = parseConfig(
      "targets:\n  - { name: a, type: qbittorrent, url: 'http://127.0.0.1:8080' }",
      "f.yml",
      {},
    );
    assert.equal(open.targets[0]?.username, undefined);
  });

  it("keeps the state database in systemd's StateDirectory= unless storage.path says", () => {
    const yaml = "targets:\n  - { name: a, type: transmission, url: 'http://h:1' }\n";
    const env = { STATE_DIRECTORY: "/var/lib/seedwatch" };
    assert.equal(
      parseConfig(yaml, "/etc/seedwatch/seedwatch.yml", env).storagePath,
      "/var/lib/seedwatch/seedwatch.db",
    );
    assert.equal(
      parseConfig(yaml, "/etc/seedwatch/seedwatch.yml", {}).storagePath,
      "/etc/seedwatch/seedwatch.db",
    );
    assert.equal(
      parseConfig(`${yaml}storage: { path: db/x.db }\n`, "/etc/seedwatch/seedwatch.yml", env)
        .storagePath,
      "/etc/seedwatch/db/x.db",
    );
  });

  it("reads a deluge target's password_file as Deluge's own auth file: the username's line", async () => {
    await writeFile(join(dir, "auth"), "localclient:from-deluge:10\nother:x:5\n");
    const file = join(dir, "deluge.yml");
    const target = (username: string) =>
      `targets:\n  - { name: d, type: deluge, url: 'deluge://127.0.0.1:58846', username: ${username}, password_file: auth }\n`;
    await writeFile(file, target("localclient"));
    const config = loadConfig(file);
    assert.equal(config.targets[0]?.password?.reveal(), "from-deluge");
    assert.doesNotMatch(stringify(config.redacted), /from-deluge/);
    await writeFile(file, target("nobody"));
    assert.throws(
      () => loadConfig(file),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.problems.length === 1 &&
        /targets\[0\]\.password_file: a Deluge auth file .* no line for this username/.test(
          error.problems[0] as string,
        ) &&
        !(error.problems[0] as string).includes("from-deluge"),
    );
  });

  it("accepts the example config shipped at the repository root", () => {
    const example = new URL("../../../../seedwatch.example.yml", import.meta.url).pathname;
    const config = loadConfig(example, { QBITTORRENT_PASSWORD: "x", QB_API_KEY: "y" });
    assert.deepEqual(
      config.targets.map((t) => t.name),
      ["box1", "box2"],
    );
    assert.equal(config.targets[0]?.tracker.rename["tracker.example.org"], "Example");
  });

  it("refuses a file over 1 MiB, reading no more of it than that", async () => {
    const big = join(dir, "big.yml");
    const padding = `# ${"x".repeat(MAX_CONFIG_BYTES)}\n`;
    await writeFile(big, `targets: []\n${padding}`);
    const expected = `${big}: larger than 1 MiB (1048576 bytes), the most a config file may hold`;
    assert.throws(() => loadConfig(big), { name: "ConfigError", message: expected });
    assert.throws(() => parseConfig(padding, big, {}), { message: expected });
    // A file that never ends: only the cap + 1 bytes are read.
    assert.throws(() => loadConfig("/dev/zero"), {
      message: "/dev/zero: larger than 1 MiB (1048576 bytes), the most a config file may hold",
    });
    // Up to the cap is fine (a tracker.rename map of some 20,000 hosts fits).
    const fits = `targets: [{ name: a, type: transmission, url: 'http://h:1' }]\n`;
    await writeFile(big, fits + "#".repeat(MAX_CONFIG_BYTES - fits.length));
    assert.equal(loadConfig(big).targets.length, 1);
  });

  it("lists at most 100 problems and counts the rest", () => {
    const rename = Array.from({ length: 250 }, (_, i) => `      t${i}.example: ''`).join("\n");
    const text = `global:\n  tracker:\n    rename:\n${rename}\ntargets: []\n`;
    assert.throws(
      () => parseConfig(text, "f.yml", {}),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.problems.length, MAX_LISTED_PROBLEMS + 1);
        assert.equal(
          error.problems[0],
          "f.yml:4:19: global.tracker.rename.<key>: expected a non-empty string",
        );
        assert.equal(error.problems.at(-1), "... and 151 more problems");
        return true;
      },
    );
  });

  it("says which file it could not read", () => {
    assert.throws(
      () => loadConfig(join(dir, "missing.yml")),
      /missing\.yml: cannot read the config file \(ENOENT\)/,
    );
  });
});

describe("the /config view of a configuration", () => {
  it("shows a target URL's query string as <secret>", () => {
    const config = parseConfig(
      [
        "targets:",
        "  - name: tr",
        "    type: transmission",
        '    url: "http://127.0.0.1:9091/transmission/rpc?token=s3cr3t"',
        "  - { name: qb, type: qbittorrent, url: 'http://127.0.0.1:8080', username: u, password: p }",
        "",
      ].join("\n"),
      "t.yml",
      {},
    );
    const shown = JSON.stringify(config.redacted);
    assert.doesNotMatch(shown, /s3cr3t/);
    assert.match(shown, /"url":"http:\/\/127\.0\.0\.1:9091\/transmission\/rpc\?<secret>"/);
    assert.match(shown, /"url":"http:\/\/127\.0\.0\.1:8080"/);
    assert.equal(config.targets[0]?.url, "http://127.0.0.1:9091/transmission/rpc?token=s3cr3t");
  });
});
