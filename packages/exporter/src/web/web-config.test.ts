import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { tempDir } from "@seedwatch/testbed";
import fc from "fast-check";
import { stringify } from "yaml";
import {
  describeWebConfig,
  loadWebConfig,
  MAX_WEB_CONFIG_BYTES,
  parseWebConfig,
} from "./web-config.ts";
import { WebConfigError } from "./web-config-error.ts";

const HASH = "$2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi";
const TLS_KEYS =
  "cert, key, client_ca, cert_file, key_file, client_ca_file, client_auth_type, client_allowed_sans, min_version, max_version, cipher_suites, curve_preferences, prefer_server_cipher_suites";
const SECURE_CIPHERS =
  "TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256, TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA, TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256";
const CERT = "tls_server_config:\n  cert_file: c.pem\n  key_file: c.key\n";

/** Invalid files and the exact error each must produce. */
const INVALID: ReadonlyArray<readonly [string, string, string]> = [
  [
    "unknown TLS version",
    "tls_server_config:\n  min_version: TLS14\n",
    "web.yml:2:16: tls_server_config.min_version: expected one of TLS10, TLS11, TLS12, TLS13",
  ],
  [
    "unknown top-level field",
    "basic_auth_user: {}\n",
    "web.yml:1:1: basic_auth_user: unknown field; expected one of tls_server_config, http_server_config, basic_auth_users, rate_limit",
  ],
  [
    "misspelt TLS field",
    `${CERT}  cert_fil: x.pem\n`,
    `web.yml:4:3: tls_server_config.cert_fil: unknown field; expected one of ${TLS_KEYS}`,
  ],
  [
    "unknown client auth type",
    `${CERT}  client_auth_type: RequireCert\n`,
    "web.yml:4:21: tls_server_config.client_auth_type: expected one of NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert",
  ],
  [
    "insecure cipher suite",
    `${CERT}  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_RSA_WITH_RC4_128_SHA]\n`,
    `web.yml:4:58: tls_server_config.cipher_suites[1]: an insecure cipher suite; expected one of ${SECURE_CIPHERS}`,
  ],
  [
    "OpenSSL cipher name",
    `${CERT}  cipher_suites: [ECDHE-RSA-AES128-GCM-SHA256]\n`,
    `web.yml:4:19: tls_server_config.cipher_suites[0]: not a cipher suite name as Go spells it; expected one of ${SECURE_CIPHERS}`,
  ],
  [
    "cipher suites not a list",
    `${CERT}  cipher_suites: TLS_AES_128_GCM_SHA256\n`,
    "web.yml:4:18: tls_server_config.cipher_suites: expected a list of cipher suite names",
  ],
  [
    "unknown curve",
    `${CERT}  curve_preferences: [X25519, CurveP224]\n`,
    "web.yml:4:31: tls_server_config.curve_preferences[1]: expected one of CurveP256, CurveP384, CurveP521, X25519",
  ],
  [
    "TLS settings without a certificate",
    "tls_server_config:\n  min_version: TLS13\n",
    "web.yml:2:3: tls_server_config.cert_file: expected cert_file (or cert) when tls_server_config is set\nweb.yml:2:3: tls_server_config.key_file: expected key_file (or key) when tls_server_config is set",
  ],
  [
    "certificate without key",
    "tls_server_config:\n  cert_file: c.pem\n",
    "web.yml:2:3: tls_server_config.key_file: expected key_file (or key) when tls_server_config is set",
  ],
  [
    "inline and file certificate",
    `${CERT}  cert: "-----BEGIN CERTIFICATE-----"\n`,
    "web.yml:4:9: tls_server_config.cert: expected either cert or cert_file, not both",
  ],
  [
    "empty file name",
    'tls_server_config:\n  cert_file: ""\n  key_file: c.key\n',
    "web.yml:2:14: tls_server_config.cert_file: expected a file name",
  ],
  [
    "client CA without a client auth policy",
    `${CERT}  client_ca_file: ca.pem\n`,
    "web.yml:2:3: tls_server_config.client_auth_type: expected a client auth type other than NoClientCert when a client CA is set",
  ],
  [
    "verification without a client CA",
    `${CERT}  client_auth_type: RequireAndVerifyClientCert\n`,
    "web.yml:2:3: tls_server_config.client_ca_file: expected client_ca_file (or client_ca) when client_auth_type is RequireAndVerifyClientCert",
  ],
  [
    "allowed SANs with an optional certificate",
    `${CERT}  client_auth_type: VerifyClientCertIfGiven\n  client_ca_file: ca.pem\n  client_allowed_sans: [a.example]\n`,
    "web.yml:6:24: tls_server_config.client_allowed_sans: expected client_auth_type RequireAnyClientCert or RequireAndVerifyClientCert when client_allowed_sans is set",
  ],
  [
    "max_version below min_version",
    `${CERT}  min_version: TLS13\n  max_version: TLS12\n`,
    "web.yml:5:16: tls_server_config.max_version: expected a version not older than min_version (TLS13)",
  ],
  [
    "only TLS 1.3 suites for TLS 1.2",
    `${CERT}  max_version: TLS12\n  cipher_suites: [TLS_AES_128_GCM_SHA256]\n`,
    "web.yml:5:18: tls_server_config.cipher_suites: expected at least one cipher suite for TLS 1.2 and older when max_version is TLS12",
  ],
  [
    "yes is not a boolean in YAML 1.2",
    "http_server_config:\n  http2: yes\n",
    "web.yml:2:10: http_server_config.http2: expected true or false",
  ],
  [
    "header outside the allow-list",
    "http_server_config:\n  headers:\n    X-Powered-By: seedwatch\n",
    "web.yml:3:5: http_server_config.headers.X-Powered-By: header cannot be configured; expected one of Content-Security-Policy, Strict-Transport-Security, X-Content-Type-Options, X-Frame-Options, X-XSS-Protection",
  ],
  [
    "X-Frame-Options value",
    "http_server_config:\n  headers:\n    X-Frame-Options: allow-from\n",
    "web.yml:3:22: http_server_config.headers.X-Frame-Options: expected one of deny, sameorigin",
  ],
  [
    "X-Content-Type-Options value",
    "http_server_config:\n  headers:\n    X-Content-Type-Options: sniff\n",
    "web.yml:3:29: http_server_config.headers.X-Content-Type-Options: expected one of nosniff",
  ],
  [
    "header value with a line break",
    'http_server_config:\n  headers:\n    Content-Security-Policy: "a\\r\\nSet-Cookie: x"\n',
    "web.yml:3:30: http_server_config.headers.Content-Security-Policy: expected a header value of printable ASCII",
  ],
  [
    "plain-text password instead of a hash",
    "basic_auth_users:\n  alice: hunter2\n",
    "web.yml:2:10: basic_auth_users.<key>: expected a bcrypt hash ($2a$, $2b$ or $2y$ with a cost of 4 to 31), as `seedwatch hash-password` prints",
  ],
  [
    "user name with a colon",
    `basic_auth_users:\n  "a:b": "${HASH}"\n`,
    "web.yml:2:3: basic_auth_users.<key>: expected a user name without ':' (basic auth cannot carry it)",
  ],
  [
    "users as a list",
    "basic_auth_users:\n  - alice\n",
    "web.yml:2:3: basic_auth_users: expected a mapping",
  ],
  [
    "section as a string",
    "tls_server_config: on\n",
    "web.yml:1:20: tls_server_config: expected a mapping",
  ],
  [
    "bad duration",
    "rate_limit:\n  interval: 5 parsecs\n  burst: 1\n",
    "web.yml:2:13: rate_limit.interval: expected a duration such as 100ms, 1s or 1m (0 turns the limit off)",
  ],
  [
    "rate limit without a burst",
    "rate_limit:\n  interval: 1s\n",
    "web.yml:2:3: rate_limit.burst: expected a whole number of at least 1 when rate_limit.interval is set",
  ],
  [
    "fractional burst",
    "rate_limit:\n  interval: 1s\n  burst: 1.5\n",
    "web.yml:3:10: rate_limit.burst: expected a whole number",
  ],
  ["top level a list", "- a\n", "web.yml:1:1: expected a mapping"],
  [
    "duplicate key",
    "basic_auth_users: {}\nbasic_auth_users: {}\n",
    "web.yml:2:1: basic_auth_users: YAML syntax: a key given twice in one mapping (first at line 1, column 1)",
  ],
  [
    "tab indentation",
    "tls_server_config:\n\tcert_file: x\n",
    "web.yml:2:1: YAML syntax: a tab used as indentation (indent with spaces)",
  ],
];

