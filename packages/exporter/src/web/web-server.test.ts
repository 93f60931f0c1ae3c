import assert from "node:assert/strict";
import { once } from "node:events";
import { readFile, rename, writeFile } from "node:fs/promises";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import { type AddressInfo, connect } from "node:net";
import { join } from "node:path";
import { after, before, describe, it, type TestContext } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { TLSSocket } from "node:tls";
import { tempDir } from "@seedwatch/testbed";
import { type CertificateFiles, makeCertificate } from "@seedwatch/testbed/certificates";
import { hash } from "bcryptjs";
import { WebConfigError } from "./web-config-error.ts";
import type { ReloadOutcome } from "./web-config-reloader.ts";
import { createWebServer, type WebServer, type WebServerOptions } from "./web-server.ts";

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly protocol: string | null;
  readonly serial: string | undefined;
}

interface ClientOptions {
  readonly headers?: Record<string, string>;
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly maxVersion?: "TLSv1.2" | "TLSv1.3";
  /** The loopback address to connect from (127.0.0.x), to act as another client. */
  readonly localAddress?: string;
}

/** One request on a fresh connection (no keep-alive pool between tests). */
function get(url: string, options: ClientOptions = {}): Promise<Answer> {
  const secure = url.startsWith("https:");
  return new Promise((resolve, reject) => {
    const tls = secure
      ? {
          ca: options.ca,
          cert: options.cert,
          key: options.key,
          ...(options.maxVersion ? { maxVersion: options.maxVersion } : {}),
        }
      : {};
    const req = (secure ? httpsRequest : httpRequest)(url, {
      agent: false,
      headers: options.headers,
      timeout: 10_000,
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
      ...tls,
    });
    req.on("timeout", () => req.destroy(new Error("client timeout")));
    req.on("error", reject);
    req.on("response", (res) => {
      const socket = res.socket as TLSSocket;
      const protocol = secure ? socket.getProtocol() : null;
      const serial = secure ? socket.getPeerCertificate().serialNumber : undefined;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, protocol, serial }),
      );
      res.on("error", reject);
    });
    req.end();
  });
}

function basic(user: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` };
}

async function listen(
  t: TestContext,
  options: WebServerOptions,
): Promise<{ web: WebServer; base: string }> {
  const web = createWebServer(options);
  t.after(() => web.close());
  web.server.listen(0, "127.0.0.1");
  await once(web.server, "listening");
  const port = (web.server.address() as AddressInfo).port;
  return { web, base: `${web.secure ? "https" : "http"}://127.0.0.1:${port}` };
}

