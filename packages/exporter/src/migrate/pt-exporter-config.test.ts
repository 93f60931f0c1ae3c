// Unit tests of the pt-exporter config.yaml conversion, on the shapes of pt-exporter's own example.yml and its variations.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: seedwatch.yml's own ${VAR} syntax, written as text

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Config } from "../config/config.ts";
import { parseConfig } from "../config/load.ts";
import { catalogProblems } from "../web/i18n/catalog-problems.ts";
import {
  convertPtExporterConfig,
  MIGRATE_CATALOGS,
  PtExporterConfigError,
} from "./pt-exporter-config.ts";

/** pt-exporter's example.yml from commit c82ed55 to f21dc6e (its last): every setting it reads. */
const EXAMPLE = `config:
  logLevel: info
  listen: :9200
  downloader-exporter: false
  lang: zh
  timeout: 5
  UseCategoryAsTracker: false
  rewrite:
    www.google.com: Google
  default:
    max-up-speed: 0Gbps
    max-down-speed: 0Gbps

Host-QB:
  type: qbittorrent
  host: http://127.0.0.1
  username: admin
  password: adminadmin
  max-up-speed: 1Gbps
  max-down-speed: 1Gbps`;

/** Its first example.yml (commit 1ad18dc): quoted values, no timeout. */
const FIRST_EXAMPLE = `config:
  logLevel: info
  listen: :9200
  rewrite:
    www.google.com: Google
Host-QB:
  type: "qbittorrent"
  host: "http://127.0.0.1"
  username: "admin"
  password: "adminadmin"`;

const convert = (text: string, language: "en" | "zh-CN" = "en") =>
  convertPtExporterConfig(text, "config.yaml", language);

/** The converted file as seedwatch reads it. */
const load = (yaml: string, env: NodeJS.ProcessEnv = {}): Config =>
  parseConfig(yaml, "/tmp/seedwatch.yml", env);

