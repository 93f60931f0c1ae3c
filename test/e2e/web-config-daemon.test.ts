import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { request } from "node:https";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { tempDir } from "@seedwatch/testbed";
import { makeCertificate } from "@seedwatch/testbed/certificates";
import { type Qbittorrent, startQbittorrent } from "@seedwatch/testbed/qbittorrent";
import { type Seedwatch, startSeedwatch } from "@seedwatch/testbed/seedwatch";

const MAIN = new URL("../../packages/exporter/src/main.ts", import.meta.url).pathname;

describe("seedwatch behind web-config.yml: TLS and basic auth", { timeout: 120_000 }, () => {
  let qb: Qbittorrent;
  let seedwatch: Seedwatch;
  let ca = "";
  let hash = "";
  let dir: { path: string; remove(): Promise<void> };

  before(async () => {
    dir = await tempDir("webcfg");
    qb = await startQbittorrent();
    // The CLI makes the hash, reading the password on stdin as a user would pipe it.
    hash = await new Promise<string>((resolve, reject) => {
      const child = execFile(
        process.execPath,
        [MAIN, "hash-password", "--cost", "6"],
        (error, stdout) => (error ? reject(error) : resolve(stdout.trim())),
      );
      child.stdin?.end("s3cret-pass\n");
    });
    const cert = await makeCertificate(dir.path, {
      name: "server",
      commonName: "127.0.0.1",
      serial: "01",
      subjectAltName: "IP:127.0.0.1",
      usage: "serverAuth",
    });
    ca = await readFile(cert.cert, "utf8");
    const webConfig = join(dir.path, "web.yml");
    await writeFile(
      webConfig,
      `tls_server_config:\n  cert_file: ${cert.cert}\n  key_file: ${cert.key}\nbasic_auth_users:\n  prom: "${hash}"\n`,
    );
    seedwatch = await startSeedwatch(
      `targets:\n  - { name: box, type: qbittorrent, url: "${qb.url}", username: "${qb.username}", password: "${qb.password}" }\n`,
      [`--web.config.file=${webConfig}`],
      { ca, auth: "prom:s3cret-pass" },
    );
  });
  after(async () => {
    await seedwatch?.remove();
    await qb?.stop();
    await dir?.remove();
  });

  const get = (path: string, auth?: string) =>
    new Promise<{ status: number; body: string; headers: Record<string, unknown> }>(
      (resolve, reject) => {
        const req = request(
          {
            host: "127.0.0.1",
            port: seedwatch.port,
            path,
            ca,
            ...(auth === undefined ? {} : { auth }),
          },
          (res) => {
            let body = "";
            res.on("data", (c: Buffer) => {
              body += c.toString();
            });
            res.on("end", () =>
              resolve({ status: res.statusCode ?? 0, body, headers: res.headers }),
            );
          },
        );
        req.on("error", reject);
        req.end();
      },
    );

  it("prints a bcrypt hash from hash-password", () => {
    assert.match(hash, /^\$2[aby]\$06\$.{53}$/);
  });

  it("serves HTTPS only to users with the right password", async () => {
    const anonymous = await get("/metrics");
    assert.equal(anonymous.status, 401);
    assert.match(String(anonymous.headers["www-authenticate"]), /^Basic realm="seedwatch"/);
    assert.equal((await get("/metrics", "prom:wrong")).status, 401);
    assert.equal((await get("/metrics", "nobody:s3cret-pass")).status, 401);
    const ok = await get("/metrics", "prom:s3cret-pass");
    assert.equal(ok.status, 200);
    assert.match(ok.body, /pt_up\{name="box"/);
    assert.doesNotMatch(seedwatch.logs(), /s3cret-pass/);
  });
});
