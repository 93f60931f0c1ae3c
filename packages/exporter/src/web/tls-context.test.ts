import assert from "node:assert/strict";
import { once } from "node:events";
import { readFile, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, it, type TestContext } from "node:test";
import { connect, createServer, type TLSSocket } from "node:tls";
import { tempDir } from "@seedwatch/testbed";
import { type CertificateFiles, makeCertificate } from "@seedwatch/testbed/certificates";
import { buildTlsSettings } from "./tls-context.ts";
import type { TlsServerConfig } from "./web-config.ts";
import { parseWebConfig } from "./web-config.ts";
import { WebConfigError } from "./web-config-error.ts";

describe("buildTlsSettings", () => {
  let dir: { path: string; remove(): Promise<void> };
  let server: CertificateFiles;
  let other: CertificateFiles;
  let certPem: string;
  let keyPem: string;

  before(async () => {
    dir = await tempDir("tls-context");
    server = await makeCertificate(dir.path, {
      name: "server",
      commonName: "seedwatch.test",
      serial: "5EED01",
      subjectAltName: "IP:127.0.0.1",
    });
    other = await makeCertificate(dir.path, { name: "other", commonName: "other", serial: "02" });
    certPem = await readFile(server.cert, "utf8");
    keyPem = await readFile(server.key, "utf8");
  });
  after(() => dir.remove());

  const tlsOf = (yaml: string): TlsServerConfig => {
    const tls = parseWebConfig(`tls_server_config:\n${yaml}`, join(dir.path, "web.yml")).tls;
    assert.ok(tls !== undefined);
    return tls;
  };
  const files = () => `  cert_file: ${server.cert}\n  key_file: ${server.key}\n`;

  it("describes the certificate and maps versions, ciphers and curves to OpenSSL's names", () => {
    const settings = buildTlsSettings(
      tlsOf(
        `${files()}  max_version: TLS12\n  cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256]\n  curve_preferences: [CurveP384, X25519]\n`,
      ),
      "web.yml",
    );
    assert.equal(settings.certificate.serialNumber, "5EED01");
    assert.equal(settings.certificate.subject, "CN=seedwatch.test");
    assert.ok(settings.certificate.notAfter.getTime() > Date.now());
    const { minVersion, maxVersion, ciphers, ecdhCurve, honorCipherOrder } =
      settings.contextOptions;
    assert.deepEqual(
      { minVersion, maxVersion, ciphers, ecdhCurve, honorCipherOrder },
      {
        minVersion: "TLSv1.2",
        maxVersion: "TLSv1.2",
        ciphers:
          "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305",
        ecdhCurve: "P-384:X25519",
        honorCipherOrder: true,
      },
    );
    assert.equal(settings.requestCert, false);
    assert.equal(settings.rejectUnauthorized, false);
  });

  async function handshake(t: TestContext, yaml: string) {
    const settings = buildTlsSettings(tlsOf(yaml), "web.yml");
    const srv = createServer(settings.contextOptions, (socket) => socket.end());
    t.after(() => srv.close());
    srv.listen(0, "127.0.0.1");
    await once(srv, "listening");
    const socket: TLSSocket = connect({
      port: (srv.address() as AddressInfo).port,
      host: "127.0.0.1",
      ca: certPem,
      maxVersion: "TLSv1.2",
    });
    t.after(() => socket.destroy());
    await once(socket, "secureConnect");
    return socket;
  }

  it("makes a real handshake use the configured cipher suite and curve", async (t) => {
    const socket = await handshake(
      t,
      `${files()}  cipher_suites: [TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256]\n  curve_preferences: [CurveP384]\n`,
    );
    assert.equal(socket.getCipher().name, "ECDHE-ECDSA-CHACHA20-POLY1305");
    assert.equal(
      socket.getEphemeralKeyInfo() && (socket.getEphemeralKeyInfo() as { name?: string }).name,
      "secp384r1",
    );
  });

  it("maps each client_auth_type onto OpenSSL's request and reject switches", () => {
    const ca = `  client_ca_file: ${server.cert}\n`;
    const modes = {
      NoClientCert: [false, false],
      RequestClientCert: [true, false],
      RequireAnyClientCert: [true, false],
      VerifyClientCertIfGiven: [true, false],
      RequireAndVerifyClientCert: [true, true],
    };
    for (const [mode, [request, reject]] of Object.entries(modes)) {
      const settings = buildTlsSettings(
        tlsOf(`${files()}  client_auth_type: ${mode}\n${mode === "NoClientCert" ? "" : ca}`),
        "web.yml",
      );
      assert.deepEqual(
        [settings.requestCert, settings.rejectUnauthorized],
        [request, reject],
        mode,
      );
    }
  });

  it("accepts inline PEM as well as files", () => {
    const inline = `  cert: ${JSON.stringify(certPem)}\n  key: ${JSON.stringify(keyPem)}\n`;
    assert.equal(buildTlsSettings(tlsOf(inline), "web.yml").certificate.serialNumber, "5EED01");
  });

  it("names the field of what cannot be used, never the file name or the key itself", async () => {
    const notPem = join(dir.path, "not.pem");
    const noCerts = join(dir.path, "empty-ca.pem");
    await writeFile(notPem, "this is not a certificate\n");
    await writeFile(noCerts, "# no certificate here\n");
    const missing = join(dir.path, "missing.pem");
    const cases: ReadonlyArray<readonly [string, string]> = [
      [
        `  cert_file: ${missing}\n  key_file: ${server.key}\n`,
        "web.yml: tls_server_config.cert_file: cannot read the file it names (ENOENT)",
      ],
      [
        `  cert_file: ${notPem}\n  key_file: ${server.key}\n`,
        "web.yml: tls_server_config.cert_file: expected a PEM certificate in the file cert_file names",
      ],
      [
        `  cert_file: ${server.cert}\n  key_file: ${other.key}\n`,
        "web.yml: tls_server_config.key_file: expected the private key of the certificate in the file cert_file names",
      ],
      [
        `  cert_file: ${server.cert}\n  key: "-----BEGIN PRIVATE KEY-----\\nc2VjcmV0LWtleQ==\\n-----END PRIVATE KEY-----"\n`,
        "web.yml: tls_server_config.key: expected an unencrypted PEM private key in the inline key",
      ],
      [
        `${files()}  client_auth_type: RequireAnyClientCert\n  client_ca_file: ${noCerts}\n`,
        "web.yml: tls_server_config.client_ca_file: expected at least one PEM certificate in the file client_ca_file names",
      ],
    ];
    for (const [yaml, expected] of cases) {
      assert.throws(
        () => buildTlsSettings(tlsOf(yaml), "web.yml"),
        (error: unknown) => {
          assert.ok(error instanceof WebConfigError);
          assert.equal(error.message, expected);
          assert.doesNotMatch(error.message, /c2VjcmV0|BEGIN/);
          return true;
        },
      );
    }
  });
});