describe("parseWebConfig", () => {
  for (const [name, text, expected] of INVALID) {
    it(`refuses ${name}`, () => {
      assert.throws(
        () => parseWebConfig(text, "web.yml"),
        (error: unknown) => {
          assert.ok(error instanceof WebConfigError);
          assert.equal(error.message, expected);
          assert.equal(error.file, "web.yml");
          return true;
        },
      );
    });
  }

  it("never puts a password or a hash in an error", () => {
    const leaky = `basic_auth_users:\n  alice: hunter2\n  bob: "${HASH.slice(0, -1)}"\nrate_limit: {interval: 1s}\n`;
    assert.throws(
      () => parseWebConfig(leaky, "web.yml"),
      (error: Error) => !error.message.includes("hunter2") && !error.message.includes("$2y$10$QO"),
    );
  });

  it("applies exporter-toolkit's defaults to an empty file", () => {
    for (const text of ["", "---\n", "# nothing yet\nbasic_auth_users:\n"]) {
      const config = parseWebConfig(text, "web.yml");
      assert.equal(config.tls, undefined);
      assert.equal(config.http2, true);
      assert.deepEqual(config.headers, {});
      assert.equal(config.users.size, 0);
      assert.equal(config.rateLimit, undefined);
    }
  });

  it("reads every field of a full file", () => {
    const config = parseWebConfig(
      [
        "tls_server_config:",
        "  cert_file: certs/server.pem",
        "  key_file: /etc/seedwatch/server.key",
        "  client_ca_file: ca.pem",
        "  client_auth_type: RequireClientCert",
        "  client_allowed_sans: [prometheus.example, 10.0.0.1]",
        "  min_version: TLS13",
        "  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]",
        "  curve_preferences: [X25519, CurveP256]",
        "  prefer_server_cipher_suites: false",
        "http_server_config:",
        "  http2: false",
        "  headers:",
        "    X-Frame-Options: deny",
        "    Content-Security-Policy: ''",
        "basic_auth_users:",
        `  alice: ${HASH}`,
        "rate_limit:",
        "  interval: 1m30s",
        "  burst: 20",
        "",
      ].join("\n"),
      "/srv/seedwatch/web.yml",
    );
    assert.deepEqual(config.tls, {
      certFile: "/srv/seedwatch/certs/server.pem",
      cert: undefined,
      keyFile: "/etc/seedwatch/server.key",
      key: undefined,
      clientCaFile: "/srv/seedwatch/ca.pem",
      clientCa: undefined,
      clientAuthType: "RequireAnyClientCert",
      clientAllowedSans: ["prometheus.example", "10.0.0.1"],
      minVersion: "TLS13",
      maxVersion: "TLS13",
      cipherSuites: ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"],
      curvePreferences: ["X25519", "CurveP256"],
      preferServerCipherSuites: false,
    });
    assert.equal(config.http2, false);
    assert.deepEqual(config.headers, { "X-Frame-Options": "deny" });
    assert.deepEqual([...config.users], [["alice", HASH]]);
    assert.deepEqual(config.rateLimit, { intervalMs: 90_000, burst: 20 });
  });

  it("turns the rate limit off with interval 0", () => {
    assert.equal(parseWebConfig("rate_limit:\n  interval: 0\n", "w.yml").rateLimit, undefined);
    assert.equal(
      parseWebConfig("rate_limit:\n  interval: 0s\n  burst: 0\n", "w.yml").rateLimit,
      undefined,
    );
  });
});

