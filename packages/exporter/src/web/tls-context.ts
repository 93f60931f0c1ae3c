// Turns tls_server_config into Node TLS settings: checked certificate and key, versions, ciphers, client-cert policy.

import type { KeyObject, X509Certificate } from "node:crypto";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { isIPv6 } from "node:net";
import type { SecureContextOptions, TLSSocket } from "node:tls";
import { crypto, tls as nodeTls } from "../net/node-builtins.ts";
import { CIPHER_SUITES, CURVES, DEFAULT_TLS13_SUITES, TLS_VERSIONS } from "./tls-names.ts";
import type { TlsServerConfig } from "./web-config.ts";
import { WebConfigError, type WebConfigIssue } from "./web-config-error.ts";

/** What the server certificate says about itself (for logs and an expiry metric). */
export interface CertificateInfo {
  readonly subject: string;
  /** Upper-case hex, as OpenSSL prints it. */
  readonly serialNumber: string;
  readonly notAfter: Date;
  readonly fingerprint256: string;
}

/** Node TLS settings built from a `tls_server_config`. */
export interface TlsSettings {
  /** For `https.createServer` and `server.setSecureContext`. */
  readonly contextOptions: SecureContextOptions;
  /** Ask clients for a certificate. */
  readonly requestCert: boolean;
  /** Let OpenSSL refuse the handshake when the client certificate does not verify. */
  readonly rejectUnauthorized: boolean;
  readonly certificate: CertificateInfo;
  /**
   * Applies the parts of the client-certificate policy OpenSSL cannot (a certificate required but
   * not verified, verified only if given, allowed SANs) once the handshake is done. Returns why
   * the connection must be refused, or undefined.
   */
  verifyPeer(socket: TLSSocket): string | undefined;
}

/** Reads a file referenced by the configuration; throws an errno error. */
export type FileReader = (path: string) => Buffer;

/** Largest certificate, key or CA file read. */
export const MAX_TLS_FILE_BYTES = 1024 * 1024;

