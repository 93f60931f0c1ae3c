import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { tempDir } from "@seedwatch/testbed";
import { ConfigError, parseConfig } from "../config/load.ts";

const TARGETS = "targets:\n  - { name: a, type: transmission, url: 'http://h:1' }\n";

describe("the history section of the config", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  before(async () => {
    dir = await tempDir("history-config");
    await writeFile(join(dir.path, "token"), "s3cret-token\n");
    await writeFile(join(dir.path, "pw"), "hunter2\n");
  });
  after(() => dir.remove());
  const parse = (history: string) =>
    parseConfig(`${history}\n${TARGETS}`, join(dir.path, "f.yml"), {});

  it("defaults to an embedded archive sampled every minute", () => {
    assert.deepEqual(parse("").history, {
      enabled: true,
      resolution: 60_000,
      source: "embedded",
      prometheus: undefined,
    });
  });

  it("resolves the Prometheus source: URL, selector, files, secrets hidden", () => {
    const config = parse(
      [
        "history:",
        "  source: prometheus",
        "  resolution: 30s",
        "  prometheus_url: https://prom.example:9090/",
        '  prometheus_selector: \'{job="seedwatch", instance=~"box1:.*"}\'',
        "  prometheus_timeout: 5s",
        "  prometheus_rate_window: 2m",
        "  prometheus_bearer_token_file: token",
        "  prometheus_tls: { insecure_skip_verify: true }",
      ].join("\n"),
    );
    const p = config.history.prometheus;
    assert.ok(p !== undefined);
    assert.equal(config.history.resolution, 30_000);
    assert.equal(p.url, "https://prom.example:9090");
    assert.equal(p.selector, 'job="seedwatch", instance=~"box1:.*"');
    assert.deepEqual([p.timeout, p.rateWindow], [5000, 120_000]);
    assert.equal(p.bearerToken?.reveal(), "s3cret-token");
    assert.equal(String(p.bearerToken), "<secret>");
    assert.equal(p.tls.insecureSkipVerify, true);
    const basic = parse(
      "history:\n  source: prometheus\n  prometheus_url: http://127.0.0.1:9090\n  prometheus_basic_auth: { username: u, password: pw-inline }",
    );
    assert.equal(basic.history.prometheus?.password?.reveal(), "pw-inline");
    assert.equal(
      JSON.stringify(basic.redacted).includes("pw-inline"),
      false,
      "the password is not shown in /config",
    );
    const fromFile = parse(
      "history:\n  source: prometheus\n  prometheus_url: http://127.0.0.1:9090\n  prometheus_basic_auth: { username: u, password_file: pw }",
    );
    assert.equal(fromFile.history.prometheus?.password?.reveal(), "hunter2");
  });

  it("names the field and what was expected for every bad setting", () => {
    const cases: Array<[string, string[]]> = [
      [
        "history: { resolution: 1500ms }",
        ["f.yml:1:24: history.resolution: expected a whole number of seconds from 1s to 1h"],
      ],
      [
        "history: { resolution: 2h }",
        ["f.yml:1:24: history.resolution: expected a whole number of seconds from 1s to 1h"],
      ],
      [
        "history: { source: influx }",
        ["f.yml:1:20: history.source: expected one of embedded, prometheus"],
      ],
      [
        "history: { source: prometheus }",
        [
          "f.yml:1:10: history.prometheus_url: required with source: prometheus (e.g. http://127.0.0.1:9090)",
        ],
      ],
      [
        "history: { prometheus_url: 'ftp://x' }",
        ["f.yml:1:28: history.prometheus_url: expected an http:// or https:// URL"],
      ],
      [
        "history: { prometheus_url: 'http://u:p@x:9090' }",
        [
          "f.yml:1:28: history.prometheus_url: put credentials in prometheus_basic_auth, not in the URL",
        ],
      ],
      [
        "history: { prometheus_selector: 'job=seedwatch' }",
        [
          'f.yml:1:33: history.prometheus_selector: expected label matchers such as job="seedwatch", instance=~"box1:.*"',
        ],
      ],
      [
        "history: { prometheus_basic_auth: { username: u } }",
        ["f.yml:1:35: history.prometheus_basic_auth: give password or password_file (one of them)"],
      ],
      [
        "history: { prometheus_basic_auth: { username: u, password: p }, prometheus_bearer_token_file: t }",
        [
          "f.yml:1:95: history.prometheus_bearer_token_file: give prometheus_basic_auth or prometheus_bearer_token_file, not both",
        ],
      ],
      ["history: { retention: 1y }", ["f.yml:1:12: history.retention: unknown key"]],
      [
        "history:\n  source: prometheus\n  prometheus_url: http://x:9090\n  prometheus_bearer_token_file: missing",
        [
          "f.yml:4:33: history.prometheus_bearer_token_file: cannot read the file it names (ENOENT)",
        ],
      ],
    ];
    for (const [text, expected] of cases) {
      assert.throws(
        () => parse(text),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError, String(error));
          const relative = error.problems.map((p) => p.replace(`${dir.path}/f.yml`, "f.yml"));
          assert.deepEqual(relative, expected, text);
          return true;
        },
      );
    }
  });
});