describe("parseWebConfig on hostile input (property-based, bounded)", () => {
  const onlyWebConfigErrors = (text: string) => {
    try {
      parseWebConfig(text, "web.yml");
    } catch (error) {
      if (!(error instanceof WebConfigError)) throw error;
      assert.match(error.message, /^web\.yml(:\d+:\d+)?: /);
    }
  };

  it("answers any text with a config or a WebConfigError", () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), onlyWebConfigErrors), { numRuns: 500 });
  });

  it("answers any YAML structure, even one shaped like a web config, the same way", () => {
    const section = fc.dictionary(
      fc.constantFrom(
        "cert_file",
        "key_file",
        "min_version",
        "client_auth_type",
        "cipher_suites",
        "headers",
        "http2",
        "interval",
        "burst",
        "alice",
        "x",
      ),
      fc.oneof(fc.anything({ maxDepth: 2 }), fc.constantFrom("TLS13", "1s", "deny", true, 0, null)),
      { maxKeys: 4 },
    );
    const config = fc.dictionary(
      fc.constantFrom(
        "tls_server_config",
        "http_server_config",
        "basic_auth_users",
        "rate_limit",
        "other",
      ),
      fc.oneof(section, fc.anything({ maxDepth: 1 })),
      { maxKeys: 4 },
    );
    fc.assert(
      fc.property(config, (value) => onlyWebConfigErrors(stringify(value))),
      { numRuns: 500 },
    );
  });
});

