import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";
import { createSessionCounters } from "@seedwatch/metrics";
import { TARGET_TYPES, type TargetConfig } from "./collect/target-config.ts";
import { TargetSet } from "./collect/target-set.ts";
import { parseConfig } from "./config/load.ts";
import { silentLogger } from "./log.ts";
import { Secret } from "./settings/secret.ts";
import type { TorrentSource } from "./sources/source.ts";
import { buildTarget, createTorrentSource, TARGET_KINDS } from "./target-kinds.ts";

/** One target of every type, none of them reachable (nothing here needs a poll to succeed). */
const CONFIG = parseConfig(
  `global: { poll_interval: 1h }
targets:
  - { name: qb, type: qbittorrent, url: "http://127.0.0.1:9", username: u, password: p }
  - { name: tr, type: transmission, url: "http://127.0.0.1:9/transmission/rpc" }
  - { name: de, type: deluge, url: "deluge://127.0.0.1:9", username: u, password: p }
  - { name: rt, type: rtorrent, url: "scgi://127.0.0.1:9" }
  - { name: miner, type: linxdot, url: "http://127.0.0.1:9", username: u, password: p }
`,
  "t.yml",
  {},
);

const IDLE: TorrentSource = {
  bytesReceived: 0,
  // Answers nothing until the target stops.
  poll: (signal) =>
    new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason))),
  remove: async () => {},
  close: async () => {},
};

describe("the map of target kinds", () => {
  it("builds every configured type, each target carrying its kind", () => {
    assert.deepEqual(Object.keys(TARGET_KINDS).sort(), [...TARGET_TYPES].sort());
    const kinds = CONFIG.targets.map((config) => {
      const { target, collector } = buildTarget(config, { log: silentLogger, counters: undefined });
      assert.equal(collector.name, `target:${config.name}`);
      return [config.type, target.kind];
    });
    assert.deepEqual(Object.fromEntries(kinds), {
      qbittorrent: "torrent",
      transmission: "torrent",
      deluge: "torrent",
      rtorrent: "torrent",
      linxdot: "device",
    });
  });
});

describe("TargetSet", () => {
  it("answers its torrent targets by kind, never a device", async () => {
    const set = new TargetSet((config) =>
      buildTarget(config, { log: silentLogger, counters: undefined, createSource: () => IDLE }),
    );
    try {
      await set.apply(CONFIG);
      assert.deepEqual(
        set.torrentTargets().map((t) => t.config.name),
        ["qb", "tr", "de", "rt"],
      );
      assert.equal(set.torrentTarget("qb")?.table.size, 0);
      assert.equal(set.torrentTarget("miner"), undefined);
      assert.equal(set.torrentTarget("nobody"), undefined);
      assert.equal(set.get("miner")?.kind, "device");
      assert.equal(set.targets.length, 5);
    } finally {
      await set.stop();
    }
  });
});

/** A Secret that counts how often it is revealed. */
class CountingSecret extends Secret {
  reveals = 0;

  override reveal(): string {
    this.reveals++;
    return super.reveal();
  }
}

/** What a request carried: its headers and body, as text. */
interface SeenRequest {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A loopback HTTP server that records every request and refuses it with a 401. */
async function refusingServer(): Promise<{
  url: string;
  seen: SeenRequest[];
  close: () => Promise<void>;
}> {
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      seen.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(401, { "content-type": "text/plain" }).end("no");
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}

/** Whether a request carried `secret`: in its body, or in an Authorization header (Basic decoded). */
function carried(request: SeenRequest, secret: string): boolean {
  const authorization = request.headers.authorization ?? "";
  const basic = authorization.startsWith("Basic ")
    ? Buffer.from(authorization.slice(6), "base64").toString("utf8")
    : "";
  return request.body.includes(secret) || authorization.includes(secret) || basic.includes(secret);
}

describe("a torrent client's credentials", () => {
  const cases: ReadonlyArray<{ type: string; path: string; apiKey?: boolean }> = [
    { type: "qbittorrent", path: "/" },
    { type: "qbittorrent", path: "/", apiKey: true },
    { type: "transmission", path: "/transmission/rpc" },
    { type: "deluge", path: "/" },
    { type: "rtorrent", path: "/RPC2" },
  ];
  for (const { type, path, apiKey } of cases) {
    const what = `${type}${apiKey ? " (API key)" : ""}`;
    it(`${what}: stay secret while the source is built, revealed when a request is sent`, async () => {
      const server = await refusingServer();
      const value = `s3cret-${type}-41f7`;
      const secret = new CountingSecret(value);
      const [parsed] = parseConfig(
        `targets:
  - { name: t, type: ${type}, url: "${server.url}${path}", ${apiKey ? "api_key: k" : "username: u, password: p"} }
`,
        "t.yml",
        {},
      ).targets;
      const config: TargetConfig = apiKey
        ? { ...(parsed as TargetConfig), apiKey: secret }
        : { ...(parsed as TargetConfig), password: secret };
      const source = createTorrentSource(config, {
        target: "t",
        session: createSessionCounters(),
        onUnknownState: () => {},
      });
      try {
        assert.equal(secret.reveals, 0, "building the source reveals nothing");
        await assert.rejects(source.poll(AbortSignal.timeout(10_000)), (error: Error) => {
          assert.ok(!error.message.includes(value), error.message);
          return true;
        });
        assert.ok(server.seen.length > 0, "the source asked the client");
        assert.ok(
          server.seen.some((request) => carried(request, value)),
          "the secret went out with a request",
        );
        assert.ok(secret.reveals > 0, "revealed where the request was built");
      } finally {
        await source.close();
        await server.close();
      }
    });
  }
});