/** Reads a whole file of at most MAX_TLS_FILE_BYTES. */
export function readBoundedFile(path: string, limit = MAX_TLS_FILE_BYTES): Buffer {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    if (size > limit) {
      throw Object.assign(new Error(`larger than ${limit} bytes`), { code: "EFBIG" });
    }
    const buffer = Buffer.alloc(size);
    let done = 0;
    while (done < size) {
      const n = readSync(fd, buffer, done, size - done, done);
      if (n === 0) break;
      done += n;
    }
    return buffer.subarray(0, done);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads the certificate, key and client CAs, checks that they parse and belong together, and
 * builds the TLS settings. Throws a WebConfigError naming `file` and the field; key material never
 * appears in a message.
 */
export function buildTlsSettings(
  tls: TlsServerConfig,
  file: string,
  read: FileReader = readBoundedFile,
): TlsSettings {
  const issues: WebConfigIssue[] = [];
  const at = (field: string) => `tls_server_config.${field}`;
  const source = (inline: string | undefined, path: string | undefined, fileField: string) => {
    if (inline !== undefined) return inline;
    if (path === undefined) return undefined;
    try {
      return read(path).toString("utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
      // Not the path: no message quotes a value of the file (a key pasted there, say).
      issues.push({ path: at(fileField), message: `cannot read the file it names (${code})` });
      return undefined;
    }
  };
  const where = (path: string | undefined, inline: string) =>
    path === undefined ? `the inline ${inline}` : `the file ${inline}_file names`;

  const certPem = source(tls.cert, tls.certFile, "cert_file");
  const keyPem = source(tls.key, tls.keyFile, "key_file");
  const caPem = source(tls.clientCa, tls.clientCaFile, "client_ca_file");

  let certificate: X509Certificate | undefined;
  if (certPem !== undefined) {
    try {
      certificate = new crypto.X509Certificate(certPem);
    } catch {
      issues.push({
        path: at(tls.certFile === undefined ? "cert" : "cert_file"),
        message: `expected a PEM certificate in ${where(tls.certFile, "cert")}`,
      });
    }
  }
  let key: KeyObject | undefined;
  if (keyPem !== undefined) {
    try {
      key = crypto.createPrivateKey(keyPem);
    } catch {
      issues.push({
        path: at(tls.keyFile === undefined ? "key" : "key_file"),
        message: `expected an unencrypted PEM private key in ${where(tls.keyFile, "key")}`,
      });
    }
  }
  if (certificate !== undefined && key !== undefined && !certificate.checkPrivateKey(key)) {
    issues.push({
      path: at(tls.keyFile === undefined ? "key" : "key_file"),
      message: `expected the private key of the certificate in ${where(tls.certFile, "cert")}`,
    });
  }
  if (caPem !== undefined && countCertificates(caPem) === 0) {
    issues.push({
      path: at(tls.clientCaFile === undefined ? "client_ca" : "client_ca_file"),
      message: `expected at least one PEM certificate in ${where(tls.clientCaFile, "client_ca")}`,
    });
  }
  if (issues.length > 0 || certificate === undefined || certPem === undefined) {
    throw new WebConfigError(file, issues);
  }

  const contextOptions: SecureContextOptions = {
    cert: certPem,
    key: keyPem,
    minVersion: TLS_VERSIONS[tls.minVersion],
    maxVersion: TLS_VERSIONS[tls.maxVersion],
    honorCipherOrder: tls.preferServerCipherSuites,
    ...(caPem === undefined ? {} : { ca: caPem }),
    ...(tls.cipherSuites === undefined ? {} : { ciphers: opensslCiphers(tls.cipherSuites) }),
    ...(tls.curvePreferences === undefined
      ? {}
      : { ecdhCurve: tls.curvePreferences.map((c) => CURVES[c]).join(":") }),
  };
  try {
    nodeTls().createSecureContext(contextOptions);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new WebConfigError(
      file,
      [{ path: "tls_server_config", message: `cannot set up TLS (${reason})` }],
      {
        cause: error,
      },
    );
  }

  const auth = tls.clientAuthType;
  const allowed = tls.clientAllowedSans?.map(normalizeSan);
  return {
    contextOptions,
    requestCert: auth !== "NoClientCert",
    rejectUnauthorized: auth === "RequireAndVerifyClientCert",
    certificate: {
      subject: certificate.subject,
      serialNumber: certificate.serialNumber,
      notAfter: new Date(certificate.validTo),
      fingerprint256: certificate.fingerprint256,
    },
    verifyPeer(socket) {
      if (auth === "NoClientCert" || auth === "RequestClientCert") return undefined;
      const peer = socket.getPeerX509Certificate();
      if (peer === undefined) {
        return auth === "VerifyClientCertIfGiven" ? undefined : "no client certificate";
      }
      if (auth !== "RequireAnyClientCert" && !socket.authorized) {
        return `client certificate not trusted (${String(socket.authorizationError)})`;
      }
      if (allowed !== undefined) {
        const sans = subjectAltNames(peer.subjectAltName);
        if (!sans.some((san) => allowed.includes(san))) {
          return "client certificate has none of client_allowed_sans";
        }
      }
      return undefined;
    },
  };
}

/** Maps Go cipher names to an OpenSSL cipher string; TLS 1.3 keeps its defaults when none is listed. */
function opensslCiphers(goNames: readonly string[]): string {
  const names = goNames.map((name) => CIPHER_SUITES[name] as string);
  const tls13 = names.filter((n) => n.startsWith("TLS_"));
  const tls12 = names.filter((n) => !n.startsWith("TLS_"));
  return [...(tls13.length > 0 ? tls13 : DEFAULT_TLS13_SUITES), ...tls12].join(":");
}

function countCertificates(pem: string): number {
  let count = 0;
  for (const match of pem.matchAll(
    /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g,
  )) {
    try {
      new crypto.X509Certificate(match[0]);
      count += 1;
    } catch {
      return 0;
    }
  }
  return count;
}

/**
 * The SAN values of a certificate, from Node's `subjectAltName` text (`DNS:a, IP Address:1.2.3.4`,
 * values with special characters JSON-quoted), normalized like the allowed list.
 */
function subjectAltNames(text: string | undefined): string[] {
  if (text === undefined) return [];
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|, )(DNS|IP Address|email|URI):("(?:[^"\\]|\\.)*"|[^,]*)/g)) {
    const raw = m[2] ?? "";
    out.push(normalizeSan(raw.startsWith('"') ? (JSON.parse(raw) as string) : raw));
  }
  return out;
}

/** IPv6 addresses compared in their compressed form (Go's `ip.String()`); the rest as written. */
function normalizeSan(value: string): string {
  if (!isIPv6(value)) return value;
  return new URL(`http://[${value}]/`).hostname.slice(1, -1);
}
