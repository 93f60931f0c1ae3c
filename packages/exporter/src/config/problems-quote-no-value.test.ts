import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { tempDir } from "@seedwatch/testbed";
import fc from "fast-check";
import { WebConfigError } from "../web/web-config-error.ts";
import { loadWebConfigFiles } from "../web/web-config-reloader.ts";
import { ConfigError, parseConfig } from "./load.ts";

/** The secret planted in every hostile file; no problem line may contain it. */
const SECRET = "Zq7xSecret";

/**
 * How a value can be written so that YAML stumbles on it (or reads it as something else), each
 * a way the yaml library's own message used to quote it.
 */
const HOSTILE: readonly string[] = [
  `*${SECRET}`,
  `|${SECRET}`,
  `>${SECRET}`,
  `&${SECRET}`,
  `!${SECRET}`,
  `!!${SECRET} x`,
  `!<${SECRET}> x`,
  `%${SECRET}`,
  `@${SECRET}`,
  `\`${SECRET}`,
  `'${SECRET}`,
  `"${SECRET}`,
  `"${SECRET}\\q"`,
  `'${SECRET}'x'`,
  `${SECRET}: x`,
  `${SECRET}\t: x`,
  `[${SECRET}`,
  `{${SECRET}`,
  `{${SECRET}}`,
  `[${SECRET}]`,
  `- ${SECRET}`,
  `? ${SECRET}`,
  `&${SECRET} *${SECRET}`,
  `*${SECRET}*`,
  `${SECRET}#x`,
  `"${SECRET}\n  more`,
  `'${SECRET}\n more'\n   x`,
  `|\n      ${SECRET}\n    x: y`,
  `\t${SECRET}`,
  // Well-formed YAML, wrong for most fields: a schema message must not quote it either.
  SECRET,
  `'${SECRET}'`,
  `"${SECRET}"`,
  `'-${SECRET}'`,
  `'http://u:${SECRET}@h:1'`,
  `'${SECRET}:${SECRET}'`,
  `'pa$\{${SECRET}}ss'`,
  `[${SECRET}, ${SECRET}]`,
  `{ a: ${SECRET} }`,
  "1e999",
  "-1",
];

/** A seedwatch.yml with a slot for a value on every line that has one. */
const SEEDWATCH = [
  "global:",
  "  poll_interval: 15s",
  "  min_refresh_interval: 2s",
  "  timeout: 10s",
  "  tracker:",
  "    rename:",
  "      tracker.example.org: Example",
  "    category_as_tracker: false",
  "  removal:",
  "    rules:",
  "      - name: old",
  "        seeding_time: { min: 30d }",
  "storage:",
  "  path: seedwatch.db",
  "host:",
  "  enabled: true",
  "  paths:",
  "    - /",
  "history:",
  "  enabled: true",
  "  resolution: 60s",
  "  source: embedded",
  "  prometheus_selector: 'job=\"x\"'",
  "web:",
  "  auth_required: [metrics, dashboard, api, actions, admin]",
  "  loopback_only:",
  "    - dashboard",
  "  allowed_hosts:",
  "    - seed.example.org",
  "  allowed_origins:",
  "    - https://seed.example.org",
  "targets:",
  "  - name: box1",
  "    type: qbittorrent",
  "    url: http://127.0.0.1:8080",
  "    username: admin",
  "    password: adminadmin",
  "    poll_interval: 10s",
  "    timeout: 5s",
  "    per_torrent:",
  "      enabled: true",
  "      max_torrents: 100",
  "    tls:",
  "      insecure_skip_verify: false",
  "      ca_file: ca.pem",
  "    tracker:",
  "      rename:",
  "        t.example: T",
  "    removal:",
  "      enabled: false",
  "  - name: box2",
  "    type: qbittorrent",
  "    url: https://seedbox.example:8443",
  "    api_key: abc",
  "  - name: box3",
  "    type: deluge",
  "    url: deluge://127.0.0.1:58846",
  "    username: u",
  "    password_file: deluge.pass",
  "  - name: miner",
  "    type: linxdot",
  "    url: http://10.0.0.9",
  "    username: admin",
  "    password: pw",
  "    plain_credentials: true",
];

/** A web-config.yml with a slot for a value on every line that has one. */
const WEB = [
  "tls_server_config:",
  "  cert_file: server.pem",
  "  key_file: server.key",
  "  client_auth_type: RequireAndVerifyClientCert",
  "  client_ca_file: ca.pem",
  "  client_allowed_sans: [prometheus.example]",
  "  min_version: TLS12",
  "  max_version: TLS13",
  "  cipher_suites: [TLS_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]",
  "  curve_preferences:",
  "    - X25519",
  "  prefer_server_cipher_suites: true",
  "http_server_config:",
  "  http2: true",
  "  headers:",
  "    X-Frame-Options: deny",
  "    Content-Security-Policy: default-src 'self'",
  "basic_auth_users:",
  "  alice: $2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi",
  "rate_limit:",
  "  interval: 1s",
  "  burst: 10",
];

