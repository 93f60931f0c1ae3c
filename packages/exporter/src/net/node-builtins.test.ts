// The daemon's modules load neither undici, HTTP/2 nor TLS unless a TLS connection or server is made.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { jsonFromScript } from "@seedwatch/testbed/node-script";

const CLI = new URL("../cli.ts", import.meta.url).href;
const HTTP_CLIENT = new URL("./http-client.ts", import.meta.url).href;

/** Node's built-in modules loaded after running `script` (an ES module) in a fresh process. */
async function loadedAfter(script: string): Promise<string[]> {
  const report = "process.stdout.write(JSON.stringify(process.moduleLoadList));";
  const loaded = await jsonFromScript<string[]>(script + report);
  return loaded.map((entry) => entry.replace(/^NativeModule /, ""));
}

const HEAVY = ["internal/deps/undici/undici", "http2", "tls", "https"];

describe("node-builtins", () => {
  it("importing every module of the daemon loads no undici, HTTP/2 or TLS", async () => {
    const loaded = await loadedAfter(`await import(${JSON.stringify(CLI)});`);
    assert.ok(loaded.includes("http"), "the module list is read");
    assert.deepEqual(
      HEAVY.filter((name) => loaded.includes(name)),
      [],
    );
  });

  it("an HTTP request of the client loads no TLS; an HTTPS one does", async () => {
    const exchange = (scheme: string) => `
      const { HttpClient } = await import(${JSON.stringify(HTTP_CLIENT)});
      const server = process.getBuiltinModule("node:http").createServer((q, r) => r.end("ok"));
      await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
      const client = new HttpClient();
      const url = new URL("${scheme}://127.0.0.1:" + server.address().port + "/");
      const signal = AbortSignal.timeout(10_000);
      const answer = await client.request({ method: "GET", url, signal, maxBytes: 100 }).then(
        (res) => String(res.body),
        (error) => error.name,
      );
      client.close();
      server.close();
      process.stderr.write(answer);
    `;
    const plain = await loadedAfter(exchange("http"));
    assert.deepEqual(
      HEAVY.filter((name) => plain.includes(name)),
      [],
    );
    // An HTTPS request to the plain server fails its handshake, but has loaded node:https.
    const secure = await loadedAfter(exchange("https"));
    assert.ok(secure.includes("https") && secure.includes("tls"));
  });
});