describe("createWebServer with TLS from web-config.yml", () => {
  let dir: { path: string; remove(): Promise<void> };
  let ca: CertificateFiles;
  let otherCa: CertificateFiles;
  let serverA: CertificateFiles;
  let serverB: CertificateFiles;
  let client: CertificateFiles;
  let stranger: CertificateFiles;
  let caPem: string;
  let clientPem: { cert: string; key: string };
  let strangerPem: { cert: string; key: string };

  before(async () => {
    dir = await tempDir("web-tls");
    ca = await makeCertificate(dir.path, {
      name: "ca",
      commonName: "test ca",
      serial: "0A",
      isCa: true,
    });
    otherCa = await makeCertificate(dir.path, {
      name: "other-ca",
      commonName: "other ca",
      serial: "0B",
      isCa: true,
    });
    serverA = await makeCertificate(dir.path, {
      name: "server-a",
      commonName: "127.0.0.1",
      serial: "A1A1",
      subjectAltName: "IP:127.0.0.1",
      usage: "serverAuth",
      ca,
    });
    serverB = await makeCertificate(dir.path, {
      name: "server-b",
      commonName: "127.0.0.1",
      serial: "B2B2",
      subjectAltName: "IP:127.0.0.1",
      usage: "serverAuth",
      ca,
    });
    client = await makeCertificate(dir.path, {
      name: "client",
      commonName: "prometheus",
      serial: "C1",
      subjectAltName: "DNS:prometheus.example",
      usage: "clientAuth",
      ca,
    });
    stranger = await makeCertificate(dir.path, {
      name: "stranger",
      commonName: "stranger",
      serial: "D1",
      subjectAltName: "DNS:stranger.example",
      usage: "clientAuth",
      ca: otherCa,
    });
    caPem = await readFile(ca.cert, "utf8");
    clientPem = {
      cert: await readFile(client.cert, "utf8"),
      key: await readFile(client.key, "utf8"),
    };
    strangerPem = {
      cert: await readFile(stranger.cert, "utf8"),
      key: await readFile(stranger.key, "utf8"),
    };
  });
  after(() => dir.remove());

  /** Copies server A (or B) to the paths web.yml names, atomically, like a certificate renewal. */
  async function installServerCert(which: CertificateFiles): Promise<void> {
    for (const [from, to] of [
      [which.cert, "live.pem"],
      [which.key, "live.key"],
    ] as const) {
      await writeFile(join(dir.path, `${to}.tmp`), await readFile(from));
      await rename(join(dir.path, `${to}.tmp`), join(dir.path, to));
    }
  }

  async function startTls(t: TestContext, tlsYaml: string, extra: Partial<WebServerOptions> = {}) {
    await installServerCert(serverA);
    const file = join(dir.path, `web-${t.name.replace(/\W+/g, "-")}.yml`);
    await writeFile(
      file,
      `tls_server_config:\n  cert_file: live.pem\n  key_file: live.key\n${tlsYaml}`,
    );
    const outcomes: ReloadOutcome[] = [];
    const refused: string[] = [];
    let served = 0;
    const { web, base } = await listen(t, {
      webConfigFile: file,
      reloadCheckIntervalMs: 0,
      handler: (_req, res) => {
        served += 1;
        res.end("hello");
      },
      onReload: (outcome) => outcomes.push(outcome),
      onClientRefused: (reason) => refused.push(reason),
      ...extra,
    });
    return { web, base, file, outcomes, refused, served: () => served };
  }

  it("speaks TLS 1.3 by default and TLS 1.2 to a client that stops there", async (t) => {
    const { base, web } = await startTls(t, "");
    assert.equal(web.secure, true);
    const modern = await get(`${base}/`, { ca: caPem });
    assert.equal(modern.status, 200);
    assert.equal(modern.protocol, "TLSv1.3");
    assert.equal(modern.serial, "A1A1");
    const older = await get(`${base}/`, { ca: caPem, maxVersion: "TLSv1.2" });
    assert.equal(older.protocol, "TLSv1.2");
    assert.equal(older.body, "hello");
    assert.equal(web.certificate?.serialNumber, "A1A1");
  });

  it("refuses a TLS 1.2 client when min_version is TLS13", async (t) => {
    const { base, served } = await startTls(t, "  min_version: TLS13\n");
    await assert.rejects(get(`${base}/`, { ca: caPem, maxVersion: "TLSv1.2" }), (error: Error) => {
      assert.match(error.message, /protocol version/i);
      return true;
    });
    assert.equal(served(), 0);
    assert.equal((await get(`${base}/`, { ca: caPem })).protocol, "TLSv1.3");
  });

  it("RequireAndVerifyClientCert: no certificate or a foreign one is refused, the CA's is served", async (t) => {
    const { base, served } = await startTls(
      t,
      `  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ${ca.cert}\n`,
    );
    await assert.rejects(get(`${base}/`, { ca: caPem }));
    await assert.rejects(get(`${base}/`, { ca: caPem, ...strangerPem }));
    await assert.rejects(get(`${base}/`, { ca: caPem, ...strangerPem, maxVersion: "TLSv1.2" }));
    assert.equal(served(), 0);
    const clientTls = { ca: caPem, ...clientPem };
    const ok = await get(`${base}/`, clientTls);
    assert.equal(ok.status, 200);
    assert.equal(ok.body, "hello");
    assert.equal((await get(`${base}/`, { ...clientTls, maxVersion: "TLSv1.2" })).status, 200);
    assert.equal(served(), 2);
  });

  it("VerifyClientCertIfGiven: no certificate passes, an untrusted one is cut off", async (t) => {
    const { base, refused } = await startTls(
      t,
      `  client_auth_type: VerifyClientCertIfGiven\n  client_ca_file: ${ca.cert}\n`,
    );
    assert.equal((await get(`${base}/`, { ca: caPem })).status, 200);
    await assert.rejects(get(`${base}/`, { ca: caPem, ...strangerPem }));
    assert.equal(refused.length, 1);
    assert.match(refused[0] ?? "", /^client certificate not trusted/);
    assert.equal((await get(`${base}/`, { ca: caPem, ...clientPem })).status, 200);
  });

  it("client_allowed_sans admits only certificates carrying an allowed SAN", async (t) => {
    const { base, refused } = await startTls(
      t,
      `  client_auth_type: RequireAnyClientCert\n  client_ca_file: ${ca.cert}\n  client_allowed_sans: [prometheus.example]\n`,
    );
    assert.equal((await get(`${base}/`, { ca: caPem, ...clientPem })).status, 200);
    await assert.rejects(get(`${base}/`, { ca: caPem, ...strangerPem }));
    await assert.rejects(get(`${base}/`, { ca: caPem }));
    assert.deepEqual(refused, [
      "client certificate has none of client_allowed_sans",
      "no client certificate",
    ]);
  });

  it("serves a renewed certificate on the next connection, without a restart", async (t) => {
    const { base, web, outcomes } = await startTls(t, "");
    assert.equal((await get(`${base}/`, { ca: caPem })).serial, "A1A1");
    await installServerCert(serverB);
    const renewed = await get(`${base}/`, { ca: caPem });
    assert.equal(renewed.serial, "B2B2");
    assert.equal(renewed.status, 200);
    assert.equal(web.certificate?.serialNumber, "B2B2");
    assert.equal(outcomes.length, 1);
    assert.equal(outcomes[0]?.ok, true);
    assert.equal(web.reloadStatus.reloads, 1);
  });

  it("keeps the last good certificate when the new files are broken, and reports it once", async (t) => {
    const { base, web, outcomes } = await startTls(t, "");
    await writeFile(join(dir.path, "live.key"), await readFile(serverB.key));
    const first = await get(`${base}/`, { ca: caPem });
    const second = await get(`${base}/`, { ca: caPem });
    assert.equal(first.serial, "A1A1");
    assert.equal(second.status, 200);
    assert.equal(outcomes.length, 1);
    const outcome = outcomes[0];
    assert.ok(outcome !== undefined && !outcome.ok);
    assert.equal(
      outcome.error.message,
      `${web.config.file}: tls_server_config.key_file: expected the private key of the certificate in the file cert_file names`,
    );
    assert.equal(web.reloadStatus.ok, false);
    assert.equal(web.reloadStatus.failures, 1);
    await installServerCert(serverB);
    assert.equal((await get(`${base}/`, { ca: caPem })).serial, "B2B2");
    assert.equal(web.reloadStatus.ok, true);
    assert.equal(outcomes.length, 2);
  });

  it("applies a stricter client-certificate policy to new connections after a reload", async (t) => {
    const { base, file } = await startTls(t, "");
    assert.equal((await get(`${base}/`, { ca: caPem })).status, 200);
    await writeFile(
      file,
      `tls_server_config:\n  cert_file: live.pem\n  key_file: live.key\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ${ca.cert}\n`,
    );
    await assert.rejects(get(`${base}/`, { ca: caPem }));
    assert.equal((await get(`${base}/`, { ca: caPem, ...clientPem })).status, 200);
  });

  it("holds a client address to its connection limit before the TLS handshake", async (t) => {
    const { base, web } = await startTls(t, "", { limits: { maxConnectionsPerClient: 2 } });
    const port = Number(new URL(base).port);
    let closed = 0;
    const idle = Array.from({ length: 5 }, () => {
      const socket = connect({ port, host: "127.0.0.1", localAddress: "127.0.0.2" });
      socket.on("error", () => undefined);
      socket.on("close", () => {
        closed += 1;
      });
      socket.resume();
      return socket;
    });
    t.after(() => {
      for (const socket of idle) socket.destroy();
    });
    for (let i = 0; i < 500 && closed < 3; i += 1) await sleep(10);
    assert.equal(closed, 3);
    assert.equal(web.connectionStats.refused, 3);
    const served = await get(`${base}/`, { ca: caPem });
    assert.equal(served.status, 200);
    assert.equal(served.body, "hello");
  });

  it("closes at once, connections still in their TLS handshake included", async (t) => {
    const { base, web } = await startTls(t, "", { limits: { handshakeTimeoutMs: 600_000 } });
    const idle = connect({ port: Number(new URL(base).port), host: "127.0.0.1" });
    idle.on("error", () => undefined);
    idle.resume();
    t.after(() => idle.destroy());
    for (let i = 0; i < 500 && web.connectionStats.open < 1; i += 1) await sleep(10);
    assert.equal(web.connectionStats.open, 1);
    // Only there so that a close() waiting for the handshake ends and the test reports it.
    let unblocked = false;
    const rescue = setTimeout(() => {
      unblocked = true;
      idle.destroy();
    }, 20_000);
    const gone = once(idle, "close");
    await web.close();
    await gone;
    clearTimeout(rescue);
    assert.equal(unblocked, false, "close() waited for the idle handshake");
  });

  it("refuses to turn TLS off by a reload and keeps serving TLS", async (t) => {
    const { base, file, outcomes } = await startTls(t, "");
    await writeFile(file, "basic_auth_users: {}\n");
    assert.equal((await get(`${base}/`, { ca: caPem })).status, 200);
    const outcome = outcomes[0];
    assert.ok(outcome !== undefined && !outcome.ok);
    assert.equal(
      outcome.error.message,
      `${file}: tls_server_config: turning TLS off needs a restart of the server`,
    );
  });
});