/** Lines of a template that hold a value after `key: ` (or `- `), with where the value starts. */
function slots(lines: readonly string[]): Array<{ line: number; head: string }> {
  return lines.flatMap((text, i) => {
    const match = /^(\s*(?:- )?(?:[A-Za-z0-9_.-]+: |- ))\S/.exec(text);
    return match ? [{ line: i, head: match[1] as string }] : [];
  });
}

/** The template with the value on line `line` replaced by `raw`. */
function plant(lines: readonly string[], line: number, head: string, raw: string): string {
  return lines.map((text, i) => (i === line ? `${head}${raw}` : text)).join("\n");
}

/** The template with the key on line `line` (a data map's key) replaced by `raw`. */
function plantKey(lines: readonly string[], line: number, raw: string): string {
  return lines
    .map((text, i) => (i === line ? text.replace(/^(\s*)[^:]+:/, `$1${raw}:`) : text))
    .join("\n");
}

type TempDir = Awaited<ReturnType<typeof tempDir>>;

/** Where the seedwatch.yml under test lives: password_file and ca_file name files next to it. */
let seedwatchDir: TempDir;

/** Every problem line of seedwatch.yml `text` (its directory shown as /etc/seedwatch), or []. */
function seedwatchProblems(text: string): string[] {
  try {
    parseConfig(text, join(seedwatchDir.path, "seedwatch.yml"), {});
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.map((p) => p.replace(seedwatchDir.path, "/etc/seedwatch"));
  }
}

/** A problem line: the file, and (unless it is about the whole file) a place in it. */
const PROBLEM_LINE =
  /^\/etc\/seedwatch\/seedwatch\.yml(?::(\d+):(\d+))?: |^\.\.\. and \d+ more problems$/;

