// Test helper: certificates made by the real `openssl` CLI (a CA, servers and clients) in a test's temp dir.

import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Paths of a PEM certificate and its unencrypted PEM key. */
export interface CertificateFiles {
  readonly cert: string;
  readonly key: string;
}

/** What to put in a certificate. */
export interface CertificateSpec {
  /** File name stem in `dir`. */
  readonly name: string;
  readonly commonName: string;
  /** Hex serial number (distinct serials tell reloaded certificates apart). */
  readonly serial: string;
  /** `subjectAltName` value, e.g. `IP:127.0.0.1` or `DNS:client.example`. */
  readonly subjectAltName?: string;
  /** Signing CA; self-signed when absent. */
  readonly ca?: CertificateFiles;
  /** Make it a CA. */
  readonly isCa?: boolean;
  /** `serverAuth` or `clientAuth`. */
  readonly usage?: "serverAuth" | "clientAuth";
}

/** Makes an EC P-256 certificate valid for two days with `openssl` in `dir`. */
export async function makeCertificate(
  dir: string,
  spec: CertificateSpec,
): Promise<CertificateFiles> {
  const cert = join(dir, `${spec.name}.pem`);
  const key = join(dir, `${spec.name}.key`);
  const extensions = [
    spec.isCa ? "basicConstraints=critical,CA:TRUE" : "basicConstraints=critical,CA:FALSE",
    spec.isCa ? "keyUsage=critical,keyCertSign,cRLSign" : "keyUsage=critical,digitalSignature",
    ...(spec.usage ? [`extendedKeyUsage=${spec.usage}`] : []),
    ...(spec.subjectAltName ? [`subjectAltName=${spec.subjectAltName}`] : []),
  ];
  const newKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  if (spec.ca === undefined) {
    await run("openssl", [
      "req",
      "-x509",
      ...newKey,
      "-keyout",
      key,
      "-out",
      cert,
      "-days",
      "2",
      "-subj",
      `/CN=${spec.commonName}`,
      "-set_serial",
      `0x${spec.serial}`,
      ...extensions.flatMap((e) => ["-addext", e]),
    ]);
    return { cert, key };
  }
  const csr = join(dir, `${spec.name}.csr`);
  const ext = join(dir, `${spec.name}.ext`);
  await writeFile(ext, `${extensions.join("\n")}\n`);
  await run("openssl", [
    "req",
    "-new",
    ...newKey,
    "-keyout",
    key,
    "-out",
    csr,
    "-subj",
    `/CN=${spec.commonName}`,
  ]);
  await run("openssl", [
    "x509",
    "-req",
    "-in",
    csr,
    "-CA",
    spec.ca.cert,
    "-CAkey",
    spec.ca.key,
    "-set_serial",
    `0x${spec.serial}`,
    "-days",
    "2",
    "-extfile",
    ext,
    "-out",
    cert,
  ]);
  return { cert, key };
}