describe("createWebServer over HTTP: auth, headers, rate limit, reload", () => {
  let dir: { path: string; remove(): Promise<void> };
  let aliceHash: string;
  let aliceNewHash: string;

  before(async () => {
    dir = await tempDir("web-http");
    aliceHash = await hash("wonderland", 4);
    aliceNewHash = await hash("looking-glass", 4);
  });
  after(() => dir.remove());

  async function startHttp(t: TestContext, yaml: string, extra: Partial<WebServerOptions> = {}) {
    const file = join(dir.path, `web-${t.name.replace(/\W+/g, "-")}.yml`);
    await writeFile(file, yaml);
    const outcomes: ReloadOutcome[] = [];
    const started = await listen(t, {
      webConfigFile: file,
      reloadCheckIntervalMs: 0,
      handler: async (req, res) => {
        if (req.url === "/metrics") {
          res.end("open");
          return;
        }
        const who = await started.web.requireUser(req, res);
        if (who === undefined) return;
        res.end(`hello ${who.user ?? "anonymous"}`);
      },
      onReload: (outcome) => outcomes.push(outcome),
      ...extra,
    });
    return { ...started, file, outcomes };
  }

  it("protects what the routes protect: right, wrong, unknown and missing credentials", async (t) => {
    const { base, web } = await startHttp(t, `basic_auth_users:\n  alice: ${aliceHash}\n`);
    assert.equal(web.secure, false);
    assert.equal(web.authEnabled, true);
    assert.equal((await get(`${base}/metrics`)).body, "open");
    const right = await get(`${base}/`, { headers: basic("alice", "wonderland") });
    assert.equal(right.status, 200);
    assert.equal(right.body, "hello alice");
    for (const headers of [basic("alice", "wrong"), basic("mallory", "wonderland"), {}]) {
      const refused = await get(`${base}/`, { headers });
      assert.equal(refused.status, 401);
      assert.equal(refused.headers["www-authenticate"], 'Basic realm="seedwatch", charset="UTF-8"');
      assert.equal(refused.body, "Unauthorized\n");
      assert.doesNotMatch(refused.body, /wonderland|\$2[aby]\$/);
    }
    assert.equal((await get(`${base}/`, { headers: basic("alice", "wonderland") })).status, 200);
    assert.equal(web.authStats.cacheHits, 1);
    assert.equal(web.authStats.compares, 3);
  });

  it("takes a changed user list into account without a restart", async (t) => {
    const { base, file, outcomes } = await startHttp(
      t,
      `basic_auth_users:\n  alice: ${aliceHash}\n`,
    );
    assert.equal((await get(`${base}/`, { headers: basic("alice", "wonderland") })).status, 200);
    await writeFile(file, `basic_auth_users:\n  alice: ${aliceNewHash}\n  bob: ${aliceHash}\n`);
    assert.equal((await get(`${base}/`, { headers: basic("alice", "wonderland") })).status, 401);
    assert.equal((await get(`${base}/`, { headers: basic("alice", "looking-glass") })).status, 200);
    assert.equal(
      (await get(`${base}/`, { headers: basic("bob", "wonderland") })).body,
      "hello bob",
    );
    assert.equal(outcomes.length, 1);
  });

  it("keeps the last good config when the file breaks, and says where", async (t) => {
    const { base, file, outcomes, web } = await startHttp(
      t,
      `basic_auth_users:\n  alice: ${aliceHash}\n`,
    );
    await writeFile(file, `basic_auth_users:\n  alice: not-a-hash\n`);
    assert.equal((await get(`${base}/`, { headers: basic("alice", "wonderland") })).status, 200);
    assert.equal((await get(`${base}/`)).status, 401);
    assert.equal(outcomes.length, 1);
    const outcome = outcomes[0];
    assert.ok(outcome !== undefined && !outcome.ok);
    assert.equal(
      outcome.error.message,
      `${file}:2:10: basic_auth_users.<key>: expected a bcrypt hash ($2a$, $2b$ or $2y$ with a cost of 4 to 31), as \`seedwatch hash-password\` prints`,
    );
    assert.equal(web.reloadStatus.ok, false);
    assert.equal(web.reload().ok, false);
    assert.equal(web.reloadStatus.failures, 2);
  });

  it("sets the configured security headers on every answer, 401 included", async (t) => {
    const { base } = await startHttp(
      t,
      [
        "http_server_config:",
        "  headers:",
        "    X-Frame-Options: deny",
        "    X-Content-Type-Options: nosniff",
        "    Content-Security-Policy: default-src 'self'",
        "    Strict-Transport-Security: max-age=31536000",
        "    X-XSS-Protection: '0'",
        `basic_auth_users:\n  alice: ${aliceHash}`,
        "",
      ].join("\n"),
    );
    for (const answer of [await get(`${base}/metrics`), await get(`${base}/`)]) {
      assert.equal(answer.headers["x-frame-options"], "deny");
      assert.equal(answer.headers["x-content-type-options"], "nosniff");
      assert.equal(answer.headers["content-security-policy"], "default-src 'self'");
      assert.equal(answer.headers["strict-transport-security"], "max-age=31536000");
      assert.equal(answer.headers["x-xss-protection"], "0");
    }
  });

  it("answers 429 with Retry-After once the burst is spent", async (t) => {
    const { base } = await startHttp(
      t,
      "rate_limit:\n  interval: 1h\n  burst: 2\nhttp_server_config:\n  headers:\n    X-Frame-Options: sameorigin\n",
    );
    assert.equal((await get(`${base}/metrics`)).status, 200);
    assert.equal((await get(`${base}/metrics`)).status, 200);
    const limited = await get(`${base}/metrics`);
    assert.equal(limited.status, 429);
    assert.equal(limited.headers["retry-after"], "3600");
    assert.equal(limited.headers["x-frame-options"], "sameorigin");
  });

  it("keeps a rate limit per client address: a flood from one spends none of another's tokens", async (t) => {
    const { base } = await startHttp(t, "rate_limit:\n  interval: 1h\n  burst: 2\n");
    const flood = { localAddress: "127.0.0.2" };
    assert.equal((await get(`${base}/metrics`, flood)).status, 200);
    assert.equal((await get(`${base}/metrics`, flood)).status, 200);
    assert.equal((await get(`${base}/metrics`, flood)).status, 429);
    assert.equal((await get(`${base}/metrics`, { localAddress: "127.0.0.1" })).status, 200);
    assert.equal((await get(`${base}/metrics`, flood)).status, 429);
  });

  it("keeps a logged-in user's tokens apart from a failing flood sent from the same address", async (t) => {
    const { base } = await startHttp(
      t,
      `rate_limit:\n  interval: 1h\n  burst: 2\nbasic_auth_users:\n  alice: ${aliceHash}\n`,
    );
    const scraper = { headers: basic("alice", "wonderland") };
    // The first login is checked with bcrypt and paid from the address's bucket.
    assert.equal((await get(`${base}/`, scraper)).status, 200);
    const statuses: number[] = [];
    for (const headers of [basic("alice", "guess"), basic("mallory", "x"), {}, {}])
      statuses.push((await get(`${base}/`, { headers })).status);
    assert.deepEqual(statuses, [401, 429, 429, 429]);
    // Credentials already found good are paid from the user's own bucket.
    assert.equal((await get(`${base}/`, scraper)).body, "hello alice");
    assert.equal((await get(`${base}/`, scraper)).status, 200);
    assert.equal((await get(`${base}/`, scraper)).status, 429);
  });

  it("answers 400 to a request with two Host (or two Authorization) headers", async (t) => {
    const { base } = await startHttp(t, `basic_auth_users:\n  alice: ${aliceHash}\n`);
    const port = Number(new URL(base).port);
    const send = async (head: string) => {
      const socket = connect(port, "127.0.0.1");
      let answer = "";
      socket.setEncoding("utf8");
      socket.on("data", (chunk: string) => {
        answer += chunk;
      });
      socket.on("error", () => undefined);
      socket.write(`${head}Connection: close\r\n\r\n`);
      await once(socket, "close");
      return answer;
    };
    const auth = basic("alice", "wonderland").authorization;
    const single = await send(`GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${auth}\r\n`);
    assert.match(single, /^HTTP\/1\.1 200 /);
    const twoHosts = await send(
      `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nhost: evil.example\r\nAuthorization: ${auth}\r\n`,
    );
    assert.match(twoHosts, /^HTTP\/1\.1 400 /);
    assert.match(twoHosts, /the host header may appear only once/);
    const twoAuths = await send(
      `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${auth}\r\nAuthorization: Basic eDp5\r\n`,
    );
    assert.match(twoAuths, /^HTTP\/1\.1 400 /);
  });

  it("lets everyone in, with no user, when basic_auth_users is empty", async (t) => {
    const { base, web } = await startHttp(t, "basic_auth_users:\n");
    assert.equal(web.authEnabled, false);
    assert.equal((await get(`${base}/`)).body, "hello anonymous");
  });

  it("runs plain HTTP without a web config file", async (t) => {
    const { web, base } = await listen(t, { handler: (_req, res) => res.end("plain") });
    assert.equal(web.secure, false);
    assert.equal((await get(`${base}/`)).body, "plain");
    assert.deepEqual(await web.authenticate({ headers: {} } as never), { user: undefined });
  });

  it("answers 500 when a handler fails, and reports the error", async (t) => {
    const errors: unknown[] = [];
    const { base } = await startHttp(t, "", {
      handler: async () => {
        throw new Error("boom");
      },
      onHandlerError: (error) => errors.push(error),
    });
    const answer = await get(`${base}/`);
    assert.equal(answer.status, 500);
    assert.equal(answer.body, "Internal Server Error\n");
    assert.equal((errors[0] as Error).message, "boom");
  });

  it("refuses to start on a broken web config file", async () => {
    const file = join(dir.path, "broken.yml");
    await writeFile(file, "tls_server_config:\n  min_version: TLS14\n");
    assert.throws(
      () => createWebServer({ webConfigFile: file, handler: () => undefined }),
      (error: unknown) =>
        error instanceof WebConfigError &&
        error.message ===
          `${file}:2:16: tls_server_config.min_version: expected one of TLS10, TLS11, TLS12, TLS13`,
    );
  });

  it("refuses to turn TLS on by a reload", async (t) => {
    const { base, file, outcomes } = await startHttp(t, "");
    const self = await makeCertificate(dir.path, {
      name: "self-signed",
      commonName: "127.0.0.1",
      serial: "5E1F",
      subjectAltName: "IP:127.0.0.1",
    });
    await writeFile(
      file,
      `tls_server_config:\n  cert_file: ${self.cert}\n  key_file: ${self.key}\n`,
    );
    assert.equal((await get(`${base}/metrics`)).status, 200);
    const outcome = outcomes[0];
    assert.ok(outcome !== undefined && !outcome.ok);
    assert.equal(
      outcome.error.message,
      `${file}: tls_server_config: turning TLS on needs a restart of the server`,
    );
  });
});