/** Asserts the problems quote nothing of `secret` and each names the file (and a place in it). */
function assertClean(problems: readonly string[], secret: string, context: string): void {
  for (const problem of problems) {
    assert.ok(!problem.includes(secret), `${context}\n  leaked: ${problem}`);
    assert.doesNotMatch(problem, /Zq7x|\$\{|undefined|\[object/, context);
  }
}

describe("no problem message quotes a value of seedwatch.yml", () => {
  before(async () => {
    seedwatchDir = await tempDir("seedwatch-quotes");
    await writeFile(join(seedwatchDir.path, "deluge.pass"), "from-a-file\n");
  });
  after(() => seedwatchDir.remove());

  it("accepts the template as it is", () => {
    assert.deepEqual(seedwatchProblems(SEEDWATCH.join("\n")), []);
  });

  it("in any field, however the value is written", () => {
    let refused = 0;
    for (const { line, head } of slots(SEEDWATCH)) {
      for (const raw of HOSTILE) {
        const text = plant(SEEDWATCH, line, head, raw);
        const problems = seedwatchProblems(text);
        const context = `line ${line + 1}: ${head}${raw}`;
        assertClean(problems, SECRET, context);
        if (problems.length === 0) continue;
        refused++;
        // Every problem names a place; the first is on the planted line or just after it.
        const places = problems.map((p) => PROBLEM_LINE.exec(p));
        assert.ok(
          places.every((m) => m !== null),
          `${context}\n${problems.join("\n")}`,
        );
        const lines = places.map((m) => Number(m?.[1] ?? 0));
        assert.ok(
          lines.some((n) => n >= line + 1 && n <= line + 3),
          `${context}: no problem at line ${line + 1}\n${problems.join("\n")}`,
        );
      }
    }
    assert.ok(refused > 1000, `only ${refused} hostile files were refused`);
  });

  it("in a key of tracker.rename, which is data, not structure", () => {
    const line = SEEDWATCH.indexOf("      tracker.example.org: Example");
    for (const raw of [SECRET, `${SECRET}.example`, `'${SECRET}'`, `*${SECRET}`, `&${SECRET}`]) {
      for (const value of ["''", "Example\n      DUPLICATE: x", "[x]"]) {
        const text = plantKey(SEEDWATCH, line, raw).replace(
          `${raw}: Example`,
          `${raw}: ${value.replace("DUPLICATE", raw)}`,
        );
        assertClean(seedwatchProblems(text), SECRET, text);
      }
    }
  });

  it("says line, column, field path and the kind of problem", () => {
    const at = (line: string) => SEEDWATCH.indexOf(line);
    const cases: Array<[number, string, string[]]> = [
      [
        at("    password: adminadmin"),
        `*${SECRET}`,
        [
          "37:15: targets[0].password: YAML syntax: an alias (*…) with no anchor (&…) of its name before it; to start a value with *, put it in quotes",
        ],
      ],
      [
        at("    password: adminadmin"),
        `|${SECRET}`,
        [
          "37:16: YAML syntax: text right after | or > (a value that starts with | or > needs quotes)",
        ],
      ],
      [
        at("    password: adminadmin"),
        `>${SECRET}`,
        [
          "37:16: YAML syntax: text right after | or > (a value that starts with | or > needs quotes)",
        ],
      ],
      [
        at("    password: adminadmin"),
        `&${SECRET}`,
        [
          "37:26: targets[0].password: YAML syntax: an anchor (&…) on an empty value; to start a value with &, put it in quotes",
        ],
      ],
      [
        at("    password: adminadmin"),
        `!${SECRET}`,
        [
          "37:15: YAML syntax: a tag (!…) that is not supported; to start a value with !, put the value in quotes",
        ],
      ],
      [
        at("    password: adminadmin"),
        `@${SECRET}`,
        [
          "37:15: YAML syntax: a value that starts with a character YAML reserves (@, ` or %); put the value in quotes",
        ],
      ],
      [
        at("    password: adminadmin"),
        `'${SECRET}`,
        ["37:15: YAML syntax: a quoted value without its closing quote"],
      ],
      [
        at("    password: adminadmin"),
        `${SECRET}: x`,
        [
          `37:15: YAML syntax: a mapping or list where a single-line key was expected; a value that contains ": " needs quotes`,
        ],
      ],
      [
        at("    password: adminadmin"),
        `'pa$\{${SECRET}}ss'`,
        ["37:15: targets[0].password: refers to an environment variable that is not set"],
      ],
      [
        at("    password: adminadmin"),
        `[${SECRET}]`,
        ["37:15: targets[0].password: expected a string, got a list"],
      ],
      [
        at("    password_file: deluge.pass"),
        SECRET,
        ["59:20: targets[2].password_file: cannot read the file it names (ENOENT)"],
      ],
      [
        at("  - name: box2"),
        "box1",
        ["51:11: targets[1].name: duplicate target name (the same as targets[0].name)"],
      ],
      [
        at("    type: qbittorrent"),
        SECRET,
        [
          "34:11: targets[0].type: expected one of qbittorrent, transmission, deluge, rtorrent, linxdot",
        ],
      ],
      [
        at("    url: http://127.0.0.1:8080"),
        `'http://u:${SECRET}@h:1'`,
        ["35:10: targets[0].url: put credentials in username/password, not in the URL"],
      ],
      [
        at("      max_torrents: 100"),
        `'${SECRET}'`,
        ["42:21: targets[0].per_torrent.max_torrents: expected a number, got a string"],
      ],
      [
        at("      tracker.example.org: Example"),
        "''",
        ["7:28: global.tracker.rename.<key>: expected a non-empty string"],
      ],
      [
        at("  poll_interval: 15s"),
        SECRET,
        [
          '2:18: global.poll_interval: expected a duration such as "10s", "1m30s", "500ms", or a number of seconds',
        ],
      ],
      [
        at("    - seed.example.org"),
        SECRET.replace("S", "_:"),
        ["29:7: web.allowed_hosts[0]: expected a host name or IP address without scheme or port"],
      ],
    ];
    for (const [line, raw, expected] of cases) {
      const head = /^(\s*(?:- )?(?:[A-Za-z0-9_.-]+: |- ))/.exec(SEEDWATCH[line] as string)?.[1];
      const problems = seedwatchProblems(plant(SEEDWATCH, line, head as string, raw));
      assert.deepEqual(
        problems.map((p) => p.replace("/etc/seedwatch/seedwatch.yml:", "")),
        expected,
        `line ${line + 1}: ${raw}`,
      );
    }
  });

  it("names an unset environment variable only when the value is nothing but the reference", () => {
    const line = SEEDWATCH.indexOf("    password: adminadmin");
    const reference = "$" + "{QB_PW}";
    assert.deepEqual(seedwatchProblems(plant(SEEDWATCH, line, "    password: ", reference)), [
      "/etc/seedwatch/seedwatch.yml:37:15: targets[0].password: environment variable QB_PW is not set",
    ]);
  });

  it("for any marker planted anywhere (property-based)", () => {
    const valueSlots = slots(SEEDWATCH);
    const marker = fc.stringMatching(/^[A-Za-z0-9]{4,12}$/).map((tail) => `Mk9${tail}`);
    const prefix = fc.constantFrom(..."*|>&!%@`'\"[{-?:#,\\ \t".split(""), "", "!!", "- ", "? ");
    const suffix = fc.constantFrom("", ":", ": x", " #", "\t", "'", '"', "]", "}", "\n  y", "\\q");
    fc.assert(
      fc.property(
        fc.constantFrom(...valueSlots),
        prefix,
        marker,
        suffix,
        ({ line, head }, before, secret, after) => {
          const text = plant(SEEDWATCH, line, head, `${before}${secret}${after}`);
          for (const problem of seedwatchProblems(text)) {
            assert.ok(!problem.includes(secret), `${text}\n  leaked: ${problem}`);
            assert.match(problem, PROBLEM_LINE);
          }
        },
      ),
      { numRuns: 1500 },
    );
  });
});

describe("no problem message quotes a value of web-config.yml", () => {
  let dir: TempDir;
  before(async () => {
    dir = await tempDir("web-config-quotes");
  });
  after(() => dir.remove());

  /** Every problem line of loading the web config `text` (its TLS files too), or []. */
  async function webProblems(text: string): Promise<string[]> {
    const file = join(dir.path, "web.yml");
    await writeFile(file, text);
    try {
      loadWebConfigFiles(file);
      return [];
    } catch (error) {
      if (!(error instanceof WebConfigError)) throw error;
      return error.message.split("\n").map((line) => line.replace(file, "web.yml"));
    }
  }

  it("in any field, however the value is written", async () => {
    let refused = 0;
    for (const { line, head } of slots(WEB)) {
      for (const raw of HOSTILE) {
        const problems = await webProblems(plant(WEB, line, head, raw));
        const context = `line ${line + 1}: ${head}${raw}`;
        assertClean(problems, SECRET, context);
        for (const problem of problems) assert.match(problem, /^web\.yml(:\d+:\d+)?: /, context);
        if (problems.length > 0) refused++;
      }
    }
    assert.ok(refused > 500, `only ${refused} hostile files were refused`);
  });

  it("in a user name, which is data, not structure", async () => {
    const line = WEB.indexOf(
      "  alice: $2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi",
    );
    for (const raw of [SECRET, `'${SECRET}:x'`, `*${SECRET}`, `'${SECRET}'`]) {
      for (const hash of ["hunter2", "''", "[x]"]) {
        const text = plantKey(WEB, line, raw).replace(/(: )\$2y\S+$/m, `$1${hash}`);
        const problems = await webProblems(text);
        assert.ok(problems.length > 0, text);
        assertClean(problems, SECRET, text);
      }
    }
  });

  it("says line, column, field path and the kind of problem", async () => {
    const user = WEB.findIndex((l) => l.startsWith("  alice:"));
    const cases: Array<[number, string, string]> = [
      [
        user,
        `*${SECRET}`,
        "web.yml:19:10: basic_auth_users.<key>: YAML syntax: an alias (*…) with no anchor (&…) of its name before it; to start a value with *, put it in quotes",
      ],
      [
        user,
        `|${SECRET}`,
        "web.yml:19:11: YAML syntax: text right after | or > (a value that starts with | or > needs quotes)",
      ],
      [
        user,
        SECRET,
        "web.yml:19:10: basic_auth_users.<key>: expected a bcrypt hash ($2a$, $2b$ or $2y$ with a cost of 4 to 31), as `seedwatch hash-password` prints",
      ],
      [
        WEB.indexOf("  key_file: server.key"),
        `"${SECRET}`,
        "web.yml:3:13: YAML syntax: a quoted value without its closing quote",
      ],
      [
        WEB.indexOf("  min_version: TLS12"),
        SECRET,
        "web.yml:7:16: tls_server_config.min_version: expected one of TLS10, TLS11, TLS12, TLS13",
      ],
      [
        WEB.indexOf("  interval: 1s"),
        SECRET,
        "web.yml:21:13: rate_limit.interval: expected a duration such as 100ms, 1s or 1m (0 turns the limit off)",
      ],
    ];
    for (const [line, raw, expected] of cases) {
      const head = /^(\s*(?:[A-Za-z0-9_.-]+: ))/.exec(WEB[line] as string)?.[1] as string;
      const problems = await webProblems(plant(WEB, line, head, raw));
      assert.equal(problems[0], expected, `${head}${raw}`);
    }
  });

  it("for any marker planted anywhere (property-based)", async () => {
    const valueSlots = slots(WEB);
    const marker = fc.stringMatching(/^[A-Za-z0-9]{4,12}$/).map((tail) => `Mk9${tail}`);
    const prefix = fc.constantFrom(..."*|>&!%@`'\"[{-?:#,\\ \t".split(""), "", "!!", "- ");
    const suffix = fc.constantFrom("", ":", ": x", " #", "\t", "'", '"', "]", "}", "\n  y");
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...valueSlots),
        prefix,
        marker,
        suffix,
        async ({ line, head }, before, secret, after) => {
          const text = plant(WEB, line, head, `${before}${secret}${after}`);
          for (const problem of await webProblems(text))
            assert.ok(!problem.includes(secret), `${text}\n  leaked: ${problem}`);
        },
      ),
      { numRuns: 600 },
    );
  });
});