describe("describeWebConfig", () => {
  it("shows the configuration with every hash and inline key as <secret>", () => {
    const config = parseWebConfig(
      `tls_server_config:\n  cert_file: c.pem\n  key: "-----BEGIN PRIVATE KEY-----"\nbasic_auth_users:\n  alice: ${HASH}\nrate_limit: {interval: 2s, burst: 3}\n`,
      "/etc/seedwatch/web.yml",
    );
    const shown = describeWebConfig(config);
    assert.deepEqual(shown, {
      tls_server_config: {
        cert_file: "/etc/seedwatch/c.pem",
        key: "<secret>",
        client_auth_type: "NoClientCert",
        min_version: "TLS12",
        max_version: "TLS13",
        prefer_server_cipher_suites: true,
      },
      http_server_config: { http2: true, headers: {} },
      basic_auth_users: { alice: "<secret>" },
      rate_limit: { interval: "2000ms", burst: 3 },
    });
    assert.doesNotMatch(JSON.stringify(shown), /\$2y\$|PRIVATE KEY/);
  });
});

describe("loadWebConfig", () => {
  it("resolves relative paths against the file's directory, not the working directory", async (t) => {
    const dir = await tempDir("web-config");
    t.after(() => dir.remove());
    await mkdir(join(dir.path, "conf"));
    const file = join(dir.path, "conf", "web.yml");
    await writeFile(
      file,
      `${CERT}  client_auth_type: RequestClientCert\n  client_ca_file: ../ca.pem\n`,
    );
    const tls = loadWebConfig(file).tls;
    assert.equal(tls?.certFile, join(dir.path, "conf", "c.pem"));
    assert.equal(tls?.clientCaFile, join(dir.path, "ca.pem"));
  });

  it("names the file it cannot read, and refuses an oversized one", async (t) => {
    const dir = await tempDir("web-config");
    t.after(() => dir.remove());
    const missing = join(dir.path, "missing.yml");
    assert.throws(() => loadWebConfig(missing), {
      name: "WebConfigError",
      message: `${missing}: cannot read the file (ENOENT)`,
    });
    const huge = join(dir.path, "huge.yml");
    await writeFile(huge, `# ${"x".repeat(MAX_WEB_CONFIG_BYTES)}\n`);
    assert.throws(() => loadWebConfig(huge), {
      message: `${huge}: larger than 1 MiB (${MAX_WEB_CONFIG_BYTES} bytes), the most a web config file may hold`,
    });
  });
});