describe("seedwatch migrate pt-exporter", () => {
  it("converts pt-exporter's own example.yml into a valid, equivalent seedwatch.yml", () => {
    const yaml = convert(EXAMPLE);
    const config = load(yaml);
    assert.equal(config.targets.length, 1);
    const [target] = config.targets;
    assert.equal(target?.name, "HOST-QB", "pt-exporter's name label: the key in capitals");
    assert.equal(target?.type, "qbittorrent");
    assert.equal(target?.url, "http://127.0.0.1");
    assert.equal(target?.username, "admin");
    assert.equal(target?.password?.reveal(), "adminadmin");
    assert.equal(target?.timeout, 5000);
    assert.deepEqual(target?.tracker.rename, { "www.google.com": "Google" });
    assert.equal(target?.tracker.categoryAsTracker, false);
    assert.equal(target?.compat.downloaderExporter, false);
    assert.equal(target?.compat.statusLanguage, "zh");
    assert.deepEqual(target?.maxSpeed, { upload: 125_000_000, download: 125_000_000 });
  });

  it("accounts for every key of the example: a value, or a comment saying there is none", () => {
    const yaml = convert(EXAMPLE);
    for (const line of [
      "# config.listen: :9200. seedwatch listens on :8742 by default; to keep the address Prometheus scrapes, run: seedwatch --web.listen-address=:9200",
      "# config.logLevel: info. Run seedwatch with --log.level=info",
      "  timeout: 5s  # config.timeout: 5 (seconds)",
      "    category_as_tracker: false  # config.UseCategoryAsTracker",
      '      "www.google.com": "Google"',
      "    downloader_exporter: false",
      "    status_language: zh  # config.lang: zh: pt-exporter's Chinese status names (上传中, 等待, ...), on pt_torrents_count and downloader_torrents_count",
      "  # config.default (max-up-speed: 0Gbps, max-down-speed: 0Gbps): pt-exporter never read it; its max-up-speed and max-down-speed go to the clients below without their own (0: none)",
      "  - name: HOST-QB  # pt-exporter's name label: the key Host-QB in capitals",
      "    max_upload_speed: 1Gbps  # max-up-speed: 1Gbps, bits per second: 125,000,000 bytes a second in pt_max_upload_speed_bytes (pt-exporter never read this key)",
      "    max_download_speed: 1Gbps  # max-down-speed: 1Gbps, bits per second: 125,000,000 bytes a second in pt_max_download_speed_bytes (pt-exporter never read this key)",
    ])
      assert.ok(yaml.split("\n").includes(line), `missing: ${line}\n${yaml}`);
  });

  it("converts its first example (quoted values, no timeout), leaving seedwatch's defaults", () => {
    const yaml = convert(FIRST_EXAMPLE);
    const config = load(yaml);
    assert.equal(config.targets[0]?.name, "HOST-QB");
    assert.equal(config.targets[0]?.timeout, 10_000);
    assert.doesNotMatch(yaml, /timeout/);
    assert.match(yaml, /--web\.listen-address=:9200/);
  });

  it("writes its comments in Chinese for a Chinese reader, with the same configuration", () => {
    const yaml = convert(EXAMPLE, "zh-CN");
    assert.deepEqual(load(yaml), load(convert(EXAMPLE)));
    assert.match(
      yaml,
      /^ {4}status_language: zh {2}# config\.lang: zh：pt-exporter 的中文状态名（上传中、等待等）/m,
    );
    assert.match(
      yaml,
      /^ {4}max_upload_speed: 1Gbps {2}# .*pt_max_upload_speed_bytes 为每秒 125,000,000 字节/m,
    );
    assert.match(yaml, /pt-exporter 的 name 标签：键名 Host-QB 转为大写/);
    assert.deepEqual(catalogProblems(MIGRATE_CATALOGS), []);
  });

  it("reads keys in any case, as viper does, and writes rename hosts in lower case", () => {
    const yaml = convert(`CONFIG:
  LOGLEVEL: debug
  Listen: 9300
  usecategoryastracker: "true"
  Downloader-Exporter: 1
  ReWrite:
    WWW.Example.ORG: Example
box1:
  TYPE: qbittorrent
  Host: http://10.0.0.2:8080/qb/
  USERNAME: admin
  Password: "p4ss"
`);
    const config = load(yaml);
    const [target] = config.targets;
    assert.equal(target?.name, "BOX1");
    assert.equal(target?.url, "http://10.0.0.2:8080/qb", "a reverse proxy's path prefix is kept");
    assert.equal(target?.tracker.categoryAsTracker, true);
    assert.equal(target?.compat.downloaderExporter, true);
    assert.deepEqual(target?.tracker.rename, { "www.example.org": "Example" });
    assert.match(yaml, /--web\.listen-address=:9300/, "a bare port gets pt-exporter's ':'");
    assert.match(yaml, /--log\.level=debug/);
  });

  it("points a Transmission target where pt-exporter's RPC library went: plain HTTP, /transmission/rpc", () => {
    const yaml = convert(`tr1:
  type: transmission
  host: https://seedbox.example.org:9091/transmission/web/
  username: u
  password: p
tr2:
  type: transmission
  host: http://192.168.1.5
`);
    const [tr1, tr2] = load(yaml).targets;
    assert.equal(tr1?.url, "http://seedbox.example.org:9091/transmission/rpc");
    assert.equal(tr2?.url, "http://192.168.1.5/transmission/rpc", "port 80 when none");
    assert.equal(tr2?.username, undefined);
    assert.match(yaml, /pt-exporter spoke plain HTTP to this host and port/);
  });

  it("makes a name seedwatch accepts from a key it does not, and keeps names apart", () => {
    const yaml = convert(`盒子 1:
  type: qbittorrent
  host: http://127.0.0.1:8080
  username: a
  password: b
"box#1":
  type: qbittorrent
  host: 127.0.0.1:8081
  username: a
  password: b
Box.2:
  type: qbittorrent
  host: http://127.0.0.1:8082
  username: a
  password: b
BOX.2:
  type: qbittorrent
  host: http://127.0.0.1:8083
  username: a
  password: b
`);
    const config = load(yaml);
    assert.deepEqual(
      config.targets.map((t) => [t.name, t.url]),
      [
        ["1", "http://127.0.0.1:8080"],
        ["BOX-1", "http://127.0.0.1:8081"],
        ["BOX.2", "http://127.0.0.1:8083"],
      ],
    );
    assert.match(yaml, /pt-exporter's name label was 盒子 1; a seedwatch name holds only/);
    assert.match(yaml, /host: 127\.0\.0\.1:8081 has no scheme: http:\/\/ assumed/);
    assert.match(yaml, /the key BOX\.2 is given more than once .*: the last one is used/);
  });

  it("moves credentials out of the URL, and a password seedwatch would expand into a variable", () => {
    const yaml = convert(`box:
  type: qbittorrent
  host: http://admin:s%40cret@127.0.0.1:8080
other:
  type: qbittorrent
  host: http://127.0.0.1:8081
  username: admin
  password: "a\${HOME}b"
`);
    assert.doesNotMatch(yaml, /admin:s/, "no credentials left in a URL");
    const config = load(yaml, { OTHER_PASSWORD: "a${HOME}b" });
    const [box, other] = config.targets;
    assert.equal(box?.url, "http://127.0.0.1:8080");
    assert.equal(box?.username, "admin");
    assert.equal(box?.password?.reveal(), "s@cret");
    assert.equal(other?.password?.reveal(), "a${HOME}b");
    assert.match(yaml, /password: \$\{OTHER_PASSWORD\}/);
  });

  it("keeps as comments what pt-exporter did not poll or read, and says why", () => {
    const yaml = convert(`config:
  timeout: soon
  maxupspeed: 125000000
  colour: blue
  rewrite:
    empty.example.org: ""
de1:
  type: deluge
  host: http://127.0.0.1:8112
note: just text
qb:
  type: qbittorrent
  host: http://127.0.0.1:8080
  username: a
  password: b
  speed: fast
`);
    load(yaml);
    for (const text of [
      "config.timeout: soon: pt-exporter then waited without a time limit",
      "config.maxupspeed: 125000000: seedwatch sets it per target, as max_upload_speed on each client below without its own",
      "config.colour: not a pt-exporter setting",
      "config.rewrite: empty.example.org: left out, seedwatch needs a host and a name",
      "de1: type deluge is not one pt-exporter polled (qbittorrent, transmission): left out",
      "note: not a client",
      "speed: not a pt-exporter setting",
    ])
      assert.ok(yaml.includes(text), `missing: ${text}\n${yaml}`);
  });

  it("writes the status label as pt-exporter's lang did: Chinese for zh (its default), English for anything else", () => {
    const client =
      "box:\n  type: qbittorrent\n  host: http://127.0.0.1:8080\n  username: a\n  password: b\n";
    const language = (settings: string) =>
      load(convert(`${settings}${client}`)).targets[0]?.compat.statusLanguage;
    assert.equal(language(""), "zh");
    assert.equal(language("config:\n  listen: :9200\n"), "zh");
    assert.equal(language("config:\n  lang: zh\n"), "zh");
    assert.equal(language("config:\n  LANG: zh\n"), "zh", "keys in any case");
    assert.equal(language("config:\n  lang: en\n"), "en");
    // pt-exporter compares the value with "zh" exactly.
    assert.equal(language("config:\n  lang: ZH\n"), "en");
    assert.match(
      convert(client),
      /status_language: zh {2}# no config\.lang: pt-exporter's default, zh/,
    );
  });

  it("turns every max speed pt-exporter's file can hold into a target's max_upload_speed / max_download_speed", () => {
    const yaml = convert(`config:
  maxupspeed: 125000000
  MaxDownSpeed: 1Gbps
  default:
    max-down-speed: 500Mbps
a:
  type: qbittorrent
  host: http://127.0.0.1:8080
  username: u
  password: p
  max-up-speed: 1.5gbps
b:
  type: qbittorrent
  host: http://127.0.0.1:8081
  username: u
  password: p
  max-up-speed: fast
  Max-Down-Speed: 0
c:
  type: qbittorrent
  host: http://127.0.0.1:8082
  username: u
  password: p
`);
    const [a, b, c] = load(yaml).targets;
    // Its own, else config.default's, else config's (bytes, as pt-exporter's GetInt read them).
    assert.deepEqual(a?.maxSpeed, { upload: 187_500_000, download: 62_500_000 });
    assert.deepEqual(b?.maxSpeed, { upload: undefined, download: undefined });
    assert.deepEqual(c?.maxSpeed, { upload: 125_000_000, download: 62_500_000 });
    for (const text of [
      "max_download_speed: 500Mbps  # from config.default.max-down-speed: 62,500,000 bytes a second",
      "max_upload_speed: 125000000  # from config.maxupspeed: 125,000,000 bytes a second",
      "# max-up-speed: fast: left out, not a line rate (1Gbps, 100Mbps, or bytes per second)",
      "max_download_speed: 0  # Max-Down-Speed: 0: no series for 0 (as pt-exporter)",
    ])
      assert.ok(yaml.includes(text), `missing: ${text}\n${yaml}`);
  });

  it("refuses a file with no client, a file that is not pt-exporter's, and bad YAML, quoting no value", () => {
    assert.throws(
      () => convert("config:\n  listen: :9200\n"),
      new PtExporterConfigError(
        "config.yaml: no client to migrate (pt-exporter polls the keys besides config)",
      ),
    );
    assert.throws(() => convert("- a\n- b\n"), /expected pt-exporter's config\.yaml/);
    assert.throws(
      () => convert('box:\n  type: qbittorrent\n  password: "hunter2\n'),
      (error: Error) =>
        error instanceof PtExporterConfigError &&
        /^config\.yaml:3:\d+: YAML syntax: /.test(error.message) &&
        !error.message.includes("hunter2"),
    );
  });
});
