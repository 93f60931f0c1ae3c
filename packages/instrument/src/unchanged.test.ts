// The app's answers and errors are the same with the library loaded: each fixture app run twice, compared byte for byte.

import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { request } from "node:http";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { freePort, waitFor } from "@seedwatch/metrics/testing";
import { type AppKind, KINDS } from "./fixtures/apps.ts";
import { partnerServer } from "./fixtures/partner-server.ts";
import { close, listen } from "./test-support.ts";

const SERVE = fileURLToPath(new URL("./fixtures/serve-app.ts", import.meta.url));

/** Every request the comparison makes; GET /metrics is left out: answering it is our one job. */
const REQUESTS: ReadonlyArray<{
  method: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
}> = [
  {
    method: "GET",
    path: "/users/123",
    headers: { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) compare" },
  },
  { method: "GET", path: "/api/items/7?x=1" },
  {
    method: "POST",
    path: "/orders",
    body: '{"n":1,"method_code":"M1"}',
    headers: { "content-type": "application/json" },
  },
  { method: "GET", path: "/text", headers: { "method-code": "H1" } },
  { method: "GET", path: "/gzip", headers: { "accept-encoding": "gzip" } },
  { method: "GET", path: "/empty" },
  { method: "GET", path: "/boom" },
  { method: "GET", path: "/healthcheck" },
  { method: "GET", path: "/nowhere" },
  { method: "HEAD", path: "/users/1" },
  { method: "POST", path: "/metrics", body: "" },
  { method: "GET", path: "/slow" },
];

interface Answer {
  readonly status: number;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: string;
}

/** One request on its own connection; the raw status, headers (but Date) and body bytes. */
function raw(base: string, r: (typeof REQUESTS)[number]): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}${r.path}`,
      { method: r.method, headers: { connection: "close", ...r.headers }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const headers: Array<[string, string]> = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2) {
            const name = res.rawHeaders[i] as string;
            if (name.toLowerCase() !== "date")
              headers.push([name, res.rawHeaders[i + 1] as string]);
          }
          resolve({
            status: res.statusCode ?? 0,
            headers,
            body: Buffer.concat(chunks).toString("base64"),
          });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(r.body);
  });
}

interface Child {
  readonly url: string;
  readonly outbound: unknown;
  readonly process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

async function startChild(
  kind: AppKind,
  instrumented: boolean,
  env: Record<string, string>,
): Promise<Child> {
  const child = spawn(
    process.execPath,
    [...(instrumented ? ["--import", "@seedwatch/instrument/register"] : []), SERVE],
    {
      env: {
        ...process.env,
        ...env,
        APP_KIND: kind,
        SEEDWATCH_SYSCODE: "U000000001",
        SEEDWATCH_METRICS_PORT: "off",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
  const url = await waitFor(`the ${kind} app to listen`, () => {
    if (child.exitCode !== null) throw new Error(`the app exited: ${stderr}`);
    return /^listening (\S+)$/m.exec(stdout)?.[1];
  });
  const outbound = JSON.parse(/^outbound (.*)$/m.exec(stdout)?.[1] ?? "null") as unknown;
  return {
    url,
    outbound,
    process: child,
    output: () => stderr,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    },
  };
}

describe("with and without the library", { timeout: 120_000 }, () => {
  const partner = partnerServer();
  let env: Record<string, string>;

  before(async () => {
    const url = await listen(partner);
    env = {
      PARTNER_URL: url,
      DEAD_PORT: String(await freePort()),
      SEEDWATCH_PARTNERS: JSON.stringify({
        [new URL(url).host]: { partner: 1, paths: { "/gzip": 9 } },
      }),
    };
  });
  after(() => close(partner));

  for (const kind of KINDS) {
    it(`${kind}: every answer is the same, byte for byte, and so are outbound results and errors`, async () => {
      const plain = await startChild(kind, false, env);
      const measured = await startChild(kind, true, env);
      try {
        for (const r of REQUESTS) {
          const [expected, actual] = await Promise.all([raw(plain.url, r), raw(measured.url, r)]);
          assert.deepEqual(actual, expected, `${r.method} ${r.path}`);
        }
        assert.notEqual(plain.outbound, null);
        assert.deepEqual(measured.outbound, plain.outbound);
        // The library was loaded and working: it answers the metrics path on the app's port.
        const metrics = await (await fetch(`${measured.url}/metrics`)).text();
        assert.match(metrics, /^U000000001_inner_metrics_count\{.*path="\/orders".*\} 1$/m);
        assert.match(metrics, /^partner_http_metrics_count\{.*action_code="9".*\} 2$/m);
        assert.equal(measured.output(), plain.output());
      } finally {
        await plain.stop();
        await measured.stop();
      }
    });
  }

  it("an uncaught exception in a handler ends the process the same way", async () => {
    const plain = await startChild("node-http", false, env);
    const measured = await startChild("node-http", true, env);
    const crash = async (child: Child) => {
      const exited = once(child.process, "exit");
      await raw(child.url, { method: "GET", path: "/crash" }).catch(() => undefined);
      const [code] = await exited;
      return {
        code,
        error: child
          .output()
          .split("\n")
          .find((line) => line.startsWith("Error:")),
      };
    };
    const expected = await crash(plain);
    assert.deepEqual(expected, { code: 1, error: "Error: crash in a handler" });
    assert.deepEqual(await crash(measured), expected);
  });
});
